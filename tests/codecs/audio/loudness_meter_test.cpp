#include "codecs/audio/loudness_meter.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <numbers>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {

using test::run_command;
using test::shell_quote;
using test::TempDir;

constexpr int kRate = 48000;

double db_to_linear(double db) { return std::pow(10.0, db / 20.0); }

// `seconds` of a sine of `amplitude` at `hz` in the channels listed (others silent).
std::vector<float> sine(int channels, const std::vector<int>& active, double hz, double amplitude,
                        double seconds, double phase = 0.0) {
  const auto frames = static_cast<std::size_t>(seconds * kRate);
  std::vector<float> out(frames * static_cast<std::size_t>(channels), 0.0f);
  for (std::size_t n = 0; n < frames; ++n) {
    const double v =
        amplitude * std::sin(2 * std::numbers::pi * hz * static_cast<double>(n) / kRate + phase);
    for (int c : active) out[n * static_cast<std::size_t>(channels) + c] = static_cast<float>(v);
  }
  return out;
}

Loudness measure(int channels, const std::vector<float>& samples) {
  LoudnessMeter meter(channels, kRate);
  EXPECT_TRUE(meter.ok());
  meter.add(samples.data(), samples.size() / static_cast<std::size_t>(channels));
  return meter.result();
}

// ---------------------------------------------------------------------------------------------
// LoudnessMeter on generated signals

TEST(LoudnessMeter, StereoSineAtMinus20ReadsMinus20Lufs) {
  // BS.1770 calibration: a 997 Hz sine at 0 dBFS in one channel reads -3.01 LUFS, so the
  // same sine at -20 dBFS in both channels reads -20.0 (checked against ffmpeg's ebur128:
  // a -38.06 dBFS sine in both channels gives "I: -38.1 LUFS").
  const Loudness l = measure(2, sine(2, {0, 1}, 997, db_to_linear(-20), 10));
  EXPECT_NEAR(l.integrated_lufs, -20.0, 0.1);
  EXPECT_NEAR(l.sample_peak_dbfs, -20.0, 0.01);
  EXPECT_NEAR(l.true_peak_dbtp, -20.0, 0.05);
  EXPECT_NEAR(l.range_lu, 0.0, 0.1);
  EXPECT_EQ(l.skipped_packets, 0);
}

TEST(LoudnessMeter, MonoSineAtFullScaleReadsMinus3Lufs) {
  // ffmpeg's sine source (997 Hz at 1/8 = -18.06 dBFS, mono) reads "I: -21.1 LUFS".
  EXPECT_NEAR(measure(1, sine(1, {0}, 997, 1.0, 10)).integrated_lufs, -3.01, 0.1);
  EXPECT_NEAR(measure(1, sine(1, {0}, 997, 0.125, 10)).integrated_lufs, -21.07, 0.1);
}

TEST(LoudnessMeter, SilenceReadsMinus70AndNoPeak) {
  const Loudness l = measure(2, std::vector<float>(2 * kRate * 5, 0.0f));
  EXPECT_EQ(l.integrated_lufs, -70.0);
  EXPECT_EQ(l.true_peak_dbtp, -120.0);
  EXPECT_EQ(l.sample_peak_dbfs, -120.0);
}

TEST(LoudnessMeter, TruePeakCatchesInterSamplePeaks) {
  // A sine at fs/4 starting at 45 degrees is sampled at +-0.707 of its amplitude only: the
  // sample peak is 3 dB under the true peak.
  const Loudness l = measure(2, sine(2, {0, 1}, kRate / 4.0, 0.5, 2, std::numbers::pi / 4));
  EXPECT_NEAR(l.sample_peak_dbfs, 20 * std::log10(0.5 * std::sqrt(0.5)), 0.01);
  EXPECT_GT(l.true_peak_dbtp, l.sample_peak_dbfs + 2.5);
  EXPECT_NEAR(l.true_peak_dbtp, 20 * std::log10(0.5), 0.3);
}

TEST(LoudnessMeter, FiveOneIgnoresLfe) {
  // 5.1 in FFmpeg order: L R C LFE Ls Rs.
  const Loudness lfe_only = measure(6, sine(6, {3}, 60, 0.9, 5));
  EXPECT_EQ(lfe_only.integrated_lufs, -70.0);
  EXPECT_NEAR(lfe_only.sample_peak_dbfs, 20 * std::log10(0.9), 0.01);  // peaks count it

  const double front = measure(6, sine(6, {0, 1}, 997, 0.1, 5)).integrated_lufs;
  std::vector<float> with_lfe = sine(6, {0, 1}, 997, 0.1, 5);
  const std::vector<float> rumble = sine(6, {3}, 50, 0.8, 5);
  for (std::size_t i = 0; i < with_lfe.size(); ++i) with_lfe[i] += rumble[i];
  EXPECT_NEAR(measure(6, with_lfe).integrated_lufs, front, 0.001);
  EXPECT_NEAR(front, -20.0, 0.1);
}

TEST(LoudnessMeter, SurroundChannelsWeighMore) {
  // BS.1770 weighs the surrounds 1.41 (+1.49 dB) against the fronts.
  const double left = measure(6, sine(6, {0}, 997, 0.1, 5)).integrated_lufs;
  const double left_surround = measure(6, sine(6, {4}, 997, 0.1, 5)).integrated_lufs;
  EXPECT_NEAR(left_surround - left, 10 * std::log10(1.41), 0.02);
}

TEST(LoudnessMeter, ExplicitRolesAndBadArguments) {
  // A 3-channel L R C programme (not FFmpeg's default "2.1", whose third channel is LFE).
  LoudnessMeter lrc({LoudnessRole::kFront, LoudnessRole::kFront, LoudnessRole::kFront}, kRate);
  ASSERT_TRUE(lrc.ok());
  const std::vector<float> centre = sine(3, {2}, 997, 1.0, 5);
  lrc.add(centre.data(), centre.size() / 3);
  EXPECT_NEAR(lrc.result().integrated_lufs, -3.01, 0.1);
  EXPECT_EQ(measure(3, centre).integrated_lufs, -70.0);  // default 2.1: channel 3 is LFE

  EXPECT_FALSE(LoudnessMeter(0, kRate).ok());
  EXPECT_FALSE(LoudnessMeter(9, kRate).ok());
  EXPECT_FALSE(LoudnessMeter(2, 4000).ok());
  LoudnessMeter bad(2, 1);
  bad.add(centre.data(), 10);  // harmless
  EXPECT_EQ(bad.result().integrated_lufs, -70.0);
  EXPECT_EQ(default_loudness_roles(6),
            (std::vector<LoudnessRole>{LoudnessRole::kFront, LoudnessRole::kFront,
                                       LoudnessRole::kFront, LoudnessRole::kUnused,
                                       LoudnessRole::kSurround, LoudnessRole::kSurround}));
}

TEST(LoudnessMeter, AddingInPiecesMatchesAddingAtOnce) {
  const std::vector<float> s = sine(2, {0, 1}, 440, 0.3, 4);
  LoudnessMeter pieces(2, kRate);
  for (std::size_t f = 0; f < s.size() / 2; f += 1000) {
    pieces.add(s.data() + f * 2, std::min<std::size_t>(1000, s.size() / 2 - f));
  }
  LoudnessMeter moved = std::move(pieces);
  EXPECT_DOUBLE_EQ(moved.result().integrated_lufs, measure(2, s).integrated_lufs);
}

// ---------------------------------------------------------------------------------------------
// measure_file_loudness against ffmpeg's own ebur128 filter

struct FfmpegReading {
  double integrated = 0;
  double true_peak = 0;
};

// Runs `ffmpeg -af ebur128=peak=true` on `path` and reads its summary.
std::optional<FfmpegReading> ffmpeg_ebur128(const std::string& path) {
  const auto r = run_command("ffmpeg -hide_banner -nostats -i " + shell_quote(path) +
                             " -af ebur128=peak=true -f null - 2>&1");
  if (r.exit_code != 0) return std::nullopt;
  const auto summary = r.out.rfind("Summary:");
  if (summary == std::string::npos) return std::nullopt;
  const auto i = r.out.find("I:", summary);
  const auto peak = r.out.find("Peak:", summary);
  if (i == std::string::npos || peak == std::string::npos) return std::nullopt;
  return FfmpegReading{std::strtod(r.out.c_str() + i + 2, nullptr),
                       std::strtod(r.out.c_str() + peak + 5, nullptr)};
}

bool make_with_ffmpeg(const std::string& args, const std::string& out) {
  return std::system(
             ("ffmpeg -hide_banner -loglevel error -y " + args + " " + shell_quote(out)).c_str()) ==
         0;
}

TEST(LoudnessFile, WavAgreesWithFfmpeg) {
  TempDir dir("loudness");
  const std::string wav = dir / "tone and noise.wav";
  // Stereo: a 440 Hz tone on the left, pink noise on the right, then a quieter second half
  // (so the gate and the range have something to do).
  ASSERT_TRUE(make_with_ffmpeg(
      "-f lavfi -i sine=f=440:d=8:sample_rate=48000 "
      "-f lavfi -i anoisesrc=d=8:c=pink:a=0.3:seed=7:sample_rate=48000 "
      "-filter_complex \"[0][1]amerge=inputs=2,volume='if(lt(t,4),1,0.25)':eval=frame\" "
      "-c:a pcm_s16le",
      wav));
  const auto ours = measure_file_loudness(wav);
  ASSERT_TRUE(ours.ok()) << ours.error().to_string();
  const auto theirs = ffmpeg_ebur128(wav);
  ASSERT_TRUE(theirs.has_value());
  EXPECT_NEAR(ours->integrated_lufs, theirs->integrated, 0.2);
  EXPECT_NEAR(ours->true_peak_dbtp, theirs->true_peak, 0.2);
  EXPECT_GT(ours->range_lu, 5.0);  // two halves 12 dB apart
  EXPECT_EQ(ours->skipped_packets, 0);
  std::printf("[ measured ] wav: ours I=%.2f LUFS TP=%.2f dBTP LRA=%.1f; ffmpeg I=%.1f TP=%.1f\n",
              ours->integrated_lufs, ours->true_peak_dbtp, ours->range_lu, theirs->integrated,
              theirs->true_peak);
}

TEST(LoudnessFile, CompressedFiveOneAgreesWithFfmpeg) {
  TempDir dir("loudness");
  const std::string m4a = dir / "surround.m4a";
  // 5.1 AAC in MP4 with sound in every channel, LFE included (which must not count).
  ASSERT_TRUE(make_with_ffmpeg(
      "-f lavfi -i anoisesrc=d=6:c=pink:a=0.2:seed=3:sample_rate=48000 "
      "-f lavfi -i sine=f=50:d=6:sample_rate=48000 "
      "-filter_complex \"[0][1]amerge=inputs=2,pan=5.1|FL=c0|FR=0.5*c0|FC=0.7*c0|LFE=8*c1|"
      "BL=0.3*c0|BR=0.3*c0\" -c:a aac -b:a 256k",
      m4a));
  const auto ours = measure_file_loudness(m4a);
  ASSERT_TRUE(ours.ok()) << ours.error().to_string();
  const auto theirs = ffmpeg_ebur128(m4a);
  ASSERT_TRUE(theirs.has_value());
  EXPECT_NEAR(ours->integrated_lufs, theirs->integrated, 0.2);
  EXPECT_NEAR(ours->true_peak_dbtp, theirs->true_peak, 0.2);
  std::printf("[ measured ] 5.1 aac: ours I=%.2f LUFS TP=%.2f dBTP; ffmpeg I=%.1f TP=%.1f\n",
              ours->integrated_lufs, ours->true_peak_dbtp, theirs->integrated, theirs->true_peak);
}

TEST(LoudnessFile, DamagedPacketsAreSkippedAndCounted) {
  TempDir dir("loudness");
  const std::string aac = dir / "damaged.aac";
  ASSERT_TRUE(make_with_ffmpeg(
      "-f lavfi -i sine=f=440:d=4:sample_rate=48000 -ac 2 -c:a aac -b:a 128k -f adts", aac));
  const auto clean = measure_file_loudness(aac);
  ASSERT_TRUE(clean.ok()) << clean.error().to_string();
  EXPECT_EQ(clean->skipped_packets, 0);

  // Scramble the payload of ADTS frames 20..39 (their 7-byte headers stay, so the demuxer
  // still finds every frame and only the decoder fails).
  std::string bytes;
  {
    std::ifstream in(aac, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::mt19937 rng(3);
  int frame_index = 0;
  for (std::size_t i = 0; i + 7 < bytes.size();) {
    const auto b = [&](std::size_t k) { return static_cast<unsigned>(bytes[i + k]) & 0xFFu; };
    ASSERT_TRUE(b(0) == 0xFF && (b(1) & 0xF6) == 0xF0) << "ADTS sync lost at " << i;
    const std::size_t length = ((b(3) & 3u) << 11) | (b(4) << 3) | (b(5) >> 5);
    ASSERT_GT(length, 7u);
    if (frame_index >= 20 && frame_index < 40) {
      for (std::size_t k = i + 7; k < i + length && k < bytes.size(); ++k)
        bytes[k] = static_cast<char>(rng() & 0xFF);
    }
    ++frame_index;
    i += length;
  }
  {
    std::ofstream out(aac, std::ios::binary | std::ios::trunc);
    out << bytes;
  }
  const auto damaged = measure_file_loudness(aac);
  ASSERT_TRUE(damaged.ok()) << damaged.error().to_string();
  EXPECT_GT(damaged->skipped_packets, 0);
  EXPECT_LE(damaged->skipped_packets, 20);
  EXPECT_NEAR(damaged->integrated_lufs, clean->integrated_lufs, 0.5);
  std::printf(
      "[ measured ] damaged aac: %lld of 20 scrambled packets skipped, I=%.2f (clean %.2f)\n",
      static_cast<long long>(damaged->skipped_packets), damaged->integrated_lufs,
      clean->integrated_lufs);
}

TEST(LoudnessFile, FileWithoutAudioIsUnsupported) {
  TempDir dir("loudness");
  const std::string mkv = dir / "picture only.mkv";
  ASSERT_TRUE(make_with_ffmpeg("-f lavfi -i testsrc=d=1:s=64x48:r=5 -c:v ffv1", mkv));
  const auto r = measure_file_loudness(mkv);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnsupported);
  EXPECT_NE(r.error().message.find("has no audio stream"), std::string::npos);
  EXPECT_EQ(r.error().context.file, mkv);
}

TEST(LoudnessFile, MissingFileNamesIt) {
  TempDir dir("loudness");
  const std::string missing = dir / "not here.wav";
  const auto r = measure_file_loudness(missing);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  EXPECT_NE(r.error().to_string().find(missing), std::string::npos);
}

TEST(LoudnessFile, NonMediaFileIsUnsupported) {
  TempDir dir("loudness");
  const std::string txt = dir / "notes.wav";
  ASSERT_EQ(std::system(("printf 'not a sound file at all' > " + shell_quote(txt)).c_str()), 0);
  const auto r = measure_file_loudness(txt);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnsupported);
  EXPECT_EQ(r.error().context.file, txt);
}

}  // namespace
}  // namespace saluran
