// Crash safety of ingest: a real `saluran ingest` process is killed with SIGKILL at random
// moments, then run again to completion. Afterwards every source is in the library exactly
// once, each library file matches its source hash, the catalog agrees with the disk, and no
// temporary file is left.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "codecs/file_copy.hpp"
#include "pipeline/catalog/catalog.hpp"
#include "tests/support/media_tree.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {

namespace fs = std::filesystem;

/// Starts the CLI with stdout/stderr to /dev/null; returns its pid.
pid_t spawn_ingest(const std::string& src, const std::string& lib) {
  const pid_t pid = fork();
  if (pid == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    dup2(null, 1);
    dup2(null, 2);
    const std::string cli = test::cli_path();
    execl(cli.c_str(), cli.c_str(), "ingest", src.c_str(), "--library", lib.c_str(), "--quiet",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

TEST(IngestCrash, KilledAtRandomMomentsThenFinished) {
  SKIP_WITHOUT_CORPUS();
  test::TempDir src("crash-src");
  test::TempDir lib("crash-lib");
  // 40 distinct photos of 1-4 MB (a real JPEG with noise after its end marker), so a run takes
  // long enough to be killed in every phase: probing, copying, placing, committing.
  std::mt19937 rng(20261126);
  std::map<std::string, std::string> source_hash;
  const char* bases[] = {"camera/DSCN0010.jpg", "camera/Canon_40D.jpg", "camera/Nikon_D70.jpg",
                         "orientation/portrait_6.jpg"};
  for (int i = 0; i < 40; ++i) {
    const std::string path = src / fmt::format("DCIM/{:03}CARD/IMG_{:04}.JPG", 100 + i % 3, i);
    test::copy_with_tail(test::corpus(bases[i % 4]), path, (1u << 20) + rng() % (3u << 20),
                         static_cast<std::uint64_t>(i));
    source_hash[path] = hash_file(path).value();
  }

  std::uniform_int_distribution<int> delay_ms(5, 900);
  int killed = 0;
  for (int round = 0; round < 8; ++round) {
    const pid_t pid = spawn_ingest(src.path().string(), lib.path().string());
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
    if (::kill(pid, SIGKILL) == 0) ++killed;
    wait_exit(pid);
  }
  EXPECT_GT(killed, 0);
  // Now let it finish.
  const int code = wait_exit(spawn_ingest(src.path().string(), lib.path().string()));
  EXPECT_EQ(code, 0);

  Result<Catalog> cat = Catalog::open(catalog_path(lib.path().string()));
  ASSERT_TRUE(cat.ok()) << cat.error().to_string();
  auto assets = cat->list_assets({});
  ASSERT_TRUE(assets.ok());
  EXPECT_EQ(assets->size(), source_hash.size());

  // Every source hash exactly once in the catalog.
  std::multiset<std::string> catalog_hashes;
  for (const Asset& a : *assets) catalog_hashes.insert(a.hash);
  for (const auto& [path, hash] : source_hash) EXPECT_EQ(catalog_hashes.count(hash), 1u) << path;

  // The disk holds exactly the catalog's files, each with its catalogued content.
  std::set<std::string> on_disk;
  for (const auto& e : fs::recursive_directory_iterator(lib.path())) {
    const std::string rel = fs::relative(e.path(), lib.path()).string();
    if (rel.rfind(".saluran", 0) == 0 || !e.is_regular_file()) continue;
    on_disk.insert(rel);
  }
  std::set<std::string> catalogued;
  for (const Asset& a : *assets) {
    catalogued.insert(a.library_path);
    EXPECT_EQ(hash_file((lib.path() / a.library_path).string()).value(), a.hash);
  }
  EXPECT_EQ(on_disk, catalogued);
  EXPECT_TRUE(fs::is_empty(lib.path() / ".saluran/tmp"));

  // And a further run changes nothing.
  EXPECT_EQ(wait_exit(spawn_ingest(src.path().string(), lib.path().string())), 0);
  EXPECT_EQ(cat->list_assets({})->size(), source_hash.size());
}

}  // namespace
}  // namespace saluran
