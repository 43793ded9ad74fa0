#pragma once
// The radio's playout drop folder (kind "playout"): the radio clip is copied in under a
// temporary name and renamed, so the playout system never sees half a file. There is no post:
// the "post" is the folder itself, and verify checks that each file is there with the same hash.
//
//   [channels.radio]
//   kind = "playout"
//   path = "/mnt/playout/incoming"

#include "connectors/connector.hpp"
#include "pipeline/model/channel.hpp"

namespace saluran {

/// Publishes to a playout drop folder (local or mounted).
class PlayoutConnector : public Connector {
 public:
  /// A connector for `channel` (kind playout; its `path` is the folder).
  PlayoutConnector(ChannelConfig channel, ConnectorContext context);

  /// The folder exists and can be written.
  Status test() override;
  /// The file named `upload_name` in the folder, when it has the rendition's content.
  Result<std::optional<RemoteItem>> find_media(const PlannedMedia& media) override;
  /// Copies the rendition in (temporary name, flush, rename to `upload_name`).
  Result<RemoteItem> upload_media(const ChannelPlan& plan, const PlannedMedia& media) override;
  /// The folder, once every planned file is in it.
  Result<std::optional<RemoteItem>> find_post(const ChannelPlan& plan,
                                              const std::string& slug) override;
  /// The folder as the item the ledger records (there is no post to make).
  Result<RemoteItem> put_post(const ChannelPlan& plan, const std::string& slug,
                              const std::vector<RemoteItem>& media,
                              const std::optional<RemoteItem>& existing) override;
  /// One finding per planned file that is missing or has other content.
  Result<std::vector<Finding>> verify(const ChannelPlan& plan, const RemoteItem& post,
                                      const std::vector<RemoteItem>& media) override;

 private:
  ChannelConfig channel_;
  ConnectorContext context_;
};

}  // namespace saluran
