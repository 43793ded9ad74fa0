#pragma once
// Safety limits for untrusted input, checked against a file's header before any large
// allocation (codecs/input_limits.hpp has the checks).

#include <cstdint>

namespace saluran {

/// Upper bounds for untrusted input. Defaults follow ../shared/reference/reliability.md §1.5:
/// 16384 px per side (above the 8K video and 100 MP camera range), 200 MP in all.
struct InputLimits {
  int max_dimension = 16384;                       ///< width or height, pixels
  std::int64_t max_pixels = 200'000'000;           ///< width * height
  double max_duration_s = 12 * 3600.0;             ///< a whole day of recording is not one clip
  int max_streams = 32;                            ///< cameras write 1-4; thousands means hostile
  std::uint64_t max_file_bytes = 256ull << 30;     ///< 256 GiB
  std::uint64_t max_metadata_bytes = 16ull << 20;  ///< EXIF/XMP block size
};

}  // namespace saluran
