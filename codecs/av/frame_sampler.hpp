#pragma once
// Decoded video frames as upright, square-pixel RGB pictures, for analysis (shots, faces,
// poster choice). One decode; only the frames asked for are scaled and converted.
//
//   auto st = av::sample_frames(path, 480, 3, [&](av::SampledFrame&& f) {
//     signatures.push_back(frame_signature(f.picture));   // every 3rd frame, long edge <= 480
//     return true;                                         // false stops the decode
//   });
//   av::SamplingPlan plan{.max_edge = 480, .small_edge = 64,
//                         .look = [](std::int64_t i, double) { return i % 6 == 0; }};
//   st = av::sample_video(path, plan, on_frame);  // every frame small, every 6th at 480 too
//   auto poster = av::decode_frame_at(path, 4.2);          // full size, upright

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "pipeline/model/error.hpp"
#include "pipeline/model/picture.hpp"

namespace saluran::av {

/// One decoded frame handed out by sample_frames.
struct SampledFrame {
  std::int64_t index = 0;  ///< position among all decoded frames of the stream (display order)
  double time_s = 0;       ///< presentation time from the start of the file
  Picture picture;         ///< upright, square pixels, scaled as asked (sample_video: empty
                           ///< for a frame its plan does not look at)
  Picture small;           ///< sample_video with a small_edge: the frame at that long edge
  int source_width = 0;    ///< the full-size upright, square-pixel picture the frame comes from
  int source_height = 0;
};

/// Decodes the first video stream of `path` once, upright (rotation applied), square pixels,
/// scaled so the long edge is at most `max_edge` (0 = full size), and hands every `step`-th frame
/// to `on_frame` (return false to stop). Errors name the file.
Status sample_frames(const std::string& path, int max_edge, int step,
                     const std::function<bool(SampledFrame&&)>& on_frame);

/// What sample_video converts, and at which size.
struct SamplingPlan {
  int max_edge = 0;    ///< long edge of SampledFrame::picture (0 = full size)
  int small_edge = 0;  ///< > 0: every frame also comes as SampledFrame::small at this long edge
  /// Which frames get `picture`, asked in display order with the frame's index and time;
  /// empty: every frame. Scaling and converting is a large share of an analysis decode's time.
  std::function<bool(std::int64_t index, double time_s)> look;
  /// Decode only the frames others are predicted from (FFmpeg's AVDISCARD_NONREF): about half
  /// the frames of a file with B-frames, for a poster that needs no frame in particular.
  bool reference_frames_only = false;
  /// Decode the keyframes alone (AVDISCARD_NONKEY): a fraction of the cost on a camera's clip,
  /// whose keyframes come every half second or so.
  bool keyframes_only = false;
};

/// Decodes the first video stream of `path` once, like sample_frames, and hands every frame to
/// `on_frame` (return false to stop): `small` for every frame when the plan has a small_edge,
/// `picture` for the frames the plan looks at. Errors name the file.
Status sample_video(const std::string& path, const SamplingPlan& plan,
                    const std::function<bool(SampledFrame&&)>& on_frame);

/// How many decodes sample_frames and sample_video have started in this process (for tests
/// and benchmarks that check an analysis decodes a file once).
std::uint64_t sampling_decodes();

/// How many frames sample_video has decoded in this process (for tests that check how much of
/// a file an analysis decodes).
std::uint64_t sampled_frames();

/// The frame at (or just after) `time_s`, full size, upright; the last frame when `time_s` lies
/// beyond the end. Errors name the file.
Result<Picture> decode_frame_at(const std::string& path, double time_s);

/// The frames at (or just after) each of `times`, as decode_frame_at finds them, from one open
/// of the file, upright, scaled so the long edge is at most `max_edge` (0 = full size); for
/// contact sheets. Errors name the file.
Result<std::vector<Picture>> decode_frames_at(const std::string& path,
                                              const std::vector<double>& times, int max_edge);

}  // namespace saluran::av
