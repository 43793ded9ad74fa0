// `saluran batch` end to end: folders in, each channel's files made and checked, a story
// published once; a rerun makes nothing again; bad folders, bad stories, a full disk, SIGTERM
// and SIGKILL at random moments; two shards on one library equal one process.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>

#include <chrono>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "codecs/file_copy.hpp"
#include "pipeline/stages/batch_record.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/platform_story.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {

namespace fs = std::filesystem;

class CliBatch : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(root() / "card1");
    fs::create_directories(root() / "card2");
    fs::create_directories(root() / "playout");
    test::make_sources(root() / "card1", {.photos = 2, .photo_size = "800x600", .clip_seconds = 2});
    fs::copy_file(test::sample("audio/wawancara.wav"), root() / "card2" / "wawancara.wav");
    const std::string photo =
        fmt::format("ffmpeg -v error -y -f lavfi -i mandelbrot=s=640x480 -frames:v 1 -q:v 3 {}",
                    test::shell_quote((root() / "card2" / "IMG_0101.jpg").string()));
    ASSERT_EQ(test::run_command(photo).exit_code, 0);
    std::ofstream(root() / "card2" / "rusak.jpg") << "not a picture";
    std::ofstream(root() / "channels.toml")
        << "[channels.site]\nkind = \"folder\"\npath = \"site\"\n\n"
           "[channels.radio]\nkind = \"playout\"\npath = \"playout\"\n";
  }
  const fs::path& root() const { return dir_.path(); }
  std::string lib() const { return (root() / "lib").string(); }

  test::CommandResult batch(const std::string& args) const {
    return test::run_command(fmt::format(
        "{} batch {} --library {} --channels-file {} {} 2>&1", test::shell_quote(test::cli_path()),
        args, test::shell_quote(lib()), test::shell_quote((root() / "channels.toml").string()),
        args.find("--name") == std::string::npos ? "--name t" : ""));
  }
  BatchRecord record(const std::string& name = "t") const {
    Result<BatchRecord> r = load_batch(lib(), name);
    EXPECT_TRUE(r) << (r ? "" : r.error().to_string());
    return r ? *r : BatchRecord{};
  }
  // A story of its own for card1, by the content hashes of its files.
  void write_story(const fs::path& folder, const std::string& slug) const {
    std::string media;
    for (const char* f : {"IMG_0001.jpg", "IMG_0002.jpg", "C0001.MP4"}) {
      const std::string role = f[0] == 'C' ? "video" : f[7] == '1' ? "cover" : "gallery";
      media += fmt::format("\n[[media]]\nasset = \"{}\"\nrole = \"{}\"\nalt = \"Foto\"\n",
                           hash_file((folder / f).string()).value(), role);
    }
    std::ofstream(folder / "story.toml")
        << "title = \"Panen raya di Sukamaju\"\nslug = \"" << slug
        << "\"\nsummary = \"Petani memanen padi.\"\nbody = \"Paragraf.\"\n"
           "date = \"2025-03-14\"\nchannels = [\"site\", \"radio\"]\n"
        << media << "\n[[media]]\nasset = \"" << hash_file((folder / "C0001.MP4").string()).value()
        << "\"\nrole = \"radio\"\n";
  }

  test::TempDir dir_{"cli-batch"};
};

std::size_t count_outcome(const BatchRecord& r, const std::string& outcome) {
  std::size_t n = 0;
  for (const FolderRecord& f : r.folders)
    for (const RenditionRecord& x : f.renditions) n += x.outcome == outcome;
  return n;
}

TEST_F(CliBatch, DraftsMakesAndChecksEachFolderThenARerunMakesNothing) {
  const test::CommandResult first =
      batch((root() / "card1").string() + " " + (root() / "card2").string() + " --json");
  EXPECT_EQ(first.exit_code, 1) << first.out;  // rusak.jpg cannot be read; the rest is done
  EXPECT_NE(first.out.find("\"event\":\"result\""), std::string::npos);
  BatchRecord r = record();
  ASSERT_EQ(r.folders.size(), 2u);
  for (const FolderRecord& f : r.folders) {
    EXPECT_TRUE(f.error.empty()) << f.error;
    EXPECT_TRUE(f.draft);
    EXPECT_TRUE(fs::exists(f.story_file)) << f.story_file;
    EXPECT_FALSE(f.renditions.empty()) << f.folder;
    for (const RenditionRecord& x : f.renditions) {
      EXPECT_EQ(x.outcome, "made") << x.file;
      EXPECT_TRUE(x.checked && x.check_ok) << x.file;
      EXPECT_TRUE(fs::exists(x.file)) << x.file;
    }
    EXPECT_GT(f.times.ingest, 0);
    EXPECT_GT(f.times.render, 0);
  }
  EXPECT_EQ(r.folders[0].copied, 3);
  ASSERT_EQ(r.folders[1].rejected, 1);
  EXPECT_NE(r.folders[1].rejections[0].path.find("rusak.jpg"), std::string::npos);
  EXPECT_GT(r.peak_memory_bytes, 0u);
  EXPECT_FALSE(r.finished_at.empty());
  const std::size_t made = count_outcome(r, "made");

  const test::CommandResult again =
      batch((root() / "card1").string() + " " + (root() / "card2").string() + " --name t2");
  EXPECT_EQ(again.exit_code, 1) << again.out;
  const BatchRecord r2 = record("t2");
  EXPECT_EQ(count_outcome(r2, "made"), 0u);
  EXPECT_EQ(count_outcome(r2, "up-to-date"), made);
  EXPECT_EQ(r2.folders[0].copied, 0);
  EXPECT_NE(again.out.find("error: " + (root() / "card2" / "rusak.jpg").string()),
            std::string::npos)
      << again.out;
}

TEST_F(CliBatch, AMissingFolderFailsAloneAndNoUsableFolderExitsThree) {
  const std::string gone = (root() / "dicabut").string();
  const test::CommandResult r = batch(gone + " " + (root() / "card1").string());
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find(gone + ": the folder is gone"), std::string::npos) << r.out;
  const BatchRecord rec = record();
  ASSERT_EQ(rec.folders.size(), 2u);
  EXPECT_FALSE(rec.folders[0].error.empty());
  EXPECT_FALSE(rec.folders[1].renditions.empty());
  EXPECT_EQ(batch(gone + " --name t3").exit_code, 3);
}

TEST_F(CliBatch, ACardPulledOutDuringTheBatchFailsAloneWithAClearLine) {
  const fs::path card2 = root() / "card2";
  const pid_t pid =
      test::spawn_cli({"batch", (root() / "card1").string(), card2.string(), "--library", lib(),
                       "--channels-file", (root() / "channels.toml").string(), "--name", "pulled"});
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // card1 is being ingested
  fs::rename(card2, root() / "elsewhere");
  EXPECT_EQ(test::wait_exit(pid), 1);
  const BatchRecord rec = record("pulled");
  ASSERT_EQ(rec.folders.size(), 2u);
  EXPECT_TRUE(rec.folders[0].error.empty()) << rec.folders[0].error;
  EXPECT_FALSE(rec.folders[0].renditions.empty());
  EXPECT_NE(rec.folders[1].error.find("the folder is gone"), std::string::npos)
      << rec.folders[1].error;
}

// A library on a 6 MB disk: the folder that does not fit fails with "no space", the next one
// (small) is done.
TEST_F(CliBatch, AFullDiskFailsTheFolderThatDoesNotFitAndTheNextGoesOn) {
  const fs::path disk = root() / "disk";
  fs::create_directories(disk);
  if (::mount("tmpfs", disk.c_str(), "tmpfs", 0, "size=6m") != 0)
    GTEST_SKIP() << "cannot mount a tmpfs here (needs root)";
  fs::create_directories(root() / "big");
  const std::string noise =
      fmt::format("ffmpeg -v error -y -f lavfi -i anoisesrc=d=40:r=48000 -ac 2 {}",
                  test::shell_quote((root() / "big" / "rekaman.wav").string()));
  ASSERT_EQ(test::run_command(noise).exit_code, 0);
  const test::CommandResult r = test::run_command(fmt::format(
      "{} batch {} {} --library {} --channels-file {} --name full 2>&1",
      test::shell_quote(test::cli_path()), (root() / "big").string(), (root() / "card2").string(),
      (disk / "lib").string(), test::shell_quote((root() / "channels.toml").string())));
  Result<BatchRecord> rec = load_batch((disk / "lib").string(), "full");
  ::umount2(disk.c_str(), MNT_DETACH);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  ASSERT_TRUE(rec) << r.out;
  ASSERT_EQ(rec->folders.size(), 2u);
  EXPECT_NE(rec->folders[0].error.find("space"), std::string::npos) << rec->folders[0].error;
  EXPECT_TRUE(rec->folders[1].error.empty()) << rec->folders[1].error;
  EXPECT_FALSE(rec->folders[1].renditions.empty());
}

TEST_F(CliBatch, AStoryWithAnErrorFailsItsFolderAndTheOthersGoOn) {
  std::ofstream(root() / "card1" / "story.toml") << "title = \"x\"\nslug = \n";
  const test::CommandResult r =
      batch((root() / "card1").string() + " " + (root() / "card2").string());
  EXPECT_EQ(r.exit_code, 1);
  const BatchRecord rec = record();
  EXPECT_NE(rec.folders[0].error.find("story.toml"), std::string::npos) << rec.folders[0].error;
  EXPECT_NE(r.out.find("story.toml"), std::string::npos) << r.out;
  EXPECT_FALSE(rec.folders[1].renditions.empty());
}

TEST_F(CliBatch, PublishesAFolderStoryOnceAndNeverADraft) {
  write_story(root() / "card1", "panen-raya");
  const std::string folders = (root() / "card1").string() + " " + (root() / "card2").string();
  const test::CommandResult r = batch(folders + " --publish");
  const BatchRecord rec = record();
  ASSERT_EQ(rec.folders.size(), 2u);
  const FolderRecord& own = rec.folders[0];
  EXPECT_FALSE(own.draft);
  EXPECT_TRUE(own.publisher);
  ASSERT_EQ(own.posts.size(), 2u) << r.out;
  for (const PostRecord& p : own.posts) EXPECT_EQ(p.state, "published") << p.channel << p.error;
  EXPECT_TRUE(fs::exists(root() / "site" / "stories" / "panen-raya.html"));
  EXPECT_TRUE(rec.folders[1].posts.empty());  // a draft
  EXPECT_NE(r.out.find("not published: the story was drafted"), std::string::npos) << r.out;

  batch(folders + " --publish --name again");
  for (const PostRecord& p : record("again").folders[0].posts)
    EXPECT_EQ(p.state, "up-to-date") << p.channel;
  std::size_t clips = 0;
  for (const auto& e : fs::directory_iterator(root() / "playout")) clips += e.is_regular_file();
  EXPECT_EQ(clips, 1u);
}

TEST_F(CliBatch, SigtermStopsCleanlyAndARerunFinishes) {
  const std::string out = (root() / "out").string();
  const pid_t pid =
      test::spawn_cli({"batch", (root() / "card1").string(), "--library", lib(), "--channels-file",
                       (root() / "channels.toml").string(), "-o", out, "--name", "term"});
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  ::kill(pid, SIGTERM);
  const int code = test::wait_exit(pid);
  EXPECT_TRUE(code == 143 || code == 1 || code == 0) << code;  // 0/1: it finished first
  for (const auto& e : fs::recursive_directory_iterator(out))
    EXPECT_EQ(e.path().filename().string().find(".part"), std::string::npos) << e.path();
  const test::CommandResult again = batch((root() / "card1").string() + " -o " + out);
  EXPECT_EQ(again.exit_code, 0) << again.out;
}

TEST_F(CliBatch, KilledAtRandomMomentsThenFinishedWithOnePostAndEachFileOnce) {
  write_story(root() / "card1", "panen-kill");
  std::mt19937 rng(20261207);
  std::uniform_int_distribution<int> delay_ms(100, 2500);
  const std::vector<std::string> args = {"batch",
                                         (root() / "card1").string(),
                                         "--library",
                                         lib(),
                                         "--channels-file",
                                         (root() / "channels.toml").string(),
                                         "--publish",
                                         "--name",
                                         "kill"};
  for (int i = 0; i < 5; ++i) {
    const pid_t pid = test::spawn_cli(args);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
    ::kill(pid, SIGKILL);
    test::wait_exit(pid);
  }
  const pid_t last = test::spawn_cli(args);
  EXPECT_EQ(test::wait_exit(last), 0);
  const BatchRecord rec = record("kill");
  ASSERT_EQ(rec.folders.size(), 1u);
  for (const PostRecord& p : rec.folders[0].posts)
    EXPECT_TRUE(p.state == "published" || p.state == "up-to-date" || p.state == "updated")
        << p.channel << " " << p.state << " " << p.error;
  std::size_t clips = 0, pages = 0;
  for (const auto& e : fs::directory_iterator(root() / "playout")) clips += e.is_regular_file();
  for (const auto& e : fs::directory_iterator(root() / "site" / "stories"))
    pages += e.path().extension() == ".html";
  EXPECT_EQ(clips, 1u);
  EXPECT_EQ(pages, 1u);
  std::set<std::string> files;
  for (const RenditionRecord& x : rec.folders[0].renditions) {
    EXPECT_NE(x.outcome, "failed") << x.file << x.error;
    files.insert(fs::path(x.file).filename().string());
  }
  for (const auto& e : fs::recursive_directory_iterator(lib() + "/batch")) {
    const std::string name = e.path().filename().string();
    EXPECT_EQ(name.find(".part"), std::string::npos) << e.path();
  }
}

TEST_F(CliBatch, TwoShardsShareOneLibraryAndMatchOneProcess) {
  const std::string folders = (root() / "card1").string() + " " + (root() / "card2").string();
  const std::string common =
      fmt::format("{} batch {} --library {} --channels-file {} -o {} --name shards -q",
                  test::shell_quote(test::cli_path()), folders, test::shell_quote(lib()),
                  test::shell_quote((root() / "channels.toml").string()),
                  test::shell_quote((root() / "out").string()));
  const test::CommandResult both =
      test::run_command(common + " --shard 0/2 & " + common + " --shard 1/2; wait");
  (void)both;
  const BatchRecord merged = record("shards");
  EXPECT_EQ(merged.shards, 2);
  ASSERT_EQ(merged.folders.size(), 2u);
  std::size_t made = 0;
  std::set<std::string> files;
  for (const FolderRecord& f : merged.folders) {
    EXPECT_TRUE(f.error.empty()) << f.error;
    for (const RenditionRecord& x : f.renditions) {
      made += x.outcome == "made";
      EXPECT_TRUE(x.checked && x.check_ok) << x.file;
      files.insert(x.file);
    }
  }
  EXPECT_EQ(made, files.size());  // each made once, by one shard

  const test::CommandResult one = test::run_command(fmt::format(
      "{} batch {} --library {} --channels-file {} --name single -q",
      test::shell_quote(test::cli_path()), folders, test::shell_quote((root() / "lib1").string()),
      test::shell_quote((root() / "channels.toml").string())));
  Result<BatchRecord> single = load_batch((root() / "lib1").string(), "single");
  ASSERT_TRUE(single);
  std::set<std::string> names_single, names_shards;
  for (const FolderRecord& f : single->folders)
    for (const RenditionRecord& x : f.renditions)
      names_single.insert(fs::path(x.file).filename().string());
  for (const std::string& f : files) names_shards.insert(fs::path(f).filename().string());
  EXPECT_EQ(names_single, names_shards);
}

}  // namespace
}  // namespace saluran
