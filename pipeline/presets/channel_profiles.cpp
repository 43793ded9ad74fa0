// The channel profile table.

#include "pipeline/presets/channel_profiles.hpp"

#include <array>

namespace saluran {
namespace {

using R = MediaRole;

// Facebook's post text limit (63,206 characters), Instagram's caption (2,200 characters, 30
// hashtags), X's post (280; each link 23), YouTube's title (100) and description (5,000).
std::array<ChannelProfile, 8> make_profiles() {
  ChannelProfile wp;
  wp.kind = ChannelKind::kWordPress;
  wp.limits.html_body = true;
  wp.needs_picture = true;
  wp.roles = {R::kCover, R::kGallery, R::kVideo};
  wp.presets = {{R::kCover, {"web"}}, {R::kGallery, {"web"}}, {R::kVideo, {"web-video"}}};
  ChannelProfile folder = wp;
  folder.kind = ChannelKind::kFolder;
  ChannelProfile icecast;
  icecast.kind = ChannelKind::kIcecast;
  icecast.title_only = true;
  icecast.needs_sound = true;
  icecast.roles = {R::kRadio};
  icecast.presets = {{R::kRadio, {"radio-clip"}}};
  ChannelProfile playout = icecast;
  playout.kind = ChannelKind::kPlayout;
  ChannelProfile yt;
  yt.kind = ChannelKind::kYouTube;
  yt.limits = {100, 5000, 15, false};
  yt.shows_link = yt.shows_hashtags = true;
  yt.needs_video = true;
  yt.roles = {R::kCover, R::kVideo};
  yt.presets = {{R::kCover, {"youtube-thumbnail"}}, {R::kVideo, {"youtube"}}};
  ChannelProfile fb;
  fb.kind = ChannelKind::kFacebook;
  fb.limits = {0, 63206, 0, false};
  fb.shows_link = fb.shows_hashtags = fb.needs_picture = true;
  fb.roles = {R::kCover, R::kGallery, R::kVideo};
  fb.presets = {{R::kCover, {"facebook-photo"}},
                {R::kGallery, {"facebook-photo"}},
                {R::kVideo, {"facebook-video"}}};
  ChannelProfile ig;
  ig.kind = ChannelKind::kInstagram;
  ig.limits = {0, 2200, 30, false};
  ig.shows_hashtags = ig.needs_picture = true;  // links in captions are not clickable
  ig.roles = {R::kCover, R::kGallery, R::kVideo};
  ig.presets = {{R::kCover, {"instagram-feed-4x5"}},
                {R::kGallery, {"instagram-feed-4x5"}},
                {R::kVideo, {"instagram-reel"}}};
  ChannelProfile x;
  x.kind = ChannelKind::kX;
  x.limits = {0, 280, 0, false};
  x.shows_link = x.shows_hashtags = true;
  x.link_chars = 23;
  x.roles = {R::kCover, R::kVideo};
  x.presets = {{R::kCover, {"x-photo"}}, {R::kGallery, {"x-photo"}}, {R::kVideo, {"x-video"}}};
  return {wp, icecast, playout, folder, yt, fb, ig, x};
}

}  // namespace

const ChannelProfile& channel_profile(ChannelKind kind) {
  static const std::array<ChannelProfile, 8> profiles = make_profiles();
  for (const ChannelProfile& p : profiles)
    if (p.kind == kind) return p;
  return profiles[3];  // unreachable: every kind has a profile
}

std::vector<std::string> presets_for(const ChannelProfile& profile, MediaRole role) {
  for (const RolePresets& rp : profile.presets)
    if (rp.role == role) return rp.presets;
  return {};
}

}  // namespace saluran
