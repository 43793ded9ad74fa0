#pragma once
// What the transcoder needs from the loudness kernels to normalise a loudness output.
//
// The transcoder owns the mechanics: it spools and measures the decoded sound, trial-encodes
// and decodes to hear what the codec changes, and encodes the final pass. The arithmetic on
// the samples (the first gain, the gain and the true-peak limiter of each pass) is pure
// kernel work of the pipeline (pipeline/ops/loudness_gain), which codecs/ must not include;
// the caller hands it in through this interface (TranscodeOptions::loudness).
//
//   class OpsLoudness : public av::LoudnessProcessing {   // in pipeline/, over loudness_gain
//     LoudnessPass plan(...) const override;              // plan_loudness
//     std::unique_ptr<LoudnessStage> stage(...) const override;  // apply_gain, TruePeakLimiter
//   };
//   options.loudness = std::make_shared<OpsLoudness>();

#include <cstddef>
#include <memory>
#include <span>

#include "pipeline/model/loudness.hpp"

namespace saluran::av {

/// The settings of one pass over the spooled sound: a gain, then a limiter when asked.
struct LoudnessPass {
  double gain_db = 0;
  bool limit = false;          ///< run the true-peak limiter after the gain
  double ceiling_dbtp = -1.0;  ///< the limiter's ceiling
};

/// The gain and limiter of one pass, fed interleaved float frames block by block.
class LoudnessStage {
 public:
  virtual ~LoudnessStage() = default;
  /// Processes `frames` frames of `samples` (changing them in place as it likes) and returns
  /// the frames ready to go on, valid until the next call; a limiter holds some back.
  virtual std::span<const float> process(float* samples, std::size_t frames) = 0;
  /// Returns the frames still held back at the end of the pass.
  virtual std::span<const float> flush() = 0;
};

/// The loudness kernels, supplied by the caller of transcode(). Used from the branch threads:
/// both functions must be safe to call concurrently.
class LoudnessProcessing {
 public:
  virtual ~LoudnessProcessing() = default;
  /// The first pass for sound measured at `source`: the gain to `target_lufs`, and the
  /// limiter at `ceiling_dbtp` when the gained true peak would pass it.
  virtual LoudnessPass plan(const Loudness& source, double target_lufs,
                            double ceiling_dbtp) const = 0;
  /// A fresh stage for one pass over `channels` interleaved channels at `sample_rate`.
  virtual std::unique_ptr<LoudnessStage> stage(const LoudnessPass& pass, int channels,
                                               int sample_rate) const = 0;
};

}  // namespace saluran::av
