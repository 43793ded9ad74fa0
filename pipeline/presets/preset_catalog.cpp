#include "pipeline/presets/preset_catalog.hpp"

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <system_error>

#include <fmt/format.h>

#include "pipeline/presets/builtin_presets.hpp"

namespace saluran {
namespace {

ErrorCode code_of(const std::error_code& ec) {
  if (ec == std::errc::no_such_file_or_directory) return ErrorCode::kNotFound;
  if (ec == std::errc::permission_denied || ec == std::errc::operation_not_permitted)
    return ErrorCode::kPermission;
  return ErrorCode::kIo;
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

}  // namespace

std::filesystem::path user_presets_dir() {
  if (std::string dir = env("SALURAN_PRESETS"); !dir.empty()) return dir;
  if (std::string config = env("XDG_CONFIG_HOME"); !config.empty()) {
    return std::filesystem::path(config) / "saluran" / "presets";
  }
  if (std::string home = env("HOME"); !home.empty()) {
    return std::filesystem::path(home) / ".config" / "saluran" / "presets";
  }
  return {};
}

Result<PresetSource> read_preset_file(const std::filesystem::path& path) {
  std::error_code ec;
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) {
    return make_error(code_of(ec), fmt::format("cannot read the preset file: {}", ec.message()),
                      path.string());
  }
  if (size > kMaxPresetFileBytes) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("is {} bytes, too big for a preset file (at most {})", size,
                                  kMaxPresetFileBytes),
                      path.string());
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const std::error_code open_ec(errno, std::generic_category());
    return make_error(code_of(open_ec),
                      fmt::format("cannot open the preset file: {}", open_ec.message()),
                      path.string());
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) {
    return make_error(ErrorCode::kIo, "reading the preset file failed", path.string());
  }
  return PresetSource{path.stem().string(), path.string(), std::move(text)};
}

Result<PresetCatalog> PresetCatalog::load(const std::filesystem::path& user_dir) {
  PresetCatalog catalog;
  for (const PresetSource& b : builtin_presets()) catalog.sources_[b.name] = b;
  if (user_dir.empty()) return catalog;

  std::error_code ec;
  const std::filesystem::file_status status = std::filesystem::status(user_dir, ec);
  if (status.type() == std::filesystem::file_type::not_found) return catalog;
  if (ec) {
    return make_error(code_of(ec),
                      fmt::format("cannot read the user presets folder: {}", ec.message()),
                      user_dir.string());
  }
  if (status.type() != std::filesystem::file_type::directory) {
    return make_error(ErrorCode::kInvalidArgument,
                      "is not a folder; user presets are *.toml files in a folder",
                      user_dir.string());
  }
  std::filesystem::directory_iterator it(user_dir, ec);
  const std::filesystem::directory_iterator end;
  for (; !ec && it != end; it.increment(ec)) {
    const std::filesystem::path& path = it->path();
    // Editors leave hidden lock and backup files (".#youtube.toml") beside the real ones.
    if (path.extension() != ".toml" || path.filename().string().front() == '.') continue;
    std::error_code type_ec;
    if (!it->is_regular_file(type_ec)) continue;
    const std::string name = path.stem().string();
    Result<PresetSource> source = read_preset_file(path);
    if (source) {
      catalog.unreadable_.erase(name);
      catalog.sources_[name] = std::move(*source);
    } else {
      // Reported by get/validate_all; the rest of the folder still loads.
      catalog.sources_[name] = PresetSource{name, path.string(), {}};
      catalog.unreadable_.insert_or_assign(name, source.error());
    }
  }
  if (ec) {
    return make_error(code_of(ec),
                      fmt::format("cannot list the user presets folder: {}", ec.message()),
                      user_dir.string());
  }
  return catalog;
}

Result<Preset> PresetCatalog::get(std::string_view name) const {
  const std::string key(name);
  if (auto bad = unreadable_.find(key); bad != unreadable_.end()) return bad->second;
  auto it = sources_.find(key);
  if (it == sources_.end()) {
    std::string known;
    for (const auto& [n, unused] : sources_) known += (known.empty() ? "" : ", ") + n;
    return make_error(ErrorCode::kNotFound,
                      fmt::format("there is no preset named \"{}\" (known: {})", name, known));
  }
  return parse_preset(it->second, sources_);
}

std::vector<std::string> PresetCatalog::names() const {
  std::vector<std::string> out;
  out.reserve(sources_.size());
  for (const auto& [name, unused] : sources_) out.push_back(name);
  return out;  // std::map keeps them sorted
}

std::string PresetCatalog::file_of(std::string_view name) const {
  auto it = sources_.find(std::string(name));
  return it == sources_.end() ? std::string() : it->second.file;
}

bool PresetCatalog::is_builtin(std::string_view name) const {
  return file_of(name).rfind("builtin:", 0) == 0;
}

std::vector<Error> PresetCatalog::validate_all() const {
  std::vector<Error> errors;
  for (const auto& [name, unused] : sources_) {
    Result<Preset> preset = get(name);
    if (!preset) errors.push_back(preset.error());
  }
  return errors;
}

}  // namespace saluran
