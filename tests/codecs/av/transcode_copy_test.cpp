// Pass-through outputs of the transcoder (TranscodeVideo::copy) on clips made here with the
// ffmpeg CLI and a rotated phone clip of the corpus: the video stream comes out packet for
// packet with its rotation, the sound is encoded, the picture is not decoded unless an encoded
// output beside it needs it, and a trim or a damaged input fails the output cleanly.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "codecs/av/av_probe.hpp"
#include "codecs/av/av_transcode.hpp"
#include "codecs/av/mp4_boxes.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran::av {
namespace {

constexpr const char* kAac = "aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo";
constexpr const char* kSmall =
    "fps=25/1:start_time=0,scale=160:120:flags=bicubic,setsar=1,format=yuv420p";

bool have_ffmpeg() { return test::run_command("ffmpeg -version >/dev/null 2>&1").exit_code == 0; }

#define SKIP_WITHOUT_FFMPEG() \
  if (!have_ffmpeg()) GTEST_SKIP() << "the ffmpeg CLI is needed to make the clip"

// A 2 s 320x240 25 fps H.264 clip with B-frames (so decode and presentation order differ) and
// a 440 Hz tone in AAC; `extra` goes before the output name (e.g. "-movflags +faststart").
std::string make_clip(const test::TempDir& dir, const std::string& extra = "") {
  const std::string path = dir / "clip.mp4";
  const auto r = test::run_command(fmt::format(
      "ffmpeg -nostdin -v error -y -f lavfi -i testsrc2=s=320x240:r=25:d=2 -f lavfi "
      "-i sine=f=440:d=2 -c:v libx264 -preset veryfast -g 25 -bf 2 -threads 1 -pix_fmt yuv420p "
      "-c:a aac -b:a 96k {} '{}' 2>&1",
      extra, path));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  return path;
}

TranscodeOutput copy_output(const std::string& path, bool with_sound = true) {
  TranscodeOutput o;
  o.path = path;
  o.format = "mp4";
  TranscodeVideo v;
  v.copy = true;
  o.video = v;
  if (with_sound) {
    TranscodeAudio a;
    a.filter = kAac;
    a.encoder = {"aac", 48000, 2, 96};
    o.audio = a;
  }
  return o;
}

TranscodeOutput encoded_output(const std::string& path) {
  TranscodeOutput o;
  o.path = path;
  o.format = "mp4";
  TranscodeVideo v;
  v.filter = kSmall;
  v.encoder.speed = "ultrafast";
  v.encoder.bitrate_kbps = 300;
  v.encoder.gop_frames = 25;
  v.encoder.rate_num = 25;
  v.encoder.rate_den = 1;
  v.encoder.threads = 1;
  o.video = v;
  return o;
}

// The MD5 of every packet of the first video stream of `path`, how many there are and how long
// the stream lasts.
struct VideoPackets {
  std::string md5;
  int count = 0;
  double duration_s = 0;
};

VideoPackets video_packets(const std::string& path) {
  VideoPackets p;
  auto r = test::run_command(
      fmt::format("ffmpeg -nostdin -v error -i '{}' -map 0:v:0 -c copy -f md5 - 2>&1", path));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  p.md5 = r.out;
  r = test::run_command(
      fmt::format("ffprobe -v error -select_streams v:0 -count_packets "
                  "-show_entries stream=nb_read_packets,duration -of default=nw=1 '{}'",
                  path));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  const auto value = [&](const std::string& key) {
    const auto at = r.out.find(key + "=");
    return at == std::string::npos ? -1.0 : std::atof(r.out.c_str() + at + key.size() + 1);
  };
  p.count = static_cast<int>(value("nb_read_packets"));
  p.duration_s = value("duration");
  return p;
}

MediaInfo probe(const std::string& path) {
  auto info = probe_av(path, InputLimits{});
  EXPECT_TRUE(info) << info.error().to_string();
  return info ? *info : MediaInfo{};
}

// Commits every output; fails the test on any error.
void expect_made(TranscodeResult& r) {
  ASSERT_FALSE(r.input_error) << r.input_error->to_string();
  for (auto& o : r.outputs) {
    ASSERT_FALSE(o.error) << o.error->to_string();
    ASSERT_TRUE(o.file);
    EXPECT_TRUE(o.file->commit().ok());
  }
}

// Checks that `out` carries the video packets of `clip` unchanged, fast start, and AAC sound.
void expect_copy_of(const std::string& clip, const std::string& out, std::int64_t copied) {
  const VideoPackets in = video_packets(clip);
  EXPECT_EQ(in.count, 50);
  EXPECT_EQ(copied, in.count);
  const VideoPackets made = video_packets(out);
  EXPECT_EQ(made.count, in.count);
  EXPECT_EQ(made.md5, in.md5);
  EXPECT_NEAR(made.duration_s, 2.0, 1.0 / 25);
  EXPECT_NEAR(made.duration_s, in.duration_s, 1.0 / 25);
  const MediaInfo b = probe(out);
  ASSERT_TRUE(b.audio);
  EXPECT_EQ(b.audio->codec, "aac");
  EXPECT_EQ(b.audio->sample_rate, 48000);
  auto layout = read_mp4_layout(out);
  ASSERT_TRUE(layout) << layout.error().to_string();
  EXPECT_TRUE(layout->faststart());
}

TEST(TranscodeCopy, CopiesEveryVideoPacketWithoutDecodingAndEncodesTheSound) {
  SKIP_WITHOUT_FFMPEG();
  test::TempDir dir("transcode-copy");
  const std::string clip = make_clip(dir);
  TranscodeResult r = transcode(clip, {copy_output(dir / "yt.mp4")}, TranscodeOptions{});
  expect_made(r);
  EXPECT_EQ(r.decoded_video_frames, 0);  // the speed win: the pictures are never decoded
  EXPECT_GT(r.decoded_audio_frames, 0);
  EXPECT_EQ(r.outputs[0].video_frames, 0);
  expect_copy_of(clip, dir / "yt.mp4", r.outputs[0].copied_packets);
}

TEST(TranscodeCopy, RotatedPhoneVideoKeepsItsRotation) {
  SKIP_WITHOUT_CORPUS();
  test::TempDir dir("transcode-copy");
  const std::string clip = test::corpus("phone/video_rotation_90.mp4");
  TranscodeResult r = transcode(clip, {copy_output(dir / "phone.mp4")}, TranscodeOptions{});
  expect_made(r);
  EXPECT_GT(r.outputs[0].copied_packets, 0);
  const MediaInfo in = probe(clip);
  const MediaInfo out = probe(dir / "phone.mp4");
  ASSERT_TRUE(in.picture && out.picture);
  EXPECT_NE(in.picture->rotation, 0);
  EXPECT_EQ(out.picture->rotation, in.picture->rotation);
  EXPECT_EQ(out.picture->upright_width, 60);
  EXPECT_EQ(out.picture->upright_height, 100);
  EXPECT_EQ(out.picture->sar_num, in.picture->sar_num);
  EXPECT_EQ(out.picture->sar_den, in.picture->sar_den);
}

TEST(TranscodeCopy, BesideAnEncodedOutputBothAreMadeFromOneDecode) {
  SKIP_WITHOUT_FFMPEG();
  test::TempDir dir("transcode-copy");
  const std::string clip = make_clip(dir);
  TranscodeResult r = transcode(clip, {copy_output(dir / "yt.mp4"), encoded_output(dir / "x.mp4")},
                                TranscodeOptions{});
  expect_made(r);
  EXPECT_EQ(r.decoded_video_frames, 50);     // decoded once, for the encoded output only
  EXPECT_GE(r.outputs[1].video_frames, 49);  // as when made alone (transcode_test.cpp)
  EXPECT_EQ(r.outputs[1].copied_packets, 0);
  expect_copy_of(clip, dir / "yt.mp4", r.outputs[0].copied_packets);
  const MediaInfo x = probe(dir / "x.mp4");
  ASSERT_TRUE(x.picture);
  EXPECT_EQ(x.picture->width, 160);
}

TEST(TranscodeCopy, ATrimFailsTheCopyAndTheEncodedOutputBesideItIsMade) {
  SKIP_WITHOUT_FFMPEG();
  test::TempDir dir("transcode-copy");
  const std::string clip = make_clip(dir);
  for (const bool seek : {true, false}) {
    SCOPED_TRACE(seek ? "seek" : "stop");
    TranscodeOptions opt;
    (seek ? opt.seek_s : opt.stop_s) = 1.0;
    const TranscodeResult r =
        transcode(clip, {copy_output(dir / "yt.mp4"), encoded_output(dir / "x.mp4")}, opt);
    ASSERT_FALSE(r.input_error);
    ASSERT_TRUE(r.outputs[0].error);
    const Error& e = *r.outputs[0].error;
    EXPECT_EQ(e.code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(e.message, "pass-through cannot trim; the caller must encode a trimmed rendition");
    EXPECT_EQ(e.context.file, dir / "yt.mp4");
    EXPECT_FALSE(r.outputs[0].file);
    EXPECT_EQ(r.outputs[0].copied_packets, 0);
    ASSERT_FALSE(r.outputs[1].error) << r.outputs[1].error->to_string();
    ASSERT_TRUE(r.outputs[1].file);
    EXPECT_GT(r.outputs[1].video_frames, 0);
  }
}

// True when `dir` holds no file but `keep`.
bool only_file_is(const std::string& dir, const std::string& keep) {
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().filename() != keep) return false;
  }
  return true;
}

TEST(TranscodeCopy, ATruncatedInputFailsEachOutputAndLeavesNoFile) {
  SKIP_WITHOUT_FFMPEG();
  test::TempDir dir("transcode-copy");
  // The index at the end: cutting the file in half loses it.
  const std::string clip = make_clip(dir);
  std::filesystem::resize_file(clip, std::filesystem::file_size(clip) / 2);
  const TranscodeResult r = transcode(
      clip, {copy_output(dir / "yt.mp4"), encoded_output(dir / "x.mp4")}, TranscodeOptions{});
  ASSERT_EQ(r.outputs.size(), 2u);
  for (const auto& o : r.outputs) {
    ASSERT_TRUE(o.error);
    EXPECT_FALSE(o.file);
    EXPECT_EQ(o.copied_packets, 0);
  }
  EXPECT_TRUE(only_file_is(dir.path(), "clip.mp4"));
}

TEST(TranscodeCopy, ACancelAbandonsTheCopyAndLeavesNoFile) {
  SKIP_WITHOUT_FFMPEG();
  test::TempDir dir("transcode-copy");
  const std::string clip = make_clip(dir);
  CancelFlag flag;
  flag.cancel();
  TranscodeOptions opt;
  opt.cancel = &flag;
  const TranscodeResult r = transcode(clip, {copy_output(dir / "yt.mp4")}, opt);
  EXPECT_TRUE(r.cancelled);
  ASSERT_TRUE(r.outputs[0].error);
  EXPECT_EQ(r.outputs[0].error->code, ErrorCode::kCancelled);
  EXPECT_FALSE(r.outputs[0].file);
  EXPECT_TRUE(only_file_is(dir.path(), "clip.mp4"));
}

TEST(TranscodeCopy, AFastStartInputCutShortIsCopiedAsFarAsItGoesLikeTheEncode) {
  SKIP_WITHOUT_FFMPEG();
  test::TempDir dir("transcode-copy");
  // The index first: the demuxer reads the packets that are there, the last one cut short.
  const std::string clip = make_clip(dir, "-movflags +faststart");
  std::filesystem::resize_file(clip, std::filesystem::file_size(clip) / 2);
  TranscodeResult r = transcode(clip, {copy_output(dir / "yt.mp4"), encoded_output(dir / "x.mp4")},
                                TranscodeOptions{});
  expect_made(r);  // as the encoded output is, the copy is made of what the input holds
  EXPECT_FALSE(r.damaged.empty());  // the cut packet is noted even where nothing decodes it
  const std::int64_t copied = r.outputs[0].copied_packets;
  EXPECT_GT(copied, 10);
  EXPECT_LT(copied, 50);
  EXPECT_EQ(video_packets(dir / "yt.mp4").count, copied);
}

}  // namespace
}  // namespace saluran::av
