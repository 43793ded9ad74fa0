#pragma once
// A coarse saliency grid over a picture, for choosing a crop window by content. Pure: no files,
// no OpenCV.
//
//   Picture small = shrink_for_attention(picture);      // about 256 px on the long edge
//   AttentionMap map = attention_map(small);             // about 64 cells on the long edge
//   CropRequest request{picture.width, picture.height, 4.0 / 5.0};
//   request.attention = &map;                            // its grid covers the whole picture

#include <cstddef>
#include <cstdint>
#include <vector>

#include "pipeline/model/picture.hpp"

namespace saluran {

/// A coarse saliency grid (smartcrop.js / libvips-attention style): edge strength (luma
/// Laplacian), skin tone and saturation, each weighted; values 0..1, row-major. Cell (x, y)
/// covers the same fraction of the picture as it does of the grid.
struct AttentionMap {
  int width = 0;
  int height = 0;
  std::vector<float> values;  ///< width * height values, 0..1

  /// The value of cell (x, y); 0 outside the grid.
  float at(int x, int y) const {
    if (x < 0 || y < 0 || x >= width || y >= height) return 0.0f;
    return values[static_cast<std::size_t>(y) * width + x];
  }
  bool empty() const { return width <= 0 || height <= 0; }
};

/// The three cues of one pixel, each 0..1 (exposed for tests and tuning).
struct AttentionCues {
  float edge = 0;        ///< |Laplacian of luma|, saturating at a strong edge
  float skin = 0;        ///< closeness of the colour to skin tone (smartcrop.js test)
  float saturation = 0;  ///< HSL saturation above 0.4, at moderate brightness
};

/// Skin and saturation cues of one colour (skin_tone and colour_saturation of
/// pipeline/model/colour.hpp; the edge cue needs neighbours and stays 0).
AttentionCues colour_cues(std::uint8_t r, std::uint8_t g, std::uint8_t b);

/// The map of `picture`, which is small: the caller downsizes it to about 256 px on the long
/// edge (shrink_for_attention). One cell per pixel of a tiny picture, else per few pixels so
/// the grid's long edge is at most 64 cells. An empty picture gives an empty map.
AttentionMap attention_map(const Picture& picture);

/// A box-filtered copy of `picture` whose long edge is at most `long_edge` (a copy of the
/// picture when it is already that small). Good enough for saliency, not for display.
Picture shrink_for_attention(const Picture& picture, int long_edge = 256);

}  // namespace saluran
