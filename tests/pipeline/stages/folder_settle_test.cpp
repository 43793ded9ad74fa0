// FolderSettling without files or waiting: snapshots and events at given times.

#include "pipeline/stages/folder_settle.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {

FolderSnapshot snap(std::initializer_list<std::pair<const std::string, FileStat>> files) {
  return FolderSnapshot(files);
}

TEST(FolderSettling, ReadyOnlyAfterTheSettleTimeWithNothingChanged) {
  FolderSettling s(5);
  const auto a = snap({{"DCIM/C0001.MP4", {100, 1}}});
  EXPECT_FALSE(s.observe(a, 10).ready);  // first sight starts the settle time
  const Readiness mid = s.observe(a, 14.5);
  EXPECT_FALSE(mid.ready);
  EXPECT_EQ(mid.wait, Readiness::Wait::kSettling);
  EXPECT_EQ(mid.file, "DCIM/C0001.MP4");
  EXPECT_NEAR(mid.seconds, 0.5, 1e-9);
  EXPECT_TRUE(s.observe(a, 15).ready);
}

TEST(FolderSettling, AGrowingFileKeepsTheFolderWaiting) {
  FolderSettling s(2);
  std::uint64_t size = 100;
  for (double t = 0; t < 10; t += 1) {
    size += 1000;  // appended to every second, closed in between
    const Readiness r = s.observe(snap({{"a.jpg", {50, 1}}, {"b.mp4", {size, 2}}}), t);
    EXPECT_FALSE(r.ready) << t;
    if (t > 0) {
      EXPECT_EQ(r.file, "b.mp4");
    }
  }
  const auto final = snap({{"a.jpg", {50, 1}}, {"b.mp4", {size, 2}}});
  EXPECT_FALSE(s.observe(final, 10.5).ready);
  EXPECT_TRUE(s.observe(final, 11.5).ready);  // over 2 s after the last change at t = 9
}

TEST(FolderSettling, ATimeChangeAloneRestartsTheSettleTime) {
  FolderSettling s(1);
  EXPECT_FALSE(s.observe(snap({{"a.wav", {10, 1}}}), 0).ready);
  EXPECT_FALSE(s.observe(snap({{"a.wav", {10, 2}}}), 0.9).ready);  // cp -p sets the time last
  EXPECT_FALSE(s.observe(snap({{"a.wav", {10, 2}}}), 1.5).ready);
  EXPECT_TRUE(s.observe(snap({{"a.wav", {10, 2}}}), 2.0).ready);
}

TEST(FolderSettling, AFileOpenForWritingWaitsWhateverTheTime) {
  FolderSettling s(1);
  const auto a = snap({{"C0002.MP4", {4096, 7}}});
  s.on_written("C0002.MP4");
  s.observe(a, 0);
  const Readiness r = s.observe(a, 100);  // a writer that stalls keeps it open
  EXPECT_FALSE(r.ready);
  EXPECT_EQ(r.wait, Readiness::Wait::kWriting);
  EXPECT_EQ(r.message, "C0002.MP4 is still being written");
  s.on_closed("C0002.MP4");
  s.on_changed("C0002.MP4", 100);
  EXPECT_FALSE(s.observe(a, 100.5).ready);
  EXPECT_TRUE(s.observe(a, 101).ready);
}

TEST(FolderSettling, RemovedOrLostFilesAreNotWaitedFor) {
  FolderSettling s(0);
  const auto a = snap({{"x.jpg", {1, 1}}});
  s.on_written("sub/part.tmp");
  s.on_written("y.jpg");
  s.observe(a, 0);
  EXPECT_EQ(s.observe(a, 1).message, "sub/part.tmp is still being written (and 1 more)");
  s.on_removed("sub");  // the folder holding it went, and the file with it
  EXPECT_EQ(s.observe(a, 2).file, "y.jpg");
  s.forget_open_files();  // events lost: sizes and times decide
  EXPECT_TRUE(s.observe(a, 3).ready);
}

TEST(FolderSettling, AnEmptyFolderIsNeverReady) {
  FolderSettling s(0);
  EXPECT_EQ(s.observe({}, 0).wait, Readiness::Wait::kEmpty);
  EXPECT_EQ(s.observe({}, 60).wait, Readiness::Wait::kEmpty);
}

TEST(FolderSnapshot, ListsFilesBelowWithSizesAndTheFingerprintFollowsThem) {
  test::TempDir dir("folder-settle");
  std::filesystem::create_directories(dir.path() / "DCIM" / "100MSDCF");
  std::ofstream(dir / "DCIM/100MSDCF/DSC0001.JPG") << "12345";
  std::ofstream(dir / "story.toml") << "x";
  auto s = scan_folder(dir.path());
  ASSERT_TRUE(s) << s.error().to_string();
  ASSERT_EQ(s->size(), 2u);
  EXPECT_EQ(s->at("DCIM/100MSDCF/DSC0001.JPG").size, 5u);
  EXPECT_EQ(snapshot_bytes(*s), 6u);
  const std::string before = snapshot_fingerprint(*s);
  EXPECT_EQ(before.size(), 16u);
  EXPECT_EQ(snapshot_fingerprint(*scan_folder(dir.path())), before);
  std::ofstream(dir / "story.toml", std::ios::app) << "y";
  EXPECT_NE(snapshot_fingerprint(*scan_folder(dir.path())), before);
  EXPECT_EQ(scan_folder(dir.path() / "gone").error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace saluran
