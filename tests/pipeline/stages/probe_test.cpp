// Probe over folders on the worker pool: every entry in walk order whatever the thread count,
// progress for each file, and each entry's common outcome.

#include "pipeline/stages/probe.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#include "tests/support/media_tree.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {

namespace fs = std::filesystem;
using test::corpus;
using test::TempDir;

TEST(ProbeOutcome, ReadIsUpToDatePassedOverIsSkippedUnreadableIsFailed) {
  ProbeEntry read;
  read.info = MediaInfo{};
  EXPECT_EQ(outcome_of(read), Outcome::kUpToDate);
  ProbeEntry skipped;
  skipped.skipped = kNotMediaReason;
  EXPECT_EQ(outcome_of(skipped), Outcome::kSkipped);
  ProbeEntry failed;
  failed.error = make_error(ErrorCode::kCorrupt, "truncated", "a.jpg");
  EXPECT_EQ(outcome_of(failed), Outcome::kFailed);
  EXPECT_EQ(outcome_of(ProbeEntry{}), Outcome::kFailed);  // nothing read is not a success
}

/// A folder of photos, a note, an empty photo and a link, plus a path that does not exist.
class ProbeFolder : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(test::corpus_dir())) GTEST_SKIP() << "corpus not found";
    for (int i = 0; i < 6; ++i) {
      test::copy_with_tail(corpus("camera/DSCN0010.jpg"), dir_ / fmt("photos/P{}.JPG", i), 8,
                           static_cast<std::uint64_t>(i));
    }
    test::write_text(dir_ / "notes.txt", "Liputan\n");
    std::ofstream(dir_ / "photos/EMPTY.JPG").close();
    fs::create_symlink("/etc", dir_.path() / "link-out");
    paths_ = {dir_.path().string(), dir_ / "missing.jpg"};
  }

  static std::string fmt(const char* pattern, int i) {
    std::string s = pattern;
    return s.replace(s.find("{}"), 2, std::to_string(i));
  }

  TempDir dir_{"probe"};
  std::vector<std::string> paths_;
};

TEST_F(ProbeFolder, SameEntriesInWalkOrderOnOneThreadOrMany) {
  ProbeOptions one;
  one.threads = 1;
  ProbeOptions many;
  many.threads = 4;
  const ProbeReport a = probe_paths(paths_, one);
  const ProbeReport b = probe_paths(paths_, many);
  ASSERT_EQ(a.entries.size(), 10u);  // link, notes, 6 photos + empty, missing
  ASSERT_EQ(b.entries.size(), a.entries.size());
  for (std::size_t i = 0; i < a.entries.size(); ++i) {
    EXPECT_EQ(a.entries[i].path, b.entries[i].path);
    EXPECT_EQ(outcome_of(a.entries[i]), outcome_of(b.entries[i])) << a.entries[i].path;
  }
  EXPECT_EQ(a.entries.front().path, dir_ / "link-out");
  EXPECT_EQ(a.entries.back().path, dir_ / "missing.jpg");
  EXPECT_EQ(a.read, 6u);
  EXPECT_EQ(a.skipped, 2u);  // the link and the note
  EXPECT_EQ(a.failed, 2u);   // the empty photo and the missing file
  EXPECT_EQ(b.read, a.read);
  EXPECT_EQ(b.skipped, a.skipped);
  EXPECT_EQ(b.failed, a.failed);
}

TEST_F(ProbeFolder, CountsByCommonOutcomeMatchTheReport) {
  ProbeOptions opts;
  opts.threads = 3;
  const ProbeReport r = probe_paths(paths_, opts);
  const OutcomeCounts n = outcome_counts(r);
  EXPECT_EQ(n[Outcome::kUpToDate], r.read);
  EXPECT_EQ(n[Outcome::kSkipped], r.skipped);
  EXPECT_EQ(n[Outcome::kFailed], r.failed);
  EXPECT_EQ(n[Outcome::kMade], 0u);
  EXPECT_EQ(n[Outcome::kCopied], 0u);
  EXPECT_EQ(n.total(), r.entries.size());
}

TEST_F(ProbeFolder, ProgressOnceForEachFileProbedUpToTheTotal) {
  std::mutex m;
  std::vector<std::pair<std::size_t, std::size_t>> calls;
  ProbeOptions opts;
  opts.threads = 4;
  opts.on_progress = [&](std::size_t done, std::size_t total) {
    std::lock_guard lock(m);
    calls.emplace_back(done, total);
  };
  (void)probe_paths(paths_, opts);
  // Probed: the 6 photos, the empty one and the note (the link and the missing path are not).
  ASSERT_EQ(calls.size(), 8u);
  std::vector<bool> seen(9, false);
  for (const auto& [done, total] : calls) {
    EXPECT_EQ(total, 8u);
    ASSERT_GE(done, 1u);
    ASSERT_LE(done, 8u);
    EXPECT_FALSE(seen[done]) << done;
    seen[done] = true;
  }
}

}  // namespace
}  // namespace saluran
