#include "pipeline/ops/render_geometry.hpp"

#include <gtest/gtest.h>

namespace saluran {
namespace {

VideoSpec frame(int w, int h, AspectMode mode) {
  VideoSpec s;
  s.width = w;
  s.height = h;
  s.aspect = mode;
  return s;
}

VideoSpec box(int w, int h) {
  VideoSpec s;
  s.max_width = w;
  s.max_height = h;
  s.aspect = AspectMode::kKeep;
  return s;
}

TEST(RenderGeometry, KeepScalesDownWithinTheBoxAndNeverUp) {
  auto g = plan_geometry(box(1280, 720), {1920, 1080, 0, 1, 1});
  EXPECT_EQ(g.out_width, 1280);
  EXPECT_EQ(g.out_height, 720);
  g = plan_geometry(box(3840, 2160), {1920, 1080, 0, 1, 1});
  EXPECT_EQ(g.out_width, 1920);
  EXPECT_EQ(g.out_height, 1080);
}

TEST(RenderGeometry, KeepTurnsTheBoxForPortraitSources) {
  // A phone held upright: stored 1920x1080 with a 90 degree turn.
  auto g = plan_geometry(box(1280, 720), {1920, 1080, 90, 1, 1});
  EXPECT_EQ(g.out_width, 720);
  EXPECT_EQ(g.out_height, 1280);
}

TEST(RenderGeometry, NonSquarePixelsBecomeSquare) {
  // DV-style 720x576 with 16:15 pixels is 768x576 on screen.
  int w = 0, h = 0;
  upright_display_size({720, 576, 0, 16, 15}, w, h);
  EXPECT_EQ(w, 768);
  EXPECT_EQ(h, 576);
  // Anamorphic 1440x1080 at 4:3 pixels is 1920x1080.
  auto g = plan_geometry(box(3840, 2160), {1440, 1080, 0, 4, 3});
  EXPECT_EQ(g.out_width, 1920);
  EXPECT_EQ(g.out_height, 1080);
}

TEST(RenderGeometry, FitPadsAndCentres) {
  auto g = plan_geometry(frame(1080, 1920, AspectMode::kFit), {1920, 1080, 0, 1, 1});
  EXPECT_EQ(g.out_width, 1080);
  EXPECT_EQ(g.out_height, 1920);
  EXPECT_EQ(g.scaled_width, 1080);
  EXPECT_EQ(g.scaled_height, 608);
  EXPECT_EQ(g.place.x, 0);
  EXPECT_EQ(g.place.y, 656);
  EXPECT_EQ(g.place.y % 2, 0);
}

TEST(RenderGeometry, FillCoversAndCropsCentredOrAtTheFocus) {
  auto g = plan_geometry(frame(1080, 1920, AspectMode::kFill), {1920, 1080, 0, 1, 1});
  EXPECT_EQ(g.scaled_height, 1920);
  EXPECT_EQ(g.scaled_width, 3414);
  EXPECT_EQ(g.crop.width, 1080);
  EXPECT_EQ(g.crop.height, 1920);
  EXPECT_EQ(g.crop.x, (3414 - 1080) / 2 / 2 * 2);
  // A subject at the left edge pulls the window to the edge, never past it.
  g = plan_geometry(frame(1080, 1920, AspectMode::kFill), {1920, 1080, 0, 1, 1}, {0.0, 0.5});
  EXPECT_EQ(g.crop.x, 0);
  g = plan_geometry(frame(1080, 1920, AspectMode::kFill), {1920, 1080, 0, 1, 1}, {1.0, 0.5});
  EXPECT_EQ(g.crop.x, 3414 - 1080);
  // 4:5 from 16:9.
  g = plan_geometry(frame(1080, 1350, AspectMode::kFill), {3840, 2160, 0, 1, 1});
  EXPECT_GE(g.scaled_width, 1080);
  EXPECT_EQ(g.scaled_height, 1350);
}

TEST(RenderGeometry, EveryDimensionIsEven) {
  for (int w : {1919, 1281, 853, 641}) {
    for (int h : {1079, 721, 479, 361}) {
      for (auto mode : {AspectMode::kFit, AspectMode::kFill, AspectMode::kBlurPad}) {
        auto g = plan_geometry(frame(1080, 1350, mode), {w, h, 0, 1, 1});
        EXPECT_EQ(g.scaled_width % 2, 0);
        EXPECT_EQ(g.scaled_height % 2, 0);
        EXPECT_EQ(g.crop.x % 2, 0);
        EXPECT_EQ(g.place.y % 2, 0);
        EXPECT_LE(g.crop.x + g.crop.width, std::max(g.scaled_width, g.crop.width));
      }
      auto k = plan_geometry(box(1280, 720), {w, h, 0, 1, 1});
      EXPECT_EQ(k.out_width % 2, 0);
      EXPECT_EQ(k.out_height % 2, 0);
      // The box turns with the picture: 1280x720 landscape, 720x1280 portrait.
      EXPECT_LE(k.out_width, h > w ? 720 : 1280);
      EXPECT_LE(k.out_height, h > w ? 1280 : 720);
    }
  }
}

TEST(RenderGeometry, FrameRates) {
  VideoSpec s;
  EXPECT_EQ(plan_frame_rate(s, 29.97, false), (Rate{30000, 1001}));
  EXPECT_EQ(plan_frame_rate(s, 25.0, false), (Rate{25, 1}));
  // A phone's variable rate averaging 29.4 becomes 30000/1001.
  EXPECT_EQ(plan_frame_rate(s, 29.4, true), (Rate{30000, 1001}));
  s.max_fps = 60;
  EXPECT_EQ(plan_frame_rate(s, 120.0, false), (Rate{60, 1}));
  EXPECT_EQ(plan_frame_rate(s, 240.0, false), (Rate{60, 1}));
  s.min_fps = 23;
  EXPECT_EQ(plan_frame_rate(s, 15.0, false), (Rate{24000, 1001}));
  s.fps = 30;
  EXPECT_EQ(plan_frame_rate(s, 59.94, false), (Rate{30, 1}));
}

TEST(RenderGeometry, BitrateLadderByShortSideAndRate) {
  VideoSpec s;
  s.bitrates = {{720, 5000, 7500}, {1080, 8000, 12000}, {2160, 40000, 60000}};
  EXPECT_EQ(plan_bitrate_kbps(s, 1920, 1080, 30), 8000);
  EXPECT_EQ(plan_bitrate_kbps(s, 1920, 1080, 60), 12000);
  EXPECT_EQ(plan_bitrate_kbps(s, 1080, 1920, 30), 8000);  // vertical 1080p
  EXPECT_EQ(plan_bitrate_kbps(s, 1280, 720, 25), 5000);
  EXPECT_EQ(plan_bitrate_kbps(s, 7680, 4320, 30), 40000);
  s.bitrate_kbps = 2500;
  EXPECT_EQ(plan_bitrate_kbps(s, 1920, 1080, 60), 2500);
}

TEST(RenderGeometry, GopIsRateTimesSeconds) {
  VideoSpec s;
  s.gop_seconds = 0.5;
  EXPECT_EQ(plan_gop_frames(s, {30, 1}), 15);
  EXPECT_EQ(plan_gop_frames(s, {60000, 1001}), 30);
  s.gop_seconds = 2;
  EXPECT_EQ(plan_gop_frames(s, {25, 1}), 50);
}

}  // namespace
}  // namespace saluran
