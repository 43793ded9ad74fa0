#pragma once
// YouTube (kind "youtube"): the YouTube Data API v3 with OAuth 2.0 for installed apps.
//
//   [channels.youtube]
//   kind = "youtube"
//   client_id = "1234-abc.apps.googleusercontent.com"   # the OAuth client (Desktop app)
//   secret_env = "SALURAN_YOUTUBE_SECRET"                # its client secret (or credentials file)
//   privacy = "public"          # public, unlisted or private
//   playlist = "PLxxxx"         # optional: every video is added to it
//   daily_quota = 10000         # the API project's units per day
//
// `saluran channels login youtube` signs in once and keeps the refresh token in the 0600
// credentials file; access tokens are fetched from it when needed and again when one expires.
//
// A YouTube post is the video itself. upload_media of the video is the resumable videos.insert
// (title, description, tags, category, language, privacy, schedule, made-for-kids go with it),
// in chunks of a multiple of 256 KiB; its session URI is kept in the channel's state before any
// byte is sent, so a run killed at any moment asks YouTube how much arrived and sends only the
// rest. The cover photo is not sent on its own (YouTube takes a thumbnail only for an existing
// video): upload_media of it sends nothing, and put_post sets it with thumbnails.set, then
// adds the video to the playlist. Quota units used on the current Pacific day are counted in
// the channel's state; an upload the rest of the day's quota cannot cover is not started.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "connectors/connector.hpp"
#include "pipeline/model/channel.hpp"

namespace saluran {

/// Publishes videos to a YouTube channel through the Data API v3.
class YouTubeConnector : public Connector {
 public:
  /// A connector for `channel` (client_id, API roots, privacy...); the OAuth client secret is
  /// `context.secret`, the refresh token is read from the credentials file.
  YouTubeConnector(const ChannelConfig& channel, ConnectorContext context);

  /// Gets an access token and reads the account's channel (channels.list mine=true).
  Status test() override;
  /// The video an interrupted run uploaded as `media.upload_name` (from the kept session).
  Result<std::optional<RemoteItem>> find_media(const PlannedMedia& media) override;
  /// The video: the resumable videos.insert (resumed when a session is kept). The cover: kept
  /// for put_post, nothing sent.
  Result<RemoteItem> upload_media(const ChannelPlan& plan, const PlannedMedia& media) override;
  /// The video a put_post of an earlier run began with (kept state), when YouTube still has it.
  Result<std::optional<RemoteItem>> find_post(const ChannelPlan& plan,
                                              const std::string& slug) override;
  /// Sets the thumbnail and the playlist of the uploaded video, or with `existing` updates its
  /// snippet and status (videos.update) too. The post's url is https://www.youtube.com/watch?v=ID.
  Result<RemoteItem> put_post(const ChannelPlan& plan, const std::string& slug,
                              const std::vector<RemoteItem>& media,
                              const std::optional<RemoteItem>& existing) override;
  /// Reads the video back (videos.list: snippet, status, processing, duration, file size) and
  /// compares; a video still processing is a pending finding.
  Result<std::vector<Finding>> verify(const ChannelPlan& plan, const RemoteItem& post,
                                      const std::vector<RemoteItem>& media) override;

  /// Bytes per upload request, a multiple of 256 KiB (default 16 MiB).
  void set_chunk_bytes(std::uint64_t bytes);
  /// The longest wait before trying again after a failed chunk or a Retry-After (default 30 s;
  /// tests set 0 to not wait).
  void set_max_wait(std::chrono::milliseconds wait) { max_wait_ = wait; }

  /// The Pacific-time day (YYYY-MM-DD) of `when`: YouTube's quota day.
  static std::string quota_day(std::chrono::system_clock::time_point when);
  /// When the quota day of `when` ends (midnight Pacific time), as a UTC time point.
  static std::chrono::system_clock::time_point quota_reset(
      std::chrono::system_clock::time_point when);
  /// The snippet and status of a video as `plan` asks for them (videos.insert/update body).
  static std::string video_resource(const ChannelPlan& plan);

 private:
  struct Session;
  struct Quota {
    long units = 0;
    long inserts = 0;
  };

  Result<std::string> access_token(bool renew);
  Result<http::Response> send_api(http::Request request, const std::string& doing, long units,
                                  const std::vector<long>& pass = {});
  Error answer_error(const http::Request& request, const http::Response& response,
                     const std::string& doing);
  Error channel_error(ErrorCode code, const std::string& text, const std::string& detail) const;
  Error quota_error(const std::string& doing) const;
  Quota quota_used() const;
  void charge(long units, long inserts) const;
  Status reserve(long units, long inserts, const std::string& doing) const;
  Result<std::optional<std::string>> read_video(const std::string& id, const std::string& parts);

  Result<std::string> start_session(const ChannelPlan& plan, const PlannedMedia& media,
                                    std::uint64_t total);
  Result<std::optional<std::uint64_t>> query_offset(Session& session);
  Result<RemoteItem> send_video(Session& session);
  Result<int> send_chunk(Session& session);
  RemoteItem video_item(const Session& session) const;
  void keep(const Session& session) const;

  Status set_thumbnail(const std::string& video_id, const PlannedMedia& cover);
  Status add_to_playlist(const std::string& video_id, const std::string& key);
  Result<bool> in_playlist(const std::string& video_id);
  Status update_video(const ChannelPlan& plan, const std::string& video_id);

  ChannelConfig channel_;
  ConnectorContext context_;
  std::string root_;
  std::string upload_root_;
  std::string token_;
  std::chrono::steady_clock::time_point token_expiry_{};
  std::uint64_t chunk_bytes_ = 16u << 20;
  std::chrono::milliseconds max_wait_{30'000};
};

/// How `saluran channels login` signs in to YouTube.
struct YouTubeLoginOptions {
  std::chrono::seconds timeout{300};  ///< how long to wait for the browser's redirect
  bool open_browser = true;           ///< try xdg-open when there is a display
  /// Shows the consent address to the user (always called, before waiting).
  std::function<void(const std::string& url)> show_url{};
};

/// Signs `channel` in: serves 127.0.0.1 on a free port, shows the consent URL (with PKCE S256
/// and a random state), waits for Google's redirect, exchanges the code at token_url and stores
/// the refresh token as `[NAME] refresh_token` in the credentials file. `client_secret` is the
/// channel's secret.
Status youtube_login(const ChannelConfig& channel, const std::string& client_secret,
                     const http::Client& client, const YouTubeLoginOptions& options);

}  // namespace saluran
