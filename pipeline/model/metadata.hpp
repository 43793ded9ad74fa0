#pragma once
// Who, when and where of one asset: the facts that come from EXIF, XMP or container tags.

#include <optional>
#include <string>

#include "pipeline/model/telemetry.hpp"

namespace saluran {

/// What kind of device made a file, judged from its make and model.
enum class DeviceClass { kUnknown, kCamera, kDrone, kPhone };

/// Stable lower-case name: "unknown", "camera", "drone", "phone".
const char* device_class_name(DeviceClass c);

/// Capture facts of one asset.
struct Metadata {
  /// Capture time in ISO 8601, "2024-05-01T09:30:12" plus "+07:00" or "Z" when the zone is known.
  std::string capture_time;
  /// Where capture_time came from: "exif", "container", "telemetry".
  std::string capture_time_source;
  std::string make;   ///< device maker as written by the device, trimmed
  std::string model;  ///< device model as written by the device, trimmed
  DeviceClass device_class = DeviceClass::kUnknown;
  std::optional<GeoPoint> gps;  ///< where it was taken
};

}  // namespace saluran
