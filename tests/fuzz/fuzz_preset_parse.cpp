// Fuzz target for the preset parser (DESIGN.md rule 9): hand-written TOML from users' preset
// folders. Built as a libFuzzer binary (fuzz_preset_parse) with Clang and
// SALURAN_BUILD_FUZZERS=ON, and always as replay_preset_parse, which runs each file of a corpus
// once (every corpus file is simply not a valid preset).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>

#include "pipeline/presets/builtin_presets.hpp"
#include "pipeline/presets/preset_catalog.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::map<std::string, saluran::PresetSource> others = [] {
    std::map<std::string, saluran::PresetSource> m;
    for (const auto& p : saluran::builtin_presets()) m[p.name] = p;
    return m;
  }();
  saluran::PresetSource src;
  src.name = "fuzz";
  src.file = "fuzz.toml";
  src.text.assign(reinterpret_cast<const char*>(data), size);
  auto preset = saluran::parse_preset(src, others);
  // Whatever the text, a preset that parses is one the renderer can use.
  if (preset) {
    if (preset->name != "fuzz") std::abort();
    if (preset->kind == saluran::PresetKind::kVideo && !preset->video) std::abort();
    if (preset->video && (preset->video->width % 2 != 0 || preset->video->height % 2 != 0))
      std::abort();
  } else if (preset.error().message.empty()) {
    std::abort();
  }
  return 0;
}
