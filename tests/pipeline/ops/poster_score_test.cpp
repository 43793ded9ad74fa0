#include "pipeline/ops/poster_score.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

namespace saluran {
namespace {

Picture checker(int w, int h, int cell, std::uint8_t lo, std::uint8_t hi) {
  Picture p{w, h, std::vector<std::uint8_t>(static_cast<std::size_t>(w) * h * 3)};
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const std::uint8_t v = ((x / cell + y / cell) % 2) != 0 ? hi : lo;
      std::uint8_t* px = p.pixel(x, y);
      px[0] = px[1] = px[2] = v;
    }
  }
  return p;
}

/// A clip-like candidate: well exposed, sharpness `sharp`, at `t`.
PosterCandidate good(double t, double sharp = 500) {
  PosterCandidate c;
  c.time_s = t;
  c.mean_luma = 110;
  c.luma_spread = 50;
  c.sharpness = sharp;
  c.change = 0.03;
  return c;
}

TEST(PosterScore, MeasureFlatBlackFrame) {
  const auto c = measure_candidate(checker(64, 36, 4, 0, 0), 1.5);
  EXPECT_DOUBLE_EQ(c.time_s, 1.5);
  EXPECT_DOUBLE_EQ(c.mean_luma, 0);
  EXPECT_DOUBLE_EQ(c.luma_spread, 0);
  EXPECT_DOUBLE_EQ(c.sharpness, 0);
}

TEST(PosterScore, MeasureMeanSpreadAndSharpness) {
  const auto fine = measure_candidate(checker(64, 36, 2, 50, 200), 0);
  EXPECT_NEAR(fine.mean_luma, 125, 0.5);
  EXPECT_NEAR(fine.luma_spread, 75, 0.5);
  const auto coarse = measure_candidate(checker(64, 36, 12, 50, 200), 0);
  // Fewer edges: far less Laplacian energy.
  EXPECT_GT(fine.sharpness, 4 * coarse.sharpness);
  EXPECT_GT(coarse.sharpness, 0);
}

TEST(PosterScore, MeasureToleratesEmptyAndTinyPictures) {
  EXPECT_DOUBLE_EQ(measure_candidate(Picture{}, 2).sharpness, 0);
  EXPECT_DOUBLE_EQ(measure_candidate(checker(2, 2, 1, 0, 255), 0).sharpness, 0);
}

TEST(PosterScore, EmptyCandidatesGiveIndexZero) {
  const auto c = choose_poster({});
  EXPECT_EQ(c.index, 0u);
  EXPECT_TRUE(c.reason.empty());
}

TEST(PosterScore, RejectsBlackWashedOutBlurredAndTransitionFrames) {
  std::vector<PosterCandidate> c;
  for (int i = 0; i < 20; ++i) c.push_back(good(i * 0.5, 200));  // soft everywhere ...
  c[6].sharpness = 1000;                                         // ... sharp here
  c[6].mean_luma = 5;                                            // but black
  c[8].sharpness = 1000;
  c[8].mean_luma = 245;  // washed out
  c[10].sharpness = 1000;
  c[10].near_cut = true;
  c[12].sharpness = 1000;
  c[12].change = 0.6;                          // mid-dissolve
  c[14].sharpness = 900;                       // the one good sharp frame
  for (int i : {16, 17}) c[i].sharpness = 10;  // blurred
  const auto pick = choose_poster(c);
  EXPECT_EQ(pick.index, 14u) << pick.reason;
  EXPECT_NE(pick.reason.find("7.00 s"), std::string::npos) << pick.reason;
}

TEST(PosterScore, BlurIsJudgedAgainstTheClipsOwnSharpness) {
  // A soft clip: every frame is far below the sharpness of a crisp one, none is "blurred".
  std::vector<PosterCandidate> c;
  for (int i = 0; i < 10; ++i) c.push_back(good(i, 20 + i));
  c[4].sharpness = 3;  // this one is blurred even for this clip
  const auto pick = choose_poster(c);
  EXPECT_NE(pick.index, 4u);
  EXPECT_GE(c[pick.index].sharpness, 20);
}

TEST(PosterScore, PrefersFacesAndMoreFaceArea) {
  std::vector<PosterCandidate> c;
  for (int i = 0; i < 12; ++i) c.push_back(good(i * 0.5, 600));
  c[3].sharpness = 800;
  c[5].faces = 1;
  c[5].face_area = 0.01;
  c[7].faces = 2;
  c[7].face_area = 0.08;
  const auto pick = choose_poster(c);
  EXPECT_EQ(pick.index, 7u);
  EXPECT_NE(pick.reason.find("2 faces"), std::string::npos) << pick.reason;
}

TEST(PosterScore, AvoidsTheFirstAndLastSecond) {
  std::vector<PosterCandidate> c;
  for (int i = 0; i <= 20; ++i) c.push_back(good(i * 0.5, 300));
  c[0].sharpness = 900;
  c[0].faces = 1;
  c[20].sharpness = 900;
  c[20].faces = 3;
  c[1].faces = 1;
  c[19].faces = 1;
  const auto pick = choose_poster(c);
  EXPECT_GE(c[pick.index].time_s, 1.0);
  EXPECT_LE(c[pick.index].time_s, 9.0);
}

TEST(PosterScore, AlwaysChoosesWhenEverythingIsBad) {
  std::vector<PosterCandidate> c;
  for (int i = 0; i < 6; ++i) {
    PosterCandidate k;
    k.time_s = i;
    k.mean_luma = 2 + i;  // all black; the brightest is the least bad
    k.luma_spread = 1;
    c.push_back(k);
  }
  const auto pick = choose_poster(c);
  EXPECT_LT(pick.index, c.size());
  EXPECT_FALSE(pick.reason.empty());
  EXPECT_NE(pick.reason.find("no frame is well exposed"), std::string::npos) << pick.reason;
}

TEST(PosterScore, ShortClipStillGetsAChoiceNearItsEdges) {
  const std::vector<PosterCandidate> c{good(0, 400), good(0.5, 600), good(1.0, 500)};
  EXPECT_EQ(choose_poster(c).index, 1u);
}

}  // namespace
}  // namespace saluran
