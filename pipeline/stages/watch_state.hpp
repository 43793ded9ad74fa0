#pragma once
// What `saluran watch` remembers between runs, under the library, and its one-watcher lock:
//
//   <library>/.saluran/watch/<dir-hash>.json   the top folders of one watched folder, each with
//                                              its files' fingerprint and how its batch ended
//   <library>/.saluran/watch/lock              held (flock) by the running watcher; holds its pid
//
//   Result<WatchLock> lock = WatchLock::acquire(library, &busy);
//   fs::path file = watch_state_file(library, "/srv/masuk");
//   Result<WatchState> state = load_watch_state(file);     // empty when there is none yet
//   state->folders["Liputan-Pasar"] = {...};
//   save_watch_state(file, *state);                         // atomic: temporary name, rename

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "pipeline/model/error.hpp"

namespace saluran {

/// How a top folder's last batch ended.
struct WatchedFolder {
  std::string fingerprint;  ///< snapshot_fingerprint of its files when the batch started
  std::size_t files = 0;
  std::uint64_t bytes = 0;
  /// "running" (started; still so after a stop or a crash: taken again), "done" (exit 0),
  /// "some-failed" (exit 1), "failed" (exit 3: nothing could be done).
  std::string status;
  int exit_code = 0;
  int runs = 0;            ///< batches run on this folder so far
  std::string batch;       ///< the last batch run's name (saluran report NAME)
  std::string error;       ///< why it failed, in words
  std::string started_at;  ///< ISO 8601 UTC
  std::string finished_at;
};

/// The watcher's memory of one watched folder.
struct WatchState {
  std::string dir;                               ///< the watched folder's absolute path
  std::map<std::string, WatchedFolder> folders;  ///< by top folder name
};

/// "<library>/.saluran/watch".
std::filesystem::path watch_state_dir(const std::string& library);

/// The state file of the watched folder `dir` (its absolute path's digest, so two inboxes
/// watched into one library in turn keep apart).
std::filesystem::path watch_state_file(const std::string& library,
                                       const std::filesystem::path& dir);

/// Reads a state file; a missing file is an empty state. Errors name the file.
Result<WatchState> load_watch_state(const std::filesystem::path& file);

/// Writes a state file atomically (write_file_atomically), creating its folder.
Status save_watch_state(const std::filesystem::path& file, const WatchState& state);

/// The one-watcher lock of a library: an exclusive flock on <library>/.saluran/watch/lock, held
/// until the object is destroyed or the process ends (the kernel drops it even after a crash).
class WatchLock {
 public:
  /// Takes the lock without waiting, creating the folders. When another process holds it:
  /// a kIo error naming that process's pid, and *busy = true.
  static Result<WatchLock> acquire(const std::string& library, bool* busy = nullptr);

  WatchLock(WatchLock&& other) noexcept;
  WatchLock& operator=(WatchLock&& other) noexcept;
  WatchLock(const WatchLock&) = delete;
  WatchLock& operator=(const WatchLock&) = delete;
  ~WatchLock();

 private:
  explicit WatchLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace saluran
