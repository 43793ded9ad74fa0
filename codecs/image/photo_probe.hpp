#pragma once
// Facts of a still photo (JPEG, PNG, WebP, HEIC/HEIF, AVIF) read from its headers and EXIF.

#include <cstdint>
#include <span>
#include <string>

#include "codecs/input_limits.hpp"
#include "codecs/sniff.hpp"
#include "pipeline/model/error.hpp"
#include "pipeline/model/media_info.hpp"

namespace saluran {

/// Probes a photo already read into memory. Dimensions are checked against `limits` from the
/// header before anything is decoded. A JPEG's compressed data is also checked end to end at
/// 1/8 scale (cheap), so a truncated or damaged JPEG is reported here rather than at render.
/// `path` names the file in errors; `format` comes from sniff_image.
Result<MediaInfo> probe_photo(std::span<const std::uint8_t> data, ImageFormat format,
                              const std::string& path, const InputLimits& limits);

/// Rotation (clockwise degrees) and mirroring for an EXIF orientation value 1..8.
struct OrientationTransform {
  int rotation = 0;
  bool mirrored = false;
};
/// The transform that makes a picture stored with `orientation` upright.
OrientationTransform orientation_transform(int orientation);

}  // namespace saluran
