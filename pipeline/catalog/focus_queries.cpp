// Finding an asset by its library or source path, and the focal point set on it by hand.

#include <vector>

#include <fmt/format.h>

#include "pipeline/catalog/catalog.hpp"
#include "pipeline/catalog/sqlite_statement.hpp"

namespace saluran {

using namespace catalog_detail;  // NOLINT(google-build-using-namespace): the catalog's own

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
  std::vector<Value> values(3);  // focus_x, focus_y: NULL to clear
  if (focus) {
    values[0] = focus->x;
    values[1] = focus->y;
  }
  values[2] = asset_id;
  if (Status s = st->bind(values); !s) return s;
  if (Status s = st->run(); !s) return s;
  if (changed_rows(db_) != 1)
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

}  // namespace saluran
