// What render is given and what it says when nothing could be made: the media files of folders
// (telemetry and hidden files left out and counted), why there was nothing to render, failed
// inputs kept apart in the manifest, and a run cancelled before it started.

#include "pipeline/stages/render_inputs.hpp"

#include <gtest/gtest.h>

#include "pipeline/stages/render_manifest.hpp"
#include "tests/support/media_tree.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {

Preset preset_of(const char* name, PresetKind kind) {
  Preset p;
  p.name = name;
  p.kind = kind;
  return p;
}

TEST(FindRenderInputs, LeavesOutWhatIsNotMediaAndCountsIt) {
  test::TempDir dir("render-inputs");
  test::write_text(dir / "card/DJI_0001.SRT", "1\n");
  test::write_text(dir / "card/DJI_0002.srt", "1\n");
  test::write_text(dir / "card/.hidden.jpg", "x");
  test::write_text(dir / "card/a.jpg", "x");
  const RenderInputs in = find_render_inputs({dir / "card", dir / "named.srt"});
  // A file named directly is kept as given: render says what it is.
  EXPECT_EQ(in.files, (std::vector<std::string>{dir / "card/a.jpg", dir / "named.srt"}));
  EXPECT_EQ(in.left_out.at(".srt"), 2u);
  EXPECT_EQ(in.left_out.at("hidden"), 1u);
}

TEST(NothingToRender, SaysWhatWasFoundAndWhatThePresetsTake) {
  RenderInputs in;
  in.left_out[".srt"] = 6;
  RenderResult none;
  const auto why = nothing_to_render({"drone"}, in, none, {preset_of("web", PresetKind::kImage)});
  ASSERT_TRUE(why);
  EXPECT_EQ(*why,
            "nothing to render: drone holds 6 files: 6 files left out as not media: 6 telemetry "
            "files (.srt: DJI telemetry, read with the video of the same name); the preset 'web' "
            "takes photos (JPEG, PNG, WebP, HEIC) and videos (a frame chosen as poster)");

  // Photos for a video preset and a sound preset: read, but taken by neither.
  RenderResult photos;
  for (int i = 0; i < 2; ++i) {
    InputReport r;
    r.kind = MediaKind::kPhoto;
    photos.reports.push_back(r);
  }
  const auto two = nothing_to_render(
      {"a", "b"}, RenderInputs{}, photos,
      {preset_of("youtube", PresetKind::kVideo), preset_of("radio-clip", PresetKind::kAudio)});
  ASSERT_TRUE(two);
  EXPECT_EQ(*two,
            "nothing to render: the 2 paths given hold 2 files: 2 photos; the presets take: "
            "'youtube' videos; 'radio-clip' sound files and videos with sound");
}

TEST(NothingToRender, NotWhenSomethingWasTakenOrAnInputCouldNotBeRead) {
  const std::vector<Preset> web = {preset_of("web", PresetKind::kImage)};
  RenderResult taken;
  taken.reports.emplace_back();
  taken.reports[0].kind = MediaKind::kPhoto;
  taken.reports[0].presets_taking = 1;
  EXPECT_FALSE(nothing_to_render({"x"}, RenderInputs{}, taken, web));
  RenderResult unreadable;
  unreadable.reports.emplace_back();  // no kind: a failure of its own (exit 1), not "nothing"
  EXPECT_FALSE(nothing_to_render({"x"}, RenderInputs{}, unreadable, web));
  RenderResult stopped;
  stopped.interrupted = true;
  EXPECT_FALSE(nothing_to_render({"x"}, RenderInputs{}, stopped, web));
}

TEST(PresetTakes, ByKindOfInput) {
  MediaInfo photo;
  photo.kind = MediaKind::kPhoto;
  photo.picture = PictureInfo{};
  MediaInfo silent_video;
  silent_video.kind = MediaKind::kVideo;
  silent_video.picture = PictureInfo{};
  MediaInfo sound;
  sound.kind = MediaKind::kAudio;
  sound.audio = AudioInfo{};
  const Preset image = preset_of("web", PresetKind::kImage);
  const Preset video = preset_of("youtube", PresetKind::kVideo);
  const Preset audio = preset_of("radio-clip", PresetKind::kAudio);
  EXPECT_TRUE(preset_takes(image, photo));
  EXPECT_TRUE(preset_takes(image, silent_video));  // a poster frame
  EXPECT_FALSE(preset_takes(image, sound));
  EXPECT_FALSE(preset_takes(video, photo));
  EXPECT_TRUE(preset_takes(video, silent_video));
  EXPECT_FALSE(preset_takes(audio, silent_video));
  EXPECT_TRUE(preset_takes(audio, sound));
}

TEST(RenderManifestKeys, FailedInputsAreKeptApartAndClearedOnceRendered) {
  RenderManifest m;
  for (const char* input : {"a.mp4", "b.jpg"}) {
    InputReport report;
    report.input = input;
    RenditionResult r;
    r.input = input;
    r.preset = "web";
    r.outcome = Outcome::kFailed;
    r.error = make_error(ErrorCode::kNotFound, "cannot open", input);
    report.renditions.push_back(r);
    merge_report(m, report);
  }
  EXPECT_EQ(m.outputs.size(), 2u);
  EXPECT_EQ(m.outputs.count(""), 0u);
  ASSERT_EQ(m.outputs.count("a.mp4 (web)"), 1u);
  EXPECT_EQ(m.outputs.at("a.mp4 (web)").outcome, Outcome::kFailed);
  // a.mp4 is read the next time: its output's entry replaces the old failure.
  InputReport again;
  again.input = "a.mp4";
  RenditionResult made;
  made.input = "a.mp4";
  made.preset = "web";
  made.output = "out/a.web-480.jpg";
  made.outcome = Outcome::kMade;
  again.renditions.push_back(made);
  merge_report(m, again);
  EXPECT_EQ(m.outputs.count("a.mp4 (web)"), 0u);
  EXPECT_EQ(m.outputs.count("a.web-480.jpg"), 1u);
  EXPECT_EQ(m.outputs.count("b.jpg (web)"), 1u);
}

TEST(RenderCancel, ACancelledRunStartsNothingAndSaysSo) {
  test::TempDir dir("render-cancelled");
  CancelFlag flag;
  flag.cancel();
  RenderRequest req;
  req.inputs = {dir / "a.mp4", dir / "b.mp4"};
  req.options.out_dir = dir / "out";
  req.options.cancel = &flag;
  const RenderResult res = render(req);
  EXPECT_TRUE(res.interrupted);
  EXPECT_TRUE(res.reports.empty());
  EXPECT_EQ(res.inputs_not_started, 2u);
}

}  // namespace
}  // namespace saluran
