#pragma once
// A Facebook Page (kind "facebook"): the Graph API with a Page access token.
//
//   [channels.facebook]
//   kind = "facebook"
//   account = "102938475610293"                   # the Page id
//   secret_env = "SALURAN_FACEBOOK_TOKEN"          # the Page access token
//   # url = "https://graph.facebook.com/v24.0"          (default: the Graph root)
//   # upload_url = "https://graph-video.facebook.com/v24.0"  (default: the graph-video root)
//
// Photos are uploaded unpublished (POST /{page}/photos, multipart `source`) and the post is one
// feed post carrying them all (`attached_media`). A video (preset facebook-video) goes through
// the resumable upload on {upload_url}/{page}/videos (start, transfer in the chunks the server
// asks for, finish); the finish, made by put_post, publishes the video with the caption as
// its description: the video is the post. A Reel (preset facebook-reel) goes through
// /{page}/video_reels (start, bytes to the returned upload_url with `offset` and `file_size`,
// finish with video_state PUBLISHED). Every upload in progress is kept in the channel's state
// (session, video id, offsets) before each call, so a killed run resumes from the offset the
// server reports instead of sending the file again; a post whose answer was lost is found in
// the Page's posts (by its message) before another is made.

#include <optional>
#include <string>
#include <vector>

#include "connectors/connector.hpp"
#include "pipeline/model/channel.hpp"

namespace saluran {

/// Publishes to a Facebook Page through the Graph API.
class FacebookConnector : public Connector {
 public:
  /// A connector for `channel` (`account` is the Page id, `url` the Graph root, `upload_url`
  /// the graph-video root); the Page access token is `context.secret`.
  FacebookConnector(const ChannelConfig& channel, ConnectorContext context);

  /// Reads the token's own node (/me) and checks it is the Page `account`.
  Status test() override;
  /// A photo or video uploaded earlier (kept id, asked again), or none.
  Result<std::optional<RemoteItem>> find_media(const PlannedMedia& media) override;
  /// Uploads a photo unpublished, or a video/Reel through its resumable upload (resumed from
  /// the offset the server reports when a session was kept).
  Result<RemoteItem> upload_media(const ChannelPlan& plan, const PlannedMedia& media) override;
  /// The post an interrupted run made: kept id, or the Page's posts matched by message.
  Result<std::optional<RemoteItem>> find_post(const ChannelPlan& plan,
                                              const std::string& slug) override;
  /// Makes the feed post (photos attached), or finishes the video/Reel with the caption; with
  /// `existing`, changes its text.
  Result<RemoteItem> put_post(const ChannelPlan& plan, const std::string& slug,
                              const std::vector<RemoteItem>& media,
                              const std::optional<RemoteItem>& existing) override;
  /// Reads the post (message, permalink_url, is_published, created_time, attachments) or the
  /// video (description, published, status) back; a video still processing is pending.
  Result<std::vector<Finding>> verify(const ChannelPlan& plan, const RemoteItem& post,
                                      const std::vector<RemoteItem>& media) override;

  /// The text the post carries: the caption, or the title and body when there is none.
  static std::string message_of(const ChannelPlan& plan);
  /// Seconds since 1970 of an ISO 8601 time with offset ("2026-12-07T08:00:00+07:00"); none
  /// when it does not parse.
  static std::optional<long long> unix_time(const std::string& iso);

 private:
  ChannelConfig channel_;
  ConnectorContext context_;
};

}  // namespace saluran
