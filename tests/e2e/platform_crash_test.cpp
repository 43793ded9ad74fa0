// Exactly once on the platforms: `saluran publish` of a story to the YouTube, Facebook,
// Instagram and X fakes is killed with SIGKILL at random moments (while uploading in chunks,
// polling, posting or reading back), then run to completion. Afterwards each fake holds exactly
// one post of the story, and its upload counters show no file sent twice in full.

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <random>
#include <thread>

#include <fmt/format.h>

#include "tests/fakes/platform_fakes.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {

namespace fs = std::filesystem;

TEST(PlatformCrash, KilledAtRandomMomentsThenFinishedWithOnePostPerPlatform) {
  test::TempDir dir("platform-crash");
  test::PlatformStory s(dir.path(), 6);
  s.write_channels(s.fake_roots());
  test::FakeYouTube& yt = s.yt;
  test::FakeFacebook& fb = s.fb;
  test::FakeInstagram& ig = s.ig;
  test::FakeX& x = s.x;
  // Every answer comes 80 ms late, so a run lasts long enough for the kills to land mid-way.
  test::FakeFailure slow;
  slow.kind = test::FakeFailure::kDelay;
  slow.times = 1 << 20;
  slow.stall_ms = 80;
  for (test::FakePlatform* fake : s.fakes()) fake->inject(slow);
  const std::vector<std::string> args = s.publish_args();
  // Render first (a dry run does all but the remote calls), so the kills land while sending.
  ASSERT_EQ(test::wait_exit(test::spawn_cli(s.publish_args({"--quiet", "--dry-run"}))), 0);
  std::mt19937 rng(20261207);
  std::uniform_int_distribution<int> delay_ms(100, 1500);
  int killed = 0;
  for (int i = 0; i < 10; ++i) {
    const pid_t pid = test::spawn_cli(args);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
    if (::kill(pid, SIGKILL) == 0) ++killed;
    test::wait_exit(pid);
  }
  EXPECT_GE(killed, 5);
  const auto start = std::chrono::steady_clock::now();
  const int last_exit = test::wait_exit(test::spawn_cli(args));
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
