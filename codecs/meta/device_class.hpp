#pragma once
// Telling cameras, drones and phones apart from the make and model a device writes.

#include <string_view>

#include "pipeline/model/metadata.hpp"

namespace saluran {

/// Classifies a device from its make and model (case-insensitive): DJI, Autel, Parrot, Skydio,
/// Yuneec ... are drones (DJI's handheld Osmo/Pocket/Action are cameras); Apple, Google, Xiaomi,
/// Oppo, vivo, HMD/Nokia ... are phones; Samsung and Sony are phones or cameras by model.
DeviceClass classify_device(std::string_view make, std::string_view model);

}  // namespace saluran
