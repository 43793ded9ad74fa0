// Fuzz target for photo decoding (DESIGN.md rule 9): the JPEG, PNG, WebP and HEIF decoders
// behind decode_photo, with their ICC and EXIF handling, shrink-on-load and orientation, then
// the EXIF writer on whatever EXIF block came with it. The limits are small, so a hostile
// header cannot make the fuzzer allocate gigabytes. Built as a libFuzzer binary
// (fuzz_photo_decode) with Clang and SALURAN_BUILD_FUZZERS=ON, and always as
// replay_photo_decode, which runs each file of a corpus once.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "codecs/image/photo_decode.hpp"
#include "codecs/input_limits.hpp"
#include "codecs/meta/exif_writer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  saluran::InputLimits limits;
  limits.max_dimension = 8192;
  limits.max_pixels = 40'000'000;
  const auto r = saluran::decode_photo(std::span(data, size), "fuzz", limits, 256);
  if (!r.ok()) return 0;
  // A decoded picture has the size it says, in whole RGB pixels.
  const saluran::Picture& p = r->picture;
  if (p.width <= 0 || p.height <= 0 ||
      p.rgb.size() != static_cast<std::size_t>(p.width) * p.height * 3)
    std::abort();
  const auto exif = saluran::build_output_exif(r->exif, {}, p.width, p.height);
  (void)exif;
  return 0;
}
