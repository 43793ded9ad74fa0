#include "pipeline/ops/attention_map.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>

#include "pipeline/ops/smart_crop.hpp"

namespace saluran {
namespace {

Picture flat(int w, int h, std::uint8_t r, std::uint8_t g, std::uint8_t b) {
  Picture p{w, h, std::vector<std::uint8_t>(static_cast<std::size_t>(w) * h * 3)};
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      std::uint8_t* px = p.pixel(x, y);
      px[0] = r;
      px[1] = g;
      px[2] = b;
    }
  }
  return p;
}

void fill(Picture& p, int x0, int y0, int w, int h, std::uint8_t r, std::uint8_t g,
          std::uint8_t b) {
  for (int y = y0; y < y0 + h; ++y) {
    for (int x = x0; x < x0 + w; ++x) {
      std::uint8_t* px = p.pixel(x, y);
      px[0] = r;
      px[1] = g;
      px[2] = b;
    }
  }
}

/// Mean of the map over the cells that cover picture pixels [x0, x1) x [y0, y1).
double mean_over(const AttentionMap& m, const Picture& p, int x0, int y0, int x1, int y1) {
  double sum = 0;
  int n = 0;
  for (int gy = 0; gy < m.height; ++gy) {
    for (int gx = 0; gx < m.width; ++gx) {
      const double cx = (gx + 0.5) * p.width / m.width;
      const double cy = (gy + 0.5) * p.height / m.height;
      if (cx >= x0 && cx < x1 && cy >= y0 && cy < y1) {
        sum += m.at(gx, gy);
        ++n;
      }
    }
  }
  return n > 0 ? sum / n : 0.0;
}

TEST(AttentionMap, EmptyOrMalformedPictureGivesAnEmptyMap) {
  EXPECT_TRUE(attention_map(Picture{}).empty());
  Picture short_data{100, 100, std::vector<std::uint8_t>(10)};
  EXPECT_TRUE(attention_map(short_data).empty());
  EXPECT_TRUE(shrink_for_attention(short_data).empty());
}

TEST(AttentionMap, GridIsAtMost64CellsOnTheLongEdge) {
  const AttentionMap m = attention_map(flat(256, 144, 90, 90, 90));
  EXPECT_EQ(m.width, 64);
  EXPECT_EQ(m.height, 36);
  EXPECT_EQ(m.values.size(), 64u * 36u);
  const AttentionMap tiny = attention_map(flat(10, 5, 90, 90, 90));
  EXPECT_EQ(tiny.width, 10);
  EXPECT_EQ(tiny.height, 5);
  EXPECT_EQ(m.at(-1, 0), 0.0f);
  EXPECT_EQ(m.at(64, 0), 0.0f);
}

TEST(AttentionMap, FlatGreyIsNotInteresting) {
  const AttentionMap m = attention_map(flat(200, 120, 128, 128, 128));
  for (float v : m.values) EXPECT_EQ(v, 0.0f);
}

TEST(AttentionMap, ValuesStayWithinZeroToOne) {
  std::mt19937 rng(7);
  Picture p = flat(180, 240, 0, 0, 0);
  for (auto& byte : p.rgb) byte = static_cast<std::uint8_t>(rng());
  const AttentionMap m = attention_map(p);
  ASSERT_FALSE(m.empty());
  for (float v : m.values) {
    EXPECT_GE(v, 0.0f);
    EXPECT_LE(v, 1.0f);
  }
}

TEST(AttentionMap, SharpTexturedSquareOnAFlatBackgroundDrawsTheWindow) {
  // 256x144 grey picture, a 40x40 noisy square near the right edge.
  Picture p = flat(256, 144, 120, 120, 120);
  std::mt19937 rng(11);
  for (int y = 50; y < 90; ++y) {
    for (int x = 200; x < 240; ++x) {
      const auto v = static_cast<std::uint8_t>(rng() % 256);
      fill(p, x, y, 1, 1, v, v, v);
    }
  }
  const AttentionMap m = attention_map(p);
  EXPECT_GT(mean_over(m, p, 204, 54, 236, 86), 0.3);
  EXPECT_LT(mean_over(m, p, 0, 0, 150, 144), 0.01);

  for (double aspect : {1.0, 9.0 / 16.0, 4.0 / 5.0}) {
    CropRequest r;
    r.width = p.width;
    r.height = p.height;
    r.aspect = aspect;
    r.attention = &m;
    const CropChoice c = choose_crop(r);
    EXPECT_EQ(c.basis, "attention");
    EXPECT_LE(c.window.x, 200) << aspect;
    EXPECT_GE(c.window.x + c.window.width, 240) << aspect;
  }
}

TEST(AttentionMap, SkinTonedBlobScoresHigherThanGrey) {
  Picture p = flat(128, 128, 128, 128, 128);
  fill(p, 70, 30, 40, 60, 224, 172, 140);  // a light skin tone
  const AttentionMap m = attention_map(p);
  const double skin = mean_over(m, p, 75, 35, 105, 85);
  const double grey = mean_over(m, p, 5, 5, 60, 120);
  EXPECT_GT(skin, 0.3);
  EXPECT_GT(skin, grey + 0.3);

  const AttentionCues skin_cues = colour_cues(224, 172, 140);
  const AttentionCues dark_skin_cues = colour_cues(141, 85, 60);
  const AttentionCues grey_cues = colour_cues(128, 128, 128);
  const AttentionCues sky_cues = colour_cues(90, 140, 220);
  EXPECT_GT(skin_cues.skin, 0.5f);
  EXPECT_GT(dark_skin_cues.skin, 0.3f);
  EXPECT_EQ(grey_cues.skin, 0.0f);
  EXPECT_EQ(sky_cues.skin, 0.0f);
  EXPECT_EQ(colour_cues(10, 8, 6).skin, 0.0f);  // too dark to judge
}

TEST(AttentionMap, SaturatedColourScoresAndGreyDoesNot) {
  EXPECT_GT(colour_cues(220, 20, 20).saturation, 0.5f);
  EXPECT_EQ(colour_cues(128, 128, 128).saturation, 0.0f);
  EXPECT_EQ(colour_cues(255, 255, 255).saturation, 0.0f);
  Picture p = flat(128, 64, 128, 128, 128);
  fill(p, 0, 0, 32, 64, 30, 60, 220);  // saturated blue on the left
  const AttentionMap m = attention_map(p);
  EXPECT_GT(mean_over(m, p, 2, 2, 28, 62), mean_over(m, p, 64, 2, 126, 62) + 0.05);
}

TEST(AttentionMap, ShrinkKeepsColoursAndLayout) {
  Picture p = flat(1000, 500, 0, 0, 0);
  fill(p, 500, 0, 500, 500, 200, 100, 50);
  const Picture small = shrink_for_attention(p, 256);
  EXPECT_EQ(small.width, 256);
  EXPECT_EQ(small.height, 128);
  EXPECT_EQ(small.pixel(10, 60)[0], 0);
  EXPECT_EQ(small.pixel(250, 60)[0], 200);
  EXPECT_EQ(small.pixel(250, 60)[1], 100);
  EXPECT_EQ(small.pixel(250, 60)[2], 50);
  // Already small: unchanged.
  const Picture same = shrink_for_attention(flat(100, 40, 1, 2, 3), 256);
  EXPECT_EQ(same.width, 100);
  EXPECT_EQ(same.rgb, flat(100, 40, 1, 2, 3).rgb);
  // Tall pictures shrink on their long edge.
  const Picture tall = shrink_for_attention(flat(970, 2204, 5, 5, 5), 256);
  EXPECT_EQ(tall.height, 256);
  EXPECT_EQ(tall.width, 113);
}

}  // namespace
}  // namespace saluran
