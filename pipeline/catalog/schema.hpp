#pragma once
// Private to the catalog's .cpp files: the schema as migration steps, and bringing a
// connection's database up to the version this build writes.

#include <string_view>
#include <vector>

#include "pipeline/model/error.hpp"

struct sqlite3;

namespace saluran::catalog_detail {

/// The schema, as steps: migrations()[i] takes a catalog from version i to version i + 1.
/// Exactly kCatalogSchemaVersion steps.
const std::vector<std::string_view>& migrations();

/// Applies the missing steps, one transaction each, re-reading the version under the write
/// lock (another process may have migrated meanwhile).
Status migrate(sqlite3* db);

}  // namespace saluran::catalog_detail
