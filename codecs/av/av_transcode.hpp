#pragma once
// One demux and one decode of an input feeding every rendition of it (DESIGN.md rule 7).
//
// Decoded frames are shared by reference (av_frame_ref), never copied, into one bounded queue
// per *branch*: a branch is one filter chain on its own thread, and renditions whose chains
// are the same (web-video and x-video are both 1280x720 at the source rate) share it, so the
// picture is scaled once and handed to each of their encoders. Audio with a loudness target
// is measured while it is spooled to a temporary file, then gained, limited and encoded in a
// second pass over the spool: one decode, memory flat however long the input. The gain and
// limiter are the caller's (TranscodeOptions::loudness, the pipeline's kernels).
//
//   std::vector<av::TranscodeOutput> outs = {...};      // from the render plans
//   auto result = av::transcode("C0001.MP4", outs, {.loudness = kernels, .on_progress = show});
//   result.outputs[0].file->commit();                    // after checking it

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "codecs/av/av_output.hpp"
#include "codecs/av/encode_settings.hpp"
#include "codecs/av/filter_names.hpp"
#include "codecs/av/loudness_processing.hpp"
#include "pipeline/model/error.hpp"
#include "pipeline/model/input_limits.hpp"
#include "pipeline/model/loudness.hpp"
#include "pipeline/model/time_range.hpp"
#include "pipeline/run/cancel.hpp"

namespace saluran::av {

/// A crop window that moves frame by frame (video reframing). The chain holds a filter
/// `crop@reframe`; before the frame at time t its x becomes x[round(t * fps)] (clamped).
struct MovingCrop {
  std::vector<int> x;  ///< left edge in the chain's picture at the crop, per source frame
  double fps = 0;      ///< source frames per second, to find a frame's entry
  double start_s = 0;  ///< the time of x[0]: the first frame's (a video may start after 0)
};

/// The picture half of an output.
struct TranscodeVideo {
  std::string filter;  ///< from the decoded frame to the encoder
  H264Settings encoder;
  std::shared_ptr<const MovingCrop> moving_crop;  ///< set for reframed fill renditions
  /// Pass-through: the input's video stream is copied packet for packet (timestamps kept,
  /// rotation and aspect metadata carried over) instead of decoded and encoded; `filter`,
  /// `encoder` and `moving_crop` are not used. The caller has judged the stream fit for the
  /// channel (pipeline/ops/passthrough.hpp) and never copies a trimmed rendition: with
  /// TranscodeOptions::seek_s or stop_s set, a copy output fails (kInvalidArgument). When every
  /// video output is a copy, the input's pictures are not decoded at all.
  bool copy = false;
};

/// Loudness normalisation of an audio output (EBU R128), with the gain and limiter of
/// TranscodeOptions::loudness.
struct LoudnessTarget {
  double lufs = -23.0;
  double true_peak_dbtp = -1.0;    ///< the ceiling the file must keep
  double limiter_margin_db = 0.1;  ///< the limiter aims this far under (lossy codecs overshoot)
};

/// The sound half of an output.
struct TranscodeAudio {
  std::string filter;  ///< from the decoded frame to the encoder (or the meter)
  AudioEncodeSettings encoder;
  std::optional<LoudnessTarget> loudness;
};

/// One file to make.
struct TranscodeOutput {
  std::string path;    ///< the final name; written as a temporary file until committed
  std::string format;  ///< muxer: "mp4", "mp3", "wav"
  std::optional<TranscodeVideo> video;
  std::optional<TranscodeAudio> audio;
};

/// A stretch of the input whose pictures or sound were damaged and concealed.
using TimeRange = saluran::TimeRange;

/// What happened to one output.
struct OutputOutcome {
  std::unique_ptr<OutputFile> file;  ///< finished temporary file; null when it failed
  std::optional<Error> error;
  std::optional<Loudness> source_loudness;     ///< the sound before gain (loudness outputs)
  std::optional<Loudness> processed_loudness;  ///< after gain and limiter, before encoding
  double gain_db = 0;
  bool limited = false;
  std::int64_t video_frames = 0;    ///< frames encoded
  std::int64_t copied_packets = 0;  ///< video packets copied (pass-through outputs)
};

/// The whole run over one input.
struct TranscodeResult {
  std::optional<Error> input_error;       ///< the input could not be read at all
  std::vector<OutputOutcome> outputs;     ///< one per requested output, same order
  std::vector<TimeRange> damaged;         ///< concealed damage, merged into ranges
  std::int64_t decoded_video_frames = 0;  ///< 0 when every video output is a copy
  std::int64_t decoded_audio_frames = 0;
  int branches = 0;  ///< filter chains run (shared chains count once)
  /// Stopped by TranscodeOptions::cancel: every output not finished failed with
  /// ErrorCode::kCancelled and its temporary file (and spool) is removed.
  bool cancelled = false;
};

/// How to run.
struct TranscodeOptions {
  double seek_s = 0;           ///< start decoding near here (every output trims at or after it)
  double stop_s = 0;           ///< stop reading after this point of the input (0 = to the end)
  int video_queue_frames = 4;  ///< frames waiting per branch: bounds memory
  InputLimits limits;
  /// The gain and limiter kernels; required when an output has a loudness target (such an
  /// output fails without them).
  std::shared_ptr<const LoudnessProcessing> loudness;
  /// Called now and then with the input position in seconds.
  std::function<void(double position_s)> on_progress;
  /// Checked for every packet read and frame filtered, and in the loudness passes: once set,
  /// reading stops and every output is abandoned (TranscodeResult::cancelled).
  const CancelFlag* cancel = nullptr;
};

/// Decodes `input` once and makes every output. One failed output never stops the others.
/// A cancel stops everything and leaves no temporary file.
/// An input that cannot be opened, read at all or sought to `seek_s` sets `input_error` and
/// fails every output.
TranscodeResult transcode(const std::string& input, const std::vector<TranscodeOutput>& outputs,
                          const TranscodeOptions& options);

}  // namespace saluran::av
