// `saluran render`: every channel's version of each input from one decode (SOP step 4).

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/library_access.hpp"
#include "cli/preset_options.hpp"
#include "cli/text_output.hpp"
#include "pipeline/presets/preset_catalog.hpp"
#include "pipeline/stages/render.hpp"
#include "pipeline/stages/render_manifest.hpp"
#include "pipeline/stages/walk.hpp"

namespace saluran::cli {
namespace {

struct RenderArgs {
  std::vector<std::string> inputs;
  std::vector<std::string> presets;
  std::string out_dir;
  std::string presets_dir;
  std::optional<double> start;
  std::optional<double> duration;
  std::optional<double> fade_in;
  std::optional<double> fade_out;
  std::vector<double> focus;
  std::string library;
  bool force = false;
  bool json = false;
  bool quiet = false;
};

/// A progress line on a terminal; one line per rendition otherwise.
class RenderView {
 public:
  RenderView(bool tty, bool json, bool quiet) : tty_(tty), json_(json), quiet_(quiet) {}

  void on_event(const RenderEvent& ev) {
    switch (ev.kind) {
      case RenderEvent::Kind::kInputStart:
        duration_ = ev.duration_s;
        if (tty_) std::fprintf(stderr, "\r\033[Krender %s", ev.input.c_str());
        break;
      case RenderEvent::Kind::kProgress:
        if (tty_ && duration_ > 0) {
          std::fprintf(stderr, "\r\033[Krender %s  %s / %s (%.0f%%)", ev.input.c_str(),
                       clock_text(ev.position_s).c_str(), clock_text(duration_).c_str(),
                       100.0 * std::min(1.0, ev.position_s / duration_));
        }
        break;
      case RenderEvent::Kind::kRendition: {
        if (tty_) std::fprintf(stderr, "\r\033[K");
        const RenditionResult& r = *ev.rendition;
        if (r.outcome == Outcome::kFailed) {
          std::cerr << fmt::format("error: {} ({}): {}\n", r.input, r.preset,
                                   r.error ? r.error->to_string() : "failed");
          break;
        }
        for (const std::string& w : r.warnings) {
          if (!json_) std::cerr << fmt::format("warning: {} ({}): {}\n", r.input, r.preset, w);
        }
        if (json_ || quiet_) break;
        std::string extra;
        if (r.check && r.check->loudness) {
          extra = fmt::format("  {:.1f} LUFS {:.1f} dBTP", r.check->loudness->integrated_lufs,
                              r.check->loudness->true_peak_dbtp);
        }
        if (r.image && r.outcome == Outcome::kMade) {
          extra = fmt::format("  {}x{} q{} {} KB", r.image->width, r.image->height,
                              r.image->quality, (r.image->bytes + 512) / 1024);
          if (r.image->crop) {
            extra += fmt::format("  crop by {}", r.image->crop->basis);
            if (r.image->crop->faces_cut) extra += " (" + r.image->crop->note + ")";
          }
          if (r.image->poster_s) extra += fmt::format("  frame at {:.2f} s", *r.image->poster_s);
        }
        if (r.outcome == Outcome::kSkipped) {
          extra = "  " + (r.error ? r.error->message : std::string());
        }
        std::cout << fmt::format("{:<10} {}{}\n", outcome_name(r.outcome), r.output, extra)
                  << std::flush;
        break;
      }
      case RenderEvent::Kind::kInputDone:
        if (tty_) std::fprintf(stderr, "\r\033[K");
        if (json_) std::cout << input_report_json(*ev.report) << '\n' << std::flush;
        if (ev.report->error && ev.report->renditions.empty())
          std::cerr << "error: " << ev.report->error->to_string() << '\n';
        if (!ev.report->damaged.empty() && !json_) {
          for (const auto& d : ev.report->damaged) {
            std::cerr << fmt::format("warning: {}: damaged pictures or sound concealed at {}-{}\n",
                                     ev.report->input, clock_text(d.start_s), clock_text(d.end_s));
          }
        }
        break;
    }
  }

 private:
  bool tty_;
  bool json_;
  bool quiet_;
  double duration_ = 0;
};

// Folders become the media files in them (recursively, sorted); what a card holds beside the
// media (DJI telemetry, thumbnails, hidden files) is left out. Files named directly are kept.
std::vector<std::string> media_inputs(const std::vector<std::string>& paths) {
  static const char* const kNotMedia[] = {".srt", ".txt", ".json", ".xml", ".md",
                                          ".log", ".thm", ".lrf",  ".xmp"};
  std::vector<std::string> out;
  for (const WalkEntry& e : walk_paths(paths)) {
    if (!e.skipped.empty()) continue;
    if (!e.explicit_file && !e.error) {
      const std::string name = std::filesystem::path(e.path).filename().string();
      const std::string ext = lower_extension(e.path);
      if (name.starts_with('.') ||
          std::find(std::begin(kNotMedia), std::end(kNotMedia), ext) != std::end(kNotMedia))
        continue;
    }
    out.push_back(e.path);
  }
  return out;
}

// Adds the presets named on the command line to `opt`; the exit code of a usage error when one
// is unknown or invalid, else kExitOk.
int add_presets(const PresetCatalog& catalog, const std::vector<std::string>& names,
                RenderOptions& opt) {
  for (const std::string& name : names) {
    auto preset = catalog.get(name);
    if (!preset) {
      std::cerr << "error: " << preset.error().to_string() << '\n';
      if (catalog.file_of(name).empty())
        std::cerr << "known presets: " << known_presets(catalog) << '\n';
      return kExitUsage;
    }
    opt.presets.push_back(std::move(*preset));
  }
  return kExitOk;
}

// Focal points set by hand on assets (saluran focus), when the library has a catalog; the exit
// code of an error with a library named on the command line, else kExitOk.
int add_library_focus(const RenderArgs& args, const std::vector<std::string>& inputs,
                      RenderOptions& opt) {
  const std::string library = library_folder(args.library);
  std::error_code ec;
  if (std::filesystem::is_regular_file(catalog_path(library), ec)) {
    auto assets = Catalog::open(catalog_path(library));
    if (!assets && !args.library.empty()) {
      std::cerr << "error: " << assets.error().to_string() << '\n';
      return kExitFatal;
    }
    // The default library is only a convenience: its trouble must not stop a render.
    if (!assets)
      std::cerr << "warning: focal points of the library's assets not used: "
                << assets.error().to_string() << '\n';
    for (const std::string& input : inputs) {
      if (!assets) break;
      auto id = asset_of_file(*assets, library, input);
      if (!id || !*id) continue;  // not an asset of this library: content decides
      auto focus = assets->focus_of(**id);
      if (focus && *focus) opt.input_focus[input] = **focus;
    }
  } else if (!args.library.empty()) {
    std::cerr << fmt::format(
        "error: no catalog in {}: --library must be a library made by "
        "'saluran ingest'\n",
        library);
    return kExitUsage;
  }
  return kExitOk;
}

// The summary line (unless --json or --quiet) and the exit code.
int summarise(const RenderArgs& args, const OutcomeCounts& counts) {
  const std::size_t made = counts[Outcome::kMade];
  const std::size_t current = counts[Outcome::kUpToDate];
  const std::size_t skipped = counts[Outcome::kSkipped];
  // Nothing else is counted as done: anything but made, up to date or skipped is a failure.
  const std::size_t failed = counts.total() - made - current - skipped;
  if (!args.json && !args.quiet) {
    std::cout << fmt::format("{} made, {} up to date, {}{} failed -> {}\n", made, current,
                             skipped > 0 ? fmt::format("{} skipped, ", skipped) : "", failed,
                             args.out_dir);
  }
  return failed > 0 ? kExitSomeFailed : kExitOk;
}

int run_render(const RenderArgs& args) {
  auto catalog = PresetCatalog::load(presets_folder(args.presets_dir));
  if (!catalog) {
    std::cerr << "error: " << catalog.error().to_string() << '\n';
    return kExitFatal;
  }
  // The whole plan is checked before the first file is decoded (DESIGN.md rule 4).
  RenderRequest request;
  RenderOptions& opt = request.options;
  if (int code = add_presets(*catalog, args.presets, opt); code != kExitOk) return code;
  opt.out_dir = args.out_dir;
  opt.force = args.force;
  opt.overrides.start_s = args.start;
  opt.overrides.duration_s = args.duration;
  opt.overrides.fade_in_s = args.fade_in;
  opt.overrides.fade_out_s = args.fade_out;
  if (!args.focus.empty()) opt.overrides.focus = FocusPoint{args.focus[0], args.focus[1]};
  request.inputs = media_inputs(args.inputs);
  if (int code = add_library_focus(args, request.inputs, opt); code != kExitOk) return code;
  RenderView view(isatty(STDERR_FILENO) != 0 && !args.quiet, args.json, args.quiet);
  opt.on_event = [&view](const RenderEvent& ev) { view.on_event(ev); };
  return summarise(args, render(request).counts());
}

}  // namespace

Runner add_render_command(CLI::App& app) {
  auto args = std::make_shared<RenderArgs>();
  CLI::App* sub = app.add_subcommand(
      "render",
      "Make each channel's version of every INPUT from one decode of it: the video for YouTube,\n"
      "Instagram, Facebook, X and the website, the radio clip at broadcast loudness, and the\n"
      "pictures (photo crops framed on faces, the website's responsive set, thumbnails; from a\n"
      "video, a poster frame chosen by content). Fill crops of video follow the content.\n"
      "Each output is checked against its channel's limits before it gets its final name,\n"
      "<input-stem>.<preset>.<ext>, in OUTDIR; OUTDIR/saluran-manifest.json records what was\n"
      "made from what, with which settings, and every check. Outputs already made from the same\n"
      "input with the same settings are not made again, so an interrupted run can simply be run\n"
      "again. See 'saluran presets list' for the presets.");
  sub->add_option("inputs", args->inputs,
                  "Video, audio or photo files, or folders of them (searched recursively)")
      ->required();
  sub->add_option("-p,--preset", args->presets,
                  "Presets to render, comma-separated (youtube,x-video)")
      ->required()
      ->delimiter(',');
  sub->add_option("-o,--out", args->out_dir, "Output folder (created when missing)")->required();
  sub->add_option("--presets", args->presets_dir,
                  "Folder of user presets (default $SALURAN_PRESETS or ~/.config/saluran/presets)");
  sub->add_option("--start", args->start, "Start this many seconds into the input")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--duration", args->duration, "Make outputs this many seconds long at most")
      ->check(CLI::PositiveNumber);
  sub->add_option("--fade-in", args->fade_in, "Fade in over this many seconds")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--fade-out", args->fade_out, "Fade out over this many seconds")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--focus", args->focus,
                  "Centre fill crops here, as fractions of the picture: --focus 0.3,0.4 (else "
                  "the asset's point set with 'saluran focus', else faces, then content decide)")
      ->delimiter(',')
      ->expected(2)
      ->check(CLI::Range(0.0, 1.0));
  sub->add_option("--library", args->library,
                  "Library whose catalog holds focal points set with 'saluran focus' (default: "
                  "$SALURAN_LIBRARY, else ./library when it exists)");
  sub->add_flag("--force", args->force, "Make every output again, even when up to date");
  sub->add_flag("--json", args->json, "One JSON report per input on standard output");
  sub->add_flag("-q,--quiet", args->quiet, "Print only errors and the summary line");
  return [args] { return run_render(*args); };
}

}  // namespace saluran::cli
