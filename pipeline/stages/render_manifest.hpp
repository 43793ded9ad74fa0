#pragma once
// The render manifest (`<out>/saluran-manifest.json`): what was made from what, with which
// settings, and each check's result. Also the JSON of `saluran render --json`.
//
//   {"saluran": "0.1.0", "outputs": {"C0001.youtube.mp4": {"input": "...", "preset": "youtube",
//     "status": "made", "fingerprint": "...", "settings": {...}, "plan": {...},
//     "check": {"passed": true, "rules": [...]}, "loudness": {...}, "damaged": [...]}}}

#include <nlohmann/json.hpp>

#include <string>

#include "pipeline/model/error.hpp"
#include "pipeline/stages/render.hpp"

namespace saluran {

/// One rendition's manifest entry.
nlohmann::json rendition_to_json(const RenditionResult& r);
/// One input's report (its renditions, damage, timing).
nlohmann::json input_report_to_json(const InputReport& r);

/// Reads the manifest of `out_dir`; an empty one when there is none (or it is unreadable,
/// which the next write replaces).
nlohmann::json read_render_manifest(const std::string& out_dir);
/// Merges `report`'s renditions into the manifest of `out_dir` and writes it atomically.
Status write_render_manifest(const std::string& out_dir, const InputReport& report);

}  // namespace saluran
