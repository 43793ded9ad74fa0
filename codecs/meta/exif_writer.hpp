#pragma once
// The EXIF block written into an output photo: credit, caption and capture time survive;
// location only when asked; serial numbers, maker notes and thumbnails never.
//
//   auto photo = decode_photo(bytes, path, limits);
//   std::vector<std::uint8_t> exif =
//       build_output_exif(photo->exif, MetadataPolicy{.keep_gps = false}, 1080, 720);
//   EncodeOptions options{.format = "jpeg", .quality = 85, .exif = exif};

#include <cstdint>
#include <span>
#include <vector>

namespace saluran {

/// What an output may carry of the source's metadata beyond credit, caption and time.
struct MetadataPolicy {
  bool keep_gps = false;  ///< keep the GPS IFD (where the photo was taken); off by default
};

/// The EXIF block for an output made from a source whose EXIF block is `source_exif` (may be
/// empty; "Exif\0\0" + TIFF, or a bare TIFF header as HEIF and PNG carry it). Keeps Copyright,
/// Artist, ImageDescription, UserComment, XPTitle/XPComment/XPAuthor/XPKeywords/XPSubject,
/// DateTimeOriginal/DateTimeDigitized/DateTime with their OffsetTime* and SubSecTime* tags,
/// Make and Model; keeps the GPS IFD only when policy.keep_gps; drops everything else: the
/// MakerNote, every serial number and unique ID, the owner's name, the thumbnail. Writes
/// Orientation = 1 (the pixels are upright), ColorSpace = sRGB, ExifVersion 0231 and
/// PixelXDimension/PixelYDimension = width/height. Returns "Exif\0\0" + TIFF data ready for a
/// JPEG APP1 segment, or empty when the source is unreadable or nothing of it is kept.
std::vector<std::uint8_t> build_output_exif(std::span<const std::uint8_t> source_exif,
                                            const MetadataPolicy& policy, int width, int height);

}  // namespace saluran
