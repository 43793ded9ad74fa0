#include "codecs/file_bytes.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace saluran {
namespace {

/// Closes a file descriptor on scope exit.
struct FdCloser {
  int fd;
  ~FdCloser() {
    if (fd >= 0) ::close(fd);
  }
};

Result<std::vector<std::uint8_t>> read_bounded(const std::string& path, std::uint64_t max_bytes,
                                               bool whole) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno_error(errno, "open", path);
  FdCloser closer{fd};
  struct stat st {};
  if (fstat(fd, &st) != 0) return errno_error(errno, "read file status", path);
  if (!S_ISREG(st.st_mode)) return make_error(ErrorCode::kUnsupported, "not a regular file", path);
  const auto size = static_cast<std::uint64_t>(st.st_size);
  if (whole && size > max_bytes) {
    return make_error(ErrorCode::kLimitExceeded,
                      fmt::format("file is {} bytes; at most {} are read", size, max_bytes), path);
  }
  std::vector<std::uint8_t> data(static_cast<std::size_t>(std::min(size, max_bytes)));
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::pread(fd, data.data() + done, data.size() - done, static_cast<off_t>(done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_error(errno, "read", path);
    }
    if (n == 0) break;  // the file shrank while we read it
    done += static_cast<std::size_t>(n);
  }
  data.resize(done);
  return data;
}

}  // namespace

Error errno_error(int err, const std::string& what, const std::string& path) {
  ErrorCode code = ErrorCode::kIo;
  std::string message = fmt::format("cannot {}: {}", what, std::strerror(err));
  switch (err) {
    case ENOENT:
      code = ErrorCode::kNotFound;
      message = fmt::format("cannot {}: no such file or folder", what);
      break;
    case EACCES:
    case EPERM:
      code = ErrorCode::kPermission;
      message = fmt::format("cannot {}: permission denied (check the owner and mode)", what);
      break;
    case ENOSPC:
    case EDQUOT:
      message = fmt::format("cannot {}: the disk is full; free some space and run again", what);
      break;
    default:
      break;
  }
  return make_error(code, std::move(message), path);
}

Result<std::vector<std::uint8_t>> read_file_bytes(const std::string& path,
                                                  std::uint64_t max_bytes) {
  return read_bounded(path, max_bytes, true);
}

Result<std::vector<std::uint8_t>> read_file_head(const std::string& path, std::size_t count) {
  return read_bounded(path, count, false);
}

}  // namespace saluran
