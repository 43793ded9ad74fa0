#pragma once
// Recognising a file's format from its first bytes, never from its name.

#include <cstdint>
#include <span>

namespace saluran {

/// Still-image formats recognised by their signature.
enum class ImageFormat { kNone, kJpeg, kPng, kWebp, kHeif, kAvif };

/// How many leading bytes sniff_image wants to see.
inline constexpr std::size_t kSniffBytes = 64;

/// The still-image format whose signature starts `head`, or kNone (then try the AV demuxers).
ImageFormat sniff_image(std::span<const std::uint8_t> head);

/// Stable lower-case container name: "jpeg", "png", "webp", "heif", "avif".
const char* image_format_name(ImageFormat f);

}  // namespace saluran
