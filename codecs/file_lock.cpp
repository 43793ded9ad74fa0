#include "codecs/file_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "codecs/file_bytes.hpp"

namespace saluran {
namespace {

// A folder is locked through a read-only descriptor of its own (flock works on folders), so
// locking it leaves no file behind; anything else is opened, and created, as a lock file.
Result<int> open_lock_file(const std::string& path) {
  struct stat st {};
  const bool folder = ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
  const int fd = folder ? ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                        : ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return errno_error(errno, "open the lock file", path);
  return fd;
}

}  // namespace

Result<FileLock> FileLock::exclusive(const std::string& path) {
  Result<int> fd = open_lock_file(path);
  if (!fd) return fd.error();
  while (::flock(*fd, LOCK_EX) != 0) {
    if (errno == EINTR) continue;
    const int err = errno;
    ::close(*fd);
    return errno_error(err, "lock", path);
  }
  return FileLock(*fd);
}

Result<FileLock> FileLock::try_exclusive(const std::string& path, bool& taken) {
  taken = false;
  Result<int> fd = open_lock_file(path);
  if (!fd) return fd.error();
  if (::flock(*fd, LOCK_EX | LOCK_NB) == 0) {
    taken = true;
    return FileLock(*fd);
  }
  const int err = errno;
  ::close(*fd);
  if (err != EWOULDBLOCK) return errno_error(err, "lock", path);
  return FileLock(-1);
}

FileLock::FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the descriptor releases the flock
}

}  // namespace saluran
