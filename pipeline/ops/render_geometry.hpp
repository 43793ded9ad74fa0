#pragma once
// Pure planning of a video rendition's frame: size, scale, crop or pad, frame rate and
// bitrate, from the preset and the source's facts. No files, no libav: tested densely.
//
//   FrameGeometry g = plan_geometry(spec, {1920, 1080, 90, 1, 1});   // a phone held upright
//   // spec 1080x1920 fill: scale 1080x1920, no crop; spec keep 1280x720: 406x720 ...

#include <optional>
#include <utility>

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

/// The factor (at most 1) a fixed `frame_w` x `frame_h` frame is shrunk by so that an upright
/// `w` x `h` picture put in it by `mode` is not enlarged: 1 when the picture is large enough or
/// `enlarge` is kToFrame. fill covers the frame (a 640x360 picture in 1080x1350 gives 288x360 of
/// it); fit and blur-pad fit in it (640x360 in 1080x1920 gives a 640x1138 frame).
double frame_scale(int frame_w, int frame_h, int w, int h, AspectMode mode, Enlarge enlarge);

/// True when `w` x `h` is at most `frame_w` x `frame_h` and has the frame's shape within
/// `slack` pixels (the rounding of each side): what frame_scale makes of a smaller source.
bool frame_shaped(int frame_w, int frame_h, int w, int h, int slack);

/// Plans the frame for `spec`. kKeep scales within the box, up only with Enlarge::kToFrame;
/// fit, fill and blur-pad give spec.width x spec.height, or with Enlarge::kNever and a smaller
/// source the frame's shape at the source's own scale (frame_scale). Dimensions are even
/// (4:2:0). `focus` places a fill crop.
FrameGeometry plan_geometry(const VideoSpec& spec, const SourcePicture& src, FocusPoint focus = {});

/// A picture preset's frame for an upright `width` x `height` photo: plan_geometry's frame for
/// the preset's width, height, aspect and enlarge, so pictures and video share one geometry.
/// For fit and blur-pad, `place` is where the whole photo sits (centred); for fill, `crop` is
/// the centred window (picture crops are then chosen by smart crop). Not for keep, whose box
/// is the long and short side for pictures.
FrameGeometry plan_picture_geometry(const ImageSpec& spec, int width, int height);

/// The source's upright size when `g` enlarges its picture (the scaled picture is larger).
std::optional<std::pair<int, int>> enlarged_from(const FrameGeometry& g, const SourcePicture& src);

/// The constant output rate: the preset's rate, else the source's rate brought within
/// min_fps..max_fps (halving a high rate, raising a low one to min_fps), snapped to the
/// nearest common rate (23.976 .. 60) when the source is variable or uneven.
Rate plan_frame_rate(const VideoSpec& spec, std::optional<double> source_fps, bool variable_rate);

/// The preset's average video bitrate in kbps: its own, else its ladder's step for the output's
/// short side (1080x1920 is "1080p") and rate (above the top step: the top step).
int preset_bitrate_kbps(const VideoSpec& spec, int out_width, int out_height, double fps);

/// What a rendition's video bitrate is planned from besides the preset.
struct BitrateFacts {
  int out_width = 0;  ///< the encoded frame
  int out_height = 0;
  double fps = 0;                  ///< the output rate
  int source_width = 0;            ///< the upright source picture
  int source_height = 0;           ///< the upright source picture
  std::optional<int> source_kbps;  ///< the source's video bitrate, when known
  bool source_efficient = false;   ///< HEVC, VP9 or AV1: about 1.5x H.264's picture per bit
};

/// Up to this many times the source's own bitrate (H.264 source) when the source is smaller
/// than the preset's frame: x264 re-encoding decoded pictures needs some headroom to keep
/// what the source held, and more adds bytes but no picture.
inline constexpr double kSourceBitrateHeadroom = 1.5;

/// The average video bitrate in kbps, never above preset_bitrate_kbps: a single preset rate
/// is for the preset's frame (the fixed frame, else the keep box) at its rate (`fps`, else
/// 30), so it is scaled down to the output's pixel rate (width x height x fps); a ladder is
/// already by size. When the source is smaller than the preset's frame (or the preset has
/// none) it is capped at kSourceBitrateHeadroom x the source's bitrate (1.5 more for an
/// HEVC/VP9/AV1 source). Not below 100 kbps (a preset's smallest rate) by scaling or capping.
int plan_bitrate_kbps(const VideoSpec& spec, const BitrateFacts& facts);

/// Frames between keyframes: the rate times gop_seconds, at least 1.
int plan_gop_frames(const VideoSpec& spec, Rate rate);

}  // namespace saluran
