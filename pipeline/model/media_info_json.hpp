#pragma once
// JSON form of probe results. Field names are stable and documented in README.md ("probe --json").

#include <nlohmann/json.hpp>

#include "pipeline/model/error.hpp"
#include "pipeline/model/media_info.hpp"

namespace saluran {

/// Schema version of the JSON written by `saluran probe --json`; bumped on incompatible change.
inline constexpr int kProbeJsonVersion = 1;

/// One MediaInfo as JSON; absent facts are omitted, never written as zero.
nlohmann::json to_json(const MediaInfo& info);
/// A telemetry summary as JSON.
nlohmann::json to_json(const Telemetry& t);
/// A position as JSON: {"latitude", "longitude", "altitude_m"?}.
nlohmann::json to_json(const GeoPoint& g);
/// An Error as JSON: {"code", "message", "stage"?, "file"?, "detail"?}.
nlohmann::json to_json(const Error& e);

/// The inverse of to_json(const MediaInfo&): reads the facts back (the catalog keeps them so).
/// A missing required field, a wrong type or an unknown name is a kCorrupt Error.
Result<MediaInfo> media_info_from_json(const nlohmann::json& j);

}  // namespace saluran
