// make_connector: every connector is listed here, and only here.

#include "connectors/registry.hpp"

#include <utility>

#include <fmt/format.h>

#include "connectors/facebook.hpp"
#include "connectors/folder_site.hpp"
#include "connectors/icecast.hpp"
#include "connectors/instagram.hpp"
#include "connectors/playout.hpp"
#include "connectors/wordpress.hpp"
#include "connectors/x.hpp"
#include "connectors/youtube.hpp"

namespace saluran {

Result<std::unique_ptr<Connector>> make_connector(const ChannelConfig& channel,
                                                  ConnectorContext context) {
  switch (channel.kind) {
    case ChannelKind::kPlayout:
      return std::unique_ptr<Connector>(new PlayoutConnector(channel, std::move(context)));
    case ChannelKind::kFolder:
      return std::unique_ptr<Connector>(new FolderSiteConnector(channel, std::move(context)));
    case ChannelKind::kWordPress:
      return std::unique_ptr<Connector>(new WordPressConnector(channel, std::move(context)));
    case ChannelKind::kIcecast:
      return std::unique_ptr<Connector>(new IcecastConnector(channel, std::move(context)));
    case ChannelKind::kX:
      return std::unique_ptr<Connector>(new XConnector(channel, std::move(context)));
    case ChannelKind::kInstagram:
      return std::unique_ptr<Connector>(new InstagramConnector(channel, std::move(context)));
    case ChannelKind::kYouTube:
      return std::unique_ptr<Connector>(new YouTubeConnector(channel, std::move(context)));
    case ChannelKind::kFacebook:
      return std::unique_ptr<Connector>(new FacebookConnector(channel, std::move(context)));
  }
  // Every kind is handled above; a value outside the enum is a programming error.
  return make_error(ErrorCode::kUnsupported,
                    fmt::format("channel {}: unknown channel kind", channel.name));
}

}  // namespace saluran
