// The one translation point from SQLite result codes to Error, and the catalog's own errors.

#include <sqlite3.h>

#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "pipeline/catalog/sqlite_statement.hpp"

namespace saluran::catalog_detail {
namespace {

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

struct Described {
  ErrorCode code = ErrorCode::kExternal;
  std::string message;
};

Described describe_constraint(int rc, std::string_view what) {
  if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
    return {ErrorCode::kInvalidArgument, unique_message(what)};
  if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
    return {ErrorCode::kInvalidArgument,
            "the catalog refused a record that refers to a run or asset it does not hold"};
  }
  return {ErrorCode::kInvalidArgument, "the catalog refused a record that breaks its rules"};
}

// What a failed call means for the people using the library, and what to do about it.
Described describe(int rc, std::string_view what) {
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      return describe_constraint(rc, what);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return {ErrorCode::kIo,
              "the catalog is busy: another saluran command is writing to it; wait for it to "
              "finish and run again"};
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return {ErrorCode::kPermission,
              "the catalog cannot be written: check that this user may write to the library"};
    case SQLITE_CANTOPEN:
      return {ErrorCode::kIo,
              "the catalog cannot be opened: check that the library folder exists and that this "
              "user may write to it"};
    case SQLITE_FULL:
      return {ErrorCode::kIo,
              "the disk holding the catalog is full: free some space and run again"};
    case SQLITE_IOERR:
      return {ErrorCode::kIo,
              "reading or writing the catalog failed (disk error): check the disk and run again"};
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return {ErrorCode::kCorrupt,
              "the catalog file is damaged or is not a Saluran catalog: restore it from a backup"};
    case SQLITE_NOMEM:
      return {ErrorCode::kExternal, "out of memory while using the catalog"};
    default:
      return {ErrorCode::kExternal, "the catalog database failed"};
  }
}

}  // namespace

Status check_sqlite(int rc, sqlite3* db, const char* call) {
  if (rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE) return Ok{};
  const std::string what = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  Described d = describe(rc, what);
  const char* file = db != nullptr ? sqlite3_db_filename(db, "main") : nullptr;
  Error e =
      make_error(d.code, std::move(d.message), file != nullptr ? file : "",
                 rc == (rc & 0xff) ? fmt::format("{}: {}", call, what)
                                   : fmt::format("{}: {} (extended code {})", call, what, rc));
  e.context.stage = "catalog";
  return e;
}

Error catalog_error(ErrorCode code, std::string message, std::string detail) {
  Error e = make_error(code, std::move(message), {}, std::move(detail));
  e.context.stage = "catalog";
  return e;
}

Error unreadable_row(const std::string& what) {
  return catalog_error(ErrorCode::kCorrupt, "the catalog holds a record it cannot read (" + what +
                                                "): restore the catalog from a backup");
}

}  // namespace saluran::catalog_detail
