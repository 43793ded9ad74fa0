#pragma once
// BlazeFace's output decoded into faces, merged across passes: pure functions over the
// network's raw numbers (the network itself runs in codecs/image/blazeface_net).
//
//   std::vector<FacePass> passes = plan_face_passes(4000, 3000, 75, false);  // full + tiles
//   for (const FacePass& p : passes) {
//     raw = net.run(picture, p.x, p.y, p.side);                 // 256x256 square, letterboxed
//     auto found = decode_blazeface(raw.scores[0], raw.boxes[0], kBlazeLayers[0], 256, 0.5);
//     ...                                                      // and layer 1
//     keep_whole_faces(found, p, 4000, 3000);                  // drop faces cut by a tile edge
//     all += to_picture(found, p);
//   }
//   std::vector<FaceDetection> faces = blend_overlapping(all, 0.3);   // one box per face

#include <array>
#include <cstddef>
#include <span>
#include <vector>

namespace saluran {

/// One face in some frame of reference: the box, six landmarks (right eye, left eye, nose tip,
/// mouth, right ear, left ear) and the confidence 0..1.
struct FaceDetection {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  std::array<double, 12> points{};  ///< x, y of each landmark in turn
  double score = 0;
  double width() const { return x1 - x0; }
  double height() const { return y1 - y0; }
  double area() const { return width() * height(); }
};

/// One output layer of the network: a square grid of cells with a number of anchors each.
struct BlazeLayer {
  int cells = 0;             ///< cells along a side
  int anchors_per_cell = 0;  ///< anchors in each cell, one after another
  int anchors() const { return cells * cells * anchors_per_cell; }
};

/// BlazeFace's SSD layout (MediaPipe's short- and full-range models alike): 16x16 cells with 2
/// anchors (512), then 8x8 cells with 6 anchors (384); every anchor sits at its cell's centre.
inline constexpr BlazeLayer kBlazeLayers[2] = {{16, 2}, {8, 6}};

/// Values per anchor in the box output: centre offset, size, six landmark offsets.
inline constexpr int kBlazeValuesPerAnchor = 16;

/// The faces of one layer with a score of at least `min_score`, in the input square's unit
/// coordinates (0..1, x right, y down). `scores` holds one logit per anchor (the score is its
/// sigmoid), `boxes` kBlazeValuesPerAnchor values per anchor in input pixels relative to the
/// anchor's centre; `input_size` is the network's input side (128 or 256). Arrays shorter than
/// the layer needs give no faces.
std::vector<FaceDetection> decode_blazeface(std::span<const float> scores,
                                            std::span<const float> boxes, BlazeLayer layer,
                                            int input_size, double min_score);

/// Intersection over union of two boxes (0 when either is empty).
double box_iou(const FaceDetection& a, const FaceDetection& b);

/// Non-maximum suppression as MediaPipe blends it: from the best score down, every detection
/// overlapping the best by at least `iou_threshold` joins it, and the face is their
/// score-weighted mean box and landmarks with the best score. Best score first.
std::vector<FaceDetection> blend_overlapping(std::vector<FaceDetection> detections,
                                             double iou_threshold);

/// One network pass: the square of the picture (x, y, side in picture pixels) scaled to the
/// network's input. The square may reach outside the picture (the full frame, letterboxed);
/// that part is black.
struct FacePass {
  double x = 0;
  double y = 0;
  double side = 0;
  bool tile = false;  ///< a part of the picture, not the whole
};

/// The passes that find faces down to `min_face_px` (picture pixels) in a `width` x `height`
/// picture with a network of `input_size` that sees faces of `smallest_seen` input pixels: the
/// whole picture letterboxed to a square first, then, only where that pass sees such faces too
/// small, a grid of overlapping square tiles at the coarsest level that is fine enough (at most
/// 2 levels with `fast`, 3 otherwise; tiles overlap by a quarter of their side so a face cut by
/// one tile's edge is whole in its neighbour).
std::vector<FacePass> plan_face_passes(int width, int height, double min_face_px, int input_size,
                                       double smallest_seen, bool fast);

/// `found` (unit coordinates of `pass`'s square) in picture pixels.
std::vector<FaceDetection> to_picture(const std::vector<FaceDetection>& found,
                                      const FacePass& pass);

/// Drops, from a tile's faces in picture pixels, those that touch an edge of the tile that is
/// not an edge of the picture: the overlapping neighbour sees them whole.
void keep_whole_faces(std::vector<FaceDetection>& faces, const FacePass& pass, int width,
                      int height);

}  // namespace saluran
