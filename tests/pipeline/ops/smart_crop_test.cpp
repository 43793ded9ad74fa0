#include "pipeline/ops/smart_crop.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace saluran {
namespace {

bool contains(const Rect& outer, const Rect& inner) {
  return inner.x >= outer.x && inner.y >= outer.y &&
         inner.x + inner.width <= outer.x + outer.width &&
         inner.y + inner.height <= outer.y + outer.height;
}

bool overlaps(const Rect& a, const Rect& b) {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/// The window's edge passes through the face.
bool cuts(const Rect& window, const Rect& face) {
  return overlaps(window, face) && !contains(window, face);
}

Rect union_of(const std::vector<Rect>& rects) {
  int x0 = rects[0].x, y0 = rects[0].y, x1 = x0 + rects[0].width, y1 = y0 + rects[0].height;
  for (const Rect& r : rects) {
    x0 = std::min(x0, r.x);
    y0 = std::min(y0, r.y);
    x1 = std::max(x1, r.x + r.width);
    y1 = std::max(y1, r.y + r.height);
  }
  return {x0, y0, x1 - x0, y1 - y0};
}

/// Checks the window's size rules: inside the picture, the target aspect within rounding,
/// and maximal (the full width or the full height).
void expect_valid_window(const CropRequest& r, const CropChoice& c) {
  const Rect& w = c.window;
  EXPECT_GE(w.x, 0);
  EXPECT_GE(w.y, 0);
  EXPECT_LE(w.x + w.width, r.width);
  EXPECT_LE(w.y + w.height, r.height);
  EXPECT_TRUE(w.width == r.width || w.height == r.height) << w.width << "x" << w.height;
  if (w.width > 1 && w.height > 1) {
    // Rounding one side to whole pixels moves the aspect by at most half a pixel of it.
    if (w.height == r.height) {
      EXPECT_LE(std::abs(w.width - w.height * r.aspect), 0.5 + 1e-9);
    } else {
      EXPECT_LE(std::abs(w.height - w.width / r.aspect), 0.5 + 1e-9);
    }
  }
}

CropRequest request(int w, int h, double aspect, std::vector<Rect> faces = {}) {
  CropRequest r;
  r.width = w;
  r.height = h;
  r.aspect = aspect;
  r.faces = std::move(faces);
  return r;
}

AttentionMap map_with_hot_cell(int gw, int gh, int hx, int hy, float base = 0.0f) {
  AttentionMap m;
  m.width = gw;
  m.height = gh;
  m.values.assign(static_cast<std::size_t>(gw) * gh, base);
  m.values[static_cast<std::size_t>(hy) * gw + hx] = 1.0f;
  return m;
}

// ---------------------------------------------------------------------------------------------
// Window size

TEST(SmartCrop, WindowHasTheAspectAndIsMaximalForManyShapes) {
  const int sizes[][2] = {{4000, 3000}, {3000, 4000}, {1920, 1080}, {970, 2204}, {100, 100},
                          {1, 1},       {7, 3},       {6000, 4000}, {361, 479},  {2, 1000}};
  const double aspects[] = {1.0, 0.8, 9.0 / 16.0, 1.91, 16.0 / 9.0, 3.0, 0.2, 4.0 / 3.0};
  for (const auto& s : sizes) {
    for (double a : aspects) {
      for (int variant = 0; variant < 4; ++variant) {
        CropRequest r = request(s[0], s[1], a);
        AttentionMap m = map_with_hot_cell(8, 8, 7, 0);
        if (variant == 1)
          r.faces = {{s[0] / 2, s[1] / 2, std::max(1, s[0] / 10), std::max(1, s[1] / 10)}};
        if (variant == 2) r.attention = &m;
        if (variant == 3) r.focus = FocusPoint{0.9, 0.1};
        const CropChoice c = choose_crop(r);
        SCOPED_TRACE(testing::Message()
                     << s[0] << "x" << s[1] << " aspect " << a << " v" << variant);
        expect_valid_window(r, c);
        EXPECT_EQ(c.window, (Rect{c.window.x, c.window.y, largest_window(s[0], s[1], a).width,
                                  largest_window(s[0], s[1], a).height}));
      }
    }
  }
}

TEST(SmartCrop, InvalidRequestKeepsThePictureWholeWithANote) {
  for (double a : {0.0, -1.0, std::nan(""), std::numeric_limits<double>::infinity()}) {
    const CropChoice c = choose_crop(request(800, 600, a));
    EXPECT_EQ(c.window, (Rect{0, 0, 800, 600}));
    EXPECT_FALSE(c.note.empty());
  }
  const CropChoice empty = choose_crop(request(0, 600, 1.0));
  EXPECT_EQ(empty.window.width, 0);
  EXPECT_FALSE(empty.note.empty());
}

TEST(SmartCrop, SameAspectGivesTheWholePicture) {
  const CropChoice c = choose_crop(request(1600, 900, 16.0 / 9.0, {{100, 100, 50, 50}}));
  EXPECT_EQ(c.window, (Rect{0, 0, 1600, 900}));
  EXPECT_EQ(c.faces_kept, 1);
}

// ---------------------------------------------------------------------------------------------
// Focus

TEST(SmartCrop, FocusPointWinsOverFacesAndAttention) {
  AttentionMap m = map_with_hot_cell(16, 9, 0, 4);
  CropRequest r = request(1920, 1080, 1.0, {{100, 400, 200, 200}});
  r.attention = &m;
  r.focus = FocusPoint{0.6, 0.5};
  const CropChoice c = choose_crop(r);
  EXPECT_EQ(c.basis, "focus");
  // Centred on x = 0.6 * 1920 = 1152 with a 1080 wide window.
  EXPECT_NEAR(c.window.x + c.window.width / 2.0, 1152, 1.0);
  EXPECT_EQ(c.faces_total, 1);
  EXPECT_EQ(c.faces_kept, 0);
  EXPECT_TRUE(c.faces_cut);
}

TEST(SmartCrop, FocusPointNearTheEdgeIsClampedInside) {
  CropRequest r = request(1000, 3000, 1.0);
  r.focus = FocusPoint{0.5, 0.02};
  EXPECT_EQ(choose_crop(r).window, (Rect{0, 0, 1000, 1000}));
  r.focus = FocusPoint{0.5, 1.5};  // out of range is clamped, not an error
  EXPECT_EQ(choose_crop(r).window, (Rect{0, 2000, 1000, 1000}));
  r.focus = FocusPoint{std::nan(""), std::nan("")};
  EXPECT_EQ(choose_crop(r).window, (Rect{0, 1000, 1000, 1000}));
}

// ---------------------------------------------------------------------------------------------
// Faces

TEST(SmartCrop, OneFaceIsCentredAcross) {
  const Rect face{3000, 800, 300, 300};
  const CropChoice c = choose_crop(request(4000, 3000, 9.0 / 16.0, {face}));
  EXPECT_EQ(c.basis, "faces");
  EXPECT_TRUE(contains(c.window, face));
  EXPECT_EQ(c.faces_kept, 1);
  EXPECT_FALSE(c.faces_cut);
  // Centred on the face, leaning at most a little towards the picture's centre.
  const double face_centre = face.x + face.width / 2.0;
  const double window_centre = c.window.x + c.window.width / 2.0;
  EXPECT_LT(window_centre, face_centre + 1);
  EXPECT_GT(window_centre, face_centre - 0.35 * (face_centre - 2000));
}

TEST(SmartCrop, FaceInATallPictureSitsInTheUpperPartOfTheWindow) {
  // biden.jpg's shape: 970x2204; to 16:9 the window slides down.
  const Rect face{380, 1300, 200, 240};
  const CropChoice c = choose_crop(request(970, 2204, 16.0 / 9.0, {face}));
  EXPECT_TRUE(contains(c.window, face));
  const double face_centre = face.y + face.height / 2.0;
  EXPECT_LT(face_centre - c.window.y, c.window.height * 0.6);
  // The hair (15% above the box) is inside too.
  EXPECT_LE(c.window.y, face.y - 0.15 * face.height);
}

TEST(SmartCrop, EyesSitOnTheUpperThirdLineOfATallWindow) {
  // 970x2204 to 4:5: a 970x1212 window slides down. The eyes (a detector's landmarks) go on
  // its upper third line.
  CropRequest r = request(970, 2204, 4.0 / 5.0, {{380, 1300, 200, 240}});
  r.eyes = {{480, 1390}};
  const CropChoice c = choose_crop(r);
  EXPECT_TRUE(contains(c.window, r.faces[0]));
  EXPECT_NEAR(1390 - c.window.y, c.window.height / 3.0, 1.0);
}

TEST(SmartCrop, EyesStayInTheUpperPartWhenContentPullsTheWindowUp) {
  // 500x3000 to 4:5: a 500x625 window slides down. Content above the face leans the window up
  // (the face lower in it); with the eyes known it leans only as far as keeps them in the
  // window's upper 40%.
  CropRequest r = request(500, 3000, 4.0 / 5.0, {{200, 1000, 100, 120}});
  AttentionMap m = map_with_hot_cell(10, 60, 5, 12, 0.01f);
  r.attention = &m;
  const int without_eyes = choose_crop(r).window.y;
  r.eyes = {{250, 1045}};
  const CropChoice c = choose_crop(r);
  EXPECT_TRUE(contains(c.window, r.faces[0]));
  EXPECT_LE(1045 - c.window.y, 0.4 * c.window.height);
  EXPECT_GT(1045 - without_eyes, 0.4 * c.window.height) << "without eyes the lean went further";
}

TEST(SmartCrop, EyesThatDoNotMatchTheFacesAreIgnored) {
  CropRequest r = request(970, 2204, 4.0 / 5.0, {{380, 1300, 200, 240}});
  const Rect plain = choose_crop(r).window;
  r.eyes = {{480, 1390}, {10, 10}};  // two points for one face
  EXPECT_EQ(choose_crop(r).window, plain);
  r.eyes = {{480, -50}};  // outside the picture
  EXPECT_EQ(choose_crop(r).window, plain);
}

TEST(SmartCrop, FacesAtBothEdgesThatFitAreAllKept) {
  const std::vector<Rect> faces{{100, 500, 200, 200}, {1500, 400, 200, 200}};
  const CropChoice c = choose_crop(request(4000, 3000, 9.0 / 16.0, faces));
  for (const Rect& f : faces) EXPECT_TRUE(contains(c.window, f));
  EXPECT_EQ(c.faces_kept, 2);
  EXPECT_FALSE(c.faces_cut);
}

TEST(SmartCrop, FacesThatFitOnlyWithoutMarginsAreStillAllKept) {
  // Union 1680 px wide, window 1688: the padded boxes do not fit, the faces do.
  const std::vector<Rect> faces{{1000, 1000, 200, 200}, {2480, 1000, 200, 200}};
  const CropChoice c = choose_crop(request(4000, 3000, 9.0 / 16.0, faces));
  for (const Rect& f : faces) EXPECT_TRUE(contains(c.window, f));
  EXPECT_FALSE(c.faces_cut);
  EXPECT_NE(c.note.find("little room"), std::string::npos) << c.note;
}

TEST(SmartCrop, WhenNotAllFitTheLargestGroupIsKeptAndNoOtherFaceIsCut) {
  // 4000x3000 to 9:16 gives a 1688 px window. Three small faces on the left (600 px apart in
  // all), one big face far right: the three small ones weigh more together.
  const std::vector<Rect> faces{
      {200, 1000, 150, 150}, {500, 1000, 150, 150}, {800, 1000, 150, 150}, {3400, 1000, 240, 240}};
  const CropChoice c = choose_crop(request(4000, 3000, 9.0 / 16.0, faces));
  EXPECT_EQ(c.basis, "faces");
  EXPECT_TRUE(c.faces_cut);
  EXPECT_EQ(c.faces_kept, 3);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(contains(c.window, faces[i]));
  EXPECT_FALSE(cuts(c.window, faces[3]));
  EXPECT_EQ(c.faces_cut_through, 0);
  EXPECT_NE(c.note.find("4 faces do not fit 9:16"), std::string::npos) << c.note;
  EXPECT_NE(c.note.find("group of 3"), std::string::npos) << c.note;
}

TEST(SmartCrop, ABigFaceOutweighsSeveralSmallOnes) {
  const std::vector<Rect> faces{
      {200, 1000, 60, 60}, {400, 1000, 60, 60}, {600, 1000, 60, 60}, {3200, 900, 500, 500}};
  const CropChoice c = choose_crop(request(4000, 3000, 9.0 / 16.0, faces));
  EXPECT_TRUE(contains(c.window, faces[3]));
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(cuts(c.window, faces[i]));
  EXPECT_EQ(c.faces_kept, 1);
}

TEST(SmartCrop, TheWindowMovesOffCentreRatherThanCutAFace) {
  // A row of five faces across a 16:9 picture cut to 1:1 (window 1080 wide): either four fit,
  // but only the right-hand four leave room to pass beside the fifth without cutting it.
  std::vector<Rect> faces;
  for (int i = 0; i < 5; ++i) faces.push_back({100 + i * 240, 400, 200, 200});
  const CropChoice c = choose_crop(request(1920, 1080, 1.0, faces));
  EXPECT_TRUE(c.faces_cut);
  for (const Rect& f : faces) EXPECT_FALSE(cuts(c.window, f)) << f.x;
  EXPECT_EQ(c.faces_cut_through, 0);
  EXPECT_EQ(c.faces_kept, 4);
}

TEST(SmartCrop, ASmallerGroupThatCutsNoFaceBeatsALargerOneThatMust) {
  // 500x375 to 9:16 (211 px wide). The only window keeping the two large faces (0..90,
  // 100..190) has its edge through the small face at 195..225; keeping 195..225 and 300..340
  // crosses nothing: the window keeps less face area rather than cut a face.
  const std::vector<Rect> faces{
      {0, 100, 90, 90}, {100, 100, 90, 90}, {195, 100, 30, 30}, {300, 100, 40, 40}};
  const CropChoice c = choose_crop(request(500, 375, 9.0 / 16.0, faces));  // 211 wide
  for (const Rect& f : faces) EXPECT_FALSE(cuts(c.window, f)) << f.x << " in " << c.note;
  EXPECT_EQ(c.faces_cut_through, 0);
  EXPECT_EQ(c.faces_kept, 2);
  EXPECT_TRUE(contains(c.window, faces[2]));
  EXPECT_TRUE(contains(c.window, faces[3]));
}

TEST(SmartCrop, AnUnavoidableCutIsReported) {
  // Faces packed edge to edge: any 1:1 window that keeps some whole cuts a neighbour.
  std::vector<Rect> faces;
  for (int i = 0; i < 8; ++i) faces.push_back({i * 240, 400, 240, 240});
  const CropChoice c = choose_crop(request(1920, 1080, 1.0, faces));
  EXPECT_TRUE(c.faces_cut);
  EXPECT_EQ(c.faces_kept, 4);  // 1080 / 240 = 4.5 faces wide
  EXPECT_GE(c.faces_cut_through, 1);
  EXPECT_NE(c.note.find("cut by the edge"), std::string::npos) << c.note;
}

TEST(SmartCrop, FacesOutsideThePictureAreIgnoredAndPartFacesClamped) {
  const std::vector<Rect> faces{
      {-500, -500, 100, 100}, {5000, 10, 50, 50}, {0, 0, 0, 0}, {1800, 300, 300, 300}};
  const CropChoice c = choose_crop(request(1920, 1080, 1.0, faces));
  EXPECT_EQ(c.faces_total, 1);
  EXPECT_EQ(c.window.x + c.window.width, 1920);  // pushed right to keep the clamped face
  EXPECT_EQ(c.faces_kept, 1);
}

TEST(SmartCrop, AttentionDecidesWhereFacesLeaveRoom) {
  // One face in the middle; content on the right. The window leans right but keeps the face.
  const Rect face{1800, 1200, 200, 200};
  AttentionMap m = map_with_hot_cell(40, 30, 30, 15, 0.01f);
  CropRequest r = request(4000, 3000, 9.0 / 16.0, {face});
  const int plain_x = choose_crop(r).window.x;
  r.attention = &m;
  const CropChoice c = choose_crop(r);
  EXPECT_EQ(c.basis, "faces");
  EXPECT_TRUE(contains(c.window, face));
  EXPECT_GT(c.window.x, plain_x);
}

// Random face sets against the rules, checked by brute force over every window position.
TEST(SmartCrop, RandomFaceSetsFollowTheRules) {
  std::mt19937 rng(20240611);
  const double aspects[] = {1.0, 0.8, 9.0 / 16.0, 1.91, 16.0 / 9.0};
  for (int trial = 0; trial < 400; ++trial) {
    const int w = 200 + static_cast<int>(rng() % 1800);
    const int h = 200 + static_cast<int>(rng() % 1800);
    const double aspect = aspects[rng() % 5];
    std::vector<Rect> faces;
    const int n = 1 + static_cast<int>(rng() % 7);
    for (int i = 0; i < n; ++i) {
      const int side = 10 + static_cast<int>(rng() % std::max(11, std::min(w, h) / 4));
      faces.push_back(
          {static_cast<int>(rng() % (w - side)), static_cast<int>(rng() % (h - side)), side, side});
    }
    const CropRequest r = request(w, h, aspect, faces);
    const CropChoice c = choose_crop(r);
    SCOPED_TRACE(testing::Message() << "trial " << trial << " " << w << "x" << h << " " << aspect);
    expect_valid_window(r, c);
    EXPECT_EQ(c.faces_total, n);

    // Every position of the window (it slides along one axis): the most face area kept whole
    // at a position that cuts no face (and keeps one), or at any position when none does.
    const bool across = c.window.width < w;
    const int slack = across ? w - c.window.width : h - c.window.height;
    std::int64_t best_area = 0;
    std::int64_t best_clean_area = 0;
    bool clean_possible = false;  // some position keeps a face whole and cuts none
    for (int p = 0; p <= slack; ++p) {
      Rect win = c.window;
      (across ? win.x : win.y) = p;
      std::int64_t area = 0;
      int cut = 0;
      for (const Rect& f : faces) {
        if (contains(win, f)) area += std::int64_t(f.width) * f.height;
        if (cuts(win, f)) ++cut;
      }
      best_area = std::max(best_area, area);
      if (cut == 0 && area > 0) {
        clean_possible = true;
        best_clean_area = std::max(best_clean_area, area);
      }
    }
    if (clean_possible) best_area = best_clean_area;
    std::int64_t kept_area = 0;
    int kept = 0, cut = 0;
    for (const Rect& f : faces) {
      if (contains(c.window, f)) {
        kept_area += std::int64_t(f.width) * f.height;
        ++kept;
      }
      if (cuts(c.window, f)) ++cut;
    }
    EXPECT_EQ(kept, c.faces_kept);
    EXPECT_EQ(cut, c.faces_cut_through);
    EXPECT_EQ(kept_area, best_area);
    const Rect all = union_of(faces);
    const bool all_fit = all.width <= c.window.width && all.height <= c.window.height;
    EXPECT_EQ(c.faces_cut, !all_fit);
    if (all_fit) {
      EXPECT_EQ(kept, n);
    }
    if (clean_possible) {
      EXPECT_EQ(cut, 0);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Attention and thirds

TEST(SmartCrop, AttentionPlacesTheWindowOnTheContent) {
  AttentionMap m = map_with_hot_cell(32, 18, 28, 9, 0.01f);
  CropRequest r = request(1920, 1080, 1.0);
  r.attention = &m;
  const CropChoice c = choose_crop(r);
  EXPECT_EQ(c.basis, "attention");
  const double hot_centre = (28 + 0.5) * 1920 / 32.0;
  EXPECT_GE(hot_centre, c.window.x + 0.25 * c.window.width);
  EXPECT_LE(hot_centre, c.window.x + c.window.width);
  EXPECT_GT(c.window.x, (1920 - 1080) / 2);
}

TEST(SmartCrop, AttentionCentresTheContentWhenThereIsRoom) {
  // A hot spot well inside: the window centres on it rather than just touching it.
  AttentionMap m = map_with_hot_cell(40, 10, 10, 5);
  CropRequest r = request(4000, 1000, 1.0);
  r.attention = &m;
  const CropChoice c = choose_crop(r);
  EXPECT_NEAR(c.window.x + c.window.width / 2.0, 1050.0, 60.0);
}

TEST(SmartCrop, UniformOrBlankAttentionFallsBackToTheCentre) {
  AttentionMap uniform;
  uniform.width = 8;
  uniform.height = 8;
  uniform.values.assign(64, 0.5f);
  CropRequest r = request(1920, 1080, 1.0);
  r.attention = &uniform;
  EXPECT_EQ(choose_crop(r).window.x, 420);
  AttentionMap blank = uniform;
  std::fill(blank.values.begin(), blank.values.end(), 0.0f);
  r.attention = &blank;
  EXPECT_EQ(choose_crop(r).basis, "thirds");
  AttentionMap broken;  // values do not match the size: ignored, not read out of bounds
  broken.width = 100;
  broken.height = 100;
  r.attention = &broken;
  EXPECT_EQ(choose_crop(r).basis, "thirds");
}

TEST(SmartCrop, ThirdsCentresAcrossAndLeavesATopThirdOfTheSlackDown) {
  const CropChoice across = choose_crop(request(1920, 1080, 1.0));
  EXPECT_EQ(across.basis, "thirds");
  EXPECT_EQ(across.window, (Rect{420, 0, 1080, 1080}));
  const CropChoice down = choose_crop(request(1080, 1920, 1.0));
  EXPECT_EQ(down.window, (Rect{0, 280, 1080, 1080}));
}

TEST(SmartCrop, AspectLabelsAreWrittenAsPeopleWriteThem) {
  EXPECT_EQ(aspect_label(9.0 / 16.0), "9:16");
  EXPECT_EQ(aspect_label(0.8), "4:5");
  EXPECT_EQ(aspect_label(1.0), "1:1");
  EXPECT_EQ(aspect_label(1.91), "1.91:1");
  EXPECT_EQ(aspect_label(16.0 / 9.0), "16:9");
}

}  // namespace
}  // namespace saluran
