// The catalog's assets: adding them with their sources and sidecars, finding them by hash or
// source, listing and summarising them by query.

#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "pipeline/catalog/asset_filter.hpp"
#include "pipeline/catalog/catalog.hpp"
#include "pipeline/catalog/dates.hpp"
#include "pipeline/catalog/sqlite_statement.hpp"
#include "pipeline/model/enum_names.hpp"
#include "pipeline/model/media_info_json.hpp"

namespace saluran {

using namespace catalog_detail;  // NOLINT(google-build-using-namespace): the catalog's own

namespace {

constexpr std::string_view kAssetColumns = "a.id, a.hash, a.library_path, a.run_id, a.info_json";

constexpr std::string_view kSidecarsOfAsset =
    "SELECT library_path FROM sidecars WHERE asset_id = ? ORDER BY library_path";

constexpr std::string_view kInsertAsset =
    "INSERT INTO assets (hash, library_path, run_id, kind, container, size_bytes, "
    "duration_s, capture_time, capture_day, make, model, device_class, lat, lon, alt, "
    "width, height, upright_width, upright_height, info_json) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

constexpr std::string_view kInsertSidecar =
    "INSERT INTO sidecars (asset_id, library_path) VALUES (?, ?)";

/// The values of kInsertAsset for an asset first brought in by `run`.
std::vector<Value> asset_row(const Asset& asset, std::int64_t run) {
  const MediaInfo& m = asset.info;
  const std::optional<GeoPoint>& gps = m.meta.gps;
  const std::optional<PictureInfo>& pic = m.picture;
  auto pic_int = [&](int PictureInfo::*field) { return pic ? integer((*pic).*field) : Value{}; };
  return {asset.hash,
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
          to_json(m).dump()};
}

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

/// One row of `summarise`'s query.
Result<SummaryRow> read_summary_row(const Statement& st) {
  SummaryRow r;
  r.day = st.text(0);
  const auto device_class = parse_device_class(st.text(1));
  const auto kind = parse_media_kind(st.text(2));
  if (!device_class || !kind) {
    return unreadable_row("device class '" + st.text(1) + "', kind '" + st.text(2) + "'");
  }
  r.device_class = *device_class;
  r.kind = *kind;
  r.count = static_cast<int>(st.int64(3));
  r.bytes = static_cast<std::uint64_t>(st.int64(4));
  return r;
}

/// One row of `sources_of`'s query.
Result<SourceRecord> read_source_row(const Statement& st) {
  SourceRecord r;
  r.path = st.text(0);
  r.size = static_cast<std::uint64_t>(st.int64(1));
  r.mtime_ns = st.int64(2);
  const auto outcome = parse_source_outcome(st.text(3));
  if (!outcome) return unreadable_row("source outcome '" + st.text(3) + "'");
  r.outcome = *outcome;
  r.asset_id = st.int64(4);
  r.reason = st.text(5);
  return r;
}

}  // namespace

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
  Result<Transaction> tx = Transaction::begin(db_);
  if (!tx) return tx.error();
  if (Status s = execute(db_, kInsertAsset, asset_row(asset, run)); !s) {
    s.error().context.file = asset.library_path;
    return s.error();
  }
  const std::int64_t id = last_insert_id(db_);
  for (const std::string& sidecar : asset.sidecars) {
    if (Status s = execute(db_, kInsertSidecar, {integer(id), sidecar}); !s) {
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
  Status s = execute(db_, kInsertSidecar, {integer(asset_id), library_path});
  if (!s) s.error().context.file = library_path;
  return s;
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
  return read_all<Asset>(*st, [&](const Statement& row) { return read_asset(row, *sidecars); });
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
  return read_all<SummaryRow>(*st, read_summary_row);
}

Result<std::vector<SourceRecord>> Catalog::sources_of(std::int64_t asset_id) {
  Result<Statement> st = Statement::prepare(
      db_,
      "SELECT path, size, mtime_ns, outcome, asset_id, reason FROM sources WHERE asset_id = ? "
      "ORDER BY id");
  if (!st) return st.error();
  if (Status s = st->bind({integer(asset_id)}); !s) return s.error();
  return read_all<SourceRecord>(*st, read_source_row);
}

Result<std::vector<std::string>> Catalog::all_library_paths() {
  Result<Statement> st = Statement::prepare(
      db_, "SELECT library_path FROM assets UNION SELECT library_path FROM sidecars ORDER BY 1");
  if (!st) return st.error();
  return read_all<std::string>(
      *st, [](const Statement& row) { return Result<std::string>(row.text(0)); });
}

}  // namespace saluran
