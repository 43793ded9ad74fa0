// The Facebook connector against the fake Graph API (tests/fakes/facebook_fake): photo posts,
// the resumable video upload, Reels, verify, and each injected failure.

#include "connectors/facebook.hpp"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>

#include "tests/fakes/facebook_fake.hpp"
#include "tests/support/fault_proxy.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {

namespace fs = std::filesystem;

// The channel's kept state, in memory (the catalog keeps it in a real run).
class MemoryState : public ConnectorState {
 public:
  std::string load(const std::string& key) override { return values_[key]; }
  void save(const std::string& key, const std::string& value) override {
    if (value.empty()) {
      values_.erase(key);
    } else {
      values_[key] = value;
    }
  }
  std::map<std::string, std::string> values_;
};

fs::path write_bytes(const fs::path& path, std::size_t size, unsigned seed) {
  std::mt19937 rng(seed);
  std::string bytes(size, '\0');
  for (char& c : bytes) c = static_cast<char>(rng());
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(size));
  return path;
}

test::FakeFailure failure(std::string path, int status, std::string body,
                          std::string retry_after = {}) {
  test::FakeFailure f;
  f.path = std::move(path);
  f.status = status;
  f.body = std::move(body);
  f.retry_after = std::move(retry_after);
  return f;
}

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class FacebookTest : public ::testing::Test {
 protected:
  FacebookTest() : client_(http::ClientOptions{.retry = {.max_attempts = 3}}) {
    channel_.name = "facebook";
    channel_.kind = ChannelKind::kFacebook;
    channel_.url = fb_.graph_url();
    channel_.upload_url = fb_.video_url();
    channel_.account = fb_.page_id();
    channel_.secret_env = "SALURAN_FACEBOOK_TOKEN";
  }

  FacebookConnector connector(std::string token = {}) {
    FacebookConnector c(channel_,
                        {.secret = token.empty() ? fb_.token() : token, .client = &client_});
    c.set_state(&state_);
    return c;
  }

  PlannedMedia photo(int i, std::size_t size = 40000) {
    PlannedMedia m;
    m.kind = "photo";
    m.role = i == 0 ? MediaRole::kCover : MediaRole::kGallery;
    m.preset = "facebook-photo";
    m.upload_name = "panen-raya-" + std::to_string(i) + "-facebook-photo.jpg";
    m.file = write_bytes(dir_.path() / m.upload_name, size, 10 + i);
    m.alt = "Petani memanen padi " + std::to_string(i);
    return m;
  }

  PlannedMedia video(std::size_t size, const std::string& preset = "facebook-video") {
    PlannedMedia m;
    m.kind = "video";
    m.role = MediaRole::kVideo;
    m.preset = preset;
    m.upload_name = "panen-raya-ab12cd34-" + preset + ".mp4";
    m.file = write_bytes(dir_.path() / m.upload_name, size, 99);
    return m;
  }

  ChannelPlan plan(std::vector<PlannedMedia> media) {
    ChannelPlan p;
    p.channel = channel_;
    p.text.title = "Panen raya di Desa Sukamaju";
    p.text.caption = "Panen raya di Desa Sukamaju hari ini. #panen https://example.go.id/panen";
    p.media = std::move(media);
    return p;
  }

  // Uploads every media item and makes the post, as the publish stage does.
  RemoteItem publish(FacebookConnector& c, const ChannelPlan& p, std::vector<RemoteItem>& items) {
    for (const PlannedMedia& m : p.media) {
      Result<RemoteItem> r = c.upload_media(p, m);
      EXPECT_TRUE(r) << (r ? "" : r.error().to_string());
      items.push_back(r ? *r : RemoteItem{});
    }
    Result<RemoteItem> post = c.put_post(p, "panen-raya", items, std::nullopt);
    EXPECT_TRUE(post) << (post ? "" : post.error().to_string());
    return post ? *post : RemoteItem{};
  }

  test::TempDir dir_{"facebook"};
  test::FakeFacebook fb_;
  http::Client client_;
  ChannelConfig channel_;
  MemoryState state_;
};

TEST_F(FacebookTest, TestChecksTheTokenIsThePages) {
  EXPECT_TRUE(connector().test());
  Result<Ok> bad = connector("EAAG-someone-else").test();
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kPermission);
  EXPECT_NE(bad.error().message.find("channel facebook"), std::string::npos);
  EXPECT_NE(bad.error().message.find("make a new Page access token"), std::string::npos);
  EXPECT_NE(bad.error().message.find("SALURAN_FACEBOOK_TOKEN"), std::string::npos);
}

TEST_F(FacebookTest, PhotosBecomeOneFeedPostThatVerifiesClean) {
  FacebookConnector c = connector();
  const ChannelPlan p = plan({photo(0), photo(1), photo(2)});
  std::vector<RemoteItem> items;
  const RemoteItem post = publish(c, p, items);
  ASSERT_EQ(fb_.posts(), 1);
  EXPECT_EQ(fb_.photos(), 3);
  const test::FakeFacebookPost made = fb_.post_list()[0];
  EXPECT_EQ(made.message, p.text.caption);
  EXPECT_TRUE(made.published);
  ASSERT_EQ(made.photos.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(made.photos[i], items[i].id);
    EXPECT_FALSE(fb_.media(items[i].id).published);  // unpublished until attached
    EXPECT_EQ(fb_.media(items[i].id).bytes, read_all(p.media[i].file));
    EXPECT_EQ(fb_.media(items[i].id).alt, p.media[i].alt);
  }
  EXPECT_EQ(post.id, made.id);
  EXPECT_NE(post.url.find("https://www.facebook.com/"), std::string::npos);
  Result<std::vector<Finding>> findings = c.verify(p, post, items);
  ASSERT_TRUE(findings) << findings.error().to_string();
  EXPECT_TRUE(findings->empty()) << (*findings)[0].what << ": " << (*findings)[0].found;
}

TEST_F(FacebookTest, VerifyReportsAMessageChangedOnThePage) {
  FacebookConnector c = connector();
  const ChannelPlan p = plan({photo(0)});
  std::vector<RemoteItem> items;
  const RemoteItem post = publish(c, p, items);
  ChannelPlan other = p;
  other.text.caption = "Teks lain";
  Result<std::vector<Finding>> findings = c.verify(other, post, items);
  ASSERT_TRUE(findings);
  ASSERT_EQ(findings->size(), 1u);
  EXPECT_EQ((*findings)[0].what, "message");
  EXPECT_EQ((*findings)[0].found, p.text.caption);
}

TEST_F(FacebookTest, VideoGoesUpInTheServersChunksAndIsPendingWhileProcessing) {
  fb_.set_chunk_size(256 * 1024);
  fb_.set_processing_reads(1);
  FacebookConnector c = connector();
  const ChannelPlan p = plan({video(1000000)});
  std::vector<RemoteItem> items;
  const RemoteItem post = publish(c, p, items);
  EXPECT_EQ(fb_.uploads_started(), 1);
  EXPECT_EQ(fb_.completed_uploads(), 1);
  EXPECT_EQ(fb_.media(items[0].id).bytes, read_all(p.media[0].file));
  EXPECT_EQ(fb_.posts(), 1);
  EXPECT_EQ(fb_.media(items[0].id).description, p.text.caption);
  EXPECT_EQ(fb_.media(items[0].id).title, p.text.title);
  EXPECT_EQ(post.id, items[0].id);  // the video is the post
  // start + 4 chunks + finish on graph-video; each byte once plus the multipart framing
  EXPECT_EQ(fb_.requests("/video/v24.0/" + fb_.page_id() + "/videos"), 6);
  Result<std::vector<Finding>> first = c.verify(p, post, items);
  ASSERT_TRUE(first) << first.error().to_string();
  ASSERT_EQ(first->size(), 1u);
  EXPECT_TRUE((*first)[0].pending);
  Result<std::vector<Finding>> later = c.verify(p, post, items);
  ASSERT_TRUE(later);
  EXPECT_TRUE(later->empty()) << (*later)[0].what << ": " << (*later)[0].found;
  EXPECT_TRUE(state_.values_.find("upload:" + p.media[0].upload_name) == state_.values_.end());
}

TEST_F(FacebookTest, ServerErrorThenSuccessMakesOnePhoto) {
  fb_.inject(failure("/v24.0/" + fb_.page_id() + "/photos", 500,
                     R"({"error":{"message":"An unknown error occurred","code":1}})"));
  FacebookConnector c = connector();
  const ChannelPlan p = plan({photo(0)});
  Result<RemoteItem> r = c.upload_media(p, p.media[0]);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(fb_.photos(), 1);
  EXPECT_EQ(fb_.requests("/v24.0/" + fb_.page_id() + "/photos"), 2);
}

TEST_F(FacebookTest, RateLimit429WithRetryAfterIsWaitedOut) {
  fb_.inject(failure("/v24.0/" + fb_.page_id() + "/feed", 429,
                     R"({"error":{"message":"(#32) Page request limit reached","code":32}})", "1"));
  FacebookConnector c = connector();
  const ChannelPlan p = plan({photo(0)});
  std::vector<RemoteItem> items;
  const auto t0 = std::chrono::steady_clock::now();
  publish(c, p, items);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(900));
  EXPECT_EQ(fb_.posts(), 1);
  EXPECT_EQ(fb_.requests("/v24.0/" + fb_.page_id() + "/feed"), 2);
}

TEST_F(FacebookTest, GraphRateLimitCodesSayWhenToRunAgain) {
  for (int code : {4, 17, 32, 613}) {
    fb_.inject(
        failure("/v24.0/" + fb_.page_id() + "/feed", 400,
                fmt::format(R"({{"error":{{"message":"(#{0}) limit","code":{0}}}}})", code)));
    FacebookConnector c = connector();
    Result<RemoteItem> r = c.put_post(plan({}), "panen-raya", {}, std::nullopt);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("rate limit"), std::string::npos) << code;
    EXPECT_NE(r.error().message.find("wait an hour and run again"), std::string::npos) << code;
  }
  EXPECT_EQ(fb_.posts(), 0);
}

TEST_F(FacebookTest, MissingPermissionAndPolicyBlockAreExplained) {
  fb_.inject(failure("/v24.0/" + fb_.page_id() + "/feed", 403,
                     R"({"error":{"message":"(#200) Requires pages_manage_posts","code":200}})"));
  Result<RemoteItem> r = connector().put_post(plan({}), "panen-raya", {}, std::nullopt);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kPermission);
  EXPECT_NE(r.error().message.find("pages_manage_posts"), std::string::npos);
  fb_.inject(failure("/v24.0/" + fb_.page_id() + "/feed", 400,
                     R"({"error":{"message":"blocked","code":368}})"));
  r = connector().put_post(plan({}), "panen-raya", {}, std::nullopt);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("wait some hours"), std::string::npos);
}

TEST_F(FacebookTest, DuplicatePostIsRefusedWithAClearMessage) {
  FacebookConnector c = connector();
  ASSERT_TRUE(c.put_post(plan({}), "panen-raya", {}, std::nullopt));
  Result<RemoteItem> again = c.put_post(plan({}), "panen-lagi", {}, std::nullopt);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(again.error().message.find("duplicate"), std::string::npos);
  EXPECT_NE(again.error().message.find("change the caption"), std::string::npos);
  EXPECT_EQ(fb_.posts(), 1);
}

TEST_F(FacebookTest, TooLargeVideoIsRefusedBeforeAnyByte) {
  fb_.inject(failure("/video/v24.0/" + fb_.page_id() + "/videos", 400,
                     R"({"error":{"message":"The video you tried to upload is too large.",)"
                     R"("code":6000,"error_subcode":1363023}})"));
  const ChannelPlan p = plan({video(2000)});
  Result<RemoteItem> r = connector().upload_media(p, p.media[0]);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kLimitExceeded);
  EXPECT_NE(r.error().message.find("2 GB"), std::string::npos);
}

TEST_F(FacebookTest, ExpiredTokenMidUploadResumesWithTheNewToken) {
  fb_.set_chunk_size(256 * 1024);
  fb_.expire_token_after_bytes(512 * 1024);
  const ChannelPlan p = plan({video(1000000)});
  FacebookConnector old_token = connector();
  Result<RemoteItem> r = old_token.upload_media(p, p.media[0]);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kPermission);
  EXPECT_NE(r.error().message.find("make a new Page access token"), std::string::npos);
  EXPECT_NE(r.error().message.find("resumes"), std::string::npos);
  fb_.set_token("EAAG-page-token-2");
  FacebookConnector c = connector("EAAG-page-token-2");
  Result<std::optional<RemoteItem>> found = c.find_media(p.media[0]);
  ASSERT_TRUE(found);
  EXPECT_FALSE(*found);  // not complete: upload_media resumes it
  r = c.upload_media(p, p.media[0]);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(fb_.uploads_started(), 1);
  EXPECT_EQ(fb_.completed_uploads(), 1);
  EXPECT_EQ(fb_.media(r->id).bytes, read_all(p.media[0].file));
}

TEST_F(FacebookTest, KilledRunResumesFromTheServersOffset) {
  fb_.set_chunk_size(256 * 1024);
  const ChannelPlan p = plan({video(1000000)});
  test::FaultProxy wire(fb_.port());  // counts the bytes on the wire
  channel_.url = wire.url("/v24.0");
  channel_.upload_url = wire.url("/video/v24.0");
  FacebookConnector c = connector();
  fb_.expire_token_after_bytes(512 * 1024);  // stops the run after two chunks
  ASSERT_FALSE(c.upload_media(p, p.media[0]));
  // As if killed after the server stored the second chunk but before its offsets were kept.
  const std::string key = "upload:" + p.media[0].upload_name;
  nlohmann::json kept = nlohmann::json::parse(state_.values_[key]);
  ASSERT_EQ(kept["start"], 512 * 1024);
  kept["start"] = 256 * 1024;
  kept["end"] = 512 * 1024;
  state_.values_[key] = kept.dump();
  fb_.set_token(fb_.token());
  const std::uint64_t before = wire.bytes_to_server();
  Result<RemoteItem> r = c.upload_media(p, p.media[0]);
  ASSERT_TRUE(r) << r.error().to_string();
  const std::uint64_t resent = wire.bytes_to_server() - before;
  EXPECT_EQ(fb_.uploads_started(), 1);
  EXPECT_EQ(fb_.completed_uploads(), 1);
  EXPECT_EQ(fb_.media(r->id).bytes, read_all(p.media[0].file));
  // only what the server did not have, plus headers and framing of 4 small requests
  EXPECT_GE(resent, 1000000u - 512 * 1024);
  EXPECT_LT(resent, 1000000u - 512 * 1024 + 4096);
}

TEST_F(FacebookTest, LostPostAnswerIsFoundNotPostedTwice) {
  FacebookConnector c = connector();
  const ChannelPlan p = plan({photo(0)});
  std::vector<RemoteItem> items;
  const RemoteItem post = publish(c, p, items);
  // As if the answer had been lost: only the attempt was kept.
  state_.values_["post:panen-raya"] = R"({"kind":"feed","sending":1})";
  Result<std::optional<RemoteItem>> found = c.find_post(p, "panen-raya");
  ASSERT_TRUE(found) << found.error().to_string();
  ASSERT_TRUE(*found);
  EXPECT_EQ((*found)->id, post.id);
  EXPECT_EQ(fb_.posts(), 1);
  state_.values_.erase("post:panen-raya");
  found = c.find_post(p, "panen-raya");
  ASSERT_TRUE(found);
  EXPECT_FALSE(*found);  // never attempted here: nothing to reconcile
}

TEST_F(FacebookTest, ReelCutMidUploadResumesFromTheBytesTheServerKept) {
  const ChannelPlan p = plan({video(900000, "facebook-reel")});
  // Connections: the start and the first status read; the bytes, cut; then clean ones.
  test::FaultProxy proxy(
      fb_.port(), {.fault = test::Fault::kCloseAfter, .times = 2, .close_after_bytes = 400000});
  channel_.url = proxy.url("/v24.0");
  channel_.upload_url = proxy.url("/video/v24.0");
  FacebookConnector c = connector();
  Result<RemoteItem> r = c.upload_media(p, p.media[0]);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(fb_.uploads_started(), 1);
  EXPECT_EQ(fb_.completed_uploads(), 1);
  EXPECT_EQ(fb_.media(r->id).bytes, read_all(p.media[0].file));
  EXPECT_EQ(fb_.requests("/rupload/"), 2);               // cut once, then the rest
  EXPECT_LT(proxy.bytes_to_server(), 900000u + 20000u);  // the cut part was not sent again
  std::vector<RemoteItem> items = {*r};
  Result<RemoteItem> post = c.put_post(p, "panen-raya", items, std::nullopt);
  ASSERT_TRUE(post) << post.error().to_string();
  EXPECT_EQ(fb_.posts(), 1);
  EXPECT_NE(post->url.find("/reel/"), std::string::npos);
  Result<std::vector<Finding>> findings = c.verify(p, *post, items);
  ASSERT_TRUE(findings);
  EXPECT_TRUE(findings->empty());
}

TEST_F(FacebookTest, ScheduledPostIsUnpublishedWithItsTime) {
  ChannelPlan p = plan({photo(0)});
  p.status = PostStatus::kScheduled;
  const long long when = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count() +
                         3 * 86400;
  const std::time_t t = static_cast<std::time_t>(when);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char iso[40];
  std::strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%S+00:00", &tm);
  p.schedule = iso;
  FacebookConnector c = connector();
  std::vector<RemoteItem> items;
  const RemoteItem post = publish(c, p, items);
  ASSERT_EQ(fb_.posts(), 1);
  EXPECT_FALSE(fb_.post_list()[0].published);
  EXPECT_EQ(fb_.post_list()[0].scheduled_publish_time, when);
  EXPECT_TRUE(fb_.media(items[0].id).temporary);
  Result<std::vector<Finding>> findings = c.verify(p, post, items);
  ASSERT_TRUE(findings);
  EXPECT_TRUE(findings->empty());
}

// Measured: 4 photos (one post) and a 1-minute clip (a video post) against the fake answering at
// once: requests, bytes on the wire against file bytes, and the connector's wall time.
TEST_F(FacebookTest, MeasuredFourPhotosAndAOneMinuteClip) {
  const fs::path clip = dir_.path() / "clip.mp4";
  const std::string make_clip =
      "ffmpeg -v error -y -f lavfi -i testsrc2=size=320x180:rate=15 -f lavfi -i sine -t 60 "
      "-c:v libx264 -preset ultrafast -b:v 2M -c:a aac '" +
      clip.string() + "'";
  if (std::system(make_clip.c_str()) != 0) GTEST_SKIP() << "ffmpeg is not available";
  ChannelPlan photos = plan({});
  std::uint64_t file_bytes = 0;
  for (int i = 0; i < 4; ++i) {
    PlannedMedia m = photo(i);
    const std::string make_jpeg = fmt::format(
        "ffmpeg -v error -y -f lavfi -i testsrc2=size=1600x1200 -frames:v 1 -q:v {} '{}'", 2 + i,
        m.file.string());
    ASSERT_EQ(std::system(make_jpeg.c_str()), 0);
    file_bytes += fs::file_size(m.file);
    photos.media.push_back(m);
  }
  PlannedMedia clip_media = video(1);
  clip_media.file = clip;
  ChannelPlan film = plan({clip_media});
  film.text.caption = "Video panen raya";
  const std::uint64_t clip_bytes = fs::file_size(clip);
  test::FaultProxy wire(fb_.port());
  channel_.url = wire.url("/v24.0");
  channel_.upload_url = wire.url("/video/v24.0");
  FacebookConnector c = connector();
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<RemoteItem> photo_items, clip_items;
  publish(c, photos, photo_items);
  const int photo_requests = fb_.requests();
  const std::uint64_t photo_wire = wire.bytes_to_server();
  const auto t1 = std::chrono::steady_clock::now();
  publish(c, film, clip_items);
  const auto t2 = std::chrono::steady_clock::now();
  const int clip_requests = fb_.requests() - photo_requests;
  const std::uint64_t clip_wire = wire.bytes_to_server() - photo_wire;
  const std::uint64_t chunks = (clip_bytes + (1u << 20) - 1) >> 20;
  EXPECT_EQ(fb_.posts(), 2);
  EXPECT_EQ(fb_.media(clip_items[0].id).bytes.size(), clip_bytes);
  EXPECT_EQ(photo_requests, 4 + 2);                            // 4 photos, the post, its address
  EXPECT_EQ(clip_requests, static_cast<int>(1 + chunks + 2));  // start, chunks, finish, address
  EXPECT_LE(photo_wire, file_bytes + 6 * 1024);
  EXPECT_LE(clip_wire, clip_bytes + (chunks + 3) * 1024);
  const auto ms = [](auto d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  };
  std::cout << fmt::format(
      "[measured] 4 photos: {} requests, {} bytes on the wire for {} file bytes, {} ms\n"
      "[measured] 1-minute clip: {} requests, {} bytes on the wire for {} file bytes, {} ms\n",
      photo_requests, photo_wire, file_bytes, ms(t1 - t0), clip_requests, clip_wire, clip_bytes,
      ms(t2 - t1));
}

TEST(FacebookTime, IsoTimesWithOffsets) {
  EXPECT_EQ(FacebookConnector::unix_time("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(FacebookConnector::unix_time("2026-12-07T08:00:00+07:00"), 1796605200);
  EXPECT_EQ(FacebookConnector::unix_time("2026-12-07T01:00+00:00"), 1796605200);
  EXPECT_FALSE(FacebookConnector::unix_time("7 Dec 2026"));
}

}  // namespace
}  // namespace saluran
