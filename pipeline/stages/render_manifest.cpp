#include "pipeline/stages/render_manifest.hpp"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "codecs/file_bytes.hpp"
#include "codecs/file_copy.hpp"
#include "codecs/file_lock.hpp"
#include "pipeline/model/media_info_json.hpp"
#include "pipeline/presets/preset_json.hpp"

namespace saluran {
namespace fs = std::filesystem;

namespace {

nlohmann::json crop_to_json(const CropChoice& c) {
  return {{"window", {c.window.x, c.window.y, c.window.width, c.window.height}},
          {"basis", c.basis},
          {"faces_total", c.faces_total},
          {"faces_kept", c.faces_kept},
          {"faces_cut", c.faces_cut},
          {"note", c.note}};
}

// The facts of a picture rendition, under "image".
nlohmann::json image_outcome_to_json(const ImageOutcome& m) {
  nlohmann::json j = {{"width", m.width},           {"height", m.height},    {"format", m.format},
                      {"quality", m.quality},       {"bytes", m.bytes},      {"colour", m.colour},
                      {"shrink_on_load", m.shrink}, {"gps_kept", m.gps_kept}};
  j["aspect"] = aspect_mode_name(m.aspect);
  if (m.crop) j["crop"] = crop_to_json(*m.crop);
  if (m.place) j["place"] = {m.place->x, m.place->y, m.place->width, m.place->height};
  if (m.poster_s) {
    j["poster_s"] = *m.poster_s;
    j["poster_reason"] = m.poster_reason;
  }
  return j;
}

nlohmann::json plan_to_json(const RenditionPlan& p) {
  nlohmann::json j = {{"start_s", p.start_s},
                      {"duration_s", p.duration_s},
                      {"fade_in_s", p.fade_in_s},
                      {"fade_out_s", p.fade_out_s},
                      {"trimmed_to_channel_limit", p.trimmed_to_limit}};
  if (!p.segment_note.empty()) j["segment"] = p.segment_note;
  if (!p.shared_note.empty()) j["shared"] = p.shared_note;
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
        {"filter", v.filter},
        {"copy", v.copy}};
    if (!v.copy_note.empty()) j["video"]["copy_note"] = v.copy_note;
  }
  if (p.audio) {
    const AudioPlan& a = *p.audio;
    j["audio"] = {{"encoder", a.codec},     {"sample_rate", a.sample_rate},
                  {"channels", a.channels}, {"bitrate_kbps", a.bitrate_kbps},
                  {"loudness", a.loudness}, {"filter", a.filter}};
  }
  return j;
}

nlohmann::json rendition_to_json(const RenditionResult& r) {
  nlohmann::json j = {{"input", r.input},
                      {"preset", r.preset},
                      {"output", r.output},
                      {"status", outcome_name(r.outcome)},
                      {"fingerprint", r.fingerprint}};
  if (r.error) j["error"] = to_json(*r.error);
  if (r.plan) {
    j["settings"] = preset_to_json(r.plan->preset);
    j["plan"] = plan_to_json(*r.plan);
  }
  if (r.video_frames > 0) j["video_frames"] = r.video_frames;
  if (r.image) j["image"] = image_outcome_to_json(*r.image);
  if (r.media) {
    j["media"] = {{"bytes", r.media->bytes},
                  {"duration_s", r.media->duration_s},
                  {"width", r.media->width},
                  {"height", r.media->height},
                  {"bitrate_bps", std::llround(r.media->bitrate_bps)}};
  }
  if (!r.reframe.empty()) j["reframe"] = r.reframe;
  if (r.enlarged_from)
    j["enlarged_from"] = {{"width", r.enlarged_from->first}, {"height", r.enlarged_from->second}};
  if (!r.warnings.empty()) j["warnings"] = r.warnings;
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

nlohmann::json damaged_to_json(const std::vector<TimeRange>& damaged) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& d : damaged) j.push_back({{"start_s", d.start_s}, {"end_s", d.end_s}});
  return j;
}

nlohmann::json input_report_to_json(const InputReport& r) {
  nlohmann::json renditions = nlohmann::json::array();
  for (const auto& x : r.renditions) renditions.push_back(rendition_to_json(x));
  nlohmann::json j = {{"input", r.input},
                      {"renditions", renditions},
                      {"damaged", damaged_to_json(r.damaged)},
                      {"branches", r.branches},
                      {"decoded_frames", r.decoded_frames},
                      {"seconds", r.seconds}};
  if (r.kind) j["kind"] = media_kind_name(*r.kind);
  if (r.interrupted > 0) j["interrupted"] = r.interrupted;
  if (r.error) j["error"] = to_json(*r.error);
  return j;
}

// The fields a ManifestEntry holds by name; the rest of an entry is its details.
constexpr const char* kInputKey = "input";
constexpr const char* kPresetKey = "preset";
constexpr const char* kOutputKey = "output";
constexpr const char* kStatusKey = "status";
constexpr const char* kFingerprintKey = "fingerprint";

std::string string_field(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

ManifestEntry entry_from_json(nlohmann::json j) {
  ManifestEntry e;
  e.input = string_field(j, kInputKey);
  e.preset = string_field(j, kPresetKey);
  e.output = string_field(j, kOutputKey);
  e.outcome = parse_outcome(string_field(j, kStatusKey)).value_or(Outcome::kFailed);
  e.fingerprint = string_field(j, kFingerprintKey);
  for (const char* key : {kInputKey, kPresetKey, kOutputKey, kStatusKey, kFingerprintKey})
    j.erase(key);
  e.details = j.dump();
  return e;
}

nlohmann::json details_of(const ManifestEntry& e) {
  nlohmann::json j = nlohmann::json::parse(e.details, nullptr, false);
  return j.is_object() ? j : nlohmann::json::object();
}

nlohmann::json entry_to_json(const ManifestEntry& e) {
  nlohmann::json j = details_of(e);
  j[kInputKey] = e.input;
  j[kPresetKey] = e.preset;
  j[kOutputKey] = e.output;
  j[kStatusKey] = outcome_name(e.outcome);
  j[kFingerprintKey] = e.fingerprint;
  return j;
}

std::string key_of(const std::string& output_path) {
  return fs::path(output_path).filename().string();
}

// A rendition is recorded under its output's file name; one that failed before it had an
// output (its input could not be read) under its input and preset, so no failure hides another.
std::string key_of(const RenditionResult& r) {
  return r.output.empty() ? no_output_key(r.input, r.preset) : key_of(r.output);
}

}  // namespace

const ManifestEntry* RenderManifest::find(const std::string& output_path) const {
  const auto it = outputs.find(key_of(output_path));
  return it == outputs.end() ? nullptr : &it->second;
}

bool holds_good_output(const RenderManifest& manifest, const std::string& output_path) {
  const ManifestEntry* e = manifest.find(output_path);
  std::error_code ec;
  return e != nullptr && e->outcome == Outcome::kMade && fs::exists(output_path, ec);
}

bool is_up_to_date(const RenderManifest& manifest, const std::string& output_path,
                   const std::string& fingerprint) {
  const ManifestEntry* e = manifest.find(output_path);
  return e != nullptr && e->fingerprint == fingerprint && holds_good_output(manifest, output_path);
}

bool needs_making(Result<std::string> fingerprint, const RenderManifest& manifest, bool force,
                  RenditionResult& r) {
  if (!fingerprint) {
    r.outcome = Outcome::kFailed;
    r.error = std::move(fingerprint.error());
    r.error->context.preset = r.preset;
    return false;
  }
  r.fingerprint = std::move(*fingerprint);
  if (!force && is_up_to_date(manifest, r.output, r.fingerprint)) {
    r.outcome = Outcome::kUpToDate;
    return false;
  }
  return true;
}

ManifestEntry manifest_entry(const RenditionResult& r, const std::vector<TimeRange>& damaged) {
  nlohmann::json j = rendition_to_json(r);
  j["damaged"] = damaged_to_json(damaged);
  return entry_from_json(std::move(j));
}

std::string no_output_key(const std::string& input, const std::string& preset) {
  return fmt::format("{} ({})", input, preset);
}

void merge_report(RenderManifest& manifest, const InputReport& report) {
  for (const RenditionResult& r : report.renditions) {
    // An input read this time is no longer one that could not be read.
    if (!r.output.empty()) manifest.outputs.erase(no_output_key(r.input, r.preset));
    const std::string key = key_of(r);
    const auto existing = manifest.outputs.find(key);
    // Up to date: the entry that made it stays as it is (it says when and how it was made).
    if (r.outcome == Outcome::kUpToDate && existing != manifest.outputs.end()) continue;
    // A failure does not erase the record of an earlier good output of the same name.
    if (r.outcome == Outcome::kFailed && holds_good_output(manifest, r.output)) {
      nlohmann::json details = details_of(existing->second);
      details["last_failure"] = r.error ? to_json(*r.error) : nlohmann::json();
      existing->second.details = details.dump();
      continue;
    }
    manifest.outputs[key] = manifest_entry(r, report.damaged);
  }
}

RenderManifest read_render_manifest(const std::string& out_dir) {
  std::ifstream in(fs::path(out_dir) / kRenderManifestName);
  const nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  RenderManifest m;
  m.saluran = SALURAN_VERSION;
  if (j.is_discarded() || !j.is_object() || !j.contains("outputs") || !j["outputs"].is_object())
    return m;
  m.saluran = string_field(j, "saluran");
  for (const auto& [name, entry] : j["outputs"].items()) {
    // An entry that is not an object is not one Saluran wrote: left out, as unreadable.
    if (entry.is_object()) m.outputs[name] = entry_from_json(entry);
  }
  return m;
}

Status write_render_manifest(const std::string& out_dir, const RenderManifest& manifest) {
  nlohmann::json m = {{"saluran", SALURAN_VERSION}, {"outputs", nlohmann::json::object()}};
  for (const auto& [name, entry] : manifest.outputs) m["outputs"][name] = entry_to_json(entry);
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

Status record_in_render_manifest(const std::string& out_dir, const InputReport& report) {
  // Renders running side by side (a batch's lanes, the shards of a cluster batch) share the
  // folder's manifest: the read-merge-write is serialised so no entry is lost.
  Result<FileLock> lock = FileLock::exclusive(out_dir);
  if (!lock) return lock.error();
  RenderManifest m = read_render_manifest(out_dir);
  merge_report(m, report);
  return write_render_manifest(out_dir, m);
}

std::string input_report_json(const InputReport& report) {
  return input_report_to_json(report).dump();
}

}  // namespace saluran
