#pragma once
// A fake of the YouTube Data API v3 and Google's OAuth 2.0 endpoints, in process on 127.0.0.1:
// the consent page (an automatic redirect to the loopback address with a code), /token for the
// authorization_code and refresh_token grants with PKCE S256 and expiring access tokens, the
// resumable videos.insert (session URI, 256 KiB chunk rule, 308 + Range, the final answer
// repeated on a status query), videos.list/update, thumbnails.set, playlistItems, channels, and
// the quota (units per day, videos.insert's own bucket) with Google's documented error bodies.
//
//   FakeYouTube yt;
//   channel.url = channel.upload_url = yt.url();
//   channel.auth_url = yt.url("/o/oauth2/auth"); channel.token_url = yt.url("/token");
//   channel.client_id = FakeYouTube::kClientId;          // secret: FakeYouTube::kClientSecret
//   store_credential(channel.name, "refresh_token", yt.issue_refresh_token());

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/fakes/fake_platform.hpp"

namespace saluran::test {

/// The YouTube fake; its state is in memory and lives as long as the object.
class FakeYouTube : public FakePlatform {
 public:
  static constexpr const char* kClientId = "fake-client.apps.googleusercontent.com";
  static constexpr const char* kClientSecret = "fake-client-secret";

  FakeYouTube();

  // ---- set-up ----
  /// A valid refresh token, as a finished sign-in would have given.
  std::string issue_refresh_token();
  /// Every refresh token is revoked (the user removed the app's access).
  void revoke_refresh_tokens();
  /// Lifetime of new access tokens (default 3600 s).
  void set_token_seconds(long seconds);
  /// Every access token issued so far stops working after `requests` more authorized requests.
  void expire_tokens_after(int requests);
  /// Reads of a new video (videos.list) that still show it processing (default 0).
  void set_processing_reads(int reads);
  /// Quota units per day (default 10,000) and videos.insert calls per day (default 100).
  void set_quota(long units, long inserts);
  /// The duration reported for every video (fileDetails.durationMs, contentDetails.duration)
  /// instead of the one read from the uploaded MP4 (0: read it).
  void set_video_seconds(double seconds);
  /// Unaudited API project: every video is forced private.
  void set_private_lock(bool on);
  /// A playlist of the channel's, which playlistItems.insert accepts.
  void add_playlist(const std::string& id);

  // ---- counters and state, for assertions ----
  int uploads_started() const;    ///< resumable sessions opened
  int completed_uploads() const;  ///< uploads whose last byte arrived (= videos made)
  int posts() const { return completed_uploads(); }  ///< a YouTube post is a video
  /// Upload body bytes that arrived, over all sessions (a resumed part counted again).
  std::uint64_t upload_bytes_received() const;
  /// The bytes a session's video holds (by video id), empty when unknown.
  std::string video_bytes(const std::string& video_id) const;
  /// The video resource as videos.list would give it with every part; null when none.
  nlohmann::json video(const std::string& id) const;
  std::vector<std::string> video_ids() const;
  int thumbnails_set() const;
  /// playlistItems made, as "PLAYLIST:VIDEO".
  std::vector<std::string> playlist_items() const;
  long units_used() const;
  long inserts_used() const;
  /// Sizes of the chunk requests received (Content-Range ranges, not status queries).
  std::vector<std::uint64_t> chunk_sizes() const;

 private:
  struct Session {
    std::uint64_t total = 0;
    std::string type;
    nlohmann::json meta;
    std::string data;
    std::uint64_t chunk = 0;
    std::string video_id;
    bool receiving = false;  ///< a chunk's body is still arriving
  };
  struct Code {
    std::string redirect;
    std::string challenge;
  };

  void oauth_routes();
  void upload_routes();
  void video_routes();
  void other_routes();
  void chunk(const httplib::Request& req, httplib::Response& res,
             const httplib::ContentReader& reader);
  bool authorized(const httplib::Request& req, httplib::Response& res, long units,
                  long inserts = 0);
  nlohmann::json resource(const std::string& id, const std::string& parts);
  void finish(Session& s, httplib::Response& res);

  std::set<std::string> refresh_tokens_;
  std::map<std::string, long long> access_tokens_;  // token -> expiry (steady ms)
  std::map<std::string, Code> codes_;
  long token_seconds_ = 3600;
  int expire_after_ = -1;
  std::map<std::string, Session> sessions_;
  std::map<std::string, nlohmann::json> videos_;
  std::map<std::string, int> processing_left_;
  std::map<std::string, std::string> video_data_;
  int processing_reads_ = 0;
  long daily_units_ = 10000;
  long daily_inserts_ = 100;
  long units_ = 0;
  long inserts_ = 0;
  double seconds_ = 0;  ///< 0: read from the uploaded MP4
  bool private_lock_ = false;
  std::set<std::string> playlists_;
  std::vector<std::string> playlist_items_;
  int started_ = 0;
  int completed_ = 0;
  int thumbnails_ = 0;
  std::uint64_t upload_bytes_ = 0;
  std::vector<std::uint64_t> chunk_sizes_;
  int next_id_ = 0;
};

}  // namespace saluran::test
