#include "pipeline/ops/speech_segment.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace saluran {

SegmentInputs speech_inputs(const std::vector<float>& levels_db, double step_s) {
  SegmentInputs in;
  in.start_mark = "a pause";
  in.measured = "its sound is speech for";
  in.clip = "recording";
  in.clip_start_s = 0;
  in.clip_end_s = static_cast<double>(levels_db.size()) * step_s;
  if (levels_db.empty() || step_s <= 0) return in;
  std::vector<float> sorted = levels_db;
  const auto tenth = sorted.begin() + static_cast<std::ptrdiff_t>(sorted.size() / 10);
  std::nth_element(sorted.begin(), tenth, sorted.end());
  const double quiet = std::isfinite(*tenth) ? *tenth : -120.0;
  const double speech = std::max(quiet + kSpeechAboveQuietDb, kSpeechFloorDb);
  const auto pause_steps = static_cast<std::size_t>(std::lround(kPauseS / step_s));
  std::size_t quiet_run = 0;
  for (std::size_t i = 0; i < levels_db.size(); ++i) {
    const bool speaking = std::isfinite(levels_db[i]) && levels_db[i] >= speech;
    in.times.push_back(static_cast<double>(i) * step_s);
    in.scores.push_back(speaking ? 1.0 : 0.0);
    if (speaking && quiet_run >= pause_steps && i > 0)
      in.shot_starts.push_back(static_cast<double>(i - 1) * step_s);
    quiet_run = speaking ? 0 : quiet_run + 1;
  }
  return in;
}

}  // namespace saluran
