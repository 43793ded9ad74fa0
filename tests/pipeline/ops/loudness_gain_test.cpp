#include "pipeline/ops/loudness_gain.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "codecs/audio/loudness_meter.hpp"

namespace saluran {
namespace {

constexpr int kRate = 48000;
constexpr double kCeiling = -1.0;
constexpr double kSlackDb = 0.1;

double db_to_linear(double db) { return std::pow(10.0, db / 20.0); }

Loudness measure(int channels, const std::vector<float>& s, int rate = kRate) {
  LoudnessMeter meter(channels, rate);
  meter.add(s.data(), s.size() / static_cast<std::size_t>(channels));
  return meter.result();
}

std::vector<float> limit(const std::vector<float>& in, int channels, double ceiling = kCeiling,
                         int rate = kRate) {
  TruePeakLimiter limiter(channels, rate, ceiling);
  std::vector<float> out;
  limiter.process(in.data(), in.size() / static_cast<std::size_t>(channels), out);
  limiter.flush(out);
  return out;
}

// Interleaved stereo from a function of (frame, channel).
std::vector<float> make(double seconds, const std::function<double(std::size_t, int)>& f,
                        int channels = 2, int rate = kRate) {
  const auto frames = static_cast<std::size_t>(seconds * rate);
  std::vector<float> s(frames * static_cast<std::size_t>(channels));
  for (std::size_t n = 0; n < frames; ++n)
    for (int c = 0; c < channels; ++c)
      s[n * static_cast<std::size_t>(channels) + static_cast<std::size_t>(c)] =
          static_cast<float>(f(n, c));
  return s;
}

double tone(std::size_t n, double hz, double phase = 0.0, int rate = kRate) {
  return std::sin(2 * std::numbers::pi * hz * static_cast<double>(n) / rate + phase);
}

// Something like a loud pop mix: bass, chords, hi-hat noise and drum hits, peaking at +3 dBFS.
std::vector<float> loud_programme(double seconds) {
  std::mt19937 rng(1234);
  std::normal_distribution<double> noise(0.0, 1.0);
  std::vector<float> s = make(seconds, [&](std::size_t n, int c) {
    const double t = static_cast<double>(n) / kRate;
    const double beat = std::fmod(t, 0.5);
    const double kick = std::exp(-beat * 30) * tone(n, 55 + 40 * std::exp(-beat * 40));
    const double hat = std::fmod(t + 0.25, 0.5) < 0.03 ? 0.3 * noise(rng) : 0.05 * noise(rng);
    const double chord = 0.25 * (tone(n, 261.6, c) + tone(n, 329.6, 2 * c) + tone(n, 392.0)) +
                         0.1 * tone(n, 3520, c) + 0.05 * tone(n, 11000 + 500 * c);
    return 0.9 * kick + hat + chord;
  });
  float peak = 0;
  for (float v : s) peak = std::max(peak, std::fabs(v));
  const auto scale = static_cast<float>(db_to_linear(3.0) / peak);
  for (float& v : s) v *= scale;
  return s;
}

// ---------------------------------------------------------------------------------------------
// Gain and plan

TEST(LoudnessGain, GainMovesToTarget) {
  EXPECT_DOUBLE_EQ(loudness_gain_db(-30.0, -23.0), 7.0);
  EXPECT_DOUBLE_EQ(loudness_gain_db(-10.0, -23.0), -13.0);
  EXPECT_DOUBLE_EQ(loudness_gain_db(-23.0, -23.0), 0.0);
}

TEST(LoudnessGain, SilenceAndNonsenseGetNoGain) {
  EXPECT_EQ(loudness_gain_db(-70.0, -23.0), 0.0);
  EXPECT_EQ(loudness_gain_db(-95.0, -23.0), 0.0);
  EXPECT_EQ(loudness_gain_db(-HUGE_VAL, -23.0), 0.0);
  EXPECT_EQ(loudness_gain_db(std::nan(""), -23.0), 0.0);
  EXPECT_EQ(loudness_gain_db(-30.0, std::nan("")), 0.0);
  EXPECT_NEAR(loudness_gain_db(-69.9, -23.0), 46.9, 1e-9);
}

TEST(LoudnessGain, ApplyGain) {
  std::vector<float> s = {0.5f, -0.25f, 0.0f, 1.0f};
  const std::vector<float> original = s;
  apply_gain(s.data(), s.size(), 0.0);
  EXPECT_EQ(s, original);
  apply_gain(s.data(), s.size(), 20 * std::log10(2.0));
  EXPECT_FLOAT_EQ(s[0], 1.0f);
  EXPECT_FLOAT_EQ(s[1], -0.5f);
  EXPECT_EQ(s[2], 0.0f);
  apply_gain(s.data(), s.size(), -20.0);
  EXPECT_FLOAT_EQ(s[3], 0.2f);
  apply_gain(nullptr, 4, 6.0);  // harmless
}

TEST(PlanLoudness, QuietProgrammeRaisedWithoutLimiting) {
  Loudness l;
  l.integrated_lufs = -30.0;
  l.true_peak_dbtp = -10.0;
  const LoudnessPlan p = plan_loudness(l, -23.0, -1.0);
  EXPECT_DOUBLE_EQ(p.gain_db, 7.0);
  EXPECT_FALSE(p.limited);  // -10 + 7 = -3 dBTP
}

TEST(PlanLoudness, RaisingPeaksOverCeilingNeedsLimiter) {
  Loudness l;
  l.integrated_lufs = -30.0;
  l.true_peak_dbtp = -5.0;
  const LoudnessPlan p = plan_loudness(l, -23.0, -1.0);
  EXPECT_DOUBLE_EQ(p.gain_db, 7.0);
  EXPECT_TRUE(p.limited);  // -5 + 7 = +2 dBTP
}

TEST(PlanLoudness, LoudProgrammeTurnedDownNeedsNoLimiter) {
  Loudness l;
  l.integrated_lufs = -8.0;
  l.true_peak_dbtp = 2.5;  // clipped master, over 0 dBTP
  const LoudnessPlan p = plan_loudness(l, -23.0, -1.0);
  EXPECT_DOUBLE_EQ(p.gain_db, -15.0);
  EXPECT_FALSE(p.limited);
}

TEST(PlanLoudness, PeakExactlyAtCeilingIsNotLimited) {
  Loudness l;
  l.integrated_lufs = -20.0;
  l.true_peak_dbtp = -4.0;
  EXPECT_FALSE(plan_loudness(l, -17.0, -1.0).limited);  // -4 + 3 = -1
  EXPECT_TRUE(plan_loudness(l, -16.99, -1.0).limited);  // a hair over
  EXPECT_TRUE(plan_loudness(l, -20.0, -5.0).limited);   // already over, no gain
}

TEST(PlanLoudness, SilenceGetsNoGainAndNoLimiter) {
  const LoudnessPlan p = plan_loudness(Loudness{}, -23.0, -1.0);
  EXPECT_EQ(p.gain_db, 0.0);
  EXPECT_FALSE(p.limited);
}

// ---------------------------------------------------------------------------------------------
// TruePeakLimiter

TEST(TruePeakLimiter, LoudProgrammeAfterGainStaysUnderCeiling) {
  std::vector<float> s = loud_programme(10);
  const Loudness before = measure(2, s);
  EXPECT_NEAR(before.sample_peak_dbfs, 3.0, 0.01);
  // A loud streaming target: the gain pushes the peaks further over.
  const LoudnessPlan plan = plan_loudness(before, before.integrated_lufs + 2.0, kCeiling);
  ASSERT_TRUE(plan.limited);
  apply_gain(s.data(), s.size(), plan.gain_db);
  const std::vector<float> out = limit(s, 2);
  ASSERT_EQ(out.size(), s.size());
  const Loudness after = measure(2, out);
  EXPECT_LE(after.true_peak_dbtp, kCeiling + kSlackDb);
  std::printf(
      "[ measured ] programme: in I=%.2f LUFS TP=%+.2f dBTP, gain %+.2f dB -> out I=%.2f "
      "LUFS TP=%+.3f dBTP (ceiling %.1f)\n",
      before.integrated_lufs, before.true_peak_dbtp, plan.gain_db, after.integrated_lufs,
      after.true_peak_dbtp, kCeiling);
}

struct HarshCase {
  const char* name;
  std::function<double(std::size_t, int)> f;
};

TEST(TruePeakLimiter, HarshSignalsStayUnderCeiling) {
  std::mt19937 rng(99);
  std::normal_distribution<double> noise(0.0, 1.0);
  const double over = db_to_linear(3.0);
  const std::vector<HarshCase> cases = {
      {"fs/4 sine at 45 deg (+3 dB between samples)",
       [&](std::size_t n, int) { return over * tone(n, kRate / 4.0, std::numbers::pi / 4); }},
      {"square 1 kHz", [&](std::size_t n, int) { return tone(n, 1000) >= 0 ? over : -over; }},
      {"square 7 kHz", [&](std::size_t n, int c) { return tone(n, 7000, c) >= 0 ? over : -over; }},
      {"white noise", [&](std::size_t, int) { return std::clamp(0.7 * noise(rng), -2.0, 2.0); }},
      {"clicks",
       [&](std::size_t n, int c) {
         return n % 4800 == 100 + 7 * static_cast<std::size_t>(c) ? over : 0.0;
       }},
      {"alternating clicks",
       [&](std::size_t n, int) { return n % 2400 < 3 ? (n % 2 ? over : -over) : 0.0; }},
      {"19 kHz bursts",
       [&](std::size_t n, int c) {
         return (n / 2400) % 2 ? over * tone(n, 19000, 0.3 * c) : 0.1 * tone(n, 440);
       }},
      {"sweeping 0.95 fs/2",
       [&](std::size_t n, int) {
         const double t = static_cast<double>(n) / kRate;
         return over * std::sin(2 * std::numbers::pi * (20000 + 2000 * t) * t);
       }},
      {"quiet then 20 dB jump",
       [&](std::size_t n, int c) { return (n < kRate / 2 ? 0.1 : 1.2) * tone(n, 997, c); }},
  };
  for (const HarshCase& hc : cases) {
    const std::vector<float> in = make(2.0, hc.f);
    const std::vector<float> out = limit(in, 2);
    ASSERT_EQ(out.size(), in.size()) << hc.name;
    const Loudness a = measure(2, in);
    const Loudness b = measure(2, out);
    EXPECT_LE(b.true_peak_dbtp, kCeiling + kSlackDb) << hc.name;
    std::printf("[ measured ] %-45s in TP %+6.2f dBTP -> out TP %+7.3f dBTP\n", hc.name,
                a.true_peak_dbtp, b.true_peak_dbtp);
  }
}

TEST(TruePeakLimiter, OtherRatesAndChannelCounts) {
  for (int rate : {44100, 96000}) {
    for (int channels : {1, 6}) {
      const std::vector<float> in = make(
          1.0,
          [&](std::size_t n, int c) {
            return db_to_linear(4.0) * tone(n, rate / 4.0 - 10.0 * c, 0.7 * c, rate);
          },
          channels, rate);
      const std::vector<float> out = limit(in, channels, -2.0, rate);
      ASSERT_EQ(out.size(), in.size());
      EXPECT_LE(measure(channels, out, rate).true_peak_dbtp, -2.0 + kSlackDb)
          << rate << " Hz, " << channels << " channels";
    }
  }
}

TEST(TruePeakLimiter, SteadyToneIsTurnedDownToCeiling) {
  // A 1 kHz sine at 0 dBFS with a -6 dBTP ceiling settles at the ceiling (less the margin).
  const std::vector<float> out =
      limit(make(3.0, [](std::size_t n, int) { return tone(n, 1000); }), 2, -6.0);
  const std::vector<float> tail(out.begin() + 2 * kRate, out.end());
  const Loudness l = measure(2, tail);
  EXPECT_LE(l.true_peak_dbtp, -6.0);
  EXPECT_GE(l.true_peak_dbtp, -6.2);
}

TEST(TruePeakLimiter, LatencyAndLength) {
  TruePeakLimiter limiter(2, kRate, kCeiling);
  const std::size_t latency = limiter.latency_frames();
  EXPECT_GE(latency, 72u);   // the 1.5 ms look-ahead at least
  EXPECT_LE(latency, 240u);  // and not more than 5 ms in all
  const std::vector<float> in = loud_programme(1);
  std::vector<float> out;
  limiter.process(in.data(), 50, out);
  EXPECT_TRUE(out.empty());
  limiter.process(in.data() + 100, in.size() / 2 - 50, out);
  EXPECT_EQ(out.size(), in.size() - 2 * latency);
  limiter.flush(out);
  EXPECT_EQ(out.size(), in.size());

  // Shorter than the latency, and nothing at all.
  TruePeakLimiter small(2, kRate, kCeiling);
  std::vector<float> tiny(20, 0.5f), tiny_out;
  small.process(tiny.data(), 10, tiny_out);
  small.flush(tiny_out);
  EXPECT_EQ(tiny_out, tiny);
  small.flush(tiny_out);
  EXPECT_EQ(tiny_out.size(), 20u);
}

TEST(TruePeakLimiter, QuietPassagesPassBitForBit) {
  std::mt19937 rng(5);
  std::normal_distribution<double> noise(0.0, 0.05);
  // 1 s quiet, 0.5 s far over the ceiling, 2 s quiet.
  const std::vector<float> in = make(3.5, [&](std::size_t n, int c) {
    const double quiet = noise(rng) + 0.2 * tone(n, 440, c);
    return n >= kRate && n < kRate * 3 / 2 ? 1.5 * tone(n, 997) : quiet;
  });
  const std::vector<float> out = limit(in, 2);
  ASSERT_EQ(out.size(), in.size());
  // Before the burst, less the look-ahead (and the interpolator's reach): untouched.
  const std::size_t before = (kRate - 200) * 2;
  EXPECT_EQ(std::memcmp(in.data(), out.data(), before * sizeof(float)), 0);
  EXPECT_NE(std::memcmp(in.data() + before, out.data() + before, 2 * kRate), 0);
  // Two seconds later the release has come back to exactly unity.
  const std::size_t after = static_cast<std::size_t>(kRate * 3 / 2 + kRate * 3 / 2) * 2;
  EXPECT_EQ(std::memcmp(in.data() + after, out.data() + after, (in.size() - after) * sizeof(float)),
            0);

  // With nothing over the ceiling, the whole output is the input.
  const std::vector<float> quiet = make(
      2.0, [&](std::size_t n, int c) { return 0.8 * tone(n, 440 + 100 * c) + noise(rng) * 0.1; });
  EXPECT_EQ(limit(quiet, 2), quiet);
}

TEST(TruePeakLimiter, BlockSizeDoesNotChangeOutput) {
  std::vector<float> in = loud_programme(3);
  apply_gain(in.data(), in.size(), 4.0);
  const std::vector<float> whole = limit(in, 2);
  for (std::size_t block : {1u, 7u, 64u, 480u, 4096u, 100000u}) {
    TruePeakLimiter limiter(2, kRate, kCeiling);
    std::vector<float> out;
    for (std::size_t f = 0; f < in.size() / 2; f += block) {
      limiter.process(in.data() + f * 2, std::min(block, in.size() / 2 - f), out);
    }
    limiter.flush(out);
    EXPECT_EQ(out, whole) << "block " << block;
  }
}

TEST(TruePeakLimiter, ReusableAfterFlush) {
  const std::vector<float> in = loud_programme(1);
  TruePeakLimiter limiter(2, kRate, kCeiling);
  std::vector<float> first;
  limiter.process(in.data(), in.size() / 2, first);
  limiter.flush(first);
  std::vector<float> second;
  limiter.process(in.data(), in.size() / 2, second);
  limiter.flush(second);
  EXPECT_EQ(first, second);
  EXPECT_LT(limiter.max_reduction_db(), -3.0);
  limiter.reset();
  EXPECT_EQ(limiter.max_reduction_db(), 0.0);
}

TEST(TruePeakLimiter, GainRampsWithoutClicks) {
  // A sudden 22 dB jump: the gain must slide down over the look-ahead, not step.
  const std::vector<float> in =
      make(1.0, [](std::size_t n, int) { return (n < kRate / 2 ? 0.1 : 1.26) * tone(n, 200); });
  const std::vector<float> out = limit(in, 2);
  const double lookahead = 0.0015 * kRate;
  double previous = -1;
  double largest_step = 0;
  double lowest = 1;
  for (std::size_t n = 0; n < in.size() / 2; ++n) {
    if (std::fabs(in[2 * n]) < 0.05) {
      previous = -1;
      continue;
    }
    const double g = static_cast<double>(out[2 * n]) / in[2 * n];
    if (previous >= 0) largest_step = std::max(largest_step, std::fabs(g - previous));
    previous = g;
    lowest = std::min(lowest, g);
  }
  EXPECT_LT(lowest, db_to_linear(-3.0));
  // A linear ramp to the full reduction over the look-ahead, plus rounding.
  EXPECT_LE(largest_step, (1.0 - lowest) / lookahead * 1.05 + 1e-6);
}

}  // namespace
}  // namespace saluran
