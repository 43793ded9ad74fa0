// `saluran check`: is each output file what its channel accepts?

#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/preset_options.hpp"
#include "pipeline/model/media_info_json.hpp"
#include "pipeline/presets/preset_catalog.hpp"
#include "pipeline/stages/check.hpp"

namespace saluran::cli {
namespace {

struct CheckArgs {
  std::vector<std::string> files;
  std::string preset;
  std::string presets_dir;
  bool json = false;
};

void print_report(const CheckReport& report) {
  std::size_t width = 0;
  for (const CheckRule& r : report.rules) width = std::max(width, r.name.size());
  std::size_t failed = 0;
  std::size_t required = 0;
  std::string failed_names;
  std::string advice_names;
  for (const CheckRule& r : report.rules) {
    // A recommendation missed is advice for the next encode, not a failure: "ADVICE".
    const char* mark = r.passed ? "PASS" : (r.required ? "FAIL" : "ADVICE");
    std::cout << fmt::format("{} {:<{}}  expected {}, found {}{}\n", mark, r.name, width,
                             r.expected, r.actual, r.required ? "" : " (recommended)");
    required += r.required ? 1 : 0;
    if (r.passed) continue;
    std::string& names = r.required ? failed_names : advice_names;
    names += (names.empty() ? "" : ", ") + r.name;
    failed += r.required ? 1 : 0;
  }
  if (failed == 0) {
    std::cout << fmt::format("{}: all {} required rules of {} passed", report.file, required,
                             report.preset);
  } else {
    std::cout << fmt::format("{}: {} of {} required rules of {} failed: {}", report.file, failed,
                             required, report.preset, failed_names);
  }
  if (!advice_names.empty())
    std::cout << fmt::format("; recommendations not met: {}", advice_names);
  std::cout << '\n';
}

// Says which presets exist, so that a mistyped name is fixed without opening the docs.
int unknown_preset(const PresetCatalog& catalog, const std::string& name) {
  std::cerr << "error: " << unknown_preset_message(catalog, name) << '\n';
  return kExitUsage;
}

int run_check(const CheckArgs& args) {
  auto catalog = PresetCatalog::load(presets_folder(args.presets_dir));
  if (!catalog) {
    std::cerr << "error: " << catalog.error().to_string() << '\n';
    return kExitUsage;
  }
  const std::vector<std::string> names = catalog->names();
  if (std::find(names.begin(), names.end(), args.preset) == names.end())
    return unknown_preset(*catalog, args.preset);
  Result<Preset> preset = catalog->get(args.preset);
  if (!preset) {
    std::cerr << "error: " << preset.error().to_string() << '\n';
    return kExitUsage;
  }

  bool all_passed = true;
  nlohmann::json reports = nlohmann::json::array();
  bool first = true;
  for (const std::string& file : args.files) {
    Result<CheckReport> report = check_output(file, *preset);
    if (!report) {
      all_passed = false;
      std::cerr << "error: " << report.error().to_string() << '\n';
      if (args.json) {
        reports.push_back({{"file", file},
                           {"preset", preset->name},
                           {"passed", false},
                           {"error", to_json(report.error())}});
      }
      continue;
    }
    all_passed = all_passed && report->passed();
    if (args.json) {
      reports.push_back(to_json(*report));
    } else {
      if (!first) std::cout << '\n';
      first = false;
      print_report(*report);
    }
  }
  if (args.json) std::cout << reports.dump(2) << '\n';
  return all_passed ? kExitOk : kExitSomeFailed;
}

}  // namespace

Runner add_check_command(CLI::App& app) {
  auto args = std::make_shared<CheckArgs>();
  CLI::App* sub = app.add_subcommand(
      "check",
      "Check output files against a channel preset: container, fast start and edit lists,\n"
      "codec, profile, pixel format, size, pixel aspect, frame rate, closed GOP and keyframe\n"
      "interval, audio codec, rate, channels and bitrate, duration, file size and loudness.\n"
      "One line per rule (PASS or FAIL, what the channel expects and what the file has) and a\n"
      "summary line per file. A rule the preset lists as recommended (limits.recommended: our\n"
      "advice for an encode, not the channel's requirement) shows ADVICE when missed and never\n"
      "fails the file. Nothing is modified.\n"
      "Exit code: 0 every required rule passed, 1 some required rule failed or a file could\n"
      "not be read (one 'error:' line each), 2 usage (e.g. an unknown preset: the known ones are "
      "listed).");
  sub->add_option("files", args->files, "Output files to check")->required();
  sub->add_option("-p,--preset", args->preset, "The channel preset the files were made for")
      ->required();
  sub->add_option("--presets", args->presets_dir,
                  "Folder of user presets (default: $SALURAN_PRESETS or "
                  "~/.config/saluran/presets)");
  sub->add_flag("--json", args->json,
                "Write a JSON array of reports to stdout; errors still go to stderr too");
  return [args] { return run_check(*args); };
}

}  // namespace saluran::cli
