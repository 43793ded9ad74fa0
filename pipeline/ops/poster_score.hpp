#pragma once
// Choosing a poster frame (a video's still picture) from measured candidates. Pure: no files.
//
//   std::vector<PosterCandidate> c;
//   for (const auto& f : samples) c.push_back(measure_candidate(f.picture, f.time_s));
//   c[k].change = ...; c[k].faces = ...;         // filled in by the caller
//   PosterChoice pick = choose_poster(c);        // pick.index, pick.reason ("sharp, 1 face")

#include <cstddef>
#include <string>
#include <vector>

#include "pipeline/model/picture.hpp"

namespace saluran {

/// What is known of one candidate frame.
struct PosterCandidate {
  double time_s = 0;
  double mean_luma = 0;    ///< 0..255
  double luma_spread = 0;  ///< standard deviation of luma: near 0 for a flat (black, white) frame
  double sharpness = 0;    ///< variance of the Laplacian of luma
  double change = 0;       ///< difference to neighbouring frames (0..1): high in transitions
  bool near_cut = false;   ///< within a few frames of a shot cut
  int faces = 0;
  double face_area = 0;  ///< fraction of the frame covered by faces
};

/// Measures luma mean and spread and the Laplacian variance of `small_frame` (the caller
/// fills change, near_cut and faces).
PosterCandidate measure_candidate(const Picture& small_frame, double time_s);

/// The choice and why, in plain words.
struct PosterChoice {
  std::size_t index = 0;
  double score = 0;
  std::string reason;
};

/// Rejects black/near-black and washed-out or flat frames, blurred frames (relative to the
/// clip's own sharpness), frames in transitions (near a cut or with high change); prefers
/// faces (more face area is better), then sharpness and good exposure; avoids the first and
/// last second. When every candidate is rejected the rules are relaxed one by one, so that it
/// always returns a choice when `candidates` is not empty (index 0, score 0 when it is).
PosterChoice choose_poster(const std::vector<PosterCandidate>& candidates);

/// How good a picture each candidate is, as choose_poster weighs it (sharpness and exposure
/// against the clip's own, faces), less 1 for a blurred or badly exposed frame; change,
/// transitions and the first and last second are not held against it. One per candidate.
std::vector<double> poster_scores(const std::vector<PosterCandidate>& candidates);

}  // namespace saluran
