// `saluran render` as users run it: lines, JSON, exit codes, and a run killed with SIGKILL at
// random moments that a rerun finishes without duplicates or half-written files.

#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include "codecs/av/av_probe.hpp"
#include "pipeline/stages/render.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {
namespace fs = std::filesystem;

// The manifest file as written (the typed RenderManifest keeps most fields as details).
nlohmann::json manifest_json(const std::string& out_dir) {
  std::ifstream in(fs::path(out_dir) / kRenderManifestName);
  return nlohmann::json::parse(in, nullptr, false);
}

std::string render_cmd(const std::string& args) {
  return test::shell_quote(test::cli_path()) + " render " + args + " 2>&1";
}

TEST(CliRender, HelpExplainsTheCommand) {
  auto r = test::run_command(render_cmd("--help"));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("one decode"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--preset"), std::string::npos);
  EXPECT_NE(r.out.find("--fade-out"), std::string::npos);
}

TEST(CliRender, UnknownPresetIsAUsageErrorListingTheKnownOnes) {
  SKIP_WITHOUT_SAMPLES();
  test::TempDir out("cli-render-usage");
  auto r = test::run_command(render_cmd(test::shell_quote(test::sample("camera/C0001.MP4")) +
                                        " -p youtube,tiktok -o " + out.path().string()));
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("tiktok"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("known presets:"), std::string::npos) << r.out;
  // Nothing was decoded or written: the plan is checked first.
  EXPECT_FALSE(fs::exists(out / kRenderManifestName));
}

TEST(CliRender, LinesJsonAndExitCodes) {
  SKIP_WITHOUT_SAMPLES();
  test::TempDir out("cli-render");
  const std::string in = test::shell_quote(test::sample("audio/wawancara.wav"));
  auto r = test::run_command(render_cmd(in + " -p radio-clip,web-video -o " + out.path().string() +
                                        " --duration 5 --fade-out 1"));
  // The web video cannot be made from sound alone: exit 1, the radio clip is made anyway.
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("made       " + (out / "wawancara.radio-clip.mp3")), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("error: "), std::string::npos);
  EXPECT_NE(r.out.find("no picture"), std::string::npos);
  EXPECT_NE(r.out.find("1 made, 0 up to date, 1 failed"), std::string::npos) << r.out;
  auto info = probe_av(out / "wawancara.radio-clip.mp3", InputLimits{});
  ASSERT_TRUE(info.ok());
  EXPECT_NEAR(*info->duration_s, 5.0, 0.1);

  auto j = test::run_command(test::shell_quote(test::cli_path()) + " render " + in +
                             " -p radio-clip -o " + out.path().string() +
                             " --duration 5 --fade-out 1 --json");
  EXPECT_EQ(j.exit_code, 0) << j.out;
  const auto report = nlohmann::json::parse(j.out, nullptr, false);
  ASSERT_FALSE(report.is_discarded()) << j.out;
  EXPECT_EQ(report["renditions"][0]["status"], "up-to-date");
  EXPECT_EQ(report["decoded_frames"], 0);
}

pid_t spawn_render(const std::string& in, const std::string& out) {
  const pid_t pid = fork();
  if (pid == 0) {
    const std::string cli = test::cli_path();
    const int null = ::open("/dev/null", O_WRONLY);
    dup2(null, STDOUT_FILENO);
    dup2(null, STDERR_FILENO);
    execl(cli.c_str(), cli.c_str(), "render", in.c_str(), "-p", "web-video,radio-clip", "-o",
          out.c_str(), "--duration", "4", "-q", static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

TEST(CliRender, KilledAtRandomMomentsThenFinished) {
  SKIP_WITHOUT_SAMPLES();
  test::TempDir out("cli-render-crash");
  const std::string in = test::sample("camera/C0001.MP4");
  std::mt19937 rng(20261126);
  std::uniform_int_distribution<int> delay_ms(50, 2500);
  int killed = 0;
  for (int round = 0; round < 5; ++round) {
    const pid_t pid = spawn_render(in, out.path().string());
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
    if (::kill(pid, SIGKILL) == 0) ++killed;
    int status = 0;
    waitpid(pid, &status, 0);
  }
  EXPECT_GT(killed, 0);
  int status = 0;
  waitpid(spawn_render(in, out.path().string()), &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  // Exactly the two outputs and the manifest; no temporary file left behind.
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(out.path())) names.insert(e.path().filename());
  EXPECT_EQ(names, (std::set<std::string>{"C0001.web-video.mp4", "C0001.radio-clip.mp3",
                                          kRenderManifestName}));
  const nlohmann::json m = manifest_json(out.path().string());
  EXPECT_EQ(m["outputs"]["C0001.web-video.mp4"]["status"], "made");
  EXPECT_EQ(m["outputs"]["C0001.radio-clip.mp3"]["status"], "made");
  for (const char* name : {"C0001.web-video.mp4", "C0001.radio-clip.mp3"}) {
    auto info = probe_av(out / name, InputLimits{});
    ASSERT_TRUE(info.ok()) << name;
    EXPECT_NEAR(*info->duration_s, 4.0, 0.15) << name;
  }
}

}  // namespace
}  // namespace saluran
