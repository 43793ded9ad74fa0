#include "pipeline/ops/render_geometry.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>

namespace saluran {
namespace {

// 4:2:0 needs even sizes and offsets.
int even(double v) { return std::max(2, static_cast<int>(std::lround(v / 2.0)) * 2); }
int even_floor(double v) { return std::max(0, static_cast<int>(std::floor(v / 2.0)) * 2); }

constexpr std::array<Rate, 9> kCommonRates = {{{24000, 1001},
                                               {24, 1},
                                               {25, 1},
                                               {30000, 1001},
                                               {30, 1},
                                               {48, 1},
                                               {50, 1},
                                               {60000, 1001},
                                               {60, 1}}};

Rate nearest_common(double fps) {
  Rate best = kCommonRates[0];
  for (const Rate& r : kCommonRates) {
    if (std::abs(r.value() - fps) < std::abs(best.value() - fps)) best = r;
  }
  return best;
}

// A rate written in a preset (29.97, 30, 23.976) as an exact fraction.
Rate rate_of(double fps) {
  for (const Rate& r : kCommonRates) {
    if (std::abs(r.value() - fps) < 0.005) return r;
  }
  if (std::abs(fps - std::round(fps)) < 1e-6) return {static_cast<int>(std::lround(fps)), 1};
  return {static_cast<int>(std::lround(fps * 1000)), 1000};
}

}  // namespace

void upright_display_size(const SourcePicture& src, int& width, int& height) {
  const double sar =
      src.sar_num > 0 && src.sar_den > 0 ? static_cast<double>(src.sar_num) / src.sar_den : 1.0;
  double w = src.width * sar;
  double h = src.height;
  if (src.rotation == 90 || src.rotation == 270) std::swap(w, h);
  width = even(w);
  height = even(h);
}

double frame_scale(int frame_w, int frame_h, int w, int h, AspectMode mode, Enlarge enlarge) {
  if (enlarge == Enlarge::kToFrame || frame_w <= 0 || frame_h <= 0 || w <= 0 || h <= 0) return 1.0;
  const double sx = static_cast<double>(frame_w) / w;
  const double sy = static_cast<double>(frame_h) / h;
  const double s = mode == AspectMode::kFill ? std::max(sx, sy) : std::min(sx, sy);
  return s > 1.0 ? 1.0 / s : 1.0;
}

bool frame_shaped(int frame_w, int frame_h, int w, int h, int slack) {
  if (w <= 0 || h <= 0 || w > frame_w || h > frame_h) return false;
  return std::abs(static_cast<double>(w) * frame_h / frame_w - h) <= slack ||
         std::abs(static_cast<double>(h) * frame_w / frame_h - w) <= slack;
}

FrameGeometry plan_geometry(const VideoSpec& spec, const SourcePicture& src, FocusPoint focus) {
  int w = 0;
  int h = 0;
  upright_display_size(src, w, h);
  FrameGeometry g;
  g.mode = spec.aspect;
  if (spec.aspect == AspectMode::kKeep) {
    // The box is given for landscape; a portrait picture gets it turned (720x1280, not 405x720).
    int box_w = spec.width > 0 ? spec.width : spec.max_width;
    int box_h = spec.height > 0 ? spec.height : spec.max_height;
    if (h > w) std::swap(box_w, box_h);
    const bool up = spec.enlarge == Enlarge::kToFrame && (box_w > 0 || box_h > 0);
    double s = up ? 1e9 : 1.0;
    if (box_w > 0) s = std::min(s, static_cast<double>(box_w) / w);
    if (box_h > 0) s = std::min(s, static_cast<double>(box_h) / h);
    g.out_width = g.scaled_width = box_w > 0 ? std::min(even(w * s), box_w) : even(w * s);
    g.out_height = g.scaled_height = box_h > 0 ? std::min(even(h * s), box_h) : even(h * s);
    g.crop = g.place = {0, 0, g.out_width, g.out_height};
    return g;
  }
  // A source too small for the frame keeps its scale: the frame shrinks instead (kNever).
  const double k = frame_scale(spec.width, spec.height, w, h, spec.aspect, spec.enlarge);
  const int fw = k < 1.0 ? std::min(spec.width, even(spec.width * k)) : spec.width;
  const int fh = k < 1.0 ? std::min(spec.height, even(spec.height * k)) : spec.height;
  g.out_width = fw;
  g.out_height = fh;
  const double fit = std::min(static_cast<double>(fw) / w, static_cast<double>(fh) / h);
  const double cover = std::max(static_cast<double>(fw) / w, static_cast<double>(fh) / h);
  if (spec.aspect == AspectMode::kFill) {
    g.scaled_width = std::max(fw, even(w * cover));
    g.scaled_height = std::max(fh, even(h * cover));
    const double cx = std::clamp(focus.x, 0.0, 1.0) * g.scaled_width - fw / 2.0;
    const double cy = std::clamp(focus.y, 0.0, 1.0) * g.scaled_height - fh / 2.0;
    g.crop = {std::clamp(even_floor(cx), 0, g.scaled_width - fw),
              std::clamp(even_floor(cy), 0, g.scaled_height - fh), fw, fh};
    g.place = {0, 0, fw, fh};
    return g;
  }
  // kFit and kBlurPad: the whole picture, centred; the rest black or blurred.
  g.scaled_width = std::min(fw, even(w * fit));
  g.scaled_height = std::min(fh, even(h * fit));
  g.crop = {0, 0, g.scaled_width, g.scaled_height};
  g.place = {even_floor((fw - g.scaled_width) / 2.0), even_floor((fh - g.scaled_height) / 2.0),
             g.scaled_width, g.scaled_height};
  return g;
}

FrameGeometry plan_picture_geometry(const ImageSpec& spec, int width, int height) {
  VideoSpec frame;
  frame.width = spec.width;
  frame.height = spec.height;
  frame.aspect = spec.aspect;
  frame.enlarge = spec.enlarge;
  return plan_geometry(frame, {width, height, 0, 1, 1});
}

std::optional<std::pair<int, int>> enlarged_from(const FrameGeometry& g, const SourcePicture& src) {
  int w = 0;
  int h = 0;
  upright_display_size(src, w, h);
  if (g.scaled_width > w || g.scaled_height > h) return std::make_pair(w, h);
  return std::nullopt;
}

Rate plan_frame_rate(const VideoSpec& spec, std::optional<double> source_fps, bool variable_rate) {
  if (spec.fps > 0) return rate_of(spec.fps);
  const double src = source_fps.value_or(30.0) > 0 ? source_fps.value_or(30.0) : 30.0;
  Rate r = rate_of(src);
  // A phone's variable rate averages to an uneven number (29.6); take the common rate it aims at.
  if (variable_rate || std::abs(nearest_common(src).value() - src) / src < 0.02)
    r = nearest_common(src);
  if (spec.max_fps > 0) {
    // 120 and 240 fps slow-motion halve cleanly to 60; halving keeps the motion even.
    while (r.value() > spec.max_fps + 0.01) r.den *= 2;
    const int g = std::gcd(r.num, r.den);
    r.num /= g;
    r.den /= g;
  }
  if (spec.min_fps > 0 && r.value() < spec.min_fps - 0.01) {
    r = kCommonRates.back();
    for (const Rate& c : kCommonRates) {
      if (c.value() >= spec.min_fps - 0.01) {
        r = c;
        break;
      }
    }
  }
  return r;
}

int preset_bitrate_kbps(const VideoSpec& spec, int out_width, int out_height, double fps) {
  if (spec.bitrate_kbps > 0) return spec.bitrate_kbps;
  if (spec.bitrates.empty()) return 0;
  const int lines = std::min(out_width, out_height);
  const bool high = fps > 30.5;
  for (const BitrateStep& step : spec.bitrates) {
    if (lines <= step.max_height)
      return high && step.kbps_high_fps > 0 ? step.kbps_high_fps : step.kbps;
  }
  const BitrateStep& top = spec.bitrates.back();
  return high && top.kbps_high_fps > 0 ? top.kbps_high_fps : top.kbps;
}

int plan_bitrate_kbps(const VideoSpec& spec, const BitrateFacts& f) {
  const int preset = preset_bitrate_kbps(spec, f.out_width, f.out_height, f.fps);
  if (preset <= 0) return preset;
  // The preset's frame: the fixed frame, else the keep box (its area is the same turned).
  const double frame_px = spec.width > 0 ? static_cast<double>(spec.width) * spec.height
                                         : static_cast<double>(spec.max_width) * spec.max_height;
  double kbps = preset;
  if (spec.bitrate_kbps > 0 && frame_px > 0) {
    const double frame_fps = spec.fps > 0 ? spec.fps : 30.0;
    const double out_fps = f.fps > 0 ? f.fps : frame_fps;
    const double out_rate = static_cast<double>(f.out_width) * f.out_height * out_fps;
    kbps *= std::min(1.0, out_rate / (frame_px * frame_fps));
  }
  const double source_px = static_cast<double>(f.source_width) * f.source_height;
  if (f.source_kbps && *f.source_kbps > 0 && (frame_px <= 0 || source_px < frame_px)) {
    kbps =
        std::min(kbps, *f.source_kbps * kSourceBitrateHeadroom * (f.source_efficient ? 1.5 : 1.0));
  }
  constexpr int kLowest = 100;
  return std::clamp(static_cast<int>(std::lround(kbps)), std::min(preset, kLowest), preset);
}

int plan_gop_frames(const VideoSpec& spec, Rate rate) {
  return std::max(1, static_cast<int>(std::lround(rate.value() * spec.gop_seconds)));
}

}  // namespace saluran
