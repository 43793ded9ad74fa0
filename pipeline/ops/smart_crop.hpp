#pragma once
// Choosing a crop window of a target aspect by content: a manual focus point, else faces, else
// an attention map, else the rule of thirds. Pure: plain values in, plain values out.
//
//   CropRequest request;
//   request.width = 4000;                  // the upright picture
//   request.height = 3000;
//   request.aspect = 9.0 / 16.0;           // a story / reel
//   request.faces = face_rects(detector.detect(picture));
//   request.attention = &map;              // optional, see attention_map.hpp
//   CropChoice crop = choose_crop(request);  // crop.window is 1688x3000, placed on the faces

#include <optional>
#include <string>
#include <vector>

#include "pipeline/ops/attention_map.hpp"
#include "pipeline/ops/render_geometry.hpp"

namespace saluran {

/// Where one face's eyes are: the point midway between them, in the picture's pixels.
struct EyePoint {
  double x = 0;
  double y = 0;
};

/// What to crop and what is known about its content.
struct CropRequest {
  int width = 0;                            ///< the upright picture
  int height = 0;                           ///< the upright picture
  double aspect = 1.0;                      ///< target width / height
  std::vector<Rect> faces;                  ///< in the picture's pixels
  const AttentionMap* attention = nullptr;  ///< may be null; its grid covers the whole picture
  std::optional<FocusPoint> focus;  ///< manual focal point (fractions 0..1): overrides everything
  /// Per face of `faces` (same order), where its eyes are (a detector's landmarks); ignored
  /// when empty or not one per face.
  std::vector<EyePoint> eyes;
};

/// The chosen window and why, for the render stage and the manifest.
struct CropChoice {
  Rect window;  ///< the largest window of the target aspect inside the picture, placed by content
  std::string basis;          ///< "focus", "faces", "attention", "thirds"
  int faces_total = 0;        ///< faces given that lie (at least partly) in the picture
  int faces_kept = 0;         ///< faces wholly inside the window
  bool faces_cut = false;     ///< true when not all faces fit; then the largest group is kept whole
  int faces_cut_through = 0;  ///< faces the window edge cuts through (0 unless unavoidable)
  std::string note;  ///< for the manifest, e.g. "5 faces do not fit 9:16; kept the group of 3"
};

/// The largest window of `request.aspect` (full width or full height of the picture, within
/// 1 px of rounding) and where to put it. Order: a focus point (centred on it, clamped); else
/// faces (padded for hair and chin; all kept, centred, when they fit; else, when some position
/// keeps a face whole and crosses none with an edge, the best such position, else any; among
/// those the group with the largest face area kept whole; with eyes known, a window sliding up
/// and down puts them on its upper third line and keeps them in its upper 40% when it can); else
/// the position with the most attention (slightly biased to the centre); else the rule of thirds
/// (centred across, a third of the slack above). An invalid request (no picture, aspect <= 0)
/// gives the whole picture and a note.
CropChoice choose_crop(const CropRequest& request);

/// The window size alone: the largest `aspect` window inside width x height.
Rect largest_window(int width, int height, double aspect);

/// "9:16", "4:5", "1.91:1": a ratio as people write it.
std::string aspect_label(double aspect);

}  // namespace saluran
