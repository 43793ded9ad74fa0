// Fuzz target for the EXIF reader (DESIGN.md rule 9): libexif plus our own interpretation.
// Built as a libFuzzer binary (fuzz_exif) with Clang and SALURAN_BUILD_FUZZERS=ON, and always as
// replay_exif, which runs each file of a corpus once.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "codecs/meta/exif_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const saluran::ExifFacts facts = saluran::read_exif(std::span<const std::uint8_t>(data, size));
  // What the header promises whatever the input: an orientation of 1..8 and a real place.
  if (facts.orientation < 1 || facts.orientation > 8) std::abort();
  if (!facts.found && facts.meta.gps) std::abort();
  if (const auto& p = facts.meta.gps) {
    if (!std::isfinite(p->latitude) || !std::isfinite(p->longitude) ||
        std::fabs(p->latitude) > 90 || std::fabs(p->longitude) > 180)
      std::abort();
  }
  return 0;
}
