#include "pipeline/ops/crop_path.hpp"

#include <algorithm>
#include <cmath>

namespace saluran {
namespace {

/// Plans one shot [begin, end) into `left`.
void plan_shot(const std::vector<std::optional<CropTarget>>& targets, std::size_t begin,
               std::size_t end, int frame_width, int window_width, double fps, int max_step,
               const CropPathOptions& options, std::vector<int>& left) {
  const double half = window_width / 2.0;
  const double lo = half;
  const double hi = frame_width - half;
  const std::size_t n = end - begin;

  // 1. Wanted centres: a frame without a subject holds the last one seen (the first one seen,
  //    before it); a shot without any stays centred.
  std::vector<CropTarget> centre(n, CropTarget{frame_width / 2.0});
  std::optional<CropTarget> first;
  for (std::size_t i = begin; i < end && !first; ++i) first = targets[i];
  CropTarget held = first.value_or(CropTarget{frame_width / 2.0});
  for (std::size_t i = 0; i < n; ++i) {
    if (targets[begin + i]) held = *targets[begin + i];
    CropTarget& c = centre[i];
    c.centre = std::clamp(held.centre, lo, hi);
    c.lo = std::max(held.lo, lo);
    c.hi = std::min(held.hi, hi);
    if (c.lo > c.hi) {  // no position keeps it all: the centre alone counts
      c.lo = c.centre;
      c.hi = c.centre;
    }
  }

  // 2. Dead zone: small moves of the subject (and detector noise) leave the anchor where it is;
  //    once the subject leaves the zone, or the anchor would cut it, the anchor re-centres on it.
  const double zone = std::max(0.0, options.dead_zone) * window_width;
  std::vector<double> anchor(n);
  double a = centre[0].centre;
  for (std::size_t i = 0; i < n; ++i) {
    const CropTarget& c = centre[i];
    if (std::abs(c.centre - a) > zone || a < c.lo || a > c.hi) a = c.centre;
    anchor[i] = a;
  }

  // 3. Zero-phase smoothing: an exponential filter run forwards then backwards, so the window
  //    neither lags the subject nor overshoots it, and a still anchor stays exactly still.
  std::vector<double> smooth = anchor;
  if (options.smoothing_s > 0 && n > 1) {
    const double alpha = 1.0 - std::exp(-1.0 / (fps * options.smoothing_s));
    for (std::size_t i = 1; i < n; ++i)
      smooth[i] = smooth[i - 1] + alpha * (smooth[i] - smooth[i - 1]);
    for (std::size_t i = n - 1; i-- > 0;)
      smooth[i] = smooth[i + 1] + alpha * (smooth[i] - smooth[i + 1]);
  }
  //    The smoothing eases into a move; it may not ease past the positions that keep the whole
  //    subject inside (a face hurrying out at the frame's edge is followed, not trailed).
  for (std::size_t i = 0; i < n; ++i) smooth[i] = std::clamp(smooth[i], centre[i].lo, centre[i].hi);

  // 4. A follower with a speed limit, starting exactly on the shot's first wanted position.
  //    Whole-pixel steps keep the rounded path within the limit too.
  double p = anchor[0];
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0)
      p += std::clamp(smooth[i] - p, -static_cast<double>(max_step), static_cast<double>(max_step));
    const long rounded = std::lround(p - half);
    left[begin + i] = static_cast<int>(std::clamp<long>(rounded, 0, frame_width - window_width));
  }
}

}  // namespace

int crop_path_max_step(int frame_width, const CropPathOptions& options) {
  const double speed = options.max_speed_px > 0 ? options.max_speed_px : frame_width / 120.0;
  return std::max(1, static_cast<int>(std::floor(speed)));
}

std::vector<int> plan_crop_path(const std::vector<std::optional<double>>& targets,
                                const std::vector<std::size_t>& shot_starts, int frame_width,
                                int window_width, double fps, const CropPathOptions& options) {
  std::vector<std::optional<CropTarget>> ranged(targets.size());
  for (std::size_t i = 0; i < targets.size(); ++i) {
    if (targets[i]) ranged[i] = CropTarget{*targets[i]};
  }
  return plan_crop_path(ranged, shot_starts, frame_width, window_width, fps, options);
}

std::vector<int> plan_crop_path(const std::vector<std::optional<CropTarget>>& targets,
                                const std::vector<std::size_t>& shot_starts, int frame_width,
                                int window_width, double fps, const CropPathOptions& options) {
  const std::size_t n = targets.size();
  std::vector<int> left(n, 0);
  if (n == 0 || window_width <= 0 || window_width >= frame_width) return left;
  if (!(fps > 0)) fps = 30.0;
  // Shot boundaries: 0, then every valid start in increasing order, then the end.
  std::vector<std::size_t> bounds{0};
  for (std::size_t s : shot_starts) {
    if (s > 0 && s < n) bounds.push_back(s);
  }
  std::sort(bounds.begin(), bounds.end());
  bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());
  bounds.push_back(n);
  const int max_step = crop_path_max_step(frame_width, options);
  for (std::size_t k = 0; k + 1 < bounds.size(); ++k) {
    plan_shot(targets, bounds[k], bounds[k + 1], frame_width, window_width, fps, max_step, options,
              left);
  }
  return left;
}

}  // namespace saluran
