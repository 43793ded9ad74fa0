#pragma once
// Video analysis for the render stage: where a 9:16 or 4:5 window should sit in each frame of a
// 16:9 video (reframing), and which frame makes the poster.
//
//   auto detector = FaceDetector::open();                    // once per run
//   auto track = analyse_reframe("talk.mp4", 9.0 / 16.0, *detector);
//   // crop=w=track->window_width:h=track->window_height:x=<track->left[frame]>:y=0
//   auto poster = pick_poster("talk.mp4", *detector);        // poster->time_s, poster->reason

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "pipeline/model/error.hpp"
#include "pipeline/run/cancel.hpp"
#include "pipeline/stages/face_detector.hpp"

namespace saluran {

/// What an analysis reports while it decodes, and how it is stopped early.
struct AnalysisHooks {
  /// Called for decoded frames with their time in seconds (often: the caller throttles).
  std::function<void(double time_s)> on_progress;
  /// Checked on every frame: once set the analysis stops with ErrorCode::kCancelled.
  const CancelFlag* cancel = nullptr;
};

/// The crop window of a reframed video, frame by frame.
struct ReframeTrack {
  int frame_width = 0;  ///< the upright, square-pixel source
  int frame_height = 0;
  int window_width = 0;   ///< the window (full height, or full width for a source narrower than
  int window_height = 0;  ///< the target aspect)
  double fps = 0;         ///< measured from the decoded frames' times
  std::vector<int> left;  ///< per decoded frame, in the upright source's pixels
  std::vector<std::size_t> shot_starts;  ///< first frame of each shot (0 first)
  int frames_with_faces = 0;             ///< analysed frames in which a face was found
  int max_step = 0;                      ///< the speed limit the path keeps, pixels per frame
  std::string note;                      ///< plain words on what the window follows
  std::vector<std::string> warnings;     ///< face detection failures, summed up
};

/// The reframing of a rendition in one line, for the manifest: the track's note (shots and
/// what the window follows), then faces and the speed limit at the rendition's size (`scale`
/// from the analysed frame to the output's scaled picture), e.g. "4 shots; the window follows
/// faces in 3 and the most eye-catching area in the rest; faces in 81 analysed frames; the
/// window moves at most 12 px a frame within a shot".
std::string reframe_summary(const ReframeTrack& track, double scale);

/// One decode at analysis size (long edge 480): per-frame signatures give the shots; faces are
/// looked for every 3rd frame and linked into tracks per shot (link_face_tracks: a face missed
/// for up to 2 s is still there, one seen only once is not), and in a shot without faces the
/// window follows the shot's attention centre (edges, skin, saturation). The track that leads
/// is chosen by choose_subject (largest, sharpest, most central, longest seen); each frame's
/// target (reframe_target) keeps the faces present when they fit the window, else the group
/// beside the leading face that fits, crossing no other face when it can, and never moves so
/// far in the dead zone that the group is cut. plan_crop_path makes the path.
/// `aspect` is the target width/height (9/16 or 4/5); the window is full height.
/// Errors name the file.
Result<ReframeTrack> analyse_reframe(const std::string& path, double aspect,
                                     const FaceDetector& faces, const AnalysisHooks& hooks = {});

/// The chosen poster frame.
struct PosterPick {
  double time_s = 0;
  std::string reason;                 ///< plain words: why this frame
  std::vector<std::string> warnings;  ///< face detection failures, summed up
};

/// Decodes once at analysis size, measures a candidate about every half second (exposure,
/// sharpness, change against nearby frames, nearness to a cut, faces) and picks one with
/// choose_poster. Errors name the file.
Result<PosterPick> pick_poster(const std::string& path, const FaceDetector& faces,
                               const AnalysisHooks& hooks = {});

}  // namespace saluran
