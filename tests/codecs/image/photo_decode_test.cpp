#include "codecs/image/photo_decode.hpp"

#include <gtest/gtest.h>

// clang-format off
#include <cstdio>  // jpeglib.h needs FILE and size_t first
#include <jpeglib.h>
// clang-format on
#include <lcms2.h>
#include <png.h>
#include <webp/encode.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "codecs/file_bytes.hpp"
#include "codecs/image/picture_ops.hpp"
#include "tests/support/paths.hpp"

namespace saluran {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes read_corpus(const std::string& rel) {
  auto bytes = read_file_bytes(test::corpus(rel), 1ull << 30);
  EXPECT_TRUE(bytes.ok()) << rel;
  return bytes.ok() ? std::move(bytes.value()) : Bytes{};
}

/// Mean absolute difference per channel value between two pictures of the same size.
double mean_abs_diff(const Picture& a, const Picture& b) {
  if (a.width != b.width || a.height != b.height || a.rgb.size() != b.rgb.size()) return 255;
  double sum = 0;
  for (std::size_t i = 0; i < a.rgb.size(); ++i) sum += std::abs(a.rgb[i] - b.rgb[i]);
  return sum / static_cast<double>(a.rgb.size());
}

Picture flat(int w, int h, std::uint8_t r, std::uint8_t g, std::uint8_t b) {
  Picture p{w, h, Bytes(static_cast<std::size_t>(w) * h * 3)};
  for (std::size_t i = 0; i < p.rgb.size(); i += 3) {
    p.rgb[i] = r;
    p.rgb[i + 1] = g;
    p.rgb[i + 2] = b;
  }
  return p;
}

/// A smooth gradient with mild noise: photo-like for the encoders, comparable after scaling.
Picture gradient(int w, int h, unsigned seed = 1) {
  std::mt19937 rng(seed);
  Picture p{w, h, Bytes(static_cast<std::size_t>(w) * h * 3)};
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      std::uint8_t* px = p.pixel(x, y);
      px[0] = static_cast<std::uint8_t>(x * 255 / std::max(w - 1, 1));
      px[1] = static_cast<std::uint8_t>(y * 255 / std::max(h - 1, 1));
      px[2] = static_cast<std::uint8_t>(96 + static_cast<int>(rng() % 32));
    }
  }
  return p;
}

/// A JPEG of `pic` made with libjpeg directly, with an optional ICC profile.
Bytes make_jpeg(const Picture& pic, int quality, const Bytes& icc = {}, bool full_chroma = false) {
  jpeg_compress_struct cinfo;
  jpeg_error_mgr jerr;
  cinfo.err = jpeg_std_error(&jerr);
  jpeg_create_compress(&cinfo);
  unsigned char* buf = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&cinfo, &buf, &size);
  cinfo.image_width = static_cast<JDIMENSION>(pic.width);
  cinfo.image_height = static_cast<JDIMENSION>(pic.height);
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, quality, TRUE);
  if (full_chroma) cinfo.comp_info[0].h_samp_factor = cinfo.comp_info[0].v_samp_factor = 1;
  jpeg_start_compress(&cinfo, TRUE);
  if (!icc.empty()) jpeg_write_icc_profile(&cinfo, icc.data(), static_cast<unsigned>(icc.size()));
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = const_cast<JSAMPROW>(pic.pixel(0, static_cast<int>(cinfo.next_scanline)));
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  Bytes out(buf, buf + size);
  std::free(buf);
  return out;
}

/// Display P3 as an ICC profile: P3 primaries, D65 white, the sRGB tone curve.
Bytes display_p3_icc() {
  const cmsCIExyY d65 = {0.3127, 0.3290, 1.0};
  const cmsCIExyYTRIPLE primaries = {{0.680, 0.320, 1.0}, {0.265, 0.690, 1.0}, {0.150, 0.060, 1.0}};
  const double srgb_curve[5] = {2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045};
  cmsToneCurve* curve = cmsBuildParametricToneCurve(nullptr, 4, srgb_curve);
  cmsToneCurve* curves[3] = {curve, curve, curve};
  cmsHPROFILE p = cmsCreateRGBProfile(&d65, &primaries, curves);
  cmsMLU* desc = cmsMLUalloc(nullptr, 1);
  cmsMLUsetASCII(desc, "en", "US", "Display P3");
  cmsWriteTag(p, cmsSigProfileDescriptionTag, desc);
  cmsMLUfree(desc);
  cmsUInt32Number n = 0;
  cmsSaveProfileToMem(p, nullptr, &n);
  Bytes out(n);
  cmsSaveProfileToMem(p, out.data(), &n);
  cmsCloseProfile(p);
  cmsFreeToneCurve(curve);
  return out;
}

/// What lcms2 makes of P3 RGB values in sRGB (relative colorimetric, the reference).
std::array<int, 3> p3_to_srgb(const Bytes& icc, std::uint8_t r, std::uint8_t g, std::uint8_t b) {
  cmsHPROFILE p3 = cmsOpenProfileFromMem(icc.data(), static_cast<cmsUInt32Number>(icc.size()));
  cmsHPROFILE srgb = cmsCreate_sRGBProfile();
  cmsHTRANSFORM t =
      cmsCreateTransform(p3, TYPE_RGB_8, srgb, TYPE_RGB_8, INTENT_RELATIVE_COLORIMETRIC, 0);
  const std::uint8_t in[3] = {r, g, b};
  std::uint8_t out[3] = {};
  cmsDoTransform(t, in, out, 1);
  cmsDeleteTransform(t);
  cmsCloseProfile(srgb);
  cmsCloseProfile(p3);
  return {out[0], out[1], out[2]};
}

/// P3 (D65) to sRGB through linear light with the standard matrix, clipped.
std::array<int, 3> p3_to_srgb_by_matrix(std::uint8_t r, std::uint8_t g, std::uint8_t b) {
  auto to_linear = [](double v) {
    v /= 255;
    return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
  };
  auto to_srgb = [](double v) {
    v = std::clamp(v, 0.0, 1.0);
    v = v <= 0.0031308 ? v * 12.92 : 1.055 * std::pow(v, 1 / 2.4) - 0.055;
    return static_cast<int>(std::lround(v * 255));
  };
  const double lr = to_linear(r), lg = to_linear(g), lb = to_linear(b);
  return {to_srgb(1.2249 * lr - 0.2247 * lg), to_srgb(-0.0420 * lr + 1.0419 * lg),
          to_srgb(-0.0197 * lr - 0.0786 * lg + 1.0984 * lb)};
}

// ---------------------------------------------------------------------------------------------
// Orientation

TEST(DecodePhoto, AllEightOrientationsComeOutUpright) {
  SKIP_WITHOUT_CORPUS();
  for (const std::string set : {"landscape", "portrait"}) {
    const int want_w = set == "landscape" ? 600 : 450;
    const int want_h = set == "landscape" ? 450 : 600;
    auto first = decode_photo(read_corpus("orientation/" + set + "_1.jpg"), set + "_1.jpg", {});
    ASSERT_TRUE(first.ok()) << first.error().to_string();
    for (int n = 1; n <= 8; ++n) {
      const std::string name = "orientation/" + set + "_" + std::to_string(n) + ".jpg";
      auto photo = decode_photo(read_corpus(name), name, {});
      ASSERT_TRUE(photo.ok()) << photo.error().to_string();
      EXPECT_EQ(photo->orientation, n) << name;
      EXPECT_EQ(photo->picture.width, want_w) << name;
      EXPECT_EQ(photo->picture.height, want_h) << name;
      // The same scene: a wrong turn or mirror gives a difference of 40 and more.
      EXPECT_LT(mean_abs_diff(photo->picture, first->picture), 8.0) << name;
    }
  }
}

TEST(DecodePhoto, CameraOrientationSixIsTurned) {
  SKIP_WITHOUT_CORPUS();
  auto photo = decode_photo(read_corpus("camera/canon_hdr_YES.jpg"), "canon_hdr_YES.jpg", {});
  ASSERT_TRUE(photo.ok()) << photo.error().to_string();
  EXPECT_EQ(photo->orientation, 6);
  EXPECT_EQ(photo->stored_width, 2048);
  EXPECT_EQ(photo->stored_height, 1536);
  EXPECT_EQ(photo->picture.width, 1536);
  EXPECT_EQ(photo->picture.height, 2048);
  EXPECT_FALSE(photo->exif.empty());
}

// ---------------------------------------------------------------------------------------------
// Colour

TEST(DecodePhoto, DisplayP3JpegIsConvertedNotRelabelled) {
  const Bytes icc = display_p3_icc();
  // Left half saturated P3 red, right half a less saturated P3 orange.
  Picture src = flat(64, 32, 255, 0, 0);
  for (int y = 0; y < 32; ++y) {
    for (int x = 32; x < 64; ++x) {
      std::uint8_t* p = src.pixel(x, y);
      p[0] = 200;
      p[1] = 100;
      p[2] = 50;
    }
  }
  auto tagged = decode_photo(make_jpeg(src, 100, icc, true), "p3.jpg", {});
  auto plain = decode_photo(make_jpeg(src, 100, {}, true), "plain.jpg", {});
  ASSERT_TRUE(tagged.ok()) << tagged.error().to_string();
  ASSERT_TRUE(plain.ok()) << plain.error().to_string();
  EXPECT_EQ(tagged->colour, "Display P3 (ICC) -> sRGB");
  EXPECT_EQ(plain->colour, "sRGB");

  // Saturated P3 red lies outside sRGB: clipped to the sRGB primary.
  const std::uint8_t* red = tagged->picture.pixel(8, 16);
  EXPECT_GE(red[0], 250);
  EXPECT_LE(red[1], 8);
  EXPECT_LE(red[2], 8);
  // The orange is mapped as lcms2 maps what the plain decode holds (about 219, 93, 36).
  const std::uint8_t* relabel = plain->picture.pixel(48, 16);
  const std::array<int, 3> want = p3_to_srgb(icc, relabel[0], relabel[1], relabel[2]);
  const std::uint8_t* got = tagged->picture.pixel(48, 16);
  for (int c = 0; c < 3; ++c) EXPECT_NEAR(got[c], want[c], 2) << "channel " << c;
  // And as the published P3-to-sRGB matrix maps it, independently of lcms2.
  const std::array<int, 3> by_matrix = p3_to_srgb_by_matrix(relabel[0], relabel[1], relabel[2]);
  for (int c = 0; c < 3; ++c) EXPECT_NEAR(got[c], by_matrix[c], 3) << "channel " << c;
  EXPECT_GT(got[0] - relabel[0], 10);  // not the P3 numbers taken as sRGB
}

TEST(DecodePhoto, SrgbProfileIsLeftAlone) {
  cmsHPROFILE srgb = cmsCreate_sRGBProfile();
  cmsUInt32Number n = 0;
  cmsSaveProfileToMem(srgb, nullptr, &n);
  Bytes icc(n);
  cmsSaveProfileToMem(srgb, icc.data(), &n);
  cmsCloseProfile(srgb);
  const Picture src = gradient(48, 32);
  auto tagged = decode_photo(make_jpeg(src, 95, icc), "srgb.jpg", {});
  auto plain = decode_photo(make_jpeg(src, 95), "plain.jpg", {});
  ASSERT_TRUE(tagged.ok() && plain.ok());
  EXPECT_EQ(tagged->colour, "sRGB");
  EXPECT_EQ(tagged->picture.rgb, plain->picture.rgb);
}

// ---------------------------------------------------------------------------------------------
// Shrink-on-load

TEST(DecodePhoto, ShrinkOnLoadPicksTheLargestFactorThatKeepsTheLongEdge) {
  const Picture src = gradient(6000, 4000);  // 24 MP
  const Bytes jpeg = make_jpeg(src, 85);
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  auto full = decode_photo(jpeg, "24mp.jpg", {});
  const auto t1 = Clock::now();
  auto small = decode_photo(jpeg, "24mp.jpg", {}, 1000);
  const auto t2 = Clock::now();
  ASSERT_TRUE(full.ok() && small.ok());
  EXPECT_EQ(full->shrink, 1);
  EXPECT_EQ(small->shrink, 4);  // 1/8 would give 750 < 1000
  EXPECT_EQ(small->picture.width, 1500);
  EXPECT_EQ(small->picture.height, 1000);
  EXPECT_EQ(small->stored_width, 6000);
  EXPECT_EQ(small->stored_height, 4000);
  // The same picture as a full decode scaled down.
  EXPECT_LT(mean_abs_diff(small->picture, resize_picture(full->picture, 1500, 1000)), 3.0);
  std::cout << "[ timing ] 24 MP JPEG decode: full "
            << std::chrono::duration<double, std::milli>(t1 - t0).count() << " ms, shrink 4 "
            << std::chrono::duration<double, std::milli>(t2 - t1).count() << " ms\n";

  auto exact = decode_photo(jpeg, "24mp.jpg", {}, 750);
  ASSERT_TRUE(exact.ok());
  EXPECT_EQ(exact->shrink, 8);
  auto none = decode_photo(jpeg, "24mp.jpg", {}, 5000);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->shrink, 1);
}

TEST(DecodePhoto, ShrinkKeepsTheUprightLongEdgeOfATurnedPhoto) {
  SKIP_WITHOUT_CORPUS();
  auto photo = decode_photo(read_corpus("camera/canon_hdr_YES.jpg"), "canon.jpg", {}, 1000);
  ASSERT_TRUE(photo.ok()) << photo.error().to_string();
  EXPECT_EQ(photo->shrink, 2);
  EXPECT_EQ(photo->picture.width, 768);
  EXPECT_EQ(photo->picture.height, 1024);
}

// ---------------------------------------------------------------------------------------------
// Phones: Ultra HDR, HEIC

TEST(DecodePhoto, UltraHdrJpegUsesTheSdrBase) {
  SKIP_WITHOUT_CORPUS();
  auto photo = decode_photo(read_corpus("phone/ultra-hdr.jpg"), "ultra-hdr.jpg", {});
  ASSERT_TRUE(photo.ok()) << photo.error().to_string();
  EXPECT_TRUE(photo->gain_map);
  EXPECT_EQ(photo->picture.width, 3840);
  EXPECT_EQ(photo->picture.height, 2160);
  EXPECT_EQ(photo->colour, "sRGB");  // its profile is "sRGB Gamut with sRGB Transfer"
  EXPECT_TRUE(photo->warnings.empty());
  auto plain = decode_photo(read_corpus("phone/jolla.jpg"), "jolla.jpg", {});
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->gain_map);
}

TEST(DecodePhoto, HeicIsTurnedByLibheifAndMappedFromDisplayP3) {
  SKIP_WITHOUT_CORPUS();
  auto turned = decode_photo(read_corpus("phone/iphone_13_pro_max.HEIC"), "iphone.HEIC", {});
  ASSERT_TRUE(turned.ok()) << turned.error().to_string();
  EXPECT_EQ(turned->stored_width, 4032);
  EXPECT_EQ(turned->stored_height, 3024);
  EXPECT_EQ(turned->picture.width, 3024);  // irot applied once (EXIF 6 not again)
  EXPECT_EQ(turned->picture.height, 4032);
  EXPECT_EQ(turned->colour, "Display P3 (ICC) -> sRGB");
  EXPECT_FALSE(turned->exif.empty());

  auto gps = decode_photo(read_corpus("phone/IMG_5195.HEIC"), "IMG_5195.HEIC", {});
  ASSERT_TRUE(gps.ok()) << gps.error().to_string();
  EXPECT_EQ(gps->picture.width, 2566);
  EXPECT_EQ(gps->picture.height, 3313);

  // The Nokia's irot says 270 while its EXIF says 1: libheif's turn is the one that counts.
  auto nokia = decode_photo(read_corpus("phone/HMD_Nokia_8.3_5G.heif"), "nokia.heif", {});
  ASSERT_TRUE(nokia.ok()) << nokia.error().to_string();
  EXPECT_EQ(nokia->picture.width, 3456);
  EXPECT_EQ(nokia->picture.height, 4608);
}

// ---------------------------------------------------------------------------------------------
// PNG and WebP

void png_append(png_structp png, png_bytep data, png_size_t n) {
  auto* out = static_cast<Bytes*>(png_get_io_ptr(png));
  out->insert(out->end(), data, data + n);
}
void png_no_flush(png_structp) {}

/// An 8-bit RGBA PNG: left half opaque red, right half fully transparent green.
Bytes make_rgba_png(int w, int h) {
  Bytes out;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  if (setjmp(png_jmpbuf(png)) != 0) {
    png_destroy_write_struct(&png, &info);
    return {};
  }
  png_set_write_fn(png, &out, png_append, png_no_flush);
  png_set_IHDR(png, info, static_cast<png_uint_32>(w), static_cast<png_uint_32>(h), 8,
               PNG_COLOR_TYPE_RGB_ALPHA, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  Bytes row(static_cast<std::size_t>(w) * 4);
  for (int x = 0; x < w; ++x) {
    const bool left = x < w / 2;
    row[x * 4 + 0] = left ? 255 : 0;
    row[x * 4 + 1] = left ? 0 : 255;
    row[x * 4 + 2] = 0;
    row[x * 4 + 3] = left ? 255 : 0;
  }
  for (int y = 0; y < h; ++y) png_write_row(png, row.data());
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return out;
}

TEST(DecodePhoto, PngAlphaIsCompositedOverWhite) {
  auto photo = decode_photo(make_rgba_png(40, 10), "alpha.png", {}, 10);
  ASSERT_TRUE(photo.ok()) << photo.error().to_string();
  EXPECT_EQ(photo->picture.width, 40);
  EXPECT_EQ(photo->shrink, 1);  // only JPEG shrinks on load
  const std::uint8_t* left = photo->picture.pixel(5, 5);
  const std::uint8_t* right = photo->picture.pixel(35, 5);
  EXPECT_EQ(left[0], 255);
  EXPECT_EQ(left[1], 0);
  EXPECT_EQ(right[0], 255);  // transparent: white, not the green hidden under it
  EXPECT_EQ(right[1], 255);
  EXPECT_EQ(right[2], 255);
}

TEST(DecodePhoto, WebpDecodesStraightToRgb) {
  const Picture src = gradient(120, 80);
  std::uint8_t* out = nullptr;
  const std::size_t n = WebPEncodeRGB(src.rgb.data(), src.width, src.height,
                                      static_cast<int>(src.stride()), 95, &out);
  ASSERT_GT(n, 0u);
  const Bytes webp(out, out + n);
  WebPFree(out);
  auto photo = decode_photo(webp, "a.webp", {});
  ASSERT_TRUE(photo.ok()) << photo.error().to_string();
  EXPECT_EQ(photo->picture.width, 120);
  EXPECT_EQ(photo->picture.height, 80);
  EXPECT_LT(mean_abs_diff(photo->picture, src), 6.0);
}

// ---------------------------------------------------------------------------------------------
// Bad input: errors that name the file, never a crash

TEST(DecodePhoto, BrokenCorpusFilesGiveErrorsNamingTheFile) {
  SKIP_WITHOUT_CORPUS();
  for (const auto& entry : std::filesystem::directory_iterator(test::corpus_dir() + "/broken")) {
    const std::string name = entry.path().filename().string();
    const Bytes bytes = read_corpus("broken/" + name);
    auto photo = decode_photo(bytes, name, {});
    // Files with damaged EXIF but sound pictures may decode; everything else must fail
    // with a message that names the file.
    // looks-like-svg.webp is a sound WebP that content sniffers mistake for SVG, and
    // invalid-image01137.jpg a sound JPEG whose metadata (XMP only) upset other readers.
    const bool sound_picture = name == "corrupted-exif.jpg" || name.rfind("exif-", 0) == 0 ||
                               name == "looks-like-svg.webp" || name == "invalid-image01137.jpg";
    if (photo.ok()) {
      // Damage inside a complete file decodes with a warning; a cut file is marked truncated.
      EXPECT_TRUE(sound_picture || photo->truncated || !photo->warnings.empty())
          << name << " decoded without a word";
      EXPECT_FALSE(photo->picture.empty()) << name;
    } else {
      EXPECT_FALSE(sound_picture) << name << ": " << photo.error().to_string();
      EXPECT_NE(photo.error().to_string().find(name), std::string::npos)
          << photo.error().to_string();
    }
    std::cout << "[ broken ] " << name << ": "
              << (photo.ok() ? "decoded" + std::string(photo->truncated ? " (truncated)" : "") +
                                   (photo->warnings.empty() ? "" : ": " + photo->warnings[0])
                             : photo.error().to_string())
              << "\n";
  }
}

TEST(DecodePhoto, DecompressionBombIsRefusedBeforeDecoding) {
  SKIP_WITHOUT_CORPUS();
  auto bomb = decode_photo(read_corpus("broken/bomb-17000x17000.avif"), "bomb.avif", {});
  ASSERT_FALSE(bomb.ok());
  EXPECT_EQ(bomb.error().code, ErrorCode::kLimitExceeded);
  EXPECT_NE(bomb.error().to_string().find("bomb.avif"), std::string::npos);
  EXPECT_EQ(bomb.error().to_string().find('\n'), std::string::npos);
}

TEST(DecodePhoto, TruncatedJpegDecodesWhatIsThereWithAWarning) {
  const Bytes whole = make_jpeg(gradient(320, 240), 90);
  const Bytes cut(whole.begin(), whole.begin() + static_cast<long>(whole.size() / 2));
  auto photo = decode_photo(cut, "cut.jpg", {});
  ASSERT_TRUE(photo.ok()) << photo.error().to_string();
  EXPECT_TRUE(photo->truncated);
  ASSERT_FALSE(photo->warnings.empty());
  EXPECT_NE(photo->warnings[0].find("ends before"), std::string::npos);
  EXPECT_EQ(photo->picture.width, 320);
}

TEST(DecodePhoto, GarbageAndLimitsAreErrors) {
  Bytes junk = {0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0};
  junk.resize(200, 0x55);
  auto bad = decode_photo(junk, "junk.jpg", {});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kCorrupt);
  EXPECT_NE(bad.error().to_string().find("junk.jpg"), std::string::npos);

  auto empty = decode_photo({}, "empty.jpg", {});
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().to_string().find("empty.jpg"), std::string::npos);

  const Bytes text = {'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd', '!'};
  auto unknown = decode_photo(text, "notes.txt", {});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kUnsupported);

  InputLimits tight;
  tight.max_dimension = 100;
  auto big = decode_photo(make_jpeg(gradient(320, 240), 80), "big.jpg", tight);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().code, ErrorCode::kLimitExceeded);
  EXPECT_NE(big.error().to_string().find("big.jpg"), std::string::npos);
  auto big_png = decode_photo(make_rgba_png(320, 10), "big.png", tight);
  ASSERT_FALSE(big_png.ok());
  EXPECT_EQ(big_png.error().code, ErrorCode::kLimitExceeded);
}

// ---------------------------------------------------------------------------------------------
// Picture operations (codecs/image/picture_ops.hpp)

TEST(PictureOps, OrientPictureMatchesTheExifDefinition) {
  // A 3x2 picture whose red channel numbers the pixels: 0 1 2 / 3 4 5.
  Picture p{3, 2, Bytes(18, 0)};
  for (int i = 0; i < 6; ++i) p.rgb[i * 3] = static_cast<std::uint8_t>(i);
  auto reds = [](const Picture& q) {
    std::vector<int> v;
    for (std::size_t i = 0; i < q.rgb.size(); i += 3) v.push_back(q.rgb[i]);
    return v;
  };
  // What a viewer shows for each EXIF orientation of those stored pixels.
  EXPECT_EQ(reds(orient_picture(p, 1)), (std::vector<int>{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(reds(orient_picture(p, 2)), (std::vector<int>{2, 1, 0, 5, 4, 3}));
  EXPECT_EQ(reds(orient_picture(p, 3)), (std::vector<int>{5, 4, 3, 2, 1, 0}));
  EXPECT_EQ(reds(orient_picture(p, 4)), (std::vector<int>{3, 4, 5, 0, 1, 2}));
  EXPECT_EQ(reds(orient_picture(p, 5)), (std::vector<int>{0, 3, 1, 4, 2, 5}));
  EXPECT_EQ(reds(orient_picture(p, 6)), (std::vector<int>{3, 0, 4, 1, 5, 2}));
  EXPECT_EQ(reds(orient_picture(p, 7)), (std::vector<int>{5, 2, 4, 1, 3, 0}));
  EXPECT_EQ(reds(orient_picture(p, 8)), (std::vector<int>{2, 5, 1, 4, 0, 3}));
  const Picture turned = orient_picture(p, 6);
  EXPECT_EQ(turned.width, 2);
  EXPECT_EQ(turned.height, 3);
  EXPECT_EQ(reds(orient_picture(p, 9)), reds(p));
}

TEST(PictureOps, ResizeAveragesWhenShrinkingAndKeepsFlatColour) {
  const Picture red = flat(100, 60, 200, 30, 10);
  const Picture small = resize_picture(red, 33, 20);
  ASSERT_EQ(small.width, 33);
  ASSERT_EQ(small.height, 20);
  EXPECT_LT(mean_abs_diff(small, flat(33, 20, 200, 30, 10)), 0.5);
  const Picture big = resize_picture(red, 250, 150);
  EXPECT_LT(mean_abs_diff(big, flat(250, 150, 200, 30, 10)), 0.5);
  // A 2x2 checker of black and white averages to mid grey at half size.
  Picture checker{4, 4, Bytes(48, 0)};
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 4; ++x)
      if ((x + y) % 2 == 0) std::fill_n(checker.pixel(x, y), 3, 255);
  const Picture grey = resize_picture(checker, 2, 2);
  for (std::uint8_t v : grey.rgb) EXPECT_NEAR(v, 128, 1);
  EXPECT_TRUE(resize_picture(Picture{}, 10, 10).empty());
  EXPECT_TRUE(resize_picture(red, 0, 10).empty());
}

TEST(PictureOps, CropTakesTheWindowClampedToThePicture) {
  const Picture src = gradient(50, 40);
  const Picture c = crop_picture(src, Rect{10, 5, 20, 10});
  ASSERT_EQ(c.width, 20);
  ASSERT_EQ(c.height, 10);
  EXPECT_EQ(c.pixel(0, 0)[0], src.pixel(10, 5)[0]);
  EXPECT_EQ(c.pixel(19, 9)[1], src.pixel(29, 14)[1]);
  const Picture edge = crop_picture(src, Rect{40, 30, 100, 100});
  EXPECT_EQ(edge.width, 10);
  EXPECT_EQ(edge.height, 10);
  EXPECT_TRUE(crop_picture(src, Rect{60, 0, 10, 10}).empty());
  EXPECT_TRUE(crop_picture(src, Rect{-20, -20, 10, 10}).empty());
}

}  // namespace
}  // namespace saluran
