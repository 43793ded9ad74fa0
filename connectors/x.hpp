#pragma once
// X (kind "x"): X API v2 with an OAuth 2.0 user access token (Bearer).
//
//   [channels.x]
//   kind = "x"
//   account = "1234567890"          # the account's user id (optional: asked with /2/users/me)
//   client_id = "abcDEF..."         # the app's OAuth 2.0 client id: lets Saluran renew the token
//   secret_env = "SALURAN_X_TOKEN"  # or [x] secret in the credentials file; [x] refresh_token
//
// Each photo or video is sent with the chunked upload (initialize, append segments, finalize,
// STATUS while X processes it), photos get their alt text, then one post with the caption and up
// to four photos or one video. Exactly once: the upload's media id and the next segment are kept
// (connector state) before each append, so a killed run continues the same upload (sending again
// at most the one segment whose answer was lost; X cannot be asked which segments it has), or
// starts again when X has let the media id expire. A post whose answer was lost is looked for on
// the account's timeline (by its text) before it is sent again. verify reads the post back and
// compares its text and media; a video X is still processing is pending.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "connectors/connector.hpp"
#include "pipeline/model/channel.hpp"

namespace saluran {

/// Publishes photos and videos with a caption to an X account through X API v2.
class XConnector : public Connector {
 public:
  /// Tuning of the connector; the defaults are X's recommendations.
  struct Options {
    std::uint64_t segment_bytes = 4u << 20;  ///< append segment size (X: at most 5 MB)
    int max_polls = 240;                     ///< STATUS polls before giving up on processing
    std::chrono::seconds max_poll_wait{30};  ///< cap on X's check_after_secs
    std::chrono::seconds max_rate_wait{60};  ///< longest rate-limit wait before a post
  };

  /// A connector for `channel` (`url` the API root, `account` the user id, `client_id` for
  /// token renewal); the access token is `context.secret`.
  XConnector(const ChannelConfig& channel, ConnectorContext context);
  /// The same with tuning `options` (tests use small segments).
  XConnector(const ChannelConfig& channel, ConnectorContext context, Options options);

  /// Reads the token's user (/2/users/me) and checks it is the configured account.
  Status test() override;
  /// The upload kept from an interrupted run when X still has it complete (media STATUS).
  Result<std::optional<RemoteItem>> find_media(const PlannedMedia& media) override;
  /// Sends the file in segments (continuing a kept upload), waits for processing, sets alt text.
  Result<RemoteItem> upload_media(const ChannelPlan& plan, const PlannedMedia& media) override;
  /// The account's recent post with the plan's text (the story's post), if any.
  Result<std::optional<RemoteItem>> find_post(const ChannelPlan& plan,
                                              const std::string& slug) override;
  /// Creates the post; X cannot edit a post, so `existing` is returned when it already shows
  /// this text and media, and refused otherwise.
  Result<RemoteItem> put_post(const ChannelPlan& plan, const std::string& slug,
                              const std::vector<RemoteItem>& media,
                              const std::optional<RemoteItem>& existing) override;
  /// Reads the post back (text, media types, alt text) and each video's processing state.
  Result<std::vector<Finding>> verify(const ChannelPlan& plan, const RemoteItem& post,
                                      const std::vector<RemoteItem>& media) override;

  /// The text the post carries: the plan's caption, else its title.
  static std::string post_text(const ChannelPlan& plan);
  /// True when `shown` (X's text of a post: URLs as t.co links, the media link at the end, &<>
  /// escaped) is the text `sent`.
  static bool same_text(const std::string& sent, const std::string& shown);

 private:
  struct Answer {
    long status = 0;
    http::Headers headers;
    std::string body;
  };
  struct Upload;  // the kept state of one upload (x_upload.cpp)

  Result<Answer> call(http::Request req, const std::string& doing);
  Result<std::string> call_json(http::Request req, const std::string& doing);
  Status refresh(const std::string& doing);
  Error x_error(ErrorCode code, const std::string& text, const std::string& detail) const;
  Error answer_error(const http::Request& req, const Answer& a, const std::string& doing) const;
  Error token_error(const std::string& doing) const;
  http::Request request(std::string method, const std::string& path) const;
  std::string state_key(const PlannedMedia& media) const;
  Result<std::string> user_id();
  void sleep(std::chrono::milliseconds wait) const;
  void log(const std::string& line) const;

  Result<Upload> start_upload(const PlannedMedia& media, std::uint64_t size);
  Result<Upload> resume_or_start(const PlannedMedia& media, std::uint64_t size);
  Status send_segments(const PlannedMedia& media, Upload& up);
  Result<bool> finalize(const PlannedMedia& media, Upload& up);
  Result<std::string> processing_state(const std::string& media_id, std::string* message,
                                       int* check_after = nullptr);
  Status wait_processing(const PlannedMedia& media, Upload& up);
  bool forgotten_by_x(const std::string& media_id);
  Status set_alt(const PlannedMedia& media, const Upload& up);
  RemoteItem media_item(const PlannedMedia& media, const Upload& up) const;

  Result<RemoteItem> create_post(const std::string& text, const std::vector<RemoteItem>& media);
  Result<std::optional<RemoteItem>> find_by_text(const std::string& text, std::size_t media);
  Result<std::vector<Finding>> compare(const ChannelPlan& plan, const std::string& body,
                                       const std::vector<RemoteItem>& media);

  ChannelConfig channel_;
  ConnectorContext context_;
  Options options_;
  std::string token_;
  std::string user_id_;
};

}  // namespace saluran
