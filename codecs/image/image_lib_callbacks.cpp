#include "codecs/image/image_lib_callbacks.hpp"

#include <jerror.h>

#include <cstring>

namespace saluran {
namespace {

extern "C" void jpeg_error_exit_jump(j_common_ptr cinfo) {
  std::longjmp(reinterpret_cast<JpegErrorManager*>(cinfo->err)->jump, 1);
}

extern "C" void jpeg_emit_quiet(j_common_ptr cinfo, int level) {
  // Warnings (level -1) are counted, not printed. Stray bytes between markers and odd ICC or
  // Adobe segments are common in camera files and harmless; the rest mean damaged picture data.
  if (level >= 0) return;
  auto* err = reinterpret_cast<JpegErrorManager*>(cinfo->err);
  const int code = cinfo->err->msg_code;
  cinfo->err->num_warnings++;
  if (code == JWRN_EXTRANEOUS_DATA || code == JWRN_ADOBE_XFORM || code == JWRN_BOGUS_ICC ||
      code == JWRN_JFIF_MAJOR)
    return;
  if (code == JWRN_JPEG_EOF) err->ended_early = true;
  if (err->damage++ > 0) return;
  cinfo->err->format_message(cinfo, err->first_damage);
  if (cinfo->is_decompressor) {
    auto* d = reinterpret_cast<j_decompress_ptr>(cinfo);
    if (d->output_height > 0)
      err->damage_at = static_cast<double>(d->output_scanline) / d->output_height;
  }
}

extern "C" void jpeg_output_quiet(j_common_ptr) {}

}  // namespace

void install_jpeg_errors(jpeg_decompress_struct& cinfo, JpegErrorManager& err) {
  err.first_damage[0] = '\0';
  cinfo.err = jpeg_std_error(&err.base);
  err.base.error_exit = jpeg_error_exit_jump;
  err.base.emit_message = jpeg_emit_quiet;
  err.base.output_message = jpeg_output_quiet;
}

extern "C" void png_read_from_memory(png_structp png, png_bytep out, png_size_t count) {
  auto* r = static_cast<PngReader*>(png_get_io_ptr(png));
  if (count > r->size - r->pos) png_error(png, "the file is truncated");
  std::memcpy(out, r->data + r->pos, count);
  r->pos += count;
}

extern "C" void png_error_jump(png_structp png, png_const_charp message) {
  std::snprintf(static_cast<char*>(png_get_error_ptr(png)), 200, "%s", message);
  png_longjmp(png, 1);
}

extern "C" void png_warning_quiet(png_structp, png_const_charp) {}

}  // namespace saluran
