// Rendition plans without files: the built-in presets over made-up source facts. Output
// names, trims to a channel's limit, fades, refusals, and the filter chains that carry them.

#include "pipeline/stages/render_plan.hpp"

#include <gtest/gtest.h>

#include <string>

#include "pipeline/presets/preset_catalog.hpp"
#include "tests/support/source_facts.hpp"

namespace saluran {
namespace {

Preset builtin(const char* name) {
  auto catalog = PresetCatalog::load("/nonexistent-user-presets");
  EXPECT_TRUE(catalog.ok());
  auto p = catalog->get(name);
  EXPECT_TRUE(p.ok()) << name << ": " << (p ? "" : p.error().to_string());
  return p ? *p : Preset{};
}

using test::camera_clip;

/// A sound recording, `seconds` long.
SourceFacts interview(double seconds) {
  SourceFacts s;
  s.path = "/cards/wawancara.wav";
  s.has_audio = true;
  s.audio_channels = 1;
  s.sample_rate = 48000;
  s.duration_s = seconds;
  return s;
}

bool has(const std::string& chain, const std::string& part) {
  return chain.find(part) != std::string::npos;
}

TEST(RenderPlan, OutputsAreNamedStemPresetExtension) {
  auto yt = plan_rendition(builtin("youtube"), camera_clip(10), {}, "C0001");
  ASSERT_TRUE(yt.ok()) << yt.error().to_string();
  EXPECT_EQ(yt->output_name, "C0001.youtube.mp4");
  auto radio = plan_rendition(builtin("radio-clip"), camera_clip(10), {}, "C0001-2");
  ASSERT_TRUE(radio.ok()) << radio.error().to_string();
  EXPECT_EQ(radio->output_name, "C0001-2.radio-clip.mp3");
  EXPECT_FALSE(radio->video);  // sound only, although the source has a picture
  ASSERT_TRUE(radio->audio);
}

TEST(RenderPlan, AKeepPresetFitsTheBoxAtTheSourceRateWithoutATrim) {
  auto p = plan_rendition(builtin("x-video"), camera_clip(10), {}, "C0001");
  ASSERT_TRUE(p.ok()) << p.error().to_string();
  EXPECT_DOUBLE_EQ(p->start_s, 0);
  EXPECT_DOUBLE_EQ(p->duration_s, 10);
  EXPECT_FALSE(p->trimmed_to_limit);
  ASSERT_TRUE(p->video);
  EXPECT_EQ(p->video->geometry.out_width, 1280);
  EXPECT_EQ(p->video->geometry.out_height, 720);
  EXPECT_EQ(p->video->rate.num, 30);
  EXPECT_EQ(p->video->rate.den, 1);
  EXPECT_EQ(p->video->bitrate_kbps, 5000);
  EXPECT_EQ(p->video->gop_frames, 60);
  EXPECT_FALSE(p->video->tone_map);
  EXPECT_FALSE(has(p->video->filter, "trim="));
  EXPECT_TRUE(has(p->video->filter, "fps=30/1:start_time=0")) << p->video->filter;
  EXPECT_TRUE(has(p->video->filter, "scale=1280:720")) << p->video->filter;
  EXPECT_TRUE(p->video->filter.ends_with("format=yuv420p")) << p->video->filter;
  ASSERT_TRUE(p->audio);
  EXPECT_EQ(p->audio->codec, "aac");
  EXPECT_FALSE(p->audio->loudness);
  EXPECT_TRUE(has(p->audio->filter, "channel_layouts=stereo")) << p->audio->filter;
}

TEST(RenderPlan, TooLongForTheChannelIsTrimmedJustUnderItsLimit) {
  // YouTube Shorts: at most 180 s, too_long = "trim".
  auto p = plan_rendition(builtin("youtube-shorts"), camera_clip(300), {}, "C0001");
  ASSERT_TRUE(p.ok()) << p.error().to_string();
  EXPECT_TRUE(p->trimmed_to_limit);
  EXPECT_NEAR(p->duration_s, 179.9, 1e-9);
  EXPECT_TRUE(has(p->video->filter, "trim=start=0.000:end=179.900")) << p->video->filter;
  EXPECT_TRUE(has(p->video->filter, "setpts=PTS-0.000/TB")) << p->video->filter;
  EXPECT_TRUE(has(p->audio->filter, "atrim=start=0.000:end=179.900")) << p->audio->filter;
  EXPECT_TRUE(has(p->audio->filter, "asetpts=PTS-0.000/TB")) << p->audio->filter;
  // Within the limit nothing is cut.
  auto short_clip = plan_rendition(builtin("youtube-shorts"), camera_clip(60), {}, "C0001");
  ASSERT_TRUE(short_clip.ok());
  EXPECT_FALSE(short_clip->trimmed_to_limit);
  EXPECT_DOUBLE_EQ(short_clip->duration_s, 60);
}

TEST(RenderPlan, TooLongWhereThePresetSaysErrorIsRefusedWithWhatToDo) {
  // Instagram Reel: at most 900 s, too_long = "error".
  auto p = plan_rendition(builtin("instagram-reel"), camera_clip(1000), {}, "C0001");
  ASSERT_FALSE(p.ok());
  const Error& e = p.error();
  EXPECT_EQ(e.code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(has(e.message, "allows at most 900 s")) << e.to_string();
  EXPECT_TRUE(has(e.message, "--duration")) << e.to_string();
  EXPECT_EQ(e.context.file, "/cards/C0001.MP4");
  EXPECT_EQ(e.context.detail, "instagram-reel");
  // A per-use duration within the limit makes it.
  RenderOverrides o;
  o.duration_s = 60;
  auto cut = plan_rendition(builtin("instagram-reel"), camera_clip(1000), o, "C0001");
  ASSERT_TRUE(cut.ok()) << cut.error().to_string();
  EXPECT_DOUBLE_EQ(cut->duration_s, 60);
  EXPECT_FALSE(cut->trimmed_to_limit);
  EXPECT_TRUE(has(cut->video->filter, "trim=start=0.000:end=60.000")) << cut->video->filter;
}

TEST(RenderPlan, TooShortForTheChannelIsRefused) {
  auto p = plan_rendition(builtin("instagram-reel"), camera_clip(2), {}, "C0001");
  ASSERT_FALSE(p.ok());
  EXPECT_TRUE(has(p.error().message, "needs at least 3.0 s")) << p.error().to_string();
}

TEST(RenderPlan, AStartAndDurationCutBothStreamsAlike) {
  RenderOverrides o;
  o.start_s = 2;
  o.duration_s = 5;
  auto p = plan_rendition(builtin("web-video"), camera_clip(10), o, "C0001");
  ASSERT_TRUE(p.ok()) << p.error().to_string();
  EXPECT_DOUBLE_EQ(p->start_s, 2);
  EXPECT_DOUBLE_EQ(p->duration_s, 5);
  EXPECT_TRUE(has(p->video->filter, "trim=start=2.000:end=7.000,setpts=PTS-2.000/TB"))
      << p->video->filter;
  EXPECT_TRUE(has(p->audio->filter, "atrim=start=2.000:end=7.000,asetpts=PTS-2.000/TB"))
      << p->audio->filter;
  // A duration beyond what is left after the start is what is left.
  o.duration_s = 30;
  auto rest = plan_rendition(builtin("web-video"), camera_clip(10), o, "C0001");
  ASSERT_TRUE(rest.ok());
  EXPECT_DOUBLE_EQ(rest->duration_s, 8);
  // A start past the end is refused.
  o.start_s = 12;
  auto past = plan_rendition(builtin("web-video"), camera_clip(10), o, "C0001");
  ASSERT_FALSE(past.ok());
  EXPECT_TRUE(has(past.error().message, "starts at 12.0 s but the input is only 10.0 s long"))
      << past.error().to_string();
}

TEST(RenderPlan, FadesComeFromThePresetUnlessOverridden) {
  // The radio clip fades out over 0.5 s by itself.
  auto radio = plan_rendition(builtin("radio-clip"), interview(20), {}, "wawancara");
  ASSERT_TRUE(radio.ok()) << radio.error().to_string();
  EXPECT_DOUBLE_EQ(radio->fade_in_s, 0);
  EXPECT_DOUBLE_EQ(radio->fade_out_s, 0.5);
  EXPECT_TRUE(has(radio->audio->filter, "afade=t=out:st=19.500:d=0.500")) << radio->audio->filter;
  EXPECT_FALSE(has(radio->audio->filter, "afade=t=in")) << radio->audio->filter;
  RenderOverrides o;
  o.fade_in_s = 1;
  o.fade_out_s = 2;
  auto video = plan_rendition(builtin("x-video"), camera_clip(10), o, "C0001");
  ASSERT_TRUE(video.ok());
  EXPECT_TRUE(has(video->video->filter, "fade=t=in:st=0:d=1.000")) << video->video->filter;
  EXPECT_TRUE(has(video->video->filter, "fade=t=out:st=8.000:d=2.000")) << video->video->filter;
  EXPECT_TRUE(has(video->audio->filter, "afade=t=in:st=0:d=1.000")) << video->audio->filter;
  EXPECT_TRUE(has(video->audio->filter, "afade=t=out:st=8.000:d=2.000")) << video->audio->filter;
  // A fade out as long as the output is left out.
  o.fade_out_s = 10;
  auto whole = plan_rendition(builtin("x-video"), camera_clip(10), o, "C0001");
  ASSERT_TRUE(whole.ok());
  EXPECT_FALSE(has(whole->video->filter, "fade=t=out")) << whole->video->filter;
}

TEST(RenderPlan, SoundPresetsRefuseASourceWithoutSoundAndVideoPresetsOneWithoutPicture) {
  SourceFacts silent = camera_clip(10);
  silent.has_audio = false;
  silent.audio_channels = 0;
  auto radio = plan_rendition(builtin("radio-clip"), silent, {}, "C0001");
  ASSERT_FALSE(radio.ok());
  EXPECT_EQ(radio.error().message, "has no sound; the radio-clip preset makes audio");
  EXPECT_EQ(radio.error().context.file, "/cards/C0001.MP4");
  auto video = plan_rendition(builtin("x-video"), interview(10), {}, "wawancara");
  ASSERT_FALSE(video.ok());
  EXPECT_EQ(video.error().message, "has no picture; the x-video preset makes video");
  // A silent clip still makes a video, without sound.
  auto mute = plan_rendition(builtin("x-video"), silent, {}, "C0001");
  ASSERT_TRUE(mute.ok()) << mute.error().to_string();
  EXPECT_TRUE(mute->video);
  EXPECT_FALSE(mute->audio);
}

TEST(RenderPlan, LoudnessPresetsMeasureBandLimitedFloatSound) {
  auto radio = plan_rendition(builtin("radio-clip"), interview(20), {}, "wawancara");
  ASSERT_TRUE(radio.ok());
  const AudioPlan& a = *radio->audio;
  EXPECT_TRUE(a.loudness);
  EXPECT_EQ(a.codec, "libmp3lame");
  EXPECT_EQ(a.sample_rate, 44100);
  EXPECT_EQ(a.channels, 1);
  EXPECT_EQ(a.bitrate_kbps, 128);
  EXPECT_TRUE(a.filter.starts_with("aresample=async=1:first_pts=0")) << a.filter;
  EXPECT_TRUE(has(a.filter, "lowpass=f=15000")) << a.filter;
  EXPECT_TRUE(a.filter.ends_with("aformat=sample_fmts=flt:sample_rates=44100:channel_layouts=mono"))
      << a.filter;
  EXPECT_EQ(audio_encoder_name("mp3"), "libmp3lame");
  EXPECT_EQ(audio_encoder_name("aac"), "aac");
}

TEST(RenderPlan, APhoneHeldUprightComesOutUpright) {
  SourceFacts phone = camera_clip(10);
  phone.picture = {1920, 1080, 90, 1, 1};
  auto p = plan_rendition(builtin("x-video"), phone, {}, "VID");
  ASSERT_TRUE(p.ok()) << p.error().to_string();
  EXPECT_EQ(p->video->geometry.out_width, 720);
  EXPECT_EQ(p->video->geometry.out_height, 1280);
  // Scaled in the stored orientation, then turned.
  EXPECT_TRUE(has(p->video->filter, "scale=1280:720:flags=bicubic,transpose=clock"))
      << p->video->filter;
}

TEST(RenderPlan, InterlacedAndHdrSourcesAreDeinterlacedAndToneMapped) {
  SourceFacts tape = camera_clip(10);
  tape.interlaced = true;
  tape.hdr = "hlg";
  tape.bit_depth = 10;
  auto p = plan_rendition(builtin("web-video"), tape, {}, "C0001");
  ASSERT_TRUE(p.ok()) << p.error().to_string();
  EXPECT_TRUE(p->video->tone_map);
  EXPECT_TRUE(has(p->video->filter, "bwdif=mode=send_frame:deint=interlaced")) << p->video->filter;
  EXPECT_TRUE(has(p->video->filter, "tonemap=tonemap=hable")) << p->video->filter;
}

TEST(RenderPlan, AFillCropFollowsTheContentUnlessAFocusPointFixesIt) {
  auto moving = plan_rendition(builtin("instagram-feed-video"), camera_clip(10), {}, "C0001");
  ASSERT_TRUE(moving.ok()) << moving.error().to_string();
  const VideoPlan& v = *moving->video;
  // 1080 lines are not enlarged to 1350: the 4:5 window at the source's scale.
  EXPECT_EQ(v.geometry.out_width, 864);
  EXPECT_EQ(v.geometry.out_height, 1080);
  EXPECT_FALSE(v.enlarged_from);
  EXPECT_TRUE(v.reframe);
  EXPECT_TRUE(has(v.filter, "crop@reframe=864:1080:")) << v.filter;
  RenderOverrides o;
  o.focus = FocusPoint{0.25, 0.5};
  auto fixed = plan_rendition(builtin("instagram-feed-video"), camera_clip(10), o, "C0001");
  ASSERT_TRUE(fixed.ok());
  EXPECT_FALSE(fixed->video->reframe);
  EXPECT_TRUE(has(fixed->video->filter, ",crop=864:1080:")) << fixed->video->filter;
  EXPECT_LT(fixed->video->geometry.crop.x, v.geometry.crop.x);  // left of the centre
}

TEST(RenderPlan, ASmallClipKeepsItsSizeAndItsBitrateUnlessTheChannelRequiresTheFrame) {
  SourceFacts small = camera_clip(10);
  small.picture = {640, 360, 0, 1, 1};
  small.video_kbps = 422;
  small.video_codec = "h264";
  auto x = plan_rendition(builtin("x-video"), small, {}, "small");
  ASSERT_TRUE(x.ok()) << x.error().to_string();
  EXPECT_EQ(x->video->geometry.out_width, 640);
  EXPECT_EQ(x->video->geometry.out_height, 360);
  EXPECT_EQ(x->video->bitrate_kbps, 633);  // 1.5x 422, not 5000
  EXPECT_FALSE(x->video->enlarged_from);
  auto feed = plan_rendition(builtin("instagram-feed-video"), small, {}, "small");
  ASSERT_TRUE(feed.ok());
  EXPECT_EQ(feed->video->geometry.out_width, 288);
  EXPECT_EQ(feed->video->geometry.out_height, 360);
  EXPECT_EQ(feed->video->bitrate_kbps, 569);  // 8000 for 1080x1350 at 30 fps, by pixels
  auto reel = plan_rendition(builtin("facebook-reel"), small, {}, "small");
  ASSERT_TRUE(reel.ok());
  EXPECT_EQ(reel->video->geometry.out_width, 1080);
  EXPECT_EQ(reel->video->geometry.out_height, 1920);
  EXPECT_EQ(reel->video->enlarged_from, std::make_pair(640, 360));
  EXPECT_EQ(reel->video->bitrate_kbps, 633);
  // An HEVC source of the same rate holds more: 2.25x.
  small.video_codec = "hevc";
  x = plan_rendition(builtin("x-video"), small, {}, "small");
  EXPECT_EQ(x->video->bitrate_kbps, 950);
  // Unknown rate: the pixel rate alone (a quarter of 1280x720).
  small.video_kbps.reset();
  x = plan_rendition(builtin("x-video"), small, {}, "small");
  EXPECT_EQ(x->video->bitrate_kbps, 1250);
}

TEST(RenderPlan, ABlurPadFrameHasTheWholePictureOverItsBlurredSelf) {
  auto p = plan_rendition(builtin("instagram-reel"), camera_clip(10), {}, "C0001");
  ASSERT_TRUE(p.ok()) << p.error().to_string();
  EXPECT_EQ(p->video->geometry.out_width, 1080);
  EXPECT_EQ(p->video->geometry.out_height, 1920);
  EXPECT_TRUE(has(p->video->filter, "split[fg][bgin];")) << p->video->filter;
  EXPECT_TRUE(has(p->video->filter, "boxblur")) << p->video->filter;
  EXPECT_TRUE(has(p->video->filter, "[bg][fg]overlay=")) << p->video->filter;
}

TEST(RenderPlan, AnUnknownLengthRunsToTheEndUncut) {
  auto p = plan_rendition(builtin("x-video"), camera_clip(0), {}, "C0001");
  ASSERT_TRUE(p.ok()) << p.error().to_string();
  EXPECT_DOUBLE_EQ(p->duration_s, 0);
  EXPECT_FALSE(has(p->video->filter, "trim="));
}

// Pass-through: a camera clip YouTube takes as it is has nothing in its plan that keeps the
// stream from being copied; each change the plan makes to the picture is named.
TEST(RenderPlan, CopyObstaclesNameWhatTheRenditionChanges) {
  SourceFacts clip = camera_clip(10);
  clip.video_codec = "h264";
  auto yt = plan_rendition(builtin("youtube"), clip, {}, "C0001");
  ASSERT_TRUE(yt.ok());
  EXPECT_TRUE(copy_obstacles(*yt, clip).empty());

  const auto first = [](const std::vector<std::string>& why) {
    return why.empty() ? std::string("(none)") : why.front();
  };
  SourceFacts turned = clip;
  turned.picture = {1920, 1080, 90, 1, 1};
  auto t = plan_rendition(builtin("youtube"), turned, {}, "C0001");
  EXPECT_NE(first(copy_obstacles(*t, turned)).find("turned 90 degrees"), std::string::npos);

  SourceFacts hevc = clip;
  hevc.video_codec = "hevc";
  auto h = plan_rendition(builtin("youtube"), hevc, {}, "C0001");
  EXPECT_EQ(first(copy_obstacles(*h, hevc)), "the source is hevc, not h264");

  RenderOverrides cut;
  cut.duration_s = 4.0;
  auto trimmed = plan_rendition(builtin("youtube"), clip, cut, "C0001");
  EXPECT_EQ(first(copy_obstacles(*trimmed, clip)), "the rendition is trimmed");

  SourceFacts big = clip;  // 4K for Facebook's 1080p: scaled
  big.picture = {3840, 2160, 0, 1, 1};
  auto fb = plan_rendition(builtin("facebook-video"), big, {}, "C0001");
  EXPECT_EQ(first(copy_obstacles(*fb, big)), "the picture is made 1920x1080 from 3840x2160");

  SourceFacts fast = clip;  // 120 fps for YouTube's 60 at most: re-timed
  fast.fps = 120.0;
  auto f = plan_rendition(builtin("youtube"), fast, {}, "C0001");
  EXPECT_EQ(first(copy_obstacles(*f, fast)), "the frame rate changes");

  auto reel = plan_rendition(builtin("instagram-reel"), clip, {}, "C0001");
  EXPECT_FALSE(copy_obstacles(*reel, clip).empty());  // cropped to 9:16
  SourceFacts sound = interview(10);
  EXPECT_EQ(first(copy_obstacles(*plan_rendition(builtin("radio-clip"), sound, {}, "R"), sound)),
            "there is no video stream to copy");
}

}  // namespace
}  // namespace saluran
