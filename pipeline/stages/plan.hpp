#pragma once
// `saluran plan`: what publishing a story will do on each of its channels, worked out before
// anything is rendered or sent: the renditions each channel takes (made already, or to make),
// the text exactly as it will appear (cut to the channel's limits at a word boundary, hashtags
// placed, the link added), and every problem found (a missing cover, a caption over the limit,
// a clip too long, text still marked TODO, a channel channels.toml does not have).
//
//   PlanInputs in{story, channels, catalog, "/srv/library", presets, "renditions"};
//   Result<PublishPlan> p = make_plan(in);
//   if (p && !has_blocking_problem(*p)) ... publish

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "pipeline/catalog/catalog.hpp"
#include "pipeline/model/publish_plan.hpp"
#include "pipeline/presets/channel_profiles.hpp"
#include "pipeline/presets/preset_catalog.hpp"

namespace saluran {

/// Stands in captions for the link of the story's website post, which exists only once the
/// website (a wordpress or folder channel of the same story) has published it: publish puts the
/// post's address in its place. A story without a website channel gets no link.
inline constexpr std::string_view kLinkPlaceholder = "{link}";

/// What make_plan works from.
struct PlanInputs {
  const Story& story;
  const std::vector<ChannelConfig>& channels;  ///< every channel of channels.toml
  Catalog& catalog;                            ///< the library's catalog
  std::string library;                         ///< the library folder
  const PresetCatalog& presets;
  std::filesystem::path render_dir;  ///< where `saluran render -o` puts (or put) the renditions
  /// Plan only these of the story's channels (empty: all). The link is still that of the story's
  /// website channel when it is left out.
  std::vector<std::string> only = {};
};

/// The plan of `in.story` for each of its channels, in the story's order. Problems never make it
/// fail; only a catalog that cannot be read does.
Result<PublishPlan> make_plan(const PlanInputs& in);

/// The caption parts of one channel, before they are joined.
struct CaptionParts {
  std::string text;                   ///< the derived text, or the operator's override
  bool is_override = false;           ///< written by the operator: never cut, only reported
  std::string link;                   ///< empty: none
  std::size_t link_chars = 0;         ///< what the link counts for (0: its own length)
  std::vector<std::string> hashtags;  ///< "#Word" each
  /// Counted and cut the way X counts a post (pipeline/ops/x_text: URLs 23, weighted code
  /// points), not in code points.
  bool x_weighted = false;
};

/// The caption as the channel will show it: the text, a blank line and the link, a blank line
/// and the hashtags. Derived text is cut at a word boundary to leave room for link and hashtags
/// within `max_chars` (0 = no limit) and `max_bytes` (0 = no limit); an override that does not fit
/// is kept whole and reported in `problems` (blocking), as are more hashtags than `max_hashtags`.
std::string compose_caption(const CaptionParts& parts, std::size_t max_chars, std::size_t max_bytes,
                            std::size_t max_hashtags, const std::string& channel,
                            std::vector<PlanProblem>& problems);

/// The rendition file render writes for `source` by `preset` into `render_dir`:
/// "<stem>.<preset>.<ext>"; for a picture preset with several widths the widest render makes from
/// a source `source_width` pixels wide (upright; render does not enlarge unless the preset says
/// so; 0 = unknown: the widest), "<stem>.<preset>-<width>.<ext>", in the preset's first format.
std::filesystem::path rendition_file(const std::filesystem::path& render_dir,
                                     const std::string& source, const Preset& preset,
                                     int source_width = 0);

/// True when some problem of the plan (story-wide or of a channel) is blocking.
bool has_blocking_problem(const PublishPlan& plan);

/// The plan as JSON for scripts (`saluran plan --json`): story, channels (name, kind, limits,
/// text, media, problems) and story-wide problems.
nlohmann::json plan_json(const PublishPlan& plan);

}  // namespace saluran
