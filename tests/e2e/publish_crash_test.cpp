// Exactly once against the real WordPress: `saluran publish` of a story with 10 photos and a
// video is killed with SIGKILL at 10 random moments (while rendering, uploading, posting or
// verifying), then run to completion. Afterwards WordPress holds exactly one post of the story
// and each media file once, and the catalog's ledger names the same remote ids.

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <map>
#include <random>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "connectors/http/client.hpp"
#include "pipeline/catalog/catalog.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/platform_story.hpp"
#include "tests/support/real_server.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {

namespace fs = std::filesystem;

// Every item of a WordPress collection, over all pages (context=edit sees drafts too).
nlohmann::json wp_all(const http::Client& client, const std::string& base, const std::string& auth,
                      const std::string& what) {
  nlohmann::json all = nlohmann::json::array();
  for (int page = 1;; ++page) {
    http::Request req{.url = fmt::format("{}/wp-json/wp/v2/{}?per_page=100&page={}&context=edit"
                                         "&status=any",
                                         base, what, page)};
    if (what == "media")
      req.url = fmt::format("{}/wp-json/wp/v2/media?per_page=100&page={}", base, page);
    req.headers.set("Authorization", auth);
    req.accepted_statuses = {400};
    Result<http::Response> r = client.send(req);
    EXPECT_TRUE(r) << (r ? "" : r.error().to_string());
    if (!r || r->status == 400) break;
    const nlohmann::json items = nlohmann::json::parse(r->body);
    if (items.empty()) break;
    for (const nlohmann::json& i : items) all.push_back(i);
  }
  return all;
}

TEST(PublishCrash, KilledAtRandomMomentsThenFinishedWithOnePostAndEachFileOnce) {
  test::RealServer wp("wordpress");
  if (wp.not_installed()) GTEST_SKIP() << wp.problem();
  ASSERT_TRUE(wp.running()) << wp.problem();
  test::TempDir dir("publish-crash");
  const fs::path src = dir.path() / "card", lib = dir.path() / "library";
  fs::create_directories(src);
  test::Sources sources;
  sources.photos = 10;
  sources.photo_size = "2400x1600";
  test::make_sources(src, sources);
  ASSERT_EQ(test::run_command(test::shell_quote(test::cli_path()) + " ingest " +
                              test::shell_quote(src.string()) + " --library " +
                              test::shell_quote(lib.string()) + " --quiet")
                .exit_code,
            0);
  std::ofstream(dir.path() / "story.toml")
      << test::story_text(lib.string(), "\"website\"", "uji-tabrakan-jembatan");
  std::ofstream(dir.path() / "channels.toml") << fmt::format(
      "[channels.website]\nkind = \"wordpress\"\nurl = \"{}\"\nuser = \"{}\"\n"
      "secret_env = \"SALURAN_TEST_WP_PASSWORD\"\n",
      wp.credential("url"), wp.credential("user"));
  ::setenv("SALURAN_TEST_WP_PASSWORD", wp.credential("app_password").c_str(), 1);
  const std::vector<std::string> args = {"publish", (dir.path() / "story.toml").string(),
                                         "--library", lib.string(), "--quiet"};
  // Render first (a dry run does all but the remote calls), so the kills land while sending.
  ASSERT_EQ(test::wait_exit(test::spawn_cli({"publish", (dir.path() / "story.toml").string(),
                                             "--library", lib.string(), "--quiet", "--dry-run"})),
            0);
  std::mt19937 rng(20261207);
  std::uniform_int_distribution<int> delay_ms(50, 4000);
  int killed = 0;
  for (int i = 0; i < 10; ++i) {
    const pid_t pid = test::spawn_cli(args);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
    if (::kill(pid, SIGKILL) == 0) ++killed;
    test::wait_exit(pid);
  }
  EXPECT_GE(killed, 5);  // most kills landed while the run was still working
  const pid_t last = test::spawn_cli(args);
  ASSERT_EQ(test::wait_exit(last), 0) << "the run after the kills did not finish cleanly";

  const http::Client client;
  const std::string base = wp.credential("url");
  const std::string auth = http::basic_auth(wp.credential("user"), wp.credential("app_password"));
  int posts = 0;
  for (const nlohmann::json& p : wp_all(client, base, auth, "posts"))
    posts += p["slug"].get<std::string>().starts_with("uji-tabrakan-jembatan") ? 1 : 0;
  EXPECT_EQ(posts, 1);
  std::map<std::string, int> media_ids;  // remote id -> count of ledger rows naming it
  Result<Catalog> catalog = Catalog::open(catalog_path(lib.string()));
  ASSERT_TRUE(catalog);
  Result<std::vector<LedgerEntry>> rows = catalog->ledger_entries("uji-tabrakan-jembatan");
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 12u);  // 11 media and the post
  for (const LedgerEntry& e : *rows) {
    EXPECT_EQ(e.state, LedgerState::kDone) << e.item;
    if (e.item != "post") ++media_ids[e.remote_id];
  }
  const nlohmann::json media = wp_all(client, base, auth, "media");
  EXPECT_EQ(media.size(), 11u) << "WordPress holds each file once";
  for (const nlohmann::json& m : media)
    EXPECT_EQ(media_ids[std::to_string(m["id"].get<int>())], 1) << m["source_url"];
}

}  // namespace
}  // namespace saluran
