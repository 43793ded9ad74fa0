#pragma once
// The catalog: SQLite in the library folder (WAL, synchronous=FULL), schema versioned with
// migrations. Assets with every probe fact, their sources and duplicates, ingest runs, and
// rejected files with reasons. The only shared state of the pipeline; every write is a
// transaction. No SQLite type is reachable from here: the implementation is split by concern
// into schema.cpp (migrations), sqlite_statement.cpp and sqlite_error.cpp (statements,
// transactions, errors), asset_filter.cpp (the query builder), catalog.cpp (opening) and the
// queries: asset_queries.cpp, run_queries.cpp, focus_queries.cpp.
//
// Example:
//   Result<Catalog> cat = Catalog::open("/srv/saluran/library/.saluran/catalog.db");
//   auto run = cat->begin_run("budi", {"/media/usb"});
//   if (auto a = cat->find_asset_by_hash(hash); a) ... else cat->add_asset(asset, source);

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/model/asset.hpp"
#include "pipeline/model/error.hpp"
#include "pipeline/model/focus_point.hpp"

struct sqlite3;

namespace saluran {

/// Schema version this build writes; older catalogs are migrated on open, newer refused.
inline constexpr int kCatalogSchemaVersion = 5;

/// Where the catalog of a library lives: "<library>/.saluran/catalog.db".
std::string catalog_path(const std::string& library);

/// Filters for listing assets; every set field must match.
struct AssetQuery {
  std::optional<MediaKind> kind;
  std::optional<DeviceClass> device_class;
  std::string device;               ///< substring of "make model", case-insensitive
  std::string from_date;            ///< capture date >= "YYYY-MM-DD" (is_calendar_date)
  std::string to_date;              ///< capture date <= "YYYY-MM-DD" (is_calendar_date)
  std::optional<std::int64_t> run;  ///< first ingested by this run
  std::string text;                 ///< substring of the library path or any source path
  /// Place: within `within_km` of (lat, lon)...
  std::optional<double> near_lat, near_lon, within_km;
  /// ...or inside a box (south, west, north, east).
  std::optional<double> box_south, box_west, box_north, box_east;
};

/// A count by day, device class and kind, for `inventory --summary`.
struct SummaryRow {
  std::string day;  ///< capture date "YYYY-MM-DD" or "unknown"
  DeviceClass device_class = DeviceClass::kUnknown;
  MediaKind kind = MediaKind::kPhoto;
  int count = 0;
  std::uint64_t bytes = 0;
};

/// A file an ingest run could not take, with its reason.
struct Rejection {
  std::int64_t run = 0;
  std::string path;
  std::string code;  ///< error_code_name
  std::string reason;
  int runs = 1;  ///< how many runs rejected this path (in list_rejections of all runs)
};

/// Where one item of a story's publication to a channel stands in the publish ledger.
enum class LedgerState {
  kIntent,  ///< about to call the remote: it may or may not have the item now
  kDone,    ///< the remote has it (remote_id, url)
  kFailed,  ///< the last attempt failed; nothing known to exist remotely beyond an intent
};

/// One ledger row: a story's post or media item on one channel.
struct LedgerEntry {
  std::string story;    ///< the story's slug
  std::string channel;  ///< the channel's name
  std::string item;     ///< "post", or a media item's upload name
  LedgerState state = LedgerState::kIntent;
  std::string content_hash;  ///< of what was (or is being) sent: file hash or post text hash
  std::string remote_id;
  std::string url;
  std::string name;
  std::string detail;  ///< the connector's JSON about the remote item
  std::string error;   ///< the last failure, in words
  int attempts = 0;
  std::string verified_at;    ///< empty: never verified
  std::string findings_json;  ///< the last verify's findings (a JSON array)
  std::string updated_at;
};

/// What claim_work found.
enum class ClaimState {
  kTaken,  ///< the work is now this owner's (new, already its own, or taken over from a dead one)
  kHeld,   ///< another owner that is alive is doing it
  kDone,   ///< someone finished it
};

/// Handle on one catalog database. Not thread-safe: one writer (the ingest loop) at a time.
class Catalog {
 public:
  Catalog(Catalog&&) noexcept;
  Catalog& operator=(Catalog&&) noexcept;
  ~Catalog();

  /// Opens or creates the catalog at `db_path`, sets WAL + synchronous=FULL + foreign keys,
  /// and migrates the schema to kCatalogSchemaVersion.
  static Result<Catalog> open(const std::string& db_path);

  /// Schema version stored in the file.
  int schema_version() const;
  /// Value of a setting of this connection, for checks and tests: "journal_mode" ("wal"),
  /// "synchronous" ("2" = FULL), "foreign_keys", "busy_timeout" or "user_version".
  Result<std::string> pragma_value(const std::string& name) const;

  /// Starts a run (committed at once, so a killed run stays visible) and returns its id.
  Result<std::int64_t> begin_run(const std::string& operator_name,
                                 const std::vector<std::string>& sources);
  /// Marks a run finished and stores its counts.
  Status finish_run(const IngestRun& run);

  /// The asset with this content hash, if any.
  Result<std::optional<Asset>> find_asset_by_hash(const std::string& hash);
  /// True when an earlier run recorded this exact source (path, size, mtime) as ingested, so it
  /// need not be read again; `asset_id` receives the asset it became.
  Result<bool> source_unchanged(const std::string& path, std::uint64_t size, std::int64_t mtime_ns,
                                std::int64_t* asset_id);
  /// True when `library_path` is already taken by an asset.
  Result<bool> library_path_taken(const std::string& library_path);

  /// Adds a new asset and the source it came from, in one transaction; returns the asset id.
  Result<std::int64_t> add_asset(const Asset& asset, const SourceRecord& source, std::int64_t run);
  /// Records a source file (duplicate, skipped, sidecar, rejected, unchanged) for a run.
  Status add_source(const SourceRecord& source, std::int64_t run);
  /// Adds a sidecar library path to an asset.
  Status add_sidecar(std::int64_t asset_id, const std::string& library_path);
  /// Records a rejected file with its reason.
  Status add_rejection(const Rejection& r);

  /// The asset whose library file is `library_path` (relative to the library) or that was
  /// ingested from `source_path` (absolute), if any.
  Result<std::optional<std::int64_t>> find_asset_id(const std::string& library_path,
                                                    const std::string& source_path);
  /// Sets (or, with nullopt, clears) the focal point set by hand for an asset: fill crops of
  /// it centre there instead of on what the content analysis finds. kNotFound for no asset,
  /// kInvalidArgument outside 0..1.
  Status set_focus(std::int64_t asset_id, std::optional<FocusPoint> focus);
  /// The asset's focal point, if one was set.
  Result<std::optional<FocusPoint>> focus_of(std::int64_t asset_id);

  /// Assets matching a query, ordered by capture time then library path.
  Result<std::vector<Asset>> list_assets(const AssetQuery& q);
  /// Counts by day, device class and kind over the assets matching a query.
  Result<std::vector<SummaryRow>> summarise(const AssetQuery& q);
  /// All runs, newest first.
  Result<std::vector<IngestRun>> list_runs();
  /// Rejections of one run; or, of all runs, each path once with its latest run, code and
  /// reason and how many runs rejected it, in the order of their latest rejection.
  Result<std::vector<Rejection>> list_rejections(std::optional<std::int64_t> run);
  /// Source records of an asset (first copy and duplicates).
  Result<std::vector<SourceRecord>> sources_of(std::int64_t asset_id);
  /// The ledger row of one item, if any.
  Result<std::optional<LedgerEntry>> ledger_entry(const std::string& story,
                                                  const std::string& channel,
                                                  const std::string& item);
  /// Every ledger row of a story (all channels when `channel` is empty), by channel then id.
  Result<std::vector<LedgerEntry>> ledger_entries(const std::string& story,
                                                  const std::string& channel = {});
  /// Records, and commits, that `item` is about to be sent with this content: state intent,
  /// one more attempt. The remote fields of an earlier success are kept (an update).
  Status ledger_intent(const std::string& story, const std::string& channel,
                       const std::string& item, const std::string& content_hash);
  /// Records that the remote has the item: state done with its id, URL, name and detail; an
  /// earlier verify no longer applies and is cleared.
  Status ledger_done(const LedgerEntry& entry);
  /// Records a failed attempt with its reason (the intent stays known through the log).
  Status ledger_failed(const std::string& story, const std::string& channel,
                       const std::string& item, const std::string& error);
  /// Stores the result of a verify of the item (findings as a JSON array, "[]" for none).
  Status ledger_verified(const std::string& story, const std::string& channel,
                         const std::string& item, const std::string& findings_json);
  /// The publish log of a story, oldest first: "at channel item event detail" per line.
  Result<std::vector<std::string>> publish_log(const std::string& story);

  /// A value a connector kept for `channel` under `key` (see ConnectorState), if any.
  Result<std::optional<std::string>> connector_state(const std::string& channel,
                                                     const std::string& key);
  /// Keeps, and commits, `value` under `key` for `channel`; an empty value removes the key.
  Status set_connector_state(const std::string& channel, const std::string& key,
                             const std::string& value);

  /// Claims the unit of work `key` for `owner`, in one write transaction, so that of several
  /// processes on one library exactly one does it. A running claim whose owner
  /// `owner_alive(owner)` says is gone is taken over.
  Result<ClaimState> claim_work(const std::string& key, const std::string& owner,
                                const std::function<bool(const std::string&)>& owner_alive);
  /// Marks `key` done (by `owner`).
  Status finish_work(const std::string& key, const std::string& owner);
  /// Gives `key` up (it failed or was interrupted): another process may claim it.
  Status release_work(const std::string& key, const std::string& owner);
  /// The state of `key`: nullopt when nobody claimed it; the owner in `owner` when given.
  Result<std::optional<ClaimState>> work_state(const std::string& key,
                                               std::string* owner = nullptr);

  /// Every library path the catalog knows (assets and sidecars), for consistency checks.
  Result<std::vector<std::string>> all_library_paths();

 private:
  explicit Catalog(sqlite3* db);
  sqlite3* db_ = nullptr;
};

}  // namespace saluran
