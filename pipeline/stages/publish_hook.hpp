#pragma once
// The publish hook: after a channel's post is out, tell the office's own tools. Each
// `on_published` command of the channel gets one JSON document on standard input, and an
// optional webhook gets the same document by POST, signed with HMAC-SHA256.
//
//   [channels.website]
//   on_published = ["/usr/local/bin/notify-office", "logger -t saluran"]
//   webhook_url = "https://intranet.example.go.id/hooks/saluran"
//   webhook_secret_env = "SALURAN_WEBHOOK_KEY"     # the signing key
//
//   X-Saluran-Signature: sha256=<hex HMAC-SHA256 of the body under the key>
//
// A failing hook is reported and never undoes or repeats the post: run_publish_hooks returns
// what each hook did and throws nothing. The commands run through /bin/sh -c, each with a time
// limit, without the channel's secrets in their environment.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "connectors/connector.hpp"
#include "connectors/http/client.hpp"
#include "pipeline/model/channel.hpp"
#include "pipeline/stages/check.hpp"

namespace saluran {

/// What one channel's publication was: the content of the hook's JSON document.
struct PublishedEvent {
  std::string story_slug;
  std::string story_title;
  ChannelConfig channel;            ///< its name and kind are sent, nothing else
  RemoteItem post;                  ///< the post (or, for radio, the mount) as the remote has it
  std::vector<RemoteItem> media;    ///< the media items sent or found, in the plan's order
  std::vector<CheckReport> checks;  ///< the local check of each file sent
  bool verified = false;            ///< verify ran (findings below are its result)
  std::vector<Finding> findings;    ///< verify's differences (empty: as sent)
  std::string verify_error;         ///< why verify could not run, if it could not
  std::string published_at;         ///< ISO 8601 UTC; empty: now
};

/// The hook document, as compact JSON text:
///   {"event": "published", "published_at", "story": {"slug", "title"},
///    "channel": {"name", "kind"}, "post": {"id", "url", "name"},
///    "media": [{"id", "url", "name"}], "check": {"passed", "files": [check report]},
///    "verify": {"ran", "passed", "findings": [{"what", "expected", "found"}], "error"?}}
/// Field names are stable; secrets and remote `detail` are never in it.
std::string published_json(const PublishedEvent& event);

/// How hooks run.
struct HookOptions {
  std::chrono::milliseconds timeout{30'000};  ///< per command; then it is stopped
  const http::Client* client = nullptr;       ///< for the webhook; none: a client of its own
  /// Further environment variables kept from the commands (e.g. every channel's secret_env);
  /// the channel's own secret_env and webhook_secret_env are always kept from them.
  std::vector<std::string> secret_env;
};

/// What one hook did.
struct HookOutcome {
  std::string hook;  ///< the command as configured, or "webhook <url>"
  bool ok = false;
  int exit_code = -1;    ///< a command's exit status (-1: it did not exit by itself)
  long http_status = 0;  ///< the webhook's answer (0: none)
  std::string message;   ///< failed: one line saying what happened and what to do
  std::string output;    ///< the end of a command's standard error and output
  double seconds = 0;    ///< how long it took
};

/// Every hook of one channel, in order: commands first, then the webhook.
struct HookReport {
  std::vector<HookOutcome> outcomes;
  /// True when every hook succeeded (or there were none).
  bool ok() const;
  /// The failures, one line each ("channel website: hook `notify` exited with status 2: ...").
  std::vector<std::string> failures() const;
};

/// Runs `channel.on_published` with `json` on standard input, then POSTs `json` to
/// `channel.webhook_url` (when set) with `X-Saluran-Signature: sha256=<hex>` keyed by the
/// variable `channel.webhook_secret_env`. Never throws; every failure is in the report.
HookReport run_publish_hooks(const ChannelConfig& channel, const std::string& json,
                             const HookOptions& options = {});

}  // namespace saluran
