#pragma once
// The enums the catalog and the probe JSON store as text, read back from their stable names (the
// names media_kind_name, device_class_name and source_outcome_name write).
//
//   parse_media_kind("video")        // MediaKind::kVideo
//   parse_device_class("toaster")    // nullopt

#include <optional>
#include <string_view>

#include "pipeline/model/asset.hpp"
#include "pipeline/model/channel.hpp"
#include "pipeline/model/media_info.hpp"
#include "pipeline/model/metadata.hpp"
#include "pipeline/model/story.hpp"

namespace saluran {

/// The kind named "photo", "video", "audio" or "telemetry"; nullopt for any other text.
std::optional<MediaKind> parse_media_kind(std::string_view name);

/// The device class named "unknown", "camera", "drone" or "phone"; nullopt for any other text.
std::optional<DeviceClass> parse_device_class(std::string_view name);

/// The source outcome named "copied", "duplicate", "skipped", "rejected", "sidecar" or
/// "unchanged"; nullopt for any other text.
std::optional<SourceOutcome> parse_source_outcome(std::string_view name);

/// "wordpress", "icecast", "playout", "folder", "youtube", "facebook", "instagram" or "x".
const char* channel_kind_name(ChannelKind kind);
/// The channel kind of that name; nullopt for any other text.
std::optional<ChannelKind> parse_channel_kind(std::string_view name);
/// Every channel kind's name, comma-separated, for messages ("allowed: wordpress, ...").
const char* channel_kind_names();

/// "cover", "gallery", "video" or "radio".
const char* media_role_name(MediaRole role);
/// The media role of that name; nullopt for any other text.
std::optional<MediaRole> parse_media_role(std::string_view name);

/// "publish", "draft" or "scheduled".
const char* post_status_name(PostStatus status);
/// The post status of that name; nullopt for any other text.
std::optional<PostStatus> parse_post_status(std::string_view name);

}  // namespace saluran
