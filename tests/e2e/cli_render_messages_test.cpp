// What `saluran render` tells a new user: an `error:` line for every input or rendition that
// failed (and its own manifest entry, and its JSON report), the summary line with -q, why a
// folder had nothing to render, a misspelt preset's likely name, and what each made file is.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "pipeline/stages/render_manifest.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {
namespace fs = std::filesystem;
using test::shell_quote;

std::string saluran() { return shell_quote(test::cli_path()) + " "; }
// Standard error only (standard output thrown away).
test::CommandResult stderr_of(const std::string& args) {
  return test::run_command(saluran() + args + " 2>&1 >/dev/null");
}
// Standard output only.
test::CommandResult stdout_of(const std::string& args) {
  return test::run_command(saluran() + args + " 2>/dev/null");
}
bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}
std::size_t occurrences(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}
nlohmann::json manifest_outputs(const fs::path& out) {
  std::ifstream in(out / kRenderManifestName);
  const auto j = nlohmann::json::parse(in, nullptr, false);
  return j.is_object() ? j["outputs"] : nlohmann::json();
}

TEST(CliRenderMessages, EveryFailedInputSaysWhyAndKeepsItsOwnManifestEntry) {
  SKIP_WITHOUT_CORPUS();
  test::TempDir out("cli-render-failed-inputs");
  const std::string missing = (out / "nope.mp4");
  const std::string truncated = test::corpus("broken/truncated.jpg");
  const std::string args = "render " + shell_quote(missing) + " " + shell_quote(truncated) +
                           " -p web-thumb -o " + shell_quote((out / "o"));
  const auto err = stderr_of(args);
  EXPECT_EQ(err.exit_code, 1) << err.out;
  EXPECT_TRUE(has(err.out, "error: " + missing + ": cannot open: no such file")) << err.out;
  EXPECT_TRUE(has(err.out, "error: " + truncated + ": ")) << err.out;
  EXPECT_TRUE(has(err.out, "the file ends before its picture does")) << err.out;
  // Each failure under its own name: none overwrites another, and no entry has an empty key.
  const auto outputs = manifest_outputs(out / "o");
  ASSERT_TRUE(outputs.is_object());
  EXPECT_FALSE(outputs.contains(""));
  ASSERT_TRUE(outputs.contains(missing + " (web-thumb)")) << outputs.dump();
  EXPECT_EQ(outputs[missing + " (web-thumb)"]["status"], "failed");
  EXPECT_EQ(outputs[missing + " (web-thumb)"]["error"]["code"], "not_found");
  bool truncated_recorded = false;
  for (const auto& [key, e] : outputs.items()) truncated_recorded |= e["input"] == truncated;
  EXPECT_TRUE(truncated_recorded) << outputs.dump();

  // --json: one report per input, each with its reason; the error lines still on stderr.
  const auto json = stdout_of(args + " --json");
  std::istringstream lines(json.out);
  int reports = 0;
  for (std::string line; std::getline(lines, line); ++reports) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << line;
    EXPECT_EQ(j["renditions"][0]["status"], "failed") << line;
    EXPECT_FALSE(j["renditions"][0]["error"]["message"].get<std::string>().empty()) << line;
  }
  EXPECT_EQ(reports, 2) << json.out;
  EXPECT_TRUE(has(stderr_of(args + " --json").out, "error: " + missing)) << "stderr too";
}

TEST(CliRenderMessages, TelemetryGivenAsInputSaysWhatToGiveInstead) {
  SKIP_WITHOUT_CORPUS();
  test::TempDir out("cli-render-srt");
  const std::string srt = test::corpus("drone/mavic_pro.SRT");
  const auto err = stderr_of("render " + shell_quote(srt) + " -p web -o " + out.path().string());
  EXPECT_TRUE(has(err.out, "error: " + srt + ": is drone telemetry, not media")) << err.out;
  EXPECT_TRUE(has(err.out, "give the video instead")) << err.out;
  // Nothing at all could be rendered from what was given: exit 3 and why.
  EXPECT_EQ(err.exit_code, 3) << err.out;
  EXPECT_TRUE(has(err.out, "nothing to render: " + srt + " is DJI telemetry")) << err.out;
}

TEST(CliRenderMessages, AnOutputFolderThatIsAFileStopsEverythingWithAReason) {
  SKIP_WITHOUT_SAMPLES();
  test::TempDir dir("cli-render-out-file");
  const std::string file = (dir / "afile");
  std::ofstream(file) << "x";
  const std::string args =
      "render " + shell_quote(test::sample("photos/IMG_0001.jpg")) + " -p web-thumb -o " + file;
  const auto err = stderr_of(args);
  EXPECT_EQ(err.exit_code, 3) << err.out;
  EXPECT_TRUE(has(err.out, "error: " + file + ": is a file, not a folder")) << err.out;
  const auto json = stdout_of(args + " --json");
  const auto j = nlohmann::json::parse(json.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << json.out;
  EXPECT_EQ(j["error"]["file"], file) << json.out;
}

TEST(CliRenderMessages, QuietPrintsTheSummaryAndErrorsOnly) {
  SKIP_WITHOUT_SAMPLES();
  test::TempDir out("cli-render-quiet");
  const std::string photo = shell_quote(test::sample("photos/IMG_0001.jpg"));
  const auto ok = stdout_of("render " + photo + " -p web-thumb -q -o " + out.path().string());
  EXPECT_EQ(ok.exit_code, 0);
  EXPECT_EQ(ok.out, "1 made, 0 up to date, 0 failed -> " + out.path().string() + "\n");
  const auto bad =
      test::run_command(saluran() + "render " + photo + " " + shell_quote((out / "gone.jpg")) +
                        " -p web-thumb -q -o " + out.path().string() + " 2>&1");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(bad.out, "error: " + (out / "gone.jpg") +
                         ": cannot open: no such file or folder\n0 made, 1 up to date, 1 failed "
                         "-> " +
                         out.path().string() + "\n");
}

TEST(CliRenderMessages, AFolderWithNothingThePresetTakesSaysWhy) {
  SKIP_WITHOUT_SAMPLES();
  test::TempDir dir("cli-render-nothing");
  const fs::path card = dir / "DRONE";
  fs::create_directories(card);
  fs::copy_file(test::sample("drone/DJI_0001.SRT"), card / "DJI_0001.SRT");
  fs::copy_file(test::sample("drone/DJI_0001.SRT"), card / "DJI_0002.SRT");
  fs::copy_file(test::sample("audio/wawancara.wav"), card / "wawancara.wav");
  const auto r = test::run_command(saluran() + "render " + card.string() + " -p web -o " +
                                   (dir / "out") + " 2>&1");
  EXPECT_EQ(r.exit_code, 3) << r.out;
  EXPECT_TRUE(has(r.out, "nothing to render: " + card.string() +
                             " holds 3 files: 1 sound file, "
                             "2 files left out as not media: 2 telemetry files (.srt"))
      << r.out;
  EXPECT_TRUE(has(r.out, "the preset 'web' takes photos (JPEG, PNG, WebP, HEIC) and videos"))
      << r.out;

  // An empty folder says so too.
  fs::create_directories(dir / "empty");
  const auto empty = stderr_of("render " + (dir / "empty") + " -p web -o " + (dir / "out"));
  EXPECT_EQ(empty.exit_code, 3);
  EXPECT_TRUE(has(empty.out, "holds no files")) << empty.out;
}

TEST(CliRenderMessages, AMisspeltPresetGetsTheNearestNameAndTheListOnce) {
  SKIP_WITHOUT_SAMPLES();
  test::TempDir out("cli-render-misspelt");
  const std::string photo = shell_quote(test::sample("photos/IMG_0001.jpg"));
  const auto r = stderr_of("render " + photo + " -p instagram-sqare -o " + out.path().string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(has(r.out, "Did you mean \"instagram-square\"?")) << r.out;
  EXPECT_EQ(occurrences(r.out, "youtube-thumbnail"), 1u) << r.out;  // the list, once

  // Blanks around comma-separated names are trimmed.
  const auto spaced =
      test::run_command(saluran() + "render " + photo + " -p 'instagram-square, web-thumb' -o " +
                        out.path().string() + " 2>&1");
  EXPECT_EQ(spaced.exit_code, 0) << spaced.out;
  EXPECT_TRUE(has(spaced.out, "2 made")) << spaced.out;

  // check takes -p like render.
  const auto check = test::run_command(
      saluran() + "check " + shell_quote((out / "IMG_0001.web-thumb.jpg")) + " -p web-thumb 2>&1");
  EXPECT_EQ(check.exit_code, 0) << check.out;
}

TEST(CliRenderMessages, MadeLinesSayWhatWasMadeInSiUnits) {
  SKIP_WITHOUT_SAMPLES();
  test::TempDir out("cli-render-units");
  const auto r =
      stdout_of("render " + shell_quote(test::sample("camera/C0001.MP4")) +
                " -p web-video,web-thumb,radio-clip --duration 2 -o " + out.path().string());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  std::istringstream lines(r.out);
  int made = 0;
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("made")) continue;
    ++made;
    EXPECT_FALSE(has(line, "KB")) << line;
    EXPECT_TRUE(has(line, " kB") || has(line, " MB")) << line;
    if (has(line, ".web-video.mp4")) {
      EXPECT_TRUE(has(line, "1280x720 2.")) << line;
      EXPECT_TRUE(has(line, "Mb/s") || has(line, "kb/s")) << line;
    }
    if (has(line, ".radio-clip.")) {
      EXPECT_TRUE(has(line, "  2.")) << line;
      EXPECT_TRUE(has(line, "kb/s")) << line;
      EXPECT_TRUE(has(line, "LUFS")) << line;
    }
  }
  EXPECT_EQ(made, 3) << r.out;

  // Under a second is told in milliseconds, never "0.0s".
  const auto brief = stdout_of("render " + shell_quote(test::sample("camera/C0001.MP4")) +
                               " -p web-video --duration 0.5 -o " + out.path().string());
  EXPECT_TRUE(has(brief.out, "ms ")) << brief.out;
  EXPECT_FALSE(has(brief.out, "0.0s")) << brief.out;
}

}  // namespace
}  // namespace saluran
