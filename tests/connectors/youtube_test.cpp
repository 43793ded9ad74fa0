// The YouTube connector against the in-process YouTube fake (tests/fakes/youtube_fake): the
// resumable upload and its resumption, thumbnail and playlist, verify, the quota, OAuth.

#include "connectors/youtube.hpp"

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>

#include <fmt/format.h>
#include <thread>

#include "connectors/credentials.hpp"
#include "tests/fakes/youtube_fake.hpp"
#include "tests/support/fault_proxy.hpp"
#include "tests/support/scoped_env.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {

using json = nlohmann::json;
using test::FakeYouTube;
using namespace std::chrono_literals;

constexpr std::uint64_t kChunk = 256 * 1024;

// The catalog's kept state, in memory.
class MemoryState : public ConnectorState {
 public:
  std::string load(const std::string& key) override {
    const auto it = values.find(key);
    return it == values.end() ? "" : it->second;
  }
  void save(const std::string& key, const std::string& value) override {
    if (value.empty())
      values.erase(key);
    else
      values[key] = value;
  }
  std::map<std::string, std::string> values;
};

// A failure for the fake's next matching request(s).
test::FakeFailure failure(std::string path, std::string method, int status, int times = 1,
                          std::string body = R"({"error":{"code":500,"message":"Backend Error"}})",
                          std::string retry_after = "") {
  test::FakeFailure f;
  f.path = std::move(path);
  f.method = std::move(method);
  f.status = status;
  f.times = times;
  f.body = std::move(body);
  f.retry_after = std::move(retry_after);
  return f;
}

std::string random_bytes(std::size_t size, unsigned seed) {
  std::mt19937 gen(seed);
  std::string out(size, '\0');
  for (char& c : out) c = static_cast<char>(gen());
  return out;
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// Retries without the real waits (the tests count requests, not seconds).
http::ClientOptions fast_retries() {
  http::ClientOptions o;
  o.retry.initial_delay = 1ms;
  o.retry.max_delay = 5ms;
  return o;
}

class YouTubeTest : public ::testing::Test {
 protected:
  YouTubeTest() : creds_("SALURAN_CREDENTIALS", dir_ / "credentials.toml") {
    EXPECT_TRUE(store_credential("youtube", "refresh_token", yt_.issue_refresh_token()));
    channel_.name = "youtube";
    channel_.kind = ChannelKind::kYouTube;
    channel_.url = channel_.upload_url = yt_.url();
    channel_.auth_url = yt_.url("/o/oauth2/auth");
    channel_.token_url = yt_.url("/token");
    channel_.client_id = FakeYouTube::kClientId;
    video_ = write("clip.mp4", random_bytes(3 * kChunk + 12345, 1));
    yt_.set_video_seconds(60);  // the test bytes are not an MP4 the fake could read the length of
    cover_ = write("cover.jpg", random_bytes(40000, 2));
  }

  std::string write(const std::string& name, const std::string& bytes) {
    std::ofstream(dir_ / name, std::ios::binary) << bytes;
    return dir_ / name;
  }

  ChannelPlan plan() const {
    ChannelPlan p;
    p.channel = channel_;
    p.text.title = "Jembatan Baru Dibuka";
    p.text.caption = "Bupati membuka jembatan baru di Desa Sukamaju.\n#infopemda";
    p.text.tags = {"jembatan", "sukamaju"};
    PlannedMedia cover;
    cover.role = MediaRole::kCover;
    cover.file = cover_;
    cover.kind = "photo";
    cover.upload_name = "jembatan-aaaa-youtube-thumbnail.jpg";
    PlannedMedia video;
    video.role = MediaRole::kVideo;
    video.file = video_;
    video.kind = "video";
    video.upload_name = "jembatan-bbbb-youtube.mp4";
    video.seconds = 60;
    p.media = {cover, video};
    return p;
  }

  std::unique_ptr<YouTubeConnector> connector(const ChannelConfig* ch = nullptr) {
    auto c = std::make_unique<YouTubeConnector>(
        ch ? *ch : channel_, ConnectorContext{FakeYouTube::kClientSecret, &client_, progress_});
    c->set_chunk_bytes(kChunk);
    c->set_max_wait(0ms);
    c->set_state(&state_);
    return c;
  }

  // Uploads every media item and makes the post, as the publish stage does.
  Result<RemoteItem> publish(YouTubeConnector& c, const ChannelPlan& p,
                             std::vector<RemoteItem>* out = nullptr) {
    std::vector<RemoteItem> media;
    for (const PlannedMedia& m : p.media) {
      Result<RemoteItem> r = c.upload_media(p, m);
      if (!r) return r.error();
      media.push_back(*r);
    }
    if (out) *out = media;
    return c.put_post(p, "jembatan", media, std::nullopt);
  }

  test::TempDir dir_{"yt"};
  test::ScopedEnv creds_;
  FakeYouTube yt_;
  http::Client client_{fast_retries()};
  std::function<void(std::uint64_t, std::uint64_t)> progress_{};
  ChannelConfig channel_;
  MemoryState state_;
  std::string video_;
  std::string cover_;
};

TEST_F(YouTubeTest, PublishesTheVideoInChunksWithItsThumbnailPlaylistAndText) {
  channel_.playlist = "PLkab";
  yt_.add_playlist("PLkab");
  auto c = connector();
  Result<RemoteItem> post = publish(*c, plan());
  ASSERT_TRUE(post) << post.error().message;
  EXPECT_EQ(post->url, "https://www.youtube.com/watch?v=" + post->id);
  EXPECT_EQ(yt_.video_bytes(post->id), read_all(video_));
  EXPECT_EQ(yt_.uploads_started(), 1);
  EXPECT_EQ(yt_.upload_bytes_received(), read_all(video_).size());
  EXPECT_EQ(yt_.chunk_sizes(), (std::vector<std::uint64_t>{kChunk, kChunk, kChunk, 12345}));
  const json v = yt_.video(post->id);
  EXPECT_EQ(v["snippet"]["title"], "Jembatan Baru Dibuka");
  EXPECT_EQ(v["snippet"]["tags"], json({"jembatan", "sukamaju"}));
  EXPECT_EQ(v["snippet"]["categoryId"], "25");
  EXPECT_EQ(v["snippet"]["defaultLanguage"], "id");
  EXPECT_EQ(v["status"]["privacyStatus"], "public");
  EXPECT_EQ(v["status"]["selfDeclaredMadeForKids"], false);
  EXPECT_EQ(yt_.thumbnails_set(), 1);
  EXPECT_EQ(yt_.playlist_items(), std::vector<std::string>{"PLkab:" + post->id});
  // The quota kept in the state is what the fake counted (videos.insert in its own bucket).
  const json quota = json::parse(
      state_.load("quota:" + YouTubeConnector::quota_day(std::chrono::system_clock::now())));
  EXPECT_EQ(quota["units"], yt_.units_used());
  EXPECT_EQ(quota["inserts"], 1);
  Result<std::vector<Finding>> findings = c->verify(plan(), *post, {});
  ASSERT_TRUE(findings) << findings.error().message;
  EXPECT_TRUE(findings->empty()) << (*findings)[0].what << ": " << (*findings)[0].found;
}

TEST_F(YouTubeTest, ScheduledAndDraftStoriesArePrivateWithPublishAt) {
  ChannelPlan p = plan();
  p.status = PostStatus::kScheduled;
  p.schedule = "2026-12-08T08:00:00+07:00";
  json body = json::parse(YouTubeConnector::video_resource(p));
  EXPECT_EQ(body["status"]["privacyStatus"], "private");
  EXPECT_EQ(body["status"]["publishAt"], "2026-12-08T08:00:00+07:00");
  p.status = PostStatus::kDraft;
  body = json::parse(YouTubeConnector::video_resource(p));
  EXPECT_EQ(body["status"]["privacyStatus"], "private");
  EXPECT_FALSE(body["status"].contains("publishAt"));
  p.status = PostStatus::kPublish;
  p.channel.privacy = "unlisted";
  body = json::parse(YouTubeConnector::video_resource(p));
  EXPECT_EQ(body["status"]["privacyStatus"], "unlisted");
}

TEST_F(YouTubeTest, AKilledUploadResumesFromWhatYouTubeHasNeverFromZero) {
  const ChannelPlan p = plan();
  // The first run dies after two chunks: every later request of it is refused.
  progress_ = [this](std::uint64_t sent, std::uint64_t) {
    if (sent == 2 * kChunk)
      yt_.inject(failure("/upload/youtube/v3/videos", "", 400, 100,
                         R"({"error":{"code":400,"message":"gone"}})"));
  };
  {
    auto first = connector();
    ASSERT_FALSE(first->upload_media(p, p.media[1]));
  }
  yt_.clear_failures();
  progress_ = {};
  EXPECT_EQ(yt_.upload_bytes_received(), 2 * kChunk);
  auto second = connector();
  Result<std::optional<RemoteItem>> found = second->find_media(p.media[1]);
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_FALSE(*found);  // not finished: upload_media resumes it
  Result<RemoteItem> sent = second->upload_media(p, p.media[1]);
  ASSERT_TRUE(sent) << sent.error().message;
  EXPECT_EQ(yt_.uploads_started(), 1);
  EXPECT_EQ(yt_.completed_uploads(), 1);
  EXPECT_EQ(yt_.upload_bytes_received(), read_all(video_).size());  // each byte once
  EXPECT_EQ(yt_.video_bytes(sent->id), read_all(video_));
}

TEST_F(YouTubeTest, AnUploadWhoseAnswerWasLostIsFoundFromItsSession) {
  const ChannelPlan p = plan();
  auto c = connector();
  Result<RemoteItem> sent = c->upload_media(p, p.media[1]);
  ASSERT_TRUE(sent);
  // Killed after the last byte, before the id was kept: only the session is left.
  const std::string key = "upload:" + p.media[1].upload_name;
  json kept = json::parse(state_.load(key));
  kept.erase("id");
  state_.save(key, kept.dump());
  Result<std::optional<RemoteItem>> found = connector()->find_media(p.media[1]);
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->id, sent->id);
  EXPECT_EQ(yt_.uploads_started(), 1);
  EXPECT_EQ(yt_.completed_uploads(), 1);
}

TEST_F(YouTubeTest, AConnectionCutInTheMiddleOfAChunkContinuesFromTheServersOffset) {
  // The proxy forwards the session's start, one chunk and part of the next, then cuts.
  test::FaultProxy proxy(yt_.port(), {.fault = test::Fault::kCloseAfter,
                                      .times = 1,
                                      .close_after_bytes = kChunk + 100'000,
                                      .retry_after = "1"});
  channel_.upload_url = proxy.url();
  auto c = connector();
  // The back-off before asking lets the cut chunk's bytes reach the fake's store first.
  c->set_max_wait(300ms);
  const ChannelPlan p = plan();
  Result<RemoteItem> sent = c->upload_media(p, p.media[1]);
  ASSERT_TRUE(sent) << sent.error().message;
  EXPECT_EQ(proxy.faulted(), 1);
  EXPECT_EQ(yt_.video_bytes(sent->id), read_all(video_));
  EXPECT_EQ(yt_.uploads_started(), 1);
  // The bytes before the cut were kept by YouTube and not sent again; at most the chunk that
  // libcurl sends again by itself on the reused connection arrives twice.
  EXPECT_LE(yt_.upload_bytes_received(), read_all(video_).size() + kChunk);
  // Sent again from where YouTube stood after the cut (not a chunk boundary), never from 0.
  EXPECT_EQ(yt_.chunk_sizes().size(), 4u);
}

TEST_F(YouTubeTest, AServerErrorOnAChunkIsFollowedByAStatusQueryAndTheRest) {
  yt_.inject(failure("/upload/youtube/v3/videos", "PUT", 503));
  auto c = connector();
  const ChannelPlan p = plan();
  Result<RemoteItem> sent = c->upload_media(p, p.media[1]);
  ASSERT_TRUE(sent) << sent.error().message;
  EXPECT_EQ(yt_.video_bytes(sent->id), read_all(video_));
  EXPECT_EQ(yt_.completed_uploads(), 1);
}

TEST_F(YouTubeTest, RateLimitsWithRetryAfterAreWaitedFor) {
  auto c = connector();
  c->set_max_wait(1000ms);
  yt_.inject(failure("/upload/youtube/v3/videos", "POST", 429, 1, "{}", "1"));
  yt_.inject(failure("/youtube/v3/videos", "GET", 403, 1,
                     R"({"error":{"code":403,"message":"Rate limit","errors":[{"reason":)"
                     R"("rateLimitExceeded","domain":"youtube.quota"}]}})",
                     "1"));
  const auto start = std::chrono::steady_clock::now();
  Result<RemoteItem> post = publish(*c, plan());
  ASSERT_TRUE(post) << post.error().message;
  Result<std::vector<Finding>> findings = c->verify(plan(), *post, {});
  ASSERT_TRUE(findings) << findings.error().message;
  EXPECT_TRUE(findings->empty());
  EXPECT_GE(std::chrono::steady_clock::now() - start, 1900ms);
  EXPECT_EQ(yt_.requests("/youtube/v3/videos"), 2);
}

TEST_F(YouTubeTest, AnAccessTokenExpiringMidUploadIsRenewedAndTheUploadGoesOn) {
  yt_.expire_tokens_after(2);  // the session's start and one chunk
  auto c = connector();
  const ChannelPlan p = plan();
  Result<RemoteItem> sent = c->upload_media(p, p.media[1]);
  ASSERT_TRUE(sent) << sent.error().message;
  EXPECT_EQ(yt_.requests("/token"), 2);
  EXPECT_EQ(yt_.video_bytes(sent->id), read_all(video_));
  // The refused chunk went out once more, nothing else.
  EXPECT_EQ(yt_.upload_bytes_received(), read_all(video_).size() + kChunk);
}

TEST_F(YouTubeTest, ARevokedSignInAsksToSignInAgain) {
  yt_.revoke_refresh_tokens();
  Status s = connector()->test();
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("channel youtube"), std::string::npos);
  EXPECT_NE(s.error().message.find("sign in to YouTube again with: saluran channels login youtube"),
            std::string::npos)
      << s.error().message;
}

TEST_F(YouTubeTest, TheRunStopsBeforeAnUploadTheQuotaLeftCannotCover) {
  const std::string day = YouTubeConnector::quota_day(std::chrono::system_clock::now());
  state_.save("quota:" + day, R"({"units":9950,"inserts":3})");
  const ChannelPlan p = plan();
  Result<RemoteItem> sent = connector()->upload_media(p, p.media[1]);
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, ErrorCode::kLimitExceeded);
  EXPECT_NE(sent.error().message.find("midnight Pacific time"), std::string::npos);
  EXPECT_EQ(yt_.requests(), 0);
}

TEST_F(YouTubeTest, YouTubesQuotaExceededAnswerEndsTheDay) {
  yt_.set_quota(10000, 0);  // no videos.insert left today on YouTube's side
  const ChannelPlan p = plan();
  auto c = connector();
  Result<RemoteItem> sent = c->upload_media(p, p.media[1]);
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, ErrorCode::kLimitExceeded);
  EXPECT_NE(sent.error().message.find("resets at midnight Pacific time"), std::string::npos)
      << sent.error().message;
  const int before = yt_.requests();
  EXPECT_FALSE(c->upload_media(p, p.media[1]));  // known now: nothing asked
  EXPECT_EQ(yt_.requests(), before);
}

TEST(YouTubeQuotaDay, IsThePacificDayAndEndsAtPacificMidnight) {
  using namespace std::chrono;
  const sys_days winter = 2026y / December / 7;
  EXPECT_EQ(YouTubeConnector::quota_day(winter + 5h), "2026-12-06");
  EXPECT_EQ(YouTubeConnector::quota_day(winter + 8h), "2026-12-07");
  EXPECT_EQ(YouTubeConnector::quota_reset(winter + 5h), winter + 8h);
  const sys_days summer = 2026y / July / 1;
  EXPECT_EQ(YouTubeConnector::quota_day(summer + 6h), "2026-06-30");
  EXPECT_EQ(YouTubeConnector::quota_reset(summer + 6h), summer + 7h);
  EXPECT_EQ(YouTubeConnector::quota_reset(summer + 7h), summer + days(1) + 7h);
}

TEST_F(YouTubeTest, AVideoStillProcessingIsPendingThenClean) {
  yt_.set_processing_reads(1);
  auto c = connector();
  Result<RemoteItem> post = publish(*c, plan());
  ASSERT_TRUE(post);
  Result<std::vector<Finding>> first = c->verify(plan(), *post, {});
  ASSERT_TRUE(first);
  ASSERT_EQ(first->size(), 1u);
  EXPECT_TRUE((*first)[0].pending);
  EXPECT_EQ((*first)[0].found, "still processing (40%)");
  Result<std::vector<Finding>> second = c->verify(plan(), *post, {});
  ASSERT_TRUE(second);
  EXPECT_TRUE(second->empty());
}

TEST_F(YouTubeTest, VerifyFindsTheUnauditedPrivateLockWrongDurationAndADuplicate) {
  yt_.set_private_lock(true);
  yt_.set_video_seconds(42);
  auto c = connector();
  Result<RemoteItem> post = publish(*c, plan());
  ASSERT_TRUE(post);
  Result<std::vector<Finding>> f = c->verify(plan(), *post, {});
  ASSERT_TRUE(f);
  ASSERT_EQ(f->size(), 2u);
  EXPECT_EQ((*f)[0].what, "privacy");
  EXPECT_NE((*f)[0].found.find("audit"), std::string::npos);
  EXPECT_EQ((*f)[1].what, "duration");
  // The same bytes again under another name: YouTube rejects it as a duplicate.
  ChannelPlan again = plan();
  again.media[1].upload_name = "other-cccc-youtube.mp4";
  yt_.set_private_lock(false);
  yt_.set_video_seconds(60);
  Result<RemoteItem> dup = c->upload_media(again, again.media[1]);
  ASSERT_TRUE(dup);
  Result<std::vector<Finding>> g = c->verify(again, *dup, {});
  ASSERT_TRUE(g);
  ASSERT_EQ(g->size(), 1u);
  EXPECT_NE((*g)[0].found.find("duplicate"), std::string::npos);
}

TEST_F(YouTubeTest, UpdateRewritesTheSnippetAndAnInterruptedPostIsFound) {
  auto c = connector();
  ChannelPlan p = plan();
  Result<RemoteItem> post = publish(*c, p);
  ASSERT_TRUE(post);
  Result<std::optional<RemoteItem>> found = connector()->find_post(p, "jembatan");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->id, post->id);
  p.text.title = "Jembatan Baru Sukamaju Dibuka";
  Result<RemoteItem> updated = c->put_post(p, "jembatan", {}, *post);
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_EQ(yt_.video(post->id)["snippet"]["title"], "Jembatan Baru Sukamaju Dibuka");
  EXPECT_EQ(yt_.completed_uploads(), 1);
  EXPECT_EQ(yt_.thumbnails_set(), 2);
}

TEST_F(YouTubeTest, APlaylistInsertThatFailedIsCheckedBeforeItIsSentAgain) {
  channel_.playlist = "PLkab";
  yt_.add_playlist("PLkab");
  yt_.inject(failure("/youtube/v3/playlistItems", "POST", 503));
  auto c = connector();
  std::vector<RemoteItem> media;
  ASSERT_FALSE(publish(*c, plan(), &media));
  Result<std::optional<RemoteItem>> found = c->find_post(plan(), "jembatan");
  ASSERT_TRUE(found && *found);
  Result<RemoteItem> post = c->put_post(plan(), "jembatan", media, *found);
  ASSERT_TRUE(post) << post.error().message;
  EXPECT_EQ(yt_.playlist_items().size(), 1u);
  EXPECT_EQ(yt_.requests("/youtube/v3/playlistItems"), 3);  // insert, read, insert
  EXPECT_EQ(yt_.thumbnails_set(), 1);
}

TEST_F(YouTubeTest, RefusedMetadataIsExplained) {
  ChannelPlan p = plan();
  p.text.title = "";
  Result<RemoteItem> sent = connector()->upload_media(p, p.media[1]);
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().message,
            "channel youtube: YouTube refused uploading the video: The request metadata specifies "
            "an invalid or empty video title.");
}

TEST_F(YouTubeTest, LoginStoresTheRefreshTokenFromTheLoopbackRedirect) {
  ASSERT_TRUE(store_credential("youtube", "refresh_token", "old"));
  std::string consent;
  std::mutex m;
  YouTubeLoginOptions options{
      .timeout = 10s, .open_browser = false, .show_url = [&](const std::string& url) {
        std::lock_guard lock(m);
        consent = url;
      }};
  std::thread browser([&] {
    std::string url;
    while (url.empty()) {
      std::this_thread::sleep_for(10ms);
      std::lock_guard lock(m);
      url = consent;
    }
    EXPECT_NE(url.find("code_challenge_method=S256"), std::string::npos);
    EXPECT_NE(url.find("access_type=offline"), std::string::npos);
    httplib::Client web(yt_.url());
    web.set_follow_location(true);
    auto res = web.Get(url.substr(yt_.url().size()));
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
  });
  Status s = youtube_login(channel_, FakeYouTube::kClientSecret, client_, options);
  browser.join();
  ASSERT_TRUE(s) << s.error().message;
  Result<std::optional<std::string>> token = read_credential("youtube", "refresh_token");
  ASSERT_TRUE(token && *token);
  EXPECT_NE(**token, "old");
  EXPECT_TRUE(connector()->test());
}

}  // namespace
}  // namespace saluran

namespace saluran {
namespace {

// What publishing costs on the wire: requests, bytes (each byte once plus the protocol's
// overhead) and the connector's wall time with the fake answering at once. The video is
// $SALURAN_YT_MEASURE_CLIP when set (e.g. a one-minute ffmpeg clip), else 4 MB of test bytes.
TEST_F(YouTubeTest, MeasuredRequestsAndBytesForACoverAndAClip) {
  if (const char* clip = std::getenv("SALURAN_YT_MEASURE_CLIP")) {
    video_ = clip;
  } else {
    video_ = write("clip.mp4", random_bytes(4'000'000, 3));
  }
  test::FaultProxy proxy(yt_.port());  // passes everything on, counting the bytes
  channel_.url = channel_.upload_url = proxy.url();
  channel_.token_url = proxy.url("/token");
  auto c = std::make_unique<YouTubeConnector>(
      channel_, ConnectorContext{FakeYouTube::kClientSecret, &client_, {}});
  c->set_state(&state_);  // the production chunk size (16 MiB)
  const auto start = std::chrono::steady_clock::now();
  Result<RemoteItem> post = publish(*c, plan());
  ASSERT_TRUE(post) << post.error().message;
  ASSERT_TRUE(c->verify(plan(), *post, {}));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::uint64_t files = read_all(video_).size() + read_all(cover_).size();
  std::cout << fmt::format(
      "youtube: {} requests, {} bytes sent for {} bytes of files (+{}), "
      "{:.3f} s\n",
      proxy.requests(), proxy.bytes_to_server(), files, proxy.bytes_to_server() - files, seconds);
  // token, session, the file in one PUT (<= 16 MiB), thumbnail, read back.
  if (files < (16u << 20)) {
    EXPECT_EQ(proxy.requests(), 5);
  }
  EXPECT_LE(proxy.bytes_to_server(), files + 8192);
}

}  // namespace
}  // namespace saluran
