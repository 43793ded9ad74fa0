#pragma once
// One encode for several channels (issue 17): renditions of one source that would make the same
// picture and sound are encoded once, with settings inside every channel's required rules, and
// each channel gets the file under its own name.
//
//   std::vector<SharedEncode> groups = shared_encodes({&web_plan, &x_plan});
//   // groups[0].members = {1, 0}: x-video's settings (the higher bitrate) in profile "main",
//   // which web-video requires and X only recommends

#include <cstddef>
#include <string>
#include <vector>

#include "pipeline/stages/render_plan.hpp"

namespace saluran {

/// Renditions one encode serves.
struct SharedEncode {
  std::vector<std::size_t> members;  ///< indices into the plans given, the lead first
  std::string profile;               ///< the H.264 profile of the one encode
  std::string note;                  ///< plain words: which settings, and why they suit all
};

/// True when the preset requires the check rule `rule` (it is not one of its recommendations).
bool requires_rule(const Preset& preset, const std::string& rule);

/// Groups `plans` (null entries are left out) into encodes of two or more renditions. Two plans
/// go together when they make the same picture and sound: equal video and sound filter chains
/// (size, frame rate, trim and fades are in them), container, sound settings and loudness
/// target, both encoded (no pass-through) and neither with a window that follows the content.
/// The group's file is made with the settings of the member with the highest bitrate (the lead),
/// in the profile some member requires, and only when those settings meet every rule each
/// member requires: profile, B-frames, closed GOP, GOP length, pixel format and file size.
/// A plan in no group is encoded alone.
std::vector<SharedEncode> shared_encodes(const std::vector<const RenditionPlan*>& plans);

}  // namespace saluran
