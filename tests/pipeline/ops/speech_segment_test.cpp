#include "pipeline/ops/speech_segment.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <vector>

namespace saluran {
namespace {

constexpr double kStep = 0.1;

// `seconds` of one level, appended.
void add(std::vector<float>& levels, double seconds, float db) {
  for (int i = 0; i < static_cast<int>(seconds / kStep + 0.5); ++i) levels.push_back(db);
}

// Speech at -20 dBFS: words of 0.8 s with 0.2 s between them, sentences ending in 0.6 s pauses.
void add_talk(std::vector<float>& levels, double seconds) {
  for (double t = 0; t < seconds - 1e-9; t += 5.0) {
    for (int w = 0; w < 4; ++w) {
      add(levels, 0.8, -20);
      add(levels, w < 3 ? 0.2 : 0.6, -60);
    }
    add(levels, 0.6, -20);
  }
}

TEST(SpeechInputs, SpeechScoresOneAndPartsStartJustBeforeSpeechAfterAPause) {
  std::vector<float> levels;
  add(levels, 2.0, -60);  // room noise
  add_talk(levels, 10.0);
  const SegmentInputs in = speech_inputs(levels, kStep);
  ASSERT_EQ(in.times.size(), levels.size());
  EXPECT_DOUBLE_EQ(in.clip_end_s, static_cast<double>(levels.size()) * kStep);
  EXPECT_EQ(in.scores[5], 0.0);
  EXPECT_EQ(in.scores[25], 1.0);
  // The first mark: a step before the first word at 2.0 s. Gaps of 0.2 s between words are
  // not pauses; the 0.6 s ones between sentences are.
  ASSERT_FALSE(in.shot_starts.empty());
  EXPECT_NEAR(in.shot_starts.front(), 1.9, 1e-9);
  EXPECT_NEAR(in.shot_starts[1], 2.0 + 3 * 1.0 + 0.8 + 0.6 - 0.1, 1e-9);
  EXPECT_EQ(in.start_mark, "a pause");
}

TEST(SpeechInputs, TheChosenPartIsTheOneWithTheMostSpeech) {
  // 20 s of a quiet room (a microphone checked, people sitting down), then 20 s of talk.
  std::vector<float> levels;
  add(levels, 20.0, -58);
  add_talk(levels, 20.0);
  const SegmentChoice c = choose_segment(speech_inputs(levels, kStep), 15.0);
  EXPECT_NEAR(c.start_s, 19.9, 1e-9);
  EXPECT_NE(c.reason.find("starting at a pause"), std::string::npos) << c.reason;
  EXPECT_NE(c.reason.find("its sound is speech for"), std::string::npos) << c.reason;
}

TEST(SpeechInputs, SilenceAndEvenTalkKeepTheBeginning) {
  std::vector<float> silent(300, -std::numeric_limits<float>::infinity());
  EXPECT_DOUBLE_EQ(choose_segment(speech_inputs(silent, kStep), 10.0).start_s, 0.0);
  std::vector<float> talk;
  add_talk(talk, 60.0);
  const SegmentChoice c = choose_segment(speech_inputs(talk, kStep), 20.0);
  EXPECT_DOUBLE_EQ(c.start_s, 0.0);
  EXPECT_NE(c.reason.find("no later part"), std::string::npos) << c.reason;
  EXPECT_TRUE(speech_inputs({}, kStep).times.empty());
}

}  // namespace
}  // namespace saluran
