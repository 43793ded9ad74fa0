// fit and blur-pad of pictures: the frame planned as video plans it (plan_picture_geometry),
// the picture's own pixels in its place, black (or the preset's colour) or a blurred copy of
// itself around it.

#include "codecs/image/picture_ops.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>

#include "pipeline/ops/render_geometry.hpp"

namespace saluran {
namespace {

// A warm picture (red above green above blue everywhere) with fine detail: a gradient under a
// 4 px checkerboard, so a blurred copy of it is smooth and a sharp one is not.
Picture warm_picture(int width, int height) {
  Picture p{width, height, std::vector<std::uint8_t>(static_cast<std::size_t>(width) * height * 3)};
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const int check = ((x / 4 + y / 4) % 2) * 40;
      std::uint8_t* px = p.pixel(x, y);
      px[0] = static_cast<std::uint8_t>(170 + check + 40 * x / width);
      px[1] = static_cast<std::uint8_t>(90 + check / 2 + 40 * y / height);
      px[2] = static_cast<std::uint8_t>(30 + check / 4);
    }
  }
  return p;
}

ImageSpec frame_spec(int width, int height, AspectMode aspect,
                     Enlarge enlarge = Enlarge::kToFrame) {
  ImageSpec m;
  m.width = width;
  m.height = height;
  m.aspect = aspect;
  m.enlarge = enlarge;
  return m;
}

// Every pixel of the window (clamped) is `c`.
bool all_of_colour(const Picture& p, Rect r, Rgb c) {
  for (int y = r.y; y < r.y + r.height; ++y) {
    for (int x = r.x; x < r.x + r.width; ++x) {
      const std::uint8_t* px = p.pixel(x, y);
      if (px[0] != c[0] || px[1] != c[1] || px[2] != c[2]) return false;
    }
  }
  return true;
}

// The window `r` of `p` against the whole of `q` (its size): mean absolute difference.
double window_diff(const Picture& p, Rect r, const Picture& q) {
  if (q.width != r.width || q.height != r.height) return 255;
  double sum = 0;
  for (int y = 0; y < r.height; ++y) {
    for (int x = 0; x < r.width * 3; ++x)
      sum += std::abs(p.pixel(r.x, r.y + y)[x] - q.pixel(0, y)[x]);
  }
  return sum / (3.0 * r.width * r.height);
}

// Mean colour and mean step between horizontal neighbours (detail) of a window.
struct WindowStats {
  double mean[3] = {0, 0, 0};
  double detail = 0;
};

WindowStats stats_of(const Picture& p, Rect r) {
  WindowStats s;
  double n = 0;
  for (int y = r.y; y < r.y + r.height; ++y) {
    for (int x = r.x; x + 1 < r.x + r.width; ++x) {
      for (int c = 0; c < 3; ++c) {
        s.mean[c] += p.pixel(x, y)[c];
        s.detail += std::abs(p.pixel(x + 1, y)[c] - p.pixel(x, y)[c]);
      }
      ++n;
    }
  }
  for (double& m : s.mean) m /= n;
  s.detail /= 3 * n;
  return s;
}

TEST(PictureFit, ALandscapePictureIn1080x1920HasBlackBarsAndItsOwnPixelsInTheMiddle) {
  const Picture in = warm_picture(1600, 900);
  const FrameGeometry g =
      plan_picture_geometry(frame_spec(1080, 1920, AspectMode::kFit), in.width, in.height);
  ASSERT_EQ(g.out_width, 1080);
  ASSERT_EQ(g.out_height, 1920);
  // 900 * 1080 / 1600 = 607.5: the band is 608 lines, centred (656 above, 656 below).
  ASSERT_EQ(g.place, (Rect{0, 656, 1080, 608}));
  const Picture out = fit_picture(in, g.out_width, g.out_height, g.place, {0, 0, 0});
  ASSERT_EQ(out.width, 1080);
  ASSERT_EQ(out.height, 1920);
  EXPECT_TRUE(all_of_colour(out, {0, 0, 1080, 656}, {0, 0, 0}));
  EXPECT_TRUE(all_of_colour(out, {0, 1264, 1080, 656}, {0, 0, 0}));
  EXPECT_LT(window_diff(out, g.place, resize_picture(in, 1080, 608)), 0.01);
}

TEST(PictureFit, ThePresetsBackgroundColourFillsTheBars) {
  const Picture in = warm_picture(400, 300);
  const Picture out = fit_picture(in, 400, 400, {0, 50, 400, 300}, {255, 255, 255});
  EXPECT_TRUE(all_of_colour(out, {0, 0, 400, 50}, {255, 255, 255}));
  EXPECT_TRUE(all_of_colour(out, {0, 350, 400, 50}, {255, 255, 255}));
  EXPECT_LT(window_diff(out, {0, 50, 400, 300}, in), 0.01);
}

TEST(PictureFit, APortraitPictureInALandscapeFrameHasBarsLeftAndRight) {
  const Picture in = warm_picture(900, 1600);
  const FrameGeometry g =
      plan_picture_geometry(frame_spec(1920, 1080, AspectMode::kFit), in.width, in.height);
  ASSERT_EQ(g.place, (Rect{656, 0, 608, 1080}));
  const Picture out = fit_picture(in, g.out_width, g.out_height, g.place, {0, 0, 0});
  EXPECT_TRUE(all_of_colour(out, {0, 0, 656, 1080}, {0, 0, 0}));
  EXPECT_TRUE(all_of_colour(out, {1264, 0, 656, 1080}, {0, 0, 0}));
  EXPECT_LT(window_diff(out, g.place, resize_picture(in, 608, 1080)), 0.01);
}

TEST(PictureFit, OddSizesFitWithinTheFrame) {
  // An odd picture in an odd frame (pictures need no even sizes): the frame is kept exactly.
  const Picture in = warm_picture(1001, 667);
  const FrameGeometry g =
      plan_picture_geometry(frame_spec(1081, 1921, AspectMode::kFit), in.width, in.height);
  ASSERT_EQ(g.out_width, 1081);
  ASSERT_EQ(g.out_height, 1921);
  EXPECT_EQ(g.place.width, 1081);
  EXPECT_NEAR(g.place.height, 1081.0 * 667 / 1001, 2);
  EXPECT_LE(g.place.y + g.place.height, 1921);
  EXPECT_LE(std::abs(g.place.y - (1921 - g.place.y - g.place.height)), 2);  // centred
  const Picture out = fit_picture(in, g.out_width, g.out_height, g.place, {0, 0, 0});
  ASSERT_EQ(out.width, 1081);
  ASSERT_EQ(out.height, 1921);
  EXPECT_TRUE(all_of_colour(out, {0, 0, 1081, g.place.y}, {0, 0, 0}));
  EXPECT_LT(window_diff(out, g.place, resize_picture(in, g.place.width, g.place.height)), 0.01);
  // A place outside the frame, or an empty picture, gives nothing rather than a wrong frame.
  EXPECT_TRUE(fit_picture(in, 100, 100, {200, 0, 50, 50}, {0, 0, 0}).empty());
  EXPECT_TRUE(blur_pad_picture(Picture{}, 100, 100, {0, 0, 50, 50}).empty());
}

TEST(PictureBlurPad, TheBarsAreABlurredDarkerCopyOfThePictureNotBlack) {
  const Picture in = warm_picture(1600, 900);
  const FrameGeometry g =
      plan_picture_geometry(frame_spec(1080, 1920, AspectMode::kBlurPad), in.width, in.height);
  ASSERT_EQ(g.place, (Rect{0, 656, 1080, 608}));
  const Picture out = blur_pad_picture(in, g.out_width, g.out_height, g.place);
  ASSERT_EQ(out.width, 1080);
  ASSERT_EQ(out.height, 1920);
  EXPECT_LT(window_diff(out, g.place, resize_picture(in, 1080, 608)), 0.01);
  const WindowStats picture = stats_of(in, {0, 0, in.width, in.height});
  for (const Rect bar : {Rect{0, 0, 1080, 656}, Rect{0, 1264, 1080, 656}}) {
    const WindowStats s = stats_of(out, bar);
    // Not black, the picture's colour (red over green over blue), darker than the picture.
    EXPECT_GT(s.mean[0], 80);
    EXPECT_GT(s.mean[0], s.mean[1] + 30);
    EXPECT_GT(s.mean[1], s.mean[2] + 20);
    for (int c = 0; c < 3; ++c) {
      EXPECT_LT(s.mean[c], picture.mean[c]) << c;
      EXPECT_GT(s.mean[c], 0.5 * picture.mean[c]) << c;
    }
    // Blurred: the checkerboard's sharp steps are gone.
    EXPECT_LT(s.detail, picture.detail / 10);
  }
}

TEST(PictureBlurPad, APictureOfTheFramesShapeCoversItAndNeverEnlarges) {
  const Picture in = warm_picture(540, 960);
  const FrameGeometry g = plan_picture_geometry(
      frame_spec(1080, 1920, AspectMode::kBlurPad, Enlarge::kNever), in.width, in.height);
  // enlarge never: the frame's shape at the picture's own scale, the picture covering it.
  ASSERT_EQ(g.out_width, 540);
  ASSERT_EQ(g.out_height, 960);
  ASSERT_EQ(g.place, (Rect{0, 0, 540, 960}));
  const Picture out = blur_pad_picture(in, g.out_width, g.out_height, g.place);
  EXPECT_LT(window_diff(out, g.place, in), 0.01);
}

}  // namespace
}  // namespace saluran
