#pragma once
// Builds source trees of real media for ingest tests from the corpus: distinct contents are
// made by appending bytes after a JPEG's end-of-image marker (decoders stop there).

#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "tests/support/paths.hpp"

namespace saluran::test {

/// Copies `from` to `to` and appends `extra` bytes of deterministic noise seeded by `seed`.
inline void copy_with_tail(const std::string& from, const std::string& to, std::size_t extra,
                           std::uint64_t seed) {
  std::filesystem::create_directories(std::filesystem::path(to).parent_path());
  std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing);
  std::ofstream out(to, std::ios::binary | std::ios::app);
  std::mt19937_64 rng(seed);
  std::vector<char> buf(extra);
  for (auto& c : buf) c = static_cast<char>(rng());
  out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
}

/// Writes a text file.
inline void write_text(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path) << text;
}

}  // namespace saluran::test
