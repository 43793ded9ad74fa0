#pragma once
// Short digests of text, for fingerprints that say whether an output would come out the same.
// xxhash stays behind this header (DESIGN.md rule 2).
//
//   std::string fp = hash64_hex("0.1.0|/cards/C0001.MP4|...");   // "3f9a0c1e5b7d2468"

#include <string>
#include <string_view>

namespace saluran {

/// XXH3-64 of `text` as 16 lower-case hex digits. Stable across runs and machines, so digests
/// written in a manifest stay comparable.
std::string hash64_hex(std::string_view text);

}  // namespace saluran
