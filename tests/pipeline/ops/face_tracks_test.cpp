#include "pipeline/ops/face_tracks.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace saluran {
namespace {

FaceSpan box_at(double x, double y, double size) { return {x, x + size, y, y + size}; }

TEST(FaceTracks, NoSightingsGiveNoTracks) { EXPECT_TRUE(link_face_tracks({}).empty()); }

TEST(FaceTracks, TwoStillFacesBecomeTwoTracksHeaviestFirst) {
  std::vector<FaceSighting> seen;
  for (std::size_t f = 0; f < 30; f += 3) {
    seen.push_back({f, box_at(100, 50, 40)});
    seen.push_back({f, box_at(400, 60, 80)});  // nearer: larger
  }
  const auto tracks = link_face_tracks(seen);
  ASSERT_EQ(tracks.size(), 2u);
  EXPECT_EQ(tracks[0].sightings.size(), 10u);
  EXPECT_DOUBLE_EQ(tracks[0].size, 80);
  EXPECT_DOUBLE_EQ(tracks[1].size, 40);
  EXPECT_GT(tracks[0].weight, tracks[1].weight);
  EXPECT_EQ(tracks[0].first(), 0u);
  EXPECT_EQ(tracks[0].last(), 27u);
}

TEST(FaceTracks, NearFaceSeenNowAndThenOutweighsSmallFaceSeenAlways) {
  std::vector<FaceSighting> seen;
  for (std::size_t f = 0; f < 60; f += 3) seen.push_back({f, box_at(30, 60, 62)});
  for (std::size_t f = 0; f < 60; f += 9) seen.push_back({f, box_at(370, 76, 100)});
  const auto tracks = link_face_tracks(seen);
  ASSERT_EQ(tracks.size(), 2u);
  EXPECT_DOUBLE_EQ(tracks[0].size, 100);  // 7 sightings of 100 px against 20 of 62 px
}

TEST(FaceTracks, OneOffFalseHitIsDropped) {
  std::vector<FaceSighting> seen;
  for (std::size_t f = 0; f < 30; f += 3) seen.push_back({f, box_at(200, 80, 60)});
  seen.push_back({12, box_at(500, 250, 90)});  // a hand, once
  const auto tracks = link_face_tracks(seen);
  ASSERT_EQ(tracks.size(), 1u);
  EXPECT_EQ(tracks[0].sightings.size(), 10u);
  FaceTrackOptions keep_all;
  keep_all.min_sightings = 1;
  EXPECT_EQ(link_face_tracks(seen, keep_all).size(), 2u);
}

TEST(FaceTracks, MovingFaceIsFollowedAndTooLongAGapSplitsIt) {
  std::vector<FaceSighting> seen;
  for (std::size_t f = 0; f <= 30; f += 3) seen.push_back({f, box_at(100 + 4.0 * f, 80, 50)});
  const auto one = link_face_tracks(seen);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].sightings.size(), 11u);
  // The same face again 100 frames later: beyond max_gap, a new track.
  seen.push_back({130, box_at(220, 80, 50)});
  seen.push_back({133, box_at(222, 80, 50)});
  EXPECT_EQ(link_face_tracks(seen).size(), 2u);
}

TEST(FaceTracks, FacesThatSwapSizeOrJumpAreNotLinked) {
  FaceTrackOptions options;
  options.min_sightings = 1;
  // Same place, three times the size: another face (a person stepping in front).
  EXPECT_EQ(link_face_tracks({{0, box_at(100, 100, 30)}, {3, box_at(90, 90, 90)}}, options).size(),
            2u);
  // Same size, a face width and a half away in one step: another face.
  EXPECT_EQ(
      link_face_tracks({{0, box_at(100, 100, 40)}, {3, box_at(160, 100, 40)}}, options).size(), 2u);
}

TEST(FaceTracks, EachSightingJoinsTheNearestTrackOnlyOnce) {
  // Two faces close together, seen in shuffled order per frame: they must not swap.
  std::mt19937 rng(3);
  std::vector<FaceSighting> seen;
  for (std::size_t f = 0; f < 90; f += 3) {
    std::vector<FaceSighting> now{{f, box_at(200 + f * 0.5, 100, 50)},
                                  {f, box_at(260 + f * 0.5, 100, 50)}};
    std::shuffle(now.begin(), now.end(), rng);
    seen.insert(seen.end(), now.begin(), now.end());
  }
  const auto tracks = link_face_tracks(seen);
  ASSERT_EQ(tracks.size(), 2u);
  for (const FaceTrack& t : tracks) {
    ASSERT_EQ(t.sightings.size(), 30u);
    const double x0 = t.sightings.front().box.x0;
    for (const FaceSighting& s : t.sightings) EXPECT_NEAR(s.box.x0 - x0, s.frame * 0.5, 1e-9);
  }
}

TEST(FaceTracks, FaceAtInterpolatesBetweenAndHoldsAroundSightings) {
  FaceTrack t;
  t.sightings = {{10, box_at(100, 50, 40)}, {20, box_at(200, 50, 60)}};
  FaceTrackOptions options;
  options.hold = 5;
  const auto mid = face_at(t, 15, options);
  ASSERT_TRUE(mid);
  EXPECT_DOUBLE_EQ(mid->x0, 150);
  EXPECT_DOUBLE_EQ(mid->width(), 50);
  EXPECT_DOUBLE_EQ(face_at(t, 20, options)->x0, 200);
  EXPECT_DOUBLE_EQ(face_at(t, 5, options)->x0, 100);   // held before the first sighting
  EXPECT_DOUBLE_EQ(face_at(t, 25, options)->x0, 200);  // and after the last
  EXPECT_FALSE(face_at(t, 4, options));
  EXPECT_FALSE(face_at(t, 26, options));
  EXPECT_FALSE(face_at(FaceTrack{}, 0, options));
}

// ByteTrack's second association: an unsure (weak) detection continues a face already seen,
// as it turns away or leaves the frame, but never starts a face of its own.
TEST(FaceTracks, WeakSightingsContinueATrackButNeverStartOne) {
  std::vector<FaceSighting> seen;
  for (std::size_t f = 0; f <= 9; f += 3) seen.push_back({f, box_at(300, 100, 100)});
  // The face moves right, the detector unsure of it now.
  for (std::size_t f = 12; f <= 30; f += 3)
    seen.push_back({f, box_at(300 + 15.0 * static_cast<double>(f - 9), 100, 100), 0, true});
  // A weak hit elsewhere, seen often, and one beside the face on a frame it has a sure sighting.
  for (std::size_t f = 0; f <= 30; f += 3) seen.push_back({f, box_at(20, 300, 60), 0, true});
  seen.push_back({6, box_at(330, 110, 95), 0, true});
  const auto tracks = link_face_tracks(seen);
  ASSERT_EQ(tracks.size(), 1u);
  const FaceTrack& t = tracks[0];
  ASSERT_EQ(t.sightings.size(), 11u);  // 4 sure, then 7 weak; not the weak one on frame 6
  EXPECT_EQ(t.last(), 30u);
  EXPECT_FALSE(t.sightings[2].weak);
  EXPECT_TRUE(t.sightings.back().weak);
  // Size and weight count the sure sightings only.
  EXPECT_DOUBLE_EQ(t.size, 100);
  EXPECT_DOUBLE_EQ(t.weight, 4 * 100.0 * 100.0 * 100.0);
  auto now = face_at(t, 30);
  ASSERT_TRUE(now);
  EXPECT_DOUBLE_EQ(now->x0, 300 + 15.0 * 21);
}

TEST(FaceTracks, WeakSightingsFollowOnlyWhileTheLastSureOneIsRecent) {
  FaceTrackOptions options;
  options.max_gap = 10;
  options.min_sightings = 1;
  std::vector<FaceSighting> seen{{0, box_at(100, 100, 80)}};
  for (std::size_t f = 3; f <= 30; f += 3) seen.push_back({f, box_at(100, 100, 80), 0, true});
  const auto tracks = link_face_tracks(seen, options);
  ASSERT_EQ(tracks.size(), 1u);
  EXPECT_EQ(tracks[0].last(), 9u);  // 12 is more than 10 frames after the sure sighting at 0
  // A face seen only by weak sightings is no face at all, however often.
  std::vector<FaceSighting> unsure;
  for (std::size_t f = 0; f <= 30; f += 3) unsure.push_back({f, box_at(100, 100, 80), 0, true});
  EXPECT_TRUE(link_face_tracks(unsure, options).empty());
}

}  // namespace
}  // namespace saluran
