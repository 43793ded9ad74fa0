// publish_story: story and channels read and checked, the plan made, missing renditions
// rendered, each channel sent once and read back.

#include "pipeline/stages/publish_story.hpp"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "connectors/credentials.hpp"
#include "connectors/registry.hpp"
#include "pipeline/catalog/catalog.hpp"
#include "pipeline/config/channels_config.hpp"
#include "pipeline/presets/preset_catalog.hpp"
#include "pipeline/stages/plan.hpp"
#include "pipeline/stages/publish_render.hpp"
#include "pipeline/stages/story_parse.hpp"

namespace saluran {
namespace {

namespace fs = std::filesystem;

Result<std::vector<ChannelConfig>> read_channels(const PublishStoryRequest& req) {
  fs::path file = req.channels_file;
  if (file.empty()) {
    std::optional<fs::path> found = find_channels_file(fs::absolute(req.story_file).parent_path());
    if (!found)
      return make_error(ErrorCode::kNotFound,
                        fmt::format("no channels.toml beside {} nor in $SALURAN_CHANNELS or {}: "
                                    "add a channel with 'saluran channels add NAME --kind ...'",
                                    req.story_file.string(), default_channels_file().string()));
    file = *found;
  }
  return load_channels(file);
}

Result<Catalog> open_catalog(const std::string& library) {
  const std::string db = catalog_path(library);
  std::error_code ec;
  if (!fs::is_regular_file(db, ec))
    return make_error(ErrorCode::kNotFound,
                      fmt::format("no catalog in {0}: run 'saluran ingest SRC --library {0}' "
                                  "first, so the story's media are in the library",
                                  library));
  return Catalog::open(db);
}

// Keeps only the channels asked for; a name the plan does not have is an error.
Status pick_channels(PublishPlan& plan, const std::vector<std::string>& only) {
  if (only.empty()) return Ok{};
  for (const std::string& name : only) {
    const bool known = std::any_of(plan.channels.begin(), plan.channels.end(),
                                   [&](const ChannelPlan& c) { return c.channel.name == name; });
    if (!known)
      return make_error(ErrorCode::kInvalidArgument,
                        fmt::format("--channels names '{}', which is not among the story's "
                                    "channels",
                                    name));
  }
  std::erase_if(plan.channels, [&](const ChannelPlan& c) {
    return std::find(only.begin(), only.end(), c.channel.name) == only.end();
  });
  return Ok{};
}

ConnectorFactory connector_factory(const http::Client& client, const PublishStoryRequest& req) {
  return [&client, &req](const ChannelConfig& channel) -> Result<std::unique_ptr<Connector>> {
    std::string secret;
    if (kind_needs_secret(channel.kind)) {
      Result<std::string> s = read_secret(channel);
      if (!s) return s.error();
      secret = std::move(*s);
    }
    ConnectorContext ctx;
    ctx.secret = std::move(secret);
    ctx.client = &client;
    if (req.on_event) {
      ctx.progress = [&req, name = channel.name](std::uint64_t sent, std::uint64_t total) {
        req.on_event({name, "upload", sent, total});
      };
    }
    return make_connector(channel, std::move(ctx));
  };
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

Result<PreparedStory> prepare_story(const PublishStoryRequest& request) {
  const auto start = std::chrono::steady_clock::now();
  Result<Story> story = parse_story(request.story_file);
  if (!story) return story.error();
  Result<std::vector<ChannelConfig>> channels = read_channels(request);
  if (!channels) return channels.error();
  Result<Catalog> catalog = open_catalog(request.library);
  if (!catalog) return catalog.error();
  Result<PresetCatalog> presets = PresetCatalog::load(request.presets_dir);
  if (!presets) return presets.error();
  const fs::path render_dir = request.render_dir.empty()
                                  ? request.story_file.parent_path() / "renditions"
                                  : request.render_dir;
  Result<PublishPlan> plan =
      make_plan(PlanInputs{*story, *channels, *catalog, request.library, *presets, render_dir});
  if (!plan) return plan.error();
  if (Status s = pick_channels(*plan, request.only_channels); !s) return s.error();
  return PreparedStory{std::move(*plan), std::move(*presets), std::move(*catalog), render_dir,
                       seconds_since(start)};
}

PublishResult send_story(PreparedStory& story, const PublishStoryRequest& request) {
  http::ClientOptions client_options;
  client_options.log = request.log;
  const http::Client client(client_options);
  PublishRequest pr;
  pr.plan = &story.plan;
  pr.catalog = &story.catalog;
  pr.connectors = connector_factory(client, request);
  pr.options = request.options;
  pr.on_event = request.on_event;
  pr.client = &client;
  return request.verify_only ? verify_published(pr) : publish(pr);
}

Result<PublishStoryResult> publish_story(const PublishStoryRequest& request) {
  Result<PreparedStory> story = prepare_story(request);
  if (!story) return story.error();
  PublishStoryResult result;
  result.plan_seconds = story->seconds;
  const auto render_start = std::chrono::steady_clock::now();
  if (!request.verify_only)  // a dry run renders too: all but the remote calls
    result.render =
        render_missing(story->plan, story->presets, story->render_dir, request.on_render);
  result.render_seconds = seconds_since(render_start);
  result.publish = send_story(*story, request);
  result.plan = std::move(story->plan);
  return result;
}

}  // namespace saluran
