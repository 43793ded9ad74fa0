// `saluran presets`: list, show and validate the rendition presets (built-in and user files).

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/preset_options.hpp"
#include "cli/text_output.hpp"
#include "pipeline/model/media_info_json.hpp"
#include "pipeline/presets/builtin_presets.hpp"
#include "pipeline/presets/preset_catalog.hpp"
#include "pipeline/presets/preset_json.hpp"

namespace saluran::cli {
namespace {

// Shown under each subcommand's help, since --presets belongs to `presets` itself.
constexpr const char* kFolderNote =
    "--presets DIR (before or after the command) reads user presets from DIR.\n";

struct PresetsArgs {
  std::string dir;  ///< --presets; empty: user_presets_dir()
  bool list_json = false;
  std::string show_name;
  bool show_json = false;
  std::vector<std::string> files;
};

bool replaces_builtin(const std::string& name) {
  for (const PresetSource& b : builtin_presets()) {
    if (b.name == name) return true;
  }
  return false;
}

// "builtin", or the user's file (noting when it replaces a built-in of the same name).
std::string from_column(const PresetCatalog& catalog, const std::string& name) {
  if (catalog.is_builtin(name)) return "builtin";
  std::string file = catalog.file_of(name);
  if (replaces_builtin(name)) file += " (replaces builtin)";
  return file;
}

std::string channels_text(int channels) {
  if (channels == 1) return "mono";
  if (channels == 2) return "stereo";
  return fmt::format("{}ch", channels);
}

// A picture's frame: "1080x1350 fill", "w 480..2048" (a responsive set), "within 4096x4096"
// (long x short side), "long side 2048", or "source size".
std::string image_frame(const ImageSpec& m) {
  if (m.width > 0 && m.height > 0)
    return fmt::format("{}x{} {}", m.width, m.height, aspect_mode_name(m.aspect));
  if (!m.widths.empty()) {
    const auto [lo, hi] = std::minmax_element(m.widths.begin(), m.widths.end());
    return *lo == *hi ? fmt::format("w {}", *lo) : fmt::format("w {}..{}", *lo, *hi);
  }
  if (m.max_width > 0 && m.max_height > 0) {
    return fmt::format("within {}x{}", m.max_width, m.max_height);
  }
  if (m.max_width > 0) return fmt::format("long side {}", m.max_width);
  if (m.max_height > 0) return fmt::format("short side {}", m.max_height);
  return "source size";
}

// What the output looks like in one cell: "1080x1920 blur-pad", "within 1280x720", "44.1 kHz
// mono", "1080x1350 fill".
std::string frame_column(const Preset& p) {
  if (p.video) {
    const VideoSpec& v = *p.video;
    if (v.width > 0) return fmt::format("{}x{} {}", v.width, v.height, aspect_mode_name(v.aspect));
    if (v.max_width > 0 || v.max_height > 0) {
      return fmt::format("within {}x{}", v.max_width > 0 ? std::to_string(v.max_width) : "any",
                         v.max_height > 0 ? std::to_string(v.max_height) : "any");
    }
    return "source size";
  }
  if (p.audio) {
    return fmt::format("{:g} kHz {}", p.audio->sample_rate / 1000.0,
                       channels_text(p.audio->channels));
  }
  if (p.image) return image_frame(*p.image);
  return "";
}

// The user folder to read: --presets, else the default. Prints a note when a folder given on
// the command line does not exist, since that is more likely a typo than a wish.
Result<PresetCatalog> load_catalog(const PresetsArgs& args) {
  const std::filesystem::path dir = presets_folder(args.dir);
  std::error_code ec;
  if (!args.dir.empty() && !std::filesystem::exists(dir, ec)) {
    std::cerr << fmt::format("note: {} does not exist; only the built-in presets are known\n",
                             dir.string());
  }
  return PresetCatalog::load(dir);
}

int fatal(const Error& e) {
  std::cerr << "error: " << e.to_string() << '\n';
  return kExitFatal;
}

int run_list(const PresetsArgs& args) {
  Result<PresetCatalog> catalog = load_catalog(args);
  if (!catalog) return fatal(catalog.error());
  std::vector<Error> errors;
  std::vector<std::vector<std::string>> rows{{"NAME", "KIND", "CONTAINER", "FRAME", "FROM"}};
  nlohmann::json items = nlohmann::json::array();
  for (const std::string& name : catalog->names()) {
    Result<Preset> preset = catalog->get(name);
    const std::string from = from_column(*catalog, name);
    if (!preset) {
      errors.push_back(preset.error());
      rows.push_back({name, "invalid", "", "", from});
      items.push_back(
          {{"name", name}, {"valid", false}, {"from", from}, {"file", catalog->file_of(name)}});
      continue;
    }
    const Preset& p = *preset;
    rows.push_back({name, preset_kind_name(p.kind), p.container, frame_column(p), from});
    items.push_back({{"name", name},
                     {"valid", true},
                     {"description", p.description},
                     {"kind", preset_kind_name(p.kind)},
                     {"container", p.container},
                     {"frame", frame_column(p)},
                     {"extends", p.extends},
                     {"from", from},
                     {"file", p.file}});
  }
  if (args.list_json) {
    nlohmann::json errors_json = nlohmann::json::array();
    for (const Error& e : errors) errors_json.push_back(to_json(e));
    nlohmann::json out{{"saluran_presets", kPresetJsonVersion},
                       {"presets", std::move(items)},
                       {"errors", std::move(errors_json)}};
    std::cout << out.dump(2) << '\n';
  } else {
    print_columns(rows);
  }
  for (const Error& e : errors) std::cerr << "error: " << e.to_string() << '\n';
  return errors.empty() ? kExitOk : kExitSomeFailed;
}

// A JSON scalar, or a list of scalars, written as a TOML value.
std::string toml_value(const nlohmann::json& v) {
  if (v.is_number_float()) return fmt::format("{}", v.get<double>());
  if (v.is_array()) {
    std::string out;
    for (const nlohmann::json& item : v) out += (out.empty() ? "" : ", ") + toml_value(item);
    return "[" + out + "]";
  }
  return v.dump();  // strings (JSON escapes are valid TOML), integers, booleans
}

// A list of tables (video.bitrates) is written as [[...]] sections, not as a value.
bool is_table_list(const nlohmann::json& v) {
  return v.is_array() && !v.empty() && v.front().is_object();
}

// Writes the keys of `table` in `order` (then any others not in `skip`) as `key = value` lines.
void print_keys(const nlohmann::json& table, const std::vector<std::string>& order,
                const std::vector<std::string>& skip = {}) {
  std::vector<std::string> keys = order;
  for (const auto& [key, unused] : table.items()) {
    if (std::find(keys.begin(), keys.end(), key) == keys.end() &&
        std::find(skip.begin(), skip.end(), key) == skip.end()) {
      keys.push_back(key);
    }
  }
  for (const std::string& key : keys) {
    if (!table.contains(key)) continue;
    const nlohmann::json& v = table.at(key);
    if (v.is_object() || is_table_list(v)) continue;
    if (v.is_null()) {
      std::cout << fmt::format("# {} is not set\n", key);
    } else {
      std::cout << fmt::format("{} = {}\n", key, toml_value(v));
    }
  }
}

// The resolved preset as a TOML preset file: every setting, inherited ones included, so the
// output can be saved in the user folder as the start of a new preset.
void print_preset_toml(const Preset& p) {
  const nlohmann::json j = preset_to_json(p);
  std::cout << fmt::format("# {}: {}\n# from {}\n", p.name, p.description, p.file);
  if (!p.extends.empty()) {
    std::cout << fmt::format("# extends = \"{}\" (its settings are merged in below)\n", p.extends);
  }
  // name and file are not keys of a preset file; extends is already applied.
  print_keys(j, {"description", "source", "kind", "container", "extension"},
             {"name", "file", "extends"});
  if (p.video) {
    std::cout << "\n[video]\n";
    print_keys(j["video"],
               {"codec", "profile", "speed", "width", "height", "max_width", "max_height", "aspect",
                "enlarge", "fps", "min_fps", "max_fps", "bframes", "gop_seconds", "closed_gop",
                "pixel_format", "bitrate_kbps", "max_bitrate_kbps", "sdr"});
    for (const nlohmann::json& step : j["video"]["bitrates"]) {
      std::cout << "\n[[video.bitrates]]\n";
      print_keys(step, {"max_height", "kbps", "kbps_high_fps"});
    }
  }
  if (p.audio) {
    std::cout << "\n[audio]\n";
    print_keys(j["audio"], {"codec", "sample_rate", "channels", "bitrate_kbps", "cbr",
                            "loudness_lufs", "loudness_tolerance_lu", "true_peak_dbtp"});
  }
  if (p.image) {
    std::cout << "\n[image]\n";
    print_keys(j["image"],
               {"width", "height", "max_width", "max_height", "aspect", "background", "formats",
                "widths", "quality", "min_quality", "progressive", "keep_gps", "enlarge"});
  }
  std::cout << "\n[limits]\n";
  print_keys(j["limits"], {"min_duration_s", "max_duration_s", "max_file_bytes", "too_long",
                           "max_width", "max_height", "min_aspect", "max_aspect"});
  std::cout << "\n[trim]\n";
  print_keys(j["trim"], {"start_s", "duration_s", "fade_in_s", "fade_out_s"});
}

int run_show(const PresetsArgs& args) {
  Result<PresetCatalog> catalog = load_catalog(args);
  if (!catalog) return fatal(catalog.error());
  if (catalog->file_of(args.show_name).empty()) {
    std::cerr << fmt::format(
        "error: there is no preset named \"{}\"; 'saluran presets list' "
        "shows them all\n",
        args.show_name);
    return kExitUsage;
  }
  Result<Preset> preset = catalog->get(args.show_name);
  if (!preset) {
    std::cerr << "error: " << preset.error().to_string() << '\n';
    return kExitSomeFailed;
  }
  if (args.show_json) {
    std::cout << preset_to_json(*preset).dump(2) << '\n';
  } else {
    print_preset_toml(*preset);
  }
  return kExitOk;
}

int run_validate(const PresetsArgs& args) {
  Result<PresetCatalog> catalog = load_catalog(args);
  if (!catalog) return fatal(catalog.error());
  int valid = 0;
  int invalid = 0;
  const auto report = [&](const std::string& name, const Result<Preset>& preset) {
    if (preset) {
      ++valid;
      std::cout << "ok " << name << '\n';
    } else {
      ++invalid;
      std::cout << "error: " << preset.error().to_string() << '\n';
    }
  };
  if (args.files.empty()) {
    for (const std::string& name : catalog->names()) report(name, catalog->get(name));
  } else {
    for (const std::string& file : args.files) {
      Result<PresetSource> source = read_preset_file(file);
      if (!source) {
        report(file, source.error());
        continue;
      }
      report(source->name, parse_preset(*source, catalog->sources()));
    }
  }
  std::cout << fmt::format("{} valid, {} invalid\n", valid, invalid);
  return invalid == 0 ? kExitOk : kExitSomeFailed;
}

}  // namespace

Runner add_presets_command(CLI::App& app) {
  auto args = std::make_shared<PresetsArgs>();
  CLI::App* sub = app.add_subcommand(
      "presets",
      "List, show and check the rendition presets: one TOML file per channel version (youtube,\n"
      "instagram-reel, radio-clip, ...). Built-in presets are part of the program; a *.toml\n"
      "file in the user folder adds a preset, or replaces the built-in of the same name.\n"
      "Every key is explained in presets/README.md.");
  sub->add_option("--presets", args->dir,
                  "The user presets folder (default: $SALURAN_PRESETS, else "
                  "$XDG_CONFIG_HOME/saluran/presets, else ~/.config/saluran/presets)")
      ->type_name("DIR");
  sub->require_subcommand(1);
  sub->footer(
      "Run 'saluran presets COMMAND --help' for one command. A user file may extend a preset\n"
      "(extends = \"youtube\") and change only the keys it writes; see presets/README.md.");

  CLI::App* list = sub->add_subcommand("list", "One line per preset: what it makes and where from");
  list->footer(
      std::string(kFolderNote) +
      "Columns: NAME, KIND (video, audio or image), CONTAINER, FRAME (the output frame, or\n"
      "the box a source-shaped picture is scaled into, 'w 480..2048' for a set of widths, or\n"
      "the sound format) and FROM (builtin, or the user file).\n"
      "Exit code: 0 all presets valid, 1 some invalid (one 'error:' line each on stderr,\n"
      "naming the file, the key and what is allowed), 3 the user folder cannot be read.");
  list->add_flag("--json", args->list_json,
                 "Write JSON: {saluran_presets, presets: [{name, valid, description, kind, "
                 "container, frame, extends, from, file}], errors}");
  list->fallthrough();

  CLI::App* show = sub->add_subcommand("show", "Every setting of one preset, extends resolved");
  show->footer(
      std::string(kFolderNote) +
      "The output is itself a preset file: save it in the user folder under a new name to\n"
      "start a preset of your own. Exit code: 0 shown, 1 the preset is invalid (the error says\n"
      "what to change), 2 no preset has that name, 3 the user folder cannot be read.");
  show->add_option("name", args->show_name, "The preset, e.g. youtube")->required();
  show->add_flag("--json", args->show_json,
                 "Write the resolved preset as JSON (the same form as in the render manifest)");
  show->fallthrough();

  CLI::App* validate =
      sub->add_subcommand("validate", "Check every known preset, or the given preset files");
  validate->footer(
      std::string(kFolderNote) +
      "Prints 'ok NAME' or 'error: FILE: what is wrong (line N)' per preset, then a count.\n"
      "A file's 'extends' is looked up among the built-in and user presets. Exit code: 0 all\n"
      "valid, 1 some invalid, 3 the user folder cannot be read.");
  validate->add_option("files", args->files, "Preset files (.toml) to check instead of all")
      ->type_name("FILE");
  validate->fallthrough();

  return [args, list, show, validate] {
    if (list->parsed()) return run_list(*args);
    if (show->parsed()) return run_show(*args);
    if (validate->parsed()) return run_validate(*args);
    return static_cast<int>(kExitUsage);
  };
}

}  // namespace saluran::cli
