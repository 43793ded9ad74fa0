// The HTTP client against a real WordPress (tests/servers/wordpress), started once per suite.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <iostream>

#include "connectors/http/client.hpp"
#include "tests/support/fault_proxy.hpp"
#include "tests/support/real_server.hpp"

namespace saluran::http {
namespace {

using namespace std::chrono_literals;

class RealWordPress : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new test::RealServer("wordpress");
    if (server_->running()) {
      std::cout << "[ wordpress ] started at " << server_->url() << " in "
                << server_->start_seconds() << " s\n";
      jpeg_ = new test::TempDir("wp-media");
      jpeg_path_ = *jpeg_ / "saluran-test-photo.jpg";
      test::run_command("ffmpeg -loglevel error -y -f lavfi -i testsrc=size=640x480 -frames:v 1 " +
                        test::shell_quote(jpeg_path_) + " 2>&1");
    }
  }
  static void TearDownTestSuite() {
    delete jpeg_;
    jpeg_ = nullptr;
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    if (server_->not_installed()) GTEST_SKIP() << server_->problem();
    ASSERT_TRUE(server_->running()) << server_->problem();
    ASSERT_TRUE(std::filesystem::exists(jpeg_path_)) << "ffmpeg could not make the test JPEG";
  }

  static std::string api(const std::string& path) {
    return server_->url() + "/wp-json/wp/v2" + path;
  }
  static std::string auth() {
    return basic_auth(server_->credential("user"), server_->credential("app_password"));
  }
  static Request upload_request(const std::string& url) {
    Request req{.method = "POST", .url = url, .body = FileBody{.path = jpeg_path_}};
    req.headers.set("Authorization", auth());
    req.headers.set("Content-Type", "image/jpeg");
    req.headers.set("Content-Disposition", "attachment; filename=\"saluran-test-photo.jpg\"");
    return req;
  }

  static test::RealServer* server_;
  static test::TempDir* jpeg_;
  static std::string jpeg_path_;
};

test::RealServer* RealWordPress::server_ = nullptr;
test::TempDir* RealWordPress::jpeg_ = nullptr;
std::string RealWordPress::jpeg_path_;

TEST_F(RealWordPress, UploadsReadsBackAndDeletesMedia) {
  Client client;
  std::uint64_t last_sent = 0;
  Result<Response> up =
      client.send(upload_request(api("/media")), [&](const Progress& p) { last_sent = p.sent; });
  ASSERT_TRUE(up.ok()) << up.error().to_string();
  EXPECT_EQ(up->status, 201);
  EXPECT_EQ(last_sent, std::filesystem::file_size(jpeg_path_));
  const auto media = nlohmann::json::parse(up->body);
  ASSERT_TRUE(media.contains("id"));
  const int id = media["id"];
  const std::string source_url = media["source_url"];
  EXPECT_EQ(source_url.rfind(server_->url(), 0), 0u) << source_url;
  EXPECT_EQ(media["media_type"], "image");

  Request get{.url = api("/media/" + std::to_string(id))};
  get.headers.set("Authorization", auth());
  Result<Response> back = client.send(get);
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(nlohmann::json::parse(back->body)["source_url"], source_url);

  // The file itself, byte for byte as sent (WordPress keeps originals under 2560 px).
  test::TempDir dir("wp-get");
  Result<Response> file = client.send({.url = source_url, .response_file = dir / "got.jpg"});
  ASSERT_TRUE(file.ok()) << file.error().to_string();
  EXPECT_EQ(file->headers.get("content-type"), "image/jpeg");
  EXPECT_EQ(std::filesystem::file_size(dir / "got.jpg"), std::filesystem::file_size(jpeg_path_));

  Request del{.method = "DELETE", .url = api("/media/" + std::to_string(id) + "?force=true")};
  del.headers.set("Authorization", auth());
  Result<Response> gone = client.send(del);
  ASSERT_TRUE(gone.ok()) << gone.error().to_string();
  EXPECT_EQ(nlohmann::json::parse(gone->body)["deleted"], true);
  Result<Response> again = client.send(get);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kNotFound) << again.error().to_string();
}

TEST_F(RealWordPress, WrongPasswordIsRefusedWithoutRetry) {
  int sleeps = 0;
  ClientOptions o;
  o.retry.sleep = [&](std::chrono::milliseconds) { ++sleeps; };
  std::vector<std::string> log;
  o.log = [&](std::string_view line) { log.emplace_back(line); };
  Client client(o);
  Request req = upload_request(api("/media"));
  req.headers.set("Authorization", basic_auth(server_->credential("user"), "wrong pass word 0000"));
  Result<Response> r = client.send(req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kPermission) << r.error().to_string();
  EXPECT_NE(r.error().to_string().find("HTTP 401"), std::string::npos) << r.error().to_string();
  EXPECT_EQ(sleeps, 0);
  for (const std::string& line : log) EXPECT_EQ(line.find("d3Jvbm"), std::string::npos) << line;
}

TEST_F(RealWordPress, UploadSurvivesA503AndACutConnection) {
  const int port = std::stoi(server_->url().substr(server_->url().rfind(':') + 1));
  test::FaultProxy proxy(port, {.fault = test::Fault::kAnswer503, .times = 1});
  ClientOptions o;
  o.retry.initial_delay = 10ms;
  Client client(o);
  Result<Response> first = client.send(upload_request(proxy.url("/wp-json/wp/v2/media")));
  ASSERT_TRUE(first.ok()) << first.error().to_string();
  EXPECT_EQ(first->attempts, 2);
  proxy.set_plan({.fault = test::Fault::kCloseAfter, .times = 1, .close_after_bytes = 2000});
  Result<Response> second = client.send(upload_request(proxy.url("/wp-json/wp/v2/media")));
  ASSERT_TRUE(second.ok()) << second.error().to_string();
  EXPECT_EQ(second->attempts, 2);
  // Two uploads made two media, not three: the cut request never reached WordPress whole.
  Request list{.url = api("/media?search=saluran-test-photo&per_page=100")};
  list.headers.set("Authorization", auth());
  Result<Response> found = client.send(list);
  ASSERT_TRUE(found.ok()) << found.error().to_string();
  const auto items = nlohmann::json::parse(found->body);
  EXPECT_EQ(items.size(), 2u) << found->body.substr(0, 300);
  for (const auto& item : items) {
    Request del{.method = "DELETE",
                .url = api("/media/" + std::to_string(item["id"].get<int>()) + "?force=true")};
    del.headers.set("Authorization", auth());
    EXPECT_TRUE(client.send(del).ok());
  }
}

}  // namespace
}  // namespace saluran::http
