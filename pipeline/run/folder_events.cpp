// Linux inotify behind FolderEvents: one watch per folder (inotify is not recursive), a map from
// watch descriptor to folder, and the raw event records turned into FolderEvent values.

#include "pipeline/run/folder_events.hpp"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <system_error>
#include <utility>

namespace saluran {
namespace fs = std::filesystem;
namespace {

constexpr std::uint32_t kTopMask = IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE |
                                   IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;
constexpr std::uint32_t kTreeMask = IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB |
                                    IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_ONLYDIR;

Error watch_error(int err, const fs::path& dir) {
  std::string why = std::strerror(err);
  if (err == ENOSPC) {
    why = "the system's limit of watched folders is reached (raise fs.inotify.max_user_watches)";
  } else if (err == EMFILE) {
    why = "the system's limit of inotify instances is reached (fs.inotify.max_user_instances)";
  }
  const ErrorCode code = err == ENOENT   ? ErrorCode::kNotFound
                         : err == EACCES ? ErrorCode::kPermission
                                         : ErrorCode::kIo;
  return make_error(code, "cannot watch the folder: " + why, dir.string(), "inotify");
}

// The kind of a regular event (not overflow, not about the watched folder itself).
FolderEvent::Kind kind_of(std::uint32_t mask) {
  if (mask & IN_CLOSE_WRITE) return FolderEvent::Kind::kClosed;
  if (mask & IN_MODIFY) return FolderEvent::Kind::kWritten;
  if (mask & IN_ATTRIB) return FolderEvent::Kind::kChanged;
  if (mask & IN_MOVED_TO) return FolderEvent::Kind::kMovedIn;
  if (mask & (IN_DELETE | IN_MOVED_FROM)) return FolderEvent::Kind::kRemoved;
  return FolderEvent::Kind::kCreated;
}

}  // namespace

Result<FolderEvents> FolderEvents::open() {
  const int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) return watch_error(errno, "(inotify_init1)");
  return FolderEvents(fd);
}

FolderEvents::FolderEvents(FolderEvents&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      watched_(std::move(other.watched_)),
      warnings_(std::move(other.warnings_)) {}

FolderEvents& FolderEvents::operator=(FolderEvents&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    watched_ = std::move(other.watched_);
    warnings_ = std::move(other.warnings_);
  }
  return *this;
}

FolderEvents::~FolderEvents() {
  if (fd_ >= 0) ::close(fd_);
}

Status FolderEvents::add(const fs::path& dir, bool tree) {
  const int wd = ::inotify_add_watch(fd_, dir.c_str(), tree ? kTreeMask : kTopMask);
  if (wd < 0) return watch_error(errno, dir);
  watched_[wd] = Watched{dir, tree};
  return Ok{};
}

Status FolderEvents::watch_top(const fs::path& dir) { return add(dir, false); }

Status FolderEvents::watch_tree(const fs::path& folder) {
  if (auto s = add(folder, true); !s) return s;
  std::error_code ec;
  // A folder that vanishes while it is walked ends the walk; the caller sees it removed.
  for (fs::recursive_directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_symlink(ec) || !it->is_directory(ec)) continue;
    if (auto s = add(it->path(), true); !s && s.error().code != ErrorCode::kNotFound) return s;
  }
  return Ok{};
}

void FolderEvents::unwatch_tree(const fs::path& folder) {
  const std::string prefix = folder.string() + "/";
  for (auto it = watched_.begin(); it != watched_.end();) {
    const std::string p = it->second.path.string();
    if (it->second.tree && (p == folder.string() || p.starts_with(prefix))) {
      ::inotify_rm_watch(fd_, it->first);
      it = watched_.erase(it);
    } else {
      ++it;
    }
  }
}

std::vector<FolderEvent> FolderEvents::wait(int timeout_ms) {
  std::vector<FolderEvent> out;
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, timeout_ms) <= 0) return out;  // timeout or a signal (EINTR)
  alignas(inotify_event) std::array<char, 64 * 1024> buf;
  for (;;) {
    const ssize_t n = ::read(fd_, buf.data(), buf.size());
    if (n <= 0) break;  // EAGAIN: all read
    decode(buf.data(), static_cast<std::size_t>(n), out);
  }
  return out;
}

void FolderEvents::decode(const char* buf, std::size_t len, std::vector<FolderEvent>& out) {
  for (std::size_t off = 0; off + sizeof(inotify_event) <= len;) {
    inotify_event ev;
    std::memcpy(&ev, buf + off, sizeof ev);
    const char* name = buf + off + sizeof(inotify_event);
    off += sizeof(inotify_event) + ev.len;
    if (ev.mask & IN_Q_OVERFLOW) {
      out.push_back({FolderEvent::Kind::kOverflow, {}, false});
      continue;
    }
    const auto w = watched_.find(ev.wd);
    if (w == watched_.end()) continue;
    const Watched where = w->second;
    if (ev.mask & IN_IGNORED) {  // the folder was deleted or unmounted: its watch is gone
      watched_.erase(w);
      if (!where.tree) out.push_back({FolderEvent::Kind::kGone, where.path, true});
      continue;
    }
    if (ev.mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT)) {
      if (!where.tree) out.push_back({FolderEvent::Kind::kGone, where.path, true});
      continue;
    }
    const bool is_dir = (ev.mask & IN_ISDIR) != 0;
    const fs::path path = ev.len > 0 ? where.path / std::string(name) : where.path;
    out.push_back({kind_of(ev.mask), path, is_dir});
    if (where.tree && is_dir && (ev.mask & IN_MOVED_FROM)) unwatch_tree(path);
    if (where.tree && is_dir && (ev.mask & (IN_CREATE | IN_MOVED_TO))) {
      if (auto s = watch_tree(path); !s && s.error().code != ErrorCode::kNotFound)
        warnings_.push_back(s.error());
    }
  }
}

std::optional<bool> open_for_writing(const fs::path& file) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  const int taken = ::fcntl(fd, F_SETLEASE, F_RDLCK);
  const int err = errno;
  if (taken == 0) ::fcntl(fd, F_SETLEASE, F_UNLCK);
  ::close(fd);
  if (taken == 0) return false;
  if (err == EAGAIN) return true;
  return std::nullopt;  // EACCES: not the owner, no CAP_LEASE; EINVAL: no leases here
}

std::vector<Error> FolderEvents::take_warnings() { return std::exchange(warnings_, {}); }

}  // namespace saluran
