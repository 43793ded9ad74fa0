#include "pipeline/ops/blazeface.hpp"

#include <algorithm>
#include <cmath>

namespace saluran {
namespace {

double sigmoid(double logit) { return 1.0 / (1.0 + std::exp(-std::clamp(logit, -80.0, 80.0))); }

/// A tile's faces that touch its edge within this share of its side are cut by it.
constexpr double kTileEdgeMargin = 0.01;
/// Neighbouring tiles overlap by this share of their side.
constexpr double kTileOverlap = 0.25;

/// Positions of `count` tiles of `side` spread evenly over `length`.
std::vector<double> tile_starts(double length, double side) {
  if (side >= length) return {(length - side) / 2};
  const double step = side * (1 - kTileOverlap);
  const int count = static_cast<int>(std::ceil((length - side) / step)) + 1;
  std::vector<double> starts;
  for (int i = 0; i < count; ++i) starts.push_back((length - side) * i / std::max(1, count - 1));
  return starts;
}

}  // namespace

std::vector<FaceDetection> decode_blazeface(std::span<const float> scores,
                                            std::span<const float> boxes, BlazeLayer layer,
                                            int input_size, double min_score) {
  std::vector<FaceDetection> out;
  const auto anchors = static_cast<std::size_t>(layer.anchors());
  if (input_size <= 0 || layer.cells <= 0 || layer.anchors_per_cell <= 0 ||
      scores.size() < anchors || boxes.size() < anchors * kBlazeValuesPerAnchor) {
    return out;
  }
  const double scale = 1.0 / input_size;
  for (std::size_t i = 0; i < anchors; ++i) {
    const double score = sigmoid(scores[i]);
    if (score < min_score) continue;
    const int cell = static_cast<int>(i) / layer.anchors_per_cell;
    const double ax = (cell % layer.cells + 0.5) / layer.cells;
    const double ay = (cell / layer.cells + 0.5) / layer.cells;
    const float* b = boxes.data() + i * kBlazeValuesPerAnchor;
    const double cx = ax + b[0] * scale;
    const double cy = ay + b[1] * scale;
    const double w = std::abs(b[2]) * scale;
    const double h = std::abs(b[3]) * scale;
    FaceDetection d;
    d.x0 = cx - w / 2;
    d.x1 = cx + w / 2;
    d.y0 = cy - h / 2;
    d.y1 = cy + h / 2;
    for (int k = 0; k < 6; ++k) {
      d.points[2 * k] = ax + b[4 + 2 * k] * scale;
      d.points[2 * k + 1] = ay + b[5 + 2 * k] * scale;
    }
    d.score = score;
    out.push_back(d);
  }
  return out;
}

double box_iou(const FaceDetection& a, const FaceDetection& b) {
  const double iw = std::min(a.x1, b.x1) - std::max(a.x0, b.x0);
  const double ih = std::min(a.y1, b.y1) - std::max(a.y0, b.y0);
  if (iw <= 0 || ih <= 0 || a.area() <= 0 || b.area() <= 0) return 0;
  const double inter = iw * ih;
  return inter / (a.area() + b.area() - inter);
}

std::vector<FaceDetection> blend_overlapping(std::vector<FaceDetection> detections,
                                             double iou_threshold) {
  std::stable_sort(
      detections.begin(), detections.end(),
      [](const FaceDetection& a, const FaceDetection& b) { return a.score > b.score; });
  std::vector<bool> used(detections.size(), false);
  std::vector<FaceDetection> out;
  for (std::size_t i = 0; i < detections.size(); ++i) {
    if (used[i]) continue;
    const FaceDetection& best = detections[i];
    FaceDetection sum;
    double weight = 0;
    for (std::size_t j = i; j < detections.size(); ++j) {
      if (used[j] || (j != i && box_iou(best, detections[j]) < iou_threshold)) continue;
      used[j] = true;
      const FaceDetection& d = detections[j];
      const double w = d.score;
      sum.x0 += d.x0 * w;
      sum.y0 += d.y0 * w;
      sum.x1 += d.x1 * w;
      sum.y1 += d.y1 * w;
      for (std::size_t k = 0; k < sum.points.size(); ++k) sum.points[k] += d.points[k] * w;
      weight += w;
    }
    if (weight <= 0) continue;
    sum.x0 /= weight;
    sum.y0 /= weight;
    sum.x1 /= weight;
    sum.y1 /= weight;
    for (double& p : sum.points) p /= weight;
    sum.score = best.score;
    out.push_back(sum);
  }
  return out;
}

std::vector<FacePass> plan_face_passes(int width, int height, double min_face_px, int input_size,
                                       double smallest_seen, bool fast) {
  std::vector<FacePass> passes;
  if (width <= 0 || height <= 0 || input_size <= 0) return passes;
  const double side = std::max(width, height);
  passes.push_back({(width - side) / 2, (height - side) / 2, side, false});
  const auto seen = [&](double square) { return min_face_px * input_size / square; };
  if (seen(side) >= smallest_seen) return passes;
  const double short_edge = std::min(width, height);
  const int max_level = fast ? 2 : 3;
  double tile = short_edge;
  for (int level = 1; level <= max_level; ++level) {
    tile = short_edge / level;
    if (seen(tile) >= smallest_seen) break;
  }
  if (tile >= side * 0.95) return passes;  // a square picture: its one tile is the full pass
  for (double y : tile_starts(height, tile)) {
    for (double x : tile_starts(width, tile)) passes.push_back({x, y, tile, true});
  }
  return passes;
}

std::vector<FaceDetection> to_picture(const std::vector<FaceDetection>& found,
                                      const FacePass& pass) {
  std::vector<FaceDetection> out;
  out.reserve(found.size());
  for (FaceDetection d : found) {
    d.x0 = pass.x + d.x0 * pass.side;
    d.x1 = pass.x + d.x1 * pass.side;
    d.y0 = pass.y + d.y0 * pass.side;
    d.y1 = pass.y + d.y1 * pass.side;
    for (std::size_t k = 0; k < d.points.size(); k += 2) {
      d.points[k] = pass.x + d.points[k] * pass.side;
      d.points[k + 1] = pass.y + d.points[k + 1] * pass.side;
    }
    out.push_back(d);
  }
  return out;
}

void keep_whole_faces(std::vector<FaceDetection>& faces, const FacePass& pass, int width,
                      int height) {
  if (!pass.tile) return;
  const double margin = pass.side * kTileEdgeMargin;
  const double left = pass.x, top = pass.y;
  const double right = pass.x + pass.side, bottom = pass.y + pass.side;
  std::erase_if(faces, [&](const FaceDetection& f) {
    return (left > 0.5 && f.x0 <= left + margin) || (top > 0.5 && f.y0 <= top + margin) ||
           (right < width - 0.5 && f.x1 >= right - margin) ||
           (bottom < height - 0.5 && f.y1 >= bottom - margin);
  });
}

}  // namespace saluran
