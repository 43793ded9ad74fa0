#pragma once
// Encoding a Picture to JPEG or WebP bytes, with an EXIF block embedded.
//
//   EncodeOptions options;                       // JPEG q85, progressive, 4:2:0
//   options.exif = build_output_exif(photo->exif, {}, pic.width, pic.height);
//   auto bytes = encode_picture(pic, options);   // then write atomically (temp name + rename)

#include <cstdint>
#include <string>
#include <vector>

#include "pipeline/model/error.hpp"
#include "pipeline/model/picture.hpp"

namespace saluran {

/// How encode_picture writes a picture.
struct EncodeOptions {
  std::string format = "jpeg";     ///< "jpeg" or "webp"
  int quality = 85;                ///< 1..100
  bool progressive = true;         ///< JPEG only
  std::vector<std::uint8_t> exif;  ///< block to embed (as made by build_output_exif), empty = none
};

/// Encodes to bytes in memory. JPEG via libjpeg-turbo (progressive with jpeg_simple_progression
/// or baseline with optimised Huffman tables, 4:2:0, the EXIF block as an APP1 segment right
/// after SOI, in place of the JFIF APP0); WebP via libwebp (lossy at `quality`, method 4) with
/// the EXIF block as an EXIF chunk through libwebpmux. The output is sRGB and carries no ICC
/// profile (sRGB is what viewers assume). Bad options or an empty picture give
/// kInvalidArgument; a library failure gives kExternal.
Result<std::vector<std::uint8_t>> encode_picture(const Picture& picture,
                                                 const EncodeOptions& options);

}  // namespace saluran
