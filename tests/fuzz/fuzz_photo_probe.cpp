// Fuzz target for photo probing (DESIGN.md rule 9): sniffing, then the JPEG, PNG, WebP and
// HEIF/AVIF header readers, the JPEG verification pass and the EXIF reader behind them, with the
// default input limits. Built as a libFuzzer binary (fuzz_photo_probe) with Clang and
// SALURAN_BUILD_FUZZERS=ON, and always as replay_photo_probe, which runs each file of a corpus
// once.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "codecs/image/photo_probe.hpp"
#include "codecs/input_limits.hpp"
#include "codecs/sniff.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  const saluran::ImageFormat format =
      saluran::sniff_image(bytes.first(std::min(size, saluran::kSniffBytes)));
  if (format == saluran::ImageFormat::kNone) return 0;
  const saluran::InputLimits limits;
  const auto r = saluran::probe_photo(bytes, format, "fuzz", limits);
  if (r.ok()) {
    // An accepted picture is within the limits and has a size.
    const saluran::PictureInfo& pic = r->picture.value();
    if (pic.width <= 0 || pic.height <= 0 || pic.width > limits.max_dimension ||
        pic.height > limits.max_dimension)
      std::abort();
    if (pic.orientation < 1 || pic.orientation > 8) std::abort();
  }
  return 0;
}
