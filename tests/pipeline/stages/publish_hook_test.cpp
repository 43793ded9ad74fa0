#include "pipeline/stages/publish_hook.hpp"

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <mutex>
#include <thread>

#include "connectors/http/signature.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/scoped_env.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {

using namespace std::chrono_literals;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

PublishedEvent event() {
  PublishedEvent e;
  e.story_slug = "jembatan-cikapundung";
  e.story_title = "Bupati meresmikan Jembatan Cikapundung 🌉";
  e.channel.name = "website";
  e.channel.kind = ChannelKind::kWordPress;
  e.post = {.id = "12", .url = "http://127.0.0.1/jembatan/", .name = "jembatan", .detail = "{}"};
  e.media = {{.id = "34", .url = "http://127.0.0.1/a.jpg", .name = "a.jpg", .detail = "x"}};
  CheckReport check;
  check.file = "a.jpg";
  check.preset = "web";
  check.rules = {{"container", true, "jpeg", "jpeg"}};
  e.checks = {check};
  e.verified = true;
  e.findings = {{"title", "Jembatan", "Jembatan lama"}};
  e.published_at = "2026-12-07T03:00:00Z";
  return e;
}

TEST(PublishHook, DocumentCarriesStoryChannelPostChecksAndVerify) {
  const nlohmann::json j = nlohmann::json::parse(published_json(event()));
  EXPECT_EQ(j["event"], "published");
  EXPECT_EQ(j["published_at"], "2026-12-07T03:00:00Z");
  EXPECT_EQ(j["story"]["slug"], "jembatan-cikapundung");
  EXPECT_EQ(j["story"]["title"], "Bupati meresmikan Jembatan Cikapundung 🌉");
  EXPECT_EQ(j["channel"]["name"], "website");
  EXPECT_EQ(j["channel"]["kind"], "wordpress");
  EXPECT_EQ(j["post"]["id"], "12");
  EXPECT_EQ(j["post"]["url"], "http://127.0.0.1/jembatan/");
  EXPECT_FALSE(j["post"].contains("detail"));
  EXPECT_EQ(j["media"][0]["id"], "34");
  EXPECT_EQ(j["check"]["passed"], true);
  EXPECT_EQ(j["check"]["files"][0]["preset"], "web");
  EXPECT_EQ(j["verify"]["ran"], true);
  EXPECT_EQ(j["verify"]["passed"], false);
  EXPECT_EQ(j["verify"]["findings"][0]["found"], "Jembatan lama");
}

TEST(PublishHook, CommandGetsTheDocumentOnStandardInputWithoutSecrets) {
  test::TempDir dir("hook");
  test::ScopedEnv secret("SALURAN_WEBSITE_PASSWORD", "app-password-123");
  test::ScopedEnv key("SALURAN_WEBHOOK_KEY", "webhook-key-456");
  test::ScopedEnv other("SALURAN_RADIO_PASSWORD", "radio-789");
  test::ScopedEnv harmless("SALURAN_HOOK_TEST_VALUE", "kept");
  ChannelConfig c;
  c.name = "website";
  c.secret_env = "SALURAN_WEBSITE_PASSWORD";
  c.webhook_secret_env = "SALURAN_WEBHOOK_KEY";
  c.on_published = {"cat > " + test::shell_quote(dir / "in.json") + " && env > " +
                    test::shell_quote(dir / "env.txt")};
  const std::string json = published_json(event());
  HookReport report = run_publish_hooks(c, json, {.secret_env = {"SALURAN_RADIO_PASSWORD"}});
  ASSERT_EQ(report.outcomes.size(), 1u);
  EXPECT_TRUE(report.ok()) << report.outcomes[0].message;
  EXPECT_EQ(report.outcomes[0].exit_code, 0);
  EXPECT_EQ(read_file(dir / "in.json"), json);
  const std::string env = read_file(dir / "env.txt");
  EXPECT_NE(env.find("SALURAN_HOOK_TEST_VALUE=kept"), std::string::npos);
  for (const char* s : {"app-password-123", "webhook-key-456", "radio-789"}) {
    EXPECT_EQ(env.find(s), std::string::npos) << s << " reached the hook";
  }
}

TEST(PublishHook, FailingAndHangingCommandsAreReportedAndTheRestGoOn) {
  test::TempDir dir("hook");
  ChannelConfig c;
  c.name = "website";
  c.on_published = {"echo 'the office server is down' >&2; exit 3", "/nonexistent/notify-office",
                    "sleep 30", "cat > " + test::shell_quote(dir / "last.json")};
  const auto start = std::chrono::steady_clock::now();
  HookReport report =
      run_publish_hooks(c, "{\"x\":1}", {.timeout = 500ms, .client = nullptr, .secret_env = {}});
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  ASSERT_EQ(report.outcomes.size(), 4u);
  EXPECT_FALSE(report.ok());
  const std::vector<std::string> failures = report.failures();
  ASSERT_EQ(failures.size(), 3u);
  EXPECT_EQ(failures[0],
            "channel website: hook `echo 'the office server is down' >&2; exit 3` exited with "
            "status 3: the office server is down");
  EXPECT_EQ(report.outcomes[0].exit_code, 3);
  EXPECT_NE(failures[1].find("was not found (exit status 127)"), std::string::npos) << failures[1];
  EXPECT_NE(failures[2].find("did not finish within 0.5 s and was stopped"), std::string::npos)
      << failures[2];
  EXPECT_TRUE(report.outcomes[3].ok);
  EXPECT_EQ(read_file(dir / "last.json"), "{\"x\":1}");
}

// RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
TEST(PublishHook, HmacSha256MatchesRfc4231) {
  EXPECT_EQ(http::hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(PublishHook, WebhookIsSignedAndCheckedIndependently) {
  httplib::Server server;
  std::mutex mutex;
  std::string body, signature, type;
  server.Post("/hook", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mutex);
    body = req.body;
    signature = req.get_header_value("X-Saluran-Signature");
    type = req.get_header_value("Content-Type");
    res.set_content("ok", "text/plain");
  });
  server.Post("/broken", [](const httplib::Request&, httplib::Response& res) {
    res.status = 400;
    res.set_content("bad signature", "text/plain");
  });
  const int port = server.bind_to_any_port("127.0.0.1");
  std::thread t([&] { server.listen_after_bind(); });
  while (!server.is_running()) std::this_thread::yield();

  test::ScopedEnv key("SALURAN_WEBHOOK_KEY", "webhook-key-456");
  ChannelConfig c;
  c.name = "website";
  c.webhook_url = "http://127.0.0.1:" + std::to_string(port) + "/hook";
  c.webhook_secret_env = "SALURAN_WEBHOOK_KEY";
  const std::string json = published_json(event());
  HookReport report = run_publish_hooks(c, json);
  c.webhook_url = "http://127.0.0.1:" + std::to_string(port) + "/broken";
  HookReport refused = run_publish_hooks(c, json);
  c.webhook_secret_env = "SALURAN_UNSET_KEY_FOR_TEST";
  HookReport unsigned_hook = run_publish_hooks(c, json);
  server.stop();
  t.join();

  ASSERT_TRUE(report.ok()) << report.failures().front();
  EXPECT_EQ(report.outcomes[0].http_status, 200);
  EXPECT_EQ(body, json);
  EXPECT_EQ(type, "application/json");
  // An independent computation of the signature: the openssl command line.
  test::TempDir dir("hook");
  std::ofstream(dir / "body.json", std::ios::binary) << json;
  const test::CommandResult openssl = test::run_command(
      "openssl dgst -sha256 -hmac webhook-key-456 -r " + test::shell_quote(dir / "body.json"));
  if (openssl.exit_code == 0) {
    EXPECT_EQ(signature, "sha256=" + openssl.out.substr(0, 64));
  } else {
    EXPECT_EQ(signature, "sha256=" + http::hmac_sha256_hex("webhook-key-456", json));
  }
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.outcomes[0].http_status, 400);
  EXPECT_NE(refused.failures()[0].find("channel website: webhook"), std::string::npos);
  EXPECT_NE(refused.failures()[0].find("bad signature"), std::string::npos);
  ASSERT_FALSE(unsigned_hook.ok());
  EXPECT_NE(unsigned_hook.failures()[0].find("SALURAN_UNSET_KEY_FOR_TEST is not set"),
            std::string::npos);
}

}  // namespace
}  // namespace saluran
