#pragma once
// Shot boundaries (hard cuts) from small decoded frames. Pure: no files, no libraries.
//
//   std::vector<FrameSignature> sigs;
//   for (const Picture& small : frames) sigs.push_back(frame_signature(small));
//   std::vector<std::size_t> starts = find_shot_starts(sigs);   // {0, 112, 190}

#include <cstddef>
#include <vector>

#include "pipeline/model/picture.hpp"

namespace saluran {

/// A compact signature of one small frame: a 4x4 grid of cells, each with a normalised
/// 8-bin luma histogram and its mean chroma (Cb, Cr), so that a cut between two scenes of like
/// brightness but other layout or colour still shows.
struct FrameSignature {
  std::vector<float> values;
};

/// The signature of `small_frame` (any size; a long edge of 100..480 pixels is plenty).
/// An empty picture gives an empty signature.
FrameSignature frame_signature(const Picture& small_frame);

/// How different two signatures are: 0 (same) .. 1 (nothing in common). Signatures of
/// different layout (one empty) count as 1.
double signature_distance(const FrameSignature& a, const FrameSignature& b);

/// Tuning of find_shot_starts.
struct ShotCutOptions {
  double min_distance = 0.18;  ///< a cut is at least this different from the frame before
  double median_factor = 3.0;  ///< ... and this many times the local median of the distances
  std::size_t window = 12;     ///< frames each side over which the local median is taken
  std::size_t min_shot = 6;    ///< frames: of two cuts closer than this, the stronger is kept
  double flash_ratio = 0.5;    ///< a frame unlike both neighbours whose neighbours are alike
                               ///< (distance below ratio x the jump) is a flash, not a cut
};

/// Indices where a new shot starts (always includes 0 for a non-empty input), from consecutive
/// signature distances with an adaptive threshold: a cut is a distance well above the local
/// median; a slow fade (many small steps) and a one-frame flash are not cuts.
std::vector<std::size_t> find_shot_starts(const std::vector<FrameSignature>& frames,
                                          const ShotCutOptions& options = {});

}  // namespace saluran
