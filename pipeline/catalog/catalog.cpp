#include "pipeline/catalog/catalog.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <initializer_list>
#include <numbers>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <utility>
#include <variant>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "pipeline/model/media_info_json.hpp"

namespace saluran {

std::string catalog_path(const std::string& library) {
  return (std::filesystem::path(library) / ".saluran" / "catalog.db").string();
}

namespace {

namespace fs = std::filesystem;

struct DbClose {
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
using DbPtr = std::unique_ptr<sqlite3, DbClose>;

struct StmtFinalize {
  void operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }
};
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtFinalize>;

// The schema, as steps: migrations()[i] takes a catalog from version i to version i + 1. A step
// is never edited once released; a change of schema is a new step appended here (and
// kCatalogSchemaVersion raised to match).
const std::vector<std::string_view>& migrations() {
  static const std::vector<std::string_view> kSteps = {
      // 0 -> 1: runs, assets, their sources, sidecars and rejections.
      R"sql(
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  operator TEXT NOT NULL,
  sources_json TEXT NOT NULL,
  copied INTEGER NOT NULL DEFAULT 0,
  duplicates INTEGER NOT NULL DEFAULT 0,
  skipped INTEGER NOT NULL DEFAULT 0,
  rejected INTEGER NOT NULL DEFAULT 0,
  unchanged INTEGER NOT NULL DEFAULT 0,
  bytes_copied INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE assets (
  id INTEGER PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  library_path TEXT NOT NULL UNIQUE,
  run_id INTEGER NOT NULL REFERENCES runs(id),
  kind TEXT NOT NULL,
  container TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  duration_s REAL,
  capture_time TEXT,
  capture_day TEXT NOT NULL,
  make TEXT,
  model TEXT,
  device_class TEXT NOT NULL,
  lat REAL,
  lon REAL,
  alt REAL,
  width INTEGER,
  height INTEGER,
  upright_width INTEGER,
  upright_height INTEGER,
  info_json TEXT NOT NULL
);
CREATE INDEX assets_capture_day ON assets(capture_day);
CREATE INDEX assets_run ON assets(run_id);
CREATE INDEX assets_place ON assets(lat, lon);
CREATE TABLE sources (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id),
  path TEXT NOT NULL,
  size INTEGER NOT NULL,
  mtime_ns INTEGER NOT NULL,
  outcome TEXT NOT NULL
    CHECK (outcome IN ('copied', 'duplicate', 'skipped', 'rejected', 'sidecar', 'unchanged')),
  asset_id INTEGER REFERENCES assets(id) ON DELETE SET NULL,
  reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sources_identity ON sources(path, size, mtime_ns);
CREATE INDEX sources_asset ON sources(asset_id);
CREATE INDEX sources_run ON sources(run_id);
CREATE TABLE sidecars (
  id INTEGER PRIMARY KEY,
  asset_id INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
  library_path TEXT NOT NULL UNIQUE
);
CREATE INDEX sidecars_asset ON sidecars(asset_id);
CREATE TABLE rejections (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id),
  path TEXT NOT NULL,
  code TEXT NOT NULL,
  reason TEXT NOT NULL
);
CREATE INDEX rejections_run ON rejections(run_id);
)sql",
      // 1 -> 2: a focal point set by hand per asset (fractions of the upright picture).
      R"sql(
ALTER TABLE assets ADD COLUMN focus_x REAL;
ALTER TABLE assets ADD COLUMN focus_y REAL;
)sql",
  };
  return kSteps;
}

// The plain-language message for a UNIQUE failure, from the column SQLite names.
std::string unique_message(std::string_view sqlite_message) {
  if (sqlite_message.find("assets.hash") != std::string_view::npos)
    return "an asset with this content hash is already in the catalog";
  if (sqlite_message.find("assets.library_path") != std::string_view::npos)
    return "another asset already has this library path";
  if (sqlite_message.find("sidecars.library_path") != std::string_view::npos)
    return "another sidecar already has this library path";
  return "the catalog already holds this entry";
}

// The one translation point from SQLite result codes to Error.
Status check_sqlite(int rc, sqlite3* db, const char* call) {
  if (rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE) return Ok{};
  const std::string what = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  ErrorCode code = ErrorCode::kExternal;
  std::string message;
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      code = ErrorCode::kInvalidArgument;
      if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        message = unique_message(what);
      } else if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
        message = "the catalog refused a record that refers to a run or asset it does not hold";
      } else {
        message = "the catalog refused a record that breaks its rules";
      }
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      code = ErrorCode::kIo;
      message =
          "the catalog is busy: another saluran command is writing to it; wait for it to finish "
          "and run again";
      break;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      code = ErrorCode::kPermission;
      message = "the catalog cannot be written: check that this user may write to the library";
      break;
    case SQLITE_CANTOPEN:
      code = ErrorCode::kIo;
      message =
          "the catalog cannot be opened: check that the library folder exists and that this user "
          "may write to it";
      break;
    case SQLITE_FULL:
      code = ErrorCode::kIo;
      message = "the disk holding the catalog is full: free some space and run again";
      break;
    case SQLITE_IOERR:
      code = ErrorCode::kIo;
      message = "reading or writing the catalog failed (disk error): check the disk and run again";
      break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      code = ErrorCode::kCorrupt;
      message = "the catalog file is damaged or is not a Saluran catalog: restore it from a backup";
      break;
    case SQLITE_NOMEM:
      message = "out of memory while using the catalog";
      break;
    default:
      message = "the catalog database failed";
      break;
  }
  const char* file = db != nullptr ? sqlite3_db_filename(db, "main") : nullptr;
  Error e = make_error(code, std::move(message), file != nullptr ? file : "",
                       fmt::format("{}: {}", call, what));
  e.context.stage = "catalog";
  return e;
}

Error catalog_error(ErrorCode code, std::string message, std::string detail = {}) {
  Error e = make_error(code, std::move(message), {}, std::move(detail));
  e.context.stage = "catalog";
  return e;
}

/// A value bound to a `?` of a statement. Integers, reals and text; std::monostate is NULL.
using Value = std::variant<std::monostate, std::int64_t, double, std::string>;

Value text_or_null(const std::string& s) { return s.empty() ? Value{} : Value{s}; }
Value real_or_null(const std::optional<double>& v) { return v ? Value{*v} : Value{}; }
Value integer(std::int64_t v) { return Value{v}; }

/// A prepared statement with its values bound; never SQL built from values.
class Statement {
 public:
  static Result<Statement> prepare(sqlite3* db, std::string_view sql) {
    sqlite3_stmt* raw = nullptr;
    const int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &raw, nullptr);
    StmtPtr stmt(raw);
    if (Status s = check_sqlite(rc, db, "sqlite3_prepare_v2"); !s) return s.error();
    return Statement(db, std::move(stmt));
  }

  /// Binds values to ?1, ?2, ... in order.
  Status bind(const std::vector<Value>& values) {
    for (std::size_t i = 0; i < values.size(); ++i) {
      const int index = static_cast<int>(i) + 1;
      const Value& v = values[i];
      int rc = SQLITE_OK;
      if (std::holds_alternative<std::monostate>(v)) {
        rc = sqlite3_bind_null(stmt_.get(), index);
      } else if (const auto* n = std::get_if<std::int64_t>(&v)) {
        rc = sqlite3_bind_int64(stmt_.get(), index, *n);
      } else if (const auto* d = std::get_if<double>(&v)) {
        rc = sqlite3_bind_double(stmt_.get(), index, *d);
      } else {
        const std::string& s = std::get<std::string>(v);
        rc = sqlite3_bind_text(stmt_.get(), index, s.data(), static_cast<int>(s.size()),
                               SQLITE_TRANSIENT);
      }
      if (Status s = check_sqlite(rc, db_, "sqlite3_bind"); !s) return s;
    }
    return Ok{};
  }

  /// Next row: true when there is one, false when done.
  Result<bool> step() {
    const int rc = sqlite3_step(stmt_.get());
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return check_sqlite(rc, db_, "sqlite3_step").error();
  }

  /// Runs a statement that returns no rows.
  Status run() {
    Result<bool> r = step();
    if (!r) return r.error();
    return Ok{};
  }

  /// Makes the statement ready to bind and run again.
  void reset() {
    sqlite3_reset(stmt_.get());
    sqlite3_clear_bindings(stmt_.get());
  }

  bool is_null(int col) const { return sqlite3_column_type(stmt_.get(), col) == SQLITE_NULL; }
  std::int64_t int64(int col) const { return sqlite3_column_int64(stmt_.get(), col); }
  double real(int col) const { return sqlite3_column_double(stmt_.get(), col); }
  std::string text(int col) const {
    const unsigned char* p = sqlite3_column_text(stmt_.get(), col);
    if (p == nullptr) return {};
    return std::string(reinterpret_cast<const char*>(p),
                       static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), col)));
  }

 private:
  Statement(sqlite3* db, StmtPtr stmt) : db_(db), stmt_(std::move(stmt)) {}
  sqlite3* db_;
  StmtPtr stmt_;
};

/// Prepares, binds and runs a statement that returns no rows.
Status execute(sqlite3* db, std::string_view sql, const std::vector<Value>& values = {}) {
  Result<Statement> st = Statement::prepare(db, sql);
  if (!st) return st.error();
  if (Status s = st->bind(values); !s) return s;
  return st->run();
}

/// Runs a script of fixed statements (the schema); it holds no values.
Status execute_script(sqlite3* db, std::string_view sql) {
  const std::string script(sql);
  return check_sqlite(sqlite3_exec(db, script.c_str(), nullptr, nullptr, nullptr), db,
                      "sqlite3_exec");
}

/// First column of the first row of a query, as integer.
Result<std::int64_t> query_int(sqlite3* db, std::string_view sql,
                               const std::vector<Value>& values = {}) {
  Result<Statement> st = Statement::prepare(db, sql);
  if (!st) return st.error();
  if (Status s = st->bind(values); !s) return s.error();
  Result<bool> row = st->step();
  if (!row) return row.error();
  if (!*row) return std::int64_t{0};
  return st->int64(0);
}

/// First column of the first row of a query, as text.
Result<std::string> query_text(sqlite3* db, std::string_view sql) {
  Result<Statement> st = Statement::prepare(db, sql);
  if (!st) return st.error();
  Result<bool> row = st->step();
  if (!row) return row.error();
  if (!*row) return std::string();
  return st->text(0);
}

/// A write transaction that rolls back unless committed. BEGIN IMMEDIATE takes the write lock
/// at once, so two writers wait on busy_timeout instead of failing half-way.
class Transaction {
 public:
  static Result<Transaction> begin(sqlite3* db) {
    if (Status s = execute_script(db, "BEGIN IMMEDIATE"); !s) return s.error();
    return Transaction(db);
  }
  Transaction(Transaction&& o) noexcept : db_(std::exchange(o.db_, nullptr)) {}
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction() {
    if (db_ != nullptr) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  Status commit() {
    Status s = execute_script(db_, "COMMIT");
    if (s) db_ = nullptr;
    return s;
  }

 private:
  explicit Transaction(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

constexpr double kEarthRadiusKm = 6371.0088;  // mean radius (IUGG)
constexpr double kKmPerDegreeLatitude = kEarthRadiusKm * std::numbers::pi / 180.0;

double haversine_km(double lat1, double lon1, double lat2, double lon2) {
  const double to_rad = std::numbers::pi / 180.0;
  const double dlat = (lat2 - lat1) * to_rad;
  const double dlon = (lon2 - lon1) * to_rad;
  const double a =
      std::sin(dlat / 2) * std::sin(dlat / 2) +
      std::cos(lat1 * to_rad) * std::cos(lat2 * to_rad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthRadiusKm * std::asin(std::min(1.0, std::sqrt(a)));
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

std::string now_utc_iso() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32] = {};
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

/// True for "YYYY-MM-DD" with a month 01..12 and a day 01..31.
bool is_iso_day(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  const int month = (s[5] - '0') * 10 + (s[6] - '0');
  const int day = (s[8] - '0') * 10 + (s[9] - '0');
  return s.substr(0, 4) != "0000" && month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/// The capture date of a capture time ("2024-05-01T09:30:12+07:00" -> "2024-05-01") as the
/// device wrote it (its local day), or "unknown".
std::string capture_day(const std::string& capture_time) {
  const std::string_view day = std::string_view(capture_time).substr(0, 10);
  return is_iso_day(day) ? std::string(day) : std::string("unknown");
}

template <class Enum>
std::optional<Enum> enum_from_name(std::string_view name, std::initializer_list<Enum> values,
                                   const char* (*name_of)(Enum)) {
  for (Enum e : values) {
    if (name == name_of(e)) return e;
  }
  return std::nullopt;
}

std::optional<MediaKind> media_kind_from_name(std::string_view name) {
  return enum_from_name(
      name, {MediaKind::kPhoto, MediaKind::kVideo, MediaKind::kAudio, MediaKind::kTelemetry},
      &media_kind_name);
}

std::optional<DeviceClass> device_class_from_name(std::string_view name) {
  return enum_from_name(
      name, {DeviceClass::kUnknown, DeviceClass::kCamera, DeviceClass::kDrone, DeviceClass::kPhone},
      &device_class_name);
}

std::optional<SourceOutcome> outcome_from_name(std::string_view name) {
  return enum_from_name(
      name,
      {SourceOutcome::kCopied, SourceOutcome::kDuplicate, SourceOutcome::kSkipped,
       SourceOutcome::kRejected, SourceOutcome::kSidecar, SourceOutcome::kUnchanged},
      &source_outcome_name);
}

Error unreadable_row(const std::string& what) {
  return catalog_error(ErrorCode::kCorrupt, "the catalog holds a record it cannot read (" + what +
                                                "): restore the catalog from a backup");
}

/// The WHERE clause of an AssetQuery over `assets a`, with its values in order.
struct Filter {
  std::string sql;
  std::vector<Value> values;

  void add(std::string_view clause, std::initializer_list<Value> vs) {
    sql += sql.empty() ? " WHERE " : " AND ";
    sql += clause;
    values.insert(values.end(), vs);
  }
};

Error bad_query(const std::string& message) {
  return catalog_error(ErrorCode::kInvalidArgument, message, "AssetQuery");
}

bool in_range(double v, double lo, double hi) { return std::isfinite(v) && v >= lo && v <= hi; }

Result<Filter> asset_filter(const AssetQuery& q) {
  Filter f;
  if (q.kind) f.add("a.kind = ?", {std::string(media_kind_name(*q.kind))});
  if (q.device_class) {
    f.add("a.device_class = ?", {std::string(device_class_name(*q.device_class))});
  }
  if (!q.device.empty()) {
    f.add("instr(lower(trim(coalesce(a.make, '') || ' ' || coalesce(a.model, ''))), lower(?)) > 0",
          {q.device});
  }
  for (const auto& [value, name, op] :
       {std::tuple{&q.from_date, "from_date", ">="}, std::tuple{&q.to_date, "to_date", "<="}}) {
    if (value->empty()) continue;
    if (!is_iso_day(*value)) {
      return bad_query(fmt::format("{} '{}' is not a date: write it as YYYY-MM-DD", name, *value));
    }
    // An asset with no capture date is outside every date range.
    f.add(fmt::format("a.capture_day <> 'unknown' AND a.capture_day {} ?", op), {*value});
  }
  if (q.run) f.add("a.run_id = ?", {integer(*q.run)});
  if (!q.text.empty()) {
    f.add(
        "(instr(lower(a.library_path), lower(?)) > 0 OR EXISTS (SELECT 1 FROM sources s WHERE "
        "s.asset_id = a.id AND instr(lower(s.path), lower(?)) > 0))",
        {q.text, q.text});
  }
  const int near_set =
      int{q.near_lat.has_value()} + int{q.near_lon.has_value()} + int{q.within_km.has_value()};
  if (near_set != 0) {
    if (near_set != 3) return bad_query("a place filter needs near_lat, near_lon and within_km");
    if (!in_range(*q.near_lat, -90, 90)) return bad_query("near_lat must be -90..90");
    if (!in_range(*q.near_lon, -180, 180)) return bad_query("near_lon must be -180..180");
    if (!std::isfinite(*q.within_km) || *q.within_km <= 0) {
      return bad_query("within_km must be more than 0");
    }
    // Latitude band first (cheap, indexed), then the exact great-circle distance.
    const double band = *q.within_km / kKmPerDegreeLatitude;
    f.add("a.lat BETWEEN ? AND ? AND saluran_distance_km(a.lat, a.lon, ?, ?) <= ?",
          {*q.near_lat - band, *q.near_lat + band, *q.near_lat, *q.near_lon, *q.within_km});
  }
  for (const auto& [value, name] :
       {std::pair{&q.box_south, "box_south"}, std::pair{&q.box_north, "box_north"}}) {
    if (*value && !in_range(**value, -90, 90))
      return bad_query(fmt::format("{} must be -90..90", name));
  }
  for (const auto& [value, name] :
       {std::pair{&q.box_west, "box_west"}, std::pair{&q.box_east, "box_east"}}) {
    if (*value && !in_range(**value, -180, 180)) {
      return bad_query(fmt::format("{} must be -180..180", name));
    }
  }
  if (q.box_south && q.box_north && *q.box_south > *q.box_north) {
    return bad_query("box_south must not be north of box_north");
  }
  if (q.box_south) f.add("a.lat >= ?", {*q.box_south});
  if (q.box_north) f.add("a.lat <= ?", {*q.box_north});
  if (q.box_west && q.box_east && *q.box_west > *q.box_east) {
    // A box across the 180th meridian: west of it or east of it.
    f.add("(a.lon >= ? OR a.lon <= ?)", {*q.box_west, *q.box_east});
  } else {
    if (q.box_west) f.add("a.lon >= ?", {*q.box_west});
    if (q.box_east) f.add("a.lon <= ?", {*q.box_east});
  }
  return f;
}

constexpr std::string_view kAssetColumns = "a.id, a.hash, a.library_path, a.run_id, a.info_json";

/// Reads one asset row (kAssetColumns) and its sidecars through a prepared sidecar query.
Result<Asset> read_asset(const Statement& row, Statement& sidecars) {
  Asset a;
  a.id = row.int64(0);
  a.hash = row.text(1);
  a.library_path = row.text(2);
  a.ingest_run = row.int64(3);
  const nlohmann::json j = nlohmann::json::parse(row.text(4), nullptr, false);
  if (j.is_discarded()) return unreadable_row("asset " + a.library_path + ": facts are not JSON");
  Result<MediaInfo> info = media_info_from_json(j);
  if (!info) return unreadable_row("asset " + a.library_path + ": " + info.error().message);
  a.info = std::move(info.value());
  sidecars.reset();
  if (Status s = sidecars.bind({integer(a.id)}); !s) return s.error();
  for (;;) {
    Result<bool> more = sidecars.step();
    if (!more) return more.error();
    if (!*more) break;
    a.sidecars.push_back(sidecars.text(0));
  }
  return a;
}

constexpr std::string_view kSidecarsOfAsset =
    "SELECT library_path FROM sidecars WHERE asset_id = ? ORDER BY library_path";

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
  const fs::path parent = fs::path(db_path).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    fs::create_directories(parent, ec);
    if (ec) {
      Error e =
          make_error(ec == std::errc::permission_denied ? ErrorCode::kPermission : ErrorCode::kIo,
                     "cannot make the catalog folder (" + ec.message() +
                         "): check that the library folder is writable",
                     parent.string(), "create_directories");
      e.context.stage = "catalog";
      return e;
    }
  }
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(db_path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  DbPtr db(raw);  // owned even when the open failed
  if (Status s = check_sqlite(rc, db.get(), "sqlite3_open_v2"); !s) {
    s.error().context.file = db_path;
    return s.error();
  }
  sqlite3* h = db.get();
  sqlite3_extended_result_codes(h, 1);
  if (Status s = check_sqlite(sqlite3_busy_timeout(h, 5000), h, "sqlite3_busy_timeout"); !s) {
    return s.error();
  }

  // Refuse a catalog from a newer Saluran before writing anything to it.
  Result<std::int64_t> found = query_int(h, "PRAGMA user_version");
  if (!found) return found.error();
  if (*found > kCatalogSchemaVersion) {
    return make_error(ErrorCode::kUnsupported,
                      fmt::format("this catalog was written by a newer version of Saluran (catalog "
                                  "schema {}, this saluran knows up to {}): update saluran before "
                                  "using this library",
                                  *found, kCatalogSchemaVersion),
                      db_path, "PRAGMA user_version");
  }

  Result<std::string> mode = query_text(h, "PRAGMA journal_mode=WAL");
  if (!mode) return mode.error();
  if (mode.value() != "wal") {
    return make_error(
        ErrorCode::kIo,
        "the catalog cannot use write-ahead logging on this disk (journal mode stays '" +
            mode.value() + "'): keep the library on a local disk",
        db_path, "PRAGMA journal_mode=WAL");
  }
  for (const char* pragma : {"PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON"}) {
    if (Status s = execute_script(h, pragma); !s) return s.error();
  }

  const std::vector<std::string_view>& steps = migrations();
  if (steps.size() != static_cast<std::size_t>(kCatalogSchemaVersion)) {
    throw std::logic_error("catalog migrations do not match kCatalogSchemaVersion");
  }
  for (;;) {
    Result<Transaction> tx = Transaction::begin(h);
    if (!tx) return tx.error();
    // Read again under the write lock: another process may have migrated meanwhile.
    Result<std::int64_t> version = query_int(h, "PRAGMA user_version");
    if (!version) return version.error();
    if (*version >= kCatalogSchemaVersion) break;
    if (Status s = execute_script(h, steps[static_cast<std::size_t>(*version)]); !s) {
      return s.error();
    }
    // PRAGMA takes no bound parameters; the number is this build's own constant.
    if (Status s = execute_script(h, fmt::format("PRAGMA user_version = {}", *version + 1)); !s) {
      return s.error();
    }
    if (Status s = tx->commit(); !s) return s.error();
  }

  const int fn = sqlite3_create_function_v2(
      h, "saluran_distance_km", 4, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, nullptr,
      &distance_km_function, nullptr, nullptr, nullptr);
  if (Status s = check_sqlite(fn, h, "sqlite3_create_function_v2"); !s) return s.error();
  return Catalog(db.release());
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

Result<std::int64_t> Catalog::begin_run(const std::string& operator_name,
                                        const std::vector<std::string>& sources) {
  const std::string sources_json = nlohmann::json(sources).dump();
  if (Status s =
          execute(db_, "INSERT INTO runs (started_at, operator, sources_json) VALUES (?, ?, ?)",
                  {now_utc_iso(), operator_name, sources_json});
      !s) {
    return s.error();
  }
  return static_cast<std::int64_t>(sqlite3_last_insert_rowid(db_));
}

Status Catalog::finish_run(const IngestRun& run) {
  const std::string finished = run.finished_at.empty() ? now_utc_iso() : run.finished_at;
  if (Status s =
          execute(db_,
                  "UPDATE runs SET finished_at = ?, copied = ?, duplicates = ?, skipped = ?, "
                  "rejected = ?, unchanged = ?, bytes_copied = ? WHERE id = ?",
                  {finished, integer(run.copied), integer(run.duplicates), integer(run.skipped),
                   integer(run.rejected), integer(run.unchanged),
                   integer(static_cast<std::int64_t>(run.bytes_copied)), integer(run.id)});
      !s) {
    return s;
  }
  if (sqlite3_changes(db_) == 0) {
    return catalog_error(ErrorCode::kNotFound,
                         fmt::format("the catalog has no ingest run {}", run.id), "finish_run");
  }
  return Ok{};
}

Result<std::optional<Asset>> Catalog::find_asset_by_hash(const std::string& hash) {
  Result<Statement> st = Statement::prepare(
      db_, fmt::format("SELECT {} FROM assets a WHERE a.hash = ?", kAssetColumns));
  if (!st) return st.error();
  if (Status s = st->bind({hash}); !s) return s.error();
  Result<bool> row = st->step();
  if (!row) return row.error();
  if (!*row) return std::optional<Asset>();
  Result<Statement> sidecars = Statement::prepare(db_, kSidecarsOfAsset);
  if (!sidecars) return sidecars.error();
  Result<Asset> a = read_asset(*st, *sidecars);
  if (!a) return a.error();
  return std::optional<Asset>(std::move(a.value()));
}

Result<bool> Catalog::source_unchanged(const std::string& path, std::uint64_t size,
                                       std::int64_t mtime_ns, std::int64_t* asset_id) {
  Result<Statement> st =
      Statement::prepare(db_,
                         "SELECT s.asset_id FROM sources s JOIN assets a ON a.id = s.asset_id "
                         "WHERE s.path = ? AND s.size = ? AND s.mtime_ns = ? "
                         "AND s.outcome IN ('copied', 'duplicate', 'unchanged', 'sidecar') "
                         "ORDER BY s.id DESC LIMIT 1");
  if (!st) return st.error();
  if (Status s = st->bind({path, integer(static_cast<std::int64_t>(size)), integer(mtime_ns)});
      !s) {
    return s.error();
  }
  Result<bool> row = st->step();
  if (!row) return row.error();
  if (*row && asset_id != nullptr) *asset_id = st->int64(0);
  return *row;
}

Result<bool> Catalog::library_path_taken(const std::string& library_path) {
  Result<std::int64_t> n = query_int(db_,
                                     "SELECT EXISTS (SELECT 1 FROM assets WHERE library_path = ?1) "
                                     "OR EXISTS (SELECT 1 FROM sidecars WHERE library_path = ?1)",
                                     {library_path});
  if (!n) return n.error();
  return *n != 0;
}

Result<std::int64_t> Catalog::add_asset(const Asset& asset, const SourceRecord& source,
                                        std::int64_t run) {
  const MediaInfo& m = asset.info;
  const std::optional<GeoPoint>& gps = m.meta.gps;
  const std::optional<PictureInfo>& pic = m.picture;
  auto pic_int = [&](int PictureInfo::*field) { return pic ? integer((*pic).*field) : Value{}; };
  Result<Transaction> tx = Transaction::begin(db_);
  if (!tx) return tx.error();
  if (Status s = execute(
          db_,
          "INSERT INTO assets (hash, library_path, run_id, kind, container, size_bytes, "
          "duration_s, capture_time, capture_day, make, model, device_class, lat, lon, alt, "
          "width, height, upright_width, upright_height, info_json) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {asset.hash,
           asset.library_path,
           integer(run),
           std::string(media_kind_name(m.kind)),
           m.container,
           integer(static_cast<std::int64_t>(m.size_bytes)),
           real_or_null(m.duration_s),
           text_or_null(m.meta.capture_time),
           capture_day(m.meta.capture_time),
           text_or_null(m.meta.make),
           text_or_null(m.meta.model),
           std::string(device_class_name(m.meta.device_class)),
           gps ? Value{gps->latitude} : Value{},
           gps ? Value{gps->longitude} : Value{},
           gps ? real_or_null(gps->altitude_m) : Value{},
           pic_int(&PictureInfo::width),
           pic_int(&PictureInfo::height),
           pic_int(&PictureInfo::upright_width),
           pic_int(&PictureInfo::upright_height),
           to_json(m).dump()});
      !s) {
    s.error().context.file = asset.library_path;
    return s.error();
  }
  const std::int64_t id = sqlite3_last_insert_rowid(db_);
  for (const std::string& sidecar : asset.sidecars) {
    if (Status s = execute(db_, "INSERT INTO sidecars (asset_id, library_path) VALUES (?, ?)",
                           {integer(id), sidecar});
        !s) {
      s.error().context.file = sidecar;
      return s.error();
    }
  }
  SourceRecord first = source;
  first.asset_id = id;
  if (Status s = add_source(first, run); !s) return s.error();
  if (Status s = tx->commit(); !s) return s.error();
  return id;
}

Status Catalog::add_source(const SourceRecord& source, std::int64_t run) {
  Status s =
      execute(db_,
              "INSERT INTO sources (run_id, path, size, mtime_ns, outcome, asset_id, reason) "
              "VALUES (?, ?, ?, ?, ?, ?, ?)",
              {integer(run), source.path, integer(static_cast<std::int64_t>(source.size)),
               integer(source.mtime_ns), std::string(source_outcome_name(source.outcome)),
               source.asset_id != 0 ? integer(source.asset_id) : Value{}, source.reason});
  if (!s) s.error().context.file = source.path;
  return s;
}

Status Catalog::add_sidecar(std::int64_t asset_id, const std::string& library_path) {
  Status s = execute(db_, "INSERT INTO sidecars (asset_id, library_path) VALUES (?, ?)",
                     {integer(asset_id), library_path});
  if (!s) s.error().context.file = library_path;
  return s;
}

Status Catalog::add_rejection(const Rejection& r) {
  Status s = execute(db_, "INSERT INTO rejections (run_id, path, code, reason) VALUES (?, ?, ?, ?)",
                     {integer(r.run), r.path, r.code, r.reason});
  if (!s) s.error().context.file = r.path;
  return s;
}

Result<std::optional<std::int64_t>> Catalog::find_asset_id(const std::string& library_path,
                                                           const std::string& source_path) {
  Result<Statement> st = Statement::prepare(
      db_,
      "SELECT id FROM assets WHERE library_path = ?1 "
      "UNION ALL SELECT s.asset_id FROM sources s WHERE s.path = ?2 AND s.asset_id IS NOT NULL "
      "LIMIT 1");
  if (!st) return st.error();
  if (Status s = st->bind({library_path, source_path}); !s) return s.error();
  Result<bool> row = st->step();
  if (!row) return row.error();
  if (!*row) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(st->int64(0));
}

Status Catalog::set_focus(std::int64_t asset_id, std::optional<FocusPoint> focus) {
  if (focus && !(focus->x >= 0 && focus->x <= 1 && focus->y >= 0 && focus->y <= 1))
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("a focal point is two fractions 0..1 of the picture (got {},{})",
                                  focus->x, focus->y));
  Result<Statement> st =
      Statement::prepare(db_, "UPDATE assets SET focus_x = ?, focus_y = ? WHERE id = ?");
  if (!st) return st.error();
  const Value x = focus ? Value(focus->x) : Value(std::monostate{});
  const Value y = focus ? Value(focus->y) : Value(std::monostate{});
  if (Status s = st->bind({x, y, integer(asset_id)}); !s) return s;
  if (Status s = st->run(); !s) return s;
  if (sqlite3_changes(db_) != 1)
    return make_error(ErrorCode::kNotFound, fmt::format("no asset {} in the catalog", asset_id));
  return Ok{};
}

Result<std::optional<FocusPoint>> Catalog::focus_of(std::int64_t asset_id) {
  Result<Statement> st =
      Statement::prepare(db_, "SELECT focus_x, focus_y FROM assets WHERE id = ?");
  if (!st) return st.error();
  if (Status s = st->bind({integer(asset_id)}); !s) return s.error();
  Result<bool> row = st->step();
  if (!row) return row.error();
  if (!*row || st->is_null(0) || st->is_null(1)) return std::optional<FocusPoint>();
  return std::optional<FocusPoint>(FocusPoint{st->real(0), st->real(1)});
}

Result<std::vector<Asset>> Catalog::list_assets(const AssetQuery& q) {
  Result<Filter> f = asset_filter(q);
  if (!f) return f.error();
  // Assets without a capture time come last.
  Result<Statement> st = Statement::prepare(
      db_, fmt::format("SELECT {} FROM assets a{} ORDER BY a.capture_time IS NULL, "
                       "a.capture_time, a.library_path",
                       kAssetColumns, f->sql));
  if (!st) return st.error();
  if (Status s = st->bind(f->values); !s) return s.error();
  Result<Statement> sidecars = Statement::prepare(db_, kSidecarsOfAsset);
  if (!sidecars) return sidecars.error();
  std::vector<Asset> out;
  for (;;) {
    Result<bool> row = st->step();
    if (!row) return row.error();
    if (!*row) break;
    Result<Asset> a = read_asset(*st, *sidecars);
    if (!a) return a.error();
    out.push_back(std::move(a.value()));
  }
  return out;
}

Result<std::vector<SummaryRow>> Catalog::summarise(const AssetQuery& q) {
  Result<Filter> f = asset_filter(q);
  if (!f) return f.error();
  Result<Statement> st =
      Statement::prepare(db_, fmt::format("SELECT a.capture_day, a.device_class, a.kind, COUNT(*), "
                                          "COALESCE(SUM(a.size_bytes), 0) FROM assets a{} "
                                          "GROUP BY a.capture_day, a.device_class, a.kind "
                                          "ORDER BY a.capture_day, a.device_class, a.kind",
                                          f->sql));
  if (!st) return st.error();
  if (Status s = st->bind(f->values); !s) return s.error();
  std::vector<SummaryRow> out;
  for (;;) {
    Result<bool> row = st->step();
    if (!row) return row.error();
    if (!*row) break;
    SummaryRow r;
    r.day = st->text(0);
    const auto device_class = device_class_from_name(st->text(1));
    const auto kind = media_kind_from_name(st->text(2));
    if (!device_class || !kind) {
      return unreadable_row("device class '" + st->text(1) + "', kind '" + st->text(2) + "'");
    }
    r.device_class = *device_class;
    r.kind = *kind;
    r.count = static_cast<int>(st->int64(3));
    r.bytes = static_cast<std::uint64_t>(st->int64(4));
    out.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<IngestRun>> Catalog::list_runs() {
  Result<Statement> st = Statement::prepare(
      db_,
      "SELECT id, started_at, finished_at, operator, sources_json, copied, duplicates, skipped, "
      "rejected, unchanged, bytes_copied FROM runs ORDER BY id DESC");
  if (!st) return st.error();
  std::vector<IngestRun> out;
  for (;;) {
    Result<bool> row = st->step();
    if (!row) return row.error();
    if (!*row) break;
    IngestRun r;
    r.id = st->int64(0);
    r.started_at = st->text(1);
    r.finished_at = st->text(2);
    r.operator_name = st->text(3);
    const nlohmann::json sources = nlohmann::json::parse(st->text(4), nullptr, false);
    if (!sources.is_array()) return unreadable_row(fmt::format("sources of run {}", r.id));
    for (const nlohmann::json& s : sources) {
      if (!s.is_string()) return unreadable_row(fmt::format("sources of run {}", r.id));
      r.sources.push_back(s.get<std::string>());
    }
    r.copied = static_cast<int>(st->int64(5));
    r.duplicates = static_cast<int>(st->int64(6));
    r.skipped = static_cast<int>(st->int64(7));
    r.rejected = static_cast<int>(st->int64(8));
    r.unchanged = static_cast<int>(st->int64(9));
    r.bytes_copied = static_cast<std::uint64_t>(st->int64(10));
    out.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<Rejection>> Catalog::list_rejections(std::optional<std::int64_t> run) {
  Result<Statement> st = Statement::prepare(
      db_, run ? "SELECT run_id, path, code, reason FROM rejections WHERE run_id = ? ORDER BY id"
               : "SELECT run_id, path, code, reason FROM rejections ORDER BY id");
  if (!st) return st.error();
  if (run) {
    if (Status s = st->bind({integer(*run)}); !s) return s.error();
  }
  std::vector<Rejection> out;
  for (;;) {
    Result<bool> row = st->step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back(Rejection{st->int64(0), st->text(1), st->text(2), st->text(3)});
  }
  return out;
}

Result<std::vector<SourceRecord>> Catalog::sources_of(std::int64_t asset_id) {
  Result<Statement> st = Statement::prepare(
      db_,
      "SELECT path, size, mtime_ns, outcome, asset_id, reason FROM sources WHERE asset_id = ? "
      "ORDER BY id");
  if (!st) return st.error();
  if (Status s = st->bind({integer(asset_id)}); !s) return s.error();
  std::vector<SourceRecord> out;
  for (;;) {
    Result<bool> row = st->step();
    if (!row) return row.error();
    if (!*row) break;
    SourceRecord r;
    r.path = st->text(0);
    r.size = static_cast<std::uint64_t>(st->int64(1));
    r.mtime_ns = st->int64(2);
    const auto outcome = outcome_from_name(st->text(3));
    if (!outcome) return unreadable_row("source outcome '" + st->text(3) + "'");
    r.outcome = *outcome;
    r.asset_id = st->int64(4);
    r.reason = st->text(5);
    out.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<std::string>> Catalog::all_library_paths() {
  Result<Statement> st = Statement::prepare(
      db_, "SELECT library_path FROM assets UNION SELECT library_path FROM sidecars ORDER BY 1");
  if (!st) return st.error();
  std::vector<std::string> out;
  for (;;) {
    Result<bool> row = st->step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back(st->text(0));
  }
  return out;
}

}  // namespace saluran
