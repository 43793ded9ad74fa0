// The playout drop folder: the clip arrives whole (temporary name, then rename), is found again
// by name and content hash, verify compares hashes, and a full or missing folder gives one
// clear line naming the channel and what to do.

#include "connectors/playout.hpp"

#include <gtest/gtest.h>
#include <sys/mount.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "codecs/file_copy.hpp"
#include "connectors/registry.hpp"
#include "pipeline/model/enum_names.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {

namespace fs = std::filesystem;

void write_random(const fs::path& file, std::size_t bytes, unsigned seed) {
  std::mt19937 gen(seed);
  std::string data(bytes, '\0');
  for (char& c : data) c = static_cast<char>(gen());
  std::ofstream(file, std::ios::binary) << data;
}

class Playout : public ::testing::Test {
 protected:
  Playout() {
    fs::create_directories(drop());
    channel_.name = "radio";
    channel_.kind = ChannelKind::kPlayout;
    channel_.path = drop();
    plan_.channel = channel_;
    PlannedMedia clip;
    clip.role = MediaRole::kRadio;
    clip.kind = "audio";
    clip.preset = "radio-clip";
    clip.file = dir_.path() / "renditions" / "clip.mp3";
    clip.upload_name = "jembatan-ab12cd34-radio-clip.mp3";
    fs::create_directories(clip.file.parent_path());
    write_random(clip.file, 300'000, 1);
    plan_.media.push_back(clip);
  }
  fs::path drop() const { return dir_.path() / "playout"; }
  std::unique_ptr<Connector> connector() const {
    auto c = make_connector(channel_, {});
    EXPECT_TRUE(c.ok());
    return std::move(*c);
  }

  test::TempDir dir_{"playout"};
  ChannelConfig channel_;
  ChannelPlan plan_;
};

TEST_F(Playout, CopiesTheClipWholeAndFindsItAgain) {
  auto c = connector();
  ASSERT_TRUE(c->test().ok());
  const PlannedMedia& clip = plan_.media[0];
  auto before = c->find_media(clip);
  ASSERT_TRUE(before.ok());
  EXPECT_FALSE(before->has_value());
  auto post_before = c->find_post(plan_, "jembatan");
  ASSERT_TRUE(post_before.ok());
  EXPECT_FALSE(post_before->has_value());

  std::uint64_t last = 0;
  auto progress_connector = make_connector(
      channel_, ConnectorContext{{}, nullptr, [&](std::uint64_t sent, std::uint64_t total) {
                                   EXPECT_EQ(total, 300'000u);
                                   last = sent;
                                 }});
  auto item = (*progress_connector)->upload_media(plan_, clip);
  ASSERT_TRUE(item.ok()) << item.error().to_string();
  EXPECT_EQ(last, 300'000u);
  EXPECT_EQ(item->name, clip.upload_name);
  EXPECT_EQ(item->url, (drop() / clip.upload_name).string());
  EXPECT_EQ(*hash_file(item->url), *hash_file(clip.file.string()));
  EXPECT_NE(item->detail.find(*hash_file(clip.file.string())), std::string::npos);
  // Only the finished file is in the folder: no temporary name left behind.
  int entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(drop())) ++entries;
  EXPECT_EQ(entries, 1);

  auto again = c->find_media(clip);
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE(again->has_value());
  EXPECT_EQ((*again)->url, item->url);
  auto none = c->find_post(plan_, "jembatan");  // a folder has no post to find
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  auto post = c->put_post(plan_, "jembatan", {*item}, std::nullopt);
  ASSERT_TRUE(post.ok());
  EXPECT_EQ(post->url, drop().string());
  auto findings = c->verify(plan_, *post, {*item});
  ASSERT_TRUE(findings.ok());
  EXPECT_TRUE(findings->empty());
}

TEST_F(Playout, VerifyFindsAMissingOrChangedFile) {
  auto c = connector();
  auto item = c->upload_media(plan_, plan_.media[0]);
  ASSERT_TRUE(item.ok());
  auto post = c->put_post(plan_, "jembatan", {*item}, std::nullopt);
  ASSERT_TRUE(post.ok());
  write_random(item->url, 300'000, 2);  // same size, other content
  auto changed = c->verify(plan_, *post, {*item});
  ASSERT_TRUE(changed.ok());
  ASSERT_EQ(changed->size(), 1u);
  EXPECT_EQ((*changed)[0].what, item->url);
  EXPECT_NE((*changed)[0].expected, (*changed)[0].found);
  auto found = c->find_media(plan_.media[0]);
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value()) << "a file with other content is not the clip";
  // Uploading again replaces it.
  ASSERT_TRUE(c->upload_media(plan_, plan_.media[0]).ok());
  EXPECT_TRUE(c->verify(plan_, *post, {*item})->empty());
  fs::remove(item->url);
  auto missing = c->verify(plan_, *post, {*item});
  ASSERT_EQ(missing->size(), 1u);
  EXPECT_EQ((*missing)[0].found, "no such file");
}

TEST_F(Playout, MissingFolderSaysWhatToDo) {
  channel_.path = dir_.path() / "not-mounted";
  auto c = connector();
  const Status st = c->test();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("channel radio"), std::string::npos) << st.error().message;
  EXPECT_NE(st.error().message.find("mount the share"), std::string::npos) << st.error().message;
  auto up = c->upload_media(plan_, plan_.media[0]);
  ASSERT_FALSE(up.ok());
  EXPECT_EQ(up.error().context.channel, "radio");
  EXPECT_FALSE(fs::exists(channel_.path)) << "the station's folder is not made up";
}

/// A small tmpfs mounted for the test's lifetime (needs root).
class SmallDisk {
 public:
  SmallDisk(const fs::path& at, const char* options) : at_(at) {
    fs::create_directories(at_);
    mounted_ = ::mount("tmpfs", at_.c_str(), "tmpfs", 0, options) == 0;
  }
  SmallDisk(const SmallDisk&) = delete;
  SmallDisk& operator=(const SmallDisk&) = delete;
  ~SmallDisk() {
    if (mounted_) ::umount2(at_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }

 private:
  fs::path at_;
  bool mounted_ = false;
};

TEST_F(Playout, FullShareGivesOneClearLine) {
  SmallDisk disk(drop(), "size=256k");
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here (needs root)";
  auto c = connector();
  ASSERT_TRUE(c->test().ok());
  auto up = c->upload_media(plan_, plan_.media[0]);  // 300 kB into 256 kB
  ASSERT_FALSE(up.ok());
  const std::string line = up.error().message;
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_NE(line.find("channel radio"), std::string::npos) << line;
  EXPECT_NE(line.find("is full"), std::string::npos) << line;
  EXPECT_NE(line.find("free space there"), std::string::npos) << line;
  EXPECT_EQ(up.error().context.channel, "radio");
  EXPECT_TRUE(fs::is_empty(drop())) << "no partial file is left";
}

TEST_F(Playout, ReadOnlyShareIsReportedByTest) {
  SmallDisk disk(drop(), "size=1m");
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here (needs root)";
  ASSERT_EQ(::mount("tmpfs", drop().c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY, "size=1m"), 0);
  const Status st = connector()->test();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("channel radio: cannot write into the playout folder"),
            std::string::npos)
      << st.error().message;
}

TEST(ConnectorRegistry, EveryKindHasAConnector) {
  for (const ChannelKind kind :
       {ChannelKind::kWordPress, ChannelKind::kIcecast, ChannelKind::kPlayout, ChannelKind::kFolder,
        ChannelKind::kYouTube, ChannelKind::kFacebook, ChannelKind::kInstagram, ChannelKind::kX}) {
    ChannelConfig c;
    c.name = "channel";
    c.kind = kind;
    c.url = "http://127.0.0.1:9/";
    c.path = "/tmp/site";
    c.account = "1";
    c.client_id = "id";
    auto made = make_connector(c, {});
    EXPECT_TRUE(made.ok()) << channel_kind_name(kind) << ": " << made.error().to_string();
  }
}

}  // namespace
}  // namespace saluran
