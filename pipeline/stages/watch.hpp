#pragma once
// The watch stage: an inbox folder where the office drops each event's material as one top
// folder (a card's copy, a phone export). Each new folder is taken once it is complete (no file
// open for writing, sizes and times unchanged for the settle time) and the batch stage runs on
// it; a folder that gets more files later is run again (the batch skips what it made).
//
//   WatchOptions opt;
//   opt.dir = "/srv/masuk";
//   opt.batch.library = "/srv/liputan";          // the batch's options, folders left empty
//   opt.batch.publish = true;
//   opt.cancel = &cancel_on_signals();           // SIGTERM: finish the current file, stop
//   WatchResult r = run_watch(opt);              // returns when cancelled (or opt.once)
//   return watch_exit_code(r, opt);
//
// What was done survives restarts: <library>/.saluran/watch/<dir-hash>.json keeps, per top
// folder, a fingerprint of its files (names, sizes, times) and how its batch ended. A folder
// done with the same fingerprint is not run again; one left half-way (stopped, killed, power
// cut) or that failed is taken again at the next start. One watcher per library: a second one
// finds <library>/.saluran/watch/lock held and stops (kAlreadyRunning), naming the first's pid.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/model/error.hpp"
#include "pipeline/run/cancel.hpp"
#include "pipeline/stages/batch.hpp"

namespace saluran {

/// What the watcher is doing, for its log lines and --json events.
struct WatchEvent {
  enum class Kind {
    kWatching,  ///< started: folder = the watched folder, message: the library, settle time
    kFound,     ///< a top folder to take: message says why (new, changed, left half-way, failed)
    kSkipped,   ///< a top folder done before with the same files: not run again
    kWaiting,   ///< a folder is not complete yet: message says what it waits for
    kReady,     ///< a folder is complete: its batch starts (files, bytes)
    kBatch,     ///< the running batch's own event (batch)
    kDone,      ///< a folder's batch ended (exit_code, message: its summary)
    kRemoved,   ///< a top folder was removed before it was taken
    kNotReady,  ///< --once: a folder still incomplete at the end, left for the next run
    kWarning,   ///< something to know that does not stop the watcher (message)
    kStopped,   ///< the watcher stops (message: why)
  };
  Kind kind = Kind::kWatching;
  std::string folder;  ///< the top folder's name (kWatching: the watched folder's path)
  std::string file;    ///< kWaiting: the file waited for
  std::string message;
  std::size_t files = 0;    ///< kReady: files in the folder
  std::uint64_t bytes = 0;  ///< kReady: their total size
  int exit_code = 0;        ///< kDone: the batch's exit code (batch_exit_code)
  BatchEvent batch;         ///< kBatch
};

/// The name of an event kind as written in --json: "watching", "found", "waiting", ...
const char* watch_event_name(WatchEvent::Kind kind);

/// Runs the batch on one folder; run_batch by default (tests inject their own).
using FolderRunner = std::function<BatchResult(const BatchRequest&)>;

/// One watcher.
struct WatchOptions {
  std::filesystem::path dir;  ///< the inbox: each top folder in it is one story
  BatchRequest batch;         ///< the batch's options; folders, cancel and on_event are set here
  double settle_seconds = 5;  ///< how long a folder's files must stay unchanged
  bool once = false;          ///< take what is complete within one settle time, then return
  const CancelFlag* cancel = nullptr;  ///< stop when set (also passed to the batch)
  FolderRunner run_folder{};           ///< empty: run_batch
  std::function<void(const WatchEvent&)> on_event{};
};

/// Why run_watch could not start or had to stop.
enum class WatchFailure {
  kNone,
  kCannotStart,     ///< the folder or the library cannot be used (error says why)
  kAlreadyRunning,  ///< another watcher holds this library's lock (error names its pid)
  kDirGone,         ///< the watched folder was removed or unmounted while watching
};

/// What a watcher did.
struct WatchResult {
  std::size_t folders_run = 0;           ///< batches run
  std::size_t folders_failed = 0;        ///< batches that ended with some items or all failed
  std::size_t folders_nothing_done = 0;  ///< batches that could do nothing (exit 3)
  std::size_t folders_not_ready = 0;     ///< --once: folders left incomplete
  bool interrupted = false;              ///< stopped by the cancel flag while a batch was running
  WatchFailure failure = WatchFailure::kNone;
  std::optional<Error> error;
};

/// Watches opt.dir until opt.cancel is set (or, with opt.once, until what was complete is done).
WatchResult run_watch(const WatchOptions& opt);

/// The exit code of `saluran watch` for `result` (README, "Watching a folder"): 0 stopped cleanly
/// (SIGTERM, Ctrl-C) or --once with every folder done; 1 --once and some items failed; 3 could
/// not start (another watcher, no such folder, library unusable) or the folder went away or,
/// with --once, every folder's batch could do nothing; --once stopped in the middle of a batch:
/// 128 + the signal, like `saluran batch`.
int watch_exit_code(const WatchResult& result, const WatchOptions& opt);

}  // namespace saluran
