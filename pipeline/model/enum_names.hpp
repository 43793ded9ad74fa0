#pragma once
// The enums the catalog and the probe JSON store as text, read back from their stable names (the
// names media_kind_name, device_class_name and source_outcome_name write).
//
//   parse_media_kind("video")        // MediaKind::kVideo
//   parse_device_class("toaster")    // nullopt

#include <optional>
#include <string_view>

#include "pipeline/model/asset.hpp"
#include "pipeline/model/media_info.hpp"
#include "pipeline/model/metadata.hpp"

namespace saluran {

/// The kind named "photo", "video", "audio" or "telemetry"; nullopt for any other text.
std::optional<MediaKind> parse_media_kind(std::string_view name);

/// The device class named "unknown", "camera", "drone" or "phone"; nullopt for any other text.
std::optional<DeviceClass> parse_device_class(std::string_view name);

/// The source outcome named "copied", "duplicate", "skipped", "rejected", "sidecar" or
/// "unchanged"; nullopt for any other text.
std::optional<SourceOutcome> parse_source_outcome(std::string_view name);

}  // namespace saluran
