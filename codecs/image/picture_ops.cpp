#include "codecs/image/picture_ops.hpp"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <utility>

namespace saluran {
namespace {

// The Mat shares the Picture's buffer: no copy. OpenCV never writes through a Mat made from
// const data here (it is only ever a source), hence the const_cast.
cv::Mat view_of(const Picture& p) {
  return cv::Mat(p.height, p.width, CV_8UC3, const_cast<std::uint8_t*>(p.rgb.data()), p.stride());
}

cv::Mat view_of(Picture& p) {
  return cv::Mat(p.height, p.width, CV_8UC3, p.rgb.data(), p.stride());
}

Picture blank(int width, int height) {
  Picture p;
  p.width = width;
  p.height = height;
  p.rgb.resize(static_cast<std::size_t>(width) * height * 3);
  return p;
}

bool readable(const Picture& p) {
  return !p.empty() && p.rgb.size() >= p.stride() * static_cast<std::size_t>(p.height);
}

// The part of `place` inside a width x height frame.
cv::Rect inside_frame(Rect place, int width, int height) {
  const int x0 = std::clamp(place.x, 0, width);
  const int y0 = std::clamp(place.y, 0, height);
  const int x1 = std::clamp(place.x + std::max(place.width, 0), x0, width);
  const int y1 = std::clamp(place.y + std::max(place.height, 0), y0, height);
  return {x0, y0, x1 - x0, y1 - y0};
}

// The whole of `in` resized into `dst` (a window of a frame), as resize_picture resamples.
void resize_into(const Picture& in, cv::Mat dst) {
  const bool shrinking = dst.cols <= in.width && dst.rows <= in.height;
  cv::resize(view_of(in), dst, dst.size(), 0, 0, shrinking ? cv::INTER_AREA : cv::INTER_CUBIC);
}

// The blur-pad background is made at this fraction of the frame's size (as the video's
// filter does): blurring and darkening a sixteenth of the pixels, then enlarging, looks the
// same once the blur has taken the detail away.
constexpr int kBackgroundShrink = 4;
// Blur strength: the Gaussian's sigma as a fraction of the background's long side (about
// what the video's two box-blur passes of radius 12 give at a quarter of 1920).
constexpr double kBlurSigma = 1.0 / 48;
// The background is darkened so the picture in front of it stands out.
constexpr double kBackgroundGain = 0.7;

// The frame's background at a quarter of its size: the centre of `in` cut to the frame's
// shape (so it covers the frame), blurred and darkened.
cv::Mat blurred_background(const Picture& in, int width, int height) {
  const int bw = std::max(2, width / kBackgroundShrink);
  const int bh = std::max(2, height / kBackgroundShrink);
  const double aspect = static_cast<double>(bw) / bh;
  int ww = in.width;
  int wh = in.height;
  if (ww > wh * aspect)
    ww = std::clamp(static_cast<int>(std::lround(wh * aspect)), 1, in.width);
  else
    wh = std::clamp(static_cast<int>(std::lround(ww / aspect)), 1, in.height);
  const cv::Mat window = view_of(in)(cv::Rect((in.width - ww) / 2, (in.height - wh) / 2, ww, wh));
  cv::Mat small;
  const bool shrinking = bw <= ww && bh <= wh;
  cv::resize(window, small, cv::Size(bw, bh), 0, 0, shrinking ? cv::INTER_AREA : cv::INTER_LINEAR);
  cv::GaussianBlur(small, small, cv::Size(), std::max(1.0, std::max(bw, bh) * kBlurSigma));
  small.convertTo(small, -1, kBackgroundGain);
  return small;
}

}  // namespace

Picture resize_picture(const Picture& in, int width, int height) {
  if (in.empty() || width <= 0 || height <= 0 ||
      in.rgb.size() < in.stride() * static_cast<std::size_t>(in.height))
    return {};
  if (width == in.width && height == in.height) return in;
  Picture out = blank(width, height);
  cv::Mat dst = view_of(out);
  const bool shrinking = width <= in.width && height <= in.height;
  // INTER_AREA averages every source pixel under each output pixel (what a good thumbnailer
  // does); bicubic is sharper than bilinear when a side has to grow.
  cv::resize(view_of(in), dst, dst.size(), 0, 0, shrinking ? cv::INTER_AREA : cv::INTER_CUBIC);
  return out;
}

Picture resize_region(const Picture& in, Rect window, int width, int height) {
  if (in.empty() || width <= 0 || height <= 0 ||
      in.rgb.size() < in.stride() * static_cast<std::size_t>(in.height))
    return {};
  const int x0 = std::clamp(window.x, 0, in.width);
  const int y0 = std::clamp(window.y, 0, in.height);
  const int x1 = std::clamp(window.x + std::max(window.width, 0), x0, in.width);
  const int y1 = std::clamp(window.y + std::max(window.height, 0), y0, in.height);
  if (x1 <= x0 || y1 <= y0) return {};
  const cv::Mat src = view_of(in)(cv::Rect(x0, y0, x1 - x0, y1 - y0));
  Picture out = blank(width, height);
  cv::Mat dst = view_of(out);
  const bool shrinking = width <= x1 - x0 && height <= y1 - y0;
  cv::resize(src, dst, dst.size(), 0, 0, shrinking ? cv::INTER_AREA : cv::INTER_CUBIC);
  return out;
}

Picture fit_picture(const Picture& in, int width, int height, Rect place, Rgb background) {
  if (!readable(in) || width <= 0 || height <= 0) return {};
  const cv::Rect window = inside_frame(place, width, height);
  if (window.empty()) return {};
  Picture out = blank(width, height);
  cv::Mat dst = view_of(out);
  // The Picture is RGB, so the Scalar is in that order.
  dst.setTo(cv::Scalar(background[0], background[1], background[2]));
  resize_into(in, dst(window));
  return out;
}

Picture blur_pad_picture(const Picture& in, int width, int height, Rect place) {
  if (!readable(in) || width <= 0 || height <= 0) return {};
  const cv::Rect window = inside_frame(place, width, height);
  if (window.empty()) return {};
  Picture out = blank(width, height);
  cv::Mat dst = view_of(out);
  // A picture that covers the frame has no background to show.
  if (window.width < width || window.height < height)
    cv::resize(blurred_background(in, width, height), dst, dst.size(), 0, 0, cv::INTER_LINEAR);
  resize_into(in, dst(window));
  return out;
}

Picture crop_picture(const Picture& in, Rect window) {
  const int x0 = std::clamp(window.x, 0, std::max(in.width, 0));
  const int y0 = std::clamp(window.y, 0, std::max(in.height, 0));
  const int x1 = std::clamp(window.x + std::max(window.width, 0), x0, std::max(in.width, 0));
  const int y1 = std::clamp(window.y + std::max(window.height, 0), y0, std::max(in.height, 0));
  if (x1 <= x0 || y1 <= y0) return {};
  Picture out = blank(x1 - x0, y1 - y0);
  for (int y = y0; y < y1; ++y) std::memcpy(out.pixel(0, y - y0), in.pixel(x0, y), out.stride());
  return out;
}

Picture orient_picture(Picture in, int orientation) {
  if (in.empty() || orientation <= 1 || orientation > 8) return in;
  cv::Mat src = view_of(in);
  // Mirrors keep the size and work in place; the others turn the picture a quarter.
  switch (orientation) {
    case 2:
      cv::flip(src, src, 1);
      return in;
    case 3:
      cv::flip(src, src, -1);
      return in;
    case 4:
      cv::flip(src, src, 0);
      return in;
    default:
      break;
  }
  Picture out = blank(in.height, in.width);
  cv::Mat dst = view_of(out);
  switch (orientation) {
    case 5:  // mirrored and turned: the transpose
      cv::transpose(src, dst);
      break;
    case 6:
      cv::rotate(src, dst, cv::ROTATE_90_CLOCKWISE);
      break;
    case 7:  // the transverse: transpose, then turn half way
      cv::transpose(src, dst);
      cv::flip(dst, dst, -1);
      break;
    default:  // 8
      cv::rotate(src, dst, cv::ROTATE_90_COUNTERCLOCKWISE);
      break;
  }
  return out;
}

}  // namespace saluran
