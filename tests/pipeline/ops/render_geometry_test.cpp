#include "pipeline/ops/render_geometry.hpp"

#include <gtest/gtest.h>

namespace saluran {
namespace {

VideoSpec frame(int w, int h, AspectMode mode, Enlarge enlarge = Enlarge::kToFrame) {
  VideoSpec s;
  s.width = w;
  s.height = h;
  s.aspect = mode;
  s.enlarge = enlarge;
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
  EXPECT_EQ(preset_bitrate_kbps(s, 1920, 1080, 30), 8000);
  EXPECT_EQ(preset_bitrate_kbps(s, 1920, 1080, 60), 12000);
  EXPECT_EQ(preset_bitrate_kbps(s, 1080, 1920, 30), 8000);  // vertical 1080p
  EXPECT_EQ(preset_bitrate_kbps(s, 1280, 720, 25), 5000);
  EXPECT_EQ(preset_bitrate_kbps(s, 7680, 4320, 30), 40000);
  s.bitrate_kbps = 2500;
  EXPECT_EQ(preset_bitrate_kbps(s, 1920, 1080, 60), 2500);
}

TEST(RenderGeometry, NeverEnlargeKeepsTheSourceScaleInTheFramesShape) {
  // 640x360 into a 4:5 fill frame: the 4:5 window of the source at its own scale.
  auto g =
      plan_geometry(frame(1080, 1350, AspectMode::kFill, Enlarge::kNever), {640, 360, 0, 1, 1});
  EXPECT_EQ(g.out_width, 288);
  EXPECT_EQ(g.out_height, 360);
  EXPECT_EQ(g.scaled_width, 640);
  EXPECT_EQ(g.scaled_height, 360);
  EXPECT_EQ(g.crop.width, 288);
  EXPECT_FALSE(enlarged_from(g, {640, 360, 0, 1, 1}));
  // Blur-pad into 9:16: the whole picture at its own size, the frame around it shrunk.
  g = plan_geometry(frame(1080, 1920, AspectMode::kBlurPad, Enlarge::kNever), {640, 360, 0, 1, 1});
  EXPECT_EQ(g.out_width, 640);
  EXPECT_EQ(g.out_height, 1138);
  EXPECT_EQ(g.scaled_width, 640);
  EXPECT_EQ(g.scaled_height, 360);
  // A source large enough gets the whole frame either way.
  g = plan_geometry(frame(1080, 1350, AspectMode::kFill, Enlarge::kNever), {3840, 2160, 0, 1, 1});
  EXPECT_EQ(g.out_width, 1080);
  EXPECT_EQ(g.out_height, 1350);
  // to-frame enlarges, and says from what.
  const SourcePicture small{640, 360, 0, 1, 1};
  g = plan_geometry(frame(1080, 1350, AspectMode::kFill, Enlarge::kToFrame), small);
  EXPECT_EQ(g.out_width, 1080);
  EXPECT_EQ(g.out_height, 1350);
  EXPECT_EQ(enlarged_from(g, small), std::make_pair(640, 360));
}

TEST(RenderGeometry, PicturesGetTheVideoFrameForFitAndBlurPad) {
  ImageSpec m;
  m.width = 1080;
  m.height = 1920;
  m.aspect = AspectMode::kFit;
  // A small photo keeps its scale (enlarge never): the frame's shape around it, centred.
  FrameGeometry g = plan_picture_geometry(m, 640, 360);
  EXPECT_EQ(g.mode, AspectMode::kFit);
  EXPECT_EQ(std::make_pair(g.out_width, g.out_height), std::make_pair(640, 1138));
  EXPECT_EQ(g.place, (Rect{0, 388, 640, 360}));
  // The same as a video of that size would get.
  const FrameGeometry v =
      plan_geometry(frame(1080, 1920, AspectMode::kFit, Enlarge::kNever), {640, 360, 0, 1, 1});
  EXPECT_EQ(g.place, v.place);
  m.enlarge = Enlarge::kToFrame;
  m.aspect = AspectMode::kBlurPad;
  g = plan_picture_geometry(m, 640, 360);
  EXPECT_EQ(std::make_pair(g.out_width, g.out_height), std::make_pair(1080, 1920));
  EXPECT_EQ(g.place, (Rect{0, 656, 1080, 608}));
}

TEST(RenderGeometry, KeepEnlargesToTheBoxOnlyWhenToFrame) {
  VideoSpec s = box(1280, 720);
  auto g = plan_geometry(s, {640, 360, 0, 1, 1});
  EXPECT_EQ(g.out_width, 640);
  EXPECT_EQ(g.out_height, 360);
  EXPECT_FALSE(enlarged_from(g, {640, 360, 0, 1, 1}));
  s.enlarge = Enlarge::kToFrame;
  g = plan_geometry(s, {640, 360, 90, 1, 1});  // upright 360x640: the box turns
  EXPECT_EQ(g.out_width, 720);
  EXPECT_EQ(g.out_height, 1280);
  EXPECT_EQ(enlarged_from(g, {640, 360, 90, 1, 1}), std::make_pair(360, 640));
}

TEST(RenderGeometry, NeverEnlargeNeverScalesUpAndKeepsTheShape) {
  for (int w : {1919, 1281, 853, 641, 451, 320, 200}) {
    for (int h : {1079, 721, 479, 361, 299, 120}) {
      for (auto mode : {AspectMode::kFit, AspectMode::kFill, AspectMode::kBlurPad}) {
        const SourcePicture src{w, h, 0, 1, 1};
        const auto g = plan_geometry(frame(1080, 1350, mode, Enlarge::kNever), src);
        int uw = 0, uh = 0;
        upright_display_size(src, uw, uh);
        EXPECT_LE(g.scaled_width, uw) << w << "x" << h;
        EXPECT_LE(g.scaled_height, uh) << w << "x" << h;
        EXPECT_FALSE(enlarged_from(g, src));
        EXPECT_TRUE(frame_shaped(1080, 1350, g.out_width, g.out_height, 2))
            << g.out_width << "x" << g.out_height;
        EXPECT_EQ(g.out_width % 2, 0);
        EXPECT_EQ(g.out_height % 2, 0);
        EXPECT_LE(g.crop.x + g.crop.width, g.scaled_width);
        EXPECT_LE(g.place.x + g.place.width, g.out_width);
        EXPECT_LE(g.place.y + g.place.height, g.out_height);
      }
    }
  }
}

TEST(RenderGeometry, FrameScaleAndShape) {
  EXPECT_DOUBLE_EQ(frame_scale(1080, 1350, 3840, 2160, AspectMode::kFill, Enlarge::kNever), 1.0);
  EXPECT_DOUBLE_EQ(frame_scale(1080, 1350, 640, 360, AspectMode::kFill, Enlarge::kToFrame), 1.0);
  EXPECT_NEAR(frame_scale(1080, 1350, 640, 360, AspectMode::kFill, Enlarge::kNever), 360.0 / 1350,
              1e-9);
  EXPECT_NEAR(frame_scale(1080, 1920, 640, 360, AspectMode::kBlurPad, Enlarge::kNever),
              640.0 / 1080, 1e-9);
  EXPECT_TRUE(frame_shaped(1080, 1350, 288, 360, 2));
  EXPECT_TRUE(frame_shaped(1080, 1350, 1080, 1350, 0));
  EXPECT_FALSE(frame_shaped(1080, 1350, 360, 360, 2));    // square, not 4:5
  EXPECT_FALSE(frame_shaped(1080, 1350, 1280, 1600, 2));  // 4:5 but larger
}

// x-video: 5 Mbps for its 1280x720 box at up to 30 fps.
VideoSpec x_video() {
  VideoSpec s = box(1280, 720);
  s.bitrate_kbps = 5000;
  return s;
}

BitrateFacts facts(int ow, int oh, double fps, int sw, int sh, std::optional<int> src_kbps) {
  BitrateFacts f;
  f.out_width = ow;
  f.out_height = oh;
  f.fps = fps;
  f.source_width = sw;
  f.source_height = sh;
  f.source_kbps = src_kbps;
  return f;
}

TEST(RenderGeometry, BitrateScalesToThePixelRate) {
  const VideoSpec s = x_video();
  EXPECT_EQ(plan_bitrate_kbps(s, facts(1280, 720, 30, 1920, 1080, std::nullopt)), 5000);
  EXPECT_EQ(plan_bitrate_kbps(s, facts(720, 1280, 30, 1080, 1920, std::nullopt)), 5000);
  // A quarter of the pixels: a quarter of the bits (X's own table says 768 kbps for 640x360).
  EXPECT_EQ(plan_bitrate_kbps(s, facts(640, 360, 30, 640, 360, std::nullopt)), 1250);
  EXPECT_EQ(plan_bitrate_kbps(s, facts(640, 360, 25, 640, 360, std::nullopt)), 1042);
  // Never above the preset's rate, however high the frame rate.
  EXPECT_EQ(plan_bitrate_kbps(s, facts(1280, 720, 60, 1920, 1080, std::nullopt)), 5000);
  EXPECT_EQ(plan_bitrate_kbps(s, facts(640, 360, 60, 640, 360, std::nullopt)), 2500);
  // A fixed frame and rate: the Reel's 8 Mbps for 1080x1920 at 30 fps.
  VideoSpec reel = frame(1080, 1920, AspectMode::kFill);
  reel.bitrate_kbps = 8000;
  reel.fps = 30;
  EXPECT_EQ(plan_bitrate_kbps(reel, facts(1080, 1920, 30, 1920, 1080, std::nullopt)), 8000);
  EXPECT_EQ(plan_bitrate_kbps(reel, facts(288, 360, 30, 640, 360, std::nullopt)), 400);
  // Never below 100 kbps by scaling.
  EXPECT_EQ(plan_bitrate_kbps(reel, facts(64, 64, 30, 64, 64, std::nullopt)), 100);
}

TEST(RenderGeometry, BitrateCappedNearASmallerSourcesOwn) {
  const VideoSpec s = x_video();
  // The clip: 640x360 at 422 kbps gets 1.5x that, not 5 Mbps.
  EXPECT_EQ(plan_bitrate_kbps(s, facts(640, 360, 30, 640, 360, 422)), 633);
  // Unknown source rate: the pixel-rate rule alone.
  EXPECT_EQ(plan_bitrate_kbps(s, facts(640, 360, 30, 640, 360, std::nullopt)), 1250);
  EXPECT_EQ(plan_bitrate_kbps(s, facts(640, 360, 30, 640, 360, 0)), 1250);
  // A richer source than the output needs: no cap.
  EXPECT_EQ(plan_bitrate_kbps(s, facts(640, 360, 30, 640, 360, 20000)), 1250);
  // HEVC holds about 1.5x the picture per bit.
  BitrateFacts hevc = facts(640, 360, 30, 640, 360, 422);
  hevc.source_efficient = true;
  EXPECT_EQ(plan_bitrate_kbps(s, hevc), 950);
  // A source larger than the preset's frame is not capped by its own rate: it is scaled down.
  EXPECT_EQ(plan_bitrate_kbps(s, facts(1280, 720, 30, 1920, 1080, 2000)), 5000);
  // A ladder (YouTube) is capped too: its 360p step is 1000.
  VideoSpec yt = box(3840, 2160);
  yt.bitrates = {{360, 1000, 1500}, {720, 5000, 7500}, {2160, 40000, 60000}};
  EXPECT_EQ(plan_bitrate_kbps(yt, facts(640, 360, 30, 640, 360, std::nullopt)), 1000);
  EXPECT_EQ(plan_bitrate_kbps(yt, facts(640, 360, 30, 640, 360, 422)), 633);
  // A tiny source rate still gets 100 kbps.
  EXPECT_EQ(plan_bitrate_kbps(s, facts(640, 360, 30, 640, 360, 20)), 100);
  // An enlarged output (to-frame) gets no more than the source held, either.
  VideoSpec reel = frame(1080, 1920, AspectMode::kBlurPad);
  reel.bitrate_kbps = 8000;
  EXPECT_EQ(plan_bitrate_kbps(reel, facts(1080, 1920, 30, 640, 360, 422)), 633);
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
