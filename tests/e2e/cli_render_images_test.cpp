// `saluran render` with picture presets as users run it: a folder of photos (the card's
// telemetry left out), lines and JSON, `check` on a picture, a rerun that makes nothing again.

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "pipeline/stages/render_manifest.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {
namespace fs = std::filesystem;

std::string cli(const std::string& args) {
  return test::shell_quote(test::cli_path()) + " " + args + " 2>&1";
}

TEST(CliRenderImages, AFolderOfPhotosGivesEveryPictureAndARerunMakesNothing) {
  SKIP_WITHOUT_SAMPLES();
  test::TempDir out("cli-render-images");
  const std::string photos = test::shell_quote(test::sample("photos"));
  auto r = test::run_command(
      cli("render " + photos + " -p instagram-square,web-thumb -o " + out.path().string()));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  int files = 0;
  for (const auto& e : fs::directory_iterator(out.path())) {
    if (e.path().extension() == ".jpg") ++files;
  }
  EXPECT_EQ(files, 10) << r.out;  // 5 photos x 2 presets
  EXPECT_NE(r.out.find("1080x1080"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("10 made, 0 up to date, 0 failed"), std::string::npos) << r.out;

  auto again = test::run_command(
      cli("render " + photos + " -p instagram-square,web-thumb --json -o " + out.path().string()));
  ASSERT_EQ(again.exit_code, 0) << again.out;
  int reports = 0;
  std::istringstream lines(again.out);
  for (std::string line; std::getline(lines, line);) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << line;
    for (const auto& x : j["renditions"]) EXPECT_EQ(x["status"], "up-to-date") << line;
    ++reports;
  }
  EXPECT_EQ(reports, 5);

  const fs::path square = *std::find_if(
      fs::directory_iterator(out.path()), fs::directory_iterator(),
      [](const auto& e) { return e.path().string().ends_with(".instagram-square.jpg"); });
  auto check = test::run_command(
      cli("check " + test::shell_quote(square.string()) + " --preset instagram-square"));
  EXPECT_EQ(check.exit_code, 0) << check.out;
  EXPECT_NE(check.out.find("image.size"), std::string::npos) << check.out;
  auto wrong = test::run_command(
      cli("check " + test::shell_quote(square.string()) + " --preset youtube-thumbnail"));
  EXPECT_NE(wrong.exit_code, 0) << wrong.out;
  EXPECT_NE(wrong.out.find("1280x720"), std::string::npos) << wrong.out;
}

TEST(CliRenderImages, APhotoWithAVideoPresetFailsAloneAndSaysWhy) {
  SKIP_WITHOUT_SAMPLES();
  test::TempDir out("cli-render-images-mixed");
  auto r =
      test::run_command(cli("render " + test::shell_quote(test::sample("photos/IMG_0001.jpg")) +
                            " -p web-thumb,x-video -o " + out.path().string()));
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("is a photo: x-video is a video preset"), std::string::npos) << r.out;
  EXPECT_TRUE(fs::exists(out / "IMG_0001.web-thumb.jpg")) << r.out;
}

}  // namespace
}  // namespace saluran
