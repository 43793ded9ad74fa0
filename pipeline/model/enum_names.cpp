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

const char* channel_kind_name(ChannelKind kind) {
  switch (kind) {
    case ChannelKind::kWordPress:
      return "wordpress";
    case ChannelKind::kIcecast:
      return "icecast";
    case ChannelKind::kPlayout:
      return "playout";
    case ChannelKind::kFolder:
      return "folder";
    case ChannelKind::kYouTube:
      return "youtube";
    case ChannelKind::kFacebook:
      return "facebook";
    case ChannelKind::kInstagram:
      return "instagram";
    case ChannelKind::kX:
      return "x";
  }
  return "unknown";
}

std::optional<ChannelKind> parse_channel_kind(std::string_view name) {
  return enum_from_name(
      name,
      {ChannelKind::kWordPress, ChannelKind::kIcecast, ChannelKind::kPlayout, ChannelKind::kFolder,
       ChannelKind::kYouTube, ChannelKind::kFacebook, ChannelKind::kInstagram, ChannelKind::kX},
      &channel_kind_name);
}

const char* channel_kind_names() {
  return "wordpress, icecast, playout, folder, youtube, facebook, instagram, x";
}

const char* media_role_name(MediaRole role) {
  switch (role) {
    case MediaRole::kCover:
      return "cover";
    case MediaRole::kGallery:
      return "gallery";
    case MediaRole::kVideo:
      return "video";
    case MediaRole::kRadio:
      return "radio";
  }
  return "unknown";
}

std::optional<MediaRole> parse_media_role(std::string_view name) {
  return enum_from_name(
      name, {MediaRole::kCover, MediaRole::kGallery, MediaRole::kVideo, MediaRole::kRadio},
      &media_role_name);
}

const char* post_status_name(PostStatus status) {
  switch (status) {
    case PostStatus::kPublish:
      return "publish";
    case PostStatus::kDraft:
      return "draft";
    case PostStatus::kScheduled:
      return "scheduled";
  }
  return "unknown";
}

std::optional<PostStatus> parse_post_status(std::string_view name) {
  return enum_from_name(name, {PostStatus::kPublish, PostStatus::kDraft, PostStatus::kScheduled},
                        &post_status_name);
}

}  // namespace saluran
