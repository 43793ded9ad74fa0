// The catalog's ingest runs and the files they rejected.

#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "pipeline/catalog/catalog.hpp"
#include "pipeline/catalog/dates.hpp"
#include "pipeline/catalog/sqlite_statement.hpp"

namespace saluran {

using namespace catalog_detail;  // NOLINT(google-build-using-namespace): the catalog's own

namespace {

/// One row of `list_runs`'s query.
Result<IngestRun> read_run_row(const Statement& st) {
  IngestRun r;
  r.id = st.int64(0);
  r.started_at = st.text(1);
  r.finished_at = st.text(2);
  r.operator_name = st.text(3);
  const nlohmann::json sources = nlohmann::json::parse(st.text(4), nullptr, false);
  if (!sources.is_array()) return unreadable_row(fmt::format("sources of run {}", r.id));
  for (const nlohmann::json& s : sources) {
    if (!s.is_string()) return unreadable_row(fmt::format("sources of run {}", r.id));
    r.sources.push_back(s.get<std::string>());
  }
  r.copied = static_cast<int>(st.int64(5));
  r.duplicates = static_cast<int>(st.int64(6));
  r.skipped = static_cast<int>(st.int64(7));
  r.rejected = static_cast<int>(st.int64(8));
  r.unchanged = static_cast<int>(st.int64(9));
  r.bytes_copied = static_cast<std::uint64_t>(st.int64(10));
  return r;
}

}  // namespace

Result<std::int64_t> Catalog::begin_run(const std::string& operator_name,
                                        const std::vector<std::string>& sources) {
  const std::string sources_json = nlohmann::json(sources).dump();
  if (Status s =
          execute(db_, "INSERT INTO runs (started_at, operator, sources_json) VALUES (?, ?, ?)",
                  {now_utc_iso(), operator_name, sources_json});
      !s) {
    return s.error();
  }
  return last_insert_id(db_);
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
  if (changed_rows(db_) == 0) {
    return catalog_error(ErrorCode::kNotFound,
                         fmt::format("the catalog has no ingest run {}", run.id), "finish_run");
  }
  return Ok{};
}

Status Catalog::add_rejection(const Rejection& r) {
  Status s = execute(db_, "INSERT INTO rejections (run_id, path, code, reason) VALUES (?, ?, ?, ?)",
                     {integer(r.run), r.path, r.code, r.reason});
  if (!s) s.error().context.file = r.path;
  return s;
}

Result<std::vector<IngestRun>> Catalog::list_runs() {
  Result<Statement> st = Statement::prepare(
      db_,
      "SELECT id, started_at, finished_at, operator, sources_json, copied, duplicates, skipped, "
      "rejected, unchanged, bytes_copied FROM runs ORDER BY id DESC");
  if (!st) return st.error();
  return read_all<IngestRun>(*st, read_run_row);
}

Result<std::vector<Rejection>> Catalog::list_rejections(std::optional<std::int64_t> run) {
  Result<Statement> st = Statement::prepare(
      db_, run ? "SELECT run_id, path, code, reason, 1 FROM rejections WHERE run_id = ? ORDER BY id"
               : "SELECT r.run_id, r.path, r.code, r.reason, (SELECT COUNT(DISTINCT x.run_id) FROM "
                 "rejections x WHERE x.path = r.path) FROM rejections r WHERE r.id IN (SELECT "
                 "MAX(id) FROM rejections GROUP BY path) ORDER BY r.id");
  if (!st) return st.error();
  if (run) {
    if (Status s = st->bind({integer(*run)}); !s) return s.error();
  }
  return read_all<Rejection>(*st, [](const Statement& row) {
    return Result<Rejection>(Rejection{row.int64(0), row.text(1), row.text(2), row.text(3),
                                       static_cast<int>(row.int64(4))});
  });
}

}  // namespace saluran
