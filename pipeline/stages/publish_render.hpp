#pragma once
// Before publishing: every rendition the plan needs and that is not made yet is rendered, one
// render call per source (so each source is decoded once for all the channels that take it),
// with the story's trim and focal point of that media item.
//
//   RenderResult r = render_missing(plan, presets, "renditions", on_event);

#include <filesystem>
#include <functional>

#include "pipeline/model/publish_plan.hpp"
#include "pipeline/presets/preset_catalog.hpp"
#include "pipeline/stages/render.hpp"

namespace saluran {

/// Renders the plan's media whose `made` is false into `render_dir`; a rendition that fails is
/// in the result (its channel then fails on the missing file, naming it).
RenderResult render_missing(const PublishPlan& plan, const PresetCatalog& presets,
                            const std::filesystem::path& render_dir,
                            const std::function<void(const RenderEvent&)>& on_event = {});

}  // namespace saluran
