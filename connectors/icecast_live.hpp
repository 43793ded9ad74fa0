#pragma once
// The check of an Icecast mount while a clip is pushed to it (connectors/icecast): the mount
// listed by status-json.xsl, its title set and shown, and a few seconds read as a listener and
// decoded. It runs on a thread of its own beside the push and ends when the push does.

#include <atomic>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "connectors/connector.hpp"
#include "connectors/http/client.hpp"
#include "connectors/icecast.hpp"

namespace saluran {

/// What the check of a live mount found.
struct LiveReport {
  bool listed = false;                ///< status-json.xsl listed the mount while the clip played
  double listed_after_s = 0;          ///< seconds from the start of the push until it was listed
  std::string server_type;            ///< the mount's server_type (MIME type) as listed
  std::string title_sent;             ///< the title asked for (empty: none)
  bool title_set = false;             ///< admin/metadata accepted the title
  std::string title_seen;             ///< the title status-json.xsl showed (entities decoded)
  double heard_seconds = 0;           ///< seconds read back as a listener and decoded
  std::optional<double> heard_lufs;   ///< their integrated loudness
  std::vector<std::string> problems;  ///< steps that could not be done, and why
  double pushed_seconds = 0;          ///< how long the push took
  double clip_seconds = 0;            ///< the clip's duration
};

/// The report as the JSON kept in RemoteItem::detail.
nlohmann::json to_json(const LiveReport& report);
/// The report back from RemoteItem::detail; an unreadable text gives a report whose problems
/// say so.
LiveReport live_report_from_json(const std::string& text);
/// One finding per thing the check missed: mount not listed, title not shown as sent, too little
/// sound heard, or sound quieter than the silence floor.
std::vector<Finding> live_findings(const LiveReport& report, const std::string& title,
                                   const IcecastOptions& options);

/// The mount being pushed and how to reach it.
struct LiveTarget {
  std::string base;             ///< http://HOST:PORT
  std::string mount;            ///< "/berita.mp3"
  std::string user;             ///< the source user
  std::string password;         ///< the source password (never printed)
  std::string title;            ///< the stream title to set (empty: none)
  double bytes_per_second = 0;  ///< the clip's real-time rate
};

/// Checks the mount until `done` (the push ended): waits for it to be listed, sets the title,
/// reads `options.listen_seconds` as a listener and measures them, then reads the title back.
/// Each request is bounded by `client`'s time limits.
LiveReport watch_live(const http::Client& client, const LiveTarget& target,
                      const IcecastOptions& options, const std::atomic<bool>& done);

/// The `source` entries of status-json.xsl (an object for one mount, an array for several).
using LiveSources = std::vector<nlohmann::json>;
/// Reads status-json.xsl at `base`; an Error when it cannot be read or is not Icecast's JSON.
Result<LiveSources> live_sources(const http::Client& client, const std::string& base);
/// The entry whose listenurl's path is `mount`, if listed.
std::optional<nlohmann::json> find_source(const LiveSources& sources, const std::string& mount);

/// Decodes the character references Icecast writes into titles (&#127753;, &#xE9;, &amp;).
std::string decode_entities(std::string_view text);

}  // namespace saluran
