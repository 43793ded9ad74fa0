#pragma once
// EXIF (libexif) to Saluran's Metadata: orientation, capture time with zone, device, GPS.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "pipeline/model/metadata.hpp"

namespace saluran {

/// What an EXIF block says, with whatever could be read of a damaged one.
struct ExifFacts {
  bool found = false;   ///< an EXIF block was present and parsed
  int orientation = 1;  ///< 1..8; 1 when absent or invalid
  Metadata meta;        ///< device_class is filled from make/model
  std::vector<std::string> warnings;
};

/// Parses an EXIF block. `block` starts with "Exif\0\0" (JPEG APP1, WebP, PNG after we add it)
/// or directly with a TIFF header ("II*\0" / "MM\0*"). MakerNotes are not interpreted.
ExifFacts read_exif(std::span<const std::uint8_t> block);

/// True when the fields form a plausible date and time (year 0001-9999, month 1-12, day 1-31,
/// hour 0-23, minute 0-59, second 0-60), each given as digits.
bool valid_date_time(std::string_view year, std::string_view month, std::string_view day,
                     std::string_view hour, std::string_view minute, std::string_view second);

/// A zone offset "+07:00" if `offset` is one (hours 0-14, minutes 0-59), else empty.
std::string zone_offset(std::string_view offset);

/// "2024:05:01 09:30:12" plus an optional "+07:00" to ISO 8601 "2024-05-01T09:30:12+07:00";
/// empty when the text is not a valid EXIF date.
std::string exif_datetime_to_iso(std::string_view datetime, std::string_view offset);

}  // namespace saluran
