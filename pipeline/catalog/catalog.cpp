// Opening a catalog: its folder, the connection, the settings every write relies on (WAL,
// synchronous=FULL, foreign keys), the SQL functions queries use, and the migration to this
// build's schema. The queries are in asset_queries.cpp, run_queries.cpp and focus_queries.cpp.

#include "pipeline/catalog/catalog.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iterator>
#include <system_error>
#include <thread>
#include <utility>

#include <fmt/format.h>

#include "pipeline/catalog/distance.hpp"
#include "pipeline/catalog/schema.hpp"
#include "pipeline/catalog/sqlite_statement.hpp"

namespace saluran {

using namespace catalog_detail;  // NOLINT(google-build-using-namespace): the catalog's own

std::string catalog_path(const std::string& library) {
  return (std::filesystem::path(library) / ".saluran" / "catalog.db").string();
}

namespace {

namespace fs = std::filesystem;

Status make_catalog_folder(const std::string& db_path) {
  const fs::path parent = fs::path(db_path).parent_path();
  if (parent.empty()) return Ok{};
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (!ec) return Ok{};
  Error e = make_error(ec == std::errc::permission_denied ? ErrorCode::kPermission : ErrorCode::kIo,
                       "cannot make the catalog folder (" + ec.message() +
                           "): check that the library folder is writable",
                       parent.string(), "create_directories");
  e.context.stage = "catalog";
  return e;
}

Result<DbPtr> open_connection(const std::string& db_path) {
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(db_path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  DbPtr db(raw);  // owned even when the open failed
  if (Status s = check_sqlite(rc, db.get(), "sqlite3_open_v2"); !s) {
    s.error().context.file = db_path;
    return s.error();
  }
  sqlite3_extended_result_codes(db.get(), 1);
  if (Status s =
          check_sqlite(sqlite3_busy_timeout(db.get(), 60000), db.get(), "sqlite3_busy_timeout");
      !s) {
    return s.error();
  }
  return db;
}

// Refuses a catalog from a newer Saluran before writing anything to it.
Status refuse_newer_schema(sqlite3* db, const std::string& db_path) {
  Result<std::int64_t> found = query_int(db, "PRAGMA user_version");
  if (!found) return found.error();
  if (*found <= kCatalogSchemaVersion) return Ok{};
  return make_error(ErrorCode::kUnsupported,
                    fmt::format("this catalog was written by a newer version of Saluran (catalog "
                                "schema {}, this saluran knows up to {}): update saluran before "
                                "using this library",
                                *found, kCatalogSchemaVersion),
                    db_path, "PRAGMA user_version");
}

// Turns write-ahead logging on, once per catalog file (the mode is kept in the file). SQLite
// refuses the switch at once, without its busy handler, while another connection opens the
// same new catalog, so the switch is tried again for as long as the busy timeout allows.
Result<std::string> use_wal(sqlite3* db) {
  constexpr auto kPause = std::chrono::milliseconds(20);
  constexpr int kTries = 60000 / 20;
  for (int attempt = 1;; ++attempt) {
    Result<std::string> now = query_text(db, "PRAGMA journal_mode");
    if (now && now.value() == "wal") return now;
    Result<std::string> mode = query_text(db, "PRAGMA journal_mode=WAL");
    if (mode || (sqlite3_errcode(db) & 0xff) != SQLITE_BUSY || attempt == kTries) return mode;
    std::this_thread::sleep_for(kPause);
  }
}

// Write-ahead logging, full sync and foreign keys: what "never lose material" relies on.
Status set_durability(sqlite3* db, const std::string& db_path) {
  Result<std::string> mode = use_wal(db);
  if (!mode) return mode.error();
  if (mode.value() != "wal") {
    return make_error(
        ErrorCode::kIo,
        "the catalog cannot use write-ahead logging on this disk (journal mode stays '" +
            mode.value() + "'): keep the library on a local disk",
        db_path, "PRAGMA journal_mode=WAL");
  }
  for (const char* pragma : {"PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON"}) {
    if (Status s = execute_script(db, pragma); !s) return s;
  }
  return Ok{};
}

// SQL: saluran_distance_km(lat1, lon1, lat2, lon2), NULL when any argument is NULL.
void distance_km_function(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  double v[4] = {};
  for (int i = 0; i < argc && i < 4; ++i) {
    if (sqlite3_value_type(argv[i]) == SQLITE_NULL) {
      sqlite3_result_null(ctx);
      return;
    }
    v[i] = sqlite3_value_double(argv[i]);
  }
  sqlite3_result_double(ctx, haversine_km(v[0], v[1], v[2], v[3]));
}

Status register_functions(sqlite3* db) {
  const int fn = sqlite3_create_function_v2(
      db, "saluran_distance_km", 4, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, nullptr,
      &distance_km_function, nullptr, nullptr, nullptr);
  return check_sqlite(fn, db, "sqlite3_create_function_v2");
}

}  // namespace

Catalog::Catalog(sqlite3* db) : db_(db) {}

Catalog::Catalog(Catalog&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

Catalog& Catalog::operator=(Catalog&& other) noexcept {
  if (this != &other) {
    // The handle given up is closed by the same deleter as everywhere else.
    DbPtr old(std::exchange(db_, std::exchange(other.db_, nullptr)));
  }
  return *this;
}

Catalog::~Catalog() { DbPtr owned(db_); }

Result<Catalog> Catalog::open(const std::string& db_path) {
  if (Status s = make_catalog_folder(db_path); !s) return s.error();
  Result<DbPtr> db = open_connection(db_path);
  if (!db) return db.error();
  sqlite3* h = db->get();
  if (Status s = refuse_newer_schema(h, db_path); !s) return s.error();
  if (Status s = set_durability(h, db_path); !s) return s.error();
  if (Status s = migrate(h); !s) return s.error();
  if (Status s = register_functions(h); !s) return s.error();
  return Catalog(db->release());
}

int Catalog::schema_version() const {
  Result<std::int64_t> v = query_int(db_, "PRAGMA user_version");
  return v ? static_cast<int>(*v) : -1;
}

Result<std::string> Catalog::pragma_value(const std::string& name) const {
  // PRAGMA takes no bound parameters, so only these fixed names are ever put into the SQL.
  static const char* const kReadable[] = {"journal_mode", "synchronous", "foreign_keys",
                                          "busy_timeout", "user_version"};
  if (std::none_of(std::begin(kReadable), std::end(kReadable),
                   [&](const char* k) { return name == k; })) {
    return catalog_error(ErrorCode::kInvalidArgument,
                         "'" + name +
                             "' is not a readable catalog setting (journal_mode, synchronous, "
                             "foreign_keys, busy_timeout, user_version)",
                         "pragma_value");
  }
  return query_text(db_, "PRAGMA " + name);
}

}  // namespace saluran
