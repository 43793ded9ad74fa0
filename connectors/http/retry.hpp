#pragma once
// When and how long to wait before trying an HTTP request again.

#include <chrono>
#include <functional>
#include <optional>
#include <string_view>

namespace saluran::http {

/// Retry with exponential backoff and full jitter: before retry n (0-based) the client sleeps a
/// uniformly random time in [0, min(max_delay, initial_delay * 2^n)], or what the server asked
/// for in Retry-After (capped at max_retry_after). It gives up after max_attempts tries or when
/// the next sleep would end past max_total from the first try.
struct RetryPolicy {
  int max_attempts = 6;
  std::chrono::milliseconds initial_delay{500};
  std::chrono::milliseconds max_delay{30'000};
  std::chrono::milliseconds max_retry_after{120'000};
  std::chrono::milliseconds max_total{300'000};

  /// Waits; tests inject one that only advances a fake clock.
  std::function<void(std::chrono::milliseconds)> sleep{};
  /// The wall clock (Retry-After dates and the total budget); tests inject a fake one.
  std::function<std::chrono::system_clock::time_point()> now{};
  /// A uniform random number in [0, 1) for the jitter; tests inject a fixed one.
  std::function<double()> random{};
};

/// The policy with sleep, now and random filled with the real ones where empty.
RetryPolicy with_defaults(RetryPolicy policy);

/// True for statuses worth retrying: 408, 429 and 5xx.
bool retryable_status(long status);

/// The full-jitter delay before retry `retry_index` (0 for the first retry).
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int retry_index);

/// The wait a Retry-After value asks for: delay-seconds or an HTTP date (relative to `now`),
/// capped at `cap`; none when the value is unreadable. A date in the past is zero.
std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now,
    std::chrono::milliseconds cap);

}  // namespace saluran::http
