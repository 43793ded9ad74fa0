// `saluran faces` as an operator and bench/faces run it: the faces of a hand-labelled group
// photo with each detector, a missing file among others, and a video's reframing analysis.

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/faces_xml.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/run_command.hpp"

namespace saluran {
namespace {

using Json = nlohmann::json;

const char* kPhoto = "2007_007763.jpg";  // 500x375, seven labelled faces

std::string labelled(const std::string& file) { return test::corpus("people/labelled/" + file); }

/// Runs `saluran faces ARGS` and parses its JSON (stderr is left out).
test::CommandResult faces(const std::string& args, Json& json) {
  auto r =
      test::run_command(test::shell_quote(test::cli_path()) + " faces " + args + " 2>/dev/null");
  json = Json::parse(r.out, nullptr, false);
  return r;
}

double iou(const Rect& a, const Json& f) {
  const int x1 = std::max(a.x, f["x"].get<int>());
  const int y1 = std::max(a.y, f["y"].get<int>());
  const int x2 = std::min(a.x + a.width, f["x"].get<int>() + f["w"].get<int>());
  const int y2 = std::min(a.y + a.height, f["y"].get<int>() + f["h"].get<int>());
  const double inter = std::max(0, x2 - x1) * std::max(0, y2 - y1);
  return inter / (a.width * a.height + f["w"].get<int>() * f["h"].get<int>() - inter);
}

/// The labelled faces of kPhoto that some detection covers at IoU >= 0.4.
int labelled_found(const Json& file) {
  for (const auto& image : test::read_faces_xml(labelled("faces.xml"))) {
    if (image.file != kPhoto) continue;
    return static_cast<int>(std::count_if(image.boxes.begin(), image.boxes.end(), [&](auto& b) {
      return std::any_of(file["faces"].begin(), file["faces"].end(),
                         [&](const Json& f) { return iou(b, f) >= 0.4; });
    }));
  }
  return -1;
}

/// Every face's box lies inside the 500x375 photo.
void expect_boxes_inside(const Json& file) {
  EXPECT_EQ(file["width"], 500);
  EXPECT_EQ(file["height"], 375);
  for (const Json& f : file["faces"]) {
    EXPECT_GE(f["x"].get<int>(), 0) << f;
    EXPECT_GE(f["y"].get<int>(), 0) << f;
    EXPECT_GT(f["w"].get<int>(), 0) << f;
    EXPECT_LE(f["x"].get<int>() + f["w"].get<int>(), 500) << f;
    EXPECT_LE(f["y"].get<int>() + f["h"].get<int>(), 375) << f;
  }
}

TEST(CliFaces, HaarFindsTheLabelledFacesWithoutLandmarks) {
  SKIP_WITHOUT_CORPUS();
  Json j;
  auto r = faces("--detector haar --json " + test::shell_quote(labelled(kPhoto)), j);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  ASSERT_TRUE(j.is_object()) << r.out;
  EXPECT_EQ(j["detector"], "Haar cascades");
  ASSERT_EQ(j["files"].size(), 1u);
  const Json& file = j["files"][0];
  EXPECT_GT(file["detect_ms"].get<double>(), 0);
  expect_boxes_inside(file);
  EXPECT_GE(labelled_found(file), 4) << file;  // of 7: the cascades miss some small ones
  for (const Json& f : file["faces"]) EXPECT_TRUE(f["landmarks"].empty()) << f;
}

TEST(CliFaces, BlazeFaceGivesSixLandmarksInsideEachFace) {
  SKIP_WITHOUT_CORPUS();
  Json j;
  auto r = faces("--detector blazeface --json " + test::shell_quote(labelled(kPhoto)), j);
  if (r.exit_code == 3) {
    auto why =
        test::run_command(test::shell_quote(test::cli_path()) + " faces --detector blazeface " +
                          test::shell_quote(labelled(kPhoto)) + " 2>&1");
    GTEST_SKIP() << "BlazeFace's model is not installed (scripts/install-deps): " << why.out;
  }
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(j["detector"], "BlazeFace");
  const Json& file = j["files"][0];
  expect_boxes_inside(file);
  EXPECT_GE(labelled_found(file), 6) << file;
  for (const Json& f : file["faces"]) {
    ASSERT_EQ(f["landmarks"].size(), 6u) << f;
    // The eyes lie within the face's box, the right eye (the person's) on the viewer's left.
    const Json& right_eye = f["landmarks"][0];
    const Json& left_eye = f["landmarks"][1];
    EXPECT_EQ(right_eye["name"], "right_eye");
    EXPECT_LT(right_eye["x"].get<double>(), left_eye["x"].get<double>()) << f;
    for (const Json& eye : {right_eye, left_eye}) {
      EXPECT_GE(eye["x"].get<double>(), f["x"].get<int>()) << f;
      EXPECT_LE(eye["x"].get<double>(), f["x"].get<int>() + f["w"].get<int>()) << f;
      EXPECT_GE(eye["y"].get<double>(), f["y"].get<int>()) << f;
      EXPECT_LE(eye["y"].get<double>(), f["y"].get<int>() + f["h"].get<int>()) << f;
    }
  }
}

TEST(CliFaces, AMissingFileIsNamedAndTheNextStillRuns) {
  SKIP_WITHOUT_CORPUS();
  const std::string files =
      test::shell_quote(labelled("nope.jpg")) + " " + test::shell_quote(labelled(kPhoto));
  auto text = test::run_command(test::shell_quote(test::cli_path()) + " faces --detector haar " +
                                files + " 2>&1");
  EXPECT_EQ(text.exit_code, 1) << text.out;
  EXPECT_NE(text.out.find("detector: Haar cascades"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("error: " + labelled("nope.jpg")), std::string::npos) << text.out;
  EXPECT_NE(text.out.find(std::string(kPhoto) + ": photo 500x375"), std::string::npos) << text.out;

  Json j;
  auto r = faces("--detector haar --json " + files, j);
  EXPECT_EQ(r.exit_code, 1);
  ASSERT_TRUE(j.is_object()) << r.out;
  ASSERT_EQ(j["files"].size(), 2u) << r.out;
  EXPECT_NE(j["files"][0]["error"]["message"].get<std::string>().find("nope.jpg"),
            std::string::npos);
  EXPECT_FALSE(j["files"][1]["faces"].empty()) << r.out;
}

TEST(CliFaces, ReframeOfAClipGivesItsAnalysisTimeAgainstItsLength) {
  SKIP_WITHOUT_SAMPLES();
  const std::string clip = test::shell_quote(test::sample("phone/VID_20250314_101500.mp4"));
  Json j;
  auto r = faces("--json --reframe 4:5 " + clip, j);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  ASSERT_TRUE(j.is_object()) << r.out;
  const Json& video = j["files"][0];
  EXPECT_EQ(video["kind"], "video");
  EXPECT_NEAR(video["duration_s"].get<double>(), 4.0, 0.1);
  const Json& reframe = video["reframe"];
  EXPECT_GT(reframe["seconds"].get<double>(), 0);
  EXPECT_NEAR(reframe["ratio"].get<double>(),
              reframe["seconds"].get<double>() / video["duration_s"].get<double>(), 0.01);
  EXPECT_NEAR(reframe["window"][0].get<double>() / reframe["window"][1].get<double>(), 0.8, 0.01);
  EXPECT_GE(reframe["shots"].get<int>(), 1);
  EXPECT_GT(reframe["frames"].get<int>(), 0);
  EXPECT_FALSE(reframe["note"].get<std::string>().empty());

  // A video without --reframe or --poster is an error that says what to add; a bad aspect is
  // a usage error.
  auto bare = test::run_command(test::shell_quote(test::cli_path()) + " faces " + clip + " 2>&1");
  EXPECT_EQ(bare.exit_code, 1) << bare.out;
  EXPECT_NE(bare.out.find("--reframe W:H"), std::string::npos) << bare.out;
  auto bad = test::run_command(test::shell_quote(test::cli_path()) + " faces --reframe 4x5 " +
                               clip + " 2>&1");
  EXPECT_EQ(bad.exit_code, 2) << bad.out;
}

}  // namespace
}  // namespace saluran
