#include "cli/library_access.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

namespace saluran::cli {

namespace fs = std::filesystem;

std::string library_folder(const std::string& given) {
  if (!given.empty()) return given;
  const char* env = std::getenv("SALURAN_LIBRARY");
  return env != nullptr && *env != '\0' ? env : "library";
}

std::optional<Catalog> open_library_catalog(const std::string& library) {
  const std::string db = catalog_path(library);
  std::error_code ec;
  if (!fs::is_regular_file(db, ec)) {
    std::cerr << fmt::format(
        "error: no catalog in {0}: run 'saluran ingest SRC --library {0}' first\n", library);
    return std::nullopt;
  }
  Result<Catalog> catalog = Catalog::open(db);
  if (!catalog) {
    std::cerr << "error: " << catalog.error().to_string() << '\n';
    return std::nullopt;
  }
  return std::move(catalog.value());
}

Result<std::optional<std::int64_t>> asset_of_file(Catalog& catalog, const std::string& library,
                                                  const std::string& file) {
  // Ingest records paths made absolute and normalised, without resolving links; a file named
  // through a link (or a library reached through one) is tried resolved too.
  std::error_code ec;
  for (const bool resolve : {false, true}) {
    const auto form = [&](const std::string& p) {
      const fs::path abs = fs::absolute(p, ec).lexically_normal();
      return resolve ? fs::weakly_canonical(abs, ec) : abs;
    };
    const fs::path absolute = form(file);
    if (ec) return make_error(ErrorCode::kIo, "cannot resolve the path: " + ec.message(), file);
    const fs::path root = form(library);
    std::string relative;
    if (!ec) {
      const fs::path inside = absolute.lexically_relative(root);
      if (!inside.empty() && *inside.begin() != "..") relative = inside.generic_string();
    }
    ec.clear();
    auto found = catalog.find_asset_id(relative, absolute.string());
    if (!found || *found) return found;
  }
  return std::optional<std::int64_t>();
}

}  // namespace saluran::cli
