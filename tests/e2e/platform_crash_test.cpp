// Exactly once on the platforms: `saluran publish` of a story to the YouTube, Facebook,
// Instagram and X fakes is killed with SIGKILL at random moments (while uploading in chunks,
// polling, posting or reading back), then run to completion. Afterwards each fake holds exactly
// one post of the story, and its upload counters show no file sent twice in full.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <random>
#include <thread>

#include <fmt/format.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "connectors/credentials.hpp"
#include "tests/fakes/facebook_fake.hpp"
#include "tests/fakes/instagram_fake.hpp"
#include "tests/fakes/x_fake.hpp"
#include "tests/fakes/youtube_fake.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/scoped_env.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {

namespace fs = std::filesystem;

// Four distinct photos and a 6-second clip with sound, made by the ffmpeg CLI.
void make_sources(const fs::path& dir) {
  for (int i = 0; i < 4; ++i) {
    const std::string cmd = fmt::format(
        "ffmpeg -v error -y -f lavfi -i testsrc2=s=1600x1200:d=1 -vf hue=h={} -frames:v 1 "
        "-q:v 3 {}",
        i * 60, test::shell_quote((dir / fmt::format("IMG_{:04}.jpg", i + 1)).string()));
    ASSERT_EQ(test::run_command(cmd).exit_code, 0) << cmd;
  }
  const std::string clip = fmt::format(
      "ffmpeg -v error -y -f lavfi -i testsrc2=s=1280x720:r=25:d=6 -f lavfi -i sine=f=440:d=6 "
      "-c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -shortest {}",
      test::shell_quote((dir / "C0001.MP4").string()));
  ASSERT_EQ(test::run_command(clip).exit_code, 0);
}

std::string story_text(const std::string& library, const std::string& channels) {
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
  return "title = \"Uji tabrakan: panen raya di Sukamaju\"\n"
         "slug = \"uji-platform\"\n"
         "summary = \"Petani Sukamaju memanen padi bersama Bupati.\"\n"
         "body = \"\"\"Paragraf pertama tentang panen.\n\nParagraf kedua.\"\"\"\n"
         "tags = [\"panen\"]\ncategory = \"Berita\"\ndate = \"2025-03-14\"\n"
         "place = \"Desa Sukamaju\"\ncredits = \"Tim Diskominfo\"\n"
         "channels = [" +
         channels + "]\n" + media;
}

pid_t spawn(const std::vector<std::string>& args) {
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

// A public web folder for the renditions Instagram fetches (what a CDN would be).
class FileHost {
 public:
  explicit FileHost(const fs::path& dir) {
    server_.set_mount_point("/render", dir.string());
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~FileHost() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return fmt::format("http://127.0.0.1:{}/render/", port_); }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

TEST(PlatformCrash, KilledAtRandomMomentsThenFinishedWithOnePostPerPlatform) {
  test::TempDir dir("platform-crash");
  const fs::path src = dir.path() / "card", lib = dir.path() / "library";
  fs::create_directories(src);
  fs::create_directories(dir.path() / "renditions");
  make_sources(src);
  ASSERT_EQ(test::run_command(test::shell_quote(test::cli_path()) + " ingest " +
                              test::shell_quote(src.string()) + " --library " +
                              test::shell_quote(lib.string()) + " --quiet")
                .exit_code,
            0);
  test::FakeX x;
  test::FakeInstagram ig;
  test::FakeFacebook fb;
  test::FakeYouTube yt;
  // Every answer comes 80 ms late, so a run lasts long enough for the kills to land mid-way.
  test::FakeFailure slow;
  slow.kind = test::FakeFailure::kDelay;
  slow.times = 1 << 20;
  slow.stall_ms = 80;
  for (test::FakePlatform* fake : std::initializer_list<test::FakePlatform*>{&x, &ig, &fb, &yt})
    fake->inject(slow);
  FileHost files(dir.path() / "renditions");
  std::ofstream(dir.path() / "story.toml")
      << story_text(lib.string(), "\"youtube\", \"facebook\", \"instagram\", \"x\"");
  std::ofstream(dir.path() / "channels.toml") << fmt::format(
      "[channels.youtube]\nkind = \"youtube\"\nurl = \"{0}\"\nupload_url = \"{0}\"\n"
      "auth_url = \"{0}/o/oauth2/auth\"\ntoken_url = \"{0}/token\"\nclient_id = \"{1}\"\n"
      "secret_env = \"SALURAN_TEST_YT\"\n"
      "[channels.facebook]\nkind = \"facebook\"\nurl = \"{2}\"\nupload_url = \"{3}\"\n"
      "account = \"{4}\"\nsecret_env = \"SALURAN_TEST_FB\"\n"
      "[channels.instagram]\nkind = \"instagram\"\nurl = \"{5}\"\naccount = \"{6}\"\n"
      "secret_env = \"SALURAN_TEST_IG\"\npublic_base_url = \"{7}\"\n"
      "[channels.x]\nkind = \"x\"\nurl = \"{8}\"\nsecret_env = \"SALURAN_TEST_X\"\n",
      yt.url(), test::FakeYouTube::kClientId, fb.graph_url(), fb.video_url(), fb.page_id(),
      ig.url(), test::FakeInstagram::kAccount, files.url(), x.url());
  const std::string creds_file = (dir.path() / "credentials.toml").string();
  test::ScopedEnv creds("SALURAN_CREDENTIALS", creds_file.c_str());
  ASSERT_TRUE(store_credential("youtube", "refresh_token", yt.issue_refresh_token()));
  ::setenv("SALURAN_TEST_YT", test::FakeYouTube::kClientSecret, 1);
  ::setenv("SALURAN_TEST_FB", fb.token().c_str(), 1);
  ::setenv("SALURAN_TEST_IG", ig.token().c_str(), 1);
  ::setenv("SALURAN_TEST_X", x.access_token().c_str(), 1);
  const std::string story = (dir.path() / "story.toml").string();
  const std::vector<std::string> args = {"publish", story, "--library", lib.string(), "--quiet"};
  // Render first (a dry run does all but the remote calls), so the kills land while sending.
  ASSERT_EQ(wait_exit(spawn({"publish", story, "--library", lib.string(), "--quiet", "--dry-run"})),
            0);
  std::mt19937 rng(20261207);
  std::uniform_int_distribution<int> delay_ms(100, 1500);
  int killed = 0;
  for (int i = 0; i < 10; ++i) {
    const pid_t pid = spawn(args);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
    if (::kill(pid, SIGKILL) == 0) ++killed;
    wait_exit(pid);
  }
  EXPECT_GE(killed, 5);
  const auto start = std::chrono::steady_clock::now();
  const int last_exit = wait_exit(spawn(args));
  if (std::getenv("SALURAN_CRASH_SHOW")) {  // what the finishing run says, for a person
    const std::string cmd = "cd " + test::shell_quote(dir.path().string()) + " && " +
                            test::shell_quote(test::cli_path()) +
                            " verify story.toml --library library 2>&1";
    std::cout << test::run_command(cmd).out;
  }
  const double last_run =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(last_exit, 0) << "the run after the kills did not finish cleanly";
  std::cout << fmt::format("kills that landed: {}; the finishing run took {:.2f} s\n", killed,
                           last_run);
  // One post per platform; each file uploaded in full once (the fakes count an upload when
  // its last byte is stored: a resumed upload still counts once).
  EXPECT_EQ(yt.posts(), 1);
  EXPECT_EQ(yt.completed_uploads(), 1) << "YouTube: the clip in full once";
  EXPECT_EQ(fb.posts(), 1);
  EXPECT_EQ(fb.completed_uploads(), 1) << "Facebook: the clip in full once";
  EXPECT_EQ(x.posts(), 1);
  EXPECT_EQ(x.completed_uploads(), 1) << "X: the clip in full once";
  EXPECT_EQ(ig.posts(), 1);
  // Instagram fetches the files itself (cover, three gallery photos, the reel): at least once
  // each; a container whose answer a kill cut off is made again (and its file fetched again).
  EXPECT_GE(ig.completed_uploads(), 5);
  std::cout << fmt::format("instagram: {} containers, {} fetches in full for 5 files\n",
                           ig.containers_created(), ig.completed_uploads());
}

}  // namespace
}  // namespace saluran
