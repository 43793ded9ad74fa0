#pragma once
// What each kind of channel takes: its text limits, what it shows (a link, hashtags, only a
// title), which media roles it posts and the built-in presets it renders them with. The numbers
// come from /work/shared/reference/channels.md and the platforms' published limits.
//
//   const ChannelProfile& p = channel_profile(ChannelKind::kX);
//   p.limits.caption_chars                       // 280
//   presets_for(p, MediaRole::kVideo)            // {"x-video"}

#include <string>
#include <vector>

#include "pipeline/model/channel.hpp"
#include "pipeline/model/story.hpp"

namespace saluran {

/// The presets one media role is rendered with on a kind of channel.
struct RolePresets {
  MediaRole role = MediaRole::kGallery;
  std::vector<std::string> presets;
};

/// Everything `plan` needs to know about a kind of channel.
struct ChannelProfile {
  ChannelKind kind = ChannelKind::kFolder;
  ChannelTextLimits limits;
  bool title_only = false;      ///< radio: the post is a title (stream metadata, file name)
  bool shows_link = false;      ///< the caption carries the website post's link
  bool shows_hashtags = false;  ///< hashtags are placed in the caption
  /// Characters a link counts for whatever its length (X: every URL is 23, t.co); 0 = as written.
  std::size_t link_chars = 0;
  bool needs_picture = false;        ///< a cover photo is required (unless a video stands in)
  bool needs_video = false;          ///< a main video is required
  bool needs_sound = false;          ///< a radio recording (or a video's sound) is required
  std::vector<MediaRole> roles;      ///< what it posts by default
  std::vector<RolePresets> presets;  ///< built-in presets per role
};

/// The profile of `kind`.
const ChannelProfile& channel_profile(ChannelKind kind);

/// The default presets of `role` on `profile`'s channels (empty when the role is not posted).
std::vector<std::string> presets_for(const ChannelProfile& profile, MediaRole role);

}  // namespace saluran
