#include "pipeline/run/cancel.hpp"

#include <signal.h>

#include <cstring>

namespace saluran {
namespace {

// Constant-initialised: the handler never runs a constructor.
CancelFlag g_process_flag;

// The first signal only asks; the default action is then restored (signal() is
// async-signal-safe), so a second Ctrl-C ends a run that does not stop quickly enough.
extern "C" void on_stop_signal(int sig) {
  g_process_flag.cancel(sig);
  ::signal(SIGINT, SIG_DFL);
  ::signal(SIGTERM, SIG_DFL);
}

}  // namespace

Error cancelled_error(const std::string& file) {
  return make_error(ErrorCode::kCancelled, "interrupted before it was finished", file);
}

CancelFlag& cancel_on_signals() {
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  return g_process_flag;
}

std::string cancel_reason(const CancelFlag& flag) {
  switch (flag.signal()) {
    case SIGINT:
      return "interrupted (Ctrl-C)";
    case SIGTERM:
      return "stopped (SIGTERM)";
    case 0:
      return "stopped";
    default:
      return "stopped (signal " + std::to_string(flag.signal()) + ")";
  }
}

}  // namespace saluran
