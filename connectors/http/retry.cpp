#include "connectors/http/retry.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <random>
#include <string>
#include <thread>

namespace saluran::http {

RetryPolicy with_defaults(RetryPolicy policy) {
  if (!policy.sleep) {
    policy.sleep = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
  }
  if (!policy.now) policy.now = [] { return std::chrono::system_clock::now(); };
  if (!policy.random) {
    policy.random = [] {
      thread_local std::mt19937_64 gen{std::random_device{}()};
      return std::uniform_real_distribution<double>(0.0, 1.0)(gen);
    };
  }
  return policy;
}

bool retryable_status(long status) { return status == 408 || status == 429 || status >= 500; }

std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int retry_index) {
  // initial * 2^n, computed in double so a large n saturates at max_delay instead of overflowing.
  const double ceiling =
      std::min(static_cast<double>(policy.max_delay.count()),
               static_cast<double>(policy.initial_delay.count()) *
                   std::pow(2.0, static_cast<double>(std::clamp(retry_index, 0, 62))));
  const double r = policy.random ? std::clamp(policy.random(), 0.0, 1.0) : 1.0;
  return std::chrono::milliseconds(static_cast<long long>(ceiling * r));
}

std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now,
    std::chrono::milliseconds cap) {
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) {
    value.remove_prefix(1);
  }
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) {
    value.remove_suffix(1);
  }
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(),
                  [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    if (value.size() > 9) return cap;  // more than 30 years: the cap anyway
    const std::chrono::milliseconds asked = std::chrono::seconds(std::stol(std::string(value)));
    return std::min(asked, cap);
  }
  const std::string text(value);
  const time_t when = curl_getdate(text.c_str(), nullptr);
  if (when < 0) return std::nullopt;
  const auto delta = std::chrono::system_clock::from_time_t(when) - now;
  if (delta <= std::chrono::system_clock::duration::zero()) return std::chrono::milliseconds(0);
  return std::min(std::chrono::duration_cast<std::chrono::milliseconds>(delta), cap);
}

}  // namespace saluran::http
