// `saluran render`: every channel's version of each input from one decode (SOP step 4).

#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/library_access.hpp"
#include "cli/preset_options.hpp"
#include "cli/text_output.hpp"
#include "pipeline/model/media_info_json.hpp"
#include "pipeline/presets/preset_catalog.hpp"
#include "pipeline/run/cancel.hpp"
#include "pipeline/run/progress_rate.hpp"
#include "pipeline/stages/render.hpp"
#include "pipeline/stages/render_inputs.hpp"
#include "pipeline/stages/render_manifest.hpp"

namespace saluran::cli {
namespace {

using Clock = std::chrono::steady_clock;

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

// The columns of the terminal on stderr (0 when unknown).
std::size_t terminal_width() {
  winsize ws{};
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0) return ws.ws_col;
  return 0;
}

// An error for people, without the input's name when the line already starts with it.
std::string error_text(const Error& error, const std::string& input) {
  Error e = error;
  if (e.context.file == input) e.context.file.clear();
  return e.to_string();
}

// What a made file is: "1280x720 2.0s 1.1 MB 4.4 Mb/s", "1080x1080 q90 68.2 kB",
// "1080x1920 q85 180.3 kB  blur-pad 1080x720 at 0,600".
std::string made_facts(const RenditionResult& r) {
  std::string out;
  if (r.image) {
    out = fmt::format("  {}x{} q{} {}", r.image->width, r.image->height, r.image->quality,
                      human_bytes(r.image->bytes));
    if (r.image->crop) {
      out += fmt::format("  crop by {}", r.image->crop->basis);
      if (r.image->crop->faces_cut) out += " (" + r.image->crop->note + ")";
    }
    if (r.image->place) {
      const Rect& at = *r.image->place;
      out += fmt::format("  {} {}x{} at {},{}", aspect_mode_name(r.image->aspect), at.width,
                         at.height, at.x, at.y);
    }
    if (r.image->poster_s) out += "  frame at " + short_duration(*r.image->poster_s);
  }
  if (r.media) {
    const MediaOutcome& m = *r.media;
    out += "  ";
    if (m.width > 0) out += fmt::format("{}x{} ", m.width, m.height);
    if (m.duration_s > 0) out += short_duration(m.duration_s) + " ";
    out += human_bytes(m.bytes);
    if (m.bitrate_bps > 0) out += " " + human_bitrate(m.bitrate_bps);
  }
  if (r.enlarged_from) {
    out += fmt::format("  enlarged from {}x{}", r.enlarged_from->first, r.enlarged_from->second);
  }
  if (r.plan && r.plan->video && r.plan->video->copy) out += "  video copied from the source";
  if (r.plan && !r.plan->segment_note.empty()) out += "  kept " + r.plan->segment_note;
  if (r.plan && !r.plan->shared_note.empty()) out += "  " + r.plan->shared_note;
  if (r.check && r.check->loudness) {
    out += fmt::format("  {:.1f} LUFS {:.1f} dBTP", r.check->loudness->integrated_lufs,
                       r.check->loudness->true_peak_dbtp);
  }
  return out;
}

/// What render shows while it works: a progress line with a rate and an ETA on a terminal
/// (nothing when stderr is not one), a line per rendition on stdout, an `error:` line per
/// failure on stderr (also with --json and --quiet), and the JSON report per input.
class RenderView {
 public:
  RenderView(bool tty, bool json, bool quiet, std::size_t presets)
      : tty_(tty), json_(json), quiet_(quiet), presets_(presets) {}

  void on_event(const RenderEvent& ev) {
    switch (ev.kind) {
      case RenderEvent::Kind::kInputStart:
        start_input(ev);
        break;
      case RenderEvent::Kind::kProgress:
        progress(ev);
        break;
      case RenderEvent::Kind::kRendition:
        rendition(*ev.rendition);
        break;
      case RenderEvent::Kind::kInputDone:
        input_done(*ev.report);
        break;
    }
  }

  /// Clears the progress line (before the summary).
  void clear() const {
    if (tty_) std::fprintf(stderr, "\r\033[K");
  }

 private:
  void start_input(const RenderEvent& ev) {
    const auto now = Clock::now();
    if (ev.input_index == 0) run_rate_.restart(now, 0);
    index_ = ev.input_index;
    count_ = ev.input_count;
    name_ = std::filesystem::path(ev.input).filename().string();
    phase_.reset();
    draw(now, true);
  }

  void progress(const RenderEvent& ev) {
    const auto now = Clock::now();
    if (!phase_ || *phase_ != ev.phase) {
      phase_ = ev.phase;
      phase_rate_.restart(now, ev.position_s);
    }
    position_ = ev.position_s;
    duration_ = ev.duration_s;
    draw(now, false);
  }

  // "[2/5] C0001.MP4  encoding 0:12 / 0:40 (30%)  3.1x  ETA 0:09  (all: ETA 2:10)".
  void draw(Clock::time_point now, bool force) {
    if (!tty_ || (!force && now - last_draw_ < std::chrono::milliseconds(150))) return;
    last_draw_ = now;
    std::string line = count_ > 1 ? fmt::format("[{}/{}] {}", index_ + 1, count_, name_) : name_;
    if (phase_) {
      line += fmt::format("  {} {}", phase_words(*phase_), clock_text(position_));
      if (duration_ > 0) {
        line += fmt::format(" / {} ({:.0f}%)", clock_text(duration_),
                            100.0 * std::min(1.0, position_ / duration_));
      }
      if (const auto rate = phase_rate_.rate(position_, now))
        line += fmt::format("  {:.1f}x", *rate);
      if (const auto eta = phase_rate_.eta_s(position_, duration_, now); eta && duration_ > 0)
        line += "  ETA " + clock_text(*eta);
    }
    if (count_ > 1) {
      if (const auto rate = run_rate_.rate(static_cast<double>(index_), now)) {
        const double left = static_cast<double>(count_ - index_) / *rate;
        line += fmt::format("  (all: {:.1f} files/min, ETA {})", *rate * 60, clock_text(left));
      }
    }
    const std::size_t width = terminal_width();
    if (width > 1 && line.size() >= width) line.resize(width - 1);
    std::fprintf(stderr, "\r\033[K%s", line.c_str());
    std::fflush(stderr);
  }

  void rendition(const RenditionResult& r) {
    if (r.outcome == Outcome::kFailed) return;  // said once per input, in input_done
    if (!json_ && !quiet_) {
      clear();
      for (const std::string& w : r.warnings)
        std::cerr << fmt::format("warning: {} ({}): {}\n", r.input, r.preset, w);
    }
    if (json_ || quiet_) return;
    std::string extra;
    if (r.outcome == Outcome::kMade) extra = made_facts(r);
    if (r.outcome == Outcome::kSkipped) extra = "  " + (r.error ? r.error->message : std::string());
    std::cout << fmt::format("{:<10} {}{}\n", outcome_name(r.outcome), r.output, extra)
              << std::flush;
  }

  void input_done(const InputReport& report) {
    clear();
    if (json_) std::cout << input_report_json(report) << '\n' << std::flush;
    print_errors(report);
    if (json_ || quiet_) return;
    for (const auto& d : report.damaged) {
      std::cerr << fmt::format("warning: {}: damaged pictures or sound concealed at {}-{}\n",
                               report.input, clock_text(d.start_s), clock_text(d.end_s));
    }
  }

  // One `error:` line per reason: the presets that failed alike share it ("web" makes eight
  // files from a photo that cannot be read: one line, not eight).
  void print_errors(const InputReport& report) const {
    std::vector<std::pair<std::string, std::vector<std::string>>> reasons;
    for (const RenditionResult& r : report.renditions) {
      if (r.outcome != Outcome::kFailed) continue;
      const std::string text =
          r.error ? error_text(*r.error, report.input) : std::string("was not made");
      auto it = std::find_if(reasons.begin(), reasons.end(),
                             [&](const auto& x) { return x.first == text; });
      if (it == reasons.end()) it = reasons.insert(reasons.end(), {text, {}});
      if (std::find(it->second.begin(), it->second.end(), r.preset) == it->second.end())
        it->second.push_back(r.preset);
    }
    for (const auto& [text, presets] : reasons) {
      // Every preset failed alike (the input itself): the input alone is named.
      std::string which;
      if (presets.size() < presets_) {
        for (const std::string& p : presets) which += (which.empty() ? "" : ", ") + p;
        which = " (" + which + ")";
      }
      std::cerr << fmt::format("error: {}{}: {}\n", report.input, which, text);
    }
    // An error of the input that no rendition carries (its manifest entry was not written).
    if (report.error) {
      const std::string text = error_text(*report.error, report.input);
      if (std::none_of(reasons.begin(), reasons.end(),
                       [&](const auto& x) { return x.first == text; }))
        std::cerr << fmt::format("error: {}: {}\n", report.input, text);
    }
  }

  bool tty_;
  bool json_;
  bool quiet_;
  std::size_t presets_;
  std::size_t index_ = 0;
  std::size_t count_ = 0;
  std::string name_;
  std::optional<RenderEvent::Phase> phase_;
  double position_ = 0;
  double duration_ = 0;
  ProgressRate phase_rate_;
  ProgressRate run_rate_;
  Clock::time_point last_draw_{};
};

// Adds the presets named on the command line to `opt`; the exit code of a usage error when one
// is unknown or invalid, else kExitOk.
int add_presets(const PresetCatalog& catalog, const std::vector<std::string>& values,
                RenderOptions& opt) {
  const std::vector<std::string> names = preset_names(values);
  if (names.empty()) {
    std::cerr << "error: -p names no preset; known presets: " << known_presets(catalog) << '\n';
    return kExitUsage;
  }
  for (const std::string& name : names) {
    if (catalog.file_of(name).empty()) {
      std::cerr << "error: " << unknown_preset_message(catalog, name) << '\n';
      return kExitUsage;
    }
    auto preset = catalog.get(name);
    if (!preset) {
      std::cerr << "error: " << preset.error().to_string() << '\n';
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

// Nothing could be done at all (the output folder, or nothing to render): said on stderr, and
// as one JSON object with --json.
int fatal(const RenderArgs& args, const Error& e) {
  std::cerr << "error: " << e.to_string() << '\n';
  if (args.json) std::cout << nlohmann::json{{"error", to_json(e)}}.dump() << '\n';
  return kExitFatal;
}

// What an interrupted run finished and what it did not, and the exit code 128 + signal.
int interrupted(const RenderArgs& args, const RenderResult& result, const CancelFlag& flag) {
  int cut = 0;
  std::string cut_inputs;
  for (const InputReport& r : result.reports) {
    cut += r.interrupted;
    if (r.interrupted > 0) cut_inputs += (cut_inputs.empty() ? "" : ", ") + r.input;
  }
  std::string left;
  if (cut > 0)
    left = fmt::format("{} output{} of {} not finished (partial files removed)", cut,
                       cut == 1 ? "" : "s", cut_inputs);
  if (result.inputs_not_started > 0) {
    left += fmt::format("{}{} input{} not started", left.empty() ? "" : ", ",
                        result.inputs_not_started, result.inputs_not_started == 1 ? "" : "s");
  }
  if (left.empty()) left = "everything started was finished";
  std::cerr << fmt::format("{}: {}; run the same command again to finish (what was made is kept)\n",
                           cancel_reason(flag), left);
  if (args.json) {
    std::cout << nlohmann::json{{"interrupted",
                                 {{"reason", cancel_reason(flag)},
                                  {"outputs_not_finished", cut},
                                  {"inputs_not_started", result.inputs_not_started}}}}
                     .dump()
              << '\n';
  }
  return 128 + (flag.signal() > 0 ? flag.signal() : SIGINT);
}

// The summary line (unless --json; --quiet keeps it), what stopped or emptied the run, and the
// exit code.
int summarise(const RenderArgs& args, const RenderResult& result, const RenderInputs& inputs,
              const RenderOptions& opt, const CancelFlag& flag) {
  const OutcomeCounts counts = result.counts();
  const std::size_t made = counts[Outcome::kMade];
  const std::size_t current = counts[Outcome::kUpToDate];
  const std::size_t skipped = counts[Outcome::kSkipped];
  // Nothing else is counted as done: anything but made, up to date or skipped is a failure.
  const std::size_t failed = counts.total() - made - current - skipped;
  if (!args.json) {
    std::cout << fmt::format("{}{} made, {} up to date, {}{} failed -> {}\n",
                             result.interrupted ? cancel_reason(flag) + ": " : "", made, current,
                             skipped > 0 ? fmt::format("{} skipped, ", skipped) : "", failed,
                             args.out_dir)
              << std::flush;
  }
  if (result.interrupted) return interrupted(args, result, flag);
  if (auto why = nothing_to_render(args.inputs, inputs, result, opt.presets))
    return fatal(args, make_error(ErrorCode::kInvalidArgument, *why));
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
  note_face_model();
  const RenderInputs inputs = find_render_inputs(args.inputs);
  request.inputs = inputs.files;
  if (int code = add_library_focus(args, request.inputs, opt); code != kExitOk) return code;
  RenderView view(isatty(STDERR_FILENO) != 0 && !args.quiet, args.json, args.quiet,
                  opt.presets.size());
  opt.on_event = [&view](const RenderEvent& ev) { view.on_event(ev); };
  // Ctrl-C and SIGTERM stop the run cleanly: no partial file is left, the rest is reported.
  const CancelFlag& flag = cancel_on_signals();
  opt.cancel = &flag;
  const RenderResult result = render(request);
  view.clear();
  if (result.error) return fatal(args, *result.error);
  return summarise(args, result, inputs, opt, flag);
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
      "again. See 'saluran presets list' for the presets.\n"
      "Exit code: 0 all made or up to date, 1 some failed (one 'error:' line each on stderr),\n"
      "2 usage (e.g. an unknown preset), 3 nothing could be rendered (the output folder cannot\n"
      "be made, or no input is one the presets take: the message says what each takes),\n"
      "130 interrupted by Ctrl-C (143 by SIGTERM): what was finished is kept, nothing\n"
      "half-made is left; run the same command again to finish.");
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
  sub->add_flag("--json", args->json,
                "One JSON report per input on standard output; errors still go to stderr too");
  sub->add_flag("-q,--quiet", args->quiet, "Print only errors and the summary line");
  return [args] { return run_render(*args); };
}

}  // namespace saluran::cli
