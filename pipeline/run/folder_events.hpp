#pragma once
// What happens in a folder tree, from the kernel (Linux inotify), as plain events: a folder or
// file created or moved in, a file written to, a file closed after writing, something removed.
// The inotify API stays in folder_events.cpp.
//
//   Result<FolderEvents> events = FolderEvents::open();
//   events->watch_top("/srv/masuk");               // new folders appearing in the inbox
//   events->watch_tree("/srv/masuk/Liputan-Pasar"); // everything inside one of them
//   for (const FolderEvent& e : events->wait(200)) handle(e);

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "pipeline/model/error.hpp"

namespace saluran {

/// One change the kernel reported.
struct FolderEvent {
  /// What happened to `path`.
  enum class Kind {
    kCreated,   ///< a file or folder was created (IN_CREATE)
    kWritten,   ///< a file was written to (IN_MODIFY): it is open for writing
    kClosed,    ///< a file open for writing was closed (IN_CLOSE_WRITE)
    kChanged,   ///< its times or permissions changed (IN_ATTRIB)
    kMovedIn,   ///< a file or folder was renamed or moved into a watched folder (IN_MOVED_TO)
    kRemoved,   ///< deleted or moved out (IN_DELETE, IN_MOVED_FROM)
    kOverflow,  ///< the kernel's queue overflowed: events were lost, look again at everything
    kGone,      ///< a folder given to watch_top was itself deleted, moved or unmounted
  };
  Kind kind = Kind::kCreated;
  std::filesystem::path path;  ///< absolute (empty for kOverflow)
  bool is_dir = false;
};

/// An inotify instance with its watches. Move-only; closing it drops every watch.
class FolderEvents {
 public:
  /// A new instance with no watch. Errors say why (the per-user instance limit).
  static Result<FolderEvents> open();

  FolderEvents(FolderEvents&& other) noexcept;
  FolderEvents& operator=(FolderEvents&& other) noexcept;
  FolderEvents(const FolderEvents&) = delete;
  FolderEvents& operator=(const FolderEvents&) = delete;
  ~FolderEvents();

  /// Watches `dir` itself only: its entries created, moved in, removed, and the folder gone.
  Status watch_top(const std::filesystem::path& dir);

  /// Watches `folder` and every folder under it for files created, written, closed, changed,
  /// moved and removed; folders created under it later are added as they appear. Errors name
  /// the folder that could not be watched (the fs.inotify.max_user_watches limit).
  Status watch_tree(const std::filesystem::path& folder);

  /// Drops the watches of `folder` and of every folder under it (a folder moved away).
  void unwatch_tree(const std::filesystem::path& folder);

  /// Waits up to `timeout_ms` for events and returns those that came (empty on timeout or when a
  /// signal interrupted the wait).
  std::vector<FolderEvent> wait(int timeout_ms);

  /// The number of folders watched.
  std::size_t watch_count() const { return watched_.size(); }

  /// Folders that could not be watched since the last call (added automatically under a tree),
  /// with the reason; taken out by this call.
  std::vector<Error> take_warnings();

 private:
  struct Watched {
    std::filesystem::path path;
    bool tree = false;
  };
  explicit FolderEvents(int fd) : fd_(fd) {}
  Status add(const std::filesystem::path& dir, bool tree);
  void decode(const char* buf, std::size_t len, std::vector<FolderEvent>& out);

  int fd_ = -1;
  std::unordered_map<int, Watched> watched_;
  std::vector<Error> warnings_;
};

/// Whether some process has `file` open for writing, asked of the kernel with a read lease
/// (refused while a writer holds the file open; taken and given back at once otherwise). It
/// covers a file opened before its folder was watched, whose writes inotify never reported.
/// nullopt when it cannot be told: the caller neither owns the file nor has CAP_LEASE, or the
/// file system has no leases.
std::optional<bool> open_for_writing(const std::filesystem::path& file);

}  // namespace saluran
