#pragma once
// Before publishing: every rendition the plan needs and that is not made yet is rendered, one
// render call per source (so each source is decoded once for all the channels that take it),
// with the story's trim and focal point of that media item.
//
//   RenderResult r = render_missing(plan, presets, "renditions", on_event);

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/model/publish_plan.hpp"
#include "pipeline/presets/preset_catalog.hpp"
#include "pipeline/stages/render.hpp"

namespace saluran {

/// One render call of a plan: a source with the same trim and focus for every preset it needs.
struct RenderJob {
  std::string key;     ///< stable text naming the source, trim, focus and presets
  std::string source;  ///< the library file
  std::string asset;   ///< its content hash
  std::string kind;    ///< "photo", "video" or "audio" (of the source's planned media)
  RenderRequest request;
  std::optional<Error> error;  ///< a preset of it could not be read
};

/// The render calls for the plan's media whose `made` is false, grouped by source.
std::vector<RenderJob> render_jobs(const PublishPlan& plan, const PresetCatalog& presets,
                                   const std::filesystem::path& render_dir);

/// Renders the plan's media whose `made` is false into `render_dir`; a rendition that fails is
/// in the result (its channel then fails on the missing file, naming it).
RenderResult render_missing(const PublishPlan& plan, const PresetCatalog& presets,
                            const std::filesystem::path& render_dir,
                            const std::function<void(const RenderEvent&)>& on_event = {});

}  // namespace saluran
