#pragma once
// What the commands that take presets (render, check, presets) share: the --presets folder,
// the names given to -p, and what to say about a mistyped one.

#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "pipeline/ops/nearest_name.hpp"
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

/// The preset names of -p values: each split at commas, blanks around a name trimmed
/// (-p "instagram-square, web"), empty names dropped.
inline std::vector<std::string> preset_names(const std::vector<std::string>& values) {
  std::vector<std::string> names;
  for (const std::string& value : values) {
    std::size_t from = 0;
    while (from <= value.size()) {
      std::size_t to = value.find(',', from);
      if (to == std::string::npos) to = value.size();
      const std::size_t first = value.find_first_not_of(" \t", from);
      if (first != std::string::npos && first < to) {
        const std::size_t last = value.find_last_not_of(" \t", to - 1);
        names.push_back(value.substr(first, last - first + 1));
      }
      from = to + 1;
    }
  }
  return names;
}

/// One message for a name the catalog does not know: the known names once, then the nearest
/// one when the name looks like a slip: `unknown preset "instagram-sqare"; known presets: ...
/// Did you mean "instagram-square"?`.
inline std::string unknown_preset_message(const PresetCatalog& catalog, const std::string& name) {
  const std::string known = known_presets(catalog);
  const std::string nearest = nearest_name(name, catalog.names());
  return fmt::format("unknown preset \"{}\"; known presets: {}.{}", name,
                     known.empty() ? "none" : known,
                     nearest.empty() ? "" : fmt::format(" Did you mean \"{}\"?", nearest));
}

}  // namespace saluran::cli
