#include "pipeline/ops/loudness_gain.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

namespace saluran {
namespace {

constexpr double kSilenceLufs = -70.0;

// The detector aims this far under the ceiling: the gain ramps add a trace of modulation that
// the detector (looking at the input) cannot see, and other meters' interpolators read the
// same peak a little differently. libebur128 reads exactly the detector's ceiling on the test
// signals; ffmpeg's ebur128 filter reads up to 0.15 dB more on full-scale content near Nyquist.
constexpr double kDetectMarginDb = 0.05;

// Frames on either side of a peak that get its full reduction: an inter-sample peak is built
// mostly from its nearest samples, and all of those must be turned down by the same amount.
constexpr std::size_t kGuardFrames = 8;

// A released gain this close to unity is unity: the exponential never gets there by itself,
// and quiet passages must come out bit for bit.
constexpr double kUnitySnap = 1e-6;

double db_to_linear(double db) { return std::pow(10.0, db / 20.0); }

// Modified Bessel function of the first kind, order 0 (for the Kaiser window).
double bessel_i0(double x) {
  double sum = 1.0;
  double term = 1.0;
  for (int k = 1; k < 50; ++k) {
    term *= (x / (2.0 * k)) * (x / (2.0 * k));
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return sum;
}

// TruePeakLimiter::kTaps and kPhases (private there), for the coefficient builders.
constexpr std::size_t kTapCount = 48;
constexpr std::size_t kPhaseCount = 4;

// The accurate interpolator: a Kaiser-windowed sinc cut off at the input's Nyquist frequency,
// [tap][phase], oldest tap first. Tap i of phase p weighs the sample at distance d from the
// point it estimates, which lies kCentre - p/4 frames back; phase 0 is that sample itself.
std::vector<float> sinc_coefs() {
  constexpr double kCentre = kTapCount / 2;
  constexpr double kHalfWidth = kCentre + 0.5;
  constexpr double kBeta = 6.0;  // ~60 dB stop band, flat (0.01 dB) to 0.45 fs with 48 taps
  const double window_norm = bessel_i0(kBeta);
  std::vector<float> coefs(kTapCount * kPhaseCount, 0.0f);
  for (std::size_t p = 0; p < kPhaseCount; ++p) {
    std::array<double, kTapCount> h{};
    double sum = 0;
    for (std::size_t i = 0; i < kTapCount; ++i) {
      const double d =
          static_cast<double>(i) - (kTapCount - 1 - kCentre) - static_cast<double>(p) / kPhaseCount;
      if (p == 0) {
        h[i] = d == 0 ? 1.0 : 0.0;
      } else {
        const double x = std::numbers::pi * d;
        const double r = d / kHalfWidth;
        h[i] = std::sin(x) / x * bessel_i0(kBeta * std::sqrt(std::max(0.0, 1.0 - r * r))) /
               window_norm;
      }
      sum += h[i];
    }
    // Unity gain at DC for every phase, so a constant signal reads the same on all four.
    for (std::size_t i = 0; i < kTapCount; ++i)
      coefs[i * kPhaseCount + p] = static_cast<float>(h[i] / sum);
  }
  return coefs;
}

// The interpolator libebur128 (1.2.x) measures true peak with: 49 taps of Hann-windowed sinc
// at 4x below 96 kHz, 2x below 192 kHz, none above, laid out like sinc_coefs(). Where a signal
// has much energy near Nyquist the two filters draw different waveforms (taking away high
// frequencies can raise a peak), and each may find a peak the other misses (0.6 dB on white
// noise): the limiter satisfies both, so that LoudnessMeter agrees with it.
std::vector<float> ebur128_coefs(int sample_rate) {
  std::vector<float> coefs(kTapCount * kPhaseCount, 0.0f);
  coefs[(kTapCount / 2 - 1) * kPhaseCount] = 1.0f;  // phase 0: the sample itself
  const int factor = sample_rate < 96000 ? 4 : sample_rate < 192000 ? 2 : 1;
  if (factor == 1) return coefs;
  constexpr int kMeterTaps = 49;
  const int centre = (kMeterTaps - 1) / 2;
  for (int j = 0; j < kMeterTaps; ++j) {
    const int f = j % factor;
    if (f == 0) continue;  // the sample itself, already set
    const double m = j - centre;
    const double x = m * std::numbers::pi / factor;
    const double c =
        std::sin(x) / x * 0.5 * (1 - std::cos(2 * std::numbers::pi * j / (kMeterTaps - 1)));
    // Phase f estimates the point centre/factor - f/factor input frames before its newest tap,
    // which is our phase f * 4/factor; line its taps up with the same point in our window.
    const int idx = j / factor;
    const int tap = static_cast<int>(kTapCount / 2) - 1 + centre / factor - idx;
    const std::size_t phase = static_cast<std::size_t>(f * static_cast<int>(kPhaseCount) / factor);
    coefs[static_cast<std::size_t>(tap) * kPhaseCount + phase] = static_cast<float>(c);
  }
  return coefs;
}

double worst_abs_sum(const std::vector<float>& coefs) {
  double worst = 1.0;
  for (std::size_t p = 0; p < kPhaseCount; ++p) {
    double sum = 0;
    for (std::size_t i = 0; i < kTapCount; ++i) sum += std::fabs(coefs[i * kPhaseCount + p]);
    worst = std::max(worst, sum);
  }
  return worst;
}

}  // namespace

double loudness_gain_db(double measured_lufs, double target_lufs) {
  if (!std::isfinite(measured_lufs) || !std::isfinite(target_lufs)) return 0.0;
  if (measured_lufs <= kSilenceLufs) return 0.0;
  return target_lufs - measured_lufs;
}

LoudnessPlan plan_loudness(const Loudness& measured, double target_lufs, double ceiling_dbtp) {
  LoudnessPlan plan;
  plan.gain_db = loudness_gain_db(measured.integrated_lufs, target_lufs);
  plan.limited = measured.true_peak_dbtp + plan.gain_db > ceiling_dbtp;
  return plan;
}

void apply_gain(float* samples, std::size_t count, double gain_db) {
  if (samples == nullptr || gain_db == 0.0 || !std::isfinite(gain_db)) return;
  const auto factor = static_cast<float>(db_to_linear(gain_db));
  for (std::size_t i = 0; i < count; ++i) samples[i] *= factor;
}

// ---------------------------------------------------------------------------------------------
// TruePeakLimiter

TruePeakLimiter::TruePeakLimiter(int channels, int sample_rate, double ceiling_dbtp,
                                 double lookahead_ms, double release_ms)
    : channels_(std::max(1, channels)) {
  const double rate = std::max(1, sample_rate);
  const double ahead = lookahead_ms > 0 ? std::round(lookahead_ms * rate / 1000.0) : 1.0;
  lookahead_ = static_cast<std::size_t>(std::clamp(ahead, 1.0, 10.0 * rate));
  guard_ = kGuardFrames;
  hold_ = lookahead_ + 2 * guard_;
  // Detection sees frame n - kCentre; the gain reaches it after lookahead_ + guard_ - 1 more.
  latency_ = kCentre + lookahead_ + guard_ - 1;
  release_coef_ = release_ms > 0 ? -std::expm1(-1000.0 / (release_ms * rate)) : 1.0;
  detect_ceiling_ = db_to_linear(ceiling_dbtp - kDetectMarginDb);

  static_assert(kTaps == kTapCount && kPhases == kPhaseCount);
  coefs_ = sinc_coefs();
  meter_coefs_ = ebur128_coefs(sample_rate);
  meter_first_tap_ = kTaps;
  meter_last_tap_ = 0;
  for (std::size_t i = 0; i < kTaps; ++i) {
    for (std::size_t p = 1; p < kPhases; ++p) {
      if (meter_coefs_[i * kPhases + p] == 0.0f) continue;
      meter_first_tap_ = std::min(meter_first_tap_, i);
      meter_last_tap_ = std::max(meter_last_tap_, i);
    }
  }
  // No interpolated value exceeds (largest |sample| in the window) * (largest sum of |coef|
  // of any phase); a small factor covers float rounding.
  const double worst_sum = std::max(worst_abs_sum(coefs_), worst_abs_sum(meter_coefs_));
  loud_level_ = detect_ceiling_ / (worst_sum * 1.001);

  history_.assign(static_cast<std::size_t>(channels_) * 2 * kTaps, 0.0f);
  min_index_.assign(hold_ + 1, 0);
  min_value_.assign(hold_ + 1, 1.0);
  box_.assign(lookahead_, 0.0);
  delay_.assign((latency_ + 1) * static_cast<std::size_t>(channels_), 0.0f);
  silence_.assign(static_cast<std::size_t>(channels_), 0.0f);
  reset();
}

void TruePeakLimiter::reset() {
  min_gain_ = 1.0;
  std::fill(history_.begin(), history_.end(), 0.0f);
  history_pos_ = 0;
  frames_since_loud_ = kTaps;
  min_head_ = 0;
  min_size_ = 0;
  detect_count_ = 0;
  release_gain_ = 1.0;
  std::fill(box_.begin(), box_.end(), 0.0);
  box_pos_ = 0;
  box_sum_ = 0.0;
  box_nonzero_ = 0;
  std::fill(delay_.begin(), delay_.end(), 0.0f);
  delay_pos_ = 0;
  frames_in_ = 0;
  frames_fed_ = 0;
  frames_out_ = 0;
}

double TruePeakLimiter::max_reduction_db() const { return 20.0 * std::log10(min_gain_); }

void TruePeakLimiter::process(const float* in, std::size_t frames, std::vector<float>& out) {
  if (in == nullptr || frames == 0) return;
  const auto c = static_cast<std::size_t>(channels_);
  const std::uint64_t before = frames_fed_ > latency_ ? frames_fed_ - latency_ : 0;
  const std::uint64_t fed = frames_fed_ + frames;
  const std::uint64_t after = fed > latency_ ? fed - latency_ : 0;
  const std::size_t base = out.size();
  // One resize per call; the loop below writes in place.
  out.resize(base + static_cast<std::size_t>(after - before) * c);
  float* dst = out.data() + base;
  for (std::size_t f = 0; f < frames; ++f) {
    const bool emits = frames_fed_ >= latency_;
    push_frame(in + f * c, emits ? dst : nullptr);
    if (emits) dst += c;
  }
  frames_in_ += frames;
  frames_out_ += after - before;
}

void TruePeakLimiter::flush(std::vector<float>& out) {
  const auto c = static_cast<std::size_t>(channels_);
  const std::size_t base = out.size();
  out.resize(base + static_cast<std::size_t>(frames_in_ - frames_out_) * c);
  float* dst = out.data() + base;
  // Silence after the end lets the last real frames through the delay line and the detector.
  while (frames_out_ < frames_in_) {
    const bool emits = frames_fed_ >= latency_;
    push_frame(silence_.data(), emits ? dst : nullptr);
    if (emits) {
      dst += c;
      ++frames_out_;
    }
  }
  const double deepest = min_gain_;
  reset();
  min_gain_ = deepest;
}

void TruePeakLimiter::push_frame(const float* frame, float* out) {
  const auto c = static_cast<std::size_t>(channels_);
  const std::size_t slots = latency_ + 1;
  std::copy(frame, frame + c, delay_.begin() + static_cast<std::ptrdiff_t>(delay_pos_ * c));

  float frame_peak = 0.0f;
  for (std::size_t ch = 0; ch < c; ++ch) {
    float* h = history_.data() + ch * 2 * kTaps;
    h[history_pos_] = frame[ch];
    h[history_pos_ + kTaps] = frame[ch];
    frame_peak = std::max(frame_peak, std::fabs(frame[ch]));
  }
  history_pos_ = (history_pos_ + 1) % kTaps;
  frames_since_loud_ =
      frame_peak > loud_level_ ? 0 : std::min<std::size_t>(frames_since_loud_ + 1, kTaps);
  const double peak = detect_peak();
  const double required = peak > detect_ceiling_ ? detect_ceiling_ / peak : 1.0;
  const double gain = next_gain(required);

  if (out != nullptr) {
    // The oldest frame of the ring: it went in latency_ frames ago.
    const std::size_t oldest = (delay_pos_ + 1) % slots;
    const float* src = delay_.data() + oldest * c;
    if (gain == 1.0) {
      std::copy(src, src + c, out);
    } else {
      for (std::size_t ch = 0; ch < c; ++ch)
        out[ch] = static_cast<float>(static_cast<double>(src[ch]) * gain);
    }
    min_gain_ = std::min(min_gain_, gain);
  }
  delay_pos_ = (delay_pos_ + 1) % slots;
  ++frames_fed_;
}

double TruePeakLimiter::detect_peak() const {
  // Quiet stretches (most of any programme) cannot hold a peak near the ceiling: skip the FIRs.
  if (frames_since_loud_ >= kTaps) return 0.0;
  double peak = 0.0;
  for (std::size_t ch = 0; ch < static_cast<std::size_t>(channels_); ++ch) {
    // The window of the last kTaps samples, oldest first.
    const float* w = history_.data() + ch * 2 * kTaps + history_pos_;
    // Four phases side by side: the inner loop is one vector multiply-add per tap.
    std::array<float, kPhases> acc{};
    for (std::size_t i = 0; i < kTaps; ++i) {
      const float* k = coefs_.data() + i * kPhases;
      for (std::size_t p = 0; p < kPhases; ++p) acc[p] += k[p] * w[i];
    }
    std::array<float, kPhases> meter{};
    for (std::size_t i = meter_first_tap_; i <= meter_last_tap_; ++i) {
      const float* k = meter_coefs_.data() + i * kPhases;
      for (std::size_t p = 0; p < kPhases; ++p) meter[p] += k[p] * w[i];
    }
    for (std::size_t p = 0; p < kPhases; ++p) {
      peak = std::max(peak, static_cast<double>(std::max(std::fabs(acc[p]), std::fabs(meter[p]))));
    }
  }
  return peak;
}

double TruePeakLimiter::next_gain(double required) {
  // 1. The lowest required gain of the last hold_ detections (monotonic queue).
  const std::size_t cap = min_index_.size();
  const std::uint64_t j = detect_count_++;
  while (min_size_ > 0 && min_value_[(min_head_ + min_size_ - 1) % cap] >= required) --min_size_;
  const std::size_t back = (min_head_ + min_size_) % cap;
  min_index_[back] = j;
  min_value_[back] = required;
  ++min_size_;
  while (min_index_[min_head_] + hold_ <= j) {
    min_head_ = (min_head_ + 1) % cap;
    --min_size_;
  }
  const double held = min_value_[min_head_];

  // 2. Instant attack, exponential release towards the held requirement. Staying at or under
  // `held` keeps the guarantee of step 3.
  if (held <= release_gain_) {
    release_gain_ = held;
  } else {
    release_gain_ += release_coef_ * (held - release_gain_);
    if (held >= 1.0 && release_gain_ > 1.0 - kUnitySnap) release_gain_ = 1.0;
  }

  // 3. A moving average over the look-ahead turns steps into ramps. Every value it averages
  // for the frame at a peak (and guard_ frames either side) is at or under that peak's
  // requirement, so the average is too.
  const double reduction = 1.0 - release_gain_;
  const double old = box_[box_pos_];
  box_nonzero_ += (reduction != 0.0 ? 1 : 0);
  box_nonzero_ -= (old != 0.0 ? 1 : 0);
  box_sum_ += reduction - old;
  box_[box_pos_] = reduction;
  box_pos_ = (box_pos_ + 1) % lookahead_;
  if (box_nonzero_ == 0) {
    box_sum_ = 0.0;  // no rounding residue left behind: unity is exactly 1
    return 1.0;
  }
  return std::clamp(1.0 - box_sum_ / static_cast<double>(lookahead_), 0.0, 1.0);
}

}  // namespace saluran
