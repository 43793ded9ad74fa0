#include "pipeline/ops/blazeface.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace saluran {
namespace {

/// Raw outputs of one layer with every anchor scored `logit_off`, and one anchor `index` set to
/// `logit` with box values `box` (16 values).
struct RawLayer {
  std::vector<float> scores;
  std::vector<float> boxes;
  RawLayer(BlazeLayer layer, float logit_off) {
    scores.assign(static_cast<std::size_t>(layer.anchors()), logit_off);
    boxes.assign(static_cast<std::size_t>(layer.anchors()) * kBlazeValuesPerAnchor, 0.0f);
  }
  void set(std::size_t index, float logit, const std::vector<float>& box) {
    scores[index] = logit;
    for (std::size_t k = 0; k < box.size(); ++k) boxes[index * kBlazeValuesPerAnchor + k] = box[k];
  }
};

TEST(BlazeFaceDecode, AnAnchorBecomesAFaceAroundItsCellCentre) {
  // Layer 0: 16x16 cells, 2 anchors each. Cell (x 5, y 7) is cell 7 * 16 + 5 = 117; its second
  // anchor is index 235. Centre (5.5 / 16, 7.5 / 16) shifted by (8, -4) input pixels of 256.
  RawLayer raw(kBlazeLayers[0], -10);
  raw.set(235, 2.0f, {8, -4, 32, 40, -6, -3, 6, -3, 0, 2, 0, 8, -14, 0, 14, 0});
  const auto faces = decode_blazeface(raw.scores, raw.boxes, kBlazeLayers[0], 256, 0.5);
  ASSERT_EQ(faces.size(), 1u);
  const FaceDetection& f = faces[0];
  const double cx = 5.5 / 16 + 8.0 / 256;
  const double cy = 7.5 / 16 - 4.0 / 256;
  EXPECT_NEAR((f.x0 + f.x1) / 2, cx, 1e-9);
  EXPECT_NEAR((f.y0 + f.y1) / 2, cy, 1e-9);
  EXPECT_NEAR(f.width(), 32.0 / 256, 1e-9);
  EXPECT_NEAR(f.height(), 40.0 / 256, 1e-9);
  EXPECT_NEAR(f.score, 1 / (1 + std::exp(-2.0)), 1e-9);
  // Landmarks are offsets from the anchor, not from the box centre.
  EXPECT_NEAR(f.points[0], 5.5 / 16 - 6.0 / 256, 1e-9);    // right eye x
  EXPECT_NEAR(f.points[1], 7.5 / 16 - 3.0 / 256, 1e-9);    // right eye y
  EXPECT_NEAR(f.points[7], 7.5 / 16 + 8.0 / 256, 1e-9);    // mouth y
  EXPECT_NEAR(f.points[10], 5.5 / 16 + 14.0 / 256, 1e-9);  // left ear x
}

TEST(BlazeFaceDecode, SecondLayerUsesItsCoarserGridAndSixAnchors) {
  RawLayer raw(kBlazeLayers[1], -10);
  // Cell (x 2, y 3) of 8x8 is cell 26; its anchors are 156..161.
  raw.set(160, 4.0f, {0, 0, 64, 64});
  const auto faces = decode_blazeface(raw.scores, raw.boxes, kBlazeLayers[1], 256, 0.5);
  ASSERT_EQ(faces.size(), 1u);
  EXPECT_NEAR((faces[0].x0 + faces[0].x1) / 2, 2.5 / 8, 1e-9);
  EXPECT_NEAR((faces[0].y0 + faces[0].y1) / 2, 3.5 / 8, 1e-9);
}

TEST(BlazeFaceDecode, LowScoresAndShortArraysGiveNothing) {
  RawLayer raw(kBlazeLayers[0], -10);
  raw.set(3, 0.5f, {0, 0, 10, 10});  // sigmoid 0.62
  EXPECT_TRUE(decode_blazeface(raw.scores, raw.boxes, kBlazeLayers[0], 256, 0.7).empty());
  EXPECT_EQ(decode_blazeface(raw.scores, raw.boxes, kBlazeLayers[0], 256, 0.6).size(), 1u);
  std::vector<float> short_scores(raw.scores.begin(), raw.scores.end() - 1);
  EXPECT_TRUE(decode_blazeface(short_scores, raw.boxes, kBlazeLayers[0], 256, 0.5).empty());
  std::vector<float> short_boxes(raw.boxes.begin(), raw.boxes.end() - 1);
  EXPECT_TRUE(decode_blazeface(raw.scores, short_boxes, kBlazeLayers[0], 256, 0.5).empty());
  EXPECT_TRUE(decode_blazeface(raw.scores, raw.boxes, kBlazeLayers[0], 0, 0.5).empty());
  // Huge logits do not overflow.
  raw.set(4, 1e30f, {0, 0, 10, 10});
  raw.set(5, -1e30f, {0, 0, 10, 10});
  const auto faces = decode_blazeface(raw.scores, raw.boxes, kBlazeLayers[0], 256, 0.5);
  ASSERT_EQ(faces.size(), 2u);
  EXPECT_NEAR(faces[1].score, 1.0, 1e-9);
}

FaceDetection box(double x0, double y0, double x1, double y1, double score) {
  FaceDetection d;
  d.x0 = x0;
  d.y0 = y0;
  d.x1 = x1;
  d.y1 = y1;
  d.score = score;
  for (std::size_t k = 0; k < d.points.size(); k += 2) {
    d.points[k] = x0;
    d.points[k + 1] = y0;
  }
  return d;
}

TEST(BlazeFaceBlend, OverlappingDetectionsBecomeTheirWeightedMean) {
  EXPECT_NEAR(box_iou(box(0, 0, 10, 10, 1), box(5, 0, 15, 10, 1)), 50.0 / 150, 1e-9);
  EXPECT_EQ(box_iou(box(0, 0, 10, 10, 1), box(20, 0, 30, 10, 1)), 0);
  EXPECT_EQ(box_iou(box(0, 0, 0, 10, 1), box(0, 0, 0, 10, 1)), 0);
  const auto out = blend_overlapping(
      {box(2, 0, 12, 10, 0.6), box(0, 0, 10, 10, 0.9), box(100, 100, 110, 110, 0.8)}, 0.3);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_DOUBLE_EQ(out[0].score, 0.9);  // the best score, best first
  EXPECT_NEAR(out[0].x0, (0 * 0.9 + 2 * 0.6) / 1.5, 1e-9);
  EXPECT_NEAR(out[0].x1, (10 * 0.9 + 12 * 0.6) / 1.5, 1e-9);
  EXPECT_NEAR(out[0].points[0], (0 * 0.9 + 2 * 0.6) / 1.5, 1e-9);
  EXPECT_DOUBLE_EQ(out[1].score, 0.8);
  EXPECT_DOUBLE_EQ(out[1].x0, 100);
  EXPECT_TRUE(blend_overlapping({}, 0.3).empty());
}

TEST(BlazeFacePasses, BigFacesNeedOnlyTheLetterboxedFullFrame) {
  const auto passes = plan_face_passes(1920, 1080, 108, 256, 14, false);
  ASSERT_EQ(passes.size(), 1u);
  EXPECT_DOUBLE_EQ(passes[0].side, 1920);
  EXPECT_DOUBLE_EQ(passes[0].x, 0);
  EXPECT_DOUBLE_EQ(passes[0].y, -420);  // centred: black above and below
  EXPECT_FALSE(passes[0].tile);
  EXPECT_TRUE(plan_face_passes(0, 100, 10, 256, 14, false).empty());
}

TEST(BlazeFacePasses, SmallFacesAddOverlappingTilesCoveringThePicture) {
  // 6000x4000 and faces of 75 px: the full frame sees them at 3.2 px; tiles of a third of the
  // short edge (1333 px) at 14.4 px.
  const auto passes = plan_face_passes(6000, 4000, 75, 256, 14, false);
  ASSERT_GT(passes.size(), 1u);
  const double side = passes[1].side;
  EXPECT_NEAR(side, 4000.0 / 3, 1e-6);
  EXPECT_GE(75 * 256 / side, 14);
  // Every point of the picture lies in some tile, at least a quarter of a side from its edge
  // or at the picture's edge, so a face cut by one tile is whole in another.
  for (int y = 0; y < 4000; y += 97) {
    for (int x = 0; x < 6000; x += 97) {
      bool covered = false;
      for (std::size_t i = 1; i < passes.size(); ++i) {
        const FacePass& p = passes[i];
        EXPECT_TRUE(p.tile);
        EXPECT_GE(p.x, -1e-6);
        EXPECT_LE(p.x + p.side, 6000 + 1e-6);
        covered = covered || (x >= p.x && x < p.x + p.side && y >= p.y && y < p.y + p.side);
      }
      EXPECT_TRUE(covered) << x << "," << y;
    }
  }
  // Fast: at most two levels, so coarser tiles.
  const auto fast = plan_face_passes(6000, 4000, 75, 256, 14, true);
  EXPECT_NEAR(fast[1].side, 2000, 1e-6);
  EXPECT_LT(fast.size(), passes.size());
}

TEST(BlazeFacePasses, AWideFrameGetsSquaresOfItsHeightFirst) {
  // 8 px in the full frame, 14.2 px in squares of the frame's height; two such squares would
  // overlap by less than a quarter, so three.
  const auto passes = plan_face_passes(1920, 1080, 60, 256, 14, false);
  ASSERT_EQ(passes.size(), 4u);
  for (std::size_t i = 1; i < 4; ++i) {
    EXPECT_DOUBLE_EQ(passes[i].side, 1080);
    EXPECT_DOUBLE_EQ(passes[i].y, 0);
    EXPECT_DOUBLE_EQ(passes[i].x, 420.0 * (i - 1));
  }
}

TEST(BlazeFacePasses, MappingAndTileEdges) {
  const FacePass tile{1000, 500, 800, true};
  const auto mapped = to_picture({box(0.5, 0.25, 0.75, 0.5, 0.9)}, tile);
  ASSERT_EQ(mapped.size(), 1u);
  EXPECT_DOUBLE_EQ(mapped[0].x0, 1400);
  EXPECT_DOUBLE_EQ(mapped[0].y0, 700);
  EXPECT_DOUBLE_EQ(mapped[0].x1, 1600);
  EXPECT_DOUBLE_EQ(mapped[0].points[1], 700);
  // A face touching the tile's inner edge is dropped; one touching the picture's edge is kept.
  std::vector<FaceDetection> faces = {box(1000, 600, 1100, 700, 0.9),   // left edge of the tile
                                      box(1400, 700, 1500, 800, 0.9),   // inside
                                      box(1700, 600, 1800, 700, 0.9)};  // right edge (= picture)
  keep_whole_faces(faces, tile, 1800, 2000);
  ASSERT_EQ(faces.size(), 2u);
  EXPECT_DOUBLE_EQ(faces[0].x0, 1400);
  EXPECT_DOUBLE_EQ(faces[1].x0, 1700);
  // The full frame keeps everything.
  std::vector<FaceDetection> all = {box(0, 0, 10, 10, 0.9)};
  keep_whole_faces(all, FacePass{0, -100, 1000, false}, 1000, 800);
  EXPECT_EQ(all.size(), 1u);
}

}  // namespace
}  // namespace saluran
