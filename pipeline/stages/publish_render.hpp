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

/// Makes one render call with the job's request as it is: its reports, after a failed one of
/// the source when a preset of the job could not be read (`error`).
std::vector<InputReport> run_render_job(RenderJob& job);

/// Runs render calls in two lanes when `lanes` is 2 or more and there are videos and other media:
/// the videos one after another (their encoders take several threads) beside the photos and
/// sound one after another, so that a photo's work fills the cores while a clip encodes; the
/// second lane runs on idle cores only (run_on_idle_cores_only), so it never takes a core from
/// an encoder; else all in one lane, videos first. `run` makes one call and returns its reports; it
/// is called from two threads at once when there are two lanes. The reports come videos first.
std::vector<InputReport> render_in_lanes(
    const std::vector<RenderJob*>& jobs, int lanes,
    const std::function<std::vector<InputReport>(RenderJob&)>& run);

/// Renders the plan's media whose `made` is false into `render_dir`, in two lanes on a machine
/// of two cores or more (render_in_lanes; `on_event` is called from one thread at a time); a
/// rendition that fails is in the result (its channel then fails on the missing file, naming
/// it).
RenderResult render_missing(const PublishPlan& plan, const PresetCatalog& presets,
                            const std::filesystem::path& render_dir,
                            const std::function<void(const RenderEvent&)>& on_event = {});

}  // namespace saluran
