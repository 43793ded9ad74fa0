#include "codecs/sniff.hpp"

#include <cstring>
#include <string_view>

namespace saluran {
namespace {

bool starts_with(std::span<const std::uint8_t> head, std::size_t offset, std::string_view magic) {
  return head.size() >= offset + magic.size() &&
         std::memcmp(head.data() + offset, magic.data(), magic.size()) == 0;
}

std::string_view brand_at(std::span<const std::uint8_t> head, std::size_t offset) {
  return {reinterpret_cast<const char*>(head.data()) + offset, 4};
}

// ISO-BMFF 'ftyp': HEIF/AVIF stills carry image brands; video MP4/MOV carry others.
ImageFormat sniff_ftyp(std::span<const std::uint8_t> head) {
  if (!starts_with(head, 4, "ftyp") || head.size() < 16) return ImageFormat::kNone;
  std::uint32_t box = (std::uint32_t{head[0]} << 24) | (std::uint32_t{head[1]} << 16) |
                      (std::uint32_t{head[2]} << 8) | std::uint32_t{head[3]};
  if (box < 16) return ImageFormat::kNone;
  const std::size_t end = std::min<std::size_t>(box, head.size());
  bool image = false;
  bool avif = false;
  bool hevc = false;
  auto consider = [&](std::string_view b) {
    if (b == "avif" || b == "avis") avif = image = true;
    if (b == "heic" || b == "heix" || b == "heim" || b == "heis" || b == "hevc" || b == "hevx")
      hevc = image = true;
    if (b == "mif1" || b == "msf1") image = true;
  };
  consider(brand_at(head, 8));
  for (std::size_t at = 16; at + 4 <= end; at += 4) consider(brand_at(head, at));
  if (!image) return ImageFormat::kNone;
  // The major brand decides between AVIF and HEIF when both sets are listed.
  const std::string_view major = brand_at(head, 8);
  if (major == "avif" || major == "avis") return ImageFormat::kAvif;
  // "mif1" is the generic image brand: with "avif" listed and no HEVC brand, it is AV1.
  if (avif && !hevc) return ImageFormat::kAvif;
  return ImageFormat::kHeif;
}

}  // namespace

ImageFormat sniff_image(std::span<const std::uint8_t> head) {
  if (starts_with(head, 0, "\xFF\xD8\xFF")) return ImageFormat::kJpeg;
  if (starts_with(head, 0, "\x89PNG\r\n\x1A\n")) return ImageFormat::kPng;
  if (starts_with(head, 0, "RIFF") && starts_with(head, 8, "WEBP")) return ImageFormat::kWebp;
  return sniff_ftyp(head);
}

const char* image_format_name(ImageFormat f) {
  switch (f) {
    case ImageFormat::kJpeg:
      return "jpeg";
    case ImageFormat::kPng:
      return "png";
    case ImageFormat::kWebp:
      return "webp";
    case ImageFormat::kHeif:
      return "heif";
    case ImageFormat::kAvif:
      return "avif";
    case ImageFormat::kNone:
      break;
  }
  return "none";
}

}  // namespace saluran
