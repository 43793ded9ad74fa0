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
  std::filesystem::path file;             ///< the channels.toml it came from (for messages)
  int line = 0;                           ///< the line of its table in that file
};

/// What a channel's posts may hold, from the platform's published limits (0 = no limit).
struct ChannelTextLimits {
  std::size_t title_chars = 0;    ///< e.g. YouTube 100
  std::size_t caption_chars = 0;  ///< e.g. X 280, Instagram 2200
  std::size_t hashtags = 0;       ///< e.g. Instagram 30
  bool html_body = false;         ///< the body is HTML (website, folder) rather than plain text
};

}  // namespace saluran
