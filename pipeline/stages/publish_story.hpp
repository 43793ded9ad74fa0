#pragma once
// `saluran publish STORY` and `saluran verify STORY` as one library call: read the story and
// the channels, plan, render what is missing (publish only), send each channel once, read every
// post back, and call the channels' publish hooks. Every check of the story and the channels is
// done before the first remote call; nothing is sent when they fail.
//
//   PublishStoryRequest req{.story_file = "story.toml", .library = "library"};
//   Result<PublishStoryResult> r = publish_story(req);
//   if (!r) print(r.error());                 // story or channels unusable: nothing sent
//   else for (auto& ch : r->publish.channels) print(ch.channel, channel_state_name(ch.state));

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "connectors/http/client.hpp"
#include "pipeline/catalog/catalog.hpp"
#include "pipeline/model/error.hpp"
#include "pipeline/model/publish_plan.hpp"
#include "pipeline/presets/preset_catalog.hpp"
#include "pipeline/stages/publish.hpp"
#include "pipeline/stages/render.hpp"

namespace saluran {

/// What to publish (or verify) and how.
struct PublishStoryRequest {
  std::filesystem::path story_file;
  std::string library;                  ///< the library folder whose catalog holds the ledger
  std::filesystem::path render_dir;     ///< renditions; empty: "renditions" beside the story
  std::filesystem::path channels_file;  ///< empty: found beside the story, $SALURAN_CHANNELS, ...
  std::filesystem::path presets_dir;    ///< user presets
  std::vector<std::string> only_channels;  ///< empty: every channel of the story
  PublishOptions options{};
  bool verify_only = false;  ///< `saluran verify`: no render, no sending, only the read-back
  std::function<void(const PublishEvent&)> on_event{};
  std::function<void(const RenderEvent&)> on_render{};
  http::LogFn log{};  ///< `--verbose`: the HTTP exchanges, secrets redacted
};

/// What a publish (or verify) run did.
struct PublishStoryResult {
  PublishPlan plan;
  RenderResult render;        ///< what had to be rendered first
  PublishResult publish;      ///< per channel
  double plan_seconds = 0;    ///< reading the story and channels, and the plan
  double render_seconds = 0;  ///< rendering what was missing
};

/// A story read and checked with its channels, and planned: the first half of publish_story,
/// for callers (batch) that render and check the plan's files their own way before sending.
struct PreparedStory {
  PublishPlan plan;
  PresetCatalog presets;
  Catalog catalog;  ///< holds the ledger
  std::filesystem::path render_dir;
  double seconds = 0;  ///< reading and planning
};

/// Reads the story, its channels, the catalog and the presets, and makes the plan (keeping only
/// `only_channels`). Errors as publish_story's.
Result<PreparedStory> prepare_story(const PublishStoryRequest& request);

/// Sends (or, with verify_only, reads back) a prepared story's channels.
PublishResult send_story(PreparedStory& story, const PublishStoryRequest& request);

/// Runs the request. An Error means nothing was sent: the story, the channels file, the
/// library or the presets could not be used (the message names the file, line and key).
Result<PublishStoryResult> publish_story(const PublishStoryRequest& request);

}  // namespace saluran
