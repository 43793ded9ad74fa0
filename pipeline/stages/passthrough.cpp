#include "pipeline/stages/passthrough.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "pipeline/stages/check.hpp"

namespace saluran {
namespace {

/// Whether a failed rule of the source, checked against the preset, is one a copied video
/// stream would carry into the output (the sound and the container are made anew).
bool carried_by_copy(const std::string& rule) {
  return rule.starts_with("video.") || rule.starts_with("gop.") || rule == "file.size" ||
         rule == "duration";
}

}  // namespace

SourceFacts source_facts(const MediaInfo& info) {
  SourceFacts f;
  f.path = info.path;
  f.has_video = info.kind == MediaKind::kVideo && info.picture.has_value();
  if (info.picture) {
    const PictureInfo& p = *info.picture;
    f.picture = {p.width, p.height, p.rotation, p.sar_num, p.sar_den};
    f.interlaced = p.interlaced;
    f.hdr = p.hdr;
    f.bit_depth = p.bit_depth;
  }
  f.fps = info.frame_rate;
  f.variable_rate = info.variable_frame_rate;
  // The picture's own bitrate; else the file's (sound included: a looser cap, never tighter).
  const auto bps = info.picture && info.picture->bit_rate ? info.picture->bit_rate : info.bit_rate;
  if (bps && *bps > 0)
    f.video_kbps = static_cast<int>(std::min<std::int64_t>(*bps / 1000, 1 << 30));
  if (info.picture) f.video_codec = info.picture->codec;
  if (info.audio) {
    f.has_audio = true;
    f.audio_channels = info.audio->channels;
    f.sample_rate = info.audio->sample_rate;
  }
  f.duration_s = info.duration_s.value_or(0);
  return f;
}

void decide_copy(RenditionPlan& plan, const SourceFacts& facts) {
  if (!plan.video || plan.preset.video->passthrough != Passthrough::kWhenValid) return;
  std::vector<std::string> why = copy_obstacles(plan, facts);
  if (why.empty()) {
    auto report = check_output(facts.path, plan.preset);
    if (!report) why.push_back("the source could not be checked: " + report.error().message);
    for (const CheckRule& r : report ? report->rules : std::vector<CheckRule>{}) {
      if (!r.passed && r.required && carried_by_copy(r.name))
        why.push_back(
            fmt::format("{} is {}, the channel requires {}", r.name, r.actual, r.expected));
    }
  }
  VideoPlan& v = *plan.video;
  v.copy = why.empty();
  if (v.copy) {
    v.copy_note = "video copied from the source (it meets every rule the channel requires)";
    return;
  }
  v.copy_note = "video encoded, not copied:";
  for (std::size_t i = 0; i < why.size(); ++i) v.copy_note += (i ? "; " : " ") + why[i];
}

}  // namespace saluran
