#pragma once
// Private to the catalog's .cpp files: the query builder that turns an AssetQuery into the
// WHERE clause over `assets a`, with every value bound (never pasted into the SQL).
//
//   Result<Filter> f = asset_filter(q);      // " WHERE a.kind = ? AND a.run_id = ?"
//   st = Statement::prepare(db, "SELECT ... FROM assets a" + f->sql); st->bind(f->values);

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/catalog/catalog.hpp"
#include "pipeline/catalog/sqlite_statement.hpp"

namespace saluran::catalog_detail {

/// The WHERE clause of an AssetQuery over `assets a`, with its values in order.
struct Filter {
  std::string sql;  ///< empty, or " WHERE ..." with one `?` per value
  std::vector<Value> values;

  /// Adds one condition, AND-ed with the others, and its values.
  void add(std::string_view clause, std::initializer_list<Value> vs);
};

/// The filter of a query, or kInvalidArgument naming the field that is out of range (a date
/// not YYYY-MM-DD, a place without all of near_lat, near_lon and within_km, a box edge...).
Result<Filter> asset_filter(const AssetQuery& q);

}  // namespace saluran::catalog_detail
