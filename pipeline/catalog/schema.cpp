// The catalog's schema: every table and index, as migration steps applied in order.

#include "pipeline/catalog/schema.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "pipeline/catalog/catalog.hpp"
#include "pipeline/catalog/sqlite_statement.hpp"

namespace saluran::catalog_detail {
namespace {

// 0 -> 1: runs, assets, their sources, sidecars and rejections.
constexpr std::string_view kRunsAssetsSources = R"sql(
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
)sql";

// 1 -> 2: a focal point set by hand per asset (fractions of the upright picture).
constexpr std::string_view kFocusPoint = R"sql(
ALTER TABLE assets ADD COLUMN focus_x REAL;
ALTER TABLE assets ADD COLUMN focus_y REAL;
)sql";

// 2 -> 3: the publish ledger. One row per story, channel and item ("post" or a media item's
// upload name): the intent is committed before each remote call and the result after it, so a
// rerun knows what may already exist remotely and reconciles before sending again. The log
// keeps every step for the audit trail.
constexpr std::string_view kPublishLedger = R"sql(
CREATE TABLE publish_ledger (
  id INTEGER PRIMARY KEY,
  story TEXT NOT NULL,
  channel TEXT NOT NULL,
  item TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('intent', 'done', 'failed')),
  content_hash TEXT NOT NULL DEFAULT '',
  remote_id TEXT NOT NULL DEFAULT '',
  url TEXT NOT NULL DEFAULT '',
  name TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL DEFAULT '',
  error TEXT NOT NULL DEFAULT '',
  attempts INTEGER NOT NULL DEFAULT 0,
  verified_at TEXT,
  findings_json TEXT,
  updated_at TEXT NOT NULL,
  UNIQUE (story, channel, item)
);
CREATE TABLE publish_log (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  story TEXT NOT NULL,
  channel TEXT NOT NULL,
  item TEXT NOT NULL,
  event TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX publish_log_story ON publish_log(story, channel);
)sql";

// Step 4: what a connector keeps between runs for one channel: the state of an upload in progress
// (a session URI, an upload id, a container), the quota it has used today.
constexpr std::string_view kConnectorState = R"sql(
CREATE TABLE connector_state (
  channel TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (channel, key)
);
)sql";

// Step 5: claims on units of batch work shared by several processes on one library (the shards
// of a batch on a cluster): a folder's ingest, a render group, a story's publication.
constexpr std::string_view kWorkClaims = R"sql(
CREATE TABLE work_claims (
  key TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('running', 'done')),
  updated_at TEXT NOT NULL
);
)sql";

}  // namespace

// A step is never edited once released; a change of schema is a new step appended here (and
// kCatalogSchemaVersion raised to match).
const std::vector<std::string_view>& migrations() {
  static const std::vector<std::string_view> kSteps = {
      kRunsAssetsSources, kFocusPoint, kPublishLedger, kConnectorState, kWorkClaims};
  return kSteps;
}

Status migrate(sqlite3* db) {
  const std::vector<std::string_view>& steps = migrations();
  if (steps.size() != static_cast<std::size_t>(kCatalogSchemaVersion)) {
    throw std::logic_error("catalog migrations do not match kCatalogSchemaVersion");
  }
  for (;;) {
    Result<Transaction> tx = Transaction::begin(db);
    if (!tx) return tx.error();
    // Read again under the write lock: another process may have migrated meanwhile.
    Result<std::int64_t> version = query_int(db, "PRAGMA user_version");
    if (!version) return version.error();
    if (*version >= kCatalogSchemaVersion) return Ok{};
    if (Status s = execute_script(db, steps[static_cast<std::size_t>(*version)]); !s) return s;
    // PRAGMA takes no bound parameters; the number is this build's own constant.
    if (Status s = execute_script(db, fmt::format("PRAGMA user_version = {}", *version + 1)); !s)
      return s;
    if (Status s = tx->commit(); !s) return s;
  }
}

}  // namespace saluran::catalog_detail
