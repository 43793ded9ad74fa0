#pragma once
// The library folder a command works on, and finding a file's asset in its catalog.

#include <cstdint>
#include <optional>
#include <string>

#include "pipeline/catalog/catalog.hpp"

namespace saluran::cli {

/// The library folder: `given` (from --library), else $SALURAN_LIBRARY, else ./library.
std::string library_folder(const std::string& given);

/// The catalog of `library`, opened; when there is none, or it cannot be opened, an `error:`
/// line saying so (and, for none, to ingest first) is printed and nothing is returned.
std::optional<Catalog> open_library_catalog(const std::string& library);

/// The asset `file` is: its copy in `library`, or a source file it was ingested from.
/// Nothing when the catalog does not know the file.
Result<std::optional<std::int64_t>> asset_of_file(Catalog& catalog, const std::string& library,
                                                  const std::string& file);

}  // namespace saluran::cli
