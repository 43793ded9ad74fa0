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
/// header before anything is decoded. A JPEG's markers are walked to its end-of-image marker;
/// one without it is decoded at 1/8 scale, so a truncated copy is reported here (an error)
/// while a complete file that lacks only the marker is read (with a warning).
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
