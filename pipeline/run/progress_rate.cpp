#include "pipeline/run/progress_rate.hpp"

#include <algorithm>

namespace saluran {
namespace {

// Before this much time has passed, a rate says more about start-up than about the work.
constexpr double kSettleSeconds = 0.5;

}  // namespace

std::optional<double> ProgressRate::rate(double done, Clock::time_point now) const {
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double progress = done - done_at_start_;
  if (elapsed < kSettleSeconds || progress <= 0) return std::nullopt;
  return progress / elapsed;
}

std::optional<double> ProgressRate::eta_s(double done, double total, Clock::time_point now) const {
  const auto r = rate(done, now);
  if (!r) return std::nullopt;
  return std::max(0.0, total - done) / *r;
}

}  // namespace saluran
