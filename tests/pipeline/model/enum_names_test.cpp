// The enums the catalog stores as text read back from the names written for them.

#include "pipeline/model/enum_names.hpp"

#include <gtest/gtest.h>

namespace saluran {
namespace {

TEST(EnumNames, EveryMediaKindRoundTrips) {
  for (MediaKind k :
       {MediaKind::kPhoto, MediaKind::kVideo, MediaKind::kAudio, MediaKind::kTelemetry}) {
    EXPECT_EQ(parse_media_kind(media_kind_name(k)), k) << media_kind_name(k);
  }
  EXPECT_FALSE(parse_media_kind("Photo"));
  EXPECT_FALSE(parse_media_kind(""));
  EXPECT_FALSE(parse_media_kind("hologram"));
}

TEST(EnumNames, EveryDeviceClassRoundTrips) {
  for (DeviceClass c :
       {DeviceClass::kUnknown, DeviceClass::kCamera, DeviceClass::kDrone, DeviceClass::kPhone}) {
    EXPECT_EQ(parse_device_class(device_class_name(c)), c) << device_class_name(c);
  }
  EXPECT_FALSE(parse_device_class("toaster"));
  EXPECT_FALSE(parse_device_class(""));
}

TEST(EnumNames, EverySourceOutcomeRoundTrips) {
  for (SourceOutcome o :
       {SourceOutcome::kCopied, SourceOutcome::kDuplicate, SourceOutcome::kSkipped,
        SourceOutcome::kRejected, SourceOutcome::kSidecar, SourceOutcome::kUnchanged}) {
    EXPECT_EQ(parse_source_outcome(source_outcome_name(o)), o) << source_outcome_name(o);
  }
  EXPECT_FALSE(parse_source_outcome("unknown"));
  EXPECT_FALSE(parse_source_outcome("copied "));
}

}  // namespace
}  // namespace saluran
