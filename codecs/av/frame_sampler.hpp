#pragma once
// Decoded video frames as upright, square-pixel RGB pictures, for analysis (shots, faces,
// poster choice). One decode; only the frames asked for are scaled and converted.
//
//   auto st = av::sample_frames(path, 480, 3, [&](av::SampledFrame&& f) {
//     signatures.push_back(frame_signature(f.picture));   // every 3rd frame, long edge <= 480
//     return true;                                         // false stops the decode
//   });
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
  Picture picture;         ///< upright, square pixels, scaled as asked
  int source_width = 0;    ///< the full-size upright, square-pixel picture the frame comes from
  int source_height = 0;
};

/// Decodes the first video stream of `path` once, upright (rotation applied), square pixels,
/// scaled so the long edge is at most `max_edge` (0 = full size), and hands every `step`-th frame
/// to `on_frame` (return false to stop). Errors name the file.
Status sample_frames(const std::string& path, int max_edge, int step,
                     const std::function<bool(SampledFrame&&)>& on_frame);

/// The frame at (or just after) `time_s`, full size, upright; the last frame when `time_s` lies
/// beyond the end. Errors name the file.
Result<Picture> decode_frame_at(const std::string& path, double time_s);

/// The frames at (or just after) each of `times`, as decode_frame_at finds them, from one open
/// of the file, upright, scaled so the long edge is at most `max_edge` (0 = full size); for
/// contact sheets. Errors name the file.
Result<std::vector<Picture>> decode_frames_at(const std::string& path,
                                              const std::vector<double>& times, int max_edge);

}  // namespace saluran::av
