#include "pipeline/stages/render_manifest.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>

#include "codecs/file_bytes.hpp"
#include "codecs/file_copy.hpp"
#include "pipeline/model/media_info_json.hpp"
#include "pipeline/presets/preset_json.hpp"
#include "pipeline/stages/render_image.hpp"

namespace saluran {
namespace fs = std::filesystem;

namespace {

nlohmann::json plan_to_json(const RenditionPlan& p) {
  nlohmann::json j = {{"start_s", p.start_s},
                      {"duration_s", p.duration_s},
                      {"fade_in_s", p.fade_in_s},
                      {"fade_out_s", p.fade_out_s},
                      {"trimmed_to_channel_limit", p.trimmed_to_limit}};
  if (p.video) {
    const VideoPlan& v = *p.video;
    j["video"] = {
        {"width", v.geometry.out_width},
        {"height", v.geometry.out_height},
        {"aspect", aspect_mode_name(v.geometry.mode)},
        {"crop",
         {v.geometry.crop.x, v.geometry.crop.y, v.geometry.crop.width, v.geometry.crop.height}},
        {"fps", fmt::format("{}/{}", v.rate.num, v.rate.den)},
        {"bitrate_kbps", v.bitrate_kbps},
        {"max_bitrate_kbps", v.max_bitrate_kbps},
        {"gop_frames", v.gop_frames},
        {"tone_mapped", v.tone_map},
        {"filter", v.filter}};
  }
  if (p.audio) {
    const AudioPlan& a = *p.audio;
    j["audio"] = {{"encoder", a.codec},     {"sample_rate", a.sample_rate},
                  {"channels", a.channels}, {"bitrate_kbps", a.bitrate_kbps},
                  {"loudness", a.loudness}, {"filter", a.filter}};
  }
  return j;
}

}  // namespace

nlohmann::json rendition_to_json(const RenditionResult& r) {
  nlohmann::json j = {{"input", r.input},
                      {"preset", r.preset},
                      {"output", r.output},
                      {"status", r.status},
                      {"fingerprint", r.fingerprint}};
  if (r.error) j["error"] = to_json(*r.error);
  if (r.plan) {
    j["settings"] = preset_to_json(r.plan->preset);
    j["plan"] = plan_to_json(*r.plan);
  }
  if (r.video_frames > 0) j["video_frames"] = r.video_frames;
  if (r.image) j["image"] = image_outcome_to_json(*r.image);
  if (!r.reframe.empty()) j["reframe"] = r.reframe;
  if (r.check) j["check"] = to_json(*r.check);
  if (r.source_loudness) {
    nlohmann::json l = {
        {"source", to_json(*r.source_loudness)}, {"gain_db", r.gain_db}, {"limited", r.limited}};
    if (r.processed_loudness) l["processed"] = to_json(*r.processed_loudness);
    if (r.check && r.check->loudness) l["output"] = to_json(*r.check->loudness);
    j["loudness"] = l;
  }
  return j;
}

nlohmann::json input_report_to_json(const InputReport& r) {
  nlohmann::json renditions = nlohmann::json::array();
  for (const auto& x : r.renditions) renditions.push_back(rendition_to_json(x));
  nlohmann::json damaged = nlohmann::json::array();
  for (const auto& d : r.damaged) damaged.push_back({{"start_s", d.start_s}, {"end_s", d.end_s}});
  nlohmann::json j = {
      {"input", r.input},       {"renditions", renditions},           {"damaged", damaged},
      {"branches", r.branches}, {"decoded_frames", r.decoded_frames}, {"seconds", r.seconds}};
  if (r.error) j["error"] = to_json(*r.error);
  return j;
}

nlohmann::json read_render_manifest(const std::string& out_dir) {
  std::ifstream in(fs::path(out_dir) / kRenderManifestName);
  nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("outputs") || !j["outputs"].is_object())
    j = {{"saluran", SALURAN_VERSION}, {"outputs", nlohmann::json::object()}};
  return j;
}

Status write_render_manifest(const std::string& out_dir, const InputReport& report) {
  nlohmann::json m = read_render_manifest(out_dir);
  m["saluran"] = SALURAN_VERSION;
  for (const RenditionResult& r : report.renditions) {
    nlohmann::json entry = rendition_to_json(r);
    entry["damaged"] = input_report_to_json(report)["damaged"];
    const std::string key = fs::path(r.output).filename().string();
    // Up to date: the entry that made it stays as it is (it says when and how it was made).
    if (r.status == "up-to-date" && m["outputs"].contains(key)) continue;
    // A failure does not erase the record of an earlier good output of the same name.
    if (r.status == "failed" && m["outputs"].contains(key) &&
        m["outputs"][key].value("status", "") != "failed" && fs::exists(r.output)) {
      m["outputs"][key]["last_failure"] = entry.value("error", nlohmann::json());
      continue;
    }
    m["outputs"][key] = entry;
  }
  const fs::path final_path = fs::path(out_dir) / kRenderManifestName;
  const fs::path tmp = temp_path_beside(final_path.string(), "part");
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << m.dump(2) << '\n';
    out.flush();
    if (!out) return errno_error(errno, "write", tmp.string());
  }
  if (auto st = fsync_file(tmp.string()); !st) return st;
  std::error_code ec;
  fs::rename(tmp, final_path, ec);
  if (ec) return errno_error(ec.value(), "rename", final_path.string());
  return fsync_dir(out_dir);
}

}  // namespace saluran
