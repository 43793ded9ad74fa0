#include "pipeline/ops/face_tracks.hpp"

#include <algorithm>
#include <cmath>

namespace saluran {
namespace {

/// How far apart two boxes are, in face widths, or nothing when they cannot be one face.
std::optional<double> link_cost(const FaceSpan& before, const FaceSpan& now,
                                const FaceTrackOptions& options) {
  const double w0 = before.width();
  const double w1 = now.width();
  if (w0 <= 0 || w1 <= 0) return std::nullopt;
  const double growth = std::max(w0, w1) / std::min(w0, w1);
  if (growth > options.max_growth) return std::nullopt;
  const double size = std::max(w0, w1);
  const double dx = std::abs(now.centre_x() - before.centre_x()) / size;
  const double dy = std::abs(now.centre_y() - before.centre_y()) / size;
  if (dx > options.max_shift || dy > options.max_shift) return std::nullopt;
  return std::hypot(dx, dy) + 0.25 * (growth - 1.0);
}

FaceSpan mix(const FaceSpan& a, const FaceSpan& b, double t) {
  return {a.x0 + t * (b.x0 - a.x0), a.x1 + t * (b.x1 - a.x1), a.y0 + t * (b.y0 - a.y0),
          a.y1 + t * (b.y1 - a.y1)};
}

}  // namespace

std::vector<FaceTrack> link_face_tracks(std::vector<FaceSighting> sightings,
                                        const FaceTrackOptions& options) {
  std::stable_sort(sightings.begin(), sightings.end(),
                   [](const FaceSighting& a, const FaceSighting& b) { return a.frame < b.frame; });
  std::vector<FaceTrack> tracks;
  std::vector<std::size_t> last_sure;  // per track, the frame of its last sure sighting
  std::size_t i = 0;
  while (i < sightings.size()) {
    std::size_t j = i;
    while (j < sightings.size() && sightings[j].frame == sightings[i].frame) ++j;
    const std::size_t frame = sightings[i].frame;
    // Every possible (track, sighting) link of this frame, cheapest taken first.
    struct Link {
      double cost;
      std::size_t track;
      std::size_t sighting;
    };
    std::vector<Link> links;
    for (std::size_t t = 0; t < tracks.size(); ++t) {
      const FaceSighting& last = tracks[t].sightings.back();
      if (last.frame >= frame || frame - last.frame > options.max_gap) continue;
      for (std::size_t s = i; s < j; ++s) {
        if (sightings[s].weak && frame - last_sure[t] > options.max_gap) continue;
        if (auto cost = link_cost(last.box, sightings[s].box, options))
          links.push_back({*cost, t, s});
      }
    }
    // Sure sightings take their tracks first, then the weak ones the tracks left.
    std::sort(links.begin(), links.end(), [&](const Link& a, const Link& b) {
      const bool weak_a = sightings[a.sighting].weak;
      const bool weak_b = sightings[b.sighting].weak;
      if (weak_a != weak_b) return weak_b;
      if (a.cost != b.cost) return a.cost < b.cost;
      if (a.track != b.track) return a.track < b.track;
      return a.sighting < b.sighting;
    });
    std::vector<bool> track_taken(tracks.size(), false);
    std::vector<bool> sighting_taken(j - i, false);
    for (const Link& l : links) {
      if (track_taken[l.track] || sighting_taken[l.sighting - i]) continue;
      track_taken[l.track] = true;
      sighting_taken[l.sighting - i] = true;
      tracks[l.track].sightings.push_back(sightings[l.sighting]);
      if (!sightings[l.sighting].weak) last_sure[l.track] = frame;
    }
    for (std::size_t s = i; s < j; ++s) {
      if (sighting_taken[s - i] || sightings[s].weak) continue;
      tracks.push_back(FaceTrack{{sightings[s]}, 0});
      last_sure.push_back(frame);
    }
    i = j;
  }
  std::vector<FaceTrack> kept;
  for (FaceTrack& t : tracks) {
    std::vector<double> widths;
    for (const FaceSighting& s : t.sightings) {
      if (s.weak) continue;
      widths.push_back(s.box.width());
      t.weight += s.box.area() * s.box.width();
    }
    if (widths.size() < std::max<std::size_t>(1, options.min_sightings)) continue;
    const auto mid = widths.begin() + static_cast<std::ptrdiff_t>(widths.size() / 2);
    std::nth_element(widths.begin(), mid, widths.end());
    t.size = *mid;
    kept.push_back(std::move(t));
  }
  std::stable_sort(kept.begin(), kept.end(),
                   [](const FaceTrack& a, const FaceTrack& b) { return a.weight > b.weight; });
  return kept;
}

std::optional<FaceSpan> face_at(const FaceTrack& track, std::size_t frame,
                                const FaceTrackOptions& options) {
  if (track.sightings.empty()) return std::nullopt;
  if (frame < track.first())
    return track.first() - frame <= options.hold ? std::optional(track.sightings.front().box)
                                                 : std::nullopt;
  if (frame > track.last())
    return frame - track.last() <= options.hold ? std::optional(track.sightings.back().box)
                                                : std::nullopt;
  // The first sighting at or after `frame`.
  const auto after =
      std::lower_bound(track.sightings.begin(), track.sightings.end(), frame,
                       [](const FaceSighting& s, std::size_t f) { return s.frame < f; });
  if (after->frame == frame) return after->box;
  const FaceSighting& b = *after;
  const FaceSighting& a = *(after - 1);
  const double t = static_cast<double>(frame - a.frame) / static_cast<double>(b.frame - a.frame);
  return mix(a.box, b.box, t);
}

}  // namespace saluran
