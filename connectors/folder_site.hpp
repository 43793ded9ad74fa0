#pragma once
// A local static site (kind "folder"): the embedded default channel, so the whole procedure runs
// on a fresh machine with no account anywhere. The folder holds
//
//   index.html             every story, newest first (rebuilt from the story pages present)
//   stories/<slug>.html    one page per story: title, date, place, body, photos, video, credits
//   media/<upload_name>    the renditions, copied in atomically
//
// Pages are UTF-8, self-contained (inline style, no internet assets) and use relative links
// only, so the folder can be copied anywhere or opened straight from disk.
//
//   [channels.site]
//   kind = "folder"
//   path = "../build/demo-site"

#include <filesystem>
#include <string>
#include <string_view>

#include "connectors/connector.hpp"
#include "pipeline/model/channel.hpp"

namespace saluran {

/// `text` with &, <, >, " and ' written as HTML entities.
std::string html_escape(std::string_view text);

/// Plain text to HTML: a <p> per paragraph (blank lines between), <br> for single line breaks,
/// everything escaped.
std::string html_paragraphs(std::string_view text);

/// Publishes to a local static site.
class FolderSiteConnector : public Connector {
 public:
  /// A connector for `channel` (kind folder; its `path` is the site's folder).
  FolderSiteConnector(ChannelConfig channel, ConnectorContext context);

  /// The site's folder exists and is writable, or can be made.
  Status test() override;
  /// media/<upload_name>, when it has the rendition's content.
  Result<std::optional<RemoteItem>> find_media(const PlannedMedia& media) override;
  /// Copies the rendition into media/ (temporary name, flush, rename).
  Result<RemoteItem> upload_media(const ChannelPlan& plan, const PlannedMedia& media) override;
  /// stories/<slug>.html, when it exists.
  Result<std::optional<RemoteItem>> find_post(const ChannelPlan& plan,
                                              const std::string& slug) override;
  /// Writes stories/<slug>.html (replacing an older one) and rebuilds index.html. The body is
  /// taken as HTML when the plan's limits say html_body, else made into paragraphs.
  Result<RemoteItem> put_post(const ChannelPlan& plan, const std::string& slug,
                              const std::vector<RemoteItem>& media,
                              const std::optional<RemoteItem>& existing) override;
  /// Every link and source of the story page and the index points to an existing file, the
  /// page's title is the plan's, the index links the page, and each media file has the
  /// rendition's content.
  Result<std::vector<Finding>> verify(const ChannelPlan& plan, const RemoteItem& post,
                                      const std::vector<RemoteItem>& media) override;

 private:
  std::filesystem::path page_path(const std::string& slug) const;
  Status write_index() const;

  ChannelConfig channel_;
  ConnectorContext context_;
};

}  // namespace saluran
