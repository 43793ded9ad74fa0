// Prepared statements, their values and write transactions over one SQLite connection.

#include "pipeline/catalog/sqlite_statement.hpp"

#include <sqlite3.h>

#include <utility>

#include <fmt/format.h>

namespace saluran::catalog_detail {

void DbClose::operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }

void StmtFinalize::operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }

Result<Statement> Statement::prepare(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  const int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &raw, nullptr);
  StmtPtr stmt(raw);
  if (Status s = check_sqlite(rc, db, "sqlite3_prepare_v2"); !s) return s.error();
  return Statement(db, std::move(stmt));
}

Status Statement::bind(const std::vector<Value>& values) {
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

Result<bool> Statement::step() {
  const int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Error e = check_sqlite(rc, db_, "sqlite3_step").error();
  e.context.detail += fmt::format(" in: {}", sqlite3_sql(stmt_.get()));
  return e;
}

Status Statement::run() {
  Result<bool> r = step();
  if (!r) return r.error();
  return Ok{};
}

void Statement::reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
}

bool Statement::is_null(int col) const {
  return sqlite3_column_type(stmt_.get(), col) == SQLITE_NULL;
}

std::int64_t Statement::int64(int col) const { return sqlite3_column_int64(stmt_.get(), col); }

double Statement::real(int col) const { return sqlite3_column_double(stmt_.get(), col); }

std::string Statement::text(int col) const {
  const unsigned char* p = sqlite3_column_text(stmt_.get(), col);
  if (p == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(p),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), col)));
}

Status execute(sqlite3* db, std::string_view sql, const std::vector<Value>& values) {
  Result<Statement> st = Statement::prepare(db, sql);
  if (!st) return st.error();
  if (Status s = st->bind(values); !s) return s;
  return st->run();
}

Status execute_script(sqlite3* db, std::string_view sql) {
  const std::string script(sql);
  return check_sqlite(sqlite3_exec(db, script.c_str(), nullptr, nullptr, nullptr), db,
                      "sqlite3_exec");
}

Result<std::int64_t> query_int(sqlite3* db, std::string_view sql,
                               const std::vector<Value>& values) {
  Result<Statement> st = Statement::prepare(db, sql);
  if (!st) return st.error();
  if (Status s = st->bind(values); !s) return s.error();
  Result<bool> row = st->step();
  if (!row) return row.error();
  if (!*row) return std::int64_t{0};
  return st->int64(0);
}

Result<std::string> query_text(sqlite3* db, std::string_view sql) {
  Result<Statement> st = Statement::prepare(db, sql);
  if (!st) return st.error();
  Result<bool> row = st->step();
  if (!row) return row.error();
  if (!*row) return std::string();
  return st->text(0);
}

std::int64_t last_insert_id(sqlite3* db) {
  return static_cast<std::int64_t>(sqlite3_last_insert_rowid(db));
}

int changed_rows(sqlite3* db) { return sqlite3_changes(db); }

Result<Transaction> Transaction::begin(sqlite3* db) {
  if (Status s = execute_script(db, "BEGIN IMMEDIATE"); !s) return s.error();
  return Transaction(db);
}

Transaction::Transaction(Transaction&& o) noexcept : db_(std::exchange(o.db_, nullptr)) {}

Transaction::~Transaction() {
  if (db_ != nullptr) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

Status Transaction::commit() {
  Status s = execute_script(db_, "COMMIT");
  if (s) db_ = nullptr;
  return s;
}

}  // namespace saluran::catalog_detail
