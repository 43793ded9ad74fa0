#pragma once
// Instagram (kind "instagram"): the Content Publishing API of the Instagram Graph API.
//
//   [channels.instagram]
//   kind = "instagram"
//   account = "17841400000000000"          # the Instagram professional account's IG user id
//   secret_env = "SALURAN_INSTAGRAM_TOKEN"  # a long-lived access token with
//                                           # instagram_basic and instagram_content_publish
//   public_via = "website"                  # or public_base_url = "https://cdn.example/ig/"
//
// Instagram fetches every file itself from a public address (PlannedMedia::public_url), so
// nothing is streamed from here. Each file becomes a container (an image, a reel, or a carousel
// item when the post has 2 to 10 files) that is polled until FINISHED; the post is the single
// container or a carousel parent, published with media_publish after the 24-hour publishing
// limit is checked. Every container id is kept (ConnectorState) before it is polled or
// published, so a run killed at any moment polls or publishes the same container again and a
// post is never published twice.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "connectors/connector.hpp"
#include "pipeline/model/channel.hpp"

namespace saluran {

/// How long the connector waits for Instagram to process a container.
struct InstagramOptions {
  /// Between two status checks; Meta recommends once per minute.
  std::chrono::milliseconds poll_interval{60'000};
  /// Status checks of one container before giving up; Meta: for no more than 5 minutes.
  int max_polls = 5;
};

/// Publishes photos, carousels and reels to an Instagram professional account.
class InstagramConnector : public Connector {
 public:
  /// A connector for `channel` (`account` is the IG user id, `url` the Graph API root); the
  /// access token is `context.secret`, the HTTP client `context.client`.
  InstagramConnector(const ChannelConfig& channel, ConnectorContext context,
                     InstagramOptions options = {});

  /// Reads the account (id, username) and its publishing limit with the token.
  Status test() override;
  /// The container made for this file by an interrupted run, when it is ready to publish.
  Result<std::optional<RemoteItem>> find_media(const PlannedMedia& media) override;
  /// Makes the file's container (Instagram fetches `media.public_url`) and polls it to
  /// FINISHED; a container kept from an interrupted run is polled instead of making another.
  Result<RemoteItem> upload_media(const ChannelPlan& plan, const PlannedMedia& media) override;
  /// The post an interrupted run published (from the kept state, checked with Instagram).
  Result<std::optional<RemoteItem>> find_post(const ChannelPlan& plan,
                                              const std::string& slug) override;
  /// Publishes the single container or a new carousel parent of `media`, after checking the
  /// publishing limit. Instagram posts cannot be edited: an `existing` post is returned as it
  /// is when its caption matches, and refused otherwise.
  Result<RemoteItem> put_post(const ChannelPlan& plan, const std::string& slug,
                              const std::vector<RemoteItem>& media,
                              const std::optional<RemoteItem>& existing) override;
  /// Reads the post back (caption, media type, product type, permalink, timestamp, carousel
  /// children) and compares; a reel Instagram is still processing is pending.
  Result<std::vector<Finding>> verify(const ChannelPlan& plan, const RemoteItem& post,
                                      const std::vector<RemoteItem>& media) override;

  /// The number of hashtags in `caption` (Instagram allows 30).
  static std::size_t hashtag_count(const std::string& caption);

 private:
  /// Checks the publishing limit, then publishes `creation` (reconciling a lost answer).
  Result<RemoteItem> publish(const ChannelPlan& plan, const std::string& slug,
                             const std::string& creation, const std::vector<RemoteItem>& media);
  /// Keeps the published post's id, forgets the containers, reads its permalink.
  Result<RemoteItem> published(const std::string& slug, const std::string& creation,
                               const std::string& id, const std::vector<RemoteItem>& media);

  ChannelConfig channel_;
  ConnectorContext context_;
  InstagramOptions options_;
  std::string root_;  ///< the Graph API root without a trailing '/'
};

}  // namespace saluran
