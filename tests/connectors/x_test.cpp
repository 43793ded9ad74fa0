// The X connector against FakeX: chunked upload, alt text, the post, read-back, and each
// injected failure (500, 429, a cut connection, an expired token, a lost answer, processing,
// duplicate text, a killed upload).

#include "connectors/x.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <map>
#include <random>

#include "connectors/credentials.hpp"
#include "tests/fakes/x_fake.hpp"
#include "tests/support/fault_proxy.hpp"
#include "tests/support/scoped_env.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {

using test::FakeX;

// The catalog's connector state, in memory.
class MapState : public ConnectorState {
 public:
  std::string load(const std::string& key) override { return map_[key]; }
  void save(const std::string& key, const std::string& value) override {
    if (value.empty()) {
      map_.erase(key);
    } else {
      map_[key] = value;
    }
  }
  std::map<std::string, std::string> map_;
};

std::string write_random(const std::string& path, std::size_t size, unsigned seed) {
  std::mt19937 rng(seed);
  std::string bytes(size, '\0');
  for (char& c : bytes) c = static_cast<char>(rng());
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

// A real MP4 of `seconds` (tiny frames, so quick to make).
std::string make_video(const test::TempDir& dir, const std::string& name, double seconds,
                       const std::string& size = "64x64", const std::string& rate = "5") {
  const std::string path = dir / name;
  const std::string cmd = "ffmpeg -nostdin -loglevel error -y -f lavfi -i testsrc2=size=" + size +
                          ":rate=" + rate + " -f lavfi -i sine -t " + std::to_string(seconds) +
                          " -c:v libx264 -preset ultrafast -b:v 2M -c:a aac " + path;
  EXPECT_EQ(std::system(cmd.c_str()), 0);
  return path;
}

test::FakeFailure failure(const std::string& path, const std::string& method, int status,
                          const std::string& body, const std::string& retry_after = "") {
  test::FakeFailure f;
  f.path = path;
  f.method = method;
  f.status = status;
  f.body = body;
  f.retry_after = retry_after;
  return f;
}

http::ClientOptions client_options() {
  http::ClientOptions o;
  o.retry.initial_delay = std::chrono::milliseconds(10);
  o.timeouts.low_speed = std::chrono::seconds(5);
  if (std::getenv("SALURAN_X_LOG") != nullptr)
    o.log = [](std::string_view line) {
      std::fprintf(stderr, "%.*s\n", int(line.size()), line.data());
    };
  return o;
}

struct Rig {
  explicit Rig(const std::string& url = "") : client(client_options()) {
    channel.name = "x";
    channel.kind = ChannelKind::kX;
    channel.url = url.empty() ? fake.url() : url;
    plan.channel = channel;
    plan.text.caption = "Jembatan baru diresmikan di desa & warga bergembira #Diskominfo";
  }
  std::unique_ptr<XConnector> connector(std::uint64_t segment = 64 << 10) {
    XConnector::Options options;
    options.segment_bytes = segment;
    auto c = std::make_unique<XConnector>(channel, ConnectorContext{fake.access_token(), &client},
                                          options);
    c->set_state(&state);
    return c;
  }
  PlannedMedia photo(const std::string& name, std::size_t size, const std::string& alt) {
    PlannedMedia m;
    m.kind = "photo";
    m.upload_name = name;
    m.alt = alt;
    m.file = write_random(dir / name, size, static_cast<unsigned>(size));
    return m;
  }
  PlannedMedia video(const std::string& name, double seconds, const std::string& size = "64x64",
                     const std::string& rate = "5") {
    PlannedMedia m;
    m.kind = "video";
    m.upload_name = name;
    m.file = make_video(dir, name, seconds, size, rate);
    return m;
  }

  FakeX fake;
  test::TempDir dir{"saluran-x"};
  ChannelConfig channel;
  ChannelPlan plan;
  http::Client client;
  MapState state;
};

// What the publish stage does, in its order, for a fresh run.
Result<RemoteItem> publish(XConnector& c, const ChannelPlan& plan,
                           std::vector<RemoteItem>* media_out = nullptr) {
  std::vector<RemoteItem> media;
  for (const PlannedMedia& m : plan.media) {
    Result<std::optional<RemoteItem>> found = c.find_media(m);
    if (!found) return found.error();
    if (*found) {
      media.push_back(**found);
      continue;
    }
    Result<RemoteItem> sent = c.upload_media(plan, m);
    if (!sent) return sent.error();
    media.push_back(*sent);
  }
  Result<std::optional<RemoteItem>> existing = c.find_post(plan, "jembatan");
  if (!existing) return existing.error();
  if (media_out != nullptr) *media_out = media;
  return c.put_post(plan, "jembatan", media, *existing);
}

TEST(XConnector, FourPhotosWithAltTextArePostedAndReadBackClean) {
  Rig rig;
  std::uint64_t total = 0;
  for (int i = 0; i < 4; ++i) {
    rig.plan.media.push_back(
        rig.photo("foto-" + std::to_string(i) + ".jpg", 100'000 + i, "Foto " + std::to_string(i)));
    total += 100'000 + i;
  }
  auto c = rig.connector();
  std::vector<RemoteItem> media;
  Result<RemoteItem> post = publish(*c, rig.plan, &media);
  ASSERT_TRUE(post) << post.error().to_string();
  EXPECT_EQ(rig.fake.posts(), 1);
  EXPECT_EQ(rig.fake.completed_uploads(), 4);
  EXPECT_EQ(rig.fake.media(media[2].id).alt, "Foto 2");
  EXPECT_EQ(rig.fake.post_list()[0].media_ids.size(), 4u);
  // Per photo: initialize, 2 appends (64 KB segments), finalize, metadata; then Images need no
  // STATUS poll. users/me (no account configured), the timeline look-up, the post. Images need no
  // STATUS.
  EXPECT_EQ(rig.fake.requests(), 4 * 5 + 3);
  EXPECT_EQ(rig.fake.requests("/2/media/upload?"), 0);
  EXPECT_LE(rig.fake.append_bytes(), total + 8 * 512);  // multipart overhead per segment
  EXPECT_GE(rig.fake.append_bytes(), total);
  Result<std::vector<Finding>> findings = c->verify(rig.plan, *post, media);
  ASSERT_TRUE(findings) << findings.error().to_string();
  EXPECT_TRUE(findings->empty()) << (*findings)[0].what << ": " << (*findings)[0].found;
  EXPECT_TRUE(rig.state.map_.empty());  // the post is made: nothing kept
}

TEST(XConnector, VideoIsSentInSegmentsAndWaitedFor) {
  Rig rig;
  rig.plan.media.push_back(rig.video("klip.mp4", 2));
  const std::uint64_t size = std::filesystem::file_size(rig.plan.media[0].file);
  auto c = rig.connector(16 << 10);
  std::vector<RemoteItem> media;
  Result<RemoteItem> post = publish(*c, rig.plan, &media);
  ASSERT_TRUE(post) << post.error().to_string();
  EXPECT_EQ(rig.fake.appends(), static_cast<int>((size + (16 << 10) - 1) / (16 << 10)));
  EXPECT_EQ(rig.fake.stored_bytes(media[0].id), size);
  EXPECT_EQ(rig.fake.requests("/2/media/upload"), rig.fake.appends() + 2 + 2);  // + 2 polls
  EXPECT_NEAR(rig.fake.media(media[0].id).seconds, 2.0, 0.1);
  Result<std::vector<Finding>> findings = c->verify(rig.plan, *post, media);
  ASSERT_TRUE(findings);
  EXPECT_TRUE(findings->empty());
}

TEST(XConnector, ServerErrorThenSuccess) {
  Rig rig;
  rig.plan.media.push_back(rig.photo("foto.jpg", 200'000, "alt"));
  rig.fake.inject(failure("/2/media/upload/", "POST", 500,
                          R"({"title":"Internal Server Error","status":500})"));
  rig.fake.inject(
      failure("/2/tweets", "POST", 503, R"({"title":"Service Unavailable","status":503})"));
  auto c = rig.connector();
  std::vector<RemoteItem> media;
  Result<RemoteItem> post = publish(*c, rig.plan, &media);
  ASSERT_TRUE(post) << post.error().to_string();
  EXPECT_EQ(rig.fake.posts(), 1);
  EXPECT_EQ(rig.fake.stored_bytes(media[0].id), 200'000u);
  EXPECT_EQ(rig.fake.requests("/2/tweets"), 2);
}

TEST(XConnector, RateLimitWithRetryAfterIsWaitedOut) {
  Rig rig;
  rig.fake.inject(failure("/2/tweets", "POST", 429,
                          R"({"title":"Too Many Requests","detail":"Too Many Requests",)"
                          R"("type":"about:blank","status":429})",
                          "1"));
  auto c = rig.connector();
  const auto start = std::chrono::steady_clock::now();
  Result<RemoteItem> post = publish(*c, rig.plan);
  ASSERT_TRUE(post) << post.error().to_string();
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(900));
  EXPECT_EQ(rig.fake.posts(), 1);
}

TEST(XConnector, RateLimitUntilLaterSaysWhenToRetry) {
  Rig rig;
  const long long reset = static_cast<long long>(std::time(nullptr)) + 900;
  rig.fake.set_post_limit(0, reset);
  auto c = rig.connector();
  Result<RemoteItem> post = publish(*c, rig.plan);
  ASSERT_FALSE(post);
  EXPECT_NE(post.error().message.find("channel x:"), std::string::npos);
  EXPECT_NE(post.error().message.find("until"), std::string::npos) << post.error().message;
  EXPECT_NE(post.error().message.find("run publish again after"), std::string::npos);
  EXPECT_EQ(rig.fake.posts(), 0);
  EXPECT_EQ(rig.fake.requests("/2/tweets"), 1);  // not hammered
}

TEST(XConnector, ConnectionCutInTheMiddleOfASegment) {
  Rig rig;
  test::FaultProxy proxy(
      rig.fake.port(),
      {.fault = test::Fault::kCloseAfter, .times = 1, .close_after_bytes = 40'000});
  rig.channel.url = proxy.url();
  rig.plan.media.push_back(rig.photo("foto.jpg", 300'000, "alt"));
  auto c = rig.connector();
  std::vector<RemoteItem> media;
  Result<RemoteItem> post = publish(*c, rig.plan, &media);
  ASSERT_TRUE(post) << post.error().to_string();
  EXPECT_EQ(proxy.faulted(), 1);
  EXPECT_EQ(rig.fake.stored_bytes(media[0].id), 300'000u);
  // The cut segment never reached the fake whole; it was sent again, nothing else.
  EXPECT_LE(rig.fake.append_bytes(), 300'000u + 5 * 512);
  EXPECT_EQ(rig.fake.posts(), 1);
}

TEST(XConnector, ExpiredTokenMidUploadIsRenewedWithTheRefreshToken) {
  Rig rig;
  test::ScopedEnv creds("SALURAN_CREDENTIALS", rig.dir / "credentials.toml");
  ASSERT_TRUE(store_credential("x", "refresh_token", "refresh-1"));
  rig.fake.add_refresh_token("refresh-1", "client-abc");
  rig.channel.client_id = "client-abc";
  rig.plan.media.push_back(rig.photo("foto.jpg", 300'000, "alt"));
  rig.fake.expire_token_after(3);  // initialize and two appends, then 401
  auto c = rig.connector();
  Result<RemoteItem> post = publish(*c, rig.plan);
  ASSERT_TRUE(post) << post.error().to_string();
  EXPECT_EQ(rig.fake.posts(), 1);
  EXPECT_EQ(rig.fake.uploads_started(), 1);
  Result<std::optional<std::string>> stored = read_credential("x", "refresh_token");
  ASSERT_TRUE(stored && *stored);
  EXPECT_NE(**stored, "refresh-1");  // X rotates refresh tokens: the new one is kept
  Result<std::optional<std::string>> secret = read_credential("x", "secret");
  ASSERT_TRUE(secret && *secret);
  EXPECT_EQ(**secret, rig.fake.access_token());
}

TEST(XConnector, ExpiredTokenWithoutRefreshSaysHowToGetOne) {
  Rig rig;
  test::ScopedEnv creds("SALURAN_CREDENTIALS", rig.dir / "none.toml");
  rig.fake.expire_token_after(0);
  auto c = rig.connector();
  Status s = c->test();
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kPermission);
  EXPECT_NE(s.error().message.find("channel x:"), std::string::npos);
  EXPECT_NE(s.error().message.find("saluran channels add x --kind x"), std::string::npos);
}

TEST(XConnector, LostPostAnswerIsFoundNotPostedTwice) {
  Rig rig;
  rig.fake.drop_post_answers(1);
  auto c = rig.connector();
  Result<RemoteItem> post = publish(*c, rig.plan);
  ASSERT_TRUE(post) << post.error().to_string();
  EXPECT_EQ(rig.fake.posts(), 1);
  EXPECT_EQ(post->id, rig.fake.post_list()[0].id);
  EXPECT_EQ(rig.fake.requests("/2/tweets"), 1);
  // A rerun (the ledger had only the intent) finds it and keeps it.
  auto again = rig.connector();
  Result<RemoteItem> rerun = publish(*again, rig.plan);
  ASSERT_TRUE(rerun) << rerun.error().to_string();
  EXPECT_EQ(rerun->id, post->id);
  EXPECT_EQ(rig.fake.posts(), 1);
}

TEST(XConnector, VideoStillProcessingIsPendingAtVerify) {
  Rig rig;
  rig.plan.media.push_back(rig.video("klip.mp4", 1));
  auto c = rig.connector();
  std::vector<RemoteItem> media;
  Result<RemoteItem> post = publish(*c, rig.plan, &media);
  ASSERT_TRUE(post) << post.error().to_string();
  rig.fake.set_media_state(media[0].id, "in_progress");  // X still transcodes it
  rig.fake.hold_processing(true);
  Result<std::vector<Finding>> first = c->verify(rig.plan, *post, media);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->size(), 1u);
  EXPECT_TRUE((*first)[0].pending);
  rig.fake.set_media_state(media[0].id, "succeeded");
  Result<std::vector<Finding>> later = c->verify(rig.plan, *post, media);
  ASSERT_TRUE(later);
  EXPECT_TRUE(later->empty());
}

TEST(XConnector, DuplicateContentIsRefusedWithAClearMessage) {
  Rig rig;
  auto c = rig.connector();
  ASSERT_TRUE(c->put_post(rig.plan, "a", {}, std::nullopt));
  Result<RemoteItem> again = c->put_post(rig.plan, "b", {}, std::nullopt);
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message.find("channel x:"), std::string::npos);
  EXPECT_NE(again.error().message.find("same text"), std::string::npos);
  EXPECT_EQ(rig.fake.posts(), 1);
}

TEST(XConnector, KilledUploadContinuesFromTheKeptSegment) {
  Rig rig;
  rig.plan.media.push_back(rig.photo("foto.jpg", 600'000, "alt"));  // 10 segments of 64 KB
  auto first = rig.connector();
  int acknowledged = 0;
  // The run "dies" after 4 segments: the 5th is refused, the connector returns an error.
  first = std::make_unique<XConnector>(
      rig.channel,
      ConnectorContext{rig.fake.access_token(), &rig.client,
                       [&](std::uint64_t, std::uint64_t) {
                         if (++acknowledged == 4)
                           rig.fake.inject(failure("/2/media/upload/", "", 400,
                                                   R"({"title":"Invalid Request"})"));
                       }},
      XConnector::Options{.segment_bytes = 64 << 10});
  first->set_state(&rig.state);
  ASSERT_FALSE(first->upload_media(rig.plan, rig.plan.media[0]));
  ASSERT_FALSE(rig.state.map_.empty());
  http::Client next_run(client_options());  // a new process: new connections
  XConnector second(rig.channel, ConnectorContext{rig.fake.access_token(), &next_run},
                    XConnector::Options{.segment_bytes = 64 << 10});
  second.set_state(&rig.state);
  std::vector<RemoteItem> media;
  Result<RemoteItem> post = publish(second, rig.plan, &media);
  ASSERT_TRUE(post) << post.error().to_string();
  EXPECT_EQ(rig.fake.uploads_started(), 1);
  EXPECT_EQ(rig.fake.appends(), 10);
  EXPECT_EQ(rig.fake.stored_bytes(media[0].id), 600'000u);
  EXPECT_LE(rig.fake.append_bytes(), 600'000u + 10 * 512);
}

TEST(XConnector, SegmentWhoseAnswerWasLostIsSentAgainAndReplaced) {
  Rig rig;
  rig.plan.media.push_back(rig.photo("foto.jpg", 300'000, "alt"));  // 5 segments of 64 KB
  rig.fake.drop_append_answers(1);
  auto c = rig.connector();
  std::vector<RemoteItem> media;
  Result<RemoteItem> post = publish(*c, rig.plan, &media);
  ASSERT_TRUE(post) << post.error().to_string();
  EXPECT_EQ(rig.fake.appends(), 6);  // the first segment twice: X keeps the last copy
  EXPECT_EQ(rig.fake.stored_bytes(media[0].id), 300'000u);
  EXPECT_LE(rig.fake.append_bytes(), 300'000u + (64u << 10) + 6 * 512);
  EXPECT_EQ(rig.fake.completed_uploads(), 1);
}

TEST(XConnector, ExpiredKeptUploadStartsAgain) {
  Rig rig;
  rig.plan.media.push_back(rig.photo("foto.jpg", 200'000, "alt"));
  rig.state.map_["upload:foto.jpg"] =
      R"({"id":"42","media_key":"3_42","total":200000,"next":2,"finalized":false,)"
      R"("done":false,"expires":1})";
  auto c = rig.connector();
  std::vector<RemoteItem> media;
  Result<RemoteItem> post = publish(*c, rig.plan, &media);
  ASSERT_TRUE(post) << post.error().to_string();
  EXPECT_EQ(rig.fake.uploads_started(), 1);
  EXPECT_EQ(rig.fake.stored_bytes(media[0].id), 200'000u);
}

TEST(XConnector, FinishedUploadIsFoundNotSentAgain) {
  Rig rig;
  rig.plan.media.push_back(rig.photo("foto.jpg", 100'000, "alt"));
  auto c = rig.connector();
  ASSERT_TRUE(c->upload_media(rig.plan, rig.plan.media[0]));  // killed before the ledger's done
  const std::uint64_t sent = rig.fake.append_bytes();
  auto again = rig.connector();
  Result<std::optional<RemoteItem>> found = again->find_media(rig.plan.media[0]);
  ASSERT_TRUE(found && *found);
  EXPECT_LE(rig.fake.append_bytes(), sent);
  EXPECT_EQ(rig.fake.uploads_started(), 1);
}

TEST(XConnector, VideoLongerThanTheAccountMayPostIsRefused) {
  Rig rig;
  rig.fake.set_max_video_seconds(140);
  rig.plan.media.push_back(rig.video("panjang.mp4", 150));
  auto c = rig.connector(1 << 20);
  Result<RemoteItem> post = publish(*c, rig.plan);
  ASSERT_FALSE(post);
  EXPECT_EQ(post.error().code, ErrorCode::kLimitExceeded);
  EXPECT_NE(post.error().message.find("2 minutes and 20 seconds"), std::string::npos)
      << post.error().message;
  EXPECT_EQ(rig.fake.posts(), 0);
}

TEST(XConnector, LimitsAreCheckedBeforeSending) {
  Rig rig;
  for (int i = 0; i < 5; ++i)
    rig.plan.media.push_back(rig.photo("f" + std::to_string(i) + ".jpg", 1000, ""));
  auto c = rig.connector();
  std::vector<RemoteItem> none(5);
  Result<RemoteItem> five = c->put_post(rig.plan, "s", none, std::nullopt);
  ASSERT_FALSE(five);
  EXPECT_NE(five.error().message.find("up to 4 photos"), std::string::npos);
  rig.plan.media.clear();
  rig.plan.text.caption =
      std::string(141, 'a') + " \xE6\x97\xA5\xE6\x9C\xAC" + std::string(135, 'b');
  Result<RemoteItem> heavy = c->put_post(rig.plan, "s", {}, std::nullopt);
  ASSERT_FALSE(heavy);
  EXPECT_NE(heavy.error().message.find("weighs 281"), std::string::npos) << heavy.error().message;
  EXPECT_EQ(rig.fake.requests("/2/tweets"), 0);
}

TEST(XConnector, SameTextIgnoresTcoLinksAndEscapes) {
  EXPECT_TRUE(XConnector::same_text("Lihat https://example.go.id/a & b",
                                    "Lihat https://t.co/L1 &amp; b https://t.co/M2"));
  EXPECT_TRUE(XConnector::same_text("Halo", "Halo"));
  EXPECT_FALSE(XConnector::same_text("Halo", "Halo dunia"));
  EXPECT_FALSE(XConnector::same_text("Lihat https://a.id", "Lihat"));
}

TEST(XConnector, TestChecksTheAccount) {
  Rig rig;
  EXPECT_TRUE(rig.connector()->test());
  rig.channel.account = "999";
  Status s = rig.connector()->test();
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("@diskominfo"), std::string::npos);
}

}  // namespace
}  // namespace saluran

namespace saluran {
namespace {

// The measurement of the report: 4 photos (one post) and a 1-minute clip (another: X takes
// photos or a video), with X's default segment size, against the fake answering at once.
// Encoding the clip takes ffmpeg most of a minute on a busy machine, so it runs on request:
// SALURAN_X_MEASURE=1 build/dev/saluran_tests --gtest_filter='XConnectorMeasure.*'
TEST(XConnectorMeasure, FourPhotosAndAOneMinuteClip) {
  if (std::getenv("SALURAN_X_MEASURE") == nullptr) GTEST_SKIP() << "set SALURAN_X_MEASURE=1";
  Rig rig;
  std::uint64_t photo_bytes = 0;
  for (int i = 0; i < 4; ++i) {
    const std::string path = rig.dir / ("foto-" + std::to_string(i) + ".jpg");
    const std::string cmd =
        "ffmpeg -nostdin -loglevel error -y -f lavfi -i testsrc2=size=1280x720 -frames:v 1 "
        "-q:v 3 " +
        path;
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    PlannedMedia m;
    m.kind = "photo";
    m.upload_name = "foto-" + std::to_string(i) + ".jpg";
    m.alt = "Foto " + std::to_string(i);
    m.file = path;
    photo_bytes += std::filesystem::file_size(path);
    rig.plan.media.push_back(m);
  }
  ChannelPlan clip = rig.plan;
  clip.text.caption = "Video peresmian jembatan https://example.go.id/berita/jembatan";
  clip.media = {rig.video("klip.mp4", 60, "640x360", "30")};
  const std::uint64_t clip_bytes = std::filesystem::file_size(clip.media[0].file);
  auto c = rig.connector(XConnector::Options{}.segment_bytes);
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(publish(*c, rig.plan));
  const int photo_requests = rig.fake.requests();
  const std::uint64_t photo_sent = rig.fake.bytes_received() + rig.fake.append_bytes();
  const std::uint64_t photo_appended = rig.fake.append_bytes();
  ASSERT_TRUE(publish(*c, clip));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const int clip_requests = rig.fake.requests() - photo_requests;
  const std::uint64_t clip_sent = rig.fake.bytes_received() + rig.fake.append_bytes() - photo_sent;
  std::printf(
      "x measure: photos %llu B in %d requests, %llu B sent; clip %llu B in %d requests, "
      "%llu B sent; connector calls %.3f s\n",
      static_cast<unsigned long long>(photo_bytes), photo_requests,
      static_cast<unsigned long long>(photo_sent), static_cast<unsigned long long>(clip_bytes),
      clip_requests, static_cast<unsigned long long>(clip_sent), seconds);
  // initialize, append, finalize, alt text; users/me, timeline, post
  EXPECT_EQ(photo_requests, 4 * 4 + 3);
  EXPECT_LE(photo_appended, photo_bytes + 4 * 512);
  const int segments = static_cast<int>((clip_bytes + (4u << 20) - 1) / (4u << 20));
  EXPECT_EQ(clip_requests, 1 + segments + 1 + 2 + 2);  // + finalize, 2 polls, timeline, post
  EXPECT_LE(rig.fake.append_bytes() - photo_appended, clip_bytes + segments * 512);
  EXPECT_EQ(rig.fake.posts(), 2);
}

}  // namespace
}  // namespace saluran
