// The render stage's analysis of a video (issue 16): two reframed window shapes and a poster
// come from one analysis decode, and each is what the analysis functions give.

#include <gtest/gtest.h>

#include <cstdlib>

#include "codecs/av/frame_sampler.hpp"
#include "pipeline/presets/preset_catalog.hpp"
#include "pipeline/stages/render.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {

Preset preset(const char* name) {
  auto catalog = PresetCatalog::load("/nonexistent-user-presets");
  EXPECT_TRUE(catalog.ok());
  auto p = catalog->get(name);
  EXPECT_TRUE(p.ok()) << name;
  return p ? *p : Preset{};
}

TEST(RenderAnalysis, TwoWindowShapesAndAPosterShareOneAnalysisDecode) {
  test::TempDir dir("render-analysis");
  const std::string input = dir / "clip.mp4";
  const std::string cmd =
      "ffmpeg -v error -y -f lavfi -i testsrc2=s=320x180:r=25:d=3 -f lavfi -i "
      "sine=f=440:d=3:r=48000 -c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -shortest " +
      input;
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  RenderOptions opt;
  opt.out_dir = dir / "out";
  Preset feed = preset("instagram-feed-video");  // 4:5
  feed.limits.min_duration_s = 0;
  Preset tall = feed;  // the same, 9:16
  tall.name = "feed-9x16";
  tall.video->width = 1080;
  tall.video->height = 1920;
  opt.presets = {feed, tall, preset("web-thumb")};

  const std::uint64_t before = av::sampling_decodes();
  const auto reports = render({{input}, opt}).reports;
  EXPECT_EQ(av::sampling_decodes(), before + 1);
  ASSERT_EQ(reports.size(), 1u);
  ASSERT_EQ(reports[0].renditions.size(), 3u);
  // Pictures first, then the videos, as before the analysis was shared.
  EXPECT_EQ(reports[0].renditions[0].preset, "web-thumb");
  for (const RenditionResult& r : reports[0].renditions) {
    ASSERT_EQ(r.outcome, Outcome::kMade)
        << r.preset << ": " << (r.error ? r.error->to_string() : std::string());
    if (r.preset == "web-thumb") {
      ASSERT_TRUE(r.image && r.image->poster_s);
      continue;
    }
    EXPECT_FALSE(r.reframe.empty()) << r.preset;
    EXPECT_EQ(r.reframe.find("centred"), std::string::npos) << r.preset << ": " << r.reframe;
  }
}

}  // namespace
}  // namespace saluran
