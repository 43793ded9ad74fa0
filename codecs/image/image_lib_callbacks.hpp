#pragma once
// libjpeg and libpng callbacks shared by the photo probe and the photo decoder: fatal errors
// jump back to the caller's setjmp instead of exiting, warnings are counted (damage) rather
// than printed, and libpng reads from memory.
//
//   JpegErrorManager err;
//   install_jpeg_errors(cinfo, err);
//   if (setjmp(err.jump) != 0) { ... jpeg_destroy_decompress(&cinfo); return false; }
//   png_create_read_struct(PNG_LIBPNG_VER_STRING, message200, png_error_jump, png_warning_quiet);

// clang-format off
#include <cstdio>  // jpeglib.h needs FILE and size_t first
#include <csetjmp>
#include <jpeglib.h>
// clang-format on

#include <png.h>

#include <cstddef>
#include <cstdint>

namespace saluran {

/// libjpeg's error manager with a jump target and what its warnings said about damage.
struct JpegErrorManager {
  jpeg_error_mgr base;
  std::jmp_buf jump;
  long damage = 0;                     ///< warnings that mean damaged picture data
  char first_damage[JMSG_LENGTH_MAX];  ///< text of the first of them
  double damage_at = 0;                ///< share of rows decoded when it happened, 0..1
  bool ended_early = false;            ///< the data ended before the picture did
};

/// Makes `cinfo` report through `err`: a fatal error longjmps to err.jump; harmless warnings
/// (stray bytes, odd ICC/Adobe/JFIF segments) are ignored, the others counted as damage.
void install_jpeg_errors(jpeg_decompress_struct& cinfo, JpegErrorManager& err);

/// Where libpng reads from: a buffer in memory.
struct PngReader {
  const std::uint8_t* data = nullptr;
  std::size_t size = 0;
  std::size_t pos = 0;
};

extern "C" {
/// png_set_read_fn callback over a PngReader; reading past the end is a PNG error.
void png_read_from_memory(png_structp png, png_bytep out, png_size_t count);
/// png_create_read_struct error callback: copies the message into the error pointer (a buffer
/// of at least 200 chars) and jumps back to png_jmpbuf.
void png_error_jump(png_structp png, png_const_charp message);
/// png_create_read_struct warning callback that prints nothing.
void png_warning_quiet(png_structp png, png_const_charp message);
}

}  // namespace saluran
