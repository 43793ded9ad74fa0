#include "pipeline/ops/crop_path.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <optional>
#include <random>
#include <vector>

namespace saluran {
namespace {

using Targets = std::vector<std::optional<double>>;

constexpr int kFrameWidth = 1920;
constexpr int kWindow = 608;  // 9:16 of 1080
constexpr double kFps = 30.0;

int max_jump(const std::vector<int>& left, std::size_t from, std::size_t to) {
  int most = 0;
  for (std::size_t i = from + 1; i < to; ++i)
    most = std::max(most, std::abs(left[i] - left[i - 1]));
  return most;
}

void expect_inside(const std::vector<int>& left, int frame_width, int window) {
  for (std::size_t i = 0; i < left.size(); ++i) {
    ASSERT_GE(left[i], 0) << "frame " << i;
    ASSERT_LE(left[i] + window, frame_width) << "frame " << i;
  }
}

TEST(CropPath, EmptyInputGivesEmptyPath) {
  EXPECT_TRUE(plan_crop_path(Targets{}, {}, kFrameWidth, kWindow, kFps).empty());
}

TEST(CropPath, StillSubjectGivesConstantLeftCentredOnIt) {
  const Targets targets(90, 700.0);
  const auto left = plan_crop_path(targets, {0}, kFrameWidth, kWindow, kFps);
  ASSERT_EQ(left.size(), 90u);
  for (int l : left) EXPECT_EQ(l, 700 - kWindow / 2);
}

TEST(CropPath, NoisyStillSubjectInsideTheDeadZoneNeverMoves) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> noise(-0.07 * kWindow, 0.07 * kWindow);
  Targets targets;
  for (int i = 0; i < 300; ++i) targets.push_back(960.0 + noise(rng));
  // The first target decides the anchor; every later one stays within the zone of it when the
  // first is exactly the centre of the noise.
  targets[0] = 960.0;
  const auto left = plan_crop_path(targets, {}, kFrameWidth, kWindow, kFps);
  for (int l : left) EXPECT_EQ(l, left[0]);
}

TEST(CropPath, StepInTargetGivesBoundedMonotonicRampThatArrives) {
  Targets targets(60, 500.0);
  targets.resize(240, 1400.0);
  const CropPathOptions options;
  const int limit = crop_path_max_step(kFrameWidth, options);
  EXPECT_EQ(limit, 16);  // 1920 / 120
  const auto left = plan_crop_path(targets, {0}, kFrameWidth, kWindow, kFps, options);
  EXPECT_EQ(left.front(), 500 - kWindow / 2);
  EXPECT_LE(max_jump(left, 0, left.size()), limit);
  // Never moves backwards (no overshoot, no jitter) ...
  for (std::size_t i = 1; i < left.size(); ++i) EXPECT_GE(left[i], left[i - 1]) << i;
  // ... and settles on the new subject.
  EXPECT_EQ(left.back(), 1400 - kWindow / 2);
  // It moves gradually: a 900 px move at 16 px per frame needs at least 57 frames.
  int moving = 0;
  for (std::size_t i = 1; i < left.size(); ++i) moving += left[i] != left[i - 1] ? 1 : 0;
  EXPECT_GE(moving, 900 / limit);
}

TEST(CropPath, CustomSpeedLimitIsKept) {
  Targets targets(30, 300.0);
  targets.resize(200, 1600.0);
  CropPathOptions options;
  options.max_speed_px = 4.7;
  options.smoothing_s = 0;  // the limit alone must hold it
  const auto left = plan_crop_path(targets, {}, kFrameWidth, kWindow, kFps, options);
  EXPECT_EQ(max_jump(left, 0, left.size()), 4);
}

TEST(CropPath, CutJumpsStraightToTheNewShotsPosition) {
  Targets targets(100, 400.0);
  targets.resize(200, 1500.0);
  const auto left = plan_crop_path(targets, {0, 100}, kFrameWidth, kWindow, kFps);
  const int limit = crop_path_max_step(kFrameWidth);
  EXPECT_EQ(left[99], 400 - kWindow / 2);
  EXPECT_EQ(left[100], 1500 - kWindow / 2);
  EXPECT_LE(max_jump(left, 0, 100), limit);
  EXPECT_LE(max_jump(left, 100, 200), limit);
  // The first shot does not start moving early towards the second one.
  for (std::size_t i = 0; i < 100; ++i) EXPECT_EQ(left[i], 400 - kWindow / 2);
}

TEST(CropPath, MissingTargetsHoldTheLastPosition) {
  Targets targets(40, 800.0);
  targets.resize(120, std::nullopt);
  const auto left = plan_crop_path(targets, {}, kFrameWidth, kWindow, kFps);
  for (int l : left) EXPECT_EQ(l, 800 - kWindow / 2);
}

TEST(CropPath, LeadingMissingTargetsTakeTheShotsFirstSighting) {
  Targets targets(20, std::nullopt);
  targets.resize(60, 1200.0);
  const auto left = plan_crop_path(targets, {}, kFrameWidth, kWindow, kFps);
  for (int l : left) EXPECT_EQ(l, 1200 - kWindow / 2);
}

TEST(CropPath, ShotWithoutAnySubjectIsCentred) {
  const Targets targets(50, std::nullopt);
  const auto left = plan_crop_path(targets, {}, kFrameWidth, kWindow, kFps);
  for (int l : left) EXPECT_EQ(l, (kFrameWidth - kWindow) / 2);
}

TEST(CropPath, TargetsAtOrBeyondTheEdgesKeepTheWindowInside) {
  Targets targets;
  for (int i = 0; i < 400; ++i) targets.push_back(i % 100 < 50 ? -500.0 : 5000.0);
  const auto left = plan_crop_path(targets, {0, 100, 200, 300}, kFrameWidth, kWindow, kFps);
  expect_inside(left, kFrameWidth, kWindow);
  EXPECT_EQ(left[0], 0);
  EXPECT_EQ(left[100], 0);
  EXPECT_EQ(left[200], 0);
  EXPECT_GT(left.back(), left[349]);  // on its way to the right edge
  const auto right = plan_crop_path(Targets(30, 5000.0), {}, kFrameWidth, kWindow, kFps);
  for (int l : right) EXPECT_EQ(l, kFrameWidth - kWindow);
}

TEST(CropPath, RandomTargetsAlwaysInsideAndWithinTheSpeedLimit) {
  std::mt19937 rng(42);
  std::uniform_real_distribution<double> where(-200, 2200);
  std::bernoulli_distribution missing(0.2);
  for (int trial = 0; trial < 20; ++trial) {
    Targets targets;
    for (int i = 0; i < 500; ++i) {
      targets.push_back(missing(rng) ? std::nullopt : std::optional<double>(where(rng)));
    }
    const std::vector<std::size_t> shots{0, 123, 124, 300, 499};
    const auto left = plan_crop_path(targets, shots, kFrameWidth, kWindow, 25.0);
    ASSERT_EQ(left.size(), targets.size());
    expect_inside(left, kFrameWidth, kWindow);
    const int limit = crop_path_max_step(kFrameWidth);
    for (std::size_t k = 0; k + 1 < shots.size(); ++k)
      EXPECT_LE(max_jump(left, shots[k], shots[k + 1]), limit);
    EXPECT_LE(max_jump(left, 300, 499), limit);
  }
}

TEST(CropPath, SmoothlyMovingSubjectIsFollowedWithoutJitter) {
  // A subject walking 3 px per frame: the window follows, always in the same direction.
  Targets targets;
  for (int i = 0; i < 300; ++i) targets.push_back(400.0 + 3.0 * i);
  const auto left = plan_crop_path(targets, {}, kFrameWidth, kWindow, kFps);
  for (std::size_t i = 1; i < left.size(); ++i) EXPECT_GE(left[i], left[i - 1]) << i;
  // ... and keeps the subject within the dead zone plus the smoothing's reach of the centre.
  for (std::size_t i = 0; i < left.size(); ++i) {
    const double centre = left[i] + kWindow / 2.0;
    EXPECT_LT(std::abs(centre - *targets[i]), 0.25 * kWindow) << i;
  }
}

TEST(CropPath, WindowAsWideAsTheFrameStaysAtZero) {
  const Targets targets(10, 100.0);
  for (int l : plan_crop_path(targets, {}, 640, 640, kFps)) EXPECT_EQ(l, 0);
  for (int l : plan_crop_path(targets, {}, 640, 800, kFps)) EXPECT_EQ(l, 0);
}

TEST(CropPath, UnsortedAndOutOfRangeShotStartsAreTolerated) {
  Targets targets(60, 300.0);
  targets.resize(120, 1600.0);
  const auto left = plan_crop_path(targets, {500, 60, 0, 60}, kFrameWidth, kWindow, 0.0);
  ASSERT_EQ(left.size(), 120u);
  EXPECT_EQ(left[60], 1600 - kWindow / 2);
  expect_inside(left, kFrameWidth, kWindow);
}

TEST(CropPath, DeadZoneNeverLeavesTheSubjectsRangeUncovered) {
  // The wanted centre drifts by less than the dead zone, but the faces' range (the centres
  // that keep them whole) moves past the anchor: the window must follow.
  std::vector<std::optional<CropTarget>> targets;
  for (int i = 0; i < 60; ++i) targets.push_back(CropTarget{900.0, 880.0, 920.0});
  for (int i = 0; i < 120; ++i) targets.push_back(CropTarget{930.0, 925.0, 960.0});
  const auto left = plan_crop_path(targets, {}, kFrameWidth, kWindow, kFps);
  EXPECT_EQ(left.front(), 900 - kWindow / 2);
  const double centre = left.back() + kWindow / 2.0;
  EXPECT_GE(centre, 925.0);
  EXPECT_LE(centre, 960.0);
  // Without the range the same drift (30 px, inside the 8% dead zone of 48 px) stays put.
  Targets bare(60, 900.0);
  bare.resize(180, 930.0);
  const auto still = plan_crop_path(bare, {}, kFrameWidth, kWindow, kFps);
  EXPECT_EQ(still.back(), 900 - kWindow / 2);
}

TEST(CropPath, ImpossibleRangeFallsBackToTheCentre) {
  std::vector<std::optional<CropTarget>> targets(30, CropTarget{700.0, 800.0, 600.0});
  const auto left = plan_crop_path(targets, {}, kFrameWidth, kWindow, kFps);
  for (int l : left) EXPECT_EQ(l, 700 - kWindow / 2);
}

// A face hurrying to the frame's edge: the wanted range narrows to the edge position. The
// smoothing eases into the move but never trails outside the range: the window is inside it
// as soon as the speed limit lets it get there, and stays there.
TEST(CropPath, SmoothingNeverTrailsASubjectOutOfItsRange) {
  std::vector<std::optional<CropTarget>> targets;
  for (int i = 0; i < 30; ++i) targets.push_back(CropTarget{1000.0, 950.0, 1050.0});
  for (int i = 0; i < 60; ++i) targets.push_back(CropTarget{1616.0, 1600.0, 1616.0});
  const auto left = plan_crop_path(targets, {}, kFrameWidth, kWindow, kFps);
  const int limit = crop_path_max_step(kFrameWidth);
  EXPECT_LE(max_jump(left, 0, left.size()), limit);
  // From about 1000 to 1600 at 16 px a frame takes under 40 frames; the range holds after.
  for (std::size_t i = 30 + 40; i < left.size(); ++i) {
    const double centre = left[i] + kWindow / 2.0;
    EXPECT_GE(centre, 1600.0 - 0.5) << "frame " << i;
  }
}

}  // namespace
}  // namespace saluran
