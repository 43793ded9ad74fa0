// FolderEvents against a real temporary folder: the kernel's events as FolderEvent values.

#include "pipeline/run/folder_events.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>

#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {
namespace fs = std::filesystem;
using Kind = FolderEvent::Kind;

// Events until `count` came or a second passed.
std::vector<FolderEvent> collect(FolderEvents& events, std::size_t count) {
  std::vector<FolderEvent> all;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  while (all.size() < count && std::chrono::steady_clock::now() < until) {
    for (FolderEvent& e : events.wait(50)) all.push_back(std::move(e));
  }
  return all;
}

bool has(const std::vector<FolderEvent>& all, Kind kind, const fs::path& path) {
  for (const FolderEvent& e : all)
    if (e.kind == kind && e.path == path) return true;
  return false;
}

TEST(FolderEvents, NewFoldersInTheTopAndFilesWrittenAndClosedInATree) {
  test::TempDir dir("folder-events");
  auto events = FolderEvents::open();
  ASSERT_TRUE(events) << events.error().to_string();
  ASSERT_TRUE(events->watch_top(dir.path()));
  fs::create_directory(dir.path() / "Liputan");
  auto got = collect(*events, 1);
  ASSERT_TRUE(has(got, Kind::kCreated, dir.path() / "Liputan"));
  EXPECT_TRUE(got.front().is_dir);

  ASSERT_TRUE(events->watch_tree(dir.path() / "Liputan"));
  {
    std::ofstream f(dir / "Liputan/a.jpg");
    f << "half" << std::flush;
    got = collect(*events, 2);
    EXPECT_TRUE(has(got, Kind::kCreated, dir.path() / "Liputan/a.jpg"));
    EXPECT_TRUE(has(got, Kind::kWritten, dir.path() / "Liputan/a.jpg"));
    EXPECT_FALSE(has(got, Kind::kClosed, dir.path() / "Liputan/a.jpg"));
  }
  got = collect(*events, 1);
  EXPECT_TRUE(has(got, Kind::kClosed, dir.path() / "Liputan/a.jpg"));

  // A folder made inside the tree is watched from then on.
  fs::create_directories(dir.path() / "Liputan/DCIM");
  collect(*events, 1);
  std::ofstream(dir / "Liputan/DCIM/b.jpg") << "x";
  got = collect(*events, 3);
  EXPECT_TRUE(has(got, Kind::kClosed, dir.path() / "Liputan/DCIM/b.jpg"));
  EXPECT_EQ(events->watch_count(), 3u);

  fs::remove(dir.path() / "Liputan/DCIM/b.jpg");
  EXPECT_TRUE(has(collect(*events, 1), Kind::kRemoved, dir.path() / "Liputan/DCIM/b.jpg"));
  fs::rename(dir.path() / "Liputan", dir.path() / ".away");
  got = collect(*events, 1);
  EXPECT_TRUE(has(got, Kind::kRemoved, dir.path() / "Liputan"));
  events->unwatch_tree(dir.path() / "Liputan");
  EXPECT_EQ(events->watch_count(), 1u);
}

TEST(FolderEvents, TheWatchedFolderRemovedIsGone) {
  test::TempDir dir("folder-events-gone");
  fs::create_directory(dir.path() / "inbox");
  auto events = FolderEvents::open();
  ASSERT_TRUE(events);
  ASSERT_TRUE(events->watch_top(dir.path() / "inbox"));
  fs::remove(dir.path() / "inbox");
  EXPECT_TRUE(has(collect(*events, 1), Kind::kGone, dir.path() / "inbox"));
  EXPECT_EQ(events->watch_top(dir.path() / "missing").error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace saluran
