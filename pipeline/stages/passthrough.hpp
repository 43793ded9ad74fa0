#pragma once
// Pass-through: whether a video rendition copies the source's video stream instead of encoding
// it, decided the same way by render and by `saluran plan`.
//
//   SourceFacts facts = source_facts(info);
//   auto plan = plan_rendition(preset, facts, overrides, stem);
//   decide_copy(*plan, facts);  // plan->video->copy, plan->video->copy_note

#include "pipeline/model/media_info.hpp"
#include "pipeline/stages/render_plan.hpp"

namespace saluran {

/// The facts of a probed input that a rendition's plan needs.
SourceFacts source_facts(const MediaInfo& info);

/// For a `passthrough = "when-valid"` preset: sets `plan.video->copy` when the plan changes
/// nothing of the picture (copy_obstacles) and the source file meets every rule the channel
/// requires of the video (its recommendations for an encode do not count; the source file is
/// read for its GOP survey), and `copy_note` in plain words either way. Other plans are left as
/// they are.
void decide_copy(RenditionPlan& plan, const SourceFacts& facts);

}  // namespace saluran
