#include "pipeline/ops/reframe_target.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

namespace saluran {
namespace {

/// A face across the frame, clipped to it.
struct Span {
  double x0 = 0;
  double x1 = 0;
  double area = 0;
  double centre() const { return (x0 + x1) / 2; }
};

/// A closed range of window centres.
struct Range {
  double lo = 0;
  double hi = 0;
};

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  return *mid;
}

double distance(const Range& r, double x) {
  return x < r.lo ? r.lo - x : (x > r.hi ? x - r.hi : 0.0);
}

/// The part of `range` where a window `window` wide crosses none of `faces` with an edge (an
/// edge touching a face does not cross it), as the stretch nearest `near`; nothing when every
/// centre in `range` crosses one.
std::optional<Range> clean_range(const std::vector<Span>& faces, Range range, double window,
                                 double near) {
  // Centres at which the left (right) edge lies strictly inside a face.
  std::vector<Range> banned;
  for (const Span& f : faces) {
    banned.push_back({f.x0 + window / 2, f.x1 + window / 2});
    banned.push_back({f.x0 - window / 2, f.x1 - window / 2});
  }
  std::sort(banned.begin(), banned.end(),
            [](const Range& a, const Range& b) { return a.lo < b.lo; });
  std::optional<Range> best;
  double from = range.lo;
  const auto offer = [&](double lo, double hi) {
    if (lo > hi) return;
    const Range r{lo, hi};
    if (!best || distance(r, near) < distance(*best, near)) best = r;
  };
  for (const Range& b : banned) {
    if (b.hi <= from || b.hi - b.lo <= 0) continue;
    if (b.lo >= range.hi) break;
    offer(from, std::min(b.lo, range.hi));
    from = std::max(from, b.hi);
  }
  if (from <= range.hi) offer(from, range.hi);
  return best;
}

/// One candidate group: faces [from, to] of the sorted spans, and how the window keeps them.
struct Group {
  std::size_t from = 0;
  std::size_t to = 0;
  double area = 0;
  Range range;                 ///< centres that keep the group whole, inside the frame
  std::optional<Range> clean;  ///< the stretch of it that crosses no other face
  double centre = 0;           ///< the group's size-weighted centre
};

/// The group [from, to] of `faces` (sorted by left edge), or nothing when it does not fit.
std::optional<Group> group_of(const std::vector<Span>& faces, std::size_t from, std::size_t to,
                              double window, double frame_width) {
  Group g{from, to, 0, {}, std::nullopt, 0};
  double left = faces[from].x0;
  double right = faces[from].x1;
  double weighted = 0;
  for (std::size_t k = from; k <= to; ++k) {
    left = std::min(left, faces[k].x0);
    right = std::max(right, faces[k].x1);
    g.area += faces[k].area;
    weighted += faces[k].centre() * faces[k].area;
  }
  if (right - left > window) return std::nullopt;
  g.range = {std::max(right - window / 2, window / 2),
             std::min(left + window / 2, frame_width - window / 2)};
  if (g.range.lo > g.range.hi) return std::nullopt;
  g.centre = g.area > 0 ? weighted / g.area : (left + right) / 2;
  g.clean = clean_range(faces, g.range, window, g.centre);
  return g;
}

}  // namespace

std::vector<double> subject_scores(const std::vector<SubjectTraits>& faces,
                                   const SubjectWeights& weights) {
  double largest = 0;
  double sharpest = 0;
  for (const SubjectTraits& f : faces) {
    largest = std::max(largest, f.size);
    sharpest = std::max(sharpest, f.sharpness);
  }
  const double w_sharp = sharpest > 0 ? weights.sharpness : 0.0;
  const double total = weights.size + w_sharp + weights.centrality + weights.seen;
  std::vector<double> scores;
  for (const SubjectTraits& f : faces) {
    const double size = largest > 0 ? std::max(0.0, f.size) / largest : 0.0;
    const double sharp = sharpest > 0 ? std::max(0.0, f.sharpness) / sharpest : 0.0;
    const double central = std::clamp(1.0 - 2.0 * std::abs(f.centre - 0.5), 0.0, 1.0);
    const double seen = std::clamp(f.seen, 0.0, 1.0);
    const double sum =
        weights.size * size + w_sharp * sharp + weights.centrality * central + weights.seen * seen;
    scores.push_back(total > 0 ? sum / total : 0.0);
  }
  return scores;
}

std::size_t choose_subject(const std::vector<SubjectTraits>& faces, const SubjectWeights& weights) {
  const std::vector<double> scores = subject_scores(faces, weights);
  std::size_t best = 0;
  for (std::size_t i = 1; i < scores.size(); ++i) {
    if (scores[i] > scores[best]) best = i;
  }
  return best;
}

SubjectTraits track_traits(const FaceTrack& track, double frame_width, std::size_t looked) {
  SubjectTraits t;
  if (track.sightings.empty()) return t;
  std::vector<double> widths;
  std::vector<double> sharpness;
  double centres = 0;
  for (const FaceSighting& s : track.sightings) {
    widths.push_back(s.box.width());
    sharpness.push_back(s.sharpness);
    centres += s.box.centre_x();
  }
  t.size = median(widths);
  t.sharpness = median(sharpness);
  const double n = static_cast<double>(track.sightings.size());
  t.centre = frame_width > 0 ? centres / n / frame_width : 0.5;
  t.seen = looked > 0 ? std::min(1.0, n / static_cast<double>(looked)) : 0.0;
  return t;
}

CropTarget reframe_target(const std::vector<FaceSpan>& faces, std::size_t subject, double window,
                          double frame_width) {
  if (subject >= faces.size()) return CropTarget{frame_width / 2};
  std::vector<Span> spans;
  std::size_t key = 0;
  for (std::size_t i = 0; i < faces.size(); ++i) {
    const double x0 = std::clamp(faces[i].x0, 0.0, frame_width);
    const double x1 = std::clamp(faces[i].x1, 0.0, frame_width);
    if (i == subject) key = spans.size();
    if (x1 > x0 || i == subject) spans.push_back({x0, x1, (x1 - x0) * faces[i].height()});
  }
  const double alone = spans[key].centre();
  std::vector<std::size_t> order(spans.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return spans[a].x0 < spans[b].x0; });
  std::vector<Span> sorted;
  for (std::size_t i : order) sorted.push_back(spans[i]);
  const auto at =
      static_cast<std::size_t>(std::find(order.begin(), order.end(), key) - order.begin());
  std::optional<Group> best;
  for (std::size_t from = 0; from <= at; ++from) {
    for (std::size_t to = at; to < sorted.size(); ++to) {
      const auto g = group_of(sorted, from, to, window, frame_width);
      if (!g) break;  // a wider group does not fit either
      if (!best || (g->clean.has_value() != best->clean.has_value() ? g->clean.has_value()
                                                                    : g->area > best->area))
        best = g;
    }
  }
  if (!best) return {alone, alone, alone};  // the subject alone is wider than the window
  const Range r = best->clean.value_or(best->range);
  return {std::clamp(best->centre, r.lo, r.hi), r.lo, r.hi};
}

}  // namespace saluran
