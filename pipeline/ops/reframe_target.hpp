#pragma once
// Which face a reframed video's window follows, and where the window may sit: the face a viewer
// would look at leads (the largest, sharpest, most central and longest seen), the neighbours
// that fit beside it come along, and no face is crossed by the window's edge when some
// position avoids it. Pure: plain numbers in, plain numbers out.
//
//   // per face track of a shot (video_analysis measures them on the analysis frames):
//   std::vector<SubjectTraits> traits = {{.size = 40, .sharpness = 900, .centre = 0.6,
//                                         .seen = 0.9}, {...}};
//   std::size_t lead = choose_subject(traits);
//   // on one frame, the faces present (source pixels), the lead among them, a 288 px window
//   // in a 640 px frame: where the window's centre should be, and the range that keeps them
//   CropTarget t = reframe_target(faces, lead_here, 288, 640);

#include <cstddef>
#include <vector>

#include "pipeline/ops/crop_path.hpp"
#include "pipeline/ops/face_tracks.hpp"

namespace saluran {

/// What a viewer notices of one face over a shot.
struct SubjectTraits {
  double size = 0;       ///< typical face width, source pixels
  double sharpness = 0;  ///< typical sharpness of its box (region_sharpness; 0: not measured)
  double centre = 0.5;   ///< typical centre across, as a fraction of the frame width (0..1)
  double seen = 0;       ///< share of the shot's analysed frames it was found on (0..1)
};

/// How much each trait counts; each is first brought to 0..1 (size and sharpness against the
/// shot's largest and sharpest face, centrality as 1 at the frame's centre and 0 at its edge).
struct SubjectWeights {
  double size = 0.4;
  double sharpness = 0.2;
  double centrality = 0.2;
  double seen = 0.2;
};

/// Each face's score, 0..1 (the weighted sum of its traits brought to 0..1, over the weights'
/// sum). When no face's sharpness was measured, sharpness counts for none.
std::vector<double> subject_scores(const std::vector<SubjectTraits>& faces,
                                   const SubjectWeights& weights = {});

/// The index of the face that leads: the highest score, the first on a tie; 0 when empty.
std::size_t choose_subject(const std::vector<SubjectTraits>& faces,
                           const SubjectWeights& weights = {});

/// The traits of `track` in a shot of `looked` analysed frames and a frame `frame_width` wide:
/// its median width, the median sharpness of its sightings, their mean centre, and the share
/// of the looked frames it was found on.
SubjectTraits track_traits(const FaceTrack& track, double frame_width, std::size_t looked);

/// Where a window `window` wide should sit in a frame `frame_width` wide for the faces present
/// on one frame, led by faces[subject]. Faces are clipped to the frame. The group kept is
/// the run of neighbours (left to right) that holds the subject and fits the window, preferring
/// a group for which some window position crosses no other face, then the most face area;
/// when even the subject is wider than the window, the window centres on it alone. The range
/// is every centre that keeps the group whole and inside the frame, narrowed, when possible,
/// to the stretch nearest the group's centre where no other face is crossed by an edge; the
/// centre is the group's size-weighted centre brought into that range.
CropTarget reframe_target(const std::vector<FaceSpan>& faces, std::size_t subject, double window,
                          double frame_width);

}  // namespace saluran
