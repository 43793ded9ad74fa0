#pragma once
// Cancellation: a request to stop long work early, set once (by a signal handler or another
// thread) and read by the stages between units of work (a packet, a frame, a file). Work that
// sees it stops, removes what it had half written and reports ErrorCode::kCancelled.
//
//   CancelFlag& flag = cancel_on_signals();   // Ctrl-C and SIGTERM set it
//   opt.cancel = &flag;                        // render checks it
//   if (flag.cancelled()) return 128 + flag.signal();

#include <atomic>
#include <string>

#include "pipeline/model/error.hpp"

namespace saluran {

/// A stop request. Setting and reading it never blocks and is safe in a signal handler.
class CancelFlag {
 public:
  /// Asks the work to stop; `signal` is the signal that asked (0: none). The first call wins.
  void cancel(int signal = 0) noexcept {
    int expected = kNotSet;
    state_.compare_exchange_strong(expected, signal);
  }
  /// True once cancel() was called.
  bool cancelled() const noexcept { return state_.load() != kNotSet; }
  /// The signal that set the flag (SIGINT, SIGTERM), 0 when set otherwise or not set.
  int signal() const noexcept {
    const int s = state_.load();
    return s == kNotSet ? 0 : s;
  }

 private:
  static constexpr int kNotSet = -1;
  std::atomic<int> state_{kNotSet};
  static_assert(std::atomic<int>::is_always_lock_free, "set from a signal handler");
};

/// True when `flag` is given and set.
inline bool is_cancelled(const CancelFlag* flag) { return flag != nullptr && flag->cancelled(); }

/// The error of work stopped by a cancel, naming `file` ("interrupted before it was finished").
Error cancelled_error(const std::string& file);

/// The process's flag, set by the first SIGINT or SIGTERM from now on; a second one of either
/// ends the process at once (the default action), as users expect of a second Ctrl-C.
CancelFlag& cancel_on_signals();

/// Plain words for what stopped a run: "interrupted (Ctrl-C)", "stopped (SIGTERM)".
std::string cancel_reason(const CancelFlag& flag);

}  // namespace saluran
