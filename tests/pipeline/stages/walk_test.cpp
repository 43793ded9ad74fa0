// Walking source trees: recursion in sorted order, symbolic links listed as skipped and never
// followed, files named directly, missing paths, unlistable folders, and sidecar pairing.

#include "pipeline/stages/walk.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/media_tree.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {

namespace fs = std::filesystem;
using test::TempDir;
using test::write_text;

std::vector<std::string> paths_of(const std::vector<WalkEntry>& entries) {
  std::vector<std::string> out;
  for (const WalkEntry& e : entries) out.push_back(e.path);
  return out;
}

TEST(Walk, RecursesIntoFoldersInSortedOrder) {
  TempDir dir("walk");
  write_text(dir / "b.jpg", "b");
  write_text(dir / "a/z.mp4", "z");
  write_text(dir / "a/deeper/x.jpg", "x");
  write_text(dir / "a/c.jpg", "c");
  fs::create_directories(dir.path() / "empty");
  const std::vector<WalkEntry> entries = walk_paths({dir.path().string()});
  EXPECT_EQ(paths_of(entries), (std::vector<std::string>{dir / "a/c.jpg", dir / "a/deeper/x.jpg",
                                                         dir / "a/z.mp4", dir / "b.jpg"}));
  for (const WalkEntry& e : entries) {
    EXPECT_FALSE(e.explicit_file) << e.path;
    EXPECT_TRUE(e.skipped.empty()) << e.path;
    EXPECT_FALSE(e.error) << e.path;
  }
}

TEST(Walk, SymbolicLinksAreListedAsSkippedAndNotFollowed) {
  TempDir dir("walk");
  TempDir outside("walk-outside");
  write_text(outside / "secret.jpg", "s");
  write_text(dir / "real.jpg", "r");
  fs::create_directory_symlink(outside.path(), dir.path() / "link-dir");
  fs::create_symlink(dir / "real.jpg", dir.path() / "link-file.jpg");
  fs::create_symlink(dir / "nowhere.jpg", dir.path() / "dangling.jpg");
  const std::vector<WalkEntry> entries = walk_paths({dir.path().string()});
  ASSERT_EQ(paths_of(entries), (std::vector<std::string>{dir / "dangling.jpg", dir / "link-dir",
                                                         dir / "link-file.jpg", dir / "real.jpg"}));
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(entries[i].skipped, "symbolic link (not followed)") << entries[i].path;
    EXPECT_FALSE(entries[i].error) << entries[i].path;
  }
  EXPECT_TRUE(entries[3].skipped.empty());
  // Nothing of the folder the link points to was listed.
  for (const WalkEntry& e : entries) EXPECT_EQ(e.path.find("secret"), std::string::npos);
}

TEST(Walk, FilesNamedDirectlyAreExplicitAndTakenAsGiven) {
  TempDir dir("walk");
  write_text(dir / "notes.txt", "n");
  write_text(dir / "folder/a.jpg", "a");
  fs::create_symlink(dir / "notes.txt", dir.path() / "named-link.txt");
  const std::vector<WalkEntry> entries =
      walk_paths({dir / "notes.txt", dir / "folder", dir / "named-link.txt"});
  ASSERT_EQ(paths_of(entries), (std::vector<std::string>{dir / "notes.txt", dir / "folder/a.jpg",
                                                         dir / "named-link.txt"}));
  EXPECT_TRUE(entries[0].explicit_file);
  EXPECT_FALSE(entries[1].explicit_file);
  // A link named by the caller is the caller's choice: taken, not skipped.
  EXPECT_TRUE(entries[2].explicit_file);
  EXPECT_TRUE(entries[2].skipped.empty());
}

TEST(Walk, MissingPathIsAnErrorAndTheOthersGoOn) {
  TempDir dir("walk");
  write_text(dir / "a.jpg", "a");
  const std::vector<WalkEntry> entries = walk_paths({dir / "gone", dir / "a.jpg"});
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].path, dir / "gone");
  EXPECT_TRUE(entries[0].explicit_file);
  ASSERT_TRUE(entries[0].error);
  EXPECT_EQ(entries[0].error->code, ErrorCode::kNotFound);
  EXPECT_EQ(entries[0].error->context.file, dir / "gone");
  EXPECT_FALSE(entries[1].error);
}

TEST(Walk, UnlistableFolderIsAPermissionError) {
  if (geteuid() == 0) GTEST_SKIP() << "root may list any folder";
  TempDir dir("walk");
  write_text(dir / "locked/a.jpg", "a");
  write_text(dir / "open/b.jpg", "b");
  fs::permissions(dir.path() / "locked", fs::perms::none);
  const std::vector<WalkEntry> entries = walk_paths({dir.path().string()});
  fs::permissions(dir.path() / "locked", fs::perms::owner_all);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].path, dir / "locked");
  ASSERT_TRUE(entries[0].error);
  EXPECT_EQ(entries[0].error->code, ErrorCode::kPermission);
  EXPECT_EQ(entries[1].path, dir / "open/b.jpg");
}

TEST(Walk, NothingToWalkIsNothing) { EXPECT_TRUE(walk_paths({}).empty()); }

TEST(PairByStem, SidecarGoesWithTheMainFileOfTheSameFolderAndStem) {
  const std::vector<std::string> paths = {"/card/DJI/DJI_0001.MP4", "/card/DJI/DJI_0001.SRT",
                                          "/card/DJI/DJI_0002.SRT", "/card/other/DJI_0001.SRT",
                                          "/card/DJI/DJI_0003.MP4"};
  auto is_main = [&](std::size_t i) { return lower_extension(paths[i]) == ".mp4"; };
  auto is_sidecar = [&](std::size_t i) { return lower_extension(paths[i]) == ".srt"; };
  const auto pairs = pair_by_stem(paths, is_main, is_sidecar);
  // DJI_0002.SRT has no video; the SRT in another folder is not DJI_0001.MP4's.
  EXPECT_EQ(pairs, (std::map<std::size_t, std::size_t>{{1, 0}}));
}

TEST(PairByStem, FirstMainFileWinsAStem) {
  const std::vector<std::string> paths = {"/c/IMG_1.JPG", "/c/IMG_1.HEIC", "/c/IMG_1.XMP"};
  const auto pairs = pair_by_stem(
      paths, [&](std::size_t i) { return i < 2; }, [&](std::size_t i) { return i == 2; });
  EXPECT_EQ(pairs, (std::map<std::size_t, std::size_t>{{2, 0}}));
}

TEST(PairByStem, OnlyIndexesThePredicatesAccept) {
  const std::vector<std::string> paths = {"/c/A.MP4", "/c/A.SRT"};
  EXPECT_TRUE(pair_by_stem(
                  paths, [](std::size_t) { return false; }, [](std::size_t i) { return i == 1; })
                  .empty());
  EXPECT_TRUE(pair_by_stem(
                  paths, [](std::size_t i) { return i == 0; }, [](std::size_t) { return false; })
                  .empty());
}

TEST(LowerExtension, LowerCaseWithItsDot) {
  EXPECT_EQ(lower_extension("/card/DJI_0001.MP4"), ".mp4");
  EXPECT_EQ(lower_extension("IMG.Heic"), ".heic");
  EXPECT_EQ(lower_extension("archive.tar.GZ"), ".gz");
  EXPECT_EQ(lower_extension("/card/README"), "");
  EXPECT_EQ(lower_extension("/card/.hidden"), "");
}

}  // namespace
}  // namespace saluran
