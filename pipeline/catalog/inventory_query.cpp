#include "pipeline/catalog/inventory_query.hpp"

#include <charconv>
#include <cmath>
#include <string_view>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "pipeline/catalog/dates.hpp"
#include "pipeline/catalog/distance.hpp"
#include "pipeline/model/enum_names.hpp"

namespace saluran {
namespace {

Error usage(std::string message) {
  Error e = make_error(ErrorCode::kInvalidArgument, std::move(message));
  e.context.stage = "inventory";
  return e;
}

bool is_latitude(double v) { return v >= -90 && v <= 90; }
bool is_longitude(double v) { return v >= -180 && v <= 180; }

/// Trims spaces and one leading '+' from a number's text.
std::string_view number_text(std::string_view part) {
  while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
  while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
  if (!part.empty() && part.front() == '+') part.remove_prefix(1);
  return part;
}

Status parse_names(const InventoryFilters& f, AssetQuery& q) {
  if (!f.kind.empty()) {
    const auto kind = parse_media_kind(f.kind);
    if (!kind) {
      return usage(
          fmt::format("--kind '{}' is not a kind: photo, video, audio or telemetry", f.kind));
    }
    q.kind = kind;
  }
  if (!f.device_class.empty()) {
    q.device_class = parse_device_class(f.device_class);
    if (!q.device_class) {
      return usage(
          fmt::format("--device-class '{}' is not a device class: camera, drone, phone or unknown",
                      f.device_class));
    }
  }
  return Ok{};
}

Status parse_dates(const InventoryFilters& f, AssetQuery& q) {
  for (const auto& [value, option] : {std::pair{&f.from, "--from"}, std::pair{&f.to, "--to"}}) {
    if (!value->empty() && !is_calendar_date(*value)) {
      return usage(fmt::format("{} '{}' is not a date: write it as YYYY-MM-DD, e.g. 2025-03-14",
                               option, *value));
    }
  }
  if (!f.from.empty() && !f.to.empty() && f.from > f.to) {
    return usage(
        fmt::format("--from {} is after --to {}: the first day must come first", f.from, f.to));
  }
  q.from_date = f.from;
  q.to_date = f.to;
  return Ok{};
}

Status parse_place(const InventoryFilters& f, AssetQuery& q) {
  if (f.within && f.near.empty()) {
    return usage("--within needs --near LAT,LON: the place to measure the distance from");
  }
  if (f.near.empty()) return Ok{};
  const auto ll = parse_decimal_list(f.near, 2);
  if (!ll || !is_latitude((*ll)[0]) || !is_longitude((*ll)[1])) {
    return usage(fmt::format(
        "--near '{}' is not a place: write LAT,LON in decimal degrees, latitude -90..90 and "
        "longitude -180..180, e.g. --near -6.9147,107.6098",
        f.near));
  }
  if (!f.within) return usage("--near needs --within KM: how far from the place");
  if (!(*f.within > 0 && *f.within <= kMaxDistanceKm)) {
    return usage(
        fmt::format("--within {} is out of range: give kilometres, more than 0 and at most {}",
                    *f.within, kMaxDistanceKm));
  }
  q.near_lat = (*ll)[0];
  q.near_lon = (*ll)[1];
  q.within_km = f.within;
  return Ok{};
}

Status parse_box(const InventoryFilters& f, AssetQuery& q) {
  if (f.bbox.empty()) return Ok{};
  const auto b = parse_decimal_list(f.bbox, 4);
  if (!b || !is_latitude((*b)[0]) || !is_longitude((*b)[1]) || !is_latitude((*b)[2]) ||
      !is_longitude((*b)[3]) || (*b)[0] > (*b)[2]) {
    return usage(fmt::format(
        "--bbox '{}' is not a box: write SOUTH,WEST,NORTH,EAST in decimal degrees, latitudes "
        "-90..90 with SOUTH <= NORTH, longitudes -180..180, e.g. --bbox -7.0,106.5,-6.0,107.7",
        f.bbox));
  }
  q.box_south = (*b)[0];
  q.box_west = (*b)[1];
  q.box_north = (*b)[2];
  q.box_east = (*b)[3];
  return Ok{};
}

}  // namespace

std::optional<std::vector<double>> parse_decimal_list(const std::string& text, std::size_t count) {
  std::vector<double> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = text.find(',', start);
    const std::string_view part = number_text(std::string_view(text).substr(
        start, (comma == std::string::npos ? text.size() : comma) - start));
    double v = 0;
    const auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
    if (part.empty() || ec != std::errc() || ptr != part.data() + part.size() ||
        !std::isfinite(v)) {
      return std::nullopt;
    }
    out.push_back(v);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (out.size() != count) return std::nullopt;
  return out;
}

Result<AssetQuery> parse_inventory_query(const InventoryFilters& filters) {
  AssetQuery q;
  if (Status s = parse_names(filters, q); !s) return s.error();
  q.device = filters.device;
  if (Status s = parse_dates(filters, q); !s) return s.error();
  if (filters.run && *filters.run < 1) {
    return usage(
        fmt::format("--run {} is not a run: runs are numbered from 1 (see --runs)", *filters.run));
  }
  q.run = filters.run;
  q.text = filters.name;
  if (Status s = parse_place(filters, q); !s) return s.error();
  if (Status s = parse_box(filters, q); !s) return s.error();
  return q;
}

}  // namespace saluran
