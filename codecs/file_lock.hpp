#pragma once
// An exclusive advisory lock (flock) on a lock file, held for the life of the object: serialises
// read-modify-write of a shared file (the render manifest) between threads and processes.
//
//   Result<FileLock> lock = FileLock::exclusive(out_dir);   // a folder, or a lock file
//   if (!lock) return lock.error();
//   ... read, merge, write ...            // released when `lock` goes

#include <string>

#include "pipeline/model/error.hpp"

namespace saluran {

/// A held flock(LOCK_EX) on a file; released (and the descriptor closed) on destruction.
class FileLock {
 public:
  /// Opens `path` (a folder, or a lock file created when missing) and waits for the exclusive
  /// lock. Errors name the file.
  static Result<FileLock> exclusive(const std::string& path);
  /// Tries once without waiting: `taken` says whether the lock is now held (false: another
  /// holder has it, and the returned lock holds nothing).
  static Result<FileLock> try_exclusive(const std::string& path, bool& taken);
  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&&) = delete;
  FileLock(const FileLock&) = delete;
  ~FileLock();

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace saluran
