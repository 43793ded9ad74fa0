#pragma once
// Inside the batch stage (not a public interface): the state of one batch run shared by its
// parts (batch.cpp: folders and stories; batch_render.cpp: render lanes, checks, records).

#include <chrono>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "pipeline/stages/batch.hpp"
#include "pipeline/stages/publish_render.hpp"
#include "pipeline/stages/publish_story.hpp"

namespace saluran::batch_detail {

using Clock = std::chrono::steady_clock;

/// Seconds since `start`.
double seconds_since(Clock::time_point start);

/// One batch run in progress.
struct BatchWork {
  const BatchRequest& req;
  BatchResult& result;
  std::string owner;  ///< "host:pid" of this process, for work claims
  std::filesystem::path out_dir;
  int jobs = 1;
  std::mutex event_mutex;

  /// Sends an event to the caller (serialised: the render lanes run side by side).
  void emit(BatchEvent e);
  /// True when the batch is shared with other processes (claims are needed).
  bool sharded() const { return req.shard.count > 1; }
  /// The claim key of a unit of work in this batch run.
  std::string claim_key(const std::string& what) const;
  /// True when the user asked to stop.
  bool cancelled() const { return is_cancelled(req.cancel); }
};

/// True when the claim owner "host:pid" is alive (another host: assumed alive).
bool owner_alive(const std::string& owner);

/// Renders this shard's jobs of a story (video beside pictures and sound when jobs allow),
/// under claims when sharded; with `all`, also every job no running shard has made yet (the
/// publishing shard, before sending). Returns the render results of what it rendered.
std::vector<InputReport> render_story(BatchWork& work, PreparedStory& story,
                                      const std::string& folder, bool all);

/// The renditions of the story's plan made by this shard (or all with `all`), each with its
/// check: taken from the render manifest when the render checked it, else checked now.
std::vector<RenditionRecord> rendition_records(BatchWork& work, const PreparedStory& story,
                                               const std::vector<InputReport>& rendered, bool all);

}  // namespace saluran::batch_detail
