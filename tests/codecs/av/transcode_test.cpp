// The transcoder on a clip made here with the ffmpeg CLI (no corpus needed): renditions with
// the same filter chain share one branch and come out frame for frame as when made alone; a
// loudness output runs the caller's kernels; a failed seek fails the input, naming file and
// time.

#include "codecs/av/av_transcode.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran::av {
namespace {

constexpr const char* kSmall =
    "fps=25/1:start_time=0,scale=160:120:flags=bicubic,setsar=1,format=yuv420p";
constexpr const char* kSmaller =
    "fps=25/1:start_time=0,scale=128:96:flags=bicubic,setsar=1,format=yuv420p";
constexpr const char* kAac = "aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo";
constexpr const char* kFloat = "aformat=sample_fmts=flt:sample_rates=48000:channel_layouts=stereo";

// A 2 s 320x240 25 fps clip with a 440 Hz tone, a keyframe every 10 frames.
std::string make_clip(const test::TempDir& dir) {
  const std::string path = dir / "clip.mp4";
  const auto r = test::run_command(fmt::format(
      "ffmpeg -nostdin -v error -y -f lavfi -i testsrc2=s=320x240:r=25:d=2 -f lavfi "
      "-i sine=f=440:d=2 -c:v libx264 -preset ultrafast -g 10 -bf 0 -threads 1 -pix_fmt yuv420p "
      "-c:a aac -b:a 96k '{}' 2>&1",
      path));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  return path;
}

TranscodeOutput video_output(const std::string& path, const char* filter, int kbps) {
  TranscodeOutput o;
  o.path = path;
  o.format = "mp4";
  TranscodeVideo v;
  v.filter = filter;
  v.encoder.speed = "ultrafast";
  v.encoder.bitrate_kbps = kbps;
  v.encoder.gop_frames = 25;
  v.encoder.rate_num = 25;
  v.encoder.rate_den = 1;
  v.encoder.threads = 1;  // one thread: the same bits however many outputs run beside it
  o.video = v;
  return o;
}

TranscodeOutput with_aac(TranscodeOutput o) {
  TranscodeAudio a;
  a.filter = kAac;
  a.encoder = {"aac", 48000, 2, 96};
  o.audio = a;
  return o;
}

// Every decoded frame of every stream of `path`, one line each (timestamps, size, MD5).
std::string frame_hashes(const std::string& path) {
  const auto r = test::run_command(
      fmt::format("ffmpeg -nostdin -v error -i '{}' -map 0 -f framemd5 - 2>&1", path));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  return r.out;
}

// The number of frames of stream `index` in frame_hashes' output.
int frames_of_stream(const std::string& hashes, int index) {
  const std::string prefix = fmt::format("{},", index);
  int n = 0;
  for (std::size_t at = 0; at < hashes.size();) {
    const std::size_t end = std::min(hashes.find('\n', at), hashes.size());
    if (hashes.compare(at, prefix.size(), prefix) == 0) ++n;
    at = end + 1;
  }
  return n;
}

// Runs `outputs` in one transcode and commits every output; fails the test on any error.
TranscodeResult run(const std::string& input, const std::vector<TranscodeOutput>& outputs,
                    const TranscodeOptions& options = {}) {
  TranscodeResult r = transcode(input, outputs, options);
  EXPECT_FALSE(r.input_error) << r.input_error->to_string();
  for (auto& o : r.outputs) {
    EXPECT_FALSE(o.error) << o.error->to_string();
    if (o.file) {
      EXPECT_TRUE(o.file->commit().ok());
    }
  }
  return r;
}

TEST(TranscodeBranches, SameChainIsSharedAndComesOutAsWhenMadeAlone) {
  test::TempDir dir("transcode-branches");
  const std::string clip = make_clip(dir);
  // a and b: the same picture chain and the same sound chain (different bitrates); c: its own.
  const std::vector<TranscodeOutput> outs = {with_aac(video_output(dir / "a.mp4", kSmall, 300)),
                                             with_aac(video_output(dir / "b.mp4", kSmall, 500)),
                                             video_output(dir / "c.mp4", kSmaller, 300)};
  const TranscodeResult shared = run(clip, outs);
  EXPECT_EQ(shared.branches, 3);               // kSmall, kSmaller, kAac
  EXPECT_EQ(shared.decoded_video_frames, 50);  // 2 s at 25 fps, decoded once

  for (std::size_t i = 0; i < outs.size(); ++i) {
    SCOPED_TRACE(outs[i].path);
    TranscodeOutput alone = outs[i];
    alone.path = dir / fmt::format("alone-{}.mp4", i);
    const TranscodeResult single = run(clip, {alone});
    EXPECT_EQ(single.branches, outs[i].audio ? 2 : 1);
    EXPECT_EQ(shared.outputs[i].video_frames, single.outputs[0].video_frames);
    EXPECT_GE(shared.outputs[i].video_frames, 49);
    const std::string together = frame_hashes(outs[i].path);
    EXPECT_EQ(frames_of_stream(together, 0), shared.outputs[i].video_frames);
    EXPECT_EQ(together, frame_hashes(alone.path));
  }
  // The shared chain fed two encoders with the same pictures; c was scaled on its own.
  const auto a = frame_hashes(outs[0].path);
  EXPECT_NE(a, frame_hashes(outs[2].path));
}

TEST(TranscodeBranches, DifferentChainsGetBranchesOfTheirOwn) {
  test::TempDir dir("transcode-branches");
  const std::string clip = make_clip(dir);
  const TranscodeResult r = run(
      clip, {video_output(dir / "a.mp4", kSmall, 300), video_output(dir / "b.mp4", kSmaller, 300),
             video_output(dir / "c.mp4", kSmall, 300)});
  EXPECT_EQ(r.branches, 2);
  // Identical outputs from one shared chain are identical files in frames.
  EXPECT_EQ(frame_hashes(dir / "a.mp4"), frame_hashes(dir / "c.mp4"));
}

// Gain only, no limiter: enough to see the transcoder use the kernels it is given.
class GainOnly : public LoudnessProcessing {
 public:
  LoudnessPass plan(const Loudness& source, double target_lufs, double ceiling) const override {
    ++plans;
    return {target_lufs - source.integrated_lufs, false, ceiling};
  }
  std::unique_ptr<LoudnessStage> stage(const LoudnessPass& pass, int channels, int) const override {
    ++stages;
    return std::make_unique<Stage>(pass.gain_db, channels);
  }
  mutable int plans = 0;
  mutable int stages = 0;

 private:
  class Stage : public LoudnessStage {
   public:
    Stage(double gain_db, int channels)
        : factor_(static_cast<float>(std::pow(10.0, gain_db / 20.0))), channels_(channels) {}
    std::span<const float> process(float* samples, std::size_t frames) override {
      const std::size_t n = frames * static_cast<std::size_t>(channels_);
      for (std::size_t i = 0; i < n; ++i) samples[i] *= factor_;
      return {samples, n};
    }
    std::span<const float> flush() override { return {}; }

   private:
    float factor_;
    int channels_;
  };
};

TranscodeOutput wav_at(const std::string& path, double lufs) {
  TranscodeOutput o;
  o.path = path;
  o.format = "wav";
  TranscodeAudio a;
  a.filter = kFloat;
  a.encoder = {"pcm_s16le", 48000, 2, 0};
  LoudnessTarget t;
  t.lufs = lufs;
  t.true_peak_dbtp = -1.0;
  a.loudness = t;
  o.audio = a;
  return o;
}

TEST(TranscodeLoudness, UsesTheKernelsItIsGiven) {
  test::TempDir dir("transcode-loudness");
  const std::string clip = make_clip(dir);
  auto kernels = std::make_shared<GainOnly>();
  TranscodeOptions opt;
  opt.loudness = kernels;
  const TranscodeResult r = run(clip, {wav_at(dir / "quiet.wav", -30.0)}, opt);
  ASSERT_EQ(r.outputs.size(), 1u);
  const OutputOutcome& o = r.outputs[0];
  ASSERT_TRUE(o.source_loudness && o.processed_loudness);
  EXPECT_EQ(kernels->plans, 1);
  EXPECT_EQ(kernels->stages, 1);  // PCM and no limiter: gain alone is exact, no trials
  EXPECT_NEAR(o.gain_db, -30.0 - o.source_loudness->integrated_lufs, 1e-9);
  EXPECT_NEAR(o.processed_loudness->integrated_lufs, -30.0, 0.1);
  EXPECT_FALSE(o.limited);
}

TEST(TranscodeLoudness, WithoutKernelsTheLoudnessOutputFailsAndTheOthersAreMade) {
  test::TempDir dir("transcode-loudness");
  const std::string clip = make_clip(dir);
  const TranscodeResult r =
      transcode(clip, {wav_at(dir / "radio.wav", -23.0), video_output(dir / "v.mp4", kSmall, 300)},
                TranscodeOptions{});
  ASSERT_EQ(r.outputs.size(), 2u);
  ASSERT_TRUE(r.outputs[0].error);
  EXPECT_EQ(r.outputs[0].error->code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(r.outputs[1].error);
  EXPECT_TRUE(r.outputs[1].file);
}

// Points every entry of the video track's sync-sample table (stss) past the last sample: the
// index then has no keyframe to seek to, and the demuxer cannot seek.
void break_keyframe_index(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  in.close();
  const auto at = bytes.find("stss");
  ASSERT_NE(at, std::string::npos);
  // After the type and the version/flags: the entry count (big-endian), then the entries.
  const auto* count_bytes = reinterpret_cast<const unsigned char*>(&bytes[at + 8]);
  const std::size_t count = (std::size_t{count_bytes[0]} << 24) | (count_bytes[1] << 16) |
                            (count_bytes[2] << 8) | count_bytes[3];
  ASSERT_GT(count, 0u);
  std::memset(&bytes[at + 12], 0xff, 4 * count);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

TEST(TranscodeSeek, AFailedSeekFailsTheInputNamingTheFileAndTheTime) {
  test::TempDir dir("transcode-seek");
  const std::string clip = make_clip(dir);
  break_keyframe_index(clip);
  TranscodeOptions opt;
  opt.seek_s = 1.0;
  const TranscodeResult r = transcode(
      clip, {video_output(dir / "a.mp4", kSmall, 300), video_output(dir / "b.mp4", kSmaller, 300)},
      opt);
  ASSERT_TRUE(r.input_error);
  const Error& e = *r.input_error;
  EXPECT_TRUE(e.code == ErrorCode::kCorrupt || e.code == ErrorCode::kExternal)
      << error_code_name(e.code);
  EXPECT_EQ(e.context.file, clip);
  EXPECT_EQ(e.context.detail, "av_seek_frame");
  EXPECT_NE(e.message.find("1.000 s"), std::string::npos) << e.message;
  for (const auto& o : r.outputs) {
    ASSERT_TRUE(o.error);
    EXPECT_EQ(o.error->context.detail, "av_seek_frame");
    EXPECT_FALSE(o.file);
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "a.mp4"));
  // Without the seek the same file is read from its start as before.
  const TranscodeResult whole = run(clip, {video_output(dir / "a.mp4", kSmall, 300)});
  EXPECT_GE(whole.outputs[0].video_frames, 49);
}

// The peak resident memory of this process since the last reset_peak_memory(), in bytes.
long peak_memory() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6)) * 1024;
  }
  return -1;
}

bool reset_peak_memory() {
  return static_cast<bool>(std::ofstream("/proc/self/clear_refs") << "5");
}

// A rendition trimmed to the clip's first part beside one of the whole clip: once its trim has
// ended, its branch takes no more frames. It used to keep every later frame inside its filter
// graph (the reel of a story cut to 60 s of a 2-minute clip held 1.4 GB).
TEST(TranscodeBranches, ABranchPastItsTrimTakesNoMoreFrames) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer keeps freed memory in quarantine: peak memory means little";
#endif
  test::TempDir dir("transcode-trim-end");
  const std::string clip = dir / "long.mp4";
  const auto made = test::run_command(fmt::format(
      "ffmpeg -nostdin -v error -y -f lavfi -i testsrc2=s=640x360:r=25:d=12 -c:v libx264 "
      "-preset ultrafast -g 25 -bf 0 -threads 1 -pix_fmt yuv420p '{}' 2>&1",
      clip));
  ASSERT_EQ(made.exit_code, 0) << made.out;
  const std::string first_part =
      std::string("trim=start=0.000:end=0.400,setpts=PTS-0.000/TB,") + kSmall;
  if (!reset_peak_memory()) GTEST_SKIP() << "/proc/self/clear_refs cannot be written here";
  const long before = peak_memory();
  const TranscodeResult r = run(clip, {video_output(dir / "short.mp4", first_part.c_str(), 300),
                                       video_output(dir / "whole.mp4", kSmaller, 300)});
  const long grown = peak_memory() - before;
  EXPECT_EQ(r.decoded_video_frames, 300);
  EXPECT_EQ(r.outputs[0].video_frames, 10);
  EXPECT_GE(r.outputs[1].video_frames, 299);
  // 290 frames of 640x360 kept would be 100 MB; the decoder, two encoders and four frames a
  // queue need a few.
  EXPECT_LT(grown, 40L << 20) << "peak memory grew by " << (grown >> 20) << " MB";
}

}  // namespace
}  // namespace saluran::av
