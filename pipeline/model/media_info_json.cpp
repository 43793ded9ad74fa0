#include "pipeline/model/media_info_json.hpp"

namespace saluran {

const char* media_kind_name(MediaKind k) {
  switch (k) {
    case MediaKind::kPhoto:
      return "photo";
    case MediaKind::kVideo:
      return "video";
    case MediaKind::kAudio:
      return "audio";
    case MediaKind::kTelemetry:
      return "telemetry";
  }
  return "unknown";
}

nlohmann::json to_json(const GeoPoint& g) {
  nlohmann::json j{{"latitude", g.latitude}, {"longitude", g.longitude}};
  if (g.altitude_m) j["altitude_m"] = *g.altitude_m;
  return j;
}

nlohmann::json to_json(const Telemetry& t) {
  nlohmann::json j{
      {"format", t.format}, {"frames", t.frames}, {"start_s", t.start_s}, {"end_s", t.end_s}};
  if (!t.first_time.empty()) j["first_time"] = t.first_time;
  if (!t.last_time.empty()) j["last_time"] = t.last_time;
  if (t.first_position) j["first_position"] = to_json(*t.first_position);
  if (t.last_position) j["last_position"] = to_json(*t.last_position);
  if (t.min_altitude_m) j["min_altitude_m"] = *t.min_altitude_m;
  if (t.max_altitude_m) j["max_altitude_m"] = *t.max_altitude_m;
  return j;
}

nlohmann::json to_json(const Error& e) {
  nlohmann::json j{{"code", error_code_name(e.code)}, {"message", e.message}};
  if (!e.context.stage.empty()) j["stage"] = e.context.stage;
  if (!e.context.file.empty()) j["file"] = e.context.file;
  if (!e.context.detail.empty()) j["detail"] = e.context.detail;
  return j;
}

namespace {

nlohmann::json picture_json(const PictureInfo& p) {
  nlohmann::json j{{"codec", p.codec},
                   {"width", p.width},
                   {"height", p.height},
                   {"upright_width", p.upright_width},
                   {"upright_height", p.upright_height},
                   {"rotation", p.rotation},
                   {"mirrored", p.mirrored},
                   {"pixel_aspect", std::to_string(p.sar_num) + ":" + std::to_string(p.sar_den)},
                   {"bit_depth", p.bit_depth}};
  if (!p.profile.empty()) j["profile"] = p.profile;
  if (p.orientation != 1) j["exif_orientation"] = p.orientation;
  if (!p.pixel_format.empty()) j["pixel_format"] = p.pixel_format;
  if (!p.color_transfer.empty()) j["color_transfer"] = p.color_transfer;
  j["hdr"] = p.hdr.empty() ? nlohmann::json(nullptr) : nlohmann::json(p.hdr);
  return j;
}

nlohmann::json audio_json(const AudioInfo& a) {
  nlohmann::json j{{"codec", a.codec}, {"channels", a.channels}, {"sample_rate", a.sample_rate}};
  if (!a.channel_layout.empty()) j["channel_layout"] = a.channel_layout;
  if (a.bit_depth > 0) j["bit_depth"] = a.bit_depth;
  return j;
}

}  // namespace

nlohmann::json to_json(const MediaInfo& info) {
  nlohmann::json j{{"path", info.path},
                   {"kind", media_kind_name(info.kind)},
                   {"container", info.container},
                   {"size_bytes", info.size_bytes}};
  if (info.duration_s) j["duration_s"] = *info.duration_s;
  if (info.frame_rate) {
    j["frame_rate"] = *info.frame_rate;
    j["variable_frame_rate"] = info.variable_frame_rate;
  }
  if (info.bit_rate) j["bit_rate"] = *info.bit_rate;
  if (info.picture) j["picture"] = picture_json(*info.picture);
  if (info.audio) j["audio"] = audio_json(*info.audio);
  if (info.kind == MediaKind::kVideo || info.kind == MediaKind::kAudio) {
    j["video_streams"] = info.video_streams;
    j["audio_streams"] = info.audio_streams;
  }
  const Metadata& m = info.meta;
  nlohmann::json device{{"class", device_class_name(m.device_class)}};
  if (!m.make.empty()) device["make"] = m.make;
  if (!m.model.empty()) device["model"] = m.model;
  j["device"] = device;
  if (!m.capture_time.empty()) {
    j["capture_time"] = m.capture_time;
    j["capture_time_source"] = m.capture_time_source;
  }
  if (m.gps) j["gps"] = to_json(*m.gps);
  if (info.telemetry) {
    j["telemetry"] = to_json(*info.telemetry);
    j["telemetry"]["path"] = info.telemetry_path;
  }
  if (!info.warnings.empty()) j["warnings"] = info.warnings;
  return j;
}

}  // namespace saluran
