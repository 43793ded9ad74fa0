// `saluran ingest`: copy field material into the library and catalog it (SOP step 1).

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/library_access.hpp"
#include "cli/text_output.hpp"
#include "pipeline/model/media_info_json.hpp"
#include "pipeline/stages/ingest.hpp"

namespace saluran::cli {
namespace {

struct IngestArgs {
  std::vector<std::string> sources;
  std::string library;
  std::string operator_name;
  bool json = false;
  bool quiet = false;
  int jobs = 3;
};

/// Bytes per second read from the sources so far; 0 until something was read.
double read_rate(const IngestEvent& ev, double elapsed_s) {
  return elapsed_s > 0 ? static_cast<double>(ev.bytes_read) / elapsed_s : 0;
}

/// "ETA 1:05" from the bytes left at the current rate; "ETA --:--" while there is no rate yet.
std::string eta_text(const IngestEvent& ev, double rate) {
  if (rate <= 0 || ev.bytes_read == 0) return "ETA --:--";
  const std::uint64_t left = ev.bytes_total - std::min(ev.bytes_done, ev.bytes_total);
  return "ETA " + clock_text(static_cast<double>(left) / rate);
}

const char* event_name(IngestEvent::Type type) {
  switch (type) {
    case IngestEvent::Type::kStart:
      return "start";
    case IngestEvent::Type::kFinish:
      return "finish";
    default:
      return "file";
  }
}

/// Renders ingest events: a status line on a terminal, plain lines or JSON lines otherwise.
class ProgressView {
 public:
  ProgressView(bool tty, bool json, bool quiet) : tty_(tty), json_(json), quiet_(quiet) {}

  /// True when the rejections were already printed as they happened (on a terminal).
  bool printed_rejections() const { return tty_; }

  void on_event(const IngestEvent& ev) {
    if (ev.type == IngestEvent::Type::kStart) start_ = Clock::now();
    const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
    const double rate = read_rate(ev, elapsed);
    if (json_) return print_json(ev, rate);
    if (tty_) return draw(ev, rate);
    if (quiet_ || ev.type != IngestEvent::Type::kFileDone) return;
    print_line(ev);
  }

 private:
  using Clock = std::chrono::steady_clock;

  static void print_json(const IngestEvent& ev, double rate) {
    if (ev.type == IngestEvent::Type::kBytes) return;  // file events carry the totals
    nlohmann::json j{{"event", event_name(ev.type)},
                     {"files_done", ev.files_done},
                     {"files_total", ev.files_total},
                     {"bytes_done", ev.bytes_done},
                     {"bytes_total", ev.bytes_total},
                     {"bytes_read", ev.bytes_read},
                     {"rate_bytes_per_s", static_cast<std::uint64_t>(rate)}};
    if (ev.type == IngestEvent::Type::kFileDone) {
      j["path"] = ev.path;
      j["outcome"] = source_outcome_name(ev.outcome);
      j["detail"] = ev.detail;
    }
    std::cout << j.dump() << '\n' << std::flush;
  }

  // One status line, redrawn at most every 150 ms; a rejection is printed above it, once.
  void draw(const IngestEvent& ev, double rate) {
    const auto now = Clock::now();
    if (ev.type == IngestEvent::Type::kFileDone && ev.outcome == SourceOutcome::kRejected) {
      std::fprintf(stderr, "\r\033[Kerror: %s: %s\n", ev.path.c_str(), ev.detail.c_str());
    }
    if (ev.type != IngestEvent::Type::kFinish && now - last_draw_ < std::chrono::milliseconds(150))
      return;
    last_draw_ = now;
    if (ev.type == IngestEvent::Type::kFinish) {
      std::fprintf(stderr, "\r\033[K");
      return;
    }
    std::fprintf(stderr, "\r\033[Kingest %zu/%zu files  %s / %s  %s/s  %s", ev.files_done,
                 ev.files_total, human_bytes(ev.bytes_done).c_str(),
                 human_bytes(ev.bytes_total).c_str(),
                 human_bytes(static_cast<std::uint64_t>(rate)).c_str(), eta_text(ev, rate).c_str());
  }

  static void print_line(const IngestEvent& ev) {
    const char* what = source_outcome_name(ev.outcome);
    switch (ev.outcome) {
      case SourceOutcome::kCopied:
      case SourceOutcome::kSidecar:
        std::cout << fmt::format("{} {} -> {}\n", what, ev.path, ev.detail);
        break;
      case SourceOutcome::kDuplicate:
        std::cout << fmt::format("{} {} (same content as {})\n", what, ev.path, ev.detail);
        break;
      default:
        std::cout << fmt::format("{} {}: {}\n", what, ev.path, ev.detail);
        break;
    }
    std::cout << std::flush;
  }

  bool tty_;
  bool json_;
  bool quiet_;
  Clock::time_point start_ = Clock::now();
  Clock::time_point last_draw_{};
};

// A run that could not start or had to stop: what went wrong, and what to do about it.
int report_failure(const IngestArgs& args, const Error& e) {
  if (e.code == ErrorCode::kNotFound) {
    for (const std::string& s : missing_sources(args.sources))
      std::cerr << fmt::format("error: {}: no such file or folder\n", s);
    std::cerr << "Nothing was ingested and no library was made: check the paths, and that the "
                 "card or disk is plugged in and mounted.\n";
  } else if (e.code == ErrorCode::kInvalidArgument) {
    std::cerr << "error: " << e.to_string() << '\n';
  } else {
    std::cerr << "error: " << e.to_string() << '\n'
              << "Nothing already copied is lost: run the same command again to finish.\n";
  }
  if (args.json)
    std::cout << nlohmann::json{{"event", "error"}, {"error", to_json(e)}}.dump() << '\n';
  const bool usage = e.code == ErrorCode::kNotFound || e.code == ErrorCode::kInvalidArgument;
  return usage ? kExitUsage : kExitFatal;
}

int run_ingest(const IngestArgs& args) {
  IngestOptions options;
  options.library = library_folder(args.library);
  options.operator_name = args.operator_name;
  options.jobs = args.jobs;
  ProgressView view(isatty(STDERR_FILENO) != 0 && !args.json, args.json, args.quiet);
  options.on_event = [&view](const IngestEvent& ev) { view.on_event(ev); };
  Result<IngestReport> report = ingest(args.sources, options);
  if (!report) return report_failure(args, report.error());
  const IngestRun& run = report->run;
  for (const SourceRecord& s : report->sources) {
    if (s.outcome == SourceOutcome::kRejected && !view.printed_rejections())
      std::cerr << fmt::format("error: {}: {}\n", s.path, s.reason);
  }
  if (!args.json) {
    std::cout << fmt::format(
        "run {}: {} copied ({}), {} duplicates, {} already in the library, {} skipped, {} "
        "rejected -> {}\n",
        run.id, run.copied, human_bytes(run.bytes_copied), run.duplicates, run.unchanged,
        run.skipped, run.rejected, options.library);
  }
  return run.rejected > 0 ? kExitSomeFailed : kExitOk;
}

}  // namespace

Runner add_ingest_command(CLI::App& app) {
  auto args = std::make_shared<IngestArgs>();
  CLI::App* sub = app.add_subcommand(
      "ingest",
      "Copy photos, videos, audio and DJI telemetry from cards, drones, phones and folders into\n"
      "the library, laid out as YYYY/MM-DD/<device>/<name>, and record every fact in its catalog.\n"
      "Each file is read once (hashed while copied); the same content seen again is a duplicate\n"
      "and is not copied twice; files already ingested unchanged are not read again. Originals\n"
      "are opened read-only and never modified. Safe to interrupt and run again.\n"
      "Exit code: 0 all taken, 1 some files rejected (one 'error:' line each), 2 usage (no\n"
      "source exists, or --library is a file: nothing is made), 3 the library could not be\n"
      "written (nothing is lost; run again).");
  sub->add_option("sources", args->sources, "Folders and files to ingest (card, USB, phone export)")
      ->required();
  sub->add_option("--library", args->library,
                  "Library folder (default: $SALURAN_LIBRARY, else ./library)");
  sub->add_option("--operator", args->operator_name, "Who is ingesting (default: the OS user)");
  sub->add_flag("--json", args->json, "Write progress and outcomes as JSON lines on stdout");
  sub->add_option("--jobs,-j", args->jobs, "Files probed and copied at once")
      ->default_val(3)
      ->check(CLI::Range(1, 16));
  sub->add_flag("--quiet,-q", args->quiet, "Only the summary and errors (when not a terminal)");
  return [args] { return run_ingest(*args); };
}

}  // namespace saluran::cli
