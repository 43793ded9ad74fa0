#pragma once
// Video analysis for the render stage: where a 9:16 or 4:5 window should sit in each frame of a
// 16:9 video (reframing), and which frame makes the poster.
//
//   auto detector = FaceDetector::open();                    // once per run
//   auto track = analyse_reframe("talk.mp4", 9.0 / 16.0, *detector);
//   // crop=w=track->window_width:h=track->window_height:x=<track->left[frame]>:y=0
//   auto poster = pick_poster("talk.mp4", *detector);        // poster->time_s, poster->reason
//
// A render that needs several window shapes and a poster decodes once:
//   auto analysis = analyse_video("talk.mp4", *detector, {.reframe = true, .poster = true});
//   auto story = reframe_from(*analysis, 9.0 / 16.0);  // as analyse_reframe would give
//   auto feed = reframe_from(*analysis, 4.0 / 5.0);
//   auto poster = poster_from(*analysis);              // as pick_poster would give

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "pipeline/model/error.hpp"
#include "pipeline/ops/segment_choice.hpp"
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
  double start_s = 0;     ///< the time of the first decoded frame (frame 0), in the file's clock
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

/// One decode (analyse_video) at analysis size (long edge 480): per-frame signatures give the
/// shots; faces are looked for 10 times a second (every 3rd frame at 30 fps) and linked into
/// tracks per shot (link_face_tracks: a face missed for up to 2 s is still there, one seen only
/// once is not), and in a shot without faces the window follows the shot's attention centre
/// (edges, skin, saturation). The track that leads is chosen by choose_subject (largest,
/// sharpest, most central, longest seen); each frame's target (reframe_target) keeps the faces
/// present when they fit the window, else the group beside the leading face that fits, crossing
/// no other face when it can, and never moves so far in the dead zone that the group is cut.
/// plan_crop_path makes the path. `aspect` is the target width/height (9/16 or 4/5); the window
/// is full height.
/// Errors name the file.
Result<ReframeTrack> analyse_reframe(const std::string& path, double aspect,
                                     const FaceDetector& faces, const AnalysisHooks& hooks = {});

/// The chosen poster frame.
struct PosterPick {
  double time_s = 0;
  std::string reason;                 ///< plain words: why this frame
  std::vector<std::string> warnings;  ///< face detection failures, summed up
};

/// Decodes once (analyse_video) at analysis size, measures a candidate about every half second
/// (exposure, sharpness, change against nearby frames, nearness to a cut, faces) and picks one with
/// choose_poster. Errors name the file.
Result<PosterPick> pick_poster(const std::string& path, const FaceDetector& faces,
                               const AnalysisHooks& hooks = {});

/// What analyse_video gathers in its one decode.
struct AnalysisWants {
  bool reframe = true;  ///< faces (or the attention centre) on the looked-at frames
  bool poster = true;   ///< poster candidates about every half second
  /// Without reframe: only the keyframes are decoded and looked at. For choosing a channel's
  /// part of a clip whose keyframes are close (a camera's, every half second): shots then
  /// start at the first keyframe of the new shot.
  bool keyframes_only = false;
};

/// The per-frame findings of one analysis decode (defined in video_analysis.cpp).
struct VideoSamples;

/// One analysis decode of a video, from which every window shape and the poster are computed
/// without decoding again. Cheap to copy (the findings are shared).
struct VideoAnalysis {
  std::string path;
  AnalysisWants wants;
  std::shared_ptr<const VideoSamples> samples;
};

/// Decodes `path` once at analysis size: every frame's signature from a small (64 px) copy
/// for the shots; with `wants.reframe` faces 10 times a second (or the attention centre where
/// there are none), with `wants.poster` a poster candidate about every half second. Only the
/// frames looked at are scaled to analysis size; for a poster alone only the reference frames
/// are decoded (so on a file with B-frames its candidates may differ from a shared analysis's).
/// Errors name the file.
Result<VideoAnalysis> analyse_video(const std::string& path, const FaceDetector& faces,
                                    const AnalysisWants& wants = {},
                                    const AnalysisHooks& hooks = {});

/// The reframing of `analysis` for `aspect`, as analyse_reframe describes it. An error when
/// the analysis was made without `wants.reframe`, or for an aspect outside 0.1..10.
Result<ReframeTrack> reframe_from(const VideoAnalysis& analysis, double aspect);

/// The poster of `analysis`, as pick_poster describes it. An error when the analysis was made
/// without `wants.poster`, or no frame could be decoded.
Result<PosterPick> poster_from(const VideoAnalysis& analysis);

/// The part of `length_s` seconds a channel with a length limit gets, chosen by content
/// (choose_segment over the poster candidates' scores, starting at the clip's start, at a cut or
/// so as to end with the clip), in the clip's clock (times from its start, as the render's trim
/// counts them; 0 when the part starts with the clip, so that sound that begins before the first
/// picture is kept). An error when the analysis was made without `wants.poster`.
Result<SegmentChoice> segment_from(const VideoAnalysis& analysis, double length_s);

}  // namespace saluran
