#pragma once
// Fingerprints of renditions: equal fingerprints mean the output would come out the same
// (same input file by size and modification time, same settings, same Saluran), so render
// does not make it again. Written into the manifest; digests are stable across runs.
//
//   auto fp = media_fingerprint(plan, "C0001.MP4");        // Result<std::string>, 16 hex digits
//   if (!fp) ...   // the input cannot be looked at: "C0001.MP4: cannot read ...: ..."

#include <optional>
#include <string>

#include "pipeline/model/error.hpp"
#include "pipeline/model/focus_point.hpp"
#include "pipeline/model/preset.hpp"
#include "pipeline/stages/render_plan.hpp"

namespace saluran {

/// The fingerprint of a video or sound rendition: the input, the resolved preset, the plan's
/// filter chains, bitrate and length. An error naming the file when it cannot be looked at.
Result<std::string> media_fingerprint(const RenditionPlan& plan, const std::string& input);

/// The fingerprint of one picture file `name` of `preset` made from `input`, centred on
/// `focus` (none: the content decides). An error naming the file when it cannot be looked at.
Result<std::string> picture_fingerprint(const Preset& preset, const std::string& input,
                                        const std::string& name,
                                        const std::optional<FocusPoint>& focus);

}  // namespace saluran
