// The query builder: AssetQuery -> WHERE clause and bound values.

#include "pipeline/catalog/asset_filter.hpp"

#include <cmath>
#include <tuple>
#include <utility>

#include <fmt/format.h>

#include "pipeline/catalog/dates.hpp"
#include "pipeline/catalog/distance.hpp"
#include "pipeline/catalog/dji_models.hpp"

namespace saluran::catalog_detail {
namespace {

Error bad_query(const std::string& message) {
  return catalog_error(ErrorCode::kInvalidArgument, message, "AssetQuery");
}

bool in_range(double v, double lo, double hi) { return std::isfinite(v) && v >= lo && v <= hi; }

/// Kind, device class, device text, run and name text.
void add_plain_filters(const AssetQuery& q, Filter& f) {
  if (q.kind) f.add("a.kind = ?", {std::string(media_kind_name(*q.kind))});
  if (q.device_class) {
    f.add("a.device_class = ?", {std::string(device_class_name(*q.device_class))});
  }
  if (!q.device.empty()) {
    // The text in make and model, or a DJI product name whose camera code is the model.
    std::string codes;
    for (const std::string& m : dji_models_named(q.device)) codes += "," + m;
    f.add(
        "(instr(lower(trim(coalesce(a.make, '') || ' ' || coalesce(a.model, ''))), lower(?)) > 0 "
        "OR (upper(a.make) = 'DJI' AND instr(?, ',' || upper(a.model) || ',') > 0))",
        {q.device, codes + ","});
  }
  if (q.run) f.add("a.run_id = ?", {integer(*q.run)});
  if (!q.text.empty()) {
    f.add(
        "(instr(lower(a.library_path), lower(?)) > 0 OR EXISTS (SELECT 1 FROM sources s WHERE "
        "s.asset_id = a.id AND instr(lower(s.path), lower(?)) > 0))",
        {q.text, q.text});
  }
}

Status add_date_filters(const AssetQuery& q, Filter& f) {
  for (const auto& [value, name, op] :
       {std::tuple{&q.from_date, "from_date", ">="}, std::tuple{&q.to_date, "to_date", "<="}}) {
    if (value->empty()) continue;
    if (!is_calendar_date(*value)) {
      return bad_query(fmt::format("{} '{}' is not a date: write it as YYYY-MM-DD", name, *value));
    }
    // An asset with no capture date is outside every date range.
    f.add(fmt::format("a.capture_day <> 'unknown' AND a.capture_day {} ?", op), {*value});
  }
  return Ok{};
}

Status add_near_filter(const AssetQuery& q, Filter& f) {
  const int near_set =
      int{q.near_lat.has_value()} + int{q.near_lon.has_value()} + int{q.within_km.has_value()};
  if (near_set == 0) return Ok{};
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
  return Ok{};
}

Status check_box(const AssetQuery& q) {
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
  return Ok{};
}

Status add_box_filter(const AssetQuery& q, Filter& f) {
  if (Status s = check_box(q); !s) return s;
  if (q.box_south) f.add("a.lat >= ?", {*q.box_south});
  if (q.box_north) f.add("a.lat <= ?", {*q.box_north});
  if (q.box_west && q.box_east && *q.box_west > *q.box_east) {
    // A box across the 180th meridian: west of it or east of it.
    f.add("(a.lon >= ? OR a.lon <= ?)", {*q.box_west, *q.box_east});
  } else {
    if (q.box_west) f.add("a.lon >= ?", {*q.box_west});
    if (q.box_east) f.add("a.lon <= ?", {*q.box_east});
  }
  return Ok{};
}

}  // namespace

void Filter::add(std::string_view clause, std::initializer_list<Value> vs) {
  sql += sql.empty() ? " WHERE " : " AND ";
  sql += clause;
  values.insert(values.end(), vs);
}

Result<Filter> asset_filter(const AssetQuery& q) {
  Filter f;
  add_plain_filters(q, f);
  if (Status s = add_date_filters(q, f); !s) return s.error();
  if (Status s = add_near_filter(q, f); !s) return s.error();
  if (Status s = add_box_filter(q, f); !s) return s.error();
  return f;
}

}  // namespace saluran::catalog_detail
