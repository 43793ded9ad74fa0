#pragma once
// When is a folder that is being filled complete? When no file in it is open for writing (the
// kernel said it was closed after the last write) and every file's size and modification time
// have stayed the same for the settle time. `saluran watch` asks this of each new folder, so a
// card still being copied is not taken half-way.
//
//   FolderSettling settling(5.0);                        // settle seconds
//   settling.on_written("DCIM/C0003.MP4");               // from the folder's events
//   settling.on_closed("DCIM/C0003.MP4");
//   Result<FolderSnapshot> snap = scan_folder(folder);   // sizes and times now
//   Readiness r = settling.observe(*snap, now_seconds);  // r.ready, or what it waits for

#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "pipeline/model/error.hpp"

namespace saluran {

/// A file's size and modification time (nanoseconds of the file clock).
struct FileStat {
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  bool operator==(const FileStat&) const = default;
};

/// Every regular file under a folder (symbolic links not followed), by path relative to it.
using FolderSnapshot = std::map<std::string, FileStat>;

/// Lists the regular files under `folder` with their sizes and times. A file that vanishes while
/// listed is left out; the folder itself missing is kNotFound.
Result<FolderSnapshot> scan_folder(const std::filesystem::path& folder);

/// A digest of the names, sizes and times in `snapshot` (16 hex digits): equal digests mean the
/// folder holds the same files, unchanged.
std::string snapshot_fingerprint(const FolderSnapshot& snapshot);

/// The total size of the files in `snapshot`.
std::uint64_t snapshot_bytes(const FolderSnapshot& snapshot);

/// Whether a folder is complete, and if not, what it waits for.
struct Readiness {
  /// Why a folder is not ready yet.
  enum class Wait {
    kNone,      ///< ready
    kEmpty,     ///< no file in it yet
    kWriting,   ///< `file` is open for writing (written to and not closed since)
    kSettling,  ///< `file` changed less than the settle time ago
  };
  bool ready = false;
  Wait wait = Wait::kNone;
  std::string file;     ///< the file waited for (relative to the folder)
  double seconds = 0;   ///< kSettling: seconds until ready if nothing changes
  std::string message;  ///< plain words: "DCIM/C0003.MP4 is still being written"
};

/// Tracks one folder's events and snapshots and says when it is complete. Times are seconds of
/// a steady clock given by the caller, so it is tested without waiting.
class FolderSettling {
 public:
  /// `settle_seconds`: how long every file must stay unchanged.
  explicit FolderSettling(double settle_seconds) : settle_(settle_seconds) {}

  /// A file was written to (IN_MODIFY): it counts as open until on_closed.
  void on_written(const std::string& file);
  /// A file open for writing was closed (IN_CLOSE_WRITE).
  void on_closed(const std::string& file);
  /// A file was removed or moved away: it is no longer waited for.
  void on_removed(const std::string& file);
  /// Something changed at `now` (any event): the settle time starts again.
  void on_changed(const std::string& file, double now);
  /// Events were lost (queue overflow): forget which files were open, rely on sizes and times.
  void forget_open_files() { open_.clear(); }

  /// Compares `snapshot` with the previous one (a difference restarts the settle time) and says
  /// whether the folder is complete at `now`. The first call only starts the settle time.
  Readiness observe(const FolderSnapshot& snapshot, double now);

 private:
  double settle_;
  bool seen_ = false;
  double last_change_ = 0;
  std::string last_file_;
  FolderSnapshot last_;
  std::set<std::string> open_;
};

}  // namespace saluran
