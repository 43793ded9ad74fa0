#include "pipeline/ops/attention_map.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "pipeline/model/colour.hpp"

namespace saluran {
namespace {

// A Laplacian this strong (a step of ~80 grey levels) counts as a full edge.
constexpr float kEdgeFull = 80.0f;
// How much each cue counts; they sum to 1 so the map stays within 0..1. Skin leads as in
// smartcrop.js (people are what a crop must keep); edges find the subject when there are none.
constexpr float kEdgeWeight = 0.40f;
constexpr float kSkinWeight = 0.45f;
constexpr float kSaturationWeight = 0.15f;
constexpr int kMaxGridEdge = 64;

float luma(const std::uint8_t* p) { return 0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2]; }

/// First index of part `i` when `n` items are split into `parts` nearly equal parts.
int split(int i, int n, int parts) {
  return static_cast<int>(static_cast<long long>(i) * n / parts);
}

}  // namespace

AttentionCues colour_cues(std::uint8_t r, std::uint8_t g, std::uint8_t b) {
  AttentionCues cues;
  cues.skin = skin_tone(r, g, b);
  cues.saturation = colour_saturation(r, g, b);
  return cues;
}

AttentionMap attention_map(const Picture& picture) {
  AttentionMap map;
  if (picture.empty() ||
      picture.rgb.size() < picture.stride() * static_cast<std::size_t>(picture.height)) {
    return map;
  }
  const int w = picture.width;
  const int h = picture.height;
  const int long_edge = std::max(w, h);
  const int cell = std::max(1, (long_edge + kMaxGridEdge - 1) / kMaxGridEdge);
  map.width = std::max(1, (w + cell - 1) / cell);
  map.height = std::max(1, (h + cell - 1) / cell);
  map.values.assign(static_cast<std::size_t>(map.width) * map.height, 0.0f);

  std::vector<float> y_plane(static_cast<std::size_t>(w) * h);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x)
      y_plane[static_cast<std::size_t>(y) * w + x] = luma(picture.pixel(x, y));
  }
  auto lum = [&](int x, int y) {
    // Edges of the picture repeat the border pixel, so the border itself is not an "edge".
    x = std::clamp(x, 0, w - 1);
    y = std::clamp(y, 0, h - 1);
    return y_plane[static_cast<std::size_t>(y) * w + x];
  };

  for (int gy = 0; gy < map.height; ++gy) {
    const int y0 = split(gy, h, map.height);
    const int y1 = split(gy + 1, h, map.height);
    for (int gx = 0; gx < map.width; ++gx) {
      const int x0 = split(gx, w, map.width);
      const int x1 = split(gx + 1, w, map.width);
      float edge_sum = 0, edge_max = 0, skin_sum = 0, skin_max = 0, sat_sum = 0;
      int count = 0;
      for (int y = y0; y < y1; ++y) {
        for (int x = x0; x < x1; ++x) {
          const float laplacian =
              4 * lum(x, y) - lum(x - 1, y) - lum(x + 1, y) - lum(x, y - 1) - lum(x, y + 1);
          const float edge = std::min(1.0f, std::abs(laplacian) / kEdgeFull);
          const std::uint8_t* p = picture.pixel(x, y);
          const AttentionCues cues = colour_cues(p[0], p[1], p[2]);
          edge_sum += edge;
          edge_max = std::max(edge_max, edge);
          skin_sum += cues.skin;
          skin_max = std::max(skin_max, cues.skin);
          sat_sum += cues.saturation;
          ++count;
        }
      }
      if (count == 0) continue;
      // smartcrop.js's downsampling: part mean, part max, so a thin strong edge still counts.
      const float edge = 0.7f * edge_sum / count + 0.3f * edge_max;
      const float skin = 0.5f * skin_sum / count + 0.5f * skin_max;
      const float saturation = sat_sum / count;
      map.values[static_cast<std::size_t>(gy) * map.width + gx] = std::clamp(
          kEdgeWeight * edge + kSkinWeight * skin + kSaturationWeight * saturation, 0.0f, 1.0f);
    }
  }
  return map;
}

Picture shrink_for_attention(const Picture& picture, int long_edge) {
  if (picture.empty() ||
      picture.rgb.size() < picture.stride() * static_cast<std::size_t>(picture.height)) {
    return {};
  }
  const int w = picture.width;
  const int h = picture.height;
  const int longest = std::max(w, h);
  if (long_edge <= 0 || longest <= long_edge) return picture;
  const double scale = static_cast<double>(long_edge) / longest;
  Picture out;
  out.width = std::max(1, static_cast<int>(std::lround(w * scale)));
  out.height = std::max(1, static_cast<int>(std::lround(h * scale)));
  out.rgb.assign(out.stride() * out.height, 0);

  // Each output pixel averages the input block that maps onto it; rows are summed into a
  // per-column accumulator so the big picture is read once, in order.
  std::vector<int> column_of(w);
  std::vector<int> column_count(out.width, 0);
  for (int x = 0; x < w; ++x) {
    column_of[x] =
        std::min(out.width - 1, static_cast<int>(static_cast<long long>(x) * out.width / w));
    ++column_count[column_of[x]];
  }
  std::vector<std::uint32_t> sums(static_cast<std::size_t>(out.width) * 3);
  for (int oy = 0; oy < out.height; ++oy) {
    const int y0 = split(oy, h, out.height);
    const int y1 = std::max(y0 + 1, split(oy + 1, h, out.height));
    std::fill(sums.begin(), sums.end(), 0u);
    for (int y = y0; y < y1 && y < h; ++y) {
      const std::uint8_t* row = picture.pixel(0, y);
      for (int x = 0; x < w; ++x) {
        std::uint32_t* s = &sums[static_cast<std::size_t>(column_of[x]) * 3];
        s[0] += row[x * 3];
        s[1] += row[x * 3 + 1];
        s[2] += row[x * 3 + 2];
      }
    }
    const int rows = std::min(y1, h) - y0;
    for (int ox = 0; ox < out.width; ++ox) {
      const std::uint32_t n = static_cast<std::uint32_t>(std::max(1, column_count[ox] * rows));
      std::uint8_t* o = out.pixel(ox, oy);
      for (int c = 0; c < 3; ++c) o[c] = static_cast<std::uint8_t>((sums[ox * 3 + c] + n / 2) / n);
    }
  }
  return out;
}

}  // namespace saluran
