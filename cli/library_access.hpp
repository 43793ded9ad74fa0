#pragma once
// The library folder a command works on, and finding a file's asset in its catalog.

#include <cstdint>
#include <optional>
#include <string>

#include "pipeline/catalog/catalog.hpp"

namespace saluran::cli {

/// The library folder: `given` (from --library), else $SALURAN_LIBRARY, else ./library.
std::string library_folder(const std::string& given);

/// The asset `file` is: its copy in `library`, or a source file it was ingested from.
/// Nothing when the catalog does not know the file.
Result<std::optional<std::int64_t>> asset_of_file(Catalog& catalog, const std::string& library,
                                                  const std::string& file);

}  // namespace saluran::cli
