// The HTTP client as a live source of a real Icecast 2 (tests/servers/icecast).

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <iostream>
#include <thread>

#include "connectors/http/client.hpp"
#include "tests/support/real_server.hpp"

namespace saluran::http {
namespace {

using namespace std::chrono_literals;

constexpr int kSeconds = 3;
constexpr int kBitrate = 128'000;

class RealIcecast : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new test::RealServer("icecast");
    if (server_->running()) {
      std::cout << "[ icecast ] started at " << server_->url() << " in " << server_->start_seconds()
                << " s\n";
      mp3_ = new test::TempDir("icecast-mp3");
      mp3_path_ = *mp3_ / "clip.mp3";
      test::run_command("ffmpeg -loglevel error -y -f lavfi -i sine=frequency=440:duration=" +
                        std::to_string(kSeconds) + " -ac 2 -ar 44100 -b:a " +
                        std::to_string(kBitrate) + " " + test::shell_quote(mp3_path_) + " 2>&1");
    }
  }
  static void TearDownTestSuite() {
    delete mp3_;
    mp3_ = nullptr;
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    if (server_->not_installed()) GTEST_SKIP() << server_->problem();
    ASSERT_TRUE(server_->running()) << server_->problem();
    ASSERT_TRUE(std::filesystem::exists(mp3_path_)) << "ffmpeg could not make the test MP3";
  }

  static Request source_request(const std::string& mount, const std::string& password) {
    Request req{
        .method = "PUT", .url = server_->url() + mount, .body = FileBody{.path = mp3_path_}};
    req.headers.set("Authorization", basic_auth("source", password));
    req.headers.set("Content-Type", "audio/mpeg");
    req.headers.set("Ice-Name", "Saluran test");
    req.headers.set("Ice-Public", "0");
    // Icecast answers a refusal (wrong password, mount in use) before the body; without this
    // it closes the socket mid-body and the client sees a reset instead of the 401 or 403.
    req.headers.set("Expect", "100-continue");
    // Real time: the file's bytes over its duration.
    req.max_send_bytes_per_second = std::filesystem::file_size(mp3_path_) / kSeconds;
    return req;
  }

  static test::RealServer* server_;
  static test::TempDir* mp3_;
  static std::string mp3_path_;
};

test::RealServer* RealIcecast::server_ = nullptr;
test::TempDir* RealIcecast::mp3_ = nullptr;
std::string RealIcecast::mp3_path_;

// The sources listed by status-json.xsl: an object for one mount, an array for several.
std::vector<nlohmann::json> live_sources(const Client& client, const std::string& base) {
  Result<Response> r = client.send({.url = base + "/status-json.xsl"});
  if (!r.ok()) return {};
  const auto json = nlohmann::json::parse(r->body, nullptr, false);
  if (json.is_discarded() || !json.contains("icestats")) return {};
  const auto& stats = json["icestats"];
  if (!stats.contains("source")) return {};
  if (stats["source"].is_array()) return stats["source"].get<std::vector<nlohmann::json>>();
  return {stats["source"]};
}

TEST_F(RealIcecast, SourcePutIsPacedAndListed) {
  Client client;
  const std::string mount = "/saluran-test.mp3";
  std::atomic<bool> done{false};
  std::atomic<bool> listed{false};
  std::string server_type;
  std::thread watcher([&] {
    Client poller({.timeouts = {.total = 2s}, .retry = {.max_attempts = 1}});
    while (!done && !listed) {
      for (const auto& s : live_sources(poller, server_->url())) {
        if (s.value("listenurl", "").ends_with(mount)) {
          server_type = s.value("server_type", "");
          listed = true;
        }
      }
      std::this_thread::sleep_for(100ms);
    }
  });
  const auto start = std::chrono::steady_clock::now();
  Result<Response> r = client.send(source_request(mount, server_->credential("source_password")));
  const auto took = std::chrono::steady_clock::now() - start;
  done = true;
  watcher.join();
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(listed) << "the mount never appeared in status-json.xsl";
  EXPECT_EQ(server_type, "audio/mpeg");
  EXPECT_EQ(r->bytes_sent, std::filesystem::file_size(mp3_path_));
  // Paced: about the clip's length, not the instant a local upload takes.
  EXPECT_GE(took, std::chrono::milliseconds(kSeconds * 1000 * 8 / 10));
  EXPECT_LT(took, std::chrono::seconds(kSeconds + 15));
  std::cout << "[ icecast ] " << kSeconds << " s clip sent in "
            << std::chrono::duration<double>(took).count() << " s\n";
}

TEST_F(RealIcecast, WrongSourcePasswordIsRefused) {
  int sleeps = 0;
  ClientOptions o;
  o.retry.sleep = [&](std::chrono::milliseconds) { ++sleeps; };
  Client client(o);
  Result<Response> r = client.send(source_request("/refused.mp3", "not-the-password"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kPermission) << r.error().to_string();
  EXPECT_NE(r.error().to_string().find("HTTP 401"), std::string::npos) << r.error().to_string();
  EXPECT_EQ(sleeps, 0);
}

}  // namespace
}  // namespace saluran::http
