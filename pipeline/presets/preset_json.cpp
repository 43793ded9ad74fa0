#include "pipeline/presets/preset_json.hpp"

namespace saluran {
namespace {

nlohmann::json video_json(const VideoSpec& v) {
  nlohmann::json ladder = nlohmann::json::array();
  for (const BitrateStep& s : v.bitrates) {
    ladder.push_back(
        {{"max_height", s.max_height}, {"kbps", s.kbps}, {"kbps_high_fps", s.kbps_high_fps}});
  }
  return {{"codec", v.codec},
          {"profile", v.profile},
          {"speed", v.speed},
          {"width", v.width},
          {"height", v.height},
          {"max_width", v.max_width},
          {"max_height", v.max_height},
          {"aspect", aspect_mode_name(v.aspect)},
          {"enlarge", enlarge_name(v.enlarge)},
          {"fps", v.fps},
          {"min_fps", v.min_fps},
          {"max_fps", v.max_fps},
          {"bframes", v.bframes},
          {"gop_seconds", v.gop_seconds},
          {"closed_gop", v.closed_gop},
          {"passthrough", passthrough_name(v.passthrough)},
          {"pixel_format", v.pixel_format},
          {"bitrate_kbps", v.bitrate_kbps},
          {"max_bitrate_kbps", v.max_bitrate_kbps},
          {"bitrates", std::move(ladder)},
          {"sdr", v.sdr}};
}

nlohmann::json audio_json(const AudioSpec& a) {
  return {{"codec", a.codec},
          {"sample_rate", a.sample_rate},
          {"channels", a.channels},
          {"bitrate_kbps", a.bitrate_kbps},
          {"cbr", a.cbr},
          {"loudness_lufs", a.loudness_lufs ? nlohmann::json(*a.loudness_lufs) : nlohmann::json()},
          {"loudness_tolerance_lu", a.loudness_tolerance_lu},
          {"true_peak_dbtp", a.true_peak_dbtp}};
}

nlohmann::json image_json(const ImageSpec& m) {
  return {{"width", m.width},
          {"height", m.height},
          {"max_width", m.max_width},
          {"max_height", m.max_height},
          {"aspect", aspect_mode_name(m.aspect)},
          {"background", m.background},
          {"formats", m.formats},
          {"widths", m.widths},
          {"quality", m.quality},
          {"min_quality", m.min_quality},
          {"progressive", m.progressive},
          {"keep_gps", m.keep_gps},
          {"enlarge", enlarge_name(m.enlarge)}};
}

}  // namespace

nlohmann::json preset_to_json(const Preset& p) {
  const Limits& l = p.limits;
  const Trim& t = p.trim;
  return {{"name", p.name},
          {"description", p.description},
          {"source", p.source},
          {"extends", p.extends},
          {"file", p.file},
          {"kind", preset_kind_name(p.kind)},
          {"container", p.container},
          {"extension", p.extension},
          {"video", p.video ? video_json(*p.video) : nlohmann::json()},
          {"audio", p.audio ? audio_json(*p.audio) : nlohmann::json()},
          {"image", p.image ? image_json(*p.image) : nlohmann::json()},
          {"limits",
           {{"min_duration_s", l.min_duration_s},
            {"max_duration_s", l.max_duration_s},
            {"max_file_bytes", l.max_file_bytes},
            {"too_long", too_long_name(l.too_long)},
            {"max_width", l.max_width},
            {"max_height", l.max_height},
            {"min_aspect", l.min_aspect},
            {"max_aspect", l.max_aspect},
            {"recommended", l.recommended}}},
          {"trim",
           {{"start_s", t.start_s},
            {"duration_s", t.duration_s},
            {"fade_in_s", t.fade_in_s},
            {"fade_out_s", t.fade_out_s}}}};
}

}  // namespace saluran
