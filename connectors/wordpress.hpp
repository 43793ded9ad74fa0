#pragma once
// The office website (kind "wordpress"): WordPress REST API v2 with an Application Password.
//
//   [channels.website]
//   kind = "wordpress"
//   url = "https://diskominfo.example.go.id/"      # the site's root
//   user = "redaksi"
//   secret_env = "SALURAN_WEBSITE_PASSWORD"         # the Application Password
//
// Each file is uploaded once under its plan's `upload_name` (photos get their alt text and
// caption), then one post per story slug: the cover as featured image, the body, a gallery of
// the photos and the video, the category and tags (created when missing), and the status
// publish, draft or future (the story's schedule). A create whose answer is lost (a cut
// connection, a 503, a server that stops answering) is never simply sent again: before each new
// try the connector looks for what it sent (the media by file name, the post by slug) and sends
// again only when the site has nothing.

#include <optional>
#include <string>
#include <vector>

#include "connectors/connector.hpp"
#include "pipeline/model/channel.hpp"

namespace saluran {

/// Publishes to a WordPress site through its REST API (wp-json/wp/v2).
class WordPressConnector : public Connector {
 public:
  /// A connector for `channel` (its `url` is the site root, `user` the account); the
  /// Application Password is `context.secret`, the HTTP client `context.client`.
  WordPressConnector(ChannelConfig channel, ConnectorContext context);

  /// Logs in (users/me) and checks the account may upload files and publish posts.
  Status test() override;
  /// The media item whose file WordPress stored under `media.upload_name`.
  Result<std::optional<RemoteItem>> find_media(const PlannedMedia& media) override;
  /// Streams the file to /media, then sets its alt text and caption.
  Result<RemoteItem> upload_media(const ChannelPlan& plan, const PlannedMedia& media) override;
  /// The post with this slug in any state but trash.
  Result<std::optional<RemoteItem>> find_post(const ChannelPlan& plan,
                                              const std::string& slug) override;
  /// Creates the post, or rewrites `existing` (`--update`), with every field from the plan.
  Result<RemoteItem> put_post(const ChannelPlan& plan, const std::string& slug,
                              const std::vector<RemoteItem>& media,
                              const std::optional<RemoteItem>& existing) override;
  /// Reads the post back (title, content, featured image, category, tags, status) and each
  /// media item, fetches its public page and every image in it, and compares file sizes with
  /// what was sent.
  Result<std::vector<Finding>> verify(const ChannelPlan& plan, const RemoteItem& post,
                                      const std::vector<RemoteItem>& media) override;

  /// The file name sent for `upload_name`: lower-case ASCII letters, digits, '-' and '_' with
  /// one '.' before the extension, so WordPress stores it unchanged and find_media can match it.
  static std::string remote_file_name(const std::string& upload_name);
  /// The post content in block markup: the body, a gallery of the gallery photos (with alt
  /// text and captions) and the video or sound. `media` is in the order of `plan.media`.
  static std::string post_content(const ChannelPlan& plan, const std::vector<RemoteItem>& media);

 private:
  ChannelConfig channel_;
  ConnectorContext context_;
  std::string root_;  ///< the site's url without a trailing '/'
};

}  // namespace saluran
