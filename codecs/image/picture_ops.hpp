#pragma once
// Pixel operations on a decoded Picture: resampling, cropping and turning it upright.
//
//   Picture small = resize_picture(photo.picture, 1080, 720);       // INTER_AREA (shrinking)
//   Picture face = crop_picture(small, Rect{100, 50, 400, 400});    // clamped to the picture
//   Picture upright = orient_picture(std::move(stored), 6);         // EXIF 6: 90 degrees CW

#include "pipeline/model/geometry.hpp"
#include "pipeline/model/picture.hpp"

namespace saluran {

/// Resamples `in` to width x height (each at least 1). Shrinking uses area averaging
/// (cv::INTER_AREA, no aliasing); enlarging either side uses bicubic (cv::INTER_CUBIC).
/// The same size returns a copy. An empty input or size gives an empty Picture.
Picture resize_picture(const Picture& in, int width, int height);

/// The pixels inside `window` (clamped to the picture) resized to width x height in one pass,
/// without copying the window first; the same resampling as resize_picture.
Picture resize_region(const Picture& in, Rect window, int width, int height);

/// The pixels inside `window`, clamped to the picture; empty when nothing is left.
Picture crop_picture(const Picture& in, Rect window);

/// Applies EXIF orientation 1..8 (the stored picture becomes upright): mirrors and quarter turns
/// as EXIF defines them (orientation_transform() in pipeline/ops/render_geometry.hpp describes the
/// same). Values outside 1..8 leave the picture as it is.
Picture orient_picture(Picture in, int orientation);

}  // namespace saluran
