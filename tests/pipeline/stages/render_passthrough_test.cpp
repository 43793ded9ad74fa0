// Pass-through (issue 17): a `passthrough = "when-valid"` preset copies a source's video stream
// that already meets every rule the channel requires, and encodes it otherwise, saying why.

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>

#include "pipeline/stages/check.hpp"
#include "pipeline/stages/render.hpp"
#include "tests/support/builtin_preset.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {
namespace fs = std::filesystem;

std::map<std::string, RenditionResult> rendered(const std::string& input, RenderOptions opt) {
  std::map<std::string, RenditionResult> out;
  const RenderResult result = render({{input}, opt});
  EXPECT_EQ(result.reports.size(), 1u);
  for (const InputReport& r : result.reports) {
    for (const RenditionResult& x : r.renditions) out[x.preset] = x;
  }
  return out;
}

/// The MD5 of a file's video stream as the ffmpeg CLI copies it out, or empty.
std::string video_md5(const std::string& file) {
  const auto r = test::run_command("ffmpeg -v error -i '" + file + "' -map 0:v -c copy -f md5 -");
  return r.exit_code == 0 ? r.out : std::string();
}

TEST(PassThrough, ACameraClipTheChannelsTakeAsItIsIsCopiedBitForBit) {
  SKIP_WITHOUT_SAMPLES();
  test::TempDir dir("passthrough");
  RenderOptions opt;
  opt.out_dir = dir.path().string();
  opt.presets = {test::builtin("youtube"), test::builtin("facebook-video")};
  const std::string clip = test::sample("camera/C0001.MP4");
  auto made = rendered(clip, opt);
  ASSERT_EQ(made.size(), 2u);
  for (const char* name : {"youtube", "facebook-video"}) {
    SCOPED_TRACE(name);
    const RenditionResult& r = made[name];
    ASSERT_EQ(r.outcome, Outcome::kMade) << (r.error ? r.error->to_string() : "");
    ASSERT_TRUE(r.plan && r.plan->video);
    EXPECT_TRUE(r.plan->video->copy) << r.plan->video->copy_note;
    EXPECT_NE(r.plan->video->copy_note.find("copied"), std::string::npos);
    EXPECT_EQ(r.video_frames, 0);  // nothing encoded
    ASSERT_TRUE(r.check);
    EXPECT_TRUE(r.check->passed()) << r.check->failures();
    // The camera's GOP is not YouTube's recommended half second: advice, not a failure.
    if (std::string(name) == "youtube") {
      EXPECT_NE(r.check->advice().find("gop.length"), std::string::npos) << r.check->advice();
    }
    const std::string md5 = video_md5(r.output);
    if (!md5.empty()) {
      EXPECT_EQ(md5, video_md5(clip));
    }
  }
  // The same recommendation made a requirement fails the file.
  Preset strict = test::builtin("youtube");
  strict.limits.recommended.clear();
  auto report = check_output(made["youtube"].output, strict);
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->passed());
  EXPECT_NE(report->failures().find("gop.length"), std::string::npos);
  EXPECT_TRUE(report->advice().empty());
}

TEST(PassThrough, ATurnedTrimmedOrForeignSourceIsEncodedAndSaysWhy) {
  SKIP_WITHOUT_SAMPLES();
  test::TempDir dir("passthrough");
  RenderOptions opt;
  opt.out_dir = dir.path().string();
  opt.presets = {test::builtin("youtube")};
  // A phone clip stored turned (rotation metadata): made upright, so encoded.
  auto phone = rendered(test::sample("phone/VID_20250314_101500.mp4"), opt);
  ASSERT_TRUE(phone["youtube"].plan && phone["youtube"].plan->video);
  EXPECT_FALSE(phone["youtube"].plan->video->copy);
  EXPECT_NE(phone["youtube"].plan->video->copy_note.find("turned"), std::string::npos)
      << phone["youtube"].plan->video->copy_note;
  EXPECT_GT(phone["youtube"].video_frames, 0);
  // A drone's HEVC: not the preset's codec.
  auto drone = rendered(test::sample("drone/DJI_0001.MP4"), opt);
  EXPECT_FALSE(drone["youtube"].plan->video->copy);
  EXPECT_NE(drone["youtube"].plan->video->copy_note.find("hevc"), std::string::npos);
  // A trimmed rendition of the camera clip.
  opt.overrides.duration_s = 2.0;
  auto trimmed = rendered(test::sample("camera/C0001.MP4"), opt);
  EXPECT_EQ(trimmed["youtube"].outcome, Outcome::kMade);
  EXPECT_FALSE(trimmed["youtube"].plan->video->copy);
  EXPECT_NE(trimmed["youtube"].plan->video->copy_note.find("trimmed"), std::string::npos);
}

TEST(SharedEncode, WebAndXVideoOfOneClipAreEncodedOnceAndBothPassTheirChecks) {
  SKIP_WITHOUT_SAMPLES();
  test::TempDir dir("shared-encode");
  RenderOptions opt;
  opt.out_dir = dir.path().string();
  opt.presets = {test::builtin("web-video"), test::builtin("x-video")};
  auto made = rendered(test::sample("camera/C0001.MP4"), opt);
  ASSERT_EQ(made.size(), 2u);
  const RenditionResult& web = made["web-video"];
  const RenditionResult& x = made["x-video"];
  for (const RenditionResult* r : {&web, &x}) {
    SCOPED_TRACE(r->preset);
    ASSERT_EQ(r->outcome, Outcome::kMade) << (r->error ? r->error->to_string() : "");
    ASSERT_TRUE(r->plan && r->check);
    EXPECT_NE(r->plan->shared_note.find("one encode for x-video, web-video"), std::string::npos)
        << r->plan->shared_note;
    EXPECT_TRUE(r->check->passed()) << r->check->failures();
    EXPECT_GT(r->video_frames, 0);
  }
  // One file under two names; X is told its recommended High profile was not used.
  EXPECT_TRUE(fs::equivalent(web.output, x.output));
  EXPECT_EQ(web.plan->video->bitrate_kbps, x.plan->video->bitrate_kbps);  // as made: X's
  EXPECT_NE(x.check->advice().find("video.profile"), std::string::npos) << x.check->advice();
  // A second run finds both up to date; one removed is made again, alone.
  fs::remove(x.output);
  auto again = rendered(test::sample("camera/C0001.MP4"), opt);
  EXPECT_EQ(again["web-video"].outcome, Outcome::kUpToDate);
  ASSERT_EQ(again["x-video"].outcome, Outcome::kMade);
  EXPECT_TRUE(again["x-video"].plan->shared_note.empty());
  EXPECT_FALSE(fs::equivalent(web.output, x.output));
}

}  // namespace
}  // namespace saluran
