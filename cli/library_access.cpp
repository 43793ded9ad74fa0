#include "cli/library_access.hpp"

#include <cstdlib>
#include <filesystem>

namespace saluran::cli {

namespace fs = std::filesystem;

std::string library_folder(const std::string& given) {
  if (!given.empty()) return given;
  const char* env = std::getenv("SALURAN_LIBRARY");
  return env != nullptr && *env != '\0' ? env : "library";
}

Result<std::optional<std::int64_t>> asset_of_file(Catalog& catalog, const std::string& library,
                                                  const std::string& file) {
  std::error_code ec;
  const fs::path absolute = fs::weakly_canonical(fs::absolute(file, ec), ec);
  if (ec) return make_error(ErrorCode::kIo, "cannot resolve the path: " + ec.message(), file);
  const fs::path root = fs::weakly_canonical(fs::absolute(library, ec), ec);
  std::string relative;
  if (!ec) {
    const fs::path inside = absolute.lexically_relative(root);
    if (!inside.empty() && *inside.begin() != "..") relative = inside.generic_string();
  }
  return catalog.find_asset_id(relative, absolute.string());
}

}  // namespace saluran::cli
