#pragma once
// The local radio station's stream (kind "icecast"): a live push of the story's radio clip to
// an Icecast 2.4 mount, as a source (HTTP PUT), paced in real time, with the story's title as
// the stream's title.
//
//   [channels.radio]
//   kind = "icecast"
//   url = "http://radio.example.go.id:8000/berita.mp3"   # the server and the mount
//   user = "source"                                      # the default
//   secret_env = "SALURAN_RADIO_PASSWORD"                # the source password
//
// A live push is an event, not a stored item: upload_media blocks while the clip plays, and
// checks the mount while it does (the only time it can be checked): status-json.xsl lists the
// mount with the title, and a few seconds read as a listener decode to real sound. That check
// is recorded in the returned item's `detail`; verify() turns it into findings, then and at
// any later `saluran verify`. find_media finds nothing (a push leaves nothing to find); the
// publish ledger is what keeps a clip from being pushed twice.
//
// One secret does it all: the source password also authorises the mount's own admin commands
// (metadata, stats) on Icecast 2.4, so no admin password is needed (measured on 2.4.4).

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "connectors/connector.hpp"
#include "pipeline/model/channel.hpp"

namespace saluran {

/// Limits of the live push and its check; the defaults suit a real station.
struct IcecastOptions {
  double listen_seconds = 3.0;        ///< sound read back from the mount while it plays
  double silence_floor_lufs = -50.0;  ///< a sample quieter than this counts as silence
  double pace_lead = 1.03;            ///< sends this much faster than real time
  /// The longest the server may take to answer a step (accept the source, list the mount,
  /// answer a status request) before the push or the check is given up.
  std::chrono::seconds answer_timeout{10};
};

/// Pushes a clip live to an Icecast mount and checks that it plays.
class IcecastConnector : public Connector {
 public:
  /// A connector for `channel` (its `url` is http://HOST:PORT/MOUNT, `user` the source user,
  /// "source" when empty); the source password is `context.secret`.
  IcecastConnector(ChannelConfig channel, ConnectorContext context, IcecastOptions options = {});
  ~IcecastConnector() override;

  /// The server answers status-json.xsl, the source password is accepted and the mount is
  /// free (no other source is live on it).
  Status test() override;
  /// Always none: a live push leaves nothing on the server to reconcile with.
  Result<std::optional<RemoteItem>> find_media(const PlannedMedia& media) override;
  /// Pushes the clip (MP3, Ogg, AAC or WebM sound) in real time; returns when it has played.
  /// While it plays, checks the mount and records the result in the item's `detail`.
  Result<RemoteItem> upload_media(const ChannelPlan& plan, const PlannedMedia& media) override;
  /// Always none: there is no post besides the push.
  Result<std::optional<RemoteItem>> find_post(const ChannelPlan& plan,
                                              const std::string& slug) override;
  /// The mount and its listen URL, as the item the ledger records (nothing is sent).
  Result<RemoteItem> put_post(const ChannelPlan& plan, const std::string& slug,
                              const std::vector<RemoteItem>& media,
                              const std::optional<RemoteItem>& existing) override;
  /// The findings of the check made while each clip played (mount listed, title, sound).
  Result<std::vector<Finding>> verify(const ChannelPlan& plan, const RemoteItem& post,
                                      const std::vector<RemoteItem>& media) override;

  /// "audio/mpeg" for .mp3, "audio/ogg" for .ogg/.oga/.opus, "audio/aac" for .aac,
  /// "audio/webm" for .webm; none for what Icecast cannot stream (e.g. WAV).
  static std::optional<std::string> content_type(const std::string& file_name);

 private:
  Status usable() const;
  Error channel_error(ErrorCode code, const std::string& message,
                      const std::string& detail = {}) const;
  Error push_error(const Error& http_error, double seconds) const;
  http::Request source_request(const ChannelPlan& plan, const PlannedMedia& media,
                               const std::string& type, double bytes_per_second) const;

  ChannelConfig channel_;
  ConnectorContext context_;
  IcecastOptions options_;
  std::string base_;   ///< http://HOST:PORT
  std::string mount_;  ///< "/berita.mp3"
  std::string url_problem_;
  std::unique_ptr<http::Client> push_client_;   ///< no retries; gives up on a silent server
  std::unique_ptr<http::Client> check_client_;  ///< short time limits for status requests
};

}  // namespace saluran
