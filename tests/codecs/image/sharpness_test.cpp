#include "codecs/image/sharpness.hpp"

#include <gtest/gtest.h>

#include <cstdint>

#include "codecs/image/picture_ops.hpp"

namespace saluran {
namespace {

/// A grey picture with a black and white checkerboard of `cell` pixels in `region`.
Picture checkerboard(int width, int height, const Rect& region, int cell) {
  Picture p{width, height,
            std::vector<std::uint8_t>(static_cast<std::size_t>(width) * height * 3, 128)};
  for (int y = region.y; y < region.y + region.height; ++y) {
    for (int x = region.x; x < region.x + region.width; ++x) {
      const std::uint8_t v = ((x - region.x) / cell + (y - region.y) / cell) % 2 ? 255 : 0;
      std::fill(p.pixel(x, y), p.pixel(x, y) + 3, v);
    }
  }
  return p;
}

TEST(Sharpness, DetailScoresHigherThanItsBlurredCopyAndFlatScoresZero) {
  const Rect face{40, 20, 80, 80};
  const Picture sharp = checkerboard(200, 120, face, 4);
  // Blurred: shrunk to a quarter and enlarged back, the way an out-of-focus face looks.
  const Picture blurred = resize_picture(resize_picture(sharp, 50, 30), 200, 120);
  const double s = region_sharpness(sharp, face);
  const double b = region_sharpness(blurred, face);
  EXPECT_GT(s, 0);
  EXPECT_GT(s, 4 * b);
  EXPECT_EQ(region_sharpness(sharp, {150, 20, 40, 40}), 0) << "flat grey";
}

TEST(Sharpness, TheSameDetailLargeOrSmallScoresAlike) {
  // One pattern drawn at two sizes: measured at a fixed size, they score within a factor 2.
  const Picture small = checkerboard(200, 120, {10, 10, 64, 64}, 8);
  const Picture large = checkerboard(400, 240, {10, 10, 128, 128}, 16);
  const double a = region_sharpness(small, {10, 10, 64, 64});
  const double b = region_sharpness(large, {10, 10, 128, 128});
  EXPECT_GT(a, 0);
  EXPECT_LT(std::max(a, b) / std::min(a, b), 2.0);
}

TEST(Sharpness, RegionsOutsideOrMalformedPicturesScoreZero) {
  const Picture p = checkerboard(100, 100, {0, 0, 100, 100}, 4);
  EXPECT_EQ(region_sharpness(p, {200, 200, 50, 50}), 0);
  EXPECT_EQ(region_sharpness(p, {10, 10, 0, 40}), 0);
  EXPECT_GT(region_sharpness(p, {90, 90, 40, 40}), 0) << "clipped to the picture";
  Picture broken = p;
  broken.rgb.resize(10);
  EXPECT_EQ(region_sharpness(broken, {10, 10, 40, 40}), 0);
  EXPECT_EQ(region_sharpness(Picture{}, {0, 0, 10, 10}), 0);
}

}  // namespace
}  // namespace saluran
