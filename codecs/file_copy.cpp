#include "codecs/file_copy.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <vector>

#include <fmt/format.h>

#include "codecs/file_bytes.hpp"

namespace saluran {
namespace {

constexpr std::size_t kChunk = 4u << 20;    // large reads keep a USB stick streaming
constexpr std::size_t kDirectAlign = 4096;  // O_DIRECT buffer, offset and length alignment

struct FreeDeleter {
  void operator()(std::uint8_t* p) const noexcept { std::free(p); }
};
/// A buffer aligned for direct I/O.
class AlignedBuffer {
 public:
  explicit AlignedBuffer(std::size_t size)
      : p_(static_cast<std::uint8_t*>(std::aligned_alloc(kDirectAlign, size))) {}
  explicit operator bool() const { return p_ != nullptr; }
  std::uint8_t* get() const { return p_.get(); }

 private:
  std::unique_ptr<std::uint8_t, FreeDeleter> p_;
};

/// Closes a descriptor on scope exit.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  /// Closes now and reports the error close() gives (a late write error on some filesystems).
  int close_checked() {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

struct XxhStateFree {
  void operator()(XXH3_state_t* s) const noexcept { XXH3_freeState(s); }
};
using XxhState = std::unique_ptr<XXH3_state_t, XxhStateFree>;

std::string hex128(XXH128_hash_t h) { return fmt::format("{:016x}{:016x}", h.high64, h.low64); }

int open_source(const std::string& path) {
  // O_NOATIME keeps even the access time of originals as it was; it needs ownership, so fall
  // back to a plain read-only open.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOATIME);
  if (fd < 0 && errno == EPERM) fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  return fd;
}

ssize_t read_full(int fd, std::uint8_t* buf, std::size_t n) {
  std::size_t done = 0;
  while (done < n) {
    const ssize_t r = ::read(fd, buf + done, n - done);
    if (r < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    if (r == 0) break;
    done += static_cast<std::size_t>(r);
  }
  return static_cast<ssize_t>(done);
}

bool write_full(int fd, const std::uint8_t* buf, std::size_t n) {
  std::size_t done = 0;
  while (done < n) {
    const ssize_t w = ::write(fd, buf + done, n - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<std::size_t>(w);
  }
  return true;
}

}  // namespace

Result<CopyResult> copy_and_hash(const std::string& src, const std::string& dst,
                                 const CopyProgress& progress) {
  Fd in(open_source(src));
  if (in.get() < 0) return errno_error(errno, "open", src);
  struct stat st {};
  if (fstat(in.get(), &st) != 0) return errno_error(errno, "read file status", src);
  if (!S_ISREG(st.st_mode)) return make_error(ErrorCode::kUnsupported, "not a regular file", src);
  posix_fadvise(in.get(), 0, 0, POSIX_FADV_SEQUENTIAL);

  // Direct I/O: the copy goes from our buffer to the disk without a second copy through the
  // page cache (the largest CPU cost of a buffered copy), and the final fsync has little left to
  // do. Filesystems without it (tmpfs, some FUSE mounts) get the buffered path.
  bool direct = true;
  int out_fd = ::open(dst.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_DIRECT, 0644);
  if (out_fd < 0 && errno == EINVAL) {
    direct = false;
    out_fd = ::open(dst.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  }
  Fd out(out_fd);
  if (out.get() < 0) return errno_error(errno, "create", dst);
  // From here on, any failure removes the partial file.
  struct RemoveOnFailure {
    const std::string& path;
    bool armed = true;
    ~RemoveOnFailure() {
      if (armed) ::unlink(path.c_str());
    }
  } guard{dst};

  XxhState state(XXH3_createState());
  if (!state || XXH3_128bits_reset(state.get()) != XXH_OK)
    return make_error(ErrorCode::kExternal, "out of memory", src, "XXH3_createState");
  AlignedBuffer buf(kChunk);
  if (!buf) return make_error(ErrorCode::kExternal, "out of memory", src, "aligned_alloc");
  CopyResult result;
  std::uint64_t synced_to = 0;
  for (;;) {
    const ssize_t n = read_full(in.get(), buf.get(), kChunk);
    if (n < 0) return errno_error(errno, "read", src);
    if (n == 0) break;
    const auto len = static_cast<std::size_t>(n);
    XXH3_128bits_update(state.get(), buf.get(), len);
    // Direct writes must be whole blocks: the tail of the last chunk goes through the cache.
    std::size_t whole = direct ? len & ~(kDirectAlign - 1) : len;
    if (!write_full(out.get(), buf.get(), whole)) {
      // Some filesystems accept O_DIRECT at open and refuse it at write: go buffered.
      if (!direct || errno != EINVAL || result.bytes != 0 ||
          fcntl(out.get(), F_SETFL, fcntl(out.get(), F_GETFL) & ~O_DIRECT) != 0)
        return errno_error(errno, "write", dst);
      direct = false;
      whole = len;
      if (!write_full(out.get(), buf.get(), whole)) return errno_error(errno, "write", dst);
    }
    if (whole < len) {
      if (fcntl(out.get(), F_SETFL, fcntl(out.get(), F_GETFL) & ~O_DIRECT) != 0 ||
          !write_full(out.get(), buf.get() + whole, len - whole))
        return errno_error(errno, "write", dst);
      direct = false;
    }
    result.bytes += len;
    // Buffered: start writing back what is written so far, so the final fsync has little left
    // to wait for and the page cache does not fill with dirty pages on a large card.
    if (!direct && result.bytes - synced_to >= 32u << 20) {
      sync_file_range(out.get(), static_cast<off_t>(synced_to),
                      static_cast<off_t>(result.bytes - synced_to), SYNC_FILE_RANGE_WRITE);
      synced_to = result.bytes;
    }
    if (progress) progress(result.bytes);
  }
  if (::fsync(out.get()) != 0) return errno_error(errno, "flush to disk", dst);
  if (out.close_checked() != 0) return errno_error(errno, "close", dst);
  // The source is done with: drop it from the page cache so a large card does not evict the
  // rest of the system (it is not read again).
  posix_fadvise(in.get(), 0, 0, POSIX_FADV_DONTNEED);
  result.hash = hex128(XXH3_128bits_digest(state.get()));
  guard.armed = false;
  return result;
}

Result<std::string> hash_file(const std::string& path) {
  Fd in(open_source(path));
  if (in.get() < 0) return errno_error(errno, "open", path);
  XxhState state(XXH3_createState());
  if (!state || XXH3_128bits_reset(state.get()) != XXH_OK)
    return make_error(ErrorCode::kExternal, "out of memory", path, "XXH3_createState");
  std::vector<std::uint8_t> buf(kChunk);
  for (;;) {
    const ssize_t n = read_full(in.get(), buf.data(), buf.size());
    if (n < 0) return errno_error(errno, "read", path);
    if (n == 0) break;
    XXH3_128bits_update(state.get(), buf.data(), static_cast<std::size_t>(n));
  }
  return hex128(XXH3_128bits_digest(state.get()));
}

Status fsync_dir(const std::string& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return errno_error(errno, "open folder", dir);
  if (::fsync(fd.get()) != 0) return errno_error(errno, "flush folder", dir);
  return Ok{};
}

std::string temp_path_beside(const std::string& final_path, const char* suffix) {
  const std::filesystem::path p(final_path);
  return (p.parent_path() /
          ("." + p.filename().string() + "." + std::to_string(::getpid()) + "." + suffix))
      .string();
}

Status fsync_file(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return errno_error(errno, "open", path);
  if (::fsync(fd.get()) != 0) return errno_error(errno, "flush to disk", path);
  return Ok{};
}

Status write_file_synced(const std::string& path, std::span<const std::uint8_t> data) {
  Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (fd.get() < 0) return errno_error(errno, "create", path);
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd.get(), data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return errno_error(n < 0 ? errno : EIO, "write", path);
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd.get()) != 0) return errno_error(errno, "flush to disk", path);
  return Ok{};
}

Status write_file_atomically(const std::string& path, std::string_view text) {
  const std::string tmp = temp_path_beside(path, "part");
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  if (Status st = write_file_synced(tmp, {bytes, text.size()}); !st) {
    ::unlink(tmp.c_str());
    return st;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return errno_error(err, "rename into place", path);
  }
  std::string dir = std::filesystem::path(path).parent_path().string();
  return fsync_dir(dir.empty() ? "." : dir);
}

Result<bool> place_file(const std::string& from, const std::string& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) != 0) {
    const int err = errno;
    if (err == EEXIST) return false;
    return errno_error(err, "move into place", to);
  }
  if (Status st = fsync_dir(std::filesystem::path(to).parent_path().string()); !st)
    return st.error();
  return true;
}

}  // namespace saluran
