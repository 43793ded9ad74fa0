#pragma once
// A publishing channel as the office configured it (channels.toml): its kind, where it is and
// which account it uses. Secrets are never part of this type: they are read separately
// (connectors/credentials) and handed to a connector only.
//
// Example (channels.toml):
//   [channels.website]
//   kind = "wordpress"
//   url = "http://127.0.0.1:8080/"
//   user = "admin"
//   secret_env = "SALURAN_WEBSITE_PASSWORD"      # or the 0600 credentials file
//   on_published = ["/usr/local/bin/notify-office"]

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace saluran {

/// What a channel is; decides its connector, its presets and its text limits.
enum class ChannelKind {
  kWordPress,  ///< the office website, WordPress REST API v2 with an Application Password
  kIcecast,    ///< a live push of the radio clip to an Icecast mount (HTTP PUT as a source)
  kPlayout,    ///< the radio's playout drop folder (local or mounted)
  kFolder,     ///< a local static site: index page plus one page per story
  kYouTube,
  kFacebook,
  kInstagram,
  kX,
};

/// One configured channel. `name` is what the office calls it (`publish --channels website`).
struct ChannelConfig {
  std::string name;
  ChannelKind kind = ChannelKind::kFolder;
  std::string url;                        ///< wordpress: site root; icecast: http://HOST:PORT/MOUNT
  std::string user;                       ///< account name (wordpress user, icecast "source")
  std::filesystem::path path;             ///< playout and folder: the destination folder
  std::string secret_env;                 ///< environment variable holding the secret, if any
  std::vector<std::string> on_published;  ///< hook commands; each gets the JSON on stdin
  std::string webhook_url;                ///< optional POST of the same JSON, HMAC-SHA256 signed
  std::string webhook_secret_env;         ///< environment variable with the webhook's key
  std::vector<std::string> presets;       ///< renditions it takes; empty means the kind's default

  // The platforms (youtube, facebook, instagram, x). `url` is the API's root when set (a proxy,
  // a test server); empty means the platform's own (see platform_defaults in channels_config).
  std::string account;          ///< facebook: Page id; instagram: IG user id; x: user id
  std::string client_id;        ///< youtube: OAuth client id; facebook: app id; x: client id
  std::string upload_url;       ///< youtube: upload root; facebook: graph-video root
  std::string auth_url;         ///< youtube: the OAuth consent page
  std::string token_url;        ///< youtube (and x): the OAuth token endpoint
  std::string privacy;          ///< youtube: public, unlisted or private (default public)
  std::string playlist;         ///< youtube: a playlist id the video is added to (optional)
  bool made_for_kids = false;   ///< youtube: status.selfDeclaredMadeForKids
  std::string category_id;      ///< youtube: snippet.categoryId (default "25", News & Politics)
  std::string language;         ///< youtube: snippet.defaultLanguage (default "id")
  long daily_quota = 10000;     ///< youtube: the project's quota units per day
  std::string public_base_url;  ///< instagram/facebook: public folder the renditions are in
  std::string public_via;       ///< instagram/facebook: website channel that hosts the files
  std::filesystem::path file;   ///< the channels.toml it came from (for messages)
  int line = 0;                 ///< the line of its table in that file
};

/// What a channel's posts may hold, from the platform's published limits (0 = no limit).
struct ChannelTextLimits {
  std::size_t title_chars = 0;    ///< e.g. YouTube 100
  std::size_t caption_chars = 0;  ///< e.g. X 280, Instagram 2200
  std::size_t hashtags = 0;       ///< e.g. Instagram 30
  bool html_body = false;         ///< the body is HTML (website, folder) rather than plain text
};

/// `channel` with every empty platform setting given the platform's own value: the API roots
/// (YouTube https://www.googleapis.com, Facebook and Instagram https://graph.facebook.com/v24.0,
/// X https://api.x.com), Google's OAuth pages, privacy "public", category "25", language "id".
/// Connectors call it on the channel they are given; nothing else changes.
ChannelConfig with_platform_defaults(ChannelConfig channel);

}  // namespace saluran
