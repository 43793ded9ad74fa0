// The watcher's state file (JSON, written atomically) and its flock-based lock.

#include "pipeline/stages/watch_state.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <system_error>
#include <utility>

#include "codecs/content_hash.hpp"
#include "codecs/file_copy.hpp"

namespace saluran {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(WatchedFolder, fingerprint, files, bytes, status,
                                                exit_code, runs, batch, error, started_at,
                                                finished_at)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(WatchState, dir, folders)

namespace fs = std::filesystem;

fs::path watch_state_dir(const std::string& library) {
  return fs::path(library) / ".saluran" / "watch";
}

fs::path watch_state_file(const std::string& library, const fs::path& dir) {
  std::error_code ec;
  fs::path abs = fs::weakly_canonical(fs::absolute(dir, ec), ec);
  if (ec) abs = dir;
  return watch_state_dir(library) / (hash64_hex(abs.string()) + ".json");
}

Result<WatchState> load_watch_state(const fs::path& file) {
  std::error_code ec;
  if (!fs::exists(file, ec)) return WatchState{};
  std::ifstream in(file);
  if (!in) return make_error(ErrorCode::kIo, "cannot read the watch state", file.string());
  std::stringstream text;
  text << in.rdbuf();
  try {
    return nlohmann::json::parse(text.str()).get<WatchState>();
  } catch (const nlohmann::json::exception& e) {
    return make_error(ErrorCode::kCorrupt,
                      "the watch state is damaged; remove it and every folder is taken again "
                      "(the batch skips what it made)",
                      file.string(), e.what());
  }
}

Status save_watch_state(const fs::path& file, const WatchState& state) {
  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  if (ec) {
    return make_error(ErrorCode::kIo, "cannot create the folder: " + ec.message(),
                      file.parent_path().string());
  }
  return write_file_atomically(file.string(), nlohmann::json(state).dump(2) + "\n");
}

namespace {

// The pid the holder wrote into the lock file, "" when unknown.
std::string holder_pid(int fd) {
  char buf[32] = {};
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  std::string pid = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
  return pid;
}

}  // namespace

Result<WatchLock> WatchLock::acquire(const std::string& library, bool* busy) {
  if (busy != nullptr) *busy = false;
  const fs::path dir = watch_state_dir(library);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return make_error(ErrorCode::kIo, "cannot create the folder: " + ec.message(), dir);
  const fs::path path = dir / "lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return make_error(ErrorCode::kIo, std::string("cannot open the lock: ") + std::strerror(errno),
                      path.string());
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    const std::string pid = holder_pid(fd);
    ::close(fd);
    if (err != EWOULDBLOCK) {
      return make_error(ErrorCode::kIo, std::string("cannot lock: ") + std::strerror(err),
                        path.string());
    }
    if (busy != nullptr) *busy = true;
    return make_error(ErrorCode::kIo,
                      "another saluran watch is running on this library (pid " +
                          (pid.empty() ? std::string("unknown") : pid) +
                          "); stop it first (systemctl stop saluran-watch) or use another "
                          "--library",
                      library);
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    // The lock holds without the pid; a second watcher then says "pid unknown".
  }
  return WatchLock(fd);
}

WatchLock::WatchLock(WatchLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

WatchLock& WatchLock::operator=(WatchLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

WatchLock::~WatchLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace saluran
