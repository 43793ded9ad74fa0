#include "pipeline/model/enum_names.hpp"

#include <initializer_list>

namespace saluran {
namespace {

template <class Enum>
std::optional<Enum> enum_from_name(std::string_view name, std::initializer_list<Enum> values,
                                   const char* (*name_of)(Enum)) {
  for (Enum e : values) {
    if (name == name_of(e)) return e;
  }
  return std::nullopt;
}

}  // namespace

std::optional<MediaKind> parse_media_kind(std::string_view name) {
  return enum_from_name(
      name, {MediaKind::kPhoto, MediaKind::kVideo, MediaKind::kAudio, MediaKind::kTelemetry},
      &media_kind_name);
}

std::optional<DeviceClass> parse_device_class(std::string_view name) {
  return enum_from_name(
      name, {DeviceClass::kUnknown, DeviceClass::kCamera, DeviceClass::kDrone, DeviceClass::kPhone},
      &device_class_name);
}

std::optional<SourceOutcome> parse_source_outcome(std::string_view name) {
  return enum_from_name(
      name,
      {SourceOutcome::kCopied, SourceOutcome::kDuplicate, SourceOutcome::kSkipped,
       SourceOutcome::kRejected, SourceOutcome::kSidecar, SourceOutcome::kUnchanged},
      &source_outcome_name);
}

}  // namespace saluran
