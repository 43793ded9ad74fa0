#include "pipeline/model/media_info_json.hpp"

#include <charconv>
#include <optional>
#include <stdexcept>
#include <string>

#include "pipeline/model/enum_names.hpp"

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
                   {"interlaced", p.interlaced},
                   {"pixel_aspect", std::to_string(p.sar_num) + ":" + std::to_string(p.sar_den)},
                   {"bit_depth", p.bit_depth}};
  if (!p.profile.empty()) j["profile"] = p.profile;
  if (p.orientation != 1) j["exif_orientation"] = p.orientation;
  if (!p.pixel_format.empty()) j["pixel_format"] = p.pixel_format;
  if (!p.color_transfer.empty()) j["color_transfer"] = p.color_transfer;
  if (p.bit_rate) j["bit_rate"] = *p.bit_rate;
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

namespace {

// Reading back: nlohmann reports a missing key or a wrong type by throwing, and so do the few
// checks below; media_info_from_json catches them all at its boundary and returns an Error, so a
// damaged record is a value, never a crash.

[[noreturn]] void bad_field(const std::string& what) { throw std::runtime_error(what); }

template <class T>
std::optional<T> optional_field(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return it->get<T>();
}

std::string string_or_empty(const nlohmann::json& j, const char* key) {
  return optional_field<std::string>(j, key).value_or("");
}

MediaKind media_kind_from_name(const std::string& name) {
  if (const auto k = parse_media_kind(name)) return *k;
  bad_field("unknown kind '" + name + "'");
}

DeviceClass device_class_from_name(const std::string& name) {
  if (const auto c = parse_device_class(name)) return *c;
  bad_field("unknown device class '" + name + "'");
}

GeoPoint geo_from_json(const nlohmann::json& j) {
  GeoPoint g;
  g.latitude = j.at("latitude").get<double>();
  g.longitude = j.at("longitude").get<double>();
  g.altitude_m = optional_field<double>(j, "altitude_m");
  return g;
}

std::optional<GeoPoint> optional_geo(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return geo_from_json(*it);
}

Telemetry telemetry_from_json(const nlohmann::json& j) {
  Telemetry t;
  t.format = j.at("format").get<std::string>();
  t.frames = j.at("frames").get<int>();
  t.start_s = j.at("start_s").get<double>();
  t.end_s = j.at("end_s").get<double>();
  t.first_time = string_or_empty(j, "first_time");
  t.last_time = string_or_empty(j, "last_time");
  t.first_position = optional_geo(j, "first_position");
  t.last_position = optional_geo(j, "last_position");
  t.min_altitude_m = optional_field<double>(j, "min_altitude_m");
  t.max_altitude_m = optional_field<double>(j, "max_altitude_m");
  return t;
}

// "num:den", as picture_json writes the pixel aspect.
void parse_pixel_aspect(const std::string& text, int& num, int& den) {
  const auto colon = text.find(':');
  if (colon == std::string::npos) bad_field("pixel_aspect '" + text + "' is not N:D");
  const char* begin = text.data();
  const char* end = begin + text.size();
  const auto a = std::from_chars(begin, begin + colon, num);
  const auto b = std::from_chars(begin + colon + 1, end, den);
  if (a.ec != std::errc() || a.ptr != begin + colon || b.ec != std::errc() || b.ptr != end) {
    bad_field("pixel_aspect '" + text + "' is not N:D");
  }
}

PictureInfo picture_from_json(const nlohmann::json& j) {
  PictureInfo p;
  p.codec = j.at("codec").get<std::string>();
  p.profile = string_or_empty(j, "profile");
  p.width = j.at("width").get<int>();
  p.height = j.at("height").get<int>();
  p.upright_width = j.at("upright_width").get<int>();
  p.upright_height = j.at("upright_height").get<int>();
  p.rotation = j.at("rotation").get<int>();
  p.mirrored = j.at("mirrored").get<bool>();
  p.interlaced = j.value("interlaced", false);
  p.orientation = optional_field<int>(j, "exif_orientation").value_or(1);
  parse_pixel_aspect(j.at("pixel_aspect").get<std::string>(), p.sar_num, p.sar_den);
  p.bit_depth = j.at("bit_depth").get<int>();
  p.pixel_format = string_or_empty(j, "pixel_format");
  p.color_transfer = string_or_empty(j, "color_transfer");
  p.hdr = string_or_empty(j, "hdr");
  p.bit_rate = optional_field<std::int64_t>(j, "bit_rate");
  return p;
}

AudioInfo audio_from_json(const nlohmann::json& j) {
  AudioInfo a;
  a.codec = j.at("codec").get<std::string>();
  a.channels = j.at("channels").get<int>();
  a.sample_rate = j.at("sample_rate").get<int>();
  a.channel_layout = string_or_empty(j, "channel_layout");
  a.bit_depth = optional_field<int>(j, "bit_depth").value_or(0);
  return a;
}

MediaInfo media_info_from_json_or_throw(const nlohmann::json& j) {
  if (!j.is_object()) bad_field("not a JSON object");
  MediaInfo info;
  info.path = j.at("path").get<std::string>();
  info.kind = media_kind_from_name(j.at("kind").get<std::string>());
  info.container = j.at("container").get<std::string>();
  info.size_bytes = j.at("size_bytes").get<std::uint64_t>();
  info.duration_s = optional_field<double>(j, "duration_s");
  info.frame_rate = optional_field<double>(j, "frame_rate");
  info.variable_frame_rate = optional_field<bool>(j, "variable_frame_rate").value_or(false);
  info.bit_rate = optional_field<std::int64_t>(j, "bit_rate");
  if (const auto it = j.find("picture"); it != j.end()) info.picture = picture_from_json(*it);
  if (const auto it = j.find("audio"); it != j.end()) info.audio = audio_from_json(*it);
  info.video_streams = optional_field<int>(j, "video_streams").value_or(0);
  info.audio_streams = optional_field<int>(j, "audio_streams").value_or(0);
  const nlohmann::json& device = j.at("device");
  info.meta.device_class = device_class_from_name(device.at("class").get<std::string>());
  info.meta.make = string_or_empty(device, "make");
  info.meta.model = string_or_empty(device, "model");
  info.meta.capture_time = string_or_empty(j, "capture_time");
  info.meta.capture_time_source = string_or_empty(j, "capture_time_source");
  info.meta.gps = optional_geo(j, "gps");
  if (const auto it = j.find("telemetry"); it != j.end()) {
    info.telemetry = telemetry_from_json(*it);
    info.telemetry_path = string_or_empty(*it, "path");
  }
  if (const auto it = j.find("warnings"); it != j.end()) {
    info.warnings = it->get<std::vector<std::string>>();
  }
  return info;
}

}  // namespace

Result<MediaInfo> media_info_from_json(const nlohmann::json& j) {
  try {
    return media_info_from_json_or_throw(j);
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kCorrupt,
                      std::string("the recorded media facts cannot be read: ") + e.what(), {},
                      "media_info_from_json");
  }
}

}  // namespace saluran
