#include "codecs/sniff.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace saluran {
namespace {

std::vector<std::uint8_t> bytes(std::string_view s) { return {s.begin(), s.end()}; }

using namespace std::string_view_literals;

// Literals carry embedded NULs only with the sv suffix: every test string below uses it.
ImageFormat sniff(std::string_view s) {
  const auto b = bytes(s);
  return sniff_image(b);
}

// An ISO-BMFF 'ftyp' box: size, "ftyp", major brand, minor version 0, compatible brands.
std::vector<std::uint8_t> ftyp(std::string_view major, std::vector<std::string_view> compat) {
  const std::uint32_t size = static_cast<std::uint32_t>(16 + 4 * compat.size());
  std::vector<std::uint8_t> out = {
      static_cast<std::uint8_t>(size >> 24), static_cast<std::uint8_t>(size >> 16),
      static_cast<std::uint8_t>(size >> 8), static_cast<std::uint8_t>(size)};
  for (char c : std::string_view("ftyp")) out.push_back(static_cast<std::uint8_t>(c));
  for (char c : major) out.push_back(static_cast<std::uint8_t>(c));
  out.insert(out.end(), {0, 0, 0, 0});
  for (auto b : compat)
    for (char c : b) out.push_back(static_cast<std::uint8_t>(c));
  return out;
}

// ------------------------------------------------------------------------ simple signatures

TEST(Sniff, Jpeg) {
  EXPECT_EQ(sniff("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00"sv), ImageFormat::kJpeg);
  EXPECT_EQ(sniff("\xFF\xD8\xFF\xE1\x12\x34"
                  "Exif\x00\x00"sv),
            ImageFormat::kJpeg);
  EXPECT_EQ(sniff("\xFF\xD8\xFF"sv), ImageFormat::kJpeg);  // the three-byte signature alone
}

TEST(Sniff, JpegNeedsAllThreeBytes) {
  EXPECT_EQ(sniff("\xFF\xD8"sv), ImageFormat::kNone);
  EXPECT_EQ(sniff("\xFF\xD8\x00\xE0"sv), ImageFormat::kNone);
  EXPECT_EQ(sniff("\xFF\xD9\xFF\xE0"sv), ImageFormat::kNone);
}

TEST(Sniff, Png) {
  EXPECT_EQ(sniff("\x89PNG\r\n\x1A\n\x00\x00\x00\x0DIHDR"sv), ImageFormat::kPng);
  EXPECT_EQ(sniff("\x89PNG\r\n\x1A\n"sv), ImageFormat::kPng);
}

TEST(Sniff, PngWithMangledLineEndingsIsNone) {
  // A PNG sent through a text-mode transfer has its CR LF turned into LF: not a PNG any more.
  EXPECT_EQ(sniff("\x89PNG\n\x1A\n\x00"sv), ImageFormat::kNone);
  EXPECT_EQ(sniff("\x89PNG\r\n\x1A"sv), ImageFormat::kNone);
  EXPECT_EQ(sniff("PNG\r\n\x1A\n"sv), ImageFormat::kNone);
}

TEST(Sniff, Webp) {
  EXPECT_EQ(sniff("RIFF\x24\x00\x00\x00WEBPVP8 "sv), ImageFormat::kWebp);
  EXPECT_EQ(sniff("RIFF\x24\x00\x00\x00WEBPVP8L"sv), ImageFormat::kWebp);
  EXPECT_EQ(sniff("RIFF\x24\x00\x00\x00WEBP"sv), ImageFormat::kWebp);
}

TEST(Sniff, OtherRiffIsNone) {
  EXPECT_EQ(sniff("RIFF\x24\x00\x00\x00WAVEfmt "sv), ImageFormat::kNone);
  EXPECT_EQ(sniff("RIFF\x24\x00\x00\x00"
                  "AVI LIST"sv),
            ImageFormat::kNone);
  EXPECT_EQ(sniff("RIFF\x24\x00\x00\x00WEB"sv), ImageFormat::kNone);  // cut before the brand
}

// ------------------------------------------------------------------------ ftyp boxes

TEST(Sniff, HeicMajorBrand) {
  EXPECT_EQ(sniff_image(ftyp("heic", {"mif1", "heic"})), ImageFormat::kHeif);
  EXPECT_EQ(sniff_image(ftyp("heic", {})), ImageFormat::kHeif);
  EXPECT_EQ(sniff_image(ftyp("heix", {"mif1"})), ImageFormat::kHeif);
  EXPECT_EQ(sniff_image(ftyp("heim", {})), ImageFormat::kHeif);
  EXPECT_EQ(sniff_image(ftyp("heis", {})), ImageFormat::kHeif);
  EXPECT_EQ(sniff_image(ftyp("msf1", {})), ImageFormat::kHeif);
}

TEST(Sniff, Mif1MajorWithHeicCompat) {
  // Nokia, Samsung and others write mif1 as the major brand.
  EXPECT_EQ(sniff_image(ftyp("mif1", {"mif1", "heic"})), ImageFormat::kHeif);
  EXPECT_EQ(sniff_image(ftyp("mif1", {"heic"})), ImageFormat::kHeif);
  EXPECT_EQ(sniff_image(ftyp("mif1", {})), ImageFormat::kHeif);
}

TEST(Sniff, AvifMajorBrand) {
  EXPECT_EQ(sniff_image(ftyp("avif", {"mif1", "miaf"})), ImageFormat::kAvif);
  EXPECT_EQ(sniff_image(ftyp("avif", {})), ImageFormat::kAvif);
  EXPECT_EQ(sniff_image(ftyp("avis", {"avif", "msf1"})), ImageFormat::kAvif);
  // The major brand decides even when HEIF brands are listed too.
  EXPECT_EQ(sniff_image(ftyp("avif", {"heic", "mif1"})), ImageFormat::kAvif);
}

TEST(Sniff, AvifInCompatListWithOtherMajor) {
  EXPECT_EQ(sniff_image(ftyp("miaf", {"avif", "mif1"})), ImageFormat::kAvif);
  EXPECT_EQ(sniff_image(ftyp("MA1B", {"avif", "mif1", "miaf"})), ImageFormat::kAvif);
  // HEVC major brand with an AVIF compatible brand: the major brand decides.
  EXPECT_EQ(sniff_image(ftyp("heic", {"avif"})), ImageFormat::kHeif);
  EXPECT_EQ(sniff_image(ftyp("heix", {"mif1", "avif"})), ImageFormat::kHeif);
}

// Known bug (reported): "mif1" major is treated like "heic", so this sniffs as kHeif and the
// probe names the codec "hevc". Enable when only HEVC brands outrank a listed "avif".
TEST(Sniff, Mif1MajorWithAvifCompatIsAvif) {
  // "mif1" is the generic HEIF image brand, not HEVC: with "avif" listed and no HEVC brand,
  // the picture is AV1 (several AVIF encoders write exactly this ftyp).
  EXPECT_EQ(sniff_image(ftyp("mif1", {"avif", "miaf"})), ImageFormat::kAvif);
  EXPECT_EQ(sniff_image(ftyp("mif1", {"mif1", "avif", "miaf", "MA1B"})), ImageFormat::kAvif);
}

TEST(Sniff, Mif1MajorWithBothHeicAndAvifIsHeif) {
  EXPECT_EQ(sniff_image(ftyp("mif1", {"heic", "avif"})), ImageFormat::kHeif);
}

TEST(Sniff, VideoFtypIsNone) {
  EXPECT_EQ(sniff_image(ftyp("isom", {"isom", "iso2", "avc1", "mp41"})), ImageFormat::kNone);
  EXPECT_EQ(sniff_image(ftyp("mp42", {"mp42", "mp41", "isom"})), ImageFormat::kNone);
  EXPECT_EQ(sniff_image(ftyp("qt  ", {"qt  "})), ImageFormat::kNone);
  EXPECT_EQ(sniff_image(ftyp("M4A ", {"M4A ", "mp42", "isom"})), ImageFormat::kNone);
  EXPECT_EQ(sniff_image(ftyp("3gp4", {"3gp4", "isom"})), ImageFormat::kNone);
  EXPECT_EQ(sniff_image(ftyp("dash", {"iso6", "mp41"})), ImageFormat::kNone);
}

TEST(Sniff, BrandsPastTheBoxEndAreNotRead) {
  // The box says 16 bytes; "heic" follows it, in the next box. Not an image.
  auto b = ftyp("isom", {});
  for (char c : std::string_view("heic")) b.push_back(static_cast<std::uint8_t>(c));
  EXPECT_EQ(sniff_image(b), ImageFormat::kNone);
}

TEST(Sniff, BoxLargerThanHeadReadsWhatIsThere) {
  auto b = ftyp("mp42", {"isom", "heic"});
  b[3] = 0xFF;  // box claims 255 bytes; only 24 are in the head
  EXPECT_EQ(sniff_image(b), ImageFormat::kHeif);
  b[0] = 0xFF;  // box claims ~4 GiB
  EXPECT_EQ(sniff_image(b), ImageFormat::kHeif);
}

TEST(Sniff, BoxSizeBelowSixteenIsNone) {
  for (std::uint8_t size : {0, 1, 8, 12, 15}) {
    auto b = ftyp("heic", {"mif1"});
    b[0] = b[1] = b[2] = 0;
    b[3] = size;
    EXPECT_EQ(sniff_image(b), ImageFormat::kNone) << "size " << int{size};
  }
}

TEST(Sniff, FtypNotAtOffsetFourIsNone) {
  auto b = ftyp("heic", {"mif1"});
  b.insert(b.begin(), 0);  // everything shifted by one byte
  EXPECT_EQ(sniff_image(b), ImageFormat::kNone);
}

// ------------------------------------------------------------------------ short and garbage

TEST(Sniff, TruncatedHeadsNeverMatchFtyp) {
  const auto full = ftyp("heic", {"mif1", "heic"});
  for (std::size_t n = 0; n < 16; ++n) {
    const std::span<const std::uint8_t> head(full.data(), n);
    EXPECT_EQ(sniff_image(head), ImageFormat::kNone) << n << " bytes";
  }
  EXPECT_EQ(sniff_image(std::span<const std::uint8_t>(full.data(), 16)), ImageFormat::kHeif);
}

TEST(Sniff, TruncatedHeadsOfEverySignature) {
  const std::vector<std::vector<std::uint8_t>> full = {
      bytes("\xFF\xD8\xFF\xE0\x00\x10JFIF"sv), bytes("\x89PNG\r\n\x1A\n\x00\x00\x00\x0DIHDR"sv),
      bytes("RIFF\x24\x00\x00\x00WEBPVP8 "sv), ftyp("avif", {"mif1"})};
  const std::vector<std::size_t> needed = {3, 8, 12, 16};
  for (std::size_t k = 0; k < full.size(); ++k) {
    for (std::size_t n = 0; n <= 15 && n <= full[k].size(); ++n) {
      const ImageFormat f = sniff_image(std::span<const std::uint8_t>(full[k].data(), n));
      if (n < needed[k]) {
        EXPECT_EQ(f, ImageFormat::kNone) << "signature " << k << ", " << n << " bytes";
      } else {
        EXPECT_NE(f, ImageFormat::kNone) << "signature " << k << ", " << n << " bytes";
      }
    }
  }
}

TEST(Sniff, EmptySpan) {
  EXPECT_EQ(sniff_image({}), ImageFormat::kNone);
  EXPECT_EQ(sniff_image(std::span<const std::uint8_t>(static_cast<const std::uint8_t*>(nullptr),
                                                      std::size_t{0})),
            ImageFormat::kNone);
}

TEST(Sniff, Garbage) {
  EXPECT_EQ(sniff("hello world, this is not an image at all"sv), ImageFormat::kNone);
  EXPECT_EQ(sniff("<?xml version=\"1.0\"?><svg></svg>"sv), ImageFormat::kNone);
  EXPECT_EQ(sniff("GIF89a\x01\x00\x01\x00"sv), ImageFormat::kNone);
  EXPECT_EQ(sniff("BM\x36\x00\x00\x00"sv), ImageFormat::kNone);
  EXPECT_EQ(sniff("II*\x00\x08\x00\x00\x00"sv), ImageFormat::kNone);  // TIFF is not read as a photo
  EXPECT_EQ(sniff("\x1A\x45\xDF\xA3"sv), ImageFormat::kNone);         // Matroska
  EXPECT_EQ(sniff(std::string_view("\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
                                   "\x00\x00\x00\x00\x00\x00\x00\x00",
                                   20)),
            ImageFormat::kNone);
}

// Random heads (the fuzz replays of photo_probe cover crashes): the answer follows the
// signature alone, whatever the other bytes are.
TEST(Sniff, RandomBytesWithoutASignatureAreNone) {
  std::mt19937 rng(1234);
  std::vector<std::uint8_t> b;
  for (int round = 0; round < 2000; ++round) {
    b.resize(rng() % (kSniffBytes + 8));
    for (auto& x : b) x = static_cast<std::uint8_t>(rng());
    // Break any signature the dice made: JPEG and PNG start with 0xFF / 0x89, WebP with "RIFF",
    // and HEIF/AVIF carry "ftyp" at offset 4.
    if (!b.empty() && (b[0] == 0xFF || b[0] == 0x89 || b[0] == 'R')) b[0] = 0;
    if (b.size() >= 5 && b[4] == 'f') b[4] = 0;
    EXPECT_EQ(sniff_image(b), ImageFormat::kNone) << "round " << round;
  }
}

TEST(Sniff, RandomBrandsAfterFtypAreNeverAnotherFormat) {
  std::mt19937 rng(1234);
  std::vector<std::uint8_t> b;
  int images = 0;
  for (int round = 0; round < 2000; ++round) {
    b.resize(8 + rng() % (kSniffBytes + 1));
    for (auto& x : b) x = static_cast<std::uint8_t>(rng());
    b[0] = 0, b[1] = 0, b[2] = 0;
    b[4] = 'f', b[5] = 't', b[6] = 'y', b[7] = 'p';
    // Every fourth round lists a HEIF brand somewhere among the random ones.
    const std::size_t at = 8 + 4 * (rng() % 8);
    if (round % 4 == 0 && at + 4 <= b.size()) std::copy_n("heic", 4, b.begin() + at);
    const bool box_ok =
        b[3] >= 16 && b.size() >= 16 && at + 4 <= std::min<std::size_t>(b[3], b.size());
    const ImageFormat f = sniff_image(b);
    SCOPED_TRACE("round " + std::to_string(round));
    EXPECT_TRUE(f == ImageFormat::kNone || f == ImageFormat::kHeif || f == ImageFormat::kAvif);
    if (b.size() < 16 || b[3] < 16) {
      EXPECT_EQ(f, ImageFormat::kNone);
    }
    if (round % 4 == 0 && box_ok && at != 12) {
      // "heic" as the major brand or a compatible one inside the box is HEIF (12 is the minor
      // version, not a brand).
      EXPECT_EQ(f, ImageFormat::kHeif);
      ++images;
    }
  }
  EXPECT_GT(images, 100);
}

TEST(Sniff, SignatureFollowedByRandomBytesIsFound) {
  std::mt19937 rng(1234);
  const std::vector<std::pair<std::vector<std::uint8_t>, ImageFormat>> heads = {
      {bytes("\xFF\xD8\xFF"sv), ImageFormat::kJpeg},
      {bytes("\x89PNG\r\n\x1A\n"sv), ImageFormat::kPng},
      {bytes("RIFF\x24\x00\x00\x00WEBP"sv), ImageFormat::kWebp}};
  for (int round = 0; round < 600; ++round) {
    const auto& [head, format] = heads[round % heads.size()];
    std::vector<std::uint8_t> b = head;
    b.resize(head.size() + rng() % kSniffBytes);
    for (std::size_t i = head.size(); i < b.size(); ++i) b[i] = static_cast<std::uint8_t>(rng());
    EXPECT_EQ(sniff_image(b), format) << "round " << round;
  }
}

// ------------------------------------------------------------------------ names

TEST(Sniff, FormatNames) {
  EXPECT_STREQ(image_format_name(ImageFormat::kNone), "none");
  EXPECT_STREQ(image_format_name(ImageFormat::kJpeg), "jpeg");
  EXPECT_STREQ(image_format_name(ImageFormat::kPng), "png");
  EXPECT_STREQ(image_format_name(ImageFormat::kWebp), "webp");
  EXPECT_STREQ(image_format_name(ImageFormat::kHeif), "heif");
  EXPECT_STREQ(image_format_name(ImageFormat::kAvif), "avif");
  EXPECT_STREQ(image_format_name(static_cast<ImageFormat>(99)), "none");
}

}  // namespace
}  // namespace saluran
