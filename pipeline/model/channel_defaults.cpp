// The platforms' own addresses and settings, for a channel that does not name others.

#include "pipeline/model/channel.hpp"

namespace saluran {
namespace {

void fill(std::string& value, const char* fallback) {
  if (value.empty()) value = fallback;
}

}  // namespace

ChannelConfig with_platform_defaults(ChannelConfig c) {
  switch (c.kind) {
    case ChannelKind::kYouTube:
      fill(c.url, "https://www.googleapis.com");
      fill(c.upload_url, c.url.c_str());
      fill(c.auth_url, "https://accounts.google.com/o/oauth2/v2/auth");
      fill(c.token_url, "https://oauth2.googleapis.com/token");
      fill(c.privacy, "public");
      fill(c.category_id, "25");
      fill(c.language, "id");
      break;
    case ChannelKind::kFacebook:
      fill(c.url, "https://graph.facebook.com/v24.0");
      fill(c.upload_url, c.url == "https://graph.facebook.com/v24.0"
                             ? "https://graph-video.facebook.com/v24.0"
                             : c.url.c_str());
      break;
    case ChannelKind::kInstagram:
      fill(c.url, "https://graph.facebook.com/v24.0");
      break;
    case ChannelKind::kX:
      fill(c.url, "https://api.x.com");
      fill(c.token_url, (c.url + "/2/oauth2/token").c_str());
      break;
    default:
      break;
  }
  return c;
}

}  // namespace saluran
