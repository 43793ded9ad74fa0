#include "pipeline/ops/shot_cuts.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <random>
#include <vector>

namespace saluran {
namespace {

constexpr int kW = 96;
constexpr int kH = 54;

using Shade = std::function<void(int x, int y, std::uint8_t* rgb)>;

Picture paint(const Shade& shade) {
  Picture p{kW, kH, std::vector<std::uint8_t>(static_cast<std::size_t>(kW) * kH * 3)};
  for (int y = 0; y < kH; ++y) {
    for (int x = 0; x < kW; ++x) shade(x, y, p.pixel(x, y));
  }
  return p;
}

/// A warm horizontal gradient with sensor-like noise.
Picture scene_a(unsigned seed, double gain = 1.0) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> noise(-6, 6);
  return paint([&](int x, int, std::uint8_t* px) {
    const auto v = [&](double base) {
      return static_cast<std::uint8_t>(std::clamp(base * gain + noise(rng), 0.0, 255.0));
    };
    px[0] = v(80 + x * 1.5);
    px[1] = v(60 + x);
    px[2] = v(40);
  });
}

/// A dark blue room with a bright square at `square_x`.
Picture scene_b(unsigned seed, int square_x) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> noise(-6, 6);
  return paint([&](int x, int y, std::uint8_t* px) {
    const bool in = x >= square_x && x < square_x + 16 && y >= 20 && y < 36;
    px[0] = static_cast<std::uint8_t>(std::clamp((in ? 240 : 20) + noise(rng), 0, 255));
    px[1] = static_cast<std::uint8_t>(std::clamp((in ? 240 : 30) + noise(rng), 0, 255));
    px[2] = static_cast<std::uint8_t>(std::clamp((in ? 240 : 90) + noise(rng), 0, 255));
  });
}

Picture flat(std::uint8_t v) {
  return paint([&](int, int, std::uint8_t* px) { px[0] = px[1] = px[2] = v; });
}

TEST(ShotCuts, SignatureHasFixedSizeAndIsEmptyForEmptyPicture) {
  EXPECT_TRUE(frame_signature(Picture{}).values.empty());
  const auto sig = frame_signature(scene_a(1));
  EXPECT_EQ(sig.values.size(), 160u);
  EXPECT_EQ(frame_signature(scene_a(2)).values.size(), sig.values.size());
}

TEST(ShotCuts, DistanceIsZeroForSameSmallForNoiseLargeForOtherScene) {
  const auto a1 = frame_signature(scene_a(1));
  const auto a2 = frame_signature(scene_a(2));
  const auto b = frame_signature(scene_b(3, 10));
  EXPECT_DOUBLE_EQ(signature_distance(a1, a1), 0.0);
  EXPECT_LT(signature_distance(a1, a2), 0.05);
  EXPECT_GT(signature_distance(a1, b), 0.5);
  EXPECT_DOUBLE_EQ(signature_distance(a1, FrameSignature{}), 1.0);
  // Black against white: every histogram differs wholly, the (grey) chroma not at all.
  EXPECT_NEAR(signature_distance(frame_signature(flat(0)), frame_signature(flat(255))), 0.75, 1e-6);
}

TEST(ShotCuts, EmptyAndSingleFrameInputs) {
  EXPECT_TRUE(find_shot_starts({}).empty());
  EXPECT_EQ(find_shot_starts({frame_signature(scene_a(1))}), (std::vector<std::size_t>{0}));
}

TEST(ShotCuts, HardCutsAreFoundAtTheFirstFrameOfTheNewShot) {
  std::vector<FrameSignature> sigs;
  for (unsigned i = 0; i < 40; ++i) sigs.push_back(frame_signature(scene_a(i)));
  for (unsigned i = 0; i < 35; ++i)
    sigs.push_back(frame_signature(scene_b(100 + i, static_cast<int>(i) * 2)));
  for (unsigned i = 0; i < 30; ++i) sigs.push_back(frame_signature(scene_a(200 + i)));
  EXPECT_EQ(find_shot_starts(sigs), (std::vector<std::size_t>{0, 40, 75}));
}

TEST(ShotCuts, SlowFadeToBlackAndBackIsNotACut) {
  std::vector<FrameSignature> sigs;
  for (unsigned i = 0; i < 30; ++i) sigs.push_back(frame_signature(scene_a(i)));
  for (int i = 0; i <= 30; ++i) sigs.push_back(frame_signature(scene_a(50 + i, 1.0 - i / 30.0)));
  for (int i = 0; i <= 30; ++i) sigs.push_back(frame_signature(scene_a(90 + i, i / 30.0)));
  for (unsigned i = 0; i < 30; ++i) sigs.push_back(frame_signature(scene_a(130 + i)));
  EXPECT_EQ(find_shot_starts(sigs), (std::vector<std::size_t>{0}));
}

TEST(ShotCuts, OneFrameFlashIsNotACut) {
  std::vector<FrameSignature> sigs;
  for (unsigned i = 0; i < 60; ++i)
    sigs.push_back(frame_signature(i == 30 ? flat(255) : scene_a(i)));
  EXPECT_EQ(find_shot_starts(sigs), (std::vector<std::size_t>{0}));
}

TEST(ShotCuts, MovingObjectInOneSceneIsNotACut) {
  std::vector<FrameSignature> sigs;
  for (int i = 0; i < 70; ++i) sigs.push_back(frame_signature(scene_b(7 + i, i)));
  EXPECT_EQ(find_shot_starts(sigs), (std::vector<std::size_t>{0}));
}

TEST(ShotCuts, CutsCloserThanTheMinimumShotKeepTheStrongerOne) {
  std::vector<FrameSignature> sigs;
  for (unsigned i = 0; i < 30; ++i) sigs.push_back(frame_signature(scene_a(i)));
  // Two frames of a mid-grey card, then scene b: two jumps three frames apart.
  for (unsigned i = 0; i < 2; ++i) sigs.push_back(frame_signature(flat(128)));
  for (unsigned i = 0; i < 30; ++i) sigs.push_back(frame_signature(scene_b(i, 40)));
  const auto starts = find_shot_starts(sigs);
  ASSERT_EQ(starts.size(), 2u);
  EXPECT_TRUE(starts[1] == 30 || starts[1] == 32) << starts[1];
}

}  // namespace
}  // namespace saluran
