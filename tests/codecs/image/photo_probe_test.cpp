#include "codecs/image/photo_probe.hpp"

#include <gtest/gtest.h>

// clang-format off
#include <cstdio>  // jpeglib.h needs FILE and size_t first
#include <jpeglib.h>
// clang-format on
#include <png.h>
#include <webp/encode.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace saluran {
namespace {

using Bytes = std::vector<std::uint8_t>;

// ---------------------------------------------------------------------------------------------
// Pictures made in memory

/// A noisy RGB picture, so that the compressed data is much larger than the headers.
Bytes noise_rgb(int w, int h, unsigned seed) {
  std::mt19937 rng(seed);
  Bytes px(static_cast<std::size_t>(w) * h * 3);
  for (std::size_t i = 0; i < px.size(); ++i) {
    // Smooth gradient plus noise: realistic enough for the encoders.
    const std::size_t pixel = i / 3;
    const int x = static_cast<int>(pixel % w);
    const int y = static_cast<int>(pixel / w);
    px[i] = static_cast<std::uint8_t>((x * 4 + y * 2 + static_cast<int>(rng() % 64)) & 0xFF);
  }
  return px;
}

struct JpegOptions {
  int width = 64;
  int height = 48;
  bool gray = false;
  bool progressive = false;
  Bytes app1;  // written as an APP1 segment when not empty
};

Bytes make_jpeg(const JpegOptions& o) {
  jpeg_compress_struct cinfo;
  jpeg_error_mgr jerr;
  cinfo.err = jpeg_std_error(&jerr);
  jpeg_create_compress(&cinfo);
  unsigned char* buf = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&cinfo, &buf, &size);
  cinfo.image_width = static_cast<JDIMENSION>(o.width);
  cinfo.image_height = static_cast<JDIMENSION>(o.height);
  cinfo.input_components = o.gray ? 1 : 3;
  cinfo.in_color_space = o.gray ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, 90, TRUE);
  if (o.progressive) jpeg_simple_progression(&cinfo);
  jpeg_start_compress(&cinfo, TRUE);
  if (!o.app1.empty()) {
    jpeg_write_marker(&cinfo, JPEG_APP0 + 1, o.app1.data(),
                      static_cast<unsigned int>(o.app1.size()));
  }
  Bytes px = noise_rgb(o.width, o.height, 1);
  if (o.gray) {
    for (std::size_t i = 0; i < px.size() / 3; ++i) px[i] = px[i * 3];
  }
  const int stride = o.width * cinfo.input_components;
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = px.data() + static_cast<std::size_t>(cinfo.next_scanline) * stride;
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  Bytes out(buf, buf + size);
  std::free(buf);
  return out;
}

Bytes make_jpeg() { return make_jpeg(JpegOptions{}); }

/// "Exif\0\0" and a little-endian TIFF whose IFD0 holds one Orientation entry.
Bytes exif_orientation(std::uint16_t orientation, bool prefix = true) {
  Bytes b;
  if (prefix) b = {'E', 'x', 'i', 'f', 0, 0};
  const Bytes tiff = {'I',
                      'I',
                      42,
                      0,
                      8,
                      0,
                      0,
                      0,  // header, IFD0 at 8
                      1,
                      0,  // one entry
                      0x12,
                      0x01,
                      3,
                      0,
                      1,
                      0,
                      0,
                      0,  // Orientation, SHORT, count 1
                      static_cast<std::uint8_t>(orientation),
                      static_cast<std::uint8_t>(orientation >> 8),
                      0,
                      0,
                      0,
                      0,
                      0,
                      0};  // no next IFD
  b.insert(b.end(), tiff.begin(), tiff.end());
  return b;
}

void png_write_to_vector(png_structp png, png_bytep data, png_size_t n) {
  auto* out = static_cast<Bytes*>(png_get_io_ptr(png));
  out->insert(out->end(), data, data + n);
}
void png_flush_nothing(png_structp) {}

Bytes make_png(int w, int h, bool alpha, int depth, const Bytes& exif = {}) {
  Bytes out;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  if (setjmp(png_jmpbuf(png)) != 0) {
    png_destroy_write_struct(&png, &info);
    ADD_FAILURE() << "libpng failed to write the test picture";
    return {};
  }
  png_set_write_fn(png, &out, png_write_to_vector, png_flush_nothing);
  png_set_IHDR(png, info, static_cast<png_uint_32>(w), static_cast<png_uint_32>(h), depth,
               alpha ? PNG_COLOR_TYPE_RGB_ALPHA : PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
#ifdef PNG_eXIf_SUPPORTED
  if (!exif.empty()) {
    png_set_eXIf_1(png, info, static_cast<png_uint_32>(exif.size()),
                   const_cast<png_bytep>(exif.data()));
  }
#endif
  png_write_info(png, info);
  const int channels = alpha ? 4 : 3;
  const std::size_t row_bytes = static_cast<std::size_t>(w) * channels * (depth / 8);
  Bytes row(row_bytes);
  for (int y = 0; y < h; ++y) {
    for (std::size_t i = 0; i < row_bytes; ++i) row[i] = static_cast<std::uint8_t>(i + y);
    png_write_row(png, row.data());
  }
  png_write_end(png, info);
  png_destroy_write_struct(&png, &info);
  return out;
}

std::uint32_t crc32(const std::uint8_t* p, std::size_t n, std::uint32_t crc = 0xFFFFFFFFu) {
  for (std::size_t i = 0; i < n; ++i) {
    crc ^= p[i];
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return crc;
}

void put_be32(Bytes& b, std::uint32_t v) {
  b.insert(b.end(), {static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16),
                     static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)});
}

void put_chunk(Bytes& png, const char* type, const Bytes& data) {
  put_be32(png, static_cast<std::uint32_t>(data.size()));
  const std::size_t at = png.size();
  png.insert(png.end(), type, type + 4);
  png.insert(png.end(), data.begin(), data.end());
  put_be32(png, crc32(png.data() + at, png.size() - at) ^ 0xFFFFFFFFu);
}

/// A hand-made PNG: signature, IHDR claiming w x h (8-bit RGB), an empty IDAT and IEND.
/// Enough for a header probe; the picture data is never read.
Bytes png_header_only(std::uint32_t w, std::uint32_t h) {
  Bytes png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  Bytes ihdr;
  put_be32(ihdr, w);
  put_be32(ihdr, h);
  ihdr.insert(ihdr.end(), {8, 2, 0, 0, 0});
  put_chunk(png, "IHDR", ihdr);
  put_chunk(png, "IDAT", {});
  put_chunk(png, "IEND", {});
  return png;
}

Bytes make_webp(int w, int h, bool lossless) {
  const Bytes px = noise_rgb(w, h, 3);
  std::uint8_t* out = nullptr;
  const std::size_t n = lossless ? WebPEncodeLosslessRGB(px.data(), w, h, w * 3, &out)
                                 : WebPEncodeRGB(px.data(), w, h, w * 3, 80.0f, &out);
  Bytes b(out, out + n);
  WebPFree(out);
  return b;
}

/// Offset of the first SOFn marker's height field in a JPEG we made.
std::size_t sof_dimensions_at(const Bytes& jpeg) {
  for (std::size_t i = 2; i + 9 < jpeg.size(); ++i) {
    if (jpeg[i] == 0xFF && (jpeg[i + 1] == 0xC0 || jpeg[i + 1] == 0xC2)) return i + 5;
  }
  ADD_FAILURE() << "no SOF marker";
  return 0;
}

void set_jpeg_size(Bytes& jpeg, int w, int h) {
  const std::size_t at = sof_dimensions_at(jpeg);
  jpeg[at] = static_cast<std::uint8_t>(h >> 8);
  jpeg[at + 1] = static_cast<std::uint8_t>(h);
  jpeg[at + 2] = static_cast<std::uint8_t>(w >> 8);
  jpeg[at + 3] = static_cast<std::uint8_t>(w);
}

const InputLimits kLimits{};

// ---------------------------------------------------------------------------------------------
// orientation_transform

TEST(OrientationTransform, AllEightValues) {
  struct Want {
    int orientation, rotation;
    bool mirrored;
  };
  for (const Want w :
       {Want{1, 0, false}, Want{2, 0, true}, Want{3, 180, false}, Want{4, 180, true},
        Want{5, 90, true}, Want{6, 90, false}, Want{7, 270, true}, Want{8, 270, false}}) {
    const OrientationTransform t = orientation_transform(w.orientation);
    EXPECT_EQ(t.rotation, w.rotation) << "orientation " << w.orientation;
    EXPECT_EQ(t.mirrored, w.mirrored) << "orientation " << w.orientation;
  }
}

TEST(OrientationTransform, InvalidValuesAreIdentity) {
  for (int o : {0, -1, 9, 10, 255, 65535, -2147483647 - 1, 2147483647}) {
    const OrientationTransform t = orientation_transform(o);
    EXPECT_EQ(t.rotation, 0) << o;
    EXPECT_FALSE(t.mirrored) << o;
  }
}

// Where stored pixel (x, y) of a sw x sh picture appears when shown upright, by the EXIF
// definition of each orientation (where the stored row 0 and column 0 are on screen).
std::pair<int, int> exif_upright_position(int o, int x, int y, int sw, int sh) {
  switch (o) {
    case 2:
      return {sw - 1 - x, y};
    case 3:
      return {sw - 1 - x, sh - 1 - y};
    case 4:
      return {x, sh - 1 - y};
    case 5:
      return {y, x};
    case 6:
      return {sh - 1 - y, x};
    case 7:
      return {sh - 1 - y, sw - 1 - x};
    case 8:
      return {y, sw - 1 - x};
    default:
      return {x, y};
  }
}

TEST(OrientationTransform, RotateThenMirrorMakesEveryOrientationUpright) {
  // The transform is applied as: turn clockwise by `rotation`, then mirror left-right.
  const int sw = 5;
  const int sh = 3;
  for (int o = 1; o <= 8; ++o) {
    const OrientationTransform t = orientation_transform(o);
    for (int y = 0; y < sh; ++y) {
      for (int x = 0; x < sw; ++x) {
        int px = x;
        int py = y;
        int w = sw;
        int h = sh;
        for (int turn = 0; turn < t.rotation / 90; ++turn) {
          const int nx = h - 1 - py;  // one quarter turn clockwise
          py = px;
          px = nx;
          std::swap(w, h);
        }
        if (t.mirrored) px = w - 1 - px;
        EXPECT_EQ(std::make_pair(px, py), exif_upright_position(o, x, y, sw, sh))
            << "orientation " << o << " pixel " << x << "," << y;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// JPEG

TEST(ProbePhotoJpeg, SizeAndFacts) {
  const Bytes jpeg = make_jpeg();
  ASSERT_EQ(sniff_image(jpeg), ImageFormat::kJpeg);
  const auto r = probe_photo(jpeg, ImageFormat::kJpeg, "a.jpg", kLimits);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->path, "a.jpg");
  EXPECT_EQ(r->kind, MediaKind::kPhoto);
  EXPECT_EQ(r->container, "jpeg");
  EXPECT_EQ(r->size_bytes, jpeg.size());
  ASSERT_TRUE(r->picture.has_value());
  EXPECT_EQ(r->picture->codec, "jpeg");
  EXPECT_EQ(r->picture->profile, "baseline");
  EXPECT_EQ(r->picture->width, 64);
  EXPECT_EQ(r->picture->height, 48);
  EXPECT_EQ(r->picture->upright_width, 64);
  EXPECT_EQ(r->picture->upright_height, 48);
  EXPECT_EQ(r->picture->orientation, 1);
  EXPECT_EQ(r->picture->rotation, 0);
  EXPECT_FALSE(r->picture->mirrored);
  EXPECT_EQ(r->picture->pixel_format, "ycbcr");
  EXPECT_TRUE(r->warnings.empty());
}

TEST(ProbePhotoJpeg, OddSizes) {
  for (auto [w, h] : {std::pair{1, 1}, std::pair{17, 9}, std::pair{333, 7}}) {
    JpegOptions o;
    o.width = w;
    o.height = h;
    const auto r = probe_photo(make_jpeg(o), ImageFormat::kJpeg, "odd.jpg", kLimits);
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    EXPECT_EQ(r->picture->width, w);
    EXPECT_EQ(r->picture->height, h);
  }
}

TEST(ProbePhotoJpeg, GrayAndProgressive) {
  JpegOptions gray;
  gray.gray = true;
  const auto g = probe_photo(make_jpeg(gray), ImageFormat::kJpeg, "g.jpg", kLimits);
  ASSERT_TRUE(g.ok()) << g.error().to_string();
  EXPECT_EQ(g->picture->pixel_format, "gray");

  JpegOptions prog;
  prog.progressive = true;
  const auto p = probe_photo(make_jpeg(prog), ImageFormat::kJpeg, "p.jpg", kLimits);
  ASSERT_TRUE(p.ok()) << p.error().to_string();
  EXPECT_EQ(p->picture->profile, "progressive");
  EXPECT_EQ(p->picture->width, 64);
}

TEST(ProbePhotoJpeg, ExifOrientationTurnsTheUprightSize) {
  for (std::uint16_t o = 1; o <= 8; ++o) {
    JpegOptions opt;
    opt.app1 = exif_orientation(o);
    const auto r = probe_photo(make_jpeg(opt), ImageFormat::kJpeg, "o.jpg", kLimits);
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    const PictureInfo& pic = *r->picture;
    const OrientationTransform t = orientation_transform(o);
    EXPECT_EQ(pic.orientation, o);
    EXPECT_EQ(pic.rotation, t.rotation);
    EXPECT_EQ(pic.mirrored, t.mirrored);
    EXPECT_EQ(pic.width, 64);
    EXPECT_EQ(pic.height, 48);
    const bool quarter = o >= 5;
    EXPECT_EQ(pic.upright_width, quarter ? 48 : 64) << "orientation " << o;
    EXPECT_EQ(pic.upright_height, quarter ? 64 : 48) << "orientation " << o;
  }
}

TEST(ProbePhotoJpeg, InvalidExifOrientationIsAWarning) {
  JpegOptions opt;
  opt.app1 = exif_orientation(9);
  const auto r = probe_photo(make_jpeg(opt), ImageFormat::kJpeg, "o9.jpg", kLimits);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->picture->orientation, 1);
  EXPECT_EQ(r->picture->rotation, 0);
  ASSERT_FALSE(r->warnings.empty());
  EXPECT_NE(r->warnings[0].find("orientation"), std::string::npos) << r->warnings[0];
}

TEST(ProbePhotoJpeg, DamagedExifKeepsThePhoto) {
  JpegOptions opt;
  opt.app1 = {'E', 'x', 'i', 'f', 0, 0, 'I', 'I', 42, 0, 0xFF, 0xFF, 0xFF, 0x7F, 1, 2, 3};
  const auto r = probe_photo(make_jpeg(opt), ImageFormat::kJpeg, "x.jpg", kLimits);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->picture->width, 64);
  EXPECT_EQ(r->picture->orientation, 1);
}

TEST(ProbePhotoJpeg, CutInHalfIsCorruptAndEndsEarly) {
  const Bytes jpeg = make_jpeg();
  const Bytes half(jpeg.begin(), jpeg.begin() + static_cast<std::ptrdiff_t>(jpeg.size() / 2));
  const auto r = probe_photo(half, ImageFormat::kJpeg, "half.jpg", kLimits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kCorrupt);
  EXPECT_EQ(r.error().context.file, "half.jpg");
  EXPECT_NE(r.error().message.find("ends before"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("copy the file again"), std::string::npos) << r.error().message;
}

TEST(ProbePhotoJpeg, ProgressiveCutShortIsCorrupt) {
  JpegOptions prog;
  prog.progressive = true;
  prog.width = 256;
  prog.height = 192;
  const Bytes jpeg = make_jpeg(prog);
  const Bytes cut(jpeg.begin(), jpeg.begin() + static_cast<std::ptrdiff_t>(jpeg.size() * 3 / 4));
  const auto r = probe_photo(cut, ImageFormat::kJpeg, "cut.jpg", kLimits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kCorrupt);
}

Bytes without_end_marker(Bytes jpeg) {
  EXPECT_EQ(jpeg[jpeg.size() - 2], 0xFF);
  EXPECT_EQ(jpeg[jpeg.size() - 1], 0xD9);
  jpeg.resize(jpeg.size() - 2);
  return jpeg;
}

TEST(ProbePhotoJpeg, MissingEndMarkerOnlyIsAClearValue) {
  const auto r =
      probe_photo(without_end_marker(make_jpeg()), ImageFormat::kJpeg, "noeoi.jpg", kLimits);
  if (r.ok()) {
    EXPECT_EQ(r->picture->width, 64);
  } else {
    EXPECT_EQ(r.error().code, ErrorCode::kCorrupt);
  }
}

// Known bug (reported): all picture data is there, only the 2-byte EOI marker is missing, yet
// the probe says "the file ends before its picture does (..., 98% of rows present)": the
// Huffman decoder's read-ahead hits the end of the buffer and libjpeg warns JWRN_JPEG_EOF.
TEST(ProbePhotoJpeg, MissingEndMarkerOnlyKeepsThePicture) {
  const auto r =
      probe_photo(without_end_marker(make_jpeg()), ImageFormat::kJpeg, "noeoi.jpg", kLimits);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->picture->width, 64);
  EXPECT_EQ(r->picture->height, 48);
}

TEST(ProbePhotoJpeg, EveryTruncationIsAnErrorOrAPicture) {
  const Bytes jpeg = make_jpeg();
  // Up to the last few bytes: the picture data itself is cut (the end marker is the last 2).
  for (std::size_t n = 0; n + 2 < jpeg.size(); n += 7) {
    const Bytes cut(jpeg.begin(), jpeg.begin() + static_cast<std::ptrdiff_t>(n));
    const auto r = probe_photo(cut, ImageFormat::kJpeg, "cut.jpg", kLimits);
    if (!r.ok()) {
      EXPECT_EQ(r.error().code, ErrorCode::kCorrupt) << n << " bytes: " << r.error().to_string();
    } else {
      ADD_FAILURE() << n << " of " << jpeg.size() << " bytes accepted as a whole picture";
    }
  }
}

TEST(ProbePhotoJpeg, HugeHeaderIsRefusedBeforeDecoding) {
  Bytes jpeg = make_jpeg();
  set_jpeg_size(jpeg, 20000, 20000);
  const auto r = probe_photo(jpeg, ImageFormat::kJpeg, "bomb.jpg", kLimits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kLimitExceeded);
  EXPECT_NE(r.error().message.find("20000x20000"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().context.file, "bomb.jpg");
}

TEST(ProbePhotoJpeg, TooManyPixelsWithinTheSideLimitIsRefused) {
  Bytes jpeg = make_jpeg();
  set_jpeg_size(jpeg, 16000, 16000);  // 256 MP > 200 MP
  const auto r = probe_photo(jpeg, ImageFormat::kJpeg, "bomb.jpg", kLimits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kLimitExceeded);
  EXPECT_NE(r.error().message.find("megapixels"), std::string::npos) << r.error().message;
}

TEST(ProbePhotoJpeg, CustomLimits) {
  InputLimits small;
  small.max_dimension = 32;
  const auto r = probe_photo(make_jpeg(), ImageFormat::kJpeg, "a.jpg", small);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kLimitExceeded);

  InputLimits few;
  few.max_pixels = 64 * 48 - 1;
  EXPECT_EQ(probe_photo(make_jpeg(), ImageFormat::kJpeg, "a.jpg", few).error().code,
            ErrorCode::kLimitExceeded);
  few.max_pixels = 64 * 48;
  EXPECT_TRUE(probe_photo(make_jpeg(), ImageFormat::kJpeg, "a.jpg", few).ok());
}

TEST(ProbePhotoJpeg, ZeroSizeHeaderIsCorrupt) {
  Bytes jpeg = make_jpeg();
  set_jpeg_size(jpeg, 0, 48);
  const auto r = probe_photo(jpeg, ImageFormat::kJpeg, "zero.jpg", kLimits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kCorrupt);
}

TEST(ProbePhotoJpeg, DamagedScanDataIsAWarningNotAnError) {
  Bytes jpeg = make_jpeg();
  // Overwrite bytes in the middle of the entropy-coded data with a run of restart-less junk.
  const std::size_t mid = jpeg.size() / 2;
  for (std::size_t i = mid; i < mid + 40; ++i) jpeg[i] = static_cast<std::uint8_t>(i * 37);
  for (std::size_t i = mid; i < mid + 40; ++i)
    if (jpeg[i] == 0xFF) jpeg[i] = 0xFE;  // no accidental markers
  const auto r = probe_photo(jpeg, ImageFormat::kJpeg, "damaged.jpg", kLimits);
  // Whatever libjpeg makes of it: a clear value, never a crash.
  if (r.ok()) {
    EXPECT_EQ(r->picture->width, 64);
  } else {
    EXPECT_EQ(r.error().code, ErrorCode::kCorrupt);
  }
}

TEST(ProbePhotoJpeg, GarbageIsCorrupt) {
  const Bytes garbage(500, 0x5A);
  const auto r = probe_photo(garbage, ImageFormat::kJpeg, "g.jpg", kLimits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kCorrupt);
  EXPECT_EQ(r.error().context.detail, "libjpeg");
  EXPECT_NE(r.error().to_string().find("g.jpg: "), std::string::npos);

  const Bytes signature_then_garbage = {0xFF, 0xD8, 0xFF, 0x00, 0x01, 0x02, 0x03};
  EXPECT_EQ(probe_photo(signature_then_garbage, ImageFormat::kJpeg, "g.jpg", kLimits).error().code,
            ErrorCode::kCorrupt);
}

TEST(ProbePhotoJpeg, EmptyInput) {
  const auto r = probe_photo({}, ImageFormat::kJpeg, "empty.jpg", kLimits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kCorrupt);
}

// ---------------------------------------------------------------------------------------------
// PNG

TEST(ProbePhotoPng, SizeFromLibpng) {
  const Bytes png = make_png(40, 30, false, 8);
  ASSERT_EQ(sniff_image(png), ImageFormat::kPng);
  const auto r = probe_photo(png, ImageFormat::kPng, "a.png", kLimits);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->container, "png");
  EXPECT_EQ(r->picture->codec, "png");
  EXPECT_EQ(r->picture->width, 40);
  EXPECT_EQ(r->picture->height, 30);
  EXPECT_EQ(r->picture->upright_width, 40);
  EXPECT_EQ(r->picture->upright_height, 30);
  EXPECT_EQ(r->picture->bit_depth, 8);
  EXPECT_EQ(r->picture->pixel_format, "rgb");
}

TEST(ProbePhotoPng, SixteenBitRgba) {
  const auto r = probe_photo(make_png(7, 5, true, 16), ImageFormat::kPng, "b.png", kLimits);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->picture->bit_depth, 16);
  EXPECT_EQ(r->picture->pixel_format, "rgba");
}

#ifdef PNG_eXIf_SUPPORTED
TEST(ProbePhotoPng, ExifChunkOrientation) {
  const Bytes png = make_png(40, 30, false, 8, exif_orientation(8, false));
  const auto r = probe_photo(png, ImageFormat::kPng, "o.png", kLimits);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->picture->orientation, 8);
  EXPECT_EQ(r->picture->rotation, 270);
  EXPECT_EQ(r->picture->upright_width, 30);
  EXPECT_EQ(r->picture->upright_height, 40);
}
#endif

TEST(ProbePhotoPng, HandMadeHeader) {
  const auto r = probe_photo(png_header_only(123, 45), ImageFormat::kPng, "h.png", kLimits);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->picture->width, 123);
  EXPECT_EQ(r->picture->height, 45);
}

TEST(ProbePhotoPng, BeyondOurLimitIsLimitExceeded) {
  const auto r = probe_photo(png_header_only(20000, 10), ImageFormat::kPng, "wide.png", kLimits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kLimitExceeded);
  EXPECT_NE(r.error().message.find("20000x10"), std::string::npos) << r.error().message;
}

TEST(ProbePhotoPng, SeventyThousandWideIsRefused) {
  const auto r = probe_photo(png_header_only(70000, 10), ImageFormat::kPng, "wide.png", kLimits);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().code == ErrorCode::kLimitExceeded || r.error().code == ErrorCode::kCorrupt)
      << r.error().to_string();
}

// Known issue (reported): libpng's user limit (65535) fires first and the error is kCorrupt
// "damaged PNG: Invalid IHDR data". Enable when the IHDR size is checked by check_dimensions.
TEST(ProbePhotoPng, SeventyThousandWideIsLimitExceeded) {
  // A legal PNG (widths up to 2^31-1 are valid) that is too large for us: the same error as a
  // 20000 px wide one, not "damaged".
  const auto r = probe_photo(png_header_only(70000, 10), ImageFormat::kPng, "wide.png", kLimits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kLimitExceeded) << r.error().to_string();
}

TEST(ProbePhotoPng, BadCrcIsCorrupt) {
  Bytes png = png_header_only(10, 10);
  png[29] ^= 0xFF;  // a byte of the IHDR CRC
  const auto r = probe_photo(png, ImageFormat::kPng, "crc.png", kLimits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kCorrupt);
  EXPECT_EQ(r.error().context.detail, "libpng");
}

TEST(ProbePhotoPng, TruncatedIsCorrupt) {
  const Bytes png = make_png(40, 30, false, 8);
  for (std::size_t n : {std::size_t{0}, std::size_t{4}, std::size_t{8}, std::size_t{20}}) {
    const Bytes cut(png.begin(), png.begin() + static_cast<std::ptrdiff_t>(n));
    const auto r = probe_photo(cut, ImageFormat::kPng, "cut.png", kLimits);
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_EQ(r.error().code, ErrorCode::kCorrupt) << n;
  }
}

TEST(ProbePhotoPng, GarbageIsCorrupt) {
  const Bytes garbage(300, 0x11);
  EXPECT_EQ(probe_photo(garbage, ImageFormat::kPng, "g.png", kLimits).error().code,
            ErrorCode::kCorrupt);
}

// ---------------------------------------------------------------------------------------------
// WebP

TEST(ProbePhotoWebp, LossySize) {
  const Bytes webp = make_webp(50, 40, false);
  ASSERT_FALSE(webp.empty());
  ASSERT_EQ(sniff_image(webp), ImageFormat::kWebp);
  const auto r = probe_photo(webp, ImageFormat::kWebp, "a.webp", kLimits);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->container, "webp");
  EXPECT_EQ(r->picture->codec, "webp");
  EXPECT_EQ(r->picture->profile, "lossy");
  EXPECT_EQ(r->picture->width, 50);
  EXPECT_EQ(r->picture->height, 40);
  EXPECT_EQ(r->picture->upright_width, 50);
  EXPECT_EQ(r->picture->upright_height, 40);
  EXPECT_EQ(r->picture->pixel_format, "rgb");
}

TEST(ProbePhotoWebp, LosslessSize) {
  const auto r = probe_photo(make_webp(33, 21, true), ImageFormat::kWebp, "b.webp", kLimits);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->picture->profile, "lossless");
  EXPECT_EQ(r->picture->width, 33);
  EXPECT_EQ(r->picture->height, 21);
}

TEST(ProbePhotoWebp, CustomLimits) {
  InputLimits small;
  small.max_dimension = 45;
  const auto r = probe_photo(make_webp(50, 40, false), ImageFormat::kWebp, "a.webp", small);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kLimitExceeded);
}

TEST(ProbePhotoWebp, GarbageAndTruncatedAreCorrupt) {
  const Bytes garbage(64, 0x42);
  EXPECT_EQ(probe_photo(garbage, ImageFormat::kWebp, "g.webp", kLimits).error().code,
            ErrorCode::kCorrupt);
  const Bytes webp = make_webp(50, 40, false);
  const Bytes head(webp.begin(), webp.begin() + 16);
  EXPECT_EQ(probe_photo(head, ImageFormat::kWebp, "h.webp", kLimits).error().code,
            ErrorCode::kCorrupt);
  EXPECT_FALSE(probe_photo({}, ImageFormat::kWebp, "e.webp", kLimits).ok());
}

// ---------------------------------------------------------------------------------------------
// Other formats and mismatches

TEST(ProbePhoto, NoneIsUnsupported) {
  const Bytes jpeg = make_jpeg();
  const auto r = probe_photo(jpeg, ImageFormat::kNone, "x.bin", kLimits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnsupported);
  EXPECT_EQ(r.error().context.file, "x.bin");
}

TEST(ProbePhoto, HeifGarbageIsAnError) {
  const Bytes garbage(200, 0x33);
  for (ImageFormat f : {ImageFormat::kHeif, ImageFormat::kAvif}) {
    const auto r = probe_photo(garbage, f, "g.heic", kLimits);
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.error().code == ErrorCode::kCorrupt || r.error().code == ErrorCode::kUnsupported)
        << r.error().to_string();
  }
  EXPECT_FALSE(probe_photo({}, ImageFormat::kHeif, "e.heic", kLimits).ok());
}

TEST(ProbePhoto, WrongFormatForTheBytesIsAnError) {
  const Bytes jpeg = make_jpeg();
  const Bytes png = make_png(8, 8, false, 8);
  const Bytes webp = make_webp(8, 8, false);
  EXPECT_FALSE(probe_photo(jpeg, ImageFormat::kPng, "x", kLimits).ok());
  EXPECT_FALSE(probe_photo(jpeg, ImageFormat::kWebp, "x", kLimits).ok());
  EXPECT_FALSE(probe_photo(jpeg, ImageFormat::kHeif, "x", kLimits).ok());
  EXPECT_FALSE(probe_photo(png, ImageFormat::kJpeg, "x", kLimits).ok());
  EXPECT_FALSE(probe_photo(webp, ImageFormat::kJpeg, "x", kLimits).ok());
  EXPECT_FALSE(probe_photo(webp, ImageFormat::kAvif, "x", kLimits).ok());
}

}  // namespace
}  // namespace saluran
