#include "codecs/image/photo_probe.hpp"

// clang-format off
#include <cstdio>  // jpeglib.h needs FILE and size_t first
#include <csetjmp>
#include <jpeglib.h>
#include <jerror.h>
// clang-format on
#include <libheif/heif.h>
#include <png.h>
#include <webp/decode.h>
#include <webp/demux.h>

#include <cstring>
#include <memory>
#include <vector>

#include <fmt/format.h>

#include "codecs/image/image_lib_callbacks.hpp"
#include "codecs/meta/exif_reader.hpp"

namespace saluran {
namespace {

// ---------------------------------------------------------------- JPEG (libjpeg-turbo)

/// Memory libjpeg may use for the integrity check (a 100 MP progressive 4:2:0 JPEG needs ~300 MB).
constexpr long kMaxJpegDecodeMemory = 384L << 20;
/// More pixels per byte than this is no photo: real JPEGs stay under ~300 even for flat scenes.
constexpr double kMaxPixelsPerByte = 4000;

struct JpegFacts {
  int width = 0;
  int height = 0;
  int components = 0;
  int color_space = 0;
  bool progressive = false;
  long warnings = 0;
  double damage_at = 0;
  bool ended_early = false;
  bool no_end_marker = false;
  char message[JMSG_LENGTH_MAX] = {};
  std::vector<std::uint8_t> exif;  // APP1 "Exif\0\0..." segment body
};

/// Reads the header and, when `verify`, all entropy-coded data at 1/8 scale. Uses only trivially
/// destructible locals between setjmp and longjmp; the decompress object is destroyed on both
/// paths. Returns false with facts->message set on a fatal libjpeg error.
bool read_jpeg(const std::uint8_t* data, std::size_t size, const InputLimits& limits, bool verify,
               JpegFacts* facts, bool* too_large) {
  jpeg_decompress_struct cinfo;
  JpegErrorManager err;
  install_jpeg_errors(cinfo, err);
  JSAMPARRAY row = nullptr;
  if (setjmp(err.jump) != 0) {
    err.base.format_message(reinterpret_cast<j_common_ptr>(&cinfo), facts->message);
    jpeg_destroy_decompress(&cinfo);
    return false;
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, data, static_cast<unsigned long>(size));
  jpeg_save_markers(&cinfo, JPEG_APP0 + 1, 0xFFFF);
  jpeg_read_header(&cinfo, TRUE);
  facts->width = static_cast<int>(cinfo.image_width);
  facts->height = static_cast<int>(cinfo.image_height);
  facts->components = cinfo.num_components;
  facts->color_space = cinfo.jpeg_color_space;
  facts->progressive = cinfo.progressive_mode != 0;
  for (jpeg_saved_marker_ptr m = cinfo.marker_list; m != nullptr; m = m->next) {
    if (m->marker == JPEG_APP0 + 1 && m->data_length > 6 &&
        std::memcmp(m->data, "Exif\0\0", 6) == 0) {
      facts->exif.assign(m->data, m->data + m->data_length);
      break;
    }
  }
  *too_large = facts->width > limits.max_dimension || facts->height > limits.max_dimension ||
               static_cast<std::int64_t>(facts->width) * facts->height > limits.max_pixels;
  if (verify && !*too_large) {
    // Progressive JPEGs need a coefficient buffer for the whole image: cap what libjpeg may
    // take, so a tiny file declaring a huge progressive picture fails instead of allocating.
    cinfo.mem->max_memory_to_use = kMaxJpegDecodeMemory;
    cinfo.scale_num = 1;
    cinfo.scale_denom = 8;
    cinfo.dct_method = JDCT_IFAST;
    cinfo.do_fancy_upsampling = FALSE;
    jpeg_start_decompress(&cinfo);
    row = (*cinfo.mem->alloc_sarray)(reinterpret_cast<j_common_ptr>(&cinfo), JPOOL_IMAGE,
                                     cinfo.output_width * cinfo.output_components, 1);
    while (cinfo.output_scanline < cinfo.output_height) jpeg_read_scanlines(&cinfo, row, 1);
    jpeg_finish_decompress(&cinfo);
  }
  facts->warnings = err.damage;
  facts->damage_at = err.damage_at;
  facts->ended_early = err.ended_early;
  if (err.damage > 0) std::memcpy(facts->message, err.first_damage, sizeof facts->message);
  jpeg_destroy_decompress(&cinfo);
  return true;
}

/// Walks a JPEG's marker segments and entropy-coded scans from SOI and reports whether an EOI
/// marker ends them. In scan data 0xFF is followed by 0x00 (stuffing), RSTn or 0xFF (fill), so
/// any other 0xFF xx there is a marker; marker segments are skipped by their length.
bool jpeg_reaches_end_marker(std::span<const std::uint8_t> d) {
  std::size_t i = 2;  // after SOI
  bool in_scan = false;
  while (i + 1 < d.size()) {
    if (in_scan) {
      const void* ff = std::memchr(d.data() + i, 0xFF, d.size() - i);
      if (ff == nullptr) return false;
      i = static_cast<std::size_t>(static_cast<const std::uint8_t*>(ff) - d.data());
      if (i + 1 >= d.size()) return false;
      const std::uint8_t next = d[i + 1];
      if (next == 0x00 || (next >= 0xD0 && next <= 0xD7) || next == 0xFF) {
        i += next == 0xFF ? 1 : 2;
        continue;
      }
      in_scan = false;  // a marker: handled below
    }
    if (d[i] != 0xFF) return false;
    const std::uint8_t marker = d[i + 1];
    if (marker == 0xFF) {  // fill byte before a marker
      ++i;
      continue;
    }
    if (marker == 0xD9) return true;                             // EOI
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) {  // no length
      i += 2;
      continue;
    }
    if (i + 3 >= d.size()) return false;
    const std::size_t length = (std::size_t{d[i + 2]} << 8) | d[i + 3];
    if (length < 2) return false;
    i += 2 + length;
    if (marker == 0xDA) in_scan = true;  // SOS: entropy-coded data follows its header
  }
  return false;
}

Status probe_jpeg(std::span<const std::uint8_t> data, const std::string& path,
                  const InputLimits& limits, MediaInfo& info, std::vector<std::uint8_t>& exif) {
  JpegFacts facts;
  bool too_large = false;
  // A file whose markers lead to its end-of-image marker holds all its picture data: reading
  // the header is enough. Only one that does not is decoded, to tell a missing marker from a
  // copy cut short (the decode costs ~10 ms per 12 MP photo; the walk, a memchr pass).
  const bool complete = jpeg_reaches_end_marker(data);
  bool ok = read_jpeg(data.data(), data.size(), limits, !complete, &facts, &too_large);
  if (ok && facts.ended_early) {
    // The data ran out. If only the 2-byte end marker is missing, the same bytes with the
    // marker added decode without any complaint; a copy cut inside the picture data does not.
    std::vector<std::uint8_t> closed(data.begin(), data.end());
    closed.push_back(0xFF);
    closed.push_back(0xD9);
    JpegFacts retry;
    if (read_jpeg(closed.data(), closed.size(), limits, true, &retry, &too_large) &&
        retry.warnings == 0) {
      facts.ended_early = false;
      facts.warnings = 0;
      facts.no_end_marker = true;
    }
  }
  if (!ok) {
    return make_error(ErrorCode::kCorrupt, fmt::format("damaged JPEG: {}", facts.message), path,
                      "libjpeg");
  }
  if (auto st = check_dimensions(limits, facts.width, facts.height, path); !st) return st.error();
  if (static_cast<double>(facts.width) * facts.height >
      kMaxPixelsPerByte * static_cast<double>(data.size())) {
    return make_error(ErrorCode::kLimitExceeded,
                      fmt::format("declares {}x{} pixels in only {} bytes: not a real photo "
                                  "(refused before decoding)",
                                  facts.width, facts.height, data.size()),
                      path);
  }
  if (facts.no_end_marker) info.warnings.push_back("the file lacks its end marker (EOI)");
  // A file that ends before its picture does is an incomplete copy: copying it again helps.
  // Damage inside a complete file (a bad segment the decoder resynchronises after) was there
  // when the camera wrote it: the photo is kept, with a warning, and its metadata is read.
  if (facts.ended_early) {
    return make_error(ErrorCode::kCorrupt,
                      fmt::format("the file ends before its picture does ({}, {:.0f}% of rows "
                                  "present); copy the file again from the card or camera",
                                  facts.message, facts.damage_at * 100),
                      path, "libjpeg");
  }
  if (facts.warnings > 0) {
    info.warnings.push_back(fmt::format(
        "picture data is damaged in places from {:.0f}% of its height ({}, {} "
        "decoder warning{}); the photo may show grey or smeared bands",
        facts.damage_at * 100, facts.message, facts.warnings, facts.warnings == 1 ? "" : "s"));
  }
  PictureInfo& pic = info.picture.emplace();
  pic.codec = "jpeg";
  pic.profile = facts.progressive ? "progressive" : "baseline";
  pic.width = facts.width;
  pic.height = facts.height;
  pic.pixel_format = facts.components == 1 ? "gray" : facts.components == 4 ? "cmyk" : "ycbcr";
  exif = std::move(facts.exif);
  return Ok{};
}

// ---------------------------------------------------------------- PNG (libpng)

struct PngFacts {
  png_uint_32 width = 0;
  png_uint_32 height = 0;
  int bit_depth = 0;
  int color_type = 0;
  char message[200] = {};
  std::vector<std::uint8_t> exif;
};

bool read_png_header(const std::uint8_t* data, std::size_t size, PngFacts* facts) {
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, facts->message, png_error_jump,
                                           png_warning_quiet);
  if (png == nullptr) return false;
  png_infop pinfo = png_create_info_struct(png);
  PngReader reader{data, size, 0};
  if (pinfo == nullptr || setjmp(png_jmpbuf(png)) != 0) {
    png_destroy_read_struct(&png, &pinfo, nullptr);
    return false;
  }
  // libpng's own user limits stay on; ours are checked by the caller from IHDR.
  // libpng's own limit would report a huge size as "invalid"; ours names it (checked next).
  png_set_user_limits(png, 0x7fffffff, 0x7fffffff);
  png_set_read_fn(png, &reader, png_read_from_memory);
  png_read_info(png, pinfo);
  int interlace = 0;
  png_get_IHDR(png, pinfo, &facts->width, &facts->height, &facts->bit_depth, &facts->color_type,
               &interlace, nullptr, nullptr);
#ifdef PNG_eXIf_SUPPORTED
  png_bytep exif = nullptr;
  png_uint_32 exif_len = 0;
  if (png_get_eXIf_1(png, pinfo, &exif_len, &exif) != 0 && exif != nullptr)
    facts->exif.assign(exif, exif + exif_len);
#endif
  png_destroy_read_struct(&png, &pinfo, nullptr);
  return true;
}

Status probe_png(std::span<const std::uint8_t> data, const std::string& path,
                 const InputLimits& limits, MediaInfo& info, std::vector<std::uint8_t>& exif) {
  PngFacts facts;
  if (!read_png_header(data.data(), data.size(), &facts)) {
    return make_error(ErrorCode::kCorrupt, fmt::format("damaged PNG: {}", facts.message), path,
                      "libpng");
  }
  if (auto st = check_dimensions(limits, facts.width, facts.height, path); !st) return st.error();
  PictureInfo& pic = info.picture.emplace();
  pic.codec = "png";
  pic.width = static_cast<int>(facts.width);
  pic.height = static_cast<int>(facts.height);
  pic.bit_depth = facts.bit_depth;
  switch (facts.color_type) {
    case PNG_COLOR_TYPE_GRAY:
      pic.pixel_format = "gray";
      break;
    case PNG_COLOR_TYPE_GRAY_ALPHA:
      pic.pixel_format = "graya";
      break;
    case PNG_COLOR_TYPE_PALETTE:
      pic.pixel_format = "palette";
      break;
    case PNG_COLOR_TYPE_RGB_ALPHA:
      pic.pixel_format = "rgba";
      break;
    default:
      pic.pixel_format = "rgb";
      break;
  }
  exif = std::move(facts.exif);
  return Ok{};
}

// ---------------------------------------------------------------- WebP (libwebp)

struct WebPDemuxerFree {
  void operator()(WebPDemuxer* d) const noexcept { WebPDemuxDelete(d); }
};

Status probe_webp(std::span<const std::uint8_t> data, const std::string& path,
                  const InputLimits& limits, MediaInfo& info, std::vector<std::uint8_t>& exif) {
  WebPBitstreamFeatures features;
  const VP8StatusCode status = WebPGetFeatures(data.data(), data.size(), &features);
  if (status != VP8_STATUS_OK) {
    return make_error(ErrorCode::kCorrupt,
                      fmt::format("damaged WebP (libwebp status {})", static_cast<int>(status)),
                      path, "WebPGetFeatures");
  }
  if (auto st = check_dimensions(limits, features.width, features.height, path); !st)
    return st.error();
  PictureInfo& pic = info.picture.emplace();
  pic.codec = "webp";
  pic.profile = features.format == 2 ? "lossless" : features.format == 1 ? "lossy" : "mixed";
  pic.width = features.width;
  pic.height = features.height;
  pic.pixel_format = features.has_alpha ? "rgba" : "rgb";
  if (features.has_animation)
    info.warnings.push_back("animated WebP: only the first frame is used");
  const WebPData whole{data.data(), data.size()};
  std::unique_ptr<WebPDemuxer, WebPDemuxerFree> demux(WebPDemux(&whole));
  WebPChunkIterator chunk;
  if (demux && WebPDemuxGetChunk(demux.get(), "EXIF", 1, &chunk)) {
    exif.assign(chunk.chunk.bytes, chunk.chunk.bytes + chunk.chunk.size);
    WebPDemuxReleaseChunkIterator(&chunk);
  }
  return Ok{};
}

// ---------------------------------------------------------------- HEIF / AVIF (libheif)

struct HeifContextFree {
  void operator()(heif_context* c) const noexcept { heif_context_free(c); }
};
struct HeifHandleRelease {
  void operator()(heif_image_handle* h) const noexcept { heif_image_handle_release(h); }
};

Status check_heif(heif_error err, const char* call, const std::string& path) {
  if (err.code == heif_error_Ok) return Ok{};
  const ErrorCode code =
      err.code == heif_error_Unsupported_feature || err.code == heif_error_Unsupported_filetype
          ? ErrorCode::kUnsupported
      : err.code == heif_error_Memory_allocation_error ? ErrorCode::kLimitExceeded
                                                       : ErrorCode::kCorrupt;
  return make_error(code, fmt::format("damaged or unsupported HEIF: {}", err.message), path, call);
}

Status probe_heif(std::span<const std::uint8_t> data, ImageFormat format, const std::string& path,
                  const InputLimits& limits, MediaInfo& info, std::vector<std::uint8_t>& exif) {
  std::unique_ptr<heif_context, HeifContextFree> ctx(heif_context_alloc());
  if (!ctx) return make_error(ErrorCode::kExternal, "out of memory", path, "heif_context_alloc");
  // Parses the box structure only; no picture data is decoded here.
  if (auto st = check_heif(
          heif_context_read_from_memory_without_copy(ctx.get(), data.data(), data.size(), nullptr),
          "heif_context_read_from_memory", path);
      !st)
    return st.error();
  heif_image_handle* raw = nullptr;
  if (auto st = check_heif(heif_context_get_primary_image_handle(ctx.get(), &raw),
                           "heif_context_get_primary_image_handle", path);
      !st)
    return st.error();
  std::unique_ptr<heif_image_handle, HeifHandleRelease> handle(raw);
  const int stored_w = heif_image_handle_get_ispe_width(handle.get());
  const int stored_h = heif_image_handle_get_ispe_height(handle.get());
  const int shown_w = heif_image_handle_get_width(handle.get());
  const int shown_h = heif_image_handle_get_height(handle.get());
  if (auto st =
          check_dimensions(limits, std::max(stored_w, shown_w), std::max(stored_h, shown_h), path);
      !st)
    return st.error();
  PictureInfo& pic = info.picture.emplace();
  pic.codec = format == ImageFormat::kAvif ? "av1" : "hevc";
  pic.width = stored_w;
  pic.height = stored_h;
  pic.upright_width = shown_w;
  pic.upright_height = shown_h;
  pic.bit_depth = std::max(8, heif_image_handle_get_luma_bits_per_pixel(handle.get()));
  pic.pixel_format = heif_image_handle_has_alpha_channel(handle.get()) ? "rgba" : "ycbcr";
  heif_item_id id = 0;
  if (heif_image_handle_get_list_of_metadata_block_IDs(handle.get(), "Exif", &id, 1) == 1) {
    const std::size_t n = heif_image_handle_get_metadata_size(handle.get(), id);
    if (n > 4 && n <= limits.max_metadata_bytes) {
      std::vector<std::uint8_t> block(n);
      if (heif_image_handle_get_metadata(handle.get(), id, block.data()).code == heif_error_Ok) {
        // The HEIF Exif item starts with a 4-byte offset to the TIFF header.
        const std::uint32_t skip =
            (std::uint32_t{block[0]} << 24) | (block[1] << 16) | (block[2] << 8) | block[3];
        if (skip <= n - 4) exif.assign(block.begin() + 4 + skip, block.end());
      }
    }
  }
  return Ok{};
}

}  // namespace

OrientationTransform orientation_transform(int orientation) {
  switch (orientation) {
    case 2:
      return {0, true};
    case 3:
      return {180, false};
    case 4:
      return {180, true};
    case 5:
      return {90, true};
    case 6:
      return {90, false};
    case 7:
      return {270, true};
    case 8:
      return {270, false};
    default:
      return {0, false};
  }
}

Result<MediaInfo> probe_photo(std::span<const std::uint8_t> data, ImageFormat format,
                              const std::string& path, const InputLimits& limits) {
  MediaInfo info;
  info.path = path;
  info.kind = MediaKind::kPhoto;
  info.container = image_format_name(format);
  info.size_bytes = data.size();
  std::vector<std::uint8_t> exif;
  Status st = Ok{};
  switch (format) {
    case ImageFormat::kJpeg:
      st = probe_jpeg(data, path, limits, info, exif);
      break;
    case ImageFormat::kPng:
      st = probe_png(data, path, limits, info, exif);
      break;
    case ImageFormat::kWebp:
      st = probe_webp(data, path, limits, info, exif);
      break;
    case ImageFormat::kHeif:
    case ImageFormat::kAvif:
      st = probe_heif(data, format, path, limits, info, exif);
      break;
    case ImageFormat::kNone:
      return make_error(ErrorCode::kUnsupported, "not a photo format Saluran reads", path);
  }
  if (!st) return st.error();

  PictureInfo& pic = *info.picture;
  if (!exif.empty()) {
    ExifFacts facts = read_exif(exif);
    info.meta = std::move(facts.meta);
    pic.orientation = facts.orientation;
    for (auto& w : facts.warnings) info.warnings.push_back(std::move(w));
  }
  if (format == ImageFormat::kHeif || format == ImageFormat::kAvif) {
    // HEIF carries its own transform (irot/imir) which libheif applies; EXIF orientation is
    // informative only there. The shown size tells whether a quarter turn is involved.
    const bool swapped = pic.upright_width == pic.height && pic.upright_height == pic.width &&
                         pic.width != pic.height;
    const OrientationTransform t = orientation_transform(pic.orientation);
    pic.rotation = swapped ? (t.rotation == 270 ? 270 : 90) : (t.rotation == 180 ? 180 : 0);
    if (!swapped && t.rotation % 180 != 0) pic.rotation = 0;
  } else {
    const OrientationTransform t = orientation_transform(pic.orientation);
    pic.rotation = t.rotation;
    pic.mirrored = t.mirrored;
    const bool quarter = t.rotation % 180 != 0;
    pic.upright_width = quarter ? pic.height : pic.width;
    pic.upright_height = quarter ? pic.width : pic.height;
  }
  return info;
}

}  // namespace saluran
