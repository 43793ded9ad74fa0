#pragma once
// Decoding a still photo (JPEG, PNG, WebP, HEIC/HEIF) to an upright sRGB Picture.
//
//   auto bytes = read_file_bytes(path, limits.max_file_bytes);
//   auto photo = decode_photo(*bytes, path, limits, /*min_long_edge=*/1080);
//   if (!photo) return photo.error();          // "IMG_1.JPG: damaged JPEG: ..." (names the file)
//   Picture& pixels = photo->picture;          // upright, sRGB; JPEG shrunk on load by 1/2..1/8
//   auto exif = build_output_exif(photo->exif, {}, w, h);   // codecs/meta/exif_writer.hpp

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "codecs/input_limits.hpp"
#include "pipeline/model/error.hpp"
#include "pipeline/model/picture.hpp"

namespace saluran {

/// A decoded photo and what was done to get it.
struct DecodedPhoto {
  Picture picture;       ///< upright (orientation applied), sRGB, 8-bit RGB
  int stored_width = 0;  ///< full size as stored, before shrink and rotation
  int stored_height = 0;
  int shrink = 1;  ///< JPEG DCT scale-down used on load: 1, 2, 4 or 8
  /// The EXIF orientation that was applied (JPEG, PNG, WebP). For HEIF, libheif turns the
  /// picture by the container's irot/imir boxes, which phones write in place of (and the Nokia
  /// 8.3 even against) the EXIF tag: there this is the tag as read, for information only.
  int orientation = 1;
  std::string colour;  ///< "sRGB" or what was converted, e.g. "Display P3 (ICC) -> sRGB"
  std::vector<std::uint8_t> exif;  ///< the source's raw EXIF block, empty if none
  bool gain_map = false;           ///< Ultra HDR / HDR gain map JPEG: the SDR base image was used
  bool truncated = false;          ///< the data ended early: the lower part is grey (see warnings)
  std::vector<std::string> warnings;
};

/// Decodes a JPEG, PNG, WebP or HEIC/HEIF photo already in memory. `min_long_edge` > 0 asks
/// for shrink-on-load: a JPEG is decoded with libjpeg's DCT scaling at the largest factor
/// (2, 4, 8) whose upright long edge is still >= min_long_edge; other formats decode at full
/// size. Dimensions are checked against `limits` before decoding (decompression bombs). An
/// embedded ICC profile (or a HEIF nclx with Display P3 primaries) is converted to sRGB with
/// lcms2. Alpha is composited over white. Errors name `path`; nothing here aborts or throws.
Result<DecodedPhoto> decode_photo(std::span<const std::uint8_t> data, const std::string& path,
                                  const InputLimits& limits, int min_long_edge = 0);

}  // namespace saluran
