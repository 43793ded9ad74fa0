#pragma once
// Faces followed through a shot: single-frame detections linked into tracks, so a face the
// detector misses for a few frames is still known to be there, and a false hit on a hand or a
// pattern that shows once is dropped. Pure: no files, no libraries.
//
//   std::vector<FaceSighting> seen = {{0, {100, 160, 40, 100}}, {3, {104, 164, 40, 100}}, ...};
//   std::vector<FaceTrack> tracks = link_face_tracks(seen, {});   // heaviest first
//   std::optional<FaceSpan> now = face_at(tracks[0], 2, {});       // interpolated: x 102..162

#include <cstddef>
#include <optional>
#include <vector>

namespace saluran {

/// A face box in source pixels.
struct FaceSpan {
  double x0 = 0, x1 = 0, y0 = 0, y1 = 0;
  double width() const { return x1 - x0; }
  double height() const { return y1 - y0; }
  double area() const { return width() * height(); }
  double centre_x() const { return (x0 + x1) / 2; }
  double centre_y() const { return (y0 + y1) / 2; }
};

/// One detection: the frame it was found on, its box, and how sharp the face looked.
struct FaceSighting {
  std::size_t frame = 0;
  FaceSpan box;
  double sharpness = 0;  ///< region_sharpness of its box on the analysis frame (0: not measured)
  bool weak = false;     ///< an unsure detection: it continues a track, never starts one
};

/// How detections are linked and how long a track is believed between and around them.
struct FaceTrackOptions {
  std::size_t max_gap = 60;       ///< frames between two sightings of one face (a missed stretch)
  std::size_t hold = 30;          ///< frames a face is still assumed before its first and after
                                  ///< its last sighting
  std::size_t min_sightings = 2;  ///< fewer sightings: a false hit, dropped
  double max_shift = 0.6;         ///< most a face's centre moves between sightings, in face widths
  double max_growth = 1.7;        ///< most a face's width changes between sightings (ratio)
};

/// A face followed over several frames; sightings in frame order.
struct FaceTrack {
  std::vector<FaceSighting> sightings;
  double size = 0;    ///< its median width over the sightings
  double weight = 0;  ///< evidence: the sum of area x width over its sightings (seen often,
                      ///< and near: size counts more than how often it was seen)
  std::size_t first() const { return sightings.front().frame; }
  std::size_t last() const { return sightings.back().frame; }
};

/// Links `sightings` (any order; several per frame) into tracks: each sighting joins the track
/// whose last sighting is at most `max_gap` frames earlier, within `max_shift` face widths and
/// `max_growth` in size, nearest first; one sighting per track and frame. Sure sightings are
/// linked first; a weak one only joins a track whose last sure sighting is at most `max_gap`
/// frames earlier, and is dropped otherwise (ByteTrack's second association: a face turning
/// away or leaving the frame is followed while the detector grows unsure of it). Tracks with
/// fewer than `min_sightings` sure sightings are dropped; size and weight count the sure ones.
/// Result: the heaviest track first.
std::vector<FaceTrack> link_face_tracks(std::vector<FaceSighting> sightings,
                                        const FaceTrackOptions& options = {});

/// Where `track`'s face is on `frame`: its box on a frame it was seen, interpolated between two
/// sightings, the first (last) box up to `hold` frames before (after) them, else nothing.
std::optional<FaceSpan> face_at(const FaceTrack& track, std::size_t frame,
                                const FaceTrackOptions& options = {});

}  // namespace saluran
