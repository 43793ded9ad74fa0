// Cancellation: the flag is set once and remembers what set it; SIGINT and SIGTERM set the
// process's flag instead of ending the process, and its error says what happened.

#include "pipeline/run/cancel.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <thread>

namespace saluran {
namespace {

TEST(CancelFlag, SetOnceFirstSignalWins) {
  CancelFlag f;
  EXPECT_FALSE(f.cancelled());
  EXPECT_FALSE(is_cancelled(&f));
  EXPECT_FALSE(is_cancelled(nullptr));
  EXPECT_EQ(f.signal(), 0);
  f.cancel(SIGTERM);
  f.cancel(SIGINT);
  EXPECT_TRUE(f.cancelled());
  EXPECT_TRUE(is_cancelled(&f));
  EXPECT_EQ(f.signal(), SIGTERM);
  EXPECT_EQ(cancel_reason(f), "stopped (SIGTERM)");
}

TEST(CancelFlag, SetFromAnotherThread) {
  CancelFlag f;
  std::thread t([&f] { f.cancel(); });
  t.join();
  EXPECT_TRUE(f.cancelled());
  EXPECT_EQ(cancel_reason(f), "stopped");
}

TEST(CancelFlag, CancelledErrorNamesTheFile) {
  const Error e = cancelled_error("out/C0001.youtube.mp4");
  EXPECT_EQ(e.code, ErrorCode::kCancelled);
  EXPECT_EQ(e.context.file, "out/C0001.youtube.mp4");
  EXPECT_NE(e.message.find("interrupted"), std::string::npos);
}

// Run in a child: the test process keeps its own signal handlers.
TEST(CancelOnSignals, SigintSetsTheFlagAndASecondOneEndsTheProcess) {
  EXPECT_EXIT(
      {
        CancelFlag& flag = cancel_on_signals();
        ::raise(SIGINT);
        if (!flag.cancelled() || flag.signal() != SIGINT) ::_exit(1);
        if (cancel_reason(flag) != "interrupted (Ctrl-C)") ::_exit(2);
        ::raise(SIGINT);  // the default action now
        ::_exit(3);
      },
      ::testing::KilledBySignal(SIGINT), "");
}

}  // namespace
}  // namespace saluran
