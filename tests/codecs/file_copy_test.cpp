// copy_and_hash: one read, exact bytes, the same hash as hash_file, on every size around the
// direct-I/O block boundaries, and on filesystems without direct I/O.

#include "codecs/file_copy.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>

#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {

namespace fs = std::filesystem;

std::string write_random(const std::string& path, std::size_t size, unsigned seed) {
  std::mt19937 rng(seed);
  std::string data(size, '\0');
  for (char& c : data) c = static_cast<char>(rng());
  std::ofstream(path, std::ios::binary).write(data.data(), static_cast<std::streamsize>(size));
  return data;
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void check_copy(const fs::path& dir, std::size_t size) {
  const std::string src = (dir / ("src-" + std::to_string(size))).string();
  const std::string dst = (dir / ("dst-" + std::to_string(size))).string();
  const std::string data = write_random(src, size, static_cast<unsigned>(size));
  std::uint64_t last_progress = 0;
  Result<CopyResult> r = copy_and_hash(src, dst, [&](std::uint64_t n) { last_progress = n; });
  ASSERT_TRUE(r.ok()) << size << ": " << r.error().to_string();
  EXPECT_EQ(r->bytes, size);
  EXPECT_EQ(last_progress, size);
  EXPECT_EQ(r->hash.size(), 32u);
  EXPECT_EQ(r->hash, hash_file(src).value());
  EXPECT_EQ(read_all(dst), data) << size;
  EXPECT_EQ(fs::file_size(dst), size);
}

TEST(CopyAndHash, EverySizeAroundBlockBoundaries) {
  test::TempDir dir("copy");
  for (std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{4095}, std::size_t{4096},
                           std::size_t{4097}, std::size_t{(4u << 20) - 1}, std::size_t{4u << 20},
                           std::size_t{(4u << 20) + 4096 + 17}, std::size_t{9u << 20}})
    check_copy(dir.path(), size);
}

TEST(CopyAndHash, FilesystemWithoutDirectIo) {
  // tmpfs refuses O_DIRECT: the buffered path must give the same result.
  if (!fs::exists("/dev/shm")) GTEST_SKIP() << "no /dev/shm here";
  test::TempDir dir("copy-shm");
  const fs::path shm = fs::path("/dev/shm") / dir.path().filename();
  fs::create_directories(shm);
  check_copy(shm, (1u << 20) + 123);
  fs::remove_all(shm);
}

TEST(CopyAndHash, NeverOverwritesAndCleansUpOnFailure) {
  test::TempDir dir("copy-fail");
  write_random(dir / "src", 1000, 1);
  write_random(dir / "dst", 10, 2);
  Result<CopyResult> r = copy_and_hash(dir / "src", dir / "dst");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(fs::file_size(dir / "dst"), 10u);  // the existing file is untouched
  Result<CopyResult> missing = copy_and_hash(dir / "nope", dir / "out");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(fs::exists(dir / "out"));
}

TEST(PlaceFile, TakenNameIsAValueNotAnError) {
  test::TempDir dir("place");
  write_random(dir / "a", 10, 1);
  write_random(dir / "b", 10, 2);
  Result<bool> r = place_file(dir / "a", dir / "b");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(*r);
  EXPECT_TRUE(fs::exists(dir / "a"));
  Result<bool> ok = place_file(dir / "a", dir / "c");
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(*ok);
  EXPECT_FALSE(fs::exists(dir / "a"));
}

}  // namespace
}  // namespace saluran
