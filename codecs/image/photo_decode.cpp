#include "codecs/image/photo_decode.hpp"

// clang-format off
#include <cstdio>  // jpeglib.h needs FILE and size_t first
#include <csetjmp>
#include <jpeglib.h>
#include <jerror.h>
// clang-format on
#include <lcms2.h>
#include <libheif/heif.h>
#include <png.h>
#include <webp/decode.h>
#include <webp/demux.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "codecs/image/image_lib_callbacks.hpp"
#include "codecs/image/picture_ops.hpp"
#include "codecs/meta/exif_reader.hpp"
#include "codecs/sniff.hpp"

namespace saluran {
namespace {

using Bytes = std::vector<std::uint8_t>;

/// Memory libjpeg may use (a 100 MP progressive 4:2:0 JPEG needs ~300 MB of coefficients).
constexpr long kMaxJpegDecodeMemory = 384L << 20;
/// More pixels per byte than this is no photo (as in photo_probe): refused before allocating.
constexpr double kMaxPixelsPerByte = 4000;

void allocate(Picture& p, int width, int height) {
  p.width = width;
  p.height = height;
  p.rgb.resize(static_cast<std::size_t>(width) * height * 3);
}

// Composites 8-bit RGBA rows over white into `out` (transparent areas must not come out as
// whatever colour the encoder left under them).
void composite_over_white(const std::uint8_t* rgba, std::size_t rgba_stride, Picture& out) {
  for (int y = 0; y < out.height; ++y) {
    const std::uint8_t* s = rgba + y * rgba_stride;
    std::uint8_t* d = out.pixel(0, y);
    for (int x = 0; x < out.width; ++x, s += 4, d += 3) {
      const unsigned a = s[3];
      for (int c = 0; c < 3; ++c)
        d[c] = static_cast<std::uint8_t>((s[c] * a + 255 * (255 - a) + 127) / 255);
    }
  }
}

// ---------------------------------------------------------------- colour (lcms2)

struct ProfileClose {
  void operator()(void* p) const noexcept { cmsCloseProfile(p); }
};
using ProfilePtr = std::unique_ptr<void, ProfileClose>;
struct TransformDelete {
  void operator()(void* t) const noexcept { cmsDeleteTransform(t); }
};
using TransformPtr = std::unique_ptr<void, TransformDelete>;

std::string profile_description(cmsHPROFILE p) {
  char buf[200] = {};
  if (cmsGetProfileInfoASCII(p, cmsInfoDescription, "en", "US", buf, sizeof buf) == 0)
    return "unnamed profile";
  std::string s(buf);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
  return s.empty() ? "unnamed profile" : s;
}

/// True when an RGB matrix-shaper profile has sRGB's primaries and (near) sRGB's tone curve:
/// converting would change nothing visible, and costs a pass over every pixel.
bool is_srgb_like(cmsHPROFILE p) {
  // sRGB's colorants adapted to D50, as ICC profiles store them.
  static constexpr double kSrgb[3][3] = {
      {0.4361, 0.2225, 0.0139}, {0.3851, 0.7169, 0.0971}, {0.1431, 0.0606, 0.7141}};
  const cmsTagSignature tags[3] = {cmsSigRedColorantTag, cmsSigGreenColorantTag,
                                   cmsSigBlueColorantTag};
  for (int i = 0; i < 3; ++i) {
    const auto* xyz = static_cast<const cmsCIEXYZ*>(cmsReadTag(p, tags[i]));
    if (xyz == nullptr) return false;
    if (std::fabs(xyz->X - kSrgb[i][0]) > 0.004 || std::fabs(xyz->Y - kSrgb[i][1]) > 0.004 ||
        std::fabs(xyz->Z - kSrgb[i][2]) > 0.004)
      return false;
  }
  const auto* trc = static_cast<const cmsToneCurve*>(cmsReadTag(p, cmsSigRedTRCTag));
  // sRGB gives 0.214 at half input, gamma 2.2 gives 0.218 (close enough); linear gives 0.5.
  return trc != nullptr && std::fabs(cmsEvalToneCurveFloat(trc, 0.5f) - 0.214f) < 0.012f;
}

/// Display P3: P3 primaries, D65 white, the sRGB tone curve (what Apple's profile holds).
ProfilePtr display_p3_profile() {
  const cmsCIExyY d65 = {0.3127, 0.3290, 1.0};
  const cmsCIExyYTRIPLE primaries = {{0.680, 0.320, 1.0}, {0.265, 0.690, 1.0}, {0.150, 0.060, 1.0}};
  const double srgb_curve[5] = {2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045};
  cmsToneCurve* curve = cmsBuildParametricToneCurve(nullptr, 4, srgb_curve);
  if (curve == nullptr) return nullptr;
  cmsToneCurve* curves[3] = {curve, curve, curve};
  ProfilePtr p(cmsCreateRGBProfile(&d65, &primaries, curves));
  cmsFreeToneCurve(curve);
  return p;
}

/// Converts `pic` (RGB in the colour space of `source`) to sRGB in place, row by row.
bool convert_rgb_to_srgb(cmsHPROFILE source, Picture& pic) {
  ProfilePtr srgb(cmsCreate_sRGBProfile());
  if (!srgb) return false;
  // Perceptual falls back to relative colorimetric for matrix-shaper profiles: out-of-gamut
  // colours are clipped per channel, the rest keep their appearance.
  TransformPtr t(cmsCreateTransform(source, TYPE_RGB_8, srgb.get(), TYPE_RGB_8, INTENT_PERCEPTUAL,
                                    cmsFLAGS_NOCACHE));
  if (!t) return false;
  Bytes row(pic.stride());
  for (int y = 0; y < pic.height; ++y) {
    cmsDoTransform(t.get(), pic.pixel(0, y), row.data(), static_cast<cmsUInt32Number>(pic.width));
    std::memcpy(pic.pixel(0, y), row.data(), row.size());
  }
  return true;
}

/// Applies an embedded ICC profile to an RGB picture; records what was done in `photo`.
void apply_icc(const Bytes& icc, const char* origin, DecodedPhoto& photo) {
  if (icc.empty()) return;
  ProfilePtr p(cmsOpenProfileFromMem(icc.data(), static_cast<cmsUInt32Number>(icc.size())));
  if (!p) {
    photo.warnings.push_back("the embedded colour profile is unreadable; taken as sRGB");
    return;
  }
  if (cmsGetColorSpace(p.get()) != cmsSigRgbData) return;  // grey profiles: nothing to map
  if (is_srgb_like(p.get())) return;
  const std::string name = profile_description(p.get());
  if (!convert_rgb_to_srgb(p.get(), photo.picture)) {
    photo.warnings.push_back(
        fmt::format("colour profile \"{}\" cannot be converted; colours may look off", name));
    return;
  }
  photo.colour = fmt::format("{} ({}) -> sRGB", name, origin);
}

// ---------------------------------------------------------------- JPEG (libjpeg-turbo)

/// What the libjpeg pass shares with ordinary C++ code. It lives in the caller, so the
/// function holding setjmp has only trivially destructible locals (longjmp skips no destructor).
struct JpegJob {
  const std::uint8_t* data = nullptr;
  std::size_t size = 0;
  // Set after the header, before decoding:
  int width = 0;
  int height = 0;
  int components = 0;
  bool cmyk = false;
  bool adobe_inverted = false;
  Bytes exif;
  Bytes icc;
  bool hdr_gain_map_xmp = false;
  int mpf_images = 0;
  /// Called once the header is read: checks limits, picks the shrink, returns false to stop.
  bool (*plan)(JpegJob&) = nullptr;
  void* context = nullptr;  // the DecodedPhoto being filled
  int shrink = 1;
  // The decoded pixels: RGB straight into the picture, or CMYK into `cmyk_pixels`.
  Picture* picture = nullptr;
  Bytes cmyk_pixels;
  // Outcome:
  char fatal[JMSG_LENGTH_MAX] = {};
  bool stopped = false;  // plan() said no
  long damage = 0;
  char first_damage[JMSG_LENGTH_MAX] = {};
  double damage_at = 0;
  bool ended_early = false;
};

/// Number of images an MPF (CIPA DC-007) APP2 segment lists; 0 if unreadable.
int mpf_image_count(const std::uint8_t* d, std::size_t n) {
  // "MPF\0", then a TIFF header and IFD: find tag 0xB001 (NumberOfImages, LONG).
  if (n < 4 + 8 + 2 || std::memcmp(d, "MPF\0", 4) != 0) return 0;
  const std::uint8_t* t = d + 4;
  const std::size_t tn = n - 4;
  const bool le = t[0] == 'I';
  auto u16 = [&](std::size_t o) -> unsigned {
    return le ? t[o] | (t[o + 1] << 8) : (t[o] << 8) | t[o + 1];
  };
  auto u32 = [&](std::size_t o) -> std::uint32_t {
    return le ? t[o] | (t[o + 1] << 8) | (t[o + 2] << 16) | (std::uint32_t{t[o + 3]} << 24)
              : (std::uint32_t{t[o]} << 24) | (t[o + 1] << 16) | (t[o + 2] << 8) | t[o + 3];
  };
  const std::uint32_t ifd = u32(4);
  if (ifd + 2 > tn) return 0;
  const unsigned count = u16(ifd);
  for (unsigned i = 0; i < count; ++i) {
    const std::size_t e = ifd + 2 + 12 * static_cast<std::size_t>(i);
    if (e + 12 > tn) return 0;
    if (u16(e) == 0xB001) return static_cast<int>(std::min<std::uint32_t>(u32(e + 8), 1000));
  }
  return 0;
}

void collect_markers(j_decompress_ptr cinfo, JpegJob& job) {
  static constexpr char kXmp[] = "http://ns.adobe.com/xap/1.0/";
  for (jpeg_saved_marker_ptr m = cinfo->marker_list; m != nullptr; m = m->next) {
    const std::size_t n = m->data_length;
    if (m->marker == JPEG_APP0 + 1 && n > 6 && std::memcmp(m->data, "Exif\0\0", 6) == 0 &&
        job.exif.empty()) {
      job.exif.assign(m->data, m->data + n);
    } else if (m->marker == JPEG_APP0 + 1 && n > sizeof kXmp &&
               std::memcmp(m->data, kXmp, sizeof kXmp) == 0) {
      const std::string_view xmp(reinterpret_cast<const char*>(m->data), n);
      // Ultra HDR (Android, ISO 21496-1 draft) declares its gain map with the hdrgm namespace.
      if (xmp.find("http://ns.adobe.com/hdr-gain-map/1.0/") != std::string_view::npos)
        job.hdr_gain_map_xmp = true;
    } else if (m->marker == JPEG_APP0 + 2 && job.mpf_images == 0) {
      job.mpf_images = mpf_image_count(m->data, n);
    }
  }
}

/// The libjpeg pass: header, plan, decode. Only trivially destructible locals here.
bool run_jpeg(JpegJob& job) {
  jpeg_decompress_struct cinfo;
  JpegErrorManager err;
  install_jpeg_errors(cinfo, err);
  JSAMPROW rows[16];
  if (setjmp(err.jump) != 0) {
    err.base.format_message(reinterpret_cast<j_common_ptr>(&cinfo), job.fatal);
    jpeg_destroy_decompress(&cinfo);
    return false;
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, job.data, static_cast<unsigned long>(job.size));
  jpeg_save_markers(&cinfo, JPEG_APP0 + 1, 0xFFFF);
  jpeg_save_markers(&cinfo, JPEG_APP0 + 2, 0xFFFF);
  jpeg_read_header(&cinfo, TRUE);
  job.width = static_cast<int>(cinfo.image_width);
  job.height = static_cast<int>(cinfo.image_height);
  job.components = cinfo.num_components;
  job.cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
  job.adobe_inverted = cinfo.saw_Adobe_marker != 0;
  collect_markers(&cinfo, job);
  JOCTET* icc = nullptr;
  unsigned int icc_len = 0;
  if (jpeg_read_icc_profile(&cinfo, &icc, &icc_len) && icc != nullptr) {
    job.icc.assign(icc, icc + icc_len);
    std::free(icc);
  }
  if (!job.plan(job)) {
    job.stopped = true;
    jpeg_destroy_decompress(&cinfo);
    return true;
  }
  cinfo.mem->max_memory_to_use = kMaxJpegDecodeMemory;
  cinfo.scale_num = 1;
  cinfo.scale_denom = static_cast<unsigned int>(job.shrink);
  cinfo.out_color_space = job.cmyk ? JCS_CMYK : JCS_EXT_RGB;
  jpeg_start_decompress(&cinfo);
  const int w = static_cast<int>(cinfo.output_width);
  const int h = static_cast<int>(cinfo.output_height);
  std::uint8_t* base = nullptr;
  std::size_t stride = 0;
  if (job.cmyk) {
    job.cmyk_pixels.resize(static_cast<std::size_t>(w) * h * 4);
    base = job.cmyk_pixels.data();
    stride = static_cast<std::size_t>(w) * 4;
  } else {
    allocate(*job.picture, w, h);
    base = job.picture->rgb.data();
    stride = job.picture->stride();
  }
  job.picture->width = w;
  job.picture->height = h;
  // Decoded straight into the destination buffer: no intermediate copy.
  while (cinfo.output_scanline < cinfo.output_height) {
    const JDIMENSION first = cinfo.output_scanline;
    const JDIMENSION n = std::min<JDIMENSION>(16, cinfo.output_height - first);
    for (JDIMENSION i = 0; i < n; ++i) rows[i] = base + (first + i) * stride;
    if (jpeg_read_scanlines(&cinfo, rows, n) == 0) break;
  }
  // A truncated file has already been warned about (and padded) by the data source.
  if (!err.ended_early) jpeg_finish_decompress(&cinfo);
  job.damage = err.damage;
  std::memcpy(job.first_damage, err.first_damage, sizeof job.first_damage);
  job.damage_at = err.damage_at;
  job.ended_early = err.ended_early;
  jpeg_destroy_decompress(&cinfo);
  return true;
}

struct JpegPlanContext {
  DecodedPhoto* photo;
  const std::string* path;
  const InputLimits* limits;
  int min_long_edge;
  Error error;
  bool failed = false;
};

bool plan_jpeg(JpegJob& job) {
  auto& ctx = *static_cast<JpegPlanContext*>(job.context);
  DecodedPhoto& photo = *ctx.photo;
  if (auto st = check_dimensions(*ctx.limits, job.width, job.height, *ctx.path); !st) {
    ctx.error = st.error();
    ctx.failed = true;
    return false;
  }
  if (static_cast<double>(job.width) * job.height >
      kMaxPixelsPerByte * static_cast<double>(job.size)) {
    ctx.error = make_error(ErrorCode::kLimitExceeded,
                           fmt::format("declares {}x{} pixels in only {} bytes: not a real photo "
                                       "(refused before decoding)",
                                       job.width, job.height, job.size),
                           *ctx.path);
    ctx.failed = true;
    return false;
  }
  photo.stored_width = job.width;
  photo.stored_height = job.height;
  // The long edge is the same before and after a quarter turn, so orientation does not matter.
  const int long_edge = std::max(job.width, job.height);
  job.shrink = 1;
  if (ctx.min_long_edge > 0) {
    for (int f : {8, 4, 2}) {
      if ((long_edge + f - 1) / f >= ctx.min_long_edge) {
        job.shrink = f;
        break;
      }
    }
  }
  return true;
}

Status decode_jpeg(std::span<const std::uint8_t> data, const std::string& path,
                   const InputLimits& limits, int min_long_edge, DecodedPhoto& photo) {
  JpegPlanContext ctx{&photo, &path, &limits, min_long_edge, Error{}, false};
  JpegJob job;
  job.data = data.data();
  job.size = data.size();
  job.plan = plan_jpeg;
  job.context = &ctx;
  job.picture = &photo.picture;
  if (!run_jpeg(job)) {
    photo.picture = {};
    return make_error(ErrorCode::kCorrupt, fmt::format("damaged JPEG: {}", job.fatal), path,
                      "libjpeg");
  }
  if (ctx.failed) return ctx.error;
  photo.shrink = job.shrink;
  photo.exif = std::move(job.exif);
  // Ultra HDR: XMP hdrgm in the primary image, the gain map as the MPF's second image. An MPF
  // alone is not enough (cameras use it for large previews).
  photo.gain_map = job.hdr_gain_map_xmp;
  if (photo.gain_map && job.mpf_images < 2)
    photo.warnings.push_back("declares an HDR gain map but lists no second image (MPF)");
  if (job.ended_early) {
    photo.truncated = true;
    photo.warnings.push_back(fmt::format(
        "the file ends before its picture does ({:.0f}% of rows present, the rest is grey); "
        "copy the file again from the card or camera",
        job.damage_at * 100));
  } else if (job.damage > 0) {
    photo.warnings.push_back(fmt::format(
        "picture data is damaged in places from {:.0f}% of its height ({}); the photo may "
        "show grey or smeared bands",
        job.damage_at * 100, job.first_damage));
  }
  if (job.cmyk) {
    // Print-ready CMYK (Photoshop writes it inverted, with an Adobe marker). With a profile,
    // lcms2 maps it properly; without one, the naive formula is the best there is.
    Picture& pic = photo.picture;
    allocate(pic, pic.width, pic.height);
    bool done = false;
    if (!job.icc.empty()) {
      ProfilePtr p(
          cmsOpenProfileFromMem(job.icc.data(), static_cast<cmsUInt32Number>(job.icc.size())));
      ProfilePtr srgb(cmsCreate_sRGBProfile());
      if (p && srgb && cmsGetColorSpace(p.get()) == cmsSigCmykData) {
        TransformPtr t(
            cmsCreateTransform(p.get(), job.adobe_inverted ? TYPE_CMYK_8_REV : TYPE_CMYK_8,
                               srgb.get(), TYPE_RGB_8, INTENT_PERCEPTUAL, cmsFLAGS_NOCACHE));
        if (t) {
          for (int y = 0; y < pic.height; ++y)
            cmsDoTransform(t.get(),
                           job.cmyk_pixels.data() + static_cast<std::size_t>(y) * pic.width * 4,
                           pic.pixel(0, y), static_cast<cmsUInt32Number>(pic.width));
          photo.colour = fmt::format("{} (ICC, CMYK) -> sRGB", profile_description(p.get()));
          done = true;
        }
      }
    }
    if (!done) {
      const std::uint8_t* s = job.cmyk_pixels.data();
      std::uint8_t* d = pic.rgb.data();
      const std::size_t n = static_cast<std::size_t>(pic.width) * pic.height;
      for (std::size_t i = 0; i < n; ++i, s += 4, d += 3) {
        const unsigned k = job.adobe_inverted ? s[3] : 255 - s[3];
        for (int c = 0; c < 3; ++c) {
          const unsigned v = job.adobe_inverted ? s[c] : 255 - s[c];
          d[c] = static_cast<std::uint8_t>((v * k + 127) / 255);
        }
      }
      photo.colour = "CMYK (naive) -> sRGB";
    }
  } else if (job.components != 1) {
    apply_icc(job.icc, "ICC", photo);
  }
  if (!photo.exif.empty()) photo.orientation = read_exif(photo.exif).orientation;
  return Ok{};
}

// ---------------------------------------------------------------- PNG (libpng)

/// Shared between the setjmp function and ordinary code, as JpegJob.
struct PngJob {
  PngReader reader{};
  const InputLimits* limits = nullptr;
  png_uint_32 width = 0;
  png_uint_32 height = 0;
  bool too_large = false;
  bool alpha = false;
  Picture* picture = nullptr;
  Bytes rgba;
  std::vector<png_bytep> rows;
  Bytes icc;
  Bytes exif;
  bool srgb_chunk = false;
  char message[200] = {};
};

void png_collect(png_structp png, png_infop info, PngJob& job) {
#ifdef PNG_eXIf_SUPPORTED
  png_bytep exif = nullptr;
  png_uint_32 exif_len = 0;
  if (job.exif.empty() && png_get_eXIf_1(png, info, &exif_len, &exif) != 0 && exif != nullptr)
    job.exif.assign(exif, exif + exif_len);
#endif
  png_charp name = nullptr;
  int compression = 0;
  png_bytep profile = nullptr;
  png_uint_32 profile_len = 0;
  if (job.icc.empty() &&
      png_get_iCCP(png, info, &name, &compression, &profile, &profile_len) != 0 &&
      profile != nullptr)
    job.icc.assign(profile, profile + profile_len);
  int intent = 0;
  if (png_get_sRGB(png, info, &intent) != 0) job.srgb_chunk = true;
}

bool run_png(PngJob& job) {
  png_structp png =
      png_create_read_struct(PNG_LIBPNG_VER_STRING, job.message, png_error_jump, png_warning_quiet);
  if (png == nullptr) return false;
  png_infop info = png_create_info_struct(png);
  if (info == nullptr || setjmp(png_jmpbuf(png)) != 0) {
    png_destroy_read_struct(&png, &info, nullptr);
    return false;
  }
  png_set_user_limits(png, 0x7fffffff, 0x7fffffff);  // ours are checked below, with the name
  png_set_read_fn(png, &job.reader, png_read_from_memory);
  png_read_info(png, info);
  int bit_depth = 0;
  int color_type = 0;
  png_get_IHDR(png, info, &job.width, &job.height, &bit_depth, &color_type, nullptr, nullptr,
               nullptr);
  const InputLimits& lim = *job.limits;
  if (job.width > static_cast<png_uint_32>(lim.max_dimension) ||
      job.height > static_cast<png_uint_32>(lim.max_dimension) ||
      static_cast<std::int64_t>(job.width) * job.height > lim.max_pixels) {
    job.too_large = true;
    png_destroy_read_struct(&png, &info, nullptr);
    return true;
  }
  png_collect(png, info, job);
  // Everything becomes 8-bit RGB or RGBA: palettes and low bit depths expanded, tRNS made an
  // alpha channel, 16 bits scaled (not truncated), grey copied to three channels.
  png_set_expand(png);
  png_set_scale_16(png);
  png_set_gray_to_rgb(png);
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  const int channels = png_get_channels(png, info);
  job.alpha = channels == 4;
  const std::size_t w = job.width;
  allocate(*job.picture, static_cast<int>(job.width), static_cast<int>(job.height));
  std::uint8_t* base = job.picture->rgb.data();
  std::size_t stride = w * 3;
  if (job.alpha) {
    job.rgba.resize(w * 4 * job.height);
    base = job.rgba.data();
    stride = w * 4;
  }
  if (png_get_rowbytes(png, info) != stride) png_error(png, "unexpected row layout");
  job.rows.resize(job.height);
  for (png_uint_32 y = 0; y < job.height; ++y) job.rows[y] = base + y * stride;
  png_read_image(png, job.rows.data());
  png_read_end(png, info);  // eXIf may follow the picture data
  png_collect(png, info, job);
  png_destroy_read_struct(&png, &info, nullptr);
  return true;
}

Status decode_png(std::span<const std::uint8_t> data, const std::string& path,
                  const InputLimits& limits, DecodedPhoto& photo) {
  PngJob job;
  job.reader = PngReader{data.data(), data.size(), 0};
  job.limits = &limits;
  job.picture = &photo.picture;
  if (!run_png(job)) {
    photo.picture = {};
    return make_error(ErrorCode::kCorrupt, fmt::format("damaged PNG: {}", job.message), path,
                      "libpng");
  }
  if (job.too_large) {
    if (auto st = check_dimensions(limits, job.width, job.height, path); !st) return st.error();
  }
  photo.stored_width = static_cast<int>(job.width);
  photo.stored_height = static_cast<int>(job.height);
  if (job.alpha) composite_over_white(job.rgba.data(), photo.picture.width * 4u, photo.picture);
  if (!job.srgb_chunk) apply_icc(job.icc, "ICC", photo);
  photo.exif = std::move(job.exif);
  if (!photo.exif.empty()) photo.orientation = read_exif(photo.exif).orientation;
  return Ok{};
}

// ---------------------------------------------------------------- WebP (libwebp)

struct WebPDemuxerFree {
  void operator()(WebPDemuxer* d) const noexcept { WebPDemuxDelete(d); }
};

Bytes webp_chunk(WebPDemuxer* demux, const char* fourcc) {
  Bytes out;
  WebPChunkIterator chunk;
  if (demux != nullptr && WebPDemuxGetChunk(demux, fourcc, 1, &chunk)) {
    out.assign(chunk.chunk.bytes, chunk.chunk.bytes + chunk.chunk.size);
    WebPDemuxReleaseChunkIterator(&chunk);
  }
  return out;
}

Status decode_webp(std::span<const std::uint8_t> data, const std::string& path,
                   const InputLimits& limits, DecodedPhoto& photo) {
  WebPBitstreamFeatures features;
  const VP8StatusCode status = WebPGetFeatures(data.data(), data.size(), &features);
  if (status != VP8_STATUS_OK) {
    return make_error(ErrorCode::kCorrupt,
                      fmt::format("damaged WebP (libwebp status {})", static_cast<int>(status)),
                      path, "WebPGetFeatures");
  }
  if (auto st = check_dimensions(limits, features.width, features.height, path); !st)
    return st.error();
  const WebPData whole{data.data(), data.size()};
  std::unique_ptr<WebPDemuxer, WebPDemuxerFree> demux(WebPDemux(&whole));
  const std::uint8_t* bitstream = data.data();
  std::size_t bitstream_size = data.size();
  int w = features.width;
  int h = features.height;
  WebPIterator frame;
  bool have_frame = false;
  if (features.has_animation) {
    // WebPDecode does not take an animation: the first frame's own bitstream is decoded.
    if (!demux || !WebPDemuxGetFrame(demux.get(), 1, &frame))
      return make_error(ErrorCode::kCorrupt, "damaged animated WebP", path, "WebPDemuxGetFrame");
    have_frame = true;
    bitstream = frame.fragment.bytes;
    bitstream_size = frame.fragment.size;
    w = frame.width;
    h = frame.height;
    photo.warnings.push_back("animated WebP: only the first frame is used");
  }
  photo.stored_width = w;
  photo.stored_height = h;
  Picture& pic = photo.picture;
  allocate(pic, w, h);
  bool ok = false;
  if (features.has_alpha) {
    Bytes rgba(static_cast<std::size_t>(w) * h * 4);
    ok = WebPDecodeRGBAInto(bitstream, bitstream_size, rgba.data(), rgba.size(), w * 4) != nullptr;
    if (ok) composite_over_white(rgba.data(), static_cast<std::size_t>(w) * 4, pic);
  } else {
    ok = WebPDecodeRGBInto(bitstream, bitstream_size, pic.rgb.data(), pic.rgb.size(),
                           static_cast<int>(pic.stride())) != nullptr;
  }
  if (have_frame) WebPDemuxReleaseIterator(&frame);
  if (!ok) {
    photo.picture = {};
    return make_error(ErrorCode::kCorrupt, "damaged WebP: the picture data cannot be decoded", path,
                      "WebPDecode");
  }
  apply_icc(webp_chunk(demux.get(), "ICCP"), "ICC", photo);
  photo.exif = webp_chunk(demux.get(), "EXIF");
  if (!photo.exif.empty()) photo.orientation = read_exif(photo.exif).orientation;
  return Ok{};
}

// ---------------------------------------------------------------- HEIF (libheif)

struct HeifContextFree {
  void operator()(heif_context* c) const noexcept { heif_context_free(c); }
};
struct HeifHandleRelease {
  void operator()(heif_image_handle* h) const noexcept { heif_image_handle_release(h); }
};
struct HeifImageRelease {
  void operator()(heif_image* i) const noexcept { heif_image_release(i); }
};
struct HeifNclxFree {
  void operator()(heif_color_profile_nclx* n) const noexcept { heif_nclx_color_profile_free(n); }
};

Status check_heif(heif_error err, const char* call, const std::string& path,
                  const InputLimits& limits) {
  if (err.code == heif_error_Ok) return Ok{};
  if (err.subcode == heif_suberror_Security_limit_exceeded) {
    return make_error(ErrorCode::kLimitExceeded,
                      fmt::format("declares a picture larger than the safety limit of {} pixels "
                                  "a side (refused before decoding)",
                                  limits.max_dimension),
                      path, call);
  }
  std::string message = err.message != nullptr ? err.message : "unknown error";
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  err.message = message.c_str();
  const ErrorCode code =
      err.code == heif_error_Unsupported_feature || err.code == heif_error_Unsupported_filetype
          ? ErrorCode::kUnsupported
      : err.code == heif_error_Memory_allocation_error ? ErrorCode::kLimitExceeded
                                                       : ErrorCode::kCorrupt;
  return make_error(code, fmt::format("damaged or unsupported HEIF: {}", err.message), path, call);
}

using HeifHandlePtr = std::unique_ptr<heif_image_handle, HeifHandleRelease>;

/// Reads the container from memory and returns its primary picture's handle.
Result<HeifHandlePtr> open_heif_primary(heif_context* ctx, std::span<const std::uint8_t> data,
                                        const std::string& path, const InputLimits& limits) {
  heif_context_set_maximum_image_size_limit(ctx, limits.max_dimension);
  if (auto st = check_heif(
          heif_context_read_from_memory_without_copy(ctx, data.data(), data.size(), nullptr),
          "heif_context_read_from_memory", path, limits);
      !st)
    return st.error();
  heif_image_handle* raw = nullptr;
  if (auto st = check_heif(heif_context_get_primary_image_handle(ctx, &raw),
                           "heif_context_get_primary_image_handle", path, limits);
      !st)
    return st.error();
  return HeifHandlePtr(raw);
}

/// Decodes the primary picture to interleaved RGB in photo.picture, after checking its
/// declared sizes (stored and shown) against the limits.
Status decode_heif_pixels(heif_image_handle* handle, const std::string& path,
                          const InputLimits& limits, DecodedPhoto& photo) {
  const int stored_w = heif_image_handle_get_ispe_width(handle);
  const int stored_h = heif_image_handle_get_ispe_height(handle);
  const int shown_w = heif_image_handle_get_width(handle);
  const int shown_h = heif_image_handle_get_height(handle);
  if (auto st =
          check_dimensions(limits, std::max(stored_w, shown_w), std::max(stored_h, shown_h), path);
      !st)
    return st.error();
  photo.stored_width = stored_w;
  photo.stored_height = stored_h;

  // libheif 1.15 applies the irot/imir (and clap) transforms itself unless told not to, so the
  // picture comes out upright: EXIF orientation must not be applied a second time.
  heif_image* img_raw = nullptr;
  if (auto st = check_heif(heif_decode_image(handle, &img_raw, heif_colorspace_RGB,
                                             heif_chroma_interleaved_RGB, nullptr),
                           "heif_decode_image", path, limits);
      !st)
    return st.error();
  std::unique_ptr<heif_image, HeifImageRelease> img(img_raw);
  int stride = 0;
  const std::uint8_t* plane =
      heif_image_get_plane_readonly(img.get(), heif_channel_interleaved, &stride);
  const int w = heif_image_get_width(img.get(), heif_channel_interleaved);
  const int h = heif_image_get_height(img.get(), heif_channel_interleaved);
  if (plane == nullptr || w <= 0 || h <= 0 || stride < w * 3)
    return make_error(ErrorCode::kCorrupt, "damaged HEIF: no picture plane", path,
                      "heif_image_get_plane_readonly");
  Picture& pic = photo.picture;
  allocate(pic, w, h);
  for (int y = 0; y < h; ++y)
    std::memcpy(pic.pixel(0, y), plane + static_cast<std::size_t>(y) * stride, pic.stride());
  return Ok{};
}

/// Brings the picture to sRGB from its ICC profile or its nclx primaries (Display P3); other
/// primaries are left as they are, with a warning.
void apply_heif_colour(heif_image_handle* handle, DecodedPhoto& photo) {
  const heif_color_profile_type type = heif_image_handle_get_color_profile_type(handle);
  if (type == heif_color_profile_type_prof || type == heif_color_profile_type_rICC) {
    Bytes icc(heif_image_handle_get_raw_color_profile_size(handle));
    if (!icc.empty() &&
        heif_image_handle_get_raw_color_profile(handle, icc.data()).code == heif_error_Ok)
      apply_icc(icc, "ICC", photo);
    return;
  }
  if (type != heif_color_profile_type_nclx) return;
  heif_color_profile_nclx* nraw = nullptr;
  if (heif_image_handle_get_nclx_color_profile(handle, &nraw).code != heif_error_Ok) return;
  std::unique_ptr<heif_color_profile_nclx, HeifNclxFree> nclx(nraw);
  if (nclx->color_primaries == heif_color_primaries_SMPTE_EG_432_1) {
    ProfilePtr p3 = display_p3_profile();
    if (p3 && convert_rgb_to_srgb(p3.get(), photo.picture))
      photo.colour = "Display P3 (nclx) -> sRGB";
  } else if (nclx->color_primaries != heif_color_primaries_ITU_R_BT_709_5 &&
             nclx->color_primaries != heif_color_primaries_unspecified) {
    photo.warnings.push_back(
        fmt::format("colour primaries {} (nclx) are not converted; colours may look off",
                    static_cast<int>(nclx->color_primaries)));
  }
}

/// The EXIF block (from its TIFF header on) of the first Exif item, or empty.
Bytes heif_exif(heif_image_handle* handle, const InputLimits& limits) {
  heif_item_id id = 0;
  if (heif_image_handle_get_list_of_metadata_block_IDs(handle, "Exif", &id, 1) != 1) return {};
  const std::size_t n = heif_image_handle_get_metadata_size(handle, id);
  if (n <= 4 || n > limits.max_metadata_bytes) return {};
  Bytes block(n);
  if (heif_image_handle_get_metadata(handle, id, block.data()).code != heif_error_Ok) return {};
  // The HEIF Exif item starts with a 4-byte offset to the TIFF header.
  const std::uint32_t skip =
      (std::uint32_t{block[0]} << 24) | (block[1] << 16) | (block[2] << 8) | block[3];
  if (skip > n - 4) return {};
  return Bytes(block.begin() + 4 + skip, block.end());
}

Status decode_heif(std::span<const std::uint8_t> data, const std::string& path,
                   const InputLimits& limits, DecodedPhoto& photo) {
  std::unique_ptr<heif_context, HeifContextFree> ctx(heif_context_alloc());
  if (!ctx) return make_error(ErrorCode::kExternal, "out of memory", path, "heif_context_alloc");
  auto handle = open_heif_primary(ctx.get(), data, path, limits);
  if (!handle) return handle.error();
  if (auto st = decode_heif_pixels(handle->get(), path, limits, photo); !st) return st;
  apply_heif_colour(handle->get(), photo);
  photo.exif = heif_exif(handle->get(), limits);
  if (!photo.exif.empty()) photo.orientation = read_exif(photo.exif).orientation;
  return Ok{};
}

}  // namespace

Result<DecodedPhoto> decode_photo(std::span<const std::uint8_t> data, const std::string& path,
                                  const InputLimits& limits, int min_long_edge) {
  DecodedPhoto photo;
  photo.colour = "sRGB";
  if (data.empty()) return make_error(ErrorCode::kCorrupt, "the file is empty", path);
  const ImageFormat format = sniff_image(data.first(std::min(data.size(), kSniffBytes)));
  Status st = Ok{};
  switch (format) {
    case ImageFormat::kJpeg:
      st = decode_jpeg(data, path, limits, min_long_edge, photo);
      break;
    case ImageFormat::kPng:
      st = decode_png(data, path, limits, photo);
      break;
    case ImageFormat::kWebp:
      st = decode_webp(data, path, limits, photo);
      break;
    case ImageFormat::kHeif:
    case ImageFormat::kAvif:
      st = decode_heif(data, path, limits, photo);
      break;
    case ImageFormat::kNone:
      return make_error(ErrorCode::kUnsupported, "not a photo format Saluran reads", path);
  }
  if (!st) return st.error();
  if (photo.exif.size() > limits.max_metadata_bytes) photo.exif.clear();
  if (format != ImageFormat::kHeif && format != ImageFormat::kAvif && photo.orientation != 1)
    photo.picture = orient_picture(std::move(photo.picture), photo.orientation);
  return photo;
}

}  // namespace saluran
