#include "pipeline/ops/loudness_processing.hpp"

#include <optional>
#include <vector>

#include "pipeline/ops/loudness_gain.hpp"

namespace saluran {
namespace {

// Gain, then the limiter when the pass asks for it.
class GainAndLimiter final : public av::LoudnessStage {
 public:
  GainAndLimiter(const av::LoudnessPass& pass, int channels, int sample_rate)
      : gain_db_(pass.gain_db), channels_(static_cast<std::size_t>(channels)) {
    if (pass.limit) limiter_.emplace(channels, sample_rate, pass.ceiling_dbtp);
  }

  std::span<const float> process(float* samples, std::size_t frames) override {
    apply_gain(samples, frames * channels_, gain_db_);
    if (!limiter_) return {samples, frames * channels_};
    limited_.clear();
    limiter_->process(samples, frames, limited_);
    return limited_;
  }

  std::span<const float> flush() override {
    limited_.clear();
    if (limiter_) limiter_->flush(limited_);
    return limited_;
  }

 private:
  double gain_db_;
  std::size_t channels_;
  std::optional<TruePeakLimiter> limiter_;
  std::vector<float> limited_;
};

class OpsLoudness final : public av::LoudnessProcessing {
 public:
  av::LoudnessPass plan(const Loudness& source, double target_lufs,
                        double ceiling_dbtp) const override {
    const LoudnessPlan p = plan_loudness(source, target_lufs, ceiling_dbtp);
    return {p.gain_db, p.limited, ceiling_dbtp};
  }
  std::unique_ptr<av::LoudnessStage> stage(const av::LoudnessPass& pass, int channels,
                                           int sample_rate) const override {
    return std::make_unique<GainAndLimiter>(pass, channels, sample_rate);
  }
};

}  // namespace

std::shared_ptr<const av::LoudnessProcessing> loudness_processing() {
  return std::make_shared<const OpsLoudness>();
}

}  // namespace saluran
