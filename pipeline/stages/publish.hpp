#pragma once
// The publish stage: a story's plan sent to each channel exactly once, through the channel's
// connector, every remote call framed by the publish ledger (intent before, result after).
// A rerun, after a failure or a kill at any moment, reconciles with the remote first
// (Connector::find_media, find_post) and never sends an item twice; a story edited after it was
// published updates the existing post only when asked (`update`).
//
// Example:
//   PublishRequest req{.plan = &plan, .catalog = &catalog,
//                      .connectors = [&](const ChannelConfig& c) { return make_connector(c, ctx);
//                      }};
//   PublishResult r = publish(req);
//   for (const ChannelReport& ch : r.channels) print(ch.channel, channel_state_name(ch.state));

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "connectors/connector.hpp"
#include "pipeline/catalog/catalog.hpp"
#include "pipeline/model/error.hpp"
#include "pipeline/model/publish_plan.hpp"
#include "pipeline/stages/publish_hook.hpp"

namespace saluran {

/// How one channel's publication ended.
enum class ChannelState {
  kPublished,  ///< the post was made now
  kUpdated,    ///< an existing post was updated (--update, or one an interrupted run made)
  kUpToDate,   ///< everything was sent before and nothing changed
  kChanged,    ///< published before, the story changed since, and --update was not given
  kDryRun,     ///< what would be sent was worked out; nothing was sent
  kBlocked,    ///< the plan has a blocking problem for this channel; nothing was sent
  kFailed,     ///< a remote call failed; the error says which and what to do
};

/// "published", "updated", "up-to-date", "changed", "dry-run", "blocked" or "failed".
const char* channel_state_name(ChannelState state);

/// What happened to one media item on one channel.
struct MediaReport {
  std::string upload_name;
  RemoteItem remote;
  bool sent = false;        ///< uploaded in this run
  bool reconciled = false;  ///< found on the remote after an interrupted attempt, not re-sent
  std::uint64_t bytes = 0;  ///< the file's size
};

/// One channel's outcome.
struct ChannelReport {
  std::string channel;
  ChannelKind kind = ChannelKind::kFolder;
  ChannelState state = ChannelState::kFailed;
  RemoteItem post;  ///< the post (or the folder, the mount) when there is one
  std::vector<MediaReport> media;
  std::vector<Finding> findings;  ///< differences the verify step found
  bool verified = false;          ///< the verify step ran (findings may still be empty)
  std::optional<Error> error;
  std::vector<std::string> notes;  ///< plain sentences: "found the post an interrupted run made"
  /// The channel's on_published commands and webhook, run once after a post was made or
  /// updated (a failing hook is reported here; the post stands).
  std::vector<HookOutcome> hooks;
  double seconds = 0;            ///< the whole channel
  double verify_seconds = 0;     ///< of which reading back
  std::uint64_t bytes_sent = 0;  ///< file bytes uploaded in this run
};

/// What the publish stage may do.
struct PublishOptions {
  bool dry_run = false;  ///< no remote call at all
  bool update = false;   ///< update posts whose story changed since they were published
  bool verify = true;    ///< read every post back after sending
};

/// A progress event: a channel's step, with bytes for uploads.
struct PublishEvent {
  std::string channel;
  std::string step;  ///< "upload NAME", "post", "verify", "done"
  std::uint64_t sent = 0;
  std::uint64_t total = 0;
};

/// Makes the connector of a channel (connectors/registry's make_connector in the CLI; a fake in
/// tests). Called once per channel.
using ConnectorFactory =
    std::function<Result<std::unique_ptr<Connector>>(const ChannelConfig& channel)>;

/// One publish run.
struct PublishRequest {
  const PublishPlan* plan = nullptr;
  Catalog* catalog = nullptr;  ///< holds the ledger; calls to it are serialised by the stage
  ConnectorFactory connectors{};
  PublishOptions options{};
  std::function<void(const PublishEvent&)> on_event{};  ///< from any channel's thread
  const http::Client* client = nullptr;  ///< for webhooks; none: a client of their own
};

/// Every channel's outcome, in the plan's order.
struct PublishResult {
  std::vector<ChannelReport> channels;
  /// True when every channel is published, updated, up to date or a dry run, with no findings.
  bool all_good() const;
};

/// Publishes the plan's channels (in parallel: a slow upload does not hold back the others);
/// one channel's failure never stops another.
PublishResult publish(const PublishRequest& request);

/// Reads back what the ledger says was published for this plan's channels and compares it with
/// the plan (`saluran verify`): state kUpToDate with findings, or kFailed when nothing was
/// published to a channel.
PublishResult verify_published(const PublishRequest& request);

/// The hash the ledger keeps for a post: its text, status, schedule and media, so an edit of
/// the story is seen on the next run.
std::string post_content_hash(const Story& story, const ChannelPlan& plan,
                              const std::vector<RemoteItem>& media);

}  // namespace saluran
