#pragma once
// Every preset Saluran knows: the built-ins (presets/*.toml, embedded in the binary at build
// time) and a user folder whose files override built-ins of the same name.
//
//   auto catalog = PresetCatalog::load(user_presets_dir());   // Result<PresetCatalog>
//   auto reel = catalog->get("instagram-reel");               // Result<Preset>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/model/error.hpp"
#include "pipeline/model/preset.hpp"

namespace saluran {

/// One preset file's text before parsing, and where it came from.
struct PresetSource {
  std::string name;  ///< the file stem
  std::string file;  ///< "builtin:presets/youtube.toml" or the user file's path
  std::string text;  ///< the TOML
};

/// The folder user presets are read from: $SALURAN_PRESETS, else
/// $XDG_CONFIG_HOME/saluran/presets, else ~/.config/saluran/presets (it need not exist).
std::filesystem::path user_presets_dir();

/// Parses and validates one preset. `lookup` finds the text of a preset named by `extends`
/// (it may be null when the file has no `extends`). Errors name the file, the key and the
/// allowed range or values.
Result<Preset> parse_preset(const PresetSource& source,
                            const std::map<std::string, PresetSource>& others);

/// The largest preset file read (1 MiB): a preset is a page of text, anything bigger is a
/// mistake (a video renamed .toml) and is refused before it is read into memory.
inline constexpr std::uintmax_t kMaxPresetFileBytes = 1u << 20;

/// Reads one preset file from disk: name = the file stem, file = `path`. Errors: kNotFound,
/// kPermission, kIo, or kInvalidArgument for a file over kMaxPresetFileBytes.
Result<PresetSource> read_preset_file(const std::filesystem::path& path);

/// Built-ins plus a user folder; names are unique, the user's file wins.
class PresetCatalog {
 public:
  /// Reads the built-ins and every *.toml in `user_dir` (missing folder: built-ins only).
  /// Fails only when the user folder cannot be read; bad files are reported by get/validate.
  static Result<PresetCatalog> load(const std::filesystem::path& user_dir);

  /// The preset named `name`, parsed and validated, with `extends` resolved.
  Result<Preset> get(std::string_view name) const;
  /// Every known name, sorted.
  std::vector<std::string> names() const;
  /// Where `name` comes from; empty when unknown.
  std::string file_of(std::string_view name) const;
  /// Parses every preset; one entry per preset that fails.
  std::vector<Error> validate_all() const;
  /// Every preset's text by name, for parse_preset's `others` (e.g. to check a new file).
  const std::map<std::string, PresetSource>& sources() const { return sources_; }
  /// True when `name` is a built-in that no user file replaces.
  bool is_builtin(std::string_view name) const;

 private:
  std::map<std::string, PresetSource> sources_;
  std::map<std::string, Error> unreadable_;  ///< user files that could not be read, by name
};

}  // namespace saluran
