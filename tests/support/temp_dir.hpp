#pragma once
// A temporary folder for one test, removed with everything in it afterwards.

#include <unistd.h>

#include <filesystem>
#include <random>
#include <string>

namespace saluran::test {

/// Creates a fresh folder under the system temp folder; removes it on destruction.
class TempDir {
 public:
  explicit TempDir(const std::string& tag = "saluran") {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            (tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  /// The folder.
  const std::filesystem::path& path() const { return path_; }
  /// A path inside it.
  std::string operator/(const std::string& rel) const { return (path_ / rel).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace saluran::test
