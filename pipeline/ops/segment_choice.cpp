#include "pipeline/ops/segment_choice.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>

namespace saluran {
namespace {

// Two parts whose mean scores differ by less than this are equally good: the earlier wins.
constexpr double kTie = 0.02;

struct Part {
  double mean = 0;
  std::size_t frames = 0;
};

Part part_at(const SegmentInputs& in, double start, double length) {
  Part p;
  double sum = 0;
  const std::size_t n = std::min(in.times.size(), in.scores.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (in.times[i] < start || in.times[i] >= start + length) continue;
    sum += in.scores[i];
    ++p.frames;
  }
  p.mean = p.frames > 0 ? sum / static_cast<double>(p.frames) : 0;
  return p;
}

}  // namespace

SegmentChoice choose_segment(const SegmentInputs& in, double length_s) {
  SegmentChoice best;
  best.start_s = in.clip_start_s;
  const double latest = in.clip_end_s - length_s;
  const Part first = part_at(in, in.clip_start_s, length_s);
  best.score = first.mean;
  if (length_s <= 0 || latest <= in.clip_start_s + 1e-3) {
    best.reason = fmt::format("the whole {} fits", in.clip);
    return best;
  }
  std::string how;
  Part chosen = first;
  auto consider = [&](double start, const std::string& why) {
    const Part p = part_at(in, start, length_s);
    if (p.frames == 0 || (chosen.frames > 0 && p.mean <= chosen.mean + kTie)) return;
    chosen = p;
    best.start_s = start;
    best.score = p.mean;
    how = why;
  };
  for (double s : in.shot_starts)
    if (s > in.clip_start_s + 1e-3 && s <= latest + 1e-3)
      consider(std::min(s, latest), "starting at " + in.start_mark);
  consider(latest, "ending with the " + in.clip);
  if (best.start_s == in.clip_start_s) {
    best.reason = fmt::format("the first {:.1f} s: no later part scores better", length_s);
    return best;
  }
  best.reason = fmt::format(
      "{:.1f}-{:.1f} s, {}: {} {:.2f} on average against {:.2f} for the first {:.1f} s",
      best.start_s, best.start_s + length_s, how, in.measured, best.score, first.mean, length_s);
  return best;
}

}  // namespace saluran
