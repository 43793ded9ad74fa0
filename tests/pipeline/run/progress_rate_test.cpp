// The rate and time left of long work: nothing shown before it can be told, then the rate
// since the start (or the last restart) and the time left at that rate.

#include "pipeline/run/progress_rate.hpp"

#include <gtest/gtest.h>

namespace saluran {
namespace {

using namespace std::chrono_literals;
using Clock = ProgressRate::Clock;

TEST(ProgressRate, UnknownUntilHalfASecondAndSomeWork) {
  const Clock::time_point t0{};
  ProgressRate r(t0, 0);
  EXPECT_FALSE(r.rate(5, t0 + 100ms));  // too early to tell
  EXPECT_FALSE(r.rate(0, t0 + 2s));     // nothing done yet
  EXPECT_FALSE(r.eta_s(0, 10, t0 + 2s));
}

TEST(ProgressRate, RateAndTimeLeft) {
  const Clock::time_point t0{};
  ProgressRate r(t0, 0);
  // 6 s of media in 2 s of wall time: 3x, and 24 s left of 30 take 8 s.
  ASSERT_TRUE(r.rate(6, t0 + 2s));
  EXPECT_DOUBLE_EQ(*r.rate(6, t0 + 2s), 3.0);
  EXPECT_DOUBLE_EQ(*r.eta_s(6, 30, t0 + 2s), 8.0);
  // Past the total: nothing left.
  EXPECT_DOUBLE_EQ(*r.eta_s(40, 30, t0 + 2s), 0.0);
}

TEST(ProgressRate, RestartMeasuresTheNewPhaseAlone) {
  const Clock::time_point t0{};
  ProgressRate r(t0, 0);
  r.restart(t0 + 10s, 4);  // 4 files were done before this phase
  EXPECT_FALSE(r.rate(4, t0 + 12s));
  EXPECT_DOUBLE_EQ(*r.rate(8, t0 + 12s), 2.0);
  EXPECT_DOUBLE_EQ(*r.eta_s(8, 10, t0 + 12s), 1.0);
}

}  // namespace
}  // namespace saluran
