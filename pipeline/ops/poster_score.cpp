#include "pipeline/ops/poster_score.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace saluran {
namespace {

// Exposure limits on mean luma (0..255) and on its spread: below the first the frame reads as
// black (stage and evening footage sits around 30..60, so the limit is low); a spread under
// the last is a flat card (black, white, a fade's end).
constexpr double kDarkLuma = 20.0;
constexpr double kBrightLuma = 225.0;
constexpr double kFlatSpread = 10.0;
// Sharper than this fraction of the clip's best (90th percentile) counts as sharp: a clip shot
// soft is judged against itself, not against an absolute figure.
constexpr double kBlurFraction = 0.35;
// Frame change above max(kChangeFloor, kChangeFactor x the clip's median) is a transition.
constexpr double kChangeFloor = 0.25;
constexpr double kChangeFactor = 3.0;
constexpr double kEdgeSeconds = 1.0;

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  const auto k = static_cast<std::size_t>(std::clamp(q, 0.0, 1.0) * (v.size() - 1) + 0.5);
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

bool badly_exposed(const PosterCandidate& c) {
  return c.mean_luma < kDarkLuma || c.mean_luma > kBrightLuma || c.luma_spread < kFlatSpread;
}

// The rules in the order they are given up when no candidate passes them all.
enum Rule : unsigned {
  kEdges = 1,
  kTransition = 2,
  kBlur = 4,
  kExposure = 8,
};

}  // namespace

PosterCandidate measure_candidate(const Picture& small_frame, double time_s) {
  PosterCandidate c;
  c.time_s = time_s;
  const Picture& p = small_frame;
  if (p.empty() || p.rgb.size() < p.stride() * static_cast<std::size_t>(p.height)) return c;
  const auto w = static_cast<std::size_t>(p.width);
  const auto h = static_cast<std::size_t>(p.height);
  std::vector<float> luma(w * h);
  double sum = 0;
  double sum2 = 0;
  for (std::size_t i = 0; i < w * h; ++i) {
    const std::uint8_t* px = p.rgb.data() + i * 3;
    const float y = 0.299f * px[0] + 0.587f * px[1] + 0.114f * px[2];
    luma[i] = y;
    sum += y;
    sum2 += static_cast<double>(y) * y;
  }
  const double n = static_cast<double>(w * h);
  c.mean_luma = sum / n;
  c.luma_spread = std::sqrt(std::max(0.0, sum2 / n - c.mean_luma * c.mean_luma));
  if (w < 3 || h < 3) return c;
  double lsum = 0;
  double lsum2 = 0;
  for (std::size_t y = 1; y + 1 < h; ++y) {
    for (std::size_t x = 1; x + 1 < w; ++x) {
      const std::size_t i = y * w + x;
      const double lap = luma[i - 1] + luma[i + 1] + luma[i - w] + luma[i + w] - 4.0 * luma[i];
      lsum += lap;
      lsum2 += lap * lap;
    }
  }
  const double m = static_cast<double>((w - 2) * (h - 2));
  c.sharpness = std::max(0.0, lsum2 / m - (lsum / m) * (lsum / m));
  return c;
}

namespace {

// What choose_poster and poster_scores judge a candidate by, against the clip's own figures.
struct Judge {
  explicit Judge(const std::vector<PosterCandidate>& candidates) {
    first_t = last_t = candidates.empty() ? 0 : candidates[0].time_s;
    std::vector<double> sharp_ok;
    std::vector<double> changes;
    for (const auto& c : candidates) {
      first_t = std::min(first_t, c.time_s);
      last_t = std::max(last_t, c.time_s);
      if (!badly_exposed(c)) sharp_ok.push_back(c.sharpness);
      changes.push_back(c.change);
    }
    // The clip's own sharpness, from frames that can be seen at all (black frames are
    // "blurred").
    if (sharp_ok.empty()) {
      for (const auto& c : candidates) sharp_ok.push_back(c.sharpness);
    }
    best_sharp = std::max(1e-9, percentile(sharp_ok, 0.9));
    change_limit = std::max(kChangeFloor, kChangeFactor * percentile(changes, 0.5));
    // A clip under three seconds has no middle to prefer.
    edges_apply = last_t - first_t > 3 * kEdgeSeconds;
  }

  unsigned fails(const PosterCandidate& c) const {
    unsigned f = 0;
    if (edges_apply && (c.time_s < first_t + kEdgeSeconds || c.time_s > last_t - kEdgeSeconds))
      f |= kEdges;
    if (c.near_cut || c.change > change_limit) f |= kTransition;
    if (c.sharpness < kBlurFraction * best_sharp) f |= kBlur;
    if (badly_exposed(c)) f |= kExposure;
    return f;
  }

  double score(const PosterCandidate& c) const {
    const double sharp = std::min(1.0, c.sharpness / best_sharp);
    const double exposure = std::clamp(1.0 - std::abs(c.mean_luma - 118.0) / 118.0, 0.0, 1.0);
    const double face = c.faces > 0 ? 1.0 + 0.5 * std::min(1.0, c.face_area * 8.0) : 0.0;
    return 0.6 * sharp + 0.4 * exposure + face - std::min(1.0, c.change);
  }

  double first_t = 0;
  double last_t = 0;
  double best_sharp = 1e-9;
  double change_limit = kChangeFloor;
  bool edges_apply = false;
};

}  // namespace

std::vector<double> poster_scores(const std::vector<PosterCandidate>& candidates) {
  const Judge judge(candidates);
  std::vector<double> out;
  out.reserve(candidates.size());
  for (PosterCandidate c : candidates) {
    const bool unusable = (judge.fails(c) & (kBlur | kExposure)) != 0;
    c.change = 0;  // a cut inside a part is no fault of the part
    out.push_back(judge.score(c) - (unusable ? 1.0 : 0.0));
  }
  return out;
}

PosterChoice choose_poster(const std::vector<PosterCandidate>& candidates) {
  PosterChoice choice;
  if (candidates.empty()) return choice;
  const std::size_t n = candidates.size();
  const Judge judge(candidates);
  const double best_sharp = judge.best_sharp;
  auto fails = [&](const PosterCandidate& c) { return judge.fails(c); };
  auto score = [&](const PosterCandidate& c) { return judge.score(c); };

  // Rules are given up one at a time, least important first, until some frame passes.
  const unsigned levels[] = {kEdges | kTransition | kBlur | kExposure,
                             kTransition | kBlur | kExposure, kBlur | kExposure, kExposure, 0u};
  const char* relaxed[] = {"", " (only the first or last second was usable)",
                           " (every usable frame is in a transition)",
                           " (every usable frame is blurred)", " (no frame is well exposed)"};
  for (std::size_t level = 0; level < std::size(levels); ++level) {
    bool found = false;
    for (std::size_t i = 0; i < n; ++i) {
      if ((fails(candidates[i]) & levels[level]) != 0) continue;
      const double s = score(candidates[i]);
      if (!found || s > choice.score) {
        found = true;
        choice.index = i;
        choice.score = s;
      }
    }
    if (!found) continue;
    const PosterCandidate& c = candidates[choice.index];
    const std::string faces =
        c.faces == 0 ? "no face found" : fmt::format("{} face{}", c.faces, c.faces == 1 ? "" : "s");
    choice.reason = fmt::format(
        "frame at {:.2f} s: {}, sharpness {:.0f}% of the clip's best, "
        "brightness {:.0f}/255{}",
        c.time_s, faces, 100.0 * std::min(1.0, c.sharpness / best_sharp), c.mean_luma,
        relaxed[level]);
    return choice;
  }
  return choice;  // not reached: the last level rejects nothing
}

}  // namespace saluran
