#include "pipeline/stages/video_analysis.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <limits>
#include <vector>

#include <fmt/format.h>

#include "codecs/av/frame_sampler.hpp"
#include "pipeline/ops/poster_score.hpp"
#include "pipeline/ops/shot_cuts.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {

using Clock = std::chrono::steady_clock;

const FaceDetector& detector() {
  static const FaceDetector d = [] {
    auto r = FaceDetector::open();
    if (!r) {
      ADD_FAILURE() << r.error().to_string();
      std::abort();
    }
    return std::move(*r);
  }();
  return d;
}

bool have_ffmpeg() { return test::run_command("ffmpeg -version >/dev/null 2>&1").exit_code == 0; }

/// Makes a clip with the ffmpeg CLI from a lavfi filter graph; true on success.
bool make_clip(const std::string& inputs, const std::string& graph, const std::string& out) {
  const std::string cmd = "ffmpeg -v error -y " + inputs + " -filter_complex " +
                          test::shell_quote(graph) +
                          " -map '[v]' -c:v libx264 -preset ultrafast -pix_fmt yuv420p " +
                          test::shell_quote(out) + " 2>&1";
  const auto r = test::run_command(cmd);
  if (r.exit_code != 0) ADD_FAILURE() << cmd << "\n" << r.out;
  return r.exit_code == 0;
}

std::string lavfi(const std::string& source) { return "-f lavfi -i " + test::shell_quote(source); }

/// Shot starts found by the pure kernel on every frame of `path`.
std::vector<std::size_t> shots_of(const std::string& path) {
  std::vector<FrameSignature> sigs;
  auto st = av::sample_frames(path, 160, 1, [&](av::SampledFrame&& f) {
    sigs.push_back(frame_signature(f.picture));
    return true;
  });
  EXPECT_TRUE(st.ok()) << st.error().to_string();
  return find_shot_starts(sigs);
}

// A test pattern for 2 s (25 fps), then a white square moving on black: the cut is frame 50.
TEST(VideoAnalysis, HardCutInGeneratedClipIsFoundAtTheRightFrame) {
  if (!have_ffmpeg()) GTEST_SKIP() << "the ffmpeg CLI is needed to make the clip";
  test::TempDir dir("video-analysis");
  const std::string clip = dir / "cut.mp4";
  ASSERT_TRUE(make_clip(lavfi("testsrc=s=320x180:r=25:d=2") + " " +
                            lavfi("color=c=black:s=320x180:r=25:d=2") + " " +
                            lavfi("color=c=white:s=40x40:r=25:d=2"),
                        "[1][2]overlay=x='20+t*100':y=70[b];[0][b]concat=n=2:v=1[v]", clip));
  EXPECT_EQ(shots_of(clip), (std::vector<std::size_t>{0, 50}));

  // The stage finds the same cut, and its path jumps there and stays inside the frame.
  auto track = analyse_reframe(clip, 9.0 / 16.0, detector());
  ASSERT_TRUE(track.ok()) << track.error().to_string();
  EXPECT_EQ(track->shot_starts, (std::vector<std::size_t>{0, 50}));
  EXPECT_EQ(track->frame_width, 320);
  EXPECT_EQ(track->window_height, 180);
  EXPECT_EQ(track->window_width, 100);  // 180 * 9 / 16 = 101.25, made even
  EXPECT_EQ(track->left.size(), 100u);
  EXPECT_NEAR(track->fps, 25.0, 0.01);
  for (int l : track->left) {
    EXPECT_GE(l, 0);
    EXPECT_LE(l + track->window_width, 320);
  }

  // The manifest's line says each thing once: the shots, what the window follows, the faces
  // and the speed limit scaled to the rendition (here twice the analysed size).
  const std::string summary = reframe_summary(*track, 2.0);
  EXPECT_EQ(summary.find("2 shots; the window follows faces in 0 and the most eye-catching area "
                         "in the rest; faces in 0 analysed frames; the window moves at most "),
            0u)
      << summary;
  EXPECT_EQ(summary.find("shots", summary.find("shots") + 1), std::string::npos) << summary;
  EXPECT_NE(summary.find(fmt::format("at most {} px a frame within a shot", 2 * track->max_step)),
            std::string::npos)
      << summary;
}

// A test pattern fading out over 1.5 s, then another fading in: no cut anywhere.
TEST(VideoAnalysis, FadeInGeneratedClipIsNotACut) {
  if (!have_ffmpeg()) GTEST_SKIP() << "the ffmpeg CLI is needed to make the clip";
  test::TempDir dir("video-analysis");
  const std::string clip = dir / "fade.mp4";
  ASSERT_TRUE(
      make_clip(lavfi("testsrc=s=320x180:r=25:d=3") + " " + lavfi("testsrc2=s=320x180:r=25:d=3"),
                "[0]fade=t=out:st=1:d=1.5[a];[1]fade=t=in:st=0:d=1.5[b];"
                "[a][b]concat=n=2:v=1[v]",
                clip));
  EXPECT_EQ(shots_of(clip), (std::vector<std::size_t>{0}));
}

// 2 s black, 3 s blurred, 3 s sharp, 2 s blurred: the poster comes from the sharp part.
TEST(VideoAnalysis, PosterOfGeneratedClipIsSharpAndNotBlack) {
  if (!have_ffmpeg()) GTEST_SKIP() << "the ffmpeg CLI is needed to make the clip";
  test::TempDir dir("video-analysis");
  const std::string clip = dir / "poster.mp4";
  ASSERT_TRUE(make_clip(
      lavfi("color=c=black:s=320x180:r=25:d=2") + " " + lavfi("testsrc2=s=320x180:r=25:d=10"),
      "[1]split=3[s1][s2][s3];"
      "[s1]trim=0:3,setpts=PTS-STARTPTS,boxblur=6:2[b1];"
      "[s2]trim=3:6,setpts=PTS-STARTPTS[sharp];"
      "[s3]trim=6:8,setpts=PTS-STARTPTS,boxblur=6:2[b2];"
      "[0][b1][sharp][b2]concat=n=4:v=1[v]",
      clip));
  auto pick = pick_poster(clip, detector());
  ASSERT_TRUE(pick.ok()) << pick.error().to_string();
  std::cout << "[ poster ] " << pick->reason << "\n";
  EXPECT_GE(pick->time_s, 5.0) << pick->reason;
  EXPECT_LT(pick->time_s, 8.0) << pick->reason;
  // The frame itself: bright enough and as sharp as the sharp part's frames.
  auto frame = av::decode_frame_at(clip, pick->time_s);
  ASSERT_TRUE(frame.ok());
  auto blurred = av::decode_frame_at(clip, 3.5);
  ASSERT_TRUE(blurred.ok());
  const auto chosen = measure_candidate(*frame, pick->time_s);
  EXPECT_GT(chosen.mean_luma, 35);
  EXPECT_GT(chosen.sharpness, 3 * measure_candidate(*blurred, 3.5).sharpness);
}

TEST(VideoAnalysis, PosterOfHamiltonClipHasAFace) {
  SKIP_WITHOUT_CORPUS();
  const std::string clip = test::corpus("people/short_hamilton_clip.mp4");
  const auto start = Clock::now();
  auto pick = pick_poster(clip, detector());
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  ASSERT_TRUE(pick.ok()) << pick.error().to_string();
  std::cout << "[ poster ] " << pick->reason << " (" << seconds << " s)\n";
  RecordProperty("poster_seconds", std::to_string(seconds));
  EXPECT_GE(pick->time_s, 1.0);
  EXPECT_LE(pick->time_s, 8.2);
  auto frame = av::decode_frame_at(clip, pick->time_s);
  ASSERT_TRUE(frame.ok()) << frame.error().to_string();
  EXPECT_FALSE(detector().detect(*frame).empty()) << "no face at " << pick->time_s;
}

/// True when `face` lies wholly inside columns [left, left + width).
bool inside(const Rect& face, int left, int width) {
  return face.x >= left && face.x + face.width <= left + width;
}

/// The reference faces of one frame, from an independent full-size detection.
struct ReferenceFrame {
  std::int64_t index = 0;
  std::vector<Rect> faces;
};

double overlap(const Rect& a, const Rect& b) {
  const int w = std::min(a.x + a.width, b.x + b.width) - std::max(a.x, b.x);
  const int h = std::min(a.y + a.height, b.y + b.height) - std::max(a.y, b.y);
  if (w <= 0 || h <= 0) return 0;
  const double inter = double(w) * h;
  return inter / (double(a.width) * a.height + double(b.width) * b.height - inter);
}

/// The faces that persist: single-frame detections linked by overlap (IoU > 0.3) to the same
/// face seen up to `gap` frames before and in the same shot (`cuts`: the first frame of each
/// shot after the first; a face in the next shot at the same place is another face); a face found
/// at least 3 times counts on every frame from its first to its last sighting (a detector miss in
/// between is not the face leaving), with its nearest sighting's box. Returns, per reference frame,
/// those faces and the median width of each.
struct Persistent {
  std::vector<Rect> boxes;
  std::vector<int> sizes;
};
std::vector<Persistent> persistent_faces(const std::vector<ReferenceFrame>& frames,
                                         std::int64_t gap, const std::vector<std::int64_t>& cuts) {
  const auto across_cut = [&](std::int64_t before, std::int64_t now) {
    return std::any_of(cuts.begin(), cuts.end(),
                       [&](std::int64_t c) { return before < c && c <= now; });
  };
  struct Seen {
    std::size_t frame;  // position in `frames`
    Rect box;
  };
  std::vector<std::vector<Seen>> tracks;
  for (std::size_t f = 0; f < frames.size(); ++f) {
    std::vector<bool> used(tracks.size(), false);
    for (const Rect& box : frames[f].faces) {
      std::size_t best = tracks.size();
      double best_overlap = 0.3;
      for (std::size_t t = 0; t < tracks.size(); ++t) {
        const Seen& last = tracks[t].back();
        if (used[t] || frames[f].index - frames[last.frame].index > gap) continue;
        if (across_cut(frames[last.frame].index, frames[f].index)) continue;
        const double o = overlap(last.box, box);
        if (o > best_overlap) {
          best_overlap = o;
          best = t;
        }
      }
      if (best == tracks.size()) {
        tracks.push_back({{f, box}});
        used.push_back(true);
      } else {
        tracks[best].push_back({f, box});
        used[best] = true;
      }
    }
  }
  std::vector<Persistent> out(frames.size());
  for (const auto& track : tracks) {
    if (track.size() < 3) continue;
    std::vector<int> widths;
    for (const Seen& s : track) widths.push_back(s.box.width);
    std::nth_element(widths.begin(), widths.begin() + widths.size() / 2, widths.end());
    const int size = widths[widths.size() / 2];
    std::size_t k = 0;
    for (std::size_t f = track.front().frame; f <= track.back().frame; ++f) {
      while (k + 1 < track.size() && track[k + 1].frame <= f) ++k;
      const Seen& near = (k + 1 < track.size() && track[k + 1].frame - f < f - track[k].frame)
                             ? track[k + 1]
                             : track[k];
      out[f].boxes.push_back(near.box);
      out[f].sizes.push_back(size);
    }
  }
  return out;
}

/// Whether the window at `left` keeps `faces`: all of them when they fit its width together,
/// else one of the largest whole (a face within 85% of the largest's size, by `sizes`: of two
/// people of about the same size side by side, either may be the one framed).
bool keeps(const std::vector<Rect>& faces, const std::vector<int>& sizes, int left, int width) {
  int lo = std::numeric_limits<int>::max();
  int hi = 0;
  int largest = 0;
  for (std::size_t i = 0; i < faces.size(); ++i) {
    lo = std::min(lo, faces[i].x);
    hi = std::max(hi, faces[i].x + faces[i].width);
    largest = std::max(largest, sizes[i]);
  }
  if (hi - lo <= width) return lo >= left && hi <= left + width;
  for (std::size_t i = 0; i < faces.size(); ++i) {
    if (sizes[i] >= 0.85 * largest && inside(faces[i], left, width)) return true;
  }
  return false;
}

TEST(VideoAnalysis, HamiltonReframeKeepsFacesInsideAndMovesCalmly) {
  SKIP_WITHOUT_CORPUS();
  const std::string clip = test::corpus("people/short_hamilton_clip.mp4");
  const auto start = Clock::now();
  auto track = analyse_reframe(clip, 9.0 / 16.0, detector());
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  ASSERT_TRUE(track.ok()) << track.error().to_string();
  RecordProperty("analysis_seconds", std::to_string(seconds));
  EXPECT_EQ(track->frame_width, 640);
  EXPECT_EQ(track->frame_height, 360);
  EXPECT_EQ(track->window_height, 360);
  EXPECT_EQ(track->window_width, 202);
  EXPECT_NEAR(track->fps, 29.97, 0.05);
  EXPECT_GT(track->frames_with_faces, 0);
  EXPECT_GE(track->shot_starts.size(), 2u) << "the clip has several shots";

  // Independently: faces on every second frame at full size (every frame doubles the test's
  // time and changes nothing), with the thorough detector settings the stage does not use.
  std::vector<ReferenceFrame> reference;
  auto st = av::sample_frames(clip, 0, 2, [&](av::SampledFrame&& f) {
    ReferenceFrame r;
    r.index = f.index;
    for (const FaceBox& b : detector().detect(f.picture, 0, kThoroughScaleStep))
      r.faces.push_back(b.box);
    reference.push_back(std::move(r));
    return true;
  });
  ASSERT_TRUE(st.ok()) << st.error().to_string();
  ASSERT_EQ(reference.size(), (track->left.size() + 1) / 2);

  // The clip's cuts, checked by eye and by ffmpeg's scene filter (1.51, 3.58 and 7.88 s of the
  // file's clock; its first frame is at 0.85 s): the stage finds them at the right frames.
  const std::vector<std::int64_t> cuts{20, 82, 211};
  EXPECT_EQ(track->shot_starts, (std::vector<std::size_t>{0, 20, 82, 211}));

  // Measure 1 (the issue's): the faces that persist (a face missed by the detector on a few
  // frames is still there; a hand taken for a face once is not), linked over up to a second
  // within a shot (linked across the cut at 7.88 s, the singer's face made the first frames of
  // the audience shot demand the place he stood in the shot before: 5 frames, until this
  // measure learnt the cuts).
  // Measure 2 (stricter): each frame's own detections, whatever they are; the detector's
  // flicker between frames makes it demand the left or the right of a wide shot from one frame
  // to the next, so no calm path can reach 100% on it (94.6% with the Haar cascades).
  const auto persistent = persistent_faces(reference, 30, cuts);

  int judged = 0, kept = 0, judged_raw = 0, kept_raw = 0;
  for (std::size_t k = 0; k < reference.size(); ++k) {
    const int left = track->left[static_cast<std::size_t>(reference[k].index)];
    const auto& raw = reference[k].faces;
    if (!raw.empty()) {
      std::vector<int> sizes;
      for (const Rect& r : raw) sizes.push_back(r.width);
      ++judged_raw;
      kept_raw += keeps(raw, sizes, left, track->window_width) ? 1 : 0;
    }
    const Persistent& p = persistent[k];
    if (p.boxes.empty()) continue;
    ++judged;
    if (keeps(p.boxes, p.sizes, left, track->window_width)) {
      ++kept;
    } else if (std::getenv("SALURAN_DEBUG_REFRAME")) {
      std::cout << "[ miss ] " << reference[k].index << " left " << left << ":";
      for (std::size_t i = 0; i < p.boxes.size(); ++i)
        std::cout << " (" << p.boxes[i].x << "," << p.boxes[i].y << " " << p.boxes[i].width
                  << " median " << p.sizes[i] << ")";
      std::cout << "\n";
    }
  }
  ASSERT_GT(judged, 0);
  const double share = static_cast<double>(kept) / judged;
  const double share_raw = static_cast<double>(kept_raw) / std::max(1, judged_raw);

  // Speed within each shot: the largest step and the 99th percentile.
  std::vector<int> steps;
  std::vector<std::size_t> bounds = track->shot_starts;
  bounds.push_back(track->left.size());
  for (std::size_t s = 0; s + 1 < bounds.size(); ++s) {
    for (std::size_t i = bounds[s] + 1; i < bounds[s + 1]; ++i)
      steps.push_back(std::abs(track->left[i] - track->left[i - 1]));
  }
  std::sort(steps.begin(), steps.end());
  const int max_step = steps.empty() ? 0 : steps.back();
  const int p99 = steps.empty() ? 0 : steps[(steps.size() - 1) * 99 / 100];

  std::cout << "[ reframe ] " << track->left.size() << " frames, shots at";
  for (std::size_t s : track->shot_starts) std::cout << ' ' << s;
  std::cout << "; persistent faces kept in " << kept << "/" << judged << " judged frames ("
            << 100 * share << "%); each frame's own detections kept in " << kept_raw << "/"
            << judged_raw << " (" << 100 * share_raw << "%); step max " << max_step << " px, p99 "
            << p99 << " px (limit " << track->max_step << "); analysis " << seconds << " s\n";
  EXPECT_GE(share, 0.97);
  EXPECT_GE(share_raw, 0.94);
  EXPECT_LE(max_step, track->max_step);
}

// A clip with a cut: one analysis decode gives both window shapes and the poster, each as the
// function that decodes for it alone gives it.
TEST(VideoAnalysis, OneDecodeServesTwoAspectsAndThePoster) {
  if (!have_ffmpeg()) GTEST_SKIP() << "the ffmpeg CLI is needed to make the clip";
  test::TempDir dir("video-analysis");
  const std::string clip = dir / "shared.mp4";
  ASSERT_TRUE(make_clip(lavfi("testsrc2=s=320x180:r=25:d=2") + " " +
                            lavfi("color=c=black:s=320x180:r=25:d=1.5") + " " +
                            lavfi("color=c=white:s=40x40:r=25:d=1.5"),
                        "[1][2]overlay=x='20+t*100':y=70[b];[0][b]concat=n=2:v=1[v]", clip));
  const std::uint64_t before = av::sampling_decodes();
  auto analysis = analyse_video(clip, detector(), {.reframe = true, .poster = true});
  ASSERT_TRUE(analysis.ok()) << analysis.error().to_string();
  auto story = reframe_from(*analysis, 9.0 / 16.0);
  auto feed = reframe_from(*analysis, 4.0 / 5.0);
  auto poster = poster_from(*analysis);
  EXPECT_EQ(av::sampling_decodes(), before + 1);
  ASSERT_TRUE(story.ok() && feed.ok() && poster.ok());
  EXPECT_EQ(story->shot_starts, (std::vector<std::size_t>{0, 50}));
  EXPECT_EQ(story->window_width, 100);
  EXPECT_EQ(feed->window_width, 144);
  EXPECT_EQ(story->left.size(), feed->left.size());

  auto alone = analyse_reframe(clip, 4.0 / 5.0, detector());
  ASSERT_TRUE(alone.ok());
  EXPECT_EQ(alone->left, feed->left);
  EXPECT_EQ(alone->shot_starts, feed->shot_starts);
  auto picked = pick_poster(clip, detector());
  ASSERT_TRUE(picked.ok());
  EXPECT_DOUBLE_EQ(picked->time_s, poster->time_s);
  EXPECT_EQ(picked->reason, poster->reason);
  EXPECT_EQ(av::sampling_decodes(), before + 3);

  // An analysis made for one purpose says so when asked for the other.
  auto reframe_only = analyse_video(clip, detector(), {.reframe = true, .poster = false});
  ASSERT_TRUE(reframe_only.ok());
  EXPECT_EQ(poster_from(*reframe_only).error().code, ErrorCode::kInvalidArgument);
  auto poster_only = analyse_video(clip, detector(), {.reframe = false, .poster = true});
  ASSERT_TRUE(poster_only.ok());
  EXPECT_EQ(reframe_from(*poster_only, 0.8).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(reframe_from(*analysis, 0.0).error().code, ErrorCode::kInvalidArgument);
}

/// Faces found at full size on the frames of `clip` between `from` and `to` seconds, by frame.
std::vector<ReferenceFrame> faces_between(const std::string& clip, double from, double to) {
  std::vector<ReferenceFrame> out;
  auto st = av::sample_frames(clip, 0, 1, [&](av::SampledFrame&& f) {
    if (f.time_s < from) return true;
    if (f.time_s > to) return false;
    ReferenceFrame r;
    r.index = f.index;
    for (const FaceBox& b : detector().detect(f.picture, 0, kThoroughScaleStep))
      r.faces.push_back(b.box);
    out.push_back(std::move(r));
    return true;
  });
  EXPECT_TRUE(st.ok()) << st.error().to_string();
  return out;
}

// The two cases, in the 4:5 window of instagram-feed-video (288 of 640 px): at 0.9 s,
// a wide stage shot, the singer (standing right of the middle) leads and not the pianist
// seated at the left edge; at 2.5-3.0 s the close-up face at the right edge (the largest face
// by far, over a blurred audience) stays inside the window.
TEST(VideoAnalysis, HamiltonReframe4x5KeepsTheSingerAndTheCloseUp) {
  SKIP_WITHOUT_CORPUS();
  const std::string clip = test::corpus("people/short_hamilton_clip.mp4");
  auto track = analyse_reframe(clip, 4.0 / 5.0, detector());
  ASSERT_TRUE(track.ok()) << track.error().to_string();
  ASSERT_EQ(track->window_width, 288);
  const int w = track->window_width;

  int singer_frames = 0, singer_kept = 0;
  for (const ReferenceFrame& r : faces_between(clip, 0.8, 1.0)) {
    const int left = track->left[static_cast<std::size_t>(r.index)];
    for (const Rect& f : r.faces) {
      const int centre = f.x + f.width / 2;
      if (std::getenv("SALURAN_DEBUG_REFRAME"))
        std::cout << "[ 0.9 s ] frame " << r.index << " left " << left << " face " << f.x << ","
                  << f.y << " " << f.width << "\n";
      if (centre < track->frame_width / 2) continue;  // the pianist, at the left edge
      ++singer_frames;
      singer_kept += inside(f, left, w) ? 1 : 0;
    }
  }
  // The close-up leaves the frame at the right edge in profile, where no detector finds it:
  // its visible columns, labelled by hand on the frames at these times of the file's clock.
  struct Labelled {
    double time_s;
    int x0, x1;
  };
  const Labelled close_up[] = {{2.5, 505, 640}, {2.6, 560, 640}, {2.7, 585, 640},
                               {2.8, 592, 640}, {2.9, 585, 640}, {3.0, 570, 640}};
  int close_kept = 0;
  double least_share = 1;
  for (const Labelled& l : close_up) {
    const auto frame =
        static_cast<std::size_t>(std::lround((l.time_s - track->start_s) * track->fps));
    ASSERT_LT(frame, track->left.size());
    const int left = track->left[frame];
    const int inside_px = std::max(0, std::min(l.x1, left + w) - std::max(l.x0, left));
    const double share = static_cast<double>(inside_px) / (l.x1 - l.x0);
    least_share = std::min(least_share, share);
    close_kept += share >= 0.75 ? 1 : 0;
    if (std::getenv("SALURAN_DEBUG_REFRAME"))
      std::cout << "[ close-up ] " << l.time_s << " s frame " << frame << " left " << left
                << " face " << l.x0 << "-" << l.x1 << " inside " << share << "\n";
  }
  std::cout << "[ reframe 4:5 ] singer inside the window on " << singer_kept << "/" << singer_frames
            << " frames found at 0.8-1.0 s; the close-up face at least 3/4 inside on " << close_kept
            << "/" << std::size(close_up) << " labelled frames at 2.5-3.0 s (least "
            << 100 * least_share << "%)\n";
  ASSERT_GT(singer_frames, 0) << "the detector finds the singer at 0.8-1.0 s";
  EXPECT_EQ(singer_kept, singer_frames);
  EXPECT_EQ(close_kept, static_cast<int>(std::size(close_up)));
}

TEST(VideoAnalysis, ErrorsNameTheFile) {
  test::TempDir dir("video-analysis");
  const std::string missing = dir / "missing.mp4";
  auto track = analyse_reframe(missing, 9.0 / 16.0, detector());
  ASSERT_FALSE(track.ok());
  EXPECT_EQ(track.error().context.file, missing);
  auto pick = pick_poster(missing, detector());
  ASSERT_FALSE(pick.ok());
  EXPECT_EQ(pick.error().context.file, missing);
  auto bad = analyse_reframe(missing, 0.0, detector());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
}

TEST(VideoAnalysis, RotatedPhoneVideoIsAlreadyNarrow) {
  SKIP_WITHOUT_CORPUS();
  auto track = analyse_reframe(test::corpus("phone/video_rotation_90.mp4"), 9.0 / 16.0, detector());
  ASSERT_TRUE(track.ok()) << track.error().to_string();
  EXPECT_EQ(track->frame_width, 60);
  EXPECT_EQ(track->frame_height, 100);
  // 60x100 is 0.6 wide, wider than 9:16 = 0.5625: a 56-wide window of the full height.
  EXPECT_EQ(track->window_height, 100);
  EXPECT_EQ(track->window_width, 56);
  for (int l : track->left) EXPECT_LE(l + 56, 60);
}

}  // namespace
}  // namespace saluran
