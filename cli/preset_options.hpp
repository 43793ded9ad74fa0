#pragma once
// What the commands that take presets (render, check, presets) share: the --presets folder and
// the list of known names for a mistyped one.

#include <filesystem>
#include <string>

#include "pipeline/presets/preset_catalog.hpp"

namespace saluran::cli {

/// The user presets folder: the --presets option when given, else user_presets_dir().
inline std::filesystem::path presets_folder(const std::string& option) {
  return option.empty() ? user_presets_dir() : std::filesystem::path(option);
}

/// Every known preset name, comma-separated ("" when there are none).
inline std::string known_presets(const PresetCatalog& catalog) {
  std::string known;
  for (const std::string& n : catalog.names()) known += (known.empty() ? "" : ", ") + n;
  return known;
}

}  // namespace saluran::cli
