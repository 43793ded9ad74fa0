// The Icecast connector against a real Icecast 2 (tests/servers/icecast): a live push that is
// checked while it plays, the refusals a station gives, and a server that stalls or hangs up.

#include "connectors/icecast.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <iostream>
#include <mutex>
#include <thread>

#include "connectors/http/form.hpp"
#include "connectors/icecast_live.hpp"
#include "tests/support/fault_proxy.hpp"
#include "tests/support/real_server.hpp"

namespace saluran {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr int kClipSeconds = 6;
// The story title as the radio shows it: Indonesian text, an accent and an emoji (Icecast
// writes the emoji as &#127753; into its status).
const std::string kTitle = "Bupati meresmikan Jembatan Cikapundung é 🌉";

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

class IcecastConnectorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new test::RealServer("icecast");
    clips_ = new test::TempDir("icecast-clips");
    // What the radio-clip preset makes: MP3, 44.1 kHz mono, 128 kbps CBR.
    const std::string mp3 = " -ac 1 -ar 44100 -c:a libmp3lame -b:a 128k ";
    test::run_command("ffmpeg -loglevel error -y -f lavfi -i sine=frequency=440:duration=" +
                      std::to_string(kClipSeconds) + mp3 + test::shell_quote(tone()) + " 2>&1");
    test::run_command("ffmpeg -loglevel error -y -f lavfi -i anullsrc=r=44100:cl=mono -t 4" + mp3 +
                      test::shell_quote(silence()) + " 2>&1");
    test::run_command("ffmpeg -loglevel error -y -f lavfi -i sine=duration=1 " +
                      test::shell_quote(*clips_ / "clip.wav") + " 2>&1");
  }
  static void TearDownTestSuite() {
    delete clips_;
    clips_ = nullptr;
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    if (server_->not_installed()) GTEST_SKIP() << server_->problem();
    ASSERT_TRUE(server_->running()) << server_->problem();
    ASSERT_TRUE(std::filesystem::exists(tone())) << "ffmpeg could not make the test clip";
  }

  static std::string tone() { return *clips_ / "tone.mp3"; }
  static std::string silence() { return *clips_ / "silence.mp3"; }

  static ChannelConfig channel(const std::string& base, const std::string& mount) {
    ChannelConfig c;
    c.name = "radio";
    c.kind = ChannelKind::kIcecast;
    c.url = base + mount;
    c.secret_env = "SALURAN_RADIO_PASSWORD";
    return c;
  }
  static ChannelPlan plan(const ChannelConfig& c, const std::string& file) {
    ChannelPlan p;
    p.channel = c;
    p.text.title = kTitle;
    PlannedMedia m;
    m.role = MediaRole::kRadio;
    m.preset = "radio-clip";
    m.file = file;
    m.kind = "audio";
    m.made = true;
    m.upload_name = "jembatan-ab12cd34-radio-clip.mp3";
    p.media.push_back(m);
    return p;
  }
  IcecastConnector connector(const ChannelConfig& c, const std::string& password,
                             IcecastOptions options = {}) {
    return IcecastConnector(c, ConnectorContext{.secret = password, .client = &client_}, options);
  }
  static std::string password() { return server_->credential("source_password"); }
  static int port() { return std::stoi(server_->url().substr(server_->url().rfind(':') + 1)); }

  http::Client client_;
  static test::RealServer* server_;
  static test::TempDir* clips_;
};

test::RealServer* IcecastConnectorTest::server_ = nullptr;
test::TempDir* IcecastConnectorTest::clips_ = nullptr;

TEST_F(IcecastConnectorTest, PushPlaysInRealTimeAndIsVerifiedWhilePlaying) {
  const ChannelConfig c = channel(server_->url(), "/berita.mp3");
  const ChannelPlan p = plan(c, tone());
  IcecastConnector radio = connector(c, password());
  ASSERT_TRUE(radio.test().ok()) << radio.test().error().to_string();

  const auto start = Clock::now();
  Result<RemoteItem> pushed = radio.upload_media(p, p.media[0]);
  const double took = seconds_since(start);
  ASSERT_TRUE(pushed.ok()) << pushed.error().to_string();
  std::cout << "[ icecast ] " << kClipSeconds << " s clip pushed in " << took << " s; check "
            << pushed->detail << "\n";
  // Real time: about the clip's length (a little less: the small lead), not a file copy's
  // instant, and not the server's source timeout on top.
  EXPECT_GE(took, kClipSeconds * 0.85);
  EXPECT_LT(took, kClipSeconds + 3.0);
  EXPECT_EQ(pushed->id, "/berita.mp3");
  EXPECT_EQ(pushed->url, server_->url() + "/berita.mp3");

  const LiveReport live = live_report_from_json(pushed->detail);
  EXPECT_TRUE(live.listed);
  EXPECT_EQ(live.server_type, "audio/mpeg");
  EXPECT_TRUE(live.title_set);
  EXPECT_EQ(live.title_seen, kTitle);
  EXPECT_GE(live.heard_seconds, 2.0);
  ASSERT_TRUE(live.heard_lufs.has_value());
  EXPECT_GT(*live.heard_lufs, -30.0);  // ffmpeg's sine is about -21 LUFS
  EXPECT_TRUE(live.problems.empty()) << live.problems.front();

  Result<RemoteItem> post = radio.put_post(p, "jembatan", {*pushed}, std::nullopt);
  ASSERT_TRUE(post.ok());
  EXPECT_EQ(post->url, server_->url() + "/berita.mp3");
  Result<std::vector<Finding>> findings = radio.verify(p, *post, {*pushed});
  ASSERT_TRUE(findings.ok());
  EXPECT_TRUE(findings->empty()) << findings->front().what << ": " << findings->front().found;
  // Over: the mount goes at once (the push hangs up when the last byte is out), not after the
  // server's source timeout (3 s here, 10 s by default).
  const auto over = Clock::now();
  while (find_source(*live_sources(client_, server_->url()), "/berita.mp3") &&
         seconds_since(over) < 5) {
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_LT(seconds_since(over), 1.0);
}

TEST_F(IcecastConnectorTest, SilenceOnTheMountIsAFinding) {
  const ChannelConfig c = channel(server_->url(), "/sunyi.mp3");
  const ChannelPlan p = plan(c, silence());
  IcecastConnector radio = connector(c, password());
  Result<RemoteItem> pushed = radio.upload_media(p, p.media[0]);
  ASSERT_TRUE(pushed.ok()) << pushed.error().to_string();
  Result<std::vector<Finding>> findings = radio.verify(p, *pushed, {*pushed});
  ASSERT_TRUE(findings.ok());
  ASSERT_EQ(findings->size(), 1u);
  EXPECT_EQ((*findings)[0].what, "sound heard");
  EXPECT_NE((*findings)[0].found.find("silence"), std::string::npos) << (*findings)[0].found;
}

TEST_F(IcecastConnectorTest, WrongPasswordGivesOneClearLine) {
  const ChannelConfig c = channel(server_->url(), "/berita.mp3");
  const ChannelPlan p = plan(c, tone());
  IcecastConnector radio = connector(c, "not-the-password");
  const auto start = Clock::now();
  Result<RemoteItem> pushed = radio.upload_media(p, p.media[0]);
  ASSERT_FALSE(pushed.ok());
  EXPECT_LT(seconds_since(start), 3.0);  // refused before the body, not after the clip
  const std::string line = pushed.error().to_string();
  std::cout << "[ icecast ] " << line << "\n";
  EXPECT_EQ(pushed.error().code, ErrorCode::kPermission);
  EXPECT_EQ(pushed.error().context.channel, "radio");
  EXPECT_NE(line.find("channel radio: "), std::string::npos) << line;
  EXPECT_NE(line.find("refused the source password"), std::string::npos) << line;
  EXPECT_NE(line.find("SALURAN_RADIO_PASSWORD"), std::string::npos) << line;
  EXPECT_EQ(line.find("not-the-password"), std::string::npos) << line;
  EXPECT_EQ(line.find('\n'), std::string::npos) << line;

  Status tested = radio.test();
  ASSERT_FALSE(tested.ok());
  EXPECT_NE(tested.error().to_string().find("refused the source password"), std::string::npos)
      << tested.error().to_string();
}

TEST_F(IcecastConnectorTest, MountInUseGivesOneClearLine) {
  const ChannelConfig c = channel(server_->url(), "/sibuk.mp3");
  const ChannelPlan p = plan(c, tone());
  IcecastConnector first = connector(c, password());
  std::atomic<bool> first_done{false};
  Result<RemoteItem> first_push = make_error(ErrorCode::kExternal, "not run");
  std::thread pusher([&] {
    first_push = first.upload_media(p, p.media[0]);
    first_done = true;
  });
  // Wait until the first source is live, then push a second one to the same mount.
  bool listed = false;
  while (!first_done && !listed) {
    Result<LiveSources> s = live_sources(client_, server_->url());
    listed = s.ok() && find_source(*s, "/sibuk.mp3").has_value();
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_TRUE(listed);
  IcecastConnector second = connector(c, password());
  Result<RemoteItem> again = second.upload_media(p, p.media[0]);
  Status tested = second.test();
  pusher.join();

  ASSERT_FALSE(again.ok());
  const std::string line = again.error().to_string();
  std::cout << "[ icecast ] " << line << "\n";
  EXPECT_NE(line.find("channel radio: mount /sibuk.mp3 is in use"), std::string::npos) << line;
  EXPECT_NE(line.find("publish again"), std::string::npos) << line;
  ASSERT_FALSE(tested.ok());
  EXPECT_NE(tested.error().to_string().find("is in use"), std::string::npos)
      << tested.error().to_string();
  // The first push went on and played whole.
  ASSERT_TRUE(first_push.ok()) << first_push.error().to_string();
  EXPECT_TRUE(live_report_from_json(first_push->detail).listed);
}

TEST_F(IcecastConnectorTest, StalledServerFailsWithinBounds) {
  test::FaultProxy proxy(port(), {.fault = test::Fault::kStall});
  const ChannelConfig c = channel(proxy.url(), "/berita.mp3");
  const ChannelPlan p = plan(c, tone());
  IcecastConnector radio = connector(c, password(), {.answer_timeout = 2s});
  const auto start = Clock::now();
  Result<RemoteItem> pushed = radio.upload_media(p, p.media[0]);
  const double took = seconds_since(start);
  ASSERT_FALSE(pushed.ok());
  const std::string line = pushed.error().to_string();
  std::cout << "[ icecast ] " << line << "\n";
  EXPECT_EQ(pushed.error().code, ErrorCode::kIo);
  EXPECT_NE(line.find("channel radio: the push to"), std::string::npos) << line;
  EXPECT_NE(line.find("no answer within 2 s"), std::string::npos) << line;
  EXPECT_LT(took, 8.0) << line;  // the answer timeout and one status request, not the clip

  const auto test_start = Clock::now();
  Status tested = radio.test();
  ASSERT_FALSE(tested.ok());
  EXPECT_LT(seconds_since(test_start), 5.0);
  EXPECT_NE(tested.error().to_string().find("cannot read the status of Icecast"), std::string::npos)
      << tested.error().to_string();
}

TEST_F(IcecastConnectorTest, ConnectionClosedMidPushFailsAtOnce) {
  // Each connection is cut after 4000 bytes of request: the push's body never gets through.
  test::FaultProxy proxy(port(), {.fault = test::Fault::kCloseAfter, .close_after_bytes = 4000});
  const ChannelConfig c = channel(proxy.url(), "/putus.mp3");
  const ChannelPlan p = plan(c, tone());
  std::mutex mutex;
  int puts = 0;
  http::Client logged({.log = [&](std::string_view line) {
    std::lock_guard lock(mutex);
    if (line.starts_with("> PUT /putus.mp3")) ++puts;
  }});
  IcecastConnector radio(c, ConnectorContext{.secret = password(), .client = &logged},
                         {.answer_timeout = 2s});
  const auto start = Clock::now();
  Result<RemoteItem> pushed = radio.upload_media(p, p.media[0]);
  ASSERT_FALSE(pushed.ok());
  const std::string line = pushed.error().to_string();
  std::cout << "[ icecast ] " << line << "\n";
  EXPECT_LT(seconds_since(start), 5.0) << line;
  EXPECT_NE(line.find("channel radio: the push to"), std::string::npos) << line;
  EXPECT_NE(line.find("broke off after"), std::string::npos) << line;
  EXPECT_NE(line.find("did not play whole"), std::string::npos) << line;
  EXPECT_EQ(line.find(password()), std::string::npos) << line;
  EXPECT_EQ(puts, 1) << "a live push is never sent twice";
}

TEST_F(IcecastConnectorTest, WhatCannotBePushedIsRefusedBeforeConnecting) {
  ChannelConfig c = channel(server_->url(), "/berita.mp3");
  ChannelPlan p = plan(c, *clips_ / "clip.wav");
  Result<RemoteItem> wav = connector(c, password()).upload_media(p, p.media[0]);
  ASSERT_FALSE(wav.ok());
  EXPECT_NE(wav.error().to_string().find("clip.wav cannot be streamed"), std::string::npos)
      << wav.error().to_string();

  c.url = server_->url() + "/";
  Status no_mount = connector(c, password()).test();
  ASSERT_FALSE(no_mount.ok());
  EXPECT_NE(no_mount.error().to_string().find("names no mount"), std::string::npos)
      << no_mount.error().to_string();

  c = channel(server_->url(), "/berita.mp3");
  Status no_secret = connector(c, "").test();
  ASSERT_FALSE(no_secret.ok());
  EXPECT_NE(no_secret.error().to_string().find("set SALURAN_RADIO_PASSWORD"), std::string::npos)
      << no_secret.error().to_string();
}

TEST(IcecastContentType, FromTheFileName) {
  EXPECT_EQ(IcecastConnector::content_type("a.mp3"), "audio/mpeg");
  EXPECT_EQ(IcecastConnector::content_type("A.MP3"), "audio/mpeg");
  EXPECT_EQ(IcecastConnector::content_type("a.ogg"), "audio/ogg");
  EXPECT_EQ(IcecastConnector::content_type("a.opus"), "audio/ogg");
  EXPECT_EQ(IcecastConnector::content_type("a.aac"), "audio/aac");
  EXPECT_EQ(IcecastConnector::content_type("a.wav"), std::nullopt);
}

TEST(IcecastLive, EntitiesAndQueryValues) {
  EXPECT_EQ(decode_entities("Jembatan &#xE9; &#127753; &amp; &lt;b&gt; &bogus; &#;"),
            "Jembatan é 🌉 & <b> &bogus; &#;");
  EXPECT_EQ(http::url_encode("/a b&c=é"), "%2Fa%20b%26c%3D%C3%A9");
}

TEST(IcecastLive, FindingsFromTheReport) {
  IcecastOptions o;
  LiveReport ok;
  ok.listed = true;
  ok.title_seen = "T";
  ok.heard_seconds = 3;
  ok.heard_lufs = -23;
  ok.clip_seconds = 6;
  EXPECT_TRUE(live_findings(ok, "T", o).empty());
  EXPECT_EQ(live_findings(live_report_from_json(to_json(ok).dump()), "T", o).size(), 0u);

  LiveReport unlisted;
  unlisted.problems = {"status-json.xsl could not be read: HTTP 500"};
  const auto f = live_findings(unlisted, "T", o);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].what, "mount listed");
  EXPECT_NE(f[0].found.find("HTTP 500"), std::string::npos);

  LiveReport wrong = ok;
  wrong.title_seen = "Other";
  wrong.heard_seconds = 0.2;
  const auto g = live_findings(wrong, "T", o);
  ASSERT_EQ(g.size(), 2u);
  EXPECT_EQ(g[0].what, "title");
  EXPECT_EQ(g[1].what, "sound heard");

  EXPECT_EQ(live_findings(live_report_from_json("not json"), "T", o)[0].found,
            "no record of the check made while the clip played");
}

}  // namespace
}  // namespace saluran
