#pragma once
// Colour measures of one sRGB pixel that both layers use: the face detector (codecs/) checks
// that a weak face hit looks like skin, the attention map (pipeline/ops/) weighs skin and
// saturation. Pure arithmetic, no state.
//
//   if (skin_tone(224, 172, 140) > 0) ...         // a light skin tone scores above 0
//   float vivid = colour_saturation(220, 20, 20);  // about 0.8 for a strong red

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace saluran {

namespace colour_detail {
// Skin tone as a direction in RGB space: smartcrop.js's [0.78, 0.57, 0.44], made unit length
// so a perfect match scores 1.
inline constexpr float kSkinR = 0.7348f;
inline constexpr float kSkinG = 0.5369f;
inline constexpr float kSkinB = 0.4145f;
inline constexpr float kSkinThreshold = 0.8f;  // 1 - distance; plain grey scores 0.77
inline constexpr float kSkinLumaMin = 0.2f;
inline constexpr float kSaturationThreshold = 0.4f;
inline constexpr float kSaturationLumaMin = 0.05f;
inline constexpr float kSaturationLumaMax = 0.9f;

/// Rec. 601 luma of colour components in 0..1.
inline float luma01(float r, float g, float b) { return 0.299f * r + 0.587f * g + 0.114f * b; }
}  // namespace colour_detail

/// Closeness of the colour to skin tone (smartcrop.js's test), 0..1: 0 for colours away from
/// skin and for dark pixels (luma under 0.2), where the hue cannot be judged.
inline float skin_tone(std::uint8_t r8, std::uint8_t g8, std::uint8_t b8) {
  using namespace colour_detail;
  const float r = r8 / 255.0f;
  const float g = g8 / 255.0f;
  const float b = b8 / 255.0f;
  const float length = std::sqrt(r * r + g * g + b * b);
  if (length <= 0 || luma01(r, g, b) < kSkinLumaMin) return 0.0f;
  const float dr = r / length - kSkinR;
  const float dg = g / length - kSkinG;
  const float db = b / length - kSkinB;
  const float closeness = 1.0f - std::sqrt(dr * dr + dg * dg + db * db);
  if (closeness <= kSkinThreshold) return 0.0f;
  return std::min(1.0f, (closeness - kSkinThreshold) / (1.0f - kSkinThreshold));
}

/// HSL saturation above 0.4, rescaled to 0..1, at moderate brightness (luma 0.05..0.9); 0
/// for greys, near-black and near-white.
inline float colour_saturation(std::uint8_t r8, std::uint8_t g8, std::uint8_t b8) {
  using namespace colour_detail;
  const float r = r8 / 255.0f;
  const float g = g8 / 255.0f;
  const float b = b8 / 255.0f;
  const float y = luma01(r, g, b);
  const float hi = std::max({r, g, b});
  const float lo = std::min({r, g, b});
  const float spread = hi - lo;
  const float lightness = (hi + lo) / 2;
  if (!(spread > 0 && y >= kSaturationLumaMin && y <= kSaturationLumaMax)) return 0.0f;
  const float s = lightness > 0.5f ? spread / (2.0f - hi - lo) : spread / (hi + lo);
  if (s <= kSaturationThreshold) return 0.0f;
  return std::min(1.0f, (s - kSaturationThreshold) / (1.0f - kSaturationThreshold));
}

}  // namespace saluran
