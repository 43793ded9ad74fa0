#pragma once
// JSON form of a resolved preset, for `saluran presets show --json` and the render manifest.
//
//   {"name": "youtube", "kind": "video", "container": "mp4", "extension": "mp4",
//    "video": {"aspect": "keep", "max_width": 3840, "gop_seconds": 0.5, "bitrates": [...]},
//    "audio": {"codec": "aac", "loudness_lufs": null, ...}, "limits": {...}, "trim": {...}}

#include <nlohmann/json.hpp>

#include "pipeline/model/preset.hpp"

namespace saluran {

/// Schema version of preset_to_json's output; bumped on an incompatible change.
inline constexpr int kPresetJsonVersion = 1;

/// Every field of `preset` as JSON, keys named as in the preset files, enums as their names
/// ("blur-pad", "trim"). An absent [video] or [audio] and an unset loudness target are null.
nlohmann::json preset_to_json(const Preset& preset);

}  // namespace saluran
