#include "codecs/image/photo_encode.hpp"

// clang-format off
#include <cstdio>  // jpeglib.h needs FILE and size_t first
#include <csetjmp>
#include <jpeglib.h>
// clang-format on
#include <webp/encode.h>
#include <webp/mux.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>

#include <fmt/format.h>

namespace saluran {
namespace {

using Bytes = std::vector<std::uint8_t>;

/// An APP1 segment holds at most 65533 bytes after its length field.
constexpr std::size_t kMaxApp1Bytes = 65533;

struct JpegErrorManager {
  jpeg_error_mgr base;
  std::jmp_buf jump;
};

extern "C" void photo_encode_jpeg_error_exit(j_common_ptr cinfo) {
  std::longjmp(reinterpret_cast<JpegErrorManager*>(cinfo->err)->jump, 1);
}

extern "C" void photo_encode_jpeg_output(j_common_ptr) {}

/// The libjpeg pass; only trivially destructible locals between setjmp and longjmp.
/// On success *out/*out_size hold a malloc'ed buffer the caller frees.
bool run_jpeg_encode(const Picture& pic, const EncodeOptions& o, unsigned char** out,
                     unsigned long* out_size, char* message) {
  jpeg_compress_struct cinfo;
  JpegErrorManager err;
  cinfo.err = jpeg_std_error(&err.base);
  err.base.error_exit = photo_encode_jpeg_error_exit;
  err.base.output_message = photo_encode_jpeg_output;
  JSAMPROW rows[16];
  if (setjmp(err.jump) != 0) {
    err.base.format_message(reinterpret_cast<j_common_ptr>(&cinfo), message);
    jpeg_destroy_compress(&cinfo);
    return false;
  }
  jpeg_create_compress(&cinfo);
  jpeg_mem_dest(&cinfo, out, out_size);
  cinfo.image_width = static_cast<JDIMENSION>(pic.width);
  cinfo.image_height = static_cast<JDIMENSION>(pic.height);
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_EXT_RGB;
  jpeg_set_defaults(&cinfo);  // YCbCr 4:2:0, ISLOW DCT
  jpeg_set_quality(&cinfo, o.quality, TRUE);
  if (o.progressive) {
    jpeg_simple_progression(&cinfo);  // implies optimised Huffman tables
  } else {
    cinfo.optimize_coding = TRUE;  // a few % smaller for a few % more time
  }
  // EXIF requires its APP1 right after SOI; JFIF's APP0 would come first, so it is left out
  // (decoders take 3-component JPEGs without it as YCbCr anyway).
  if (!o.exif.empty()) cinfo.write_JFIF_header = FALSE;
  jpeg_start_compress(&cinfo, TRUE);
  if (!o.exif.empty())
    jpeg_write_marker(&cinfo, JPEG_APP0 + 1, o.exif.data(), static_cast<unsigned>(o.exif.size()));
  const std::size_t stride = pic.stride();
  while (cinfo.next_scanline < cinfo.image_height) {
    const JDIMENSION first = cinfo.next_scanline;
    const JDIMENSION n = std::min<JDIMENSION>(16, cinfo.image_height - first);
    for (JDIMENSION i = 0; i < n; ++i)
      rows[i] = const_cast<JSAMPROW>(pic.rgb.data() + (first + i) * stride);
    jpeg_write_scanlines(&cinfo, rows, n);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  return true;
}

Result<Bytes> encode_jpeg(const Picture& pic, const EncodeOptions& o) {
  if (o.exif.size() > kMaxApp1Bytes)
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("the EXIF block ({} bytes) is larger than a JPEG APP1 segment "
                                  "holds ({} bytes)",
                                  o.exif.size(), kMaxApp1Bytes));
  unsigned char* buf = nullptr;
  unsigned long size = 0;
  char message[JMSG_LENGTH_MAX] = {};
  const bool ok = run_jpeg_encode(pic, o, &buf, &size, message);
  std::unique_ptr<unsigned char, decltype(&std::free)> owned(buf, &std::free);
  if (!ok)
    return make_error(ErrorCode::kExternal, fmt::format("JPEG encoding failed: {}", message), {},
                      "libjpeg");
  return Bytes(buf, buf + size);
}

struct WebPMuxFree {
  void operator()(WebPMux* m) const noexcept { WebPMuxDelete(m); }
};
struct WebPPictureRelease {
  void operator()(WebPPicture* p) const noexcept { WebPPictureFree(p); }
};

Result<Bytes> encode_webp(const Picture& pic, const EncodeOptions& o) {
  WebPConfig config;
  if (!WebPConfigPreset(&config, WEBP_PRESET_PHOTO, static_cast<float>(o.quality)))
    return make_error(ErrorCode::kExternal, "libwebp version mismatch", {}, "WebPConfigInit");
  config.method = 4;  // libwebp's default trade-off of speed against size
  WebPPicture wp;
  if (!WebPPictureInit(&wp))
    return make_error(ErrorCode::kExternal, "libwebp version mismatch", {}, "WebPPictureInit");
  wp.width = pic.width;
  wp.height = pic.height;
  wp.use_argb = 0;  // straight to YUV 4:2:0: no ARGB copy
  WebPMemoryWriter writer;
  WebPMemoryWriterInit(&writer);
  wp.writer = WebPMemoryWrite;
  wp.custom_ptr = &writer;
  std::unique_ptr<WebPPicture, WebPPictureRelease> wp_owner(&wp);
  std::unique_ptr<WebPMemoryWriter, decltype(&WebPMemoryWriterClear)> writer_owner(
      &writer, &WebPMemoryWriterClear);
  if (!WebPPictureImportRGB(&wp, pic.rgb.data(), static_cast<int>(pic.stride())))
    return make_error(ErrorCode::kExternal, "out of memory", {}, "WebPPictureImportRGB");
  if (!WebPEncode(&config, &wp))
    return make_error(
        ErrorCode::kExternal,
        fmt::format("WebP encoding failed (error {})", static_cast<int>(wp.error_code)), {},
        "WebPEncode");
  if (o.exif.empty()) return Bytes(writer.mem, writer.mem + writer.size);

  // WebP's EXIF chunk holds the TIFF structure itself: the JPEG "Exif\0\0" prefix is dropped
  // (exiftool and browsers expect the TIFF header first).
  std::size_t skip = 0;
  if (o.exif.size() > 6 && std::memcmp(o.exif.data(), "Exif\0\0", 6) == 0) skip = 6;
  const WebPData image{writer.mem, writer.size};
  std::unique_ptr<WebPMux, WebPMuxFree> mux(WebPMuxCreate(&image, 0));
  if (!mux) return make_error(ErrorCode::kExternal, "out of memory", {}, "WebPMuxCreate");
  const WebPData exif{o.exif.data() + skip, o.exif.size() - skip};
  if (WebPMuxSetChunk(mux.get(), "EXIF", &exif, 1) != WEBP_MUX_OK)
    return make_error(ErrorCode::kExternal, "cannot add the EXIF chunk", {}, "WebPMuxSetChunk");
  WebPData assembled;
  WebPDataInit(&assembled);
  if (WebPMuxAssemble(mux.get(), &assembled) != WEBP_MUX_OK)
    return make_error(ErrorCode::kExternal, "cannot assemble the WebP file", {}, "WebPMuxAssemble");
  Bytes out(assembled.bytes, assembled.bytes + assembled.size);
  WebPDataClear(&assembled);
  return out;
}

}  // namespace

Result<std::vector<std::uint8_t>> encode_picture(const Picture& picture,
                                                 const EncodeOptions& options) {
  if (picture.empty() ||
      picture.rgb.size() < picture.stride() * static_cast<std::size_t>(picture.height))
    return make_error(ErrorCode::kInvalidArgument, "nothing to encode: the picture is empty");
  if (options.quality < 1 || options.quality > 100)
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("quality {} is out of range (1 to 100)", options.quality));
  if (options.format == "jpeg") {
    if (picture.width > 65500 || picture.height > 65500)
      return make_error(ErrorCode::kInvalidArgument, "JPEG holds at most 65500 pixels a side");
    return encode_jpeg(picture, options);
  }
  if (options.format == "webp") {
    if (picture.width > WEBP_MAX_DIMENSION || picture.height > WEBP_MAX_DIMENSION)
      return make_error(ErrorCode::kInvalidArgument,
                        fmt::format("WebP holds at most {} pixels a side", WEBP_MAX_DIMENSION));
    return encode_webp(picture, options);
  }
  return make_error(
      ErrorCode::kInvalidArgument,
      fmt::format("unknown output format \"{}\" (use \"jpeg\" or \"webp\")", options.format));
}

}  // namespace saluran
