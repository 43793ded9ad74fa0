// One encode for several channels (issue 17): which renditions share a file, and with which
// settings. Plans of built-in presets over made-up source facts.

#include "pipeline/stages/shared_encode.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/builtin_preset.hpp"
#include "tests/support/source_facts.hpp"

namespace saluran {
namespace {

SourceFacts camera_clip() { return test::camera_clip(120); }

RenditionPlan plan_of(const Preset& p, const SourceFacts& s = camera_clip()) {
  auto plan = plan_rendition(p, s, {}, "C0001");
  EXPECT_TRUE(plan.ok()) << p.name << ": " << (plan ? "" : plan.error().to_string());
  return plan ? *plan : RenditionPlan{};
}

TEST(SharedEncode, WebAndXVideoAreOneEncodeInTheProfileTheWebsiteRequires) {
  const RenditionPlan web = plan_of(test::builtin("web-video"));
  const RenditionPlan x = plan_of(test::builtin("x-video"));
  const RenditionPlan yt = plan_of(test::builtin("youtube"));
  const auto groups = shared_encodes({&web, &yt, &x});
  ASSERT_EQ(groups.size(), 1u);
  // x-video asks the higher bitrate: it leads; web-video requires Main, X only recommends High.
  EXPECT_EQ(groups[0].members, (std::vector<std::size_t>{2, 0}));
  EXPECT_EQ(groups[0].profile, "main");
  EXPECT_NE(groups[0].note.find("x-video's settings (5000 kbps), H.264 main"), std::string::npos)
      << groups[0].note;
}

TEST(SharedEncode, ProfilesBothRequiredAndDifferentKeepThemApart) {
  Preset x = test::builtin("x-video");
  std::erase(x.limits.recommended, "video.profile");  // now X would require High
  const RenditionPlan web = plan_of(test::builtin("web-video"));
  const RenditionPlan xp = plan_of(x);
  EXPECT_TRUE(shared_encodes({&web, &xp}).empty());
}

TEST(SharedEncode, ARuleAMemberRequiresOfTheLeadsSettingsKeepsItOut) {
  const RenditionPlan web = plan_of(test::builtin("web-video"));
  // A channel with a shorter keyframe interval than the lead's 2 s.
  Preset tight = test::builtin("x-video");
  tight.name = "tight-gop";
  tight.video->gop_seconds = 1;
  tight.video->bitrate_kbps = 1000;
  std::erase(tight.limits.recommended, "gop.length");  // required here
  RenditionPlan t = plan_of(tight);
  EXPECT_TRUE(shared_encodes({&web, &t}).empty());
  // A file size limit the lead's bitrate would break over two minutes.
  Preset small = test::builtin("x-video");
  small.name = "small";
  small.video->bitrate_kbps = 1000;
  small.limits.max_file_bytes = 40'000'000;
  const RenditionPlan big = plan_of(test::builtin("x-video"));
  const RenditionPlan s = plan_of(small);
  EXPECT_TRUE(shared_encodes({&big, &s}).empty());
  // ... unless it is only a recommendation of that channel.
  small.limits.recommended.push_back("file.size");
  const RenditionPlan s2 = plan_of(small);
  EXPECT_EQ(shared_encodes({&big, &s2}).size(), 1u);
}

TEST(SharedEncode, OtherPicturesSoundCopiesAndMovingWindowsAreNeverShared) {
  const RenditionPlan web = plan_of(test::builtin("web-video"));
  RenditionPlan x = plan_of(test::builtin("x-video"));
  // Another length (a trim) is another picture.
  RenderOverrides from_10s;
  from_10s.start_s = 10;
  auto trimmed = plan_rendition(test::builtin("x-video"), camera_clip(), from_10s, "C0001");
  ASSERT_TRUE(trimmed.ok());
  EXPECT_TRUE(shared_encodes({&web, &*trimmed}).empty());
  // Other sound.
  RenditionPlan loud = x;
  loud.audio->bitrate_kbps = 192;
  EXPECT_TRUE(shared_encodes({&web, &loud}).empty());
  RenditionPlan copy = x;
  copy.video->copy = true;
  EXPECT_TRUE(shared_encodes({&web, &copy}).empty());
  RenditionPlan moving = x;
  moving.video->reframe = true;
  EXPECT_TRUE(shared_encodes({&web, &moving}).empty());
  // A null entry is left out; the rest still pair.
  EXPECT_EQ(shared_encodes({nullptr, &web, &x}).size(), 1u);
}

}  // namespace
}  // namespace saluran
