// Exactly once against the real WordPress: `saluran publish` of a story with 10 photos and a
// video is killed with SIGKILL at 10 random moments (while rendering, uploading, posting or
// verifying), then run to completion. Afterwards WordPress holds exactly one post of the story
// and each media file once, and the catalog's ledger names the same remote ids.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

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
#include "tests/support/real_server.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {

namespace fs = std::filesystem;

// Ten distinct photos and a 6-second clip with sound, made by the ffmpeg CLI.
void make_sources(const fs::path& dir) {
  for (int i = 0; i < 10; ++i) {
    const std::string cmd = fmt::format(
        "ffmpeg -v error -y -f lavfi -i testsrc2=s=2400x1600:d=1 -vf hue=h={} -frames:v 1 "
        "-q:v 3 {}",
        i * 36, test::shell_quote((dir / fmt::format("IMG_{:04}.jpg", i + 1)).string()));
    ASSERT_EQ(test::run_command(cmd).exit_code, 0) << cmd;
  }
  const std::string clip = fmt::format(
      "ffmpeg -v error -y -f lavfi -i testsrc2=s=1280x720:r=25:d=6 -f lavfi -i sine=f=440:d=6 "
      "-c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -shortest {}",
      test::shell_quote((dir / "C0001.MP4").string()));
  ASSERT_EQ(test::run_command(clip).exit_code, 0);
}

// The story: the first photo as cover, the others as gallery, the clip as the video.
std::string story_text(const std::string& library) {
  const test::CommandResult inv =
      test::run_command(test::shell_quote(test::cli_path()) + " inventory --json --library " +
                        test::shell_quote(library));
  const nlohmann::json assets = nlohmann::json::parse(inv.out)["assets"];
  std::string media;
  bool cover = false;
  for (const nlohmann::json& a : assets) {
    const std::string kind = a["kind"];
    const std::string role = kind == "video" ? "video" : !cover ? "cover" : "gallery";
    if (kind == "photo") cover = true;
    media += fmt::format("\n[[media]]\npath = \"{}\"\nrole = \"{}\"\nalt = \"Foto {}\"\n",
                         a["library_path"].get<std::string>(), role, a["id"].get<int>());
  }
  return "title = \"Uji tabrakan: peresmian jembatan 🌉\"\n"
         "slug = \"uji-tabrakan-jembatan\"\n"
         "summary = \"Ringkasan.\"\n"
         "body = \"\"\"Paragraf pertama tentang peresmian.\n\nParagraf kedua.\"\"\"\n"
         "tags = [\"jembatan\"]\ncategory = \"Berita\"\ndate = \"2025-03-14\"\n"
         "place = \"Desa Sukamaju\"\ncredits = \"Tim Diskominfo\"\n"
         "channels = [\"website\"]\n" +
         media;
}

pid_t spawn_publish(const std::vector<std::string>& args) {
  const pid_t pid = fork();
  if (pid == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    dup2(null, 1);
    dup2(null, 2);
    std::vector<char*> argv;
    const std::string cli = test::cli_path();
    argv.push_back(const_cast<char*>(cli.c_str()));
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(cli.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

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
  make_sources(src);
  ASSERT_EQ(test::run_command(test::shell_quote(test::cli_path()) + " ingest " +
                              test::shell_quote(src.string()) + " --library " +
                              test::shell_quote(lib.string()) + " --quiet")
                .exit_code,
            0);
  std::ofstream(dir.path() / "story.toml") << story_text(lib.string());
  std::ofstream(dir.path() / "channels.toml") << fmt::format(
      "[channels.website]\nkind = \"wordpress\"\nurl = \"{}\"\nuser = \"{}\"\n"
      "secret_env = \"SALURAN_TEST_WP_PASSWORD\"\n",
      wp.credential("url"), wp.credential("user"));
  ::setenv("SALURAN_TEST_WP_PASSWORD", wp.credential("app_password").c_str(), 1);
  const std::vector<std::string> args = {"publish", (dir.path() / "story.toml").string(),
                                         "--library", lib.string(), "--quiet"};
  // Render first (a dry run does all but the remote calls), so the kills land while sending.
  ASSERT_EQ(wait_exit(spawn_publish({"publish", (dir.path() / "story.toml").string(), "--library",
                                     lib.string(), "--quiet", "--dry-run"})),
            0);
  std::mt19937 rng(20261207);
  std::uniform_int_distribution<int> delay_ms(50, 4000);
  int killed = 0;
  for (int i = 0; i < 10; ++i) {
    const pid_t pid = spawn_publish(args);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
    if (::kill(pid, SIGKILL) == 0) ++killed;
    wait_exit(pid);
  }
  EXPECT_GE(killed, 5);  // most kills landed while the run was still working
  const pid_t last = spawn_publish(args);
  ASSERT_EQ(wait_exit(last), 0) << "the run after the kills did not finish cleanly";

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
