// A main() for the fuzz targets where libFuzzer is not available (g++): runs
// LLVMFuzzerTestOneInput once on every file found, recursively, under the paths given.
// Exit status: 0 when every input ran, 77 (CTest's SKIP_RETURN_CODE) when none of the paths
// exists, 2 on a usage or read error. A crash in a target crashes this program, as it should.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

namespace {

namespace fs = std::filesystem;

constexpr int kSkipped = 77;

bool read_file(const fs::path& path, std::vector<std::uint8_t>& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

}  // namespace

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize != nullptr) LLVMFuzzerInitialize(&argc, &argv);
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE_OR_FOLDER...\n", argv[0]);
    return 2;
  }
  std::vector<fs::path> files;
  int found_paths = 0;
  for (int i = 1; i < argc; ++i) {
    const fs::path root(argv[i]);
    std::error_code ec;
    if (fs::is_regular_file(root, ec)) {
      files.push_back(root);
      ++found_paths;
    } else if (fs::is_directory(root, ec)) {
      ++found_paths;
      for (fs::recursive_directory_iterator
               it(root, fs::directory_options::skip_permission_denied, ec),
           end;
           !ec && it != end; it.increment(ec)) {
        if (it->is_regular_file(ec)) files.push_back(it->path());
      }
      if (ec) {
        std::fprintf(stderr, "%s: %s\n", root.c_str(), ec.message().c_str());
        return 2;
      }
    } else {
      std::fprintf(stderr, "%s: corpus not found, skipping\n", root.c_str());
    }
  }
  if (found_paths == 0) {
    std::printf("corpus not found, skipping\n");
    return kSkipped;
  }
  // A stable order makes a crash easy to reproduce.
  std::sort(files.begin(), files.end());
  std::vector<std::uint8_t> data;
  for (const fs::path& file : files) {
    if (!read_file(file, data)) {
      std::fprintf(stderr, "%s: cannot read\n", file.c_str());
      return 2;
    }
    std::fprintf(stderr, "running %s (%zu bytes)\n", file.c_str(), data.size());
    // A copy of exactly the file's size, so that a read past the end is caught by sanitizers.
    const std::vector<std::uint8_t> input(data.begin(), data.end());
    LLVMFuzzerTestOneInput(input.data(), input.size());
  }
  std::printf("ran %zu input%s\n", files.size(), files.size() == 1 ? "" : "s");
  return 0;
}
