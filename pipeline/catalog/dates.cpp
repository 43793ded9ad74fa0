#include "pipeline/catalog/dates.hpp"

#include <chrono>
#include <ctime>

namespace saluran {
namespace {

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/// The number written by the digits s[from, to), or -1 if any is not a digit.
int digits(std::string_view s, std::size_t from, std::size_t to) {
  int v = 0;
  for (std::size_t i = from; i < to; ++i) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

}  // namespace

bool is_calendar_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  const int y = digits(s, 0, 4);
  const int m = digits(s, 5, 7);
  const int d = digits(s, 8, 10);
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  return d <= kDays[m - 1] + (m == 2 && is_leap(y) ? 1 : 0);
}

std::string capture_day(const std::string& capture_time) {
  const std::string_view day = std::string_view(capture_time).substr(0, 10);
  return is_calendar_date(day) ? std::string(day) : std::string("unknown");
}

std::string now_utc_iso() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32] = {};
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace saluran
