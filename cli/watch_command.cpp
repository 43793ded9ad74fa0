// `saluran watch DIR`: runs the batch on each new folder of an inbox once it is complete.

#include <chrono>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/library_access.hpp"
#include "cli/text_output.hpp"
#include "pipeline/run/cancel.hpp"
#include "pipeline/stages/watch.hpp"

namespace saluran::cli {
namespace {

struct WatchArgs {
  std::string dir;
  std::string library;
  std::string out;
  std::string channels_file;
  std::vector<std::string> channels;
  std::string presets;
  bool publish = false;
  double settle = 5;
  bool once = false;
  bool json = false;
  int jobs = 0;
};

nlohmann::json batch_json(const BatchEvent& b) {
  return {{"kind", batch_event_name(b.kind)},
          {"stage", b.stage},
          {"item", b.item},
          {"outcome", b.outcome},
          {"message", b.message},
          {"done", b.done},
          {"total", b.total},
          {"unit", b.unit}};
}

/// Writes the watcher's events as JSON lines; a batch's progress at most twice a second.
class JsonView {
 public:
  void on_event(const WatchEvent& ev) {
    if (ev.kind == WatchEvent::Kind::kBatch && ev.batch.kind == BatchEvent::Kind::kProgress) {
      const auto now = std::chrono::steady_clock::now();
      if (now - last_progress_ < std::chrono::milliseconds(500)) return;
      last_progress_ = now;
    }
    nlohmann::json j{{"event", watch_event_name(ev.kind)}, {"folder", ev.folder}};
    if (!ev.message.empty()) j["message"] = ev.message;
    if (!ev.file.empty()) j["file"] = ev.file;
    if (ev.kind == WatchEvent::Kind::kReady) {
      j["files"] = ev.files;
      j["bytes"] = ev.bytes;
    }
    if (ev.kind == WatchEvent::Kind::kDone) j["exit_code"] = ev.exit_code;
    if (ev.kind == WatchEvent::Kind::kBatch) j["batch"] = batch_json(ev.batch);
    std::cout << j.dump() << '\n' << std::flush;
  }

 private:
  std::chrono::steady_clock::time_point last_progress_{};
};

// One plain line for a batch event worth a line in the log (no progress ticks).
void print_batch_line(const std::string& folder, const BatchEvent& b) {
  switch (b.kind) {
    case BatchEvent::Kind::kStage:
      std::cout << fmt::format("{}: {}\n", folder, b.stage);
      break;
    case BatchEvent::Kind::kItem:
      std::cout << fmt::format("{}:   {} {}{}\n", folder, b.outcome, b.item,
                               b.message.empty() ? "" : ": " + b.message);
      break;
    case BatchEvent::Kind::kFolderDone:
      if (!b.message.empty()) std::cout << fmt::format("{}: {}\n", folder, b.message);
      break;
    default:
      break;
  }
}

/// Plain lines, one per thing that happened: for a terminal and for the system journal alike.
void print_line(const WatchEvent& ev) {
  using K = WatchEvent::Kind;
  switch (ev.kind) {
    case K::kWatching:
      std::cout << fmt::format("watching {}: {}\n", ev.folder, ev.message);
      break;
    case K::kWaiting:
      std::cout << fmt::format("{}: waiting: {}\n", ev.folder, ev.message);
      break;
    case K::kReady:
      std::cout << fmt::format("{}: complete ({} files, {}): running {}\n", ev.folder, ev.files,
                               human_bytes(ev.bytes), ev.message);
      break;
    case K::kBatch:
      print_batch_line(ev.folder, ev.batch);
      break;
    case K::kWarning:
      std::cerr << fmt::format("warning: {}: {}\n", ev.folder, ev.message);
      break;
    case K::kStopped:
      std::cout << fmt::format("stopped watching {}: {}\n", ev.folder, ev.message);
      break;
    default:
      std::cout << fmt::format("{}: {}\n", ev.folder, ev.message);
      break;
  }
  std::cout << std::flush;
}

// The watcher could not start or had to stop: what went wrong and what to do.
void report_failure(const WatchResult& r) {
  if (!r.error) return;
  std::cerr << "error: " << r.error->to_string() << '\n';
  if (r.failure == WatchFailure::kDirGone) {
    std::cerr << "Nothing done is lost: start the watcher again once the folder is back.\n";
  }
}

int run_watch_command(const WatchArgs& args) {
  CancelFlag& cancel = cancel_on_signals();
  WatchOptions opt;
  opt.dir = args.dir;
  opt.settle_seconds = args.settle;
  opt.once = args.once;
  opt.cancel = &cancel;
  opt.batch.library = library_folder(args.library);
  opt.batch.out_dir = args.out;
  opt.batch.channels_file = args.channels_file;
  opt.batch.presets_dir = args.presets;
  opt.batch.only_channels = args.channels;
  opt.batch.publish = args.publish;
  opt.batch.jobs = args.jobs;
  auto json = std::make_shared<JsonView>();
  opt.on_event = [&args, json](const WatchEvent& ev) {
    if (args.json) return json->on_event(ev);
    print_line(ev);
  };
  const WatchResult r = run_watch(opt);
  report_failure(r);
  return watch_exit_code(r, opt);
}

}  // namespace

Runner add_watch_command(CLI::App& app) {
  auto args = std::make_shared<WatchArgs>();
  CLI::App* cmd = app.add_subcommand(
      "watch",
      "Watch an inbox folder: each top folder dropped into it (a card's copy, a phone export)\n"
      "is one story. Once it is complete (no file open for writing, every file's size and time\n"
      "unchanged for --settle seconds) the batch runs on it, as `saluran batch FOLDER` would.\n"
      "What was done is kept in <library>/.saluran/watch/: a restart takes only folders that\n"
      "are new, changed, left half-way or failed. SIGTERM or Ctrl-C finishes the current file\n"
      "and stops; the folder is finished at the next start. One watcher per library.");
  cmd->add_option("DIR", args->dir, "The inbox folder to watch")
      ->required()
      ->envname("SALURAN_WATCH_DIR");
  cmd->add_option("--library", args->library,
                  "The library folder (default: $SALURAN_LIBRARY, else ./library)");
  cmd->add_option("-o,--out", args->out,
                  "Where renditions and drafted stories go (default: <library>/batch)");
  cmd->add_option("--channels", args->channels, "Only these channels, by name: website,radio")
      ->delimiter(',')
      ->envname("SALURAN_WATCH_CHANNELS");
  cmd->add_option("--channels-file", args->channels_file,
                  "channels.toml to use (default: beside the story, $SALURAN_CHANNELS, or "
                  "~/.config/saluran/channels.toml)");
  cmd->add_option("--presets", args->presets, "Folder of your own presets");
  cmd->add_flag("--publish", args->publish,
                "Publish and verify each folder's story (never a drafted one)");
  cmd->add_option("--settle", args->settle, "Seconds every file must stay unchanged")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 3600.0));
  cmd->add_option("-j,--jobs", args->jobs, "Busy threads at most (default: the cores)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--once", args->once,
                "Take what is complete within one settle time, then exit (for cron and tests)");
  cmd->add_flag("--json", args->json, "One JSON object a line for each event");
  cmd->footer(
      "Exit: 0 stopped by SIGTERM or Ctrl-C after finishing the current file (a folder left\n"
      "half-way is taken again at the next start), or with --once every folder done; 1 with\n"
      "--once some items failed; 2 usage; 3 could not watch: no such folder, the library\n"
      "unusable, another watcher runs on this library (its pid is named), the folder went\n"
      "away, or with --once no folder's batch could do anything; with --once stopped in the\n"
      "middle of a batch: 130 (Ctrl-C) or 143 (SIGTERM).");
  return [args] { return run_watch_command(*args); };
}

}  // namespace saluran::cli
