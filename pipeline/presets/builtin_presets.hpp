#pragma once
// The built-in presets: every presets/*.toml of the source tree, embedded in the binary at
// build time. cmake/embed_presets.cmake generates the definition (builtin_presets.cpp in the
// build folder) from the files, so this list is the one registry of built-ins: adding a
// preset is adding a file to presets/.
//
//   for (const PresetSource& p : builtin_presets()) fmt::print("{} {}\n", p.name, p.file);

#include <vector>

#include "pipeline/presets/preset_catalog.hpp"

namespace saluran {

/// Every built-in preset's text, sorted by name; `file` is "builtin:presets/<name>.toml".
const std::vector<PresetSource>& builtin_presets();

}  // namespace saluran
