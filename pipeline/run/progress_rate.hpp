#pragma once
// The rate and time left of a piece of long work, in whatever unit it counts (seconds of
// media, files, bytes), for progress lines: "3.1x  ETA 0:09", "1.8 files/s  ETA 0:46".
//
//   ProgressRate rate(Clock::now(), 0.0);          // started, nothing done yet
//   ... rate.eta_s(done, total, Clock::now())       // nullopt until it can be told
//   rate.restart(Clock::now(), done);               // a new phase measured on its own

#include <chrono>
#include <optional>

namespace saluran {

/// Measures progress from a starting point in time and amount done.
class ProgressRate {
 public:
  using Clock = std::chrono::steady_clock;

  /// Measures from `start`, when `done` was already done.
  explicit ProgressRate(Clock::time_point start = Clock::now(), double done = 0)
      : start_(start), done_at_start_(done) {}

  /// Measures again from `start` (a new phase or input), when `done` was done.
  void restart(Clock::time_point start, double done = 0) {
    start_ = start;
    done_at_start_ = done;
  }

  /// Units done per second since the start; nullopt until half a second has passed and some
  /// work was done (earlier figures only flicker).
  std::optional<double> rate(double done, Clock::time_point now) const;

  /// Seconds left to reach `total` at the measured rate; nullopt while the rate is unknown.
  std::optional<double> eta_s(double done, double total, Clock::time_point now) const;

 private:
  Clock::time_point start_;
  double done_at_start_ = 0;
};

}  // namespace saluran
