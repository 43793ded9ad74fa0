#pragma once
// The inventory's filters as people type them (on the command line, or later in a form of the
// desk), checked and turned into a catalog AssetQuery. Every error names the option, what was
// wrong and what is allowed, in words an operator can act on.
//
// Example:
//   InventoryFilters f;
//   f.from = "2025-03-01";
//   f.near = "-6.9147,107.6098";
//   f.within = 5;
//   Result<AssetQuery> q = parse_inventory_query(f);
//   if (!q) print(q.error().message);   // "--near needs --within KM: how far from the place"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/catalog/catalog.hpp"
#include "pipeline/model/error.hpp"

namespace saluran {

/// The filters of `saluran inventory`, as text; an empty string or nullopt is "not given".
struct InventoryFilters {
  std::string kind;                 ///< --kind: "photo", "video", "audio" or "telemetry"
  std::string device_class;         ///< --device-class: "camera", "drone", "phone" or "unknown"
  std::string device;               ///< --device: text in the make and model
  std::string from;                 ///< --from YYYY-MM-DD
  std::string to;                   ///< --to YYYY-MM-DD
  std::optional<std::int64_t> run;  ///< --run N, from 1
  std::string name;                 ///< --name: text in the library or a source path
  std::string near;                 ///< --near LAT,LON in decimal degrees
  std::optional<double> within;     ///< --within KM, with --near
  std::string bbox;                 ///< --bbox SOUTH,WEST,NORTH,EAST in decimal degrees
};

/// The query for these filters, or kInvalidArgument whose message names the option and what
/// is allowed, e.g. "--from '2024-13-01' is not a date: write it as YYYY-MM-DD, e.g.
/// 2025-03-14". Dates must be real calendar days (is_calendar_date) with --from no later than
/// --to; --near and --within go together (0 < KM <= kMaxDistanceKm); a box has SOUTH <= NORTH
/// and may cross the 180th meridian (WEST > EAST).
Result<AssetQuery> parse_inventory_query(const InventoryFilters& filters);

/// Comma-separated decimal numbers ("-6.91, 107.61"; spaces and a leading '+' allowed);
/// nullopt unless there are exactly `count` of them, all finite.
std::optional<std::vector<double>> parse_decimal_list(const std::string& text, std::size_t count);

}  // namespace saluran
