#include "pipeline/model/metadata.hpp"

namespace saluran {

const char* device_class_name(DeviceClass c) {
  switch (c) {
    case DeviceClass::kCamera:
      return "camera";
    case DeviceClass::kDrone:
      return "drone";
    case DeviceClass::kPhone:
      return "phone";
    case DeviceClass::kUnknown:
      break;
  }
  return "unknown";
}

}  // namespace saluran
