#pragma once
// Pixel operations on a decoded Picture: resampling, cropping and turning it upright.
//
//   Picture small = resize_picture(photo.picture, 1080, 720);       // INTER_AREA (shrinking)
//   Picture face = crop_picture(small, Rect{100, 50, 400, 400});    // clamped to the picture
//   Picture upright = orient_picture(std::move(stored), 6);         // EXIF 6: 90 degrees CW
//   Picture story = blur_pad_picture(photo, 1080, 1920, Rect{0, 656, 1080, 608});

#include <array>
#include <cstdint>

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

/// An sRGB colour: red, green, blue.
using Rgb = std::array<std::uint8_t, 3>;

/// A `width` x `height` frame filled with `background`, with the whole of `in` resized into
/// `place` (clamped to the frame; the same resampling as resize_picture): `fit`'s bars.
Picture fit_picture(const Picture& in, int width, int height, Rect place, Rgb background);

/// A `width` x `height` frame holding the whole of `in` resized into `place`, over a blurred,
/// darkened enlargement of `in` that covers the frame (centred): `blur-pad`, what phones do
/// with a landscape photo in a 9:16 story. The background is scaled, blurred and darkened at a
/// quarter of the frame's size, then enlarged: a few ms for a 1080x1920 frame, whatever `in`.
Picture blur_pad_picture(const Picture& in, int width, int height, Rect place);

}  // namespace saluran
