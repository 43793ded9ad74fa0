#include "pipeline/model/metadata.hpp"

#include <gtest/gtest.h>

namespace saluran {
namespace {

TEST(DeviceClass, Names) {
  EXPECT_STREQ(device_class_name(DeviceClass::kUnknown), "unknown");
  EXPECT_STREQ(device_class_name(DeviceClass::kCamera), "camera");
  EXPECT_STREQ(device_class_name(DeviceClass::kDrone), "drone");
  EXPECT_STREQ(device_class_name(DeviceClass::kPhone), "phone");
  EXPECT_STREQ(device_class_name(static_cast<DeviceClass>(42)), "unknown");
}

}  // namespace
}  // namespace saluran
