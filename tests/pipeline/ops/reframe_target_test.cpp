#include "pipeline/ops/reframe_target.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace saluran {
namespace {

FaceSpan face(double x0, double width, double y0 = 100) { return {x0, x0 + width, y0, y0 + width}; }

/// True when a window centred at `centre` keeps `f` whole.
bool keeps(const FaceSpan& f, double centre, double window) {
  return f.x0 >= centre - window / 2 - 1e-9 && f.x1 <= centre + window / 2 + 1e-9;
}

/// True when an edge of a window centred at `centre` lies strictly inside `f`.
bool crosses(const FaceSpan& f, double centre, double window) {
  const double l = centre - window / 2;
  const double r = centre + window / 2;
  return (l > f.x0 + 1e-9 && l < f.x1 - 1e-9) || (r > f.x0 + 1e-9 && r < f.x1 - 1e-9);
}

// ---------------------------------------------------------------------------------------------
// Who leads

TEST(ReframeTarget, ASingerInTheMiddleLeadsASeatedFaceAtTheEdge) {
  // A wide stage shot: two faces of about the same size, both seen throughout; the one near
  // the middle leads, not the one at the frame's edge.
  const std::vector<SubjectTraits> faces{
      {.size = 22, .sharpness = 400, .centre = 0.07, .seen = 1.0},
      {.size = 20, .sharpness = 380, .centre = 0.64, .seen = 0.9}};
  EXPECT_EQ(choose_subject(faces), 1u);
}

TEST(ReframeTarget, ALargeSharpCloseUpAtTheEdgeLeadsBlurredFacesInTheMiddle) {
  // A close-up at the right edge, half turned (seen less often), over a blurred audience.
  const std::vector<SubjectTraits> faces{
      {.size = 30, .sharpness = 60, .centre = 0.45, .seen = 1.0},
      {.size = 34, .sharpness = 50, .centre = 0.55, .seen = 1.0},
      {.size = 120, .sharpness = 500, .centre = 0.9, .seen = 0.6}};
  EXPECT_EQ(choose_subject(faces), 2u);
}

TEST(ReframeTarget, EachTraitDecidesWhenTheOthersAreEqual) {
  const SubjectTraits base{.size = 40, .sharpness = 300, .centre = 0.3, .seen = 0.5};
  SubjectTraits larger = base, sharper = base, central = base, longer = base;
  larger.size = 60;
  sharper.sharpness = 600;
  central.centre = 0.5;
  longer.seen = 1.0;
  for (const SubjectTraits& better : {larger, sharper, central, longer}) {
    EXPECT_EQ(choose_subject({base, better}), 1u);
    EXPECT_EQ(choose_subject({better, base}), 0u);
  }
  EXPECT_EQ(choose_subject({}), 0u);
  EXPECT_EQ(choose_subject({base, base}), 0u) << "the first on a tie";
}

TEST(ReframeTarget, ScoresLieInZeroToOneAndUnmeasuredSharpnessCountsForNone) {
  const std::vector<SubjectTraits> faces{{.size = 40, .sharpness = 0, .centre = 0.5, .seen = 1},
                                         {.size = 20, .sharpness = 0, .centre = 2.0, .seen = 3}};
  const std::vector<double> s = subject_scores(faces);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_DOUBLE_EQ(s[0], 1.0);  // largest, central, always seen; sharpness not measured
  EXPECT_GE(s[1], 0.0);
  EXPECT_LE(s[1], 1.0);
}

TEST(ReframeTarget, TraitsOfATrackAreItsMedianSizeAndSharpnessMeanCentreAndShareSeen) {
  FaceTrack t;
  t.sightings = {{0, face(100, 40), 100}, {3, face(110, 50), 300}, {6, face(120, 60), 200}};
  const SubjectTraits traits = track_traits(t, 640, 6);
  EXPECT_DOUBLE_EQ(traits.size, 50);
  EXPECT_DOUBLE_EQ(traits.sharpness, 200);
  EXPECT_NEAR(traits.centre, (120.0 + 135.0 + 150.0) / 3 / 640, 1e-12);
  EXPECT_DOUBLE_EQ(traits.seen, 0.5);
}

// ---------------------------------------------------------------------------------------------
// Where the window goes

TEST(ReframeTarget, FacesThatFitAreAllKeptAroundTheirWeightedCentre) {
  const std::vector<FaceSpan> faces{face(200, 40), face(300, 80)};
  const CropTarget t = reframe_target(faces, 0, 288, 640);
  for (const FaceSpan& f : faces) {
    EXPECT_TRUE(keeps(f, t.lo, 288));
    EXPECT_TRUE(keeps(f, t.hi, 288));
    EXPECT_TRUE(keeps(f, t.centre, 288));
  }
  EXPECT_GT(t.centre, 260.0) << "the larger face pulls the centre";
}

TEST(ReframeTarget, TheLeadingFaceIsKeptWhenNotAllFit) {
  // The leading face at the right edge and two small faces far left: the window goes right.
  const std::vector<FaceSpan> faces{face(560, 80), face(60, 30), face(120, 30)};
  const CropTarget t = reframe_target(faces, 0, 288, 640);
  EXPECT_TRUE(keeps(faces[0], t.centre, 288));
  EXPECT_DOUBLE_EQ(t.hi, 640 - 144) << "the window stays inside the frame";
}

TEST(ReframeTarget, AFacePartlyOutsideTheFrameIsKeptAsFarAsTheFrameGoes) {
  // A close-up cut by the frame's right edge: its visible part is what the window keeps.
  const std::vector<FaceSpan> faces{face(580, 120), face(250, 30)};
  const CropTarget t = reframe_target(faces, 0, 288, 640);
  EXPECT_DOUBLE_EQ(t.centre, 640 - 144);
  EXPECT_DOUBLE_EQ(t.lo, 640 - 144);
}

TEST(ReframeTarget, TheRangeStopsShortOfCrossingANeighbour) {
  // The subject at 300..340 in a 288 window, a neighbour at 40..80 (300 wide together: it
  // cannot come along). Centres 196..444 keep the subject; from 184 to 224 the window's left
  // edge crosses the neighbour, so the range starts at 224.
  const std::vector<FaceSpan> faces{face(300, 40), face(40, 40)};
  const CropTarget t = reframe_target(faces, 0, 288, 640);
  EXPECT_DOUBLE_EQ(t.lo, 224);
  EXPECT_DOUBLE_EQ(t.hi, 444);
  for (double c = t.lo; c <= t.hi; c += 1) {
    EXPECT_TRUE(keeps(faces[0], c, 288)) << c;
    EXPECT_FALSE(crosses(faces[1], c, 288)) << c;
  }
}

TEST(ReframeTarget, ASmallerGroupThatCrossesNoFaceBeatsALargerOneThatMust) {
  // Subject 200..260; a neighbour 420..480 fits with it (280 <= 288), but then the window
  // (centres 336..344) always crosses a third face at 170..230, behind the subject. The
  // subject with the third face fits too, and has centres that cross nothing.
  const std::vector<FaceSpan> faces{face(200, 60), face(420, 60), face(170, 60, 40)};
  const CropTarget t = reframe_target(faces, 0, 288, 640);
  for (double c : {t.lo, t.centre, t.hi}) {
    EXPECT_TRUE(keeps(faces[0], c, 288)) << c;
    for (const FaceSpan& f : faces) EXPECT_FALSE(crosses(f, c, 288)) << c << " " << f.x0;
  }
  EXPECT_TRUE(keeps(faces[2], t.centre, 288));
  EXPECT_FALSE(keeps(faces[1], t.centre, 288));
}

TEST(ReframeTarget, ASubjectWiderThanTheWindowIsCentred) {
  const CropTarget t = reframe_target({face(100, 300)}, 0, 200, 640);
  EXPECT_DOUBLE_EQ(t.centre, 250);
  EXPECT_DOUBLE_EQ(t.lo, 250);
  EXPECT_DOUBLE_EQ(t.hi, 250);
}

// Random faces against the rules, checked at every whole centre the window can take.
TEST(ReframeTarget, RandomFacesKeepTheSubjectAndCrossNoFaceWhenAvoidable) {
  std::mt19937 rng(16);
  for (int trial = 0; trial < 300; ++trial) {
    const double frame = 640;
    const double window = trial % 2 ? 288 : 202;
    std::vector<FaceSpan> faces;
    const int n = 1 + static_cast<int>(rng() % 6);
    for (int i = 0; i < n; ++i) {
      const double w = 15 + rng() % 100;
      faces.push_back(face(static_cast<double>(rng() % 620) - 10, w));
    }
    // What the window can cross is the part inside the frame: the frame's own edge is no cut.
    std::vector<FaceSpan> inside_frame = faces;
    for (FaceSpan& f : inside_frame) {
      f.x0 = std::max(0.0, f.x0);
      f.x1 = std::min(frame, f.x1);
    }
    const std::size_t subject = rng() % faces.size();
    SCOPED_TRACE(testing::Message() << "trial " << trial);
    const CropTarget t = reframe_target(faces, subject, window, frame);
    ASSERT_LE(t.lo, t.centre);
    ASSERT_LE(t.centre, t.hi);
    EXPECT_GE(t.lo, window / 2 - 1e-9);
    EXPECT_LE(t.hi, frame - window / 2 + 1e-9);
    FaceSpan visible = faces[subject];
    visible.x0 = std::max(0.0, visible.x0);
    visible.x1 = std::min(frame, visible.x1);
    if (visible.width() > window) continue;
    // Some centre keeps the subject and crosses no face: then the target's whole range does.
    bool clean_possible = false;
    for (double c = window / 2; c <= frame - window / 2 && !clean_possible; c += 0.5) {
      bool ok = keeps(visible, c, window);
      for (const FaceSpan& f : inside_frame) ok = ok && !crosses(f, c, window);
      clean_possible = ok;
    }
    for (double c : {t.lo, t.centre, t.hi}) {
      EXPECT_TRUE(keeps(visible, c, window)) << c;
      if (!clean_possible) continue;
      for (const FaceSpan& f : inside_frame)
        EXPECT_FALSE(crosses(f, c, window)) << c << " " << f.x0;
    }
  }
}

}  // namespace
}  // namespace saluran
