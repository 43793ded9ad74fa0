// The `saluran check` command as a user and a script see it: PASS/FAIL lines, summary lines,
// JSON, and exit codes, on files made with the ffmpeg CLI to the built-in presets' numbers.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "codecs/audio/loudness_meter.hpp"
#include "pipeline/presets/preset_catalog.hpp"
#include "tests/support/media_tree.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {

using test::cli_path;
using test::run_command;
using test::shell_quote;

/// Runs the CLI with an empty user preset folder, so only the built-ins are seen.
test::CommandResult run_cli(const test::TempDir& dir, const std::string& args) {
  return run_command("SALURAN_PRESETS=" + shell_quote(dir / "no-user-presets") + " " + cli_path() +
                     " " + args);
}

Preset builtin(const std::string& name) {
  auto catalog = PresetCatalog::load(std::filesystem::path("/nonexistent/saluran-presets"));
  EXPECT_TRUE(catalog) << catalog.error().to_string();
  auto p = catalog->get(name);
  EXPECT_TRUE(p) << p.error().to_string();
  return p ? *p : Preset{};
}

/// One ffmpeg call making a file to `p`'s numbers: a 640x360 (or the preset's frame) 30 fps
/// test picture and a 1 kHz tone `gain_db` above ffmpeg's default sine level.
std::string ffmpeg_for(const Preset& p, const std::string& out, double gain_db, bool faststart) {
  double seconds = 2.0;
  if (p.limits.min_duration_s > 0) seconds = std::max(seconds, p.limits.min_duration_s + 1);
  std::string cmd = "ffmpeg -nostdin -v error -y";
  int fps = 30;
  if (p.video) {
    const VideoSpec& v = *p.video;
    const int w = v.width > 0 ? v.width : 640;
    const int h = v.height > 0 ? v.height : 360;
    if (v.fps > 0) fps = static_cast<int>(std::lround(v.fps));
    cmd += fmt::format(" -f lavfi -i testsrc2=s={}x{}:r={}:d={}", w, h, fps, seconds);
  }
  cmd += fmt::format(" -f lavfi -i sine=f=1000:d={}", seconds);
  if (p.video) {
    const VideoSpec& v = *p.video;
    const int gop = std::max(1, static_cast<int>(std::floor(v.gop_seconds * fps)));
    cmd += fmt::format(" -c:v libx264 -preset veryfast -profile:v {} -pix_fmt {} -g {} -bf {}",
                       v.profile, v.pixel_format, gop, v.bframes);
  }
  if (p.audio) {
    const AudioSpec& a = *p.audio;
    if (a.codec == "aac") cmd += fmt::format(" -c:a aac -b:a {}k", a.bitrate_kbps);
    if (a.codec == "mp3") cmd += fmt::format(" -c:a libmp3lame -b:a {}k", a.bitrate_kbps);
    if (a.codec.starts_with("pcm")) cmd += " -c:a " + a.codec;
    cmd += fmt::format(" -ar {} -ac {} -af volume={:.2f}dB", a.sample_rate, a.channels, gain_db);
  }
  if (p.container == "mp4") {
    cmd += faststart ? " -movflags +faststart -use_editlist 0" : " -use_editlist 0";
  }
  return cmd + " " + shell_quote(out) + " 2>&1";
}

/// Makes a file that meets `p`, measuring and correcting the level when `p` has a target.
std::string make_file_for(const Preset& p, const test::TempDir& dir, bool faststart = true) {
  const std::string out = dir / fmt::format("{}{}.{}", p.name, faststart ? "" : "-slow",
                                            p.extension.empty() ? p.container : p.extension);
  double gain = 0;
  for (int pass = 0; pass < 3; ++pass) {
    const auto r = run_command(ffmpeg_for(p, out, gain, faststart));
    EXPECT_EQ(r.exit_code, 0) << r.out;
    if (!p.audio || !p.audio->loudness_lufs) break;
    // The tone is a steady level, so one correction by the measured distance lands on target.
    const Result<Loudness> l = measure_file_loudness(out);
    EXPECT_TRUE(l) << l.error().to_string();
    if (!l) break;
    const double off = *p.audio->loudness_lufs - l->integrated_lufs;
    if (std::fabs(off) < 0.1) break;
    gain += off;
  }
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(CliCheck, HelpExplainsAndExitsZero) {
  const auto r = run_command(cli_path() + " check --help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("Exit code"), std::string::npos);
  EXPECT_NE(r.out.find("--preset"), std::string::npos);
  EXPECT_NE(r.out.find("--json"), std::string::npos);
}

TEST(CliCheck, UsageErrorsExitTwo) {
  test::TempDir dir("cli-check");
  EXPECT_EQ(run_cli(dir, "check 2>/dev/null").exit_code, 2);
  EXPECT_EQ(run_cli(dir, "check a.mp4 2>/dev/null").exit_code, 2);  // no --preset
}

TEST(CliCheck, UnknownPresetSaysWhichExist) {
  test::TempDir dir("cli-check");
  const auto r = run_cli(dir, "check a.mp4 --preset yutube 2>&1");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("error: unknown preset \"yutube\"; known presets: "), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("youtube"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("radio-clip"), std::string::npos) << r.out;
}

TEST(CliCheck, MissingFileIsOneErrorLineAndExitsOne) {
  test::TempDir dir("cli-check");
  const std::string missing = dir / "C0001.youtube.mp4";
  const auto r = run_cli(dir, "check " + shell_quote(missing) + " --preset youtube 2>&1");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("error: " + missing + ": "), std::string::npos) << r.out;
}

TEST(CliCheck, ErrorLinesArePlainAndNameTheFileOnce) {
  test::TempDir dir("cli-check");
  const std::string missing = dir / "C0001.mp4";
  const std::string empty = dir / "empty.mp4";
  test::write_text(empty, "");
  const auto r = run_cli(
      dir, "check " + shell_quote(missing) + " " + shell_quote(empty) + " --preset youtube 2>&1");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "error: " + missing + ": cannot open: no such file or folder\n" +
                       "error: " + empty + ": the file is empty\n");
}

TEST(CliCheck, APictureForAVideoPresetFailsItsContainerRule) {
  SKIP_WITHOUT_CORPUS();
  test::TempDir dir("cli-check");
  const std::string photo = test::corpus("camera/DSCN0010.jpg");
  const auto r = run_cli(dir, "check " + shell_quote(photo) + " --preset youtube 2>&1");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("FAIL container  expected MP4 (ISO base media, not QuickTime), found a "
                       "jpeg picture\n"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("error:"), std::string::npos) << r.out;
}

TEST(CliCheck, PictureLimitsInWordsWithoutTheUnlimitedSide) {
  SKIP_WITHOUT_CORPUS();
  test::TempDir dir("cli-check");
  const std::string photo = shell_quote(test::corpus("camera/DSCN0010.jpg"));
  auto r = run_cli(dir, "check " + photo + " --preset instagram-feed-4x5 2>&1");
  EXPECT_NE(r.out.find("image.limits       expected long side at most 1440, found 640x480"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("expected at most 8.0 MB (8000000 bytes), found 161.7 kB (161713 bytes)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("expected 0.80..1.91 (width / height), found 1.33"), std::string::npos)
      << r.out;
  r = run_cli(dir, "check " + photo + " --preset x-photo 2>&1");
  EXPECT_NE(r.out.find("expected long side at most 4096, short side at most 4096, found 640x480"),
            std::string::npos)
      << r.out;
  r = run_cli(dir, "check " + photo + " --preset web 2>&1");
  EXPECT_NE(r.out.find("image.size         expected any size, found 640x480"), std::string::npos)
      << r.out;
  for (const char* preset : {"instagram-feed-4x5", "x-photo", "web", "facebook-photo"}) {
    r = run_cli(dir, "check " + photo + " --preset " + preset + " 2>&1");
    EXPECT_EQ(r.out.find("any,"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("x0"), std::string::npos) << r.out;
  }
}

TEST(CliCheck, LengthsUnderASecondInMilliseconds) {
  SKIP_WITHOUT_CORPUS();
  test::TempDir dir("cli-check");
  const std::string clip = shell_quote(test::corpus("phone/video_rotation_90.mp4"));
  const auto r = run_cli(dir, "check " + clip + " --preset youtube-shorts 2>&1");
  EXPECT_NE(r.out.find("duration             expected at most 180 s, found 42 ms"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("found longest keyframe interval 42 ms"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("expected a keyframe at least every 500 ms"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(", found 1.5 kB (1541 bytes)"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("0.0 MB"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("0.0s"), std::string::npos) << r.out;
}

class CliCheckPreset : public ::testing::TestWithParam<const char*> {};

TEST_P(CliCheckPreset, FileMadeToThePresetPasses) {
  test::TempDir dir("cli-check");
  const Preset p = builtin(GetParam());
  ASSERT_EQ(p.name, GetParam());
  const std::string file = make_file_for(p, dir);
  const auto r = run_cli(dir, "check " + shell_quote(file) + " --preset " + p.name + " 2>&1");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  const std::vector<std::string> lines = lines_of(r.out);
  ASSERT_GE(lines.size(), 2u) << r.out;
  for (std::size_t i = 0; i + 1 < lines.size(); ++i) {
    EXPECT_TRUE(lines[i].starts_with("PASS ")) << lines[i];
    EXPECT_NE(lines[i].find(" expected "), std::string::npos) << lines[i];
    EXPECT_NE(lines[i].find(", found "), std::string::npos) << lines[i];
  }
  // Every rule passes, the recommended ones too (the encode follows them): all are PASS lines,
  // and the summary counts the required ones.
  const auto recommended = std::count_if(lines.begin(), lines.end() - 1, [](const std::string& l) {
    return l.ends_with("(recommended)");
  });
  const std::size_t required = lines.size() - 1 - static_cast<std::size_t>(recommended);
  EXPECT_EQ(lines.back(),
            fmt::format("{}: all {} required rules of {} passed", file, required, p.name));
  if (p.audio && p.audio->loudness_lufs) {
    EXPECT_NE(r.out.find("PASS audio.loudness"), std::string::npos) << r.out;
  }
}

// The portrait 1080x1920 presets pass too but take seconds each to encode; these cover MP4 at
// High and Main profile, MP3 at two loudness targets, and WAV.
INSTANTIATE_TEST_SUITE_P(Builtins, CliCheckPreset,
                         ::testing::Values("youtube", "x-video", "radio-clip", "facebook-video",
                                           "web-video", "podcast", "radio-broadcast"),
                         [](const ::testing::TestParamInfo<const char*>& param) {
                           std::string name = param.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(CliCheck, FailedRuleIsAFailLineAndExitsOne) {
  test::TempDir dir("cli-check");
  const Preset p = builtin("web-video");
  const std::string file = make_file_for(p, dir, /*faststart=*/false);
  const auto r = run_cli(dir, "check " + shell_quote(file) + " --preset web-video 2>&1");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("\nFAIL mp4.faststart "), std::string::npos) << r.out;
  const std::vector<std::string> lines = lines_of(r.out);
  ASSERT_FALSE(lines.empty());
  EXPECT_TRUE(lines.back().starts_with(file + ": 1 of "));
  EXPECT_TRUE(lines.back().ends_with(" required rules of web-video failed: mp4.faststart"))
      << lines.back();
}

// YouTube only recommends fast start (limits.recommended): the same fault is advice, exit 0.
TEST(CliCheck, AMissedRecommendationIsAdviceAndExitsZero) {
  test::TempDir dir("cli-check");
  const Preset p = builtin("youtube");
  const std::string file = make_file_for(p, dir, /*faststart=*/false);
  const auto r = run_cli(dir, "check " + shell_quote(file) + " --preset youtube 2>&1");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("\nADVICE mp4.faststart "), std::string::npos) << r.out;
  const std::vector<std::string> lines = lines_of(r.out);
  ASSERT_FALSE(lines.empty());
  EXPECT_TRUE(lines.back().ends_with("passed; recommendations not met: mp4.faststart"))
      << lines.back();
}

TEST(CliCheck, JsonArrayOfReports) {
  test::TempDir dir("cli-check");
  const Preset p = builtin("x-video");
  const std::string good = make_file_for(p, dir);
  const std::string missing = dir / "missing.mp4";
  const auto r = run_cli(dir, "check --json " + shell_quote(good) + " " + shell_quote(missing) +
                                  " --preset x-video 2>/dev/null");
  EXPECT_EQ(r.exit_code, 1);
  const nlohmann::json j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j.is_array());
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0]["file"], good);
  EXPECT_EQ(j[0]["preset"], "x-video");
  EXPECT_EQ(j[0]["passed"], true);
  EXPECT_GE(j[0]["rules"].size(), 15u);
  for (const auto& rule : j[0]["rules"]) {
    EXPECT_TRUE(rule.contains("name") && rule.contains("expected") && rule.contains("actual"));
    EXPECT_EQ(rule["passed"], true) << rule.dump();
  }
  EXPECT_EQ(j[1]["file"], missing);
  EXPECT_EQ(j[1]["passed"], false);
  EXPECT_EQ(j[1]["error"]["code"], "not_found");
}

}  // namespace
}  // namespace saluran
