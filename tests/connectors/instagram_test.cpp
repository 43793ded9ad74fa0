// The Instagram connector against FakeInstagram (tests/fakes/instagram_fake): containers made
// from public addresses the fake really fetches, polled to FINISHED, carousels, media_publish
// after the publishing limit, the read-back, and every injected failure of issue 14.

#include "connectors/instagram.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "tests/fakes/instagram_fake.hpp"
#include "tests/support/fault_proxy.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {

using namespace std::chrono_literals;
using test::FakeFailure;
using test::FakeInstagram;

// The kept state of one channel, in memory (the catalog in real runs).
class MemoryState final : public ConnectorState {
 public:
  std::string load(const std::string& key) override {
    const auto it = values_.find(key);
    return it == values_.end() ? "" : it->second;
  }
  void save(const std::string& key, const std::string& value) override {
    if (value.empty()) {
      values_.erase(key);
    } else {
      values_[key] = value;
    }
  }
  std::map<std::string, std::string> values_;
};

// Small media made once for the suite with ffmpeg: JPEGs of several shapes and short reels.
class Media {
 public:
  static const Media& get() {
    static const Media media;
    return media;
  }
  std::filesystem::path photo(const std::string& size) const {
    const std::string path = dir_ / ("photo-" + size + ".jpg");
    if (!std::filesystem::exists(path))
      make("-f lavfi -i testsrc2=size=" + size + " -frames:v 1 -q:v 5", path);
    return path;
  }
  std::filesystem::path video(int seconds, const std::string& size = "320x568") const {
    const std::string path = dir_ / ("clip-" + std::to_string(seconds) + "-" + size + ".mp4");
    if (!std::filesystem::exists(path))
      make("-f lavfi -i testsrc2=size=" + size + ":rate=30 -f lavfi -i sine -t " +
               std::to_string(seconds) +
               " -c:v libx264 -preset ultrafast -b:v 2M -c:a aac -movflags +faststart",
           path);
    return path;
  }

 private:
  static void make(const std::string& args, const std::string& out) {
    const auto r = test::run_command("ffmpeg -nostdin -v error -y " + args + " " +
                                     test::shell_quote(out) + " 2>&1");
    if (r.exit_code != 0) throw std::runtime_error("ffmpeg failed: " + r.out);
  }
  test::TempDir dir_{"saluran-ig-media"};
};

// One channel pointed at the fake, its kept state, and connectors made on demand.
class InstagramTest : public ::testing::Test {
 protected:
  InstagramTest() {
    channel_.name = "instagram";
    channel_.kind = ChannelKind::kInstagram;
    channel_.account = FakeInstagram::kAccount;
    channel_.url = ig_.url();
  }

  std::unique_ptr<InstagramConnector> connector(int max_polls = 5, std::string token = "") {
    ConnectorContext context{.secret = token.empty() ? ig_.token() : token, .client = &client_};
    auto c = std::make_unique<InstagramConnector>(
        channel_, context, InstagramOptions{.poll_interval = 0ms, .max_polls = max_polls});
    c->set_state(&state_);
    return c;
  }

  PlannedMedia media(const std::filesystem::path& file, const std::string& kind) {
    PlannedMedia m;
    m.file = file;
    m.kind = kind;
    m.upload_name = "story-" + std::to_string(++count_) + "-" + file.filename().string();
    m.public_url = ig_.serve_file(m.upload_name, file);
    return m;
  }

  ChannelPlan plan(std::vector<PlannedMedia> files, std::string caption = "") {
    ChannelPlan p;
    p.channel = channel_;
    p.text.caption = caption.empty() ? "Jembatan baru dibuka #kabupaten #infrastruktur" : caption;
    p.media = std::move(files);
    return p;
  }

  // What the publish stage does for one channel (without the ledger): each file found or
  // uploaded, the post found or made.
  Result<RemoteItem> publish(InstagramConnector& c, const ChannelPlan& p,
                             const std::string& slug = "jembatan") {
    std::vector<RemoteItem> items;
    for (const PlannedMedia& m : p.media) {
      Result<std::optional<RemoteItem>> found = c.find_media(m);
      if (!found) return found.error();
      if (*found) {
        items.push_back(**found);
        continue;
      }
      Result<RemoteItem> sent = c.upload_media(p, m);
      if (!sent) return sent.error();
      items.push_back(*sent);
    }
    Result<std::optional<RemoteItem>> existing = c.find_post(p, slug);
    if (!existing) return existing.error();
    return c.put_post(p, slug, items, *existing);
  }

  FakeInstagram ig_;
  http::Client client_{{.retry = {.initial_delay = 1ms, .max_delay = 5ms}}};
  ChannelConfig channel_;
  MemoryState state_;
  int count_ = 0;
};

FakeFailure failure(std::string path, std::string method, int status, std::string body,
                    std::string retry_after = "") {
  FakeFailure f;
  f.path = std::move(path);
  f.method = std::move(method);
  f.status = status;
  f.body = std::move(body);
  f.retry_after = std::move(retry_after);
  return f;
}

std::string account_path(const std::string& tail) {
  return std::string("/") + FakeInstagram::kAccount + tail;
}

TEST_F(InstagramTest, TestChecksTheTokenAndTheAccount) {
  EXPECT_TRUE(connector()->test());
  Status refused = connector(5, "not-the-token")->test();
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kPermission);
  EXPECT_NE(refused.error().message.find("channel instagram"), std::string::npos);
  EXPECT_NE(refused.error().message.find("saluran channels add instagram"), std::string::npos);
}

TEST_F(InstagramTest, PublishesOnePhotoAndReadsItBack) {
  ig_.set_in_progress_polls(2);
  auto c = connector();
  const ChannelPlan p = plan({media(Media::get().photo("1080x1350"), "photo")});
  Result<RemoteItem> post = publish(*c, p);
  ASSERT_TRUE(post) << post.error().message;
  ASSERT_EQ(ig_.posts(), 1);
  const auto made = ig_.published().front();
  EXPECT_EQ(made.id, post->id);
  EXPECT_EQ(made.caption, p.text.caption);
  EXPECT_EQ(made.media_type, "IMAGE");
  EXPECT_EQ(post->url, made.permalink);
  EXPECT_EQ(ig_.containers_created(), 1);
  EXPECT_EQ(ig_.completed_uploads(), 1);
  Result<std::vector<Finding>> findings = c->verify(p, *post, {});
  ASSERT_TRUE(findings) << findings.error().message;
  EXPECT_TRUE(findings->empty());
}

TEST_F(InstagramTest, PublishesACarouselWithItsChildrenInOrder) {
  auto c = connector();
  const ChannelPlan p = plan({media(Media::get().photo("1080x1080"), "photo"),
                              media(Media::get().video(4, "320x320"), "video"),
                              media(Media::get().photo("1080x1350"), "photo")});
  Result<RemoteItem> post = publish(*c, p);
  ASSERT_TRUE(post) << post.error().message;
  ASSERT_EQ(ig_.posts(), 1);
  const auto made = ig_.published().front();
  EXPECT_EQ(made.media_type, "CAROUSEL_ALBUM");
  EXPECT_EQ(made.children_types, (std::vector<std::string>{"IMAGE", "VIDEO", "IMAGE"}));
  EXPECT_EQ(ig_.containers_created(), 4);  // three items and the parent
  Result<std::vector<Finding>> findings = c->verify(p, *post, {});
  ASSERT_TRUE(findings) << findings.error().message;
  EXPECT_TRUE(findings->empty());
}

TEST_F(InstagramTest, AReelStillProcessingIsPendingThenClean) {
  ig_.set_reel_processing_reads(2);  // the read of its permalink after publishing, and verify
  auto c = connector();
  const ChannelPlan p = plan({media(Media::get().video(4), "video")});
  Result<RemoteItem> post = publish(*c, p);
  ASSERT_TRUE(post) << post.error().message;
  EXPECT_EQ(ig_.published().front().product_type, "REELS");
  Result<std::vector<Finding>> first = c->verify(p, *post, {});
  ASSERT_TRUE(first);
  ASSERT_EQ(first->size(), 1u);
  EXPECT_TRUE(first->front().pending);
  Result<std::vector<Finding>> later = c->verify(p, *post, {});
  ASSERT_TRUE(later);
  EXPECT_TRUE(later->empty());
}

TEST_F(InstagramTest, WithoutAPublicAddressItSaysWhatToSet) {
  auto c = connector();
  PlannedMedia m = media(Media::get().photo("1080x1080"), "photo");
  m.public_url.clear();
  Result<RemoteItem> r = c->upload_media(plan({m}), m);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("channel instagram"), std::string::npos);
  EXPECT_NE(r.error().message.find("public_via"), std::string::npos);
  EXPECT_NE(r.error().message.find("public_base_url"), std::string::npos);
  EXPECT_EQ(ig_.requests(), 0);
}

TEST_F(InstagramTest, AContainerEndingInErrorIsReportedAndMadeAgainNextRun) {
  ig_.fail_next_containers(1, "Error: Media upload has failed with error code 2207026");
  const ChannelPlan p = plan({media(Media::get().video(4), "video")});
  Result<RemoteItem> r = publish(*connector(), p);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("channel instagram"), std::string::npos);
  EXPECT_NE(r.error().message.find("2207026"), std::string::npos);
  EXPECT_NE(r.error().message.find("instagram preset"), std::string::npos);
  Result<RemoteItem> again = publish(*connector(), p);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(ig_.containers_created(), 2);
  EXPECT_EQ(ig_.posts(), 1);
}

TEST_F(InstagramTest, A500IsRetriedAndMakesOneContainer) {
  ig_.inject(failure(account_path("/media"), "POST", 500,
                     R"({"error":{"message":"An unknown error occurred","code":1}})"));
  Result<RemoteItem> r =
      publish(*connector(), plan({media(Media::get().photo("1080x1080"), "photo")}));
  ASSERT_TRUE(r) << r.error().message;
  // The prefix also counts /media_publish: two container requests (500, then made).
  EXPECT_EQ(ig_.requests(account_path("/media")) - ig_.requests(account_path("/media_publish")), 2);
  EXPECT_EQ(ig_.containers_created(), 1);
  EXPECT_EQ(ig_.posts(), 1);
}

TEST_F(InstagramTest, RateLimitsWithRetryAfterAreWaitedFor) {
  ig_.inject(failure(account_path("/media"), "POST", 429,
                     R"({"error":{"message":"Too many calls","code":4}})", "1"));
  ig_.inject(failure(account_path("/content_publishing_limit"), "GET", 403,
                     R"({"error":{"message":"Application request limit reached","code":4,)"
                     R"("type":"OAuthException"}})",
                     "1"));
  const auto start = std::chrono::steady_clock::now();
  Result<RemoteItem> r =
      publish(*connector(), plan({media(Media::get().photo("1080x1080"), "photo")}));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_GE(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_EQ(ig_.containers_created(), 1);
  EXPECT_EQ(ig_.posts(), 1);
}

TEST_F(InstagramTest, ARateLimitWithoutRetryAfterSaysToWait) {
  ig_.inject(failure(account_path("/media"), "POST", 403,
                     R"({"error":{"message":"Application request limit reached","code":4}})"));
  Result<RemoteItem> r =
      publish(*connector(), plan({media(Media::get().photo("1080x1080"), "photo")}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kLimitExceeded);
  EXPECT_NE(r.error().message.find("wait an hour"), std::string::npos);
}

TEST_F(InstagramTest, AConnectionCutMidRequestIsRetriedWithoutASecondContainer) {
  test::FaultProxy proxy(ig_.port(),
                         {.fault = test::Fault::kCloseAfter, .times = 1, .close_after_bytes = 60});
  channel_.url = proxy.url();
  Result<RemoteItem> r =
      publish(*connector(), plan({media(Media::get().photo("1080x1080"), "photo")}));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(proxy.faulted(), 1);
  EXPECT_EQ(ig_.containers_created(), 1);
  EXPECT_EQ(ig_.completed_uploads(), 1);
  EXPECT_EQ(ig_.posts(), 1);
}

TEST_F(InstagramTest, AnExpiredTokenMidUploadResumesTheSameContainerWithTheNewOne) {
  ig_.set_in_progress_polls(2);
  const ChannelPlan p = plan({media(Media::get().video(4), "video")});
  ig_.inject(failure("/179", "GET", 400,
                     R"({"error":{"message":"Error validating access token: Session has )"
                     R"(expired","type":"OAuthException","code":190,"error_subcode":463}})"));
  Result<RemoteItem> r = publish(*connector(), p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kPermission);
  EXPECT_NE(r.error().message.find("access token"), std::string::npos);
  EXPECT_NE(r.error().message.find("channel instagram"), std::string::npos);
  ig_.set_token("ig-new-token");
  Result<RemoteItem> again = publish(*connector(5, "ig-new-token"), p);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(ig_.containers_created(), 1);
  EXPECT_EQ(ig_.completed_uploads(), 1);
  EXPECT_EQ(ig_.posts(), 1);
}

TEST_F(InstagramTest, AContainerStillProcessingIsPolledAgainByTheNextRun) {
  ig_.set_in_progress_polls(4);
  const ChannelPlan p = plan({media(Media::get().photo("1080x1080"), "photo")});
  Result<RemoteItem> r = publish(*connector(1), p);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("still processing"), std::string::npos);
  Result<RemoteItem> again = publish(*connector(5), p);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(ig_.containers_created(), 1);
  EXPECT_EQ(ig_.completed_uploads(), 1);
  EXPECT_EQ(ig_.posts(), 1);
}

TEST_F(InstagramTest, ALostPublishAnswerIsFoundNotPublishedAgain) {
  ig_.lose_publish_answers(1);
  const ChannelPlan p = plan({media(Media::get().photo("1080x1080"), "photo")});
  Result<RemoteItem> r = publish(*connector(), p);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(ig_.posts(), 1);
  EXPECT_EQ(r->id, ig_.published().front().id);
  // A rerun (the ledger not told) finds the post and does not publish it again.
  Result<std::optional<RemoteItem>> found = connector()->find_post(p, "jembatan");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((**found).id, r->id);
  EXPECT_EQ(ig_.requests(account_path("/media_publish")), 1);
}

TEST_F(InstagramTest, AKillBetweenPublishAndItsRecordIsReconciled) {
  const ChannelPlan p = plan({media(Media::get().photo("1080x1080"), "photo"),
                              media(Media::get().photo("1080x1350"), "photo")});
  Result<RemoteItem> r = publish(*connector(), p);
  ASSERT_TRUE(r) << r.error().message;
  // As if killed after media_publish went out and before its answer was kept.
  const std::string creation = ig_.published().front().creation_id;
  state_.save("post:jembatan", nlohmann::json{{"creation", creation}}.dump());
  auto c = connector();
  Result<std::optional<RemoteItem>> found = c->find_post(p, "jembatan");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((**found).id, r->id);
  Result<RemoteItem> kept = c->put_post(p, "jembatan", {}, *found);
  ASSERT_TRUE(kept) << kept.error().message;
  EXPECT_EQ(ig_.posts(), 1);
}

TEST_F(InstagramTest, AKillAfterTheParentWasMadePublishesThatParent) {
  const ChannelPlan p = plan({media(Media::get().photo("1080x1080"), "photo"),
                              media(Media::get().photo("1080x1350"), "photo")});
  ig_.refuse_as_duplicate(1);  // stops the first run after the parent was made and kept
  ASSERT_FALSE(publish(*connector(), p));
  EXPECT_EQ(ig_.containers_created(), 3);
  Result<RemoteItem> r = publish(*connector(), p);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(ig_.containers_created(), 3);
  EXPECT_EQ(ig_.completed_uploads(), 2);
  EXPECT_EQ(ig_.posts(), 1);
}

TEST_F(InstagramTest, ADuplicateRefusalSaysWhatToDo) {
  ig_.refuse_as_duplicate(1);
  Result<RemoteItem> r =
      publish(*connector(), plan({media(Media::get().photo("1080x1080"), "photo")}));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("channel instagram"), std::string::npos);
  EXPECT_NE(r.error().message.find("duplicate"), std::string::npos);
  EXPECT_NE(r.error().message.find("change the caption"), std::string::npos);
  EXPECT_EQ(ig_.posts(), 0);
}

TEST_F(InstagramTest, ThePublishingLimitIsCheckedBeforePublishing) {
  ig_.set_publish_limit(1);
  ASSERT_TRUE(
      publish(*connector(), plan({media(Media::get().photo("1080x1080"), "photo")}), "first"));
  Result<RemoteItem> r =
      publish(*connector(),
              plan({media(Media::get().photo("1080x1350"), "photo")}, "Another #story"), "second");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kLimitExceeded);
  EXPECT_NE(r.error().message.find("1 of the 1 posts"), std::string::npos);
  EXPECT_EQ(ig_.requests(account_path("/media_publish")), 1);  // the second was not sent
}

TEST_F(InstagramTest, ExpiredContainersAreMadeAgainBeforePublishing) {
  const ChannelPlan p = plan({media(Media::get().photo("1080x1080"), "photo")});
  auto c = connector();
  Result<RemoteItem> item = c->upload_media(p, p.media.front());
  ASSERT_TRUE(item);
  ig_.expire_containers();  // a day went by before the post
  Result<RemoteItem> post = c->put_post(p, "jembatan", {*item}, std::nullopt);
  ASSERT_TRUE(post) << post.error().message;
  EXPECT_EQ(ig_.containers_created(), 2);
  EXPECT_EQ(ig_.posts(), 1);
}

TEST_F(InstagramTest, InstagramsLimitsReachTheUserAsAdvice) {
  auto c = connector();
  const ChannelPlan wide = plan({media(Media::get().photo("1080x400"), "photo")});
  Result<RemoteItem> r = c->upload_media(wide, wide.media.front());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("aspect ratio"), std::string::npos);
  const ChannelPlan shortclip = plan({media(Media::get().video(2), "video")});
  r = c->upload_media(shortclip, shortclip.media.front());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("2207026"), std::string::npos);
  ChannelPlan many = plan({media(Media::get().photo("1080x1080"), "photo")});
  many.text.caption = "Terlalu banyak tagar:";
  for (int i = 0; i < 31; ++i) many.text.caption += " #t" + std::to_string(i);
  EXPECT_EQ(InstagramConnector::hashtag_count(many.text.caption), 31u);
  r = c->upload_media(many, many.media.front());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("hashtags"), std::string::npos);
  PlannedMedia gone = media(Media::get().photo("1080x1080"), "photo");
  gone.public_url = ig_.url("/files/not-there.jpg");
  r = c->upload_media(plan({gone}), gone);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("could not fetch"), std::string::npos);
  EXPECT_EQ(ig_.containers_created(), 1);  // only the short clip's (it fails while processing)
}

// Measured: four photos and a one-minute clip in one carousel, the fake answering at once.
TEST_F(InstagramTest, FourPhotosAndAOneMinuteClipCostFewRequestsAndNoFileBytes) {
  std::vector<PlannedMedia> files;
  for (const char* size : {"1080x1080", "1080x1350", "1080x566", "1440x1440"})
    files.push_back(media(Media::get().photo(size), "photo"));
  files.push_back(media(Media::get().video(60, "320x180"), "video"));
  std::uint64_t file_bytes = 0;
  for (const PlannedMedia& m : files) file_bytes += std::filesystem::file_size(m.file);
  const ChannelPlan p = plan(files);
  ig_.set_in_progress_polls(1);  // each container is seen processing once
  auto c = connector();
  const auto start = std::chrono::steady_clock::now();
  Result<RemoteItem> post = publish(*c, p);
  ASSERT_TRUE(post) << post.error().message;
  Result<std::vector<Finding>> findings = c->verify(p, *post, {});
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(findings && findings->empty());
  const int api = ig_.requests() - ig_.requests("/files/");
  const std::uint64_t sent = ig_.request_body_bytes();
  std::cout << "instagram: 4 photos + 60 s clip (" << file_bytes << " bytes): " << api
            << " API requests, " << sent << " bytes sent, " << ig_.bytes_fetched()
            << " bytes fetched by Instagram, " << seconds << " s\n";
  // Per file: create + 2 status reads (one IN_PROGRESS) = 15; the post: 5 status reads of the
  // items, the parent + 2 reads, the limit, media_publish, the permalink, verify = 12.
  EXPECT_EQ(api, 27);
  EXPECT_EQ(ig_.bytes_fetched(), file_bytes);  // each file fetched once, none sent from here
  EXPECT_LT(sent, 8u * 1024);
}

}  // namespace
}  // namespace saluran
