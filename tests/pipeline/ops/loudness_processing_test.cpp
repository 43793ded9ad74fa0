// The loudness kernels behind the transcoder's interface give exactly what the kernels give.

#include "pipeline/ops/loudness_processing.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "pipeline/ops/loudness_gain.hpp"

namespace saluran {
namespace {

std::vector<float> sine(std::size_t frames, int channels, double amplitude) {
  std::vector<float> s(frames * static_cast<std::size_t>(channels));
  for (std::size_t i = 0; i < frames; ++i)
    for (int c = 0; c < channels; ++c)
      s[i * channels + c] =
          static_cast<float>(amplitude * std::sin(2 * std::numbers::pi * 997.0 * i / 48000.0));
  return s;
}

// Runs `pass` over `in` in blocks of `block` frames through the interface.
std::vector<float> through_stage(const av::LoudnessPass& pass, std::vector<float> in,
                                 std::size_t block) {
  auto stage = loudness_processing()->stage(pass, 2, 48000);
  std::vector<float> out;
  for (std::size_t at = 0; at < in.size(); at += block * 2) {
    const std::size_t frames = std::min(block, (in.size() - at) / 2);
    auto got = stage->process(in.data() + at, frames);
    out.insert(out.end(), got.begin(), got.end());
  }
  auto rest = stage->flush();
  out.insert(out.end(), rest.begin(), rest.end());
  return out;
}

TEST(LoudnessProcessing, PlanIsPlanLoudnessWithTheCeiling) {
  Loudness measured;
  measured.integrated_lufs = -30.0;
  measured.true_peak_dbtp = -3.0;
  const av::LoudnessPass pass = loudness_processing()->plan(measured, -23.0, -1.0);
  const LoudnessPlan plan = plan_loudness(measured, -23.0, -1.0);
  EXPECT_EQ(pass.gain_db, plan.gain_db);
  EXPECT_EQ(pass.limit, plan.limited);
  EXPECT_EQ(pass.ceiling_dbtp, -1.0);
}

TEST(LoudnessProcessing, GainAloneIsApplyGain) {
  const std::vector<float> in = sine(10000, 2, 0.25);
  std::vector<float> expected = in;
  apply_gain(expected.data(), expected.size(), 4.5);
  EXPECT_EQ(through_stage({4.5, false, -1.0}, in, 4096), expected);
}

TEST(LoudnessProcessing, GainAndLimiterAreApplyGainThenTheLimiter) {
  const std::vector<float> in = sine(20000, 2, 0.5);
  std::vector<float> gained = in;
  apply_gain(gained.data(), gained.size(), 9.0);
  TruePeakLimiter limiter(2, 48000, -1.5);
  std::vector<float> expected;
  limiter.process(gained.data(), gained.size() / 2, expected);
  limiter.flush(expected);
  EXPECT_EQ(through_stage({9.0, true, -1.5}, in, 4096), expected);
}

}  // namespace
}  // namespace saluran
