#pragma once
// Private to the catalog's .cpp files: prepared statements with bound values, write
// transactions and the one translation of SQLite result codes to Error. The SQLite types are
// only declared here, so this header reaches no C library header; never include it from a
// public header.
//
//   Result<Statement> st = Statement::prepare(db, "SELECT id FROM assets WHERE hash = ?");
//   st->bind({hash});
//   while (*st->step()) use(st->int64(0));

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "pipeline/model/error.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace saluran::catalog_detail {

/// Closes a connection (sqlite3_close_v2).
struct DbClose {
  void operator()(sqlite3* db) const noexcept;
};
/// An owned connection.
using DbPtr = std::unique_ptr<sqlite3, DbClose>;

/// Finalizes a statement (sqlite3_finalize).
struct StmtFinalize {
  void operator()(sqlite3_stmt* stmt) const noexcept;
};
/// An owned prepared statement.
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtFinalize>;

/// The one translation point from SQLite result codes to Error: Ok for OK, ROW and DONE, else
/// a plain-language error naming the catalog file and the call.
Status check_sqlite(int rc, sqlite3* db, const char* call);

/// An error of the catalog stage.
Error catalog_error(ErrorCode code, std::string message, std::string detail = {});

/// A record the catalog holds but cannot read back (kCorrupt, says to restore a backup).
Error unreadable_row(const std::string& what);

/// A value bound to a `?` of a statement. Integers, reals and text; std::monostate is NULL.
using Value = std::variant<std::monostate, std::int64_t, double, std::string>;

/// NULL for an empty string, else the text.
inline Value text_or_null(const std::string& s) { return s.empty() ? Value{} : Value{s}; }
/// NULL for nullopt, else the number.
inline Value real_or_null(const std::optional<double>& v) { return v ? Value{*v} : Value{}; }
/// An integer value.
inline Value integer(std::int64_t v) { return Value{v}; }

/// A prepared statement with its values bound; never SQL built from values.
class Statement {
 public:
  /// Prepares `sql` on `db`.
  static Result<Statement> prepare(sqlite3* db, std::string_view sql);

  /// Binds values to ?1, ?2, ... in order.
  Status bind(const std::vector<Value>& values);
  /// Next row: true when there is one, false when done.
  Result<bool> step();
  /// Runs a statement that returns no rows.
  Status run();
  /// Makes the statement ready to bind and run again.
  void reset();

  /// Columns of the current row.
  bool is_null(int col) const;
  std::int64_t int64(int col) const;
  double real(int col) const;
  std::string text(int col) const;

 private:
  Statement(sqlite3* db, StmtPtr stmt) : db_(db), stmt_(std::move(stmt)) {}
  sqlite3* db_;
  StmtPtr stmt_;
};

/// Every row of a bound statement, each read by `read` (a Result<T>(const Statement&)).
template <class T, class Read>
Result<std::vector<T>> read_all(Statement& st, Read read) {
  std::vector<T> out;
  for (;;) {
    Result<bool> row = st.step();
    if (!row) return row.error();
    if (!*row) return out;
    Result<T> item = read(st);
    if (!item) return item.error();
    out.push_back(std::move(item.value()));
  }
}

/// Prepares, binds and runs a statement that returns no rows.
Status execute(sqlite3* db, std::string_view sql, const std::vector<Value>& values = {});

/// Runs a script of fixed statements (the schema, a PRAGMA); it holds no values.
Status execute_script(sqlite3* db, std::string_view sql);

/// First column of the first row of a query, as integer (0 when there is no row).
Result<std::int64_t> query_int(sqlite3* db, std::string_view sql,
                               const std::vector<Value>& values = {});

/// First column of the first row of a query, as text (empty when there is no row).
Result<std::string> query_text(sqlite3* db, std::string_view sql);

/// The rowid of the last row inserted on this connection.
std::int64_t last_insert_id(sqlite3* db);

/// The rows changed by the last INSERT, UPDATE or DELETE on this connection.
int changed_rows(sqlite3* db);

/// A write transaction that rolls back unless committed. BEGIN IMMEDIATE takes the write lock
/// at once, so two writers wait on busy_timeout instead of failing half-way.
class Transaction {
 public:
  /// Begins a write transaction on `db`.
  static Result<Transaction> begin(sqlite3* db);
  Transaction(Transaction&& o) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  /// Rolls back unless committed.
  ~Transaction();
  /// Commits; on failure the transaction still rolls back when destroyed.
  Status commit();

 private:
  explicit Transaction(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

}  // namespace saluran::catalog_detail
