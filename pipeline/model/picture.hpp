#pragma once
// A decoded still picture in memory: the one pixel type passed between codecs/ and pipeline/.
//
//   Picture p{640, 360, std::vector<std::uint8_t>(640 * 360 * 3)};
//   std::uint8_t* red_of_pixel_10_20 = p.pixel(10, 20);

#include <cstddef>
#include <cstdint>
#include <vector>

namespace saluran {

/// 8-bit RGB, interleaved, rows packed (stride = width * 3), upright, in sRGB.
struct Picture {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> rgb;  ///< width * height * 3 bytes

  bool empty() const { return width <= 0 || height <= 0; }
  std::size_t stride() const { return static_cast<std::size_t>(width) * 3; }
  std::uint8_t* pixel(int x, int y) { return rgb.data() + y * stride() + x * 3; }
  const std::uint8_t* pixel(int x, int y) const { return rgb.data() + y * stride() + x * 3; }
};

}  // namespace saluran
