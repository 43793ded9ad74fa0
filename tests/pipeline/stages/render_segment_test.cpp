// Channel-length cuts (issue 17): a video longer than its channel allows, with no trim given,
// keeps the part chosen by content (shot starts and the poster's frame scores), and a
// recording the part with the most speech, not the first seconds; a trim given by the story
// or the command line is kept as it is.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "codecs/av/frame_sampler.hpp"
#include "pipeline/stages/render.hpp"
#include "tests/support/builtin_preset.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {
namespace fs = std::filesystem;

/// A 12 s clip with sound: 6 s of black (the camera in its bag), then a cut to 6 s of a sharp,
/// well-lit scene.
/// `gop`: frames from a keyframe to the next (0: x264's own, up to 250: one at each cut).
std::string dark_then_bright(const fs::path& dir, int gop = 0) {
  const std::string out = (dir / "bag-then-stage.mp4").string();
  const auto r = test::run_command(
      "ffmpeg -v error -y -f lavfi -i color=c=black:s=640x360:r=30:d=6 "
      "-f lavfi -i testsrc2=s=640x360:r=30:d=6 -f lavfi -i sine=f=440:d=12 "
      "-filter_complex '[0:v][1:v]concat=n=2:v=1:a=0[v]' -map '[v]' -map 2:a "
      "-c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac " +
      (gop > 0 ? fmt::format("-g {} ", gop) : std::string()) + test::shell_quote(out) + " 2>&1");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  return out;
}

/// A channel that takes at most 5 s and cuts what is longer.
Preset five_seconds() {
  Preset p = test::builtin("x-video");
  p.name = "five-seconds";
  p.limits.max_duration_s = 5;
  p.limits.too_long = TooLong::kTrim;
  return p;
}

/// The mean luma (0..255) of a file's first picture.
double first_frame_luma(const std::string& file) {
  const auto r = test::run_command(
      "ffmpeg -v info -nostats -i " + test::shell_quote(file) +
      " -frames:v 1 -vf signalstats,metadata=print:key=lavfi.signalstats.YAVG -f null - 2>&1");
  const auto at = r.out.find("YAVG=");
  return at == std::string::npos ? -1 : std::atof(r.out.c_str() + at + 5);
}

RenditionResult render_one(const std::string& input, RenderOptions opt) {
  const RenderResult result = render({{input}, opt});
  EXPECT_EQ(result.reports.size(), 1u);
  if (result.reports.empty() || result.reports[0].renditions.empty()) return {};
  return result.reports[0].renditions[0];
}

TEST(ChannelLengthCut, KeepsThePartChosenByContentFromACut) {
  test::TempDir dir("segment");
  const std::string clip = dark_then_bright(dir.path());
  RenderOptions opt;
  opt.out_dir = (dir.path() / "out").string();
  opt.presets = {five_seconds()};
  const RenditionResult r = render_one(clip, opt);
  ASSERT_EQ(r.outcome, Outcome::kMade) << (r.error ? r.error->to_string() : "");
  ASSERT_TRUE(r.plan);
  EXPECT_TRUE(r.plan->trimmed_to_limit);
  EXPECT_NEAR(r.plan->start_s, 6.0, 0.1) << r.plan->segment_note;
  EXPECT_NE(r.plan->segment_note.find("starting at a cut"), std::string::npos)
      << r.plan->segment_note;
  ASSERT_TRUE(r.media);
  EXPECT_NEAR(r.media->duration_s, 4.9, 0.15);
  EXPECT_GT(first_frame_luma(r.output), 60);  // the stage, not the bag
  ASSERT_TRUE(r.check);
  EXPECT_TRUE(r.check->passed()) << r.check->failures();
  // The choice is the same on a second run: the rendition is up to date.
  EXPECT_EQ(render_one(clip, opt).outcome, Outcome::kUpToDate);
}

// A camera's clip (a keyframe every half second), cut with no poster or reframing to make:
// the keyframes alone are decoded for the choice, and it is the same.
TEST(ChannelLengthCut, ACameraClipIsChosenFromItsKeyframesAlone) {
  test::TempDir dir("segment-keyframes");
  const std::string clip = dark_then_bright(dir.path(), 15);
  RenderOptions opt;
  opt.out_dir = (dir.path() / "out").string();
  opt.presets = {five_seconds()};
  const std::uint64_t before = av::sampled_frames();
  const RenditionResult r = render_one(clip, opt);
  const std::uint64_t decoded = av::sampled_frames() - before;
  ASSERT_EQ(r.outcome, Outcome::kMade) << (r.error ? r.error->to_string() : "");
  ASSERT_TRUE(r.plan);
  EXPECT_NEAR(r.plan->start_s, 6.0, 0.1) << r.plan->segment_note;
  EXPECT_NE(r.plan->segment_note.find("starting at a cut"), std::string::npos)
      << r.plan->segment_note;
  EXPECT_LE(decoded, 25u);  // 24 keyframes of 360 frames
  EXPECT_GT(first_frame_luma(r.output), 60);
}

TEST(ChannelLengthCut, AGivenStartIsKeptAsItIs) {
  test::TempDir dir("segment-given");
  const std::string clip = dark_then_bright(dir.path());
  RenderOptions opt;
  opt.out_dir = (dir.path() / "out").string();
  opt.presets = {five_seconds()};
  opt.overrides.start_s = 0;
  const RenditionResult r = render_one(clip, opt);
  ASSERT_EQ(r.outcome, Outcome::kMade) << (r.error ? r.error->to_string() : "");
  ASSERT_TRUE(r.plan);
  EXPECT_DOUBLE_EQ(r.plan->start_s, 0);
  EXPECT_FALSE(r.plan->segment_by_content);
  EXPECT_TRUE(r.plan->segment_note.empty());
  EXPECT_LT(first_frame_luma(r.output), 20);
}

/// A 12 s recording: 6 s of a quiet room, then 6 s of talk (a 300 Hz voice, 0.8 s words).
std::string quiet_then_talk(const fs::path& dir) {
  const std::string out = (dir / "wawancara.wav").string();
  const auto r = test::run_command(
      "ffmpeg -v error -y -f lavfi -i anoisesrc=a=0.001:d=6:r=48000 "
      "-f lavfi -i \"sine=f=300:d=6:r=48000,volume='if(lt(mod(t,1),0.8),0.3,0)':eval=frame\" "
      "-filter_complex '[0:a][1:a]concat=n=2:v=0:a=1[a]' -map '[a]' -c:a pcm_s16le " +
      test::shell_quote(out) + " 2>&1");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  return out;
}

// The radio clip of an interview longer than the channel takes starts where the talk starts.
TEST(ChannelLengthCut, SoundKeepsThePartWithTheMostSpeechFromAPause) {
  test::TempDir dir("segment-sound");
  const std::string talk = quiet_then_talk(dir.path());
  Preset radio = test::builtin("radio-clip");
  radio.name = "radio-five-seconds";
  radio.limits.max_duration_s = 5;
  radio.limits.too_long = TooLong::kTrim;
  RenderOptions opt;
  opt.out_dir = (dir.path() / "out").string();
  opt.presets = {radio};
  const RenditionResult r = render_one(talk, opt);
  ASSERT_EQ(r.outcome, Outcome::kMade) << (r.error ? r.error->to_string() : "");
  ASSERT_TRUE(r.plan);
  EXPECT_NEAR(r.plan->start_s, 5.9, 0.15) << r.plan->segment_note;
  EXPECT_NE(r.plan->segment_note.find("starting at a pause"), std::string::npos)
      << r.plan->segment_note;
  ASSERT_TRUE(r.media);
  EXPECT_NEAR(r.media->duration_s, 4.9, 0.2);
  ASSERT_TRUE(r.check);
  EXPECT_TRUE(r.check->passed()) << r.check->failures();
  EXPECT_EQ(render_one(talk, opt).outcome, Outcome::kUpToDate);
}

}  // namespace
}  // namespace saluran
