#pragma once
// Loudness normalisation: the gain that brings a measured programme to its target, and a
// look-ahead limiter that keeps the true (inter-sample) peak under a ceiling afterwards.
//
//   LoudnessPlan plan = plan_loudness(measured, -23.0, -1.0);   // EBU R128 broadcast
//   apply_gain(samples.data(), samples.size(), plan.gain_db);
//   if (plan.limited) {
//     TruePeakLimiter limiter(2, 48000, -1.0);
//     limiter.process(samples.data(), frames, out);   // out lags by latency_frames()
//     limiter.flush(out);                              // out.size() == samples.size()
//   }

#include <cstddef>
#include <cstdint>
#include <vector>

#include "pipeline/model/loudness.hpp"

namespace saluran {

/// Gain in dB that moves `measured_lufs` to `target_lufs`; 0 for silence (measured <= -70
/// LUFS, where no gain is meaningful) and for non-finite inputs.
double loudness_gain_db(double measured_lufs, double target_lufs);

/// What normalising one programme takes.
struct LoudnessPlan {
  double gain_db = 0.0;  ///< gain to apply (loudness_gain_db)
  bool limited = false;  ///< the gained true peak would exceed the ceiling: run the limiter
};

/// Gain to reach `target_lufs`, and whether the measured true peak plus that gain goes over
/// `ceiling_dbtp`.
LoudnessPlan plan_loudness(const Loudness& measured, double target_lufs, double ceiling_dbtp);

/// Multiplies `count` samples by the linear factor of `gain_db` (0 dB leaves them untouched).
void apply_gain(float* samples, std::size_t count, double gain_db);

/// Look-ahead limiter on the true peak of interleaved float audio, with one gain for all
/// channels. Peaks are found on a 4x oversampled copy (windowed-sinc polyphase FIR, 48 taps
/// per phase, and libebur128's own shorter filter), so inter-sample peaks count. The gain falls in
/// a smooth ramp over the look-ahead to reach the needed reduction when the peak leaves the delay
/// line, holds it around the peak and comes back exponentially; where no reduction is near, samples
/// pass through bit for bit. Output lags input by latency_frames(); results do not depend on how
/// the input is cut into blocks. No allocation per sample.
class TruePeakLimiter {
 public:
  /// `channels` >= 1, `sample_rate` > 0 (values below are taken as 1), `ceiling_dbtp` the
  /// highest true peak allowed, `lookahead_ms` the attack ramp (at least one frame),
  /// `release_ms` the time constant of the return to unity gain.
  TruePeakLimiter(int channels, int sample_rate, double ceiling_dbtp, double lookahead_ms = 1.5,
                  double release_ms = 100.0);

  /// Limits `frames` interleaved frames of finite samples and appends the frames that leave
  /// the delay line to `out` (fewer than `frames` until latency_frames() have gone in).
  void process(const float* in, std::size_t frames, std::vector<float>& out);
  /// Appends the frames still in the delay line, so that everything processed has come out,
  /// and makes the limiter ready for a new stream.
  void flush(std::vector<float>& out);
  /// Forgets all input (as after flush, without output).
  void reset();

  /// Frames between a frame going in and coming out.
  std::size_t latency_frames() const { return latency_; }
  /// Interleaved samples per frame.
  int channels() const { return channels_; }
  /// Deepest gain reduction applied since construction or reset, in dB (0 or negative).
  double max_reduction_db() const;

 private:
  static constexpr std::size_t kPhases = 4;
  static constexpr std::size_t kTaps = 48;  // per phase
  // Phase 0 of the interpolators is the input sample kCentre frames back.
  static constexpr std::size_t kCentre = kTaps / 2;

  void push_frame(const float* frame, float* out);
  double detect_peak() const;
  double next_gain(double required);

  int channels_;
  double detect_ceiling_;  // linear; a hair under the ceiling for the measuring filters' sake
  double loud_level_;      // below it no interpolated value can reach detect_ceiling_
  std::size_t lookahead_;  // attack ramp, frames
  std::size_t guard_;      // frames of full reduction on either side of a peak
  std::size_t hold_;       // lookahead_ + 2 * guard_
  std::size_t latency_;
  double release_coef_;

  // Polyphase coefficients, [tap][phase], oldest tap first, so that the four phases of one
  // tap sit side by side: an accurate windowed sinc, and the shorter filter libebur128 uses
  // (nonzero from meter_first_tap_ to meter_last_tap_).
  std::vector<float> coefs_;
  std::vector<float> meter_coefs_;
  std::size_t meter_first_tap_ = 0;
  std::size_t meter_last_tap_ = 0;
  // Per channel, the last kTaps samples written twice (at pos and pos + kTaps) so that the
  // window is always contiguous.
  std::vector<float> history_;
  std::size_t history_pos_ = 0;
  std::size_t frames_since_loud_ = kTaps;

  // Sliding minimum of the required gain over hold_ values (monotonic queue in a ring).
  std::vector<std::uint64_t> min_index_;
  std::vector<double> min_value_;
  std::size_t min_head_ = 0;
  std::size_t min_size_ = 0;
  std::uint64_t detect_count_ = 0;

  double release_gain_ = 1.0;
  // Moving average of the reduction (1 - gain) over lookahead_ values.
  std::vector<double> box_;
  std::size_t box_pos_ = 0;
  double box_sum_ = 0.0;
  std::size_t box_nonzero_ = 0;

  // The input waiting to come out, latency_ + 1 frames.
  std::vector<float> delay_;
  std::size_t delay_pos_ = 0;

  std::uint64_t frames_in_ = 0;   // real frames given to process()
  std::uint64_t frames_fed_ = 0;  // frames pushed through, flush padding included
  std::uint64_t frames_out_ = 0;
  std::vector<float> silence_;  // one frame of zeros for flush
  double min_gain_ = 1.0;
};

}  // namespace saluran
