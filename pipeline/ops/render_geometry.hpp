#pragma once
// Pure planning of a video rendition's frame: size, scale, crop or pad, frame rate and
// bitrate, from the preset and the source's facts. No files, no libav: tested densely.
//
//   FrameGeometry g = plan_geometry(spec, {1920, 1080, 90, 1, 1});   // a phone held upright
//   // spec 1080x1920 fill: scale 1080x1920, no crop; spec keep 1280x720: 406x720 ...

#include <optional>

#include "pipeline/model/focus_point.hpp"
#include "pipeline/model/geometry.hpp"
#include "pipeline/model/preset.hpp"

namespace saluran {

/// The source picture as decoded, before turning it upright.
struct SourcePicture {
  int width = 0;     ///< stored width
  int height = 0;    ///< stored height
  int rotation = 0;  ///< clockwise degrees to turn it upright: 0, 90, 180, 270
  int sar_num = 1;   ///< sample (pixel) aspect ratio
  int sar_den = 1;
};

/// How one upright, square-pixel picture becomes the output frame.
struct FrameGeometry {
  int out_width = 0;  ///< the encoded frame
  int out_height = 0;
  int scaled_width = 0;  ///< the upright picture after scaling (square pixels)
  int scaled_height = 0;
  Rect crop;   ///< fill: the window of the scaled picture kept (else the whole picture)
  Rect place;  ///< fit and blur-pad: where the scaled picture sits in the frame
  AspectMode mode = AspectMode::kKeep;
};

/// The upright display size of a source: rotation applied, non-square pixels made square
/// (the width is stretched or shrunk by the pixel aspect). Even numbers, at least 2.
void upright_display_size(const SourcePicture& src, int& width, int& height);

/// Plans the frame for `spec`. Never upscales in kKeep; fit, fill and blur-pad always give
/// exactly spec.width x spec.height. Dimensions are even (4:2:0). `focus` places a fill crop.
FrameGeometry plan_geometry(const VideoSpec& spec, const SourcePicture& src, FocusPoint focus = {});

/// The constant output rate: the preset's rate, else the source's rate brought within
/// min_fps..max_fps (halving a high rate, raising a low one to min_fps), snapped to the
/// nearest common rate (23.976 .. 60) when the source is variable or uneven.
Rate plan_frame_rate(const VideoSpec& spec, std::optional<double> source_fps, bool variable_rate);

/// The average video bitrate in kbps: the preset's own, else its ladder's step for the
/// output's short side (1080x1920 is "1080p") and rate (above the top step: the top step).
int plan_bitrate_kbps(const VideoSpec& spec, int out_width, int out_height, double fps);

/// Frames between keyframes: the rate times gop_seconds, at least 1.
int plan_gop_frames(const VideoSpec& spec, Rate rate);

}  // namespace saluran
