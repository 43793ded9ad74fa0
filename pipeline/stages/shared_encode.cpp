#include "pipeline/stages/shared_encode.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>

namespace saluran {
namespace {

bool near(double a, double b) { return std::fabs(a - b) < 1e-6; }

bool same_sound(const RenditionPlan& a, const RenditionPlan& b) {
  if (a.audio.has_value() != b.audio.has_value()) return false;
  if (!a.audio) return true;
  const AudioPlan& x = *a.audio;
  const AudioPlan& y = *b.audio;
  if (x.codec != y.codec || x.sample_rate != y.sample_rate || x.channels != y.channels ||
      x.bitrate_kbps != y.bitrate_kbps || x.loudness != y.loudness || x.filter != y.filter)
    return false;
  const AudioSpec& s = *a.preset.audio;
  const AudioSpec& t = *b.preset.audio;
  return s.cbr == t.cbr && s.loudness_lufs == t.loudness_lufs &&
         near(s.true_peak_dbtp, t.true_peak_dbtp);
}

/// The same picture and sound, before the encoder's settings.
bool same_output(const RenditionPlan& a, const RenditionPlan& b) {
  if (a.preset.kind != PresetKind::kVideo || b.preset.kind != PresetKind::kVideo) return false;
  if (!a.video || !b.video || a.video->copy || b.video->copy || a.video->reframe ||
      b.video->reframe)
    return false;
  return a.preset.container == b.preset.container && a.video->filter == b.video->filter &&
         a.video->rate == b.video->rate && near(a.start_s, b.start_s) &&
         near(a.duration_s, b.duration_s) && near(a.fade_in_s, b.fade_in_s) &&
         near(a.fade_out_s, b.fade_out_s) && same_sound(a, b);
}

/// Why `lead`'s settings in `profile` break a rule `m` requires; empty when none.
std::string broken_rule(const RenditionPlan& lead, const std::string& profile,
                        const RenditionPlan& m) {
  const VideoSpec& l = *lead.preset.video;
  const VideoSpec& s = *m.preset.video;
  const Preset& p = m.preset;
  if (requires_rule(p, "video.profile") && !s.profile.empty() && s.profile != profile)
    return "video.profile";
  if (requires_rule(p, "video.bframes") && (s.bframes > 0) != (l.bframes > 0))
    return "video.bframes";
  if (requires_rule(p, "gop.closed") && s.closed_gop && !l.closed_gop) return "gop.closed";
  if (requires_rule(p, "gop.length") && s.gop_seconds > 0 &&
      lead.video->gop_frames > m.video->gop_frames)
    return "gop.length";
  if (s.pixel_format != l.pixel_format) return "video.pixel_format";
  if (requires_rule(p, "file.size") && p.limits.max_file_bytes > 0 && lead.duration_s > 0) {
    // The encoder's cap (or its target, with room for peaks) and the sound, with 10% to spare.
    const int video_kbps = lead.video->max_bitrate_kbps > 0 ? lead.video->max_bitrate_kbps
                                                            : 2 * lead.video->bitrate_kbps;
    const int audio_kbps = lead.audio ? lead.audio->bitrate_kbps : 0;
    const double bytes = 1.1 * (video_kbps + audio_kbps) * 1000.0 / 8 * lead.duration_s;
    if (bytes > static_cast<double>(p.limits.max_file_bytes)) return "file.size";
  }
  return {};
}

/// The profile a group is encoded in: the one some member requires (all that require one must
/// agree), else the lead's. None when two members require different profiles.
std::optional<std::string> group_profile(const std::vector<const RenditionPlan*>& plans,
                                         const std::vector<std::size_t>& members,
                                         std::size_t lead) {
  std::optional<std::string> required;
  for (std::size_t i : members) {
    const Preset& p = plans[i]->preset;
    if (!requires_rule(p, "video.profile") || p.video->profile.empty()) continue;
    if (required && *required != p.video->profile) return std::nullopt;
    required = p.video->profile;
  }
  return required.value_or(plans[lead]->preset.video->profile);
}

/// The group's lead, profile and note when one encode suits every member; none otherwise.
std::optional<SharedEncode> settle(const std::vector<const RenditionPlan*>& plans,
                                   std::vector<std::size_t> members) {
  std::size_t lead = members.front();
  for (std::size_t i : members)
    if (plans[i]->video->bitrate_kbps > plans[lead]->video->bitrate_kbps) lead = i;
  const auto profile = group_profile(plans, members, lead);
  if (!profile) return std::nullopt;
  for (std::size_t i : members)
    if (!broken_rule(*plans[lead], *profile, *plans[i]).empty()) return std::nullopt;
  std::stable_partition(members.begin(), members.end(),
                        [lead](std::size_t i) { return i == lead; });
  SharedEncode g;
  g.members = members;
  g.profile = *profile;
  std::string names;
  for (std::size_t i : members) names += (names.empty() ? "" : ", ") + plans[i]->preset.name;
  g.note = fmt::format("one encode for {}: {}'s settings ({} kbps), H.264 {}", names,
                       plans[lead]->preset.name, plans[lead]->video->bitrate_kbps, *profile);
  return g;
}

}  // namespace

bool requires_rule(const Preset& preset, const std::string& rule) {
  const auto& r = preset.limits.recommended;
  return std::find(r.begin(), r.end(), rule) == r.end();
}

std::vector<SharedEncode> shared_encodes(const std::vector<const RenditionPlan*>& plans) {
  std::vector<SharedEncode> out;
  std::vector<bool> taken(plans.size(), false);
  for (std::size_t i = 0; i < plans.size(); ++i) {
    if (taken[i] || plans[i] == nullptr) continue;
    std::vector<std::size_t> members = {i};
    for (std::size_t j = i + 1; j < plans.size(); ++j) {
      if (taken[j] || plans[j] == nullptr || !same_output(*plans[i], *plans[j])) continue;
      std::vector<std::size_t> with = members;
      with.push_back(j);
      if (settle(plans, with)) members = std::move(with);
    }
    if (members.size() < 2) continue;
    auto group = settle(plans, members);
    for (std::size_t m : members) taken[m] = true;
    out.push_back(std::move(*group));
  }
  return out;
}

}  // namespace saluran
