// Fuzz target for the DJI telemetry subtitle parser (DESIGN.md rule 9).
// Built as a libFuzzer binary (fuzz_dji_srt) with Clang and SALURAN_BUILD_FUZZERS=ON, and always
// as replay_dji_srt, which runs each file of a corpus once.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "codecs/meta/dji_srt.hpp"

namespace {

// A position the parser reports must be a real place.
void check_position(const std::optional<saluran::GeoPoint>& p) {
  if (!p) return;
  if (!std::isfinite(p->latitude) || !std::isfinite(p->longitude) || std::fabs(p->latitude) > 90 ||
      std::fabs(p->longitude) > 180)
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)saluran::looks_like_dji_srt(text);
  const auto r = saluran::parse_dji_srt(text, "fuzz.srt");
  if (r.ok()) {
    if (r->frames <= 0) std::abort();  // a result without any cue must be an error
    check_position(r->first_position);
    check_position(r->last_position);
  }
  return 0;
}
