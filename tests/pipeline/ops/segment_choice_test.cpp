#include "pipeline/ops/segment_choice.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "pipeline/ops/poster_score.hpp"

namespace saluran {
namespace {

/// A 120 s clip measured every half second, every frame scoring `score`.
SegmentInputs flat_clip(double score = 1.0) {
  SegmentInputs in;
  for (double t = 0; t < 120; t += 0.5) {
    in.times.push_back(t);
    in.scores.push_back(score);
  }
  in.shot_starts = {0};
  in.clip_end_s = 120;
  return in;
}

void set_scores(SegmentInputs& in, double from, double to, double score) {
  for (std::size_t i = 0; i < in.times.size(); ++i)
    if (in.times[i] >= from && in.times[i] < to) in.scores[i] = score;
}

TEST(ChooseSegment, AClipThatFitsStartsAtItsStart) {
  SegmentInputs in = flat_clip();
  in.clip_start_s = 0.85;
  const SegmentChoice c = choose_segment(in, 130);
  EXPECT_DOUBLE_EQ(c.start_s, 0.85);
  EXPECT_EQ(c.reason, "the whole clip fits");
}

TEST(ChooseSegment, NothingToTellThePartsApartKeepsTheBeginning) {
  SegmentInputs in = flat_clip();
  in.shot_starts = {0, 20, 45, 70};
  const SegmentChoice c = choose_segment(in, 59.9);
  EXPECT_DOUBLE_EQ(c.start_s, 0);
  EXPECT_NE(c.reason.find("the first 59.9 s"), std::string::npos) << c.reason;
}

TEST(ChooseSegment, ABetterPartStartsAtTheCutBeforeIt) {
  SegmentInputs in = flat_clip(0.5);
  in.shot_starts = {0, 31.5, 58, 100};
  set_scores(in, 0, 31.5, -0.5);  // dark and soft: the crowd waiting
  set_scores(in, 31.5, 95, 1.8);  // faces: the speech
  const SegmentChoice c = choose_segment(in, 59.9);
  EXPECT_DOUBLE_EQ(c.start_s, 31.5);
  EXPECT_NE(c.reason.find("starting at a cut"), std::string::npos) << c.reason;
  EXPECT_NE(c.reason.find("31.5-91.4 s"), std::string::npos) << c.reason;
}

TEST(ChooseSegment, ACutTooLateForAWholePartIsNotAStart) {
  SegmentInputs in = flat_clip(0.2);
  in.shot_starts = {0, 90};
  set_scores(in, 90, 120, 2.0);  // the best is the last 30 s
  const SegmentChoice c = choose_segment(in, 59.9);
  // 90 s leaves only 30 s: the part that ends with the clip is taken instead.
  EXPECT_NEAR(c.start_s, 120 - 59.9, 1e-9);
  EXPECT_NE(c.reason.find("ending with the clip"), std::string::npos) << c.reason;
}

TEST(ChooseSegment, SmallDifferencesAreATie) {
  SegmentInputs in = flat_clip(1.0);
  in.shot_starts = {0, 40};
  set_scores(in, 60, 120, 1.01);
  EXPECT_DOUBLE_EQ(choose_segment(in, 59.9).start_s, 0);
}

TEST(PosterScores, BlurredAndDarkFramesScoreBelowGoodOnes) {
  std::vector<PosterCandidate> c(3);
  for (std::size_t i = 0; i < c.size(); ++i) {
    c[i].time_s = static_cast<double>(i);
    c[i].mean_luma = 110;
    c[i].luma_spread = 50;
    c[i].sharpness = 500;
  }
  c[1].mean_luma = 5;   // black
  c[2].sharpness = 20;  // soft
  const std::vector<double> s = poster_scores(c);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_GT(s[0], s[1] + 1);
  EXPECT_GT(s[0], s[2] + 1);
  c[0].faces = 1;
  c[0].face_area = 0.05;
  EXPECT_GT(poster_scores(c)[0], s[0] + 1);
}

}  // namespace
}  // namespace saluran
