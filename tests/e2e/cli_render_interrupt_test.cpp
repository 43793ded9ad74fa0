// `saluran render` stopped by Ctrl-C (SIGINT) or SIGTERM: no temporary output or spool is left,
// it says it was interrupted and what was finished, exits 130 (143), and a rerun completes.
// And the progress line a terminal shows: every phase, the reframing analysis included, with a
// rate and an ETA.

#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "pipeline/stages/render.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

// `seconds` of 640x360 picture and tone (a minute is long enough to be stopped in the middle).
std::string make_long_input(const test::TempDir& dir, int seconds = 60) {
  const std::string path = dir / "long.mp4";
  const std::string cmd = fmt::format(
      "ffmpeg -nostdin -v error -y -f lavfi -i testsrc2=s=640x360:r=30:d={0} -f lavfi -i "
      "sine=f=440:d={0}:r=48000 -c:v libx264 -preset ultrafast -c:a aac -shortest {1}",
      seconds, test::shell_quote(path));
  if (std::system(cmd.c_str()) != 0) return {};
  return path;
}

bool temporary_files_in(const fs::path& dir) {
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.ends_with(".part") || name.ends_with(".spool")) return true;
  }
  return false;
}

// Starts render with stdout and stderr into `log`.
pid_t spawn_render(const std::string& in, const std::string& out, const std::string& presets,
                   const std::string& log) {
  const pid_t pid = fork();
  if (pid == 0) {
    const std::string cli = test::cli_path();
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    execl(cli.c_str(), cli.c_str(), "render", in.c_str(), "-p", presets.c_str(), "-o", out.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

int wait_exit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

TEST(CliRenderInterrupt, CtrlCLeavesNoPartialFileSaysSoAndARerunFinishes) {
  test::TempDir dir("cli-render-sigint");
  const std::string in = make_long_input(dir);
  if (in.empty()) GTEST_SKIP() << "ffmpeg CLI not available";
  const std::string out = dir / "out";
  const std::string log = dir / "log.txt";
  const pid_t pid = spawn_render(in, out, "web-video,radio-clip", log);
  // Wait until the outputs are being written, then interrupt.
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (std::chrono::steady_clock::now() < deadline &&
         !(fs::exists(out) && temporary_files_in(out))) {
    std::this_thread::sleep_for(20ms);
  }
  ASSERT_TRUE(temporary_files_in(out)) << "render never started writing";
  std::this_thread::sleep_for(300ms);
  ::kill(pid, SIGINT);
  EXPECT_EQ(wait_exit(pid), 130) << read_all(log);
  EXPECT_FALSE(temporary_files_in(out));
  const std::string said = read_all(log);
  EXPECT_NE(said.find("interrupted (Ctrl-C): 0 made, 0 up to date, 0 failed"), std::string::npos)
      << said;
  EXPECT_NE(said.find("2 outputs of " + in + " not finished (partial files removed)"),
            std::string::npos)
      << said;
  EXPECT_NE(said.find("run the same command again to finish"), std::string::npos) << said;
  EXPECT_EQ(said.find("error:"), std::string::npos) << "an interruption is no failure: " << said;

  const pid_t again = spawn_render(in, out, "web-video,radio-clip", log);
  EXPECT_EQ(wait_exit(again), 0) << read_all(log);
  EXPECT_NE(read_all(log).find("2 made, 0 up to date, 0 failed"), std::string::npos)
      << read_all(log);
  EXPECT_TRUE(fs::exists(fs::path(out) / "long.web-video.mp4"));
  EXPECT_TRUE(fs::exists(fs::path(out) / "long.radio-clip.mp3"));
  EXPECT_FALSE(temporary_files_in(out));
}

TEST(CliRenderInterrupt, SigtermDuringTheReframingAnalysisStopsCleanly) {
  test::TempDir dir("cli-render-sigterm");
  const std::string in = make_long_input(dir);
  if (in.empty()) GTEST_SKIP() << "ffmpeg CLI not available";
  const std::string out = dir / "out";
  const std::string log = dir / "log.txt";
  // instagram-feed-video is a 4:5 fill of a 16:9 video: the whole video is analysed first.
  const pid_t pid = spawn_render(in, out, "instagram-feed-video", log);
  std::this_thread::sleep_for(1500ms);
  ::kill(pid, SIGTERM);
  EXPECT_EQ(wait_exit(pid), 143) << read_all(log);
  EXPECT_FALSE(fs::exists(out) && temporary_files_in(out));
  EXPECT_NE(read_all(log).find("stopped (SIGTERM)"), std::string::npos) << read_all(log);
}

TEST(CliRenderProgress, ATerminalSeesEachPhaseWithARateAndAnEta) {
  if (std::system("command -v script >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "script (util-linux) not available";
  test::TempDir dir("cli-render-progress");
  const std::string in = make_long_input(dir, 12);
  if (in.empty()) GTEST_SKIP() << "ffmpeg CLI not available";
  // script runs the command on a pseudo-terminal, as a user at a terminal would.
  const std::string inner =
      test::shell_quote(test::cli_path()) + " render " + test::shell_quote(in) +
      " -p instagram-feed-video,web-thumb --duration 4 -o " + test::shell_quote(dir / "out");
  const auto r = test::run_command("script -qec " + test::shell_quote(inner) + " /dev/null");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  // The poster comes from the same analysis decode as the reframing (one decode per input),
  // so a single analysis phase is shown for both.
  EXPECT_NE(r.out.find("analysing for reframing"), std::string::npos) << r.out;
  // The encode of the 4 s trim may end before the line is first redrawn (at most every 0.2 s);
  // when it is shown, it counts the trimmed length.
  if (r.out.find("encoding 0:0") != std::string::npos) {
    EXPECT_NE(r.out.find("/ 0:04"), std::string::npos) << "the trimmed length: " << r.out;
  }
  EXPECT_NE(r.out.find("ETA "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("x  ETA"), std::string::npos) << "a rate before the ETA: " << r.out;
  EXPECT_NE(r.out.find("2 made"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace saluran
