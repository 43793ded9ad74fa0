#pragma once
// What every channel's connector does, in the steps the publish stage drives and records in the
// publish ledger (stages/publish): each step is idempotent through `find_*`, so a retry or a
// rerun after a crash reconciles with the remote instead of sending twice.
//
//   for each planned media:  find_media -> (none) upload_media        (ledger: intent, result)
//   the post:                find_post  -> put_post (create, or update with --update)
//   afterwards:              verify (read back and compare), and again by `saluran verify`
//
// Connectors see plain values only (PublishPlan types); secrets arrive in ConnectorContext.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "connectors/http/client.hpp"
#include "pipeline/model/error.hpp"
#include "pipeline/model/publish_plan.hpp"

namespace saluran {

/// Something the remote holds: a media item or a post.
struct RemoteItem {
  std::string id;      ///< the remote's id (WordPress media/post id, a file name, a mount)
  std::string url;     ///< where people see it (source_url, the post's link, a file path)
  std::string name;    ///< the upload name or slug it was found by
  std::string detail;  ///< anything the verify step needs later, as JSON text (may be empty)
};

/// One difference between what was sent and what the remote shows.
struct Finding {
  std::string what;      ///< e.g. "title", "featured image", "public page"
  std::string expected;  ///< what was sent
  std::string found;     ///< what the remote shows
  /// Not a difference yet: the platform is still processing the post (a video being
  /// transcoded); `saluran verify` reads it again later.
  bool pending = false;
};

/// What a connector keeps between runs for its channel, in the catalog: the state of an upload
/// in progress (a session URI, an upload id, a container id) so a run killed mid-upload resumes
/// it, and counters such as the quota used today. Keys are the connector's own, e.g.
/// "upload:" + upload_name or "quota:2026-12-07". Values are short text (JSON if need be).
class ConnectorState {
 public:
  virtual ~ConnectorState() = default;
  /// The value kept under `key`, empty when none.
  virtual std::string load(const std::string& key) = 0;
  /// Keeps `value` under `key` (committed before returning); empty removes it.
  virtual void save(const std::string& key, const std::string& value) = 0;
};

/// What a connector is given besides the channel: its secret and the run's shared services.
struct ConnectorContext {
  std::string secret;  ///< the password/token; never printed or stored by the connector
  const http::Client* client = nullptr;  ///< the run's HTTP client (retries, proxy, log)
  /// Bytes sent of the current upload, for the progress line.
  std::function<void(std::uint64_t sent, std::uint64_t total)> progress{};
};

/// One channel's remote, driven step by step by the publish stage.
class Connector {
 public:
  virtual ~Connector() = default;
  /// Checks credentials and reachability (`saluran channels test`); the error's message says
  /// plainly what to fix ("the password was refused: make a new Application Password ...").
  virtual Status test() = 0;
  /// The item uploaded earlier as `media.upload_name`, when the remote has it (reconcile).
  virtual Result<std::optional<RemoteItem>> find_media(const PlannedMedia& media) = 0;
  /// Sends one file, streamed from disk, under `media.upload_name`.
  virtual Result<RemoteItem> upload_media(const ChannelPlan& plan, const PlannedMedia& media) = 0;
  /// The story's post when it exists (found by `slug`).
  virtual Result<std::optional<RemoteItem>> find_post(const ChannelPlan& plan,
                                                      const std::string& slug) = 0;
  /// Creates the post, or updates `existing` when given. `media` is in the order of
  /// `plan.media` (the remote items uploaded or found for them).
  virtual Result<RemoteItem> put_post(const ChannelPlan& plan, const std::string& slug,
                                      const std::vector<RemoteItem>& media,
                                      const std::optional<RemoteItem>& existing) = 0;
  /// Reads the post (and its media) back and lists every difference from what was sent.
  virtual Result<std::vector<Finding>> verify(const ChannelPlan& plan, const RemoteItem& post,
                                              const std::vector<RemoteItem>& media) = 0;

  /// Gives the connector its channel's kept state (the publish stage does, before any step);
  /// without one, nothing is kept between runs.
  void set_state(ConnectorState* state) { state_ = state; }

 protected:
  /// The value kept under `key`, empty without a state store.
  std::string load_state(const std::string& key) const { return state_ ? state_->load(key) : ""; }
  /// Keeps `value` under `key` when there is a state store.
  void save_state(const std::string& key, const std::string& value) const {
    if (state_) state_->save(key, value);
  }

 private:
  ConnectorState* state_ = nullptr;
};

}  // namespace saluran
