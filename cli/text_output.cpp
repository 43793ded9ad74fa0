#include "cli/text_output.hpp"

#include <algorithm>
#include <cmath>
#include <iostream>
#include <iterator>

#include <fmt/format.h>

#include "pipeline/stages/face_detector.hpp"

namespace saluran::cli {

void note_face_model() {
  if (const std::string problem = face_model_problem(); !problem.empty())
    std::cerr << "note: " << problem << '\n';
}

void print_columns(const std::vector<std::vector<std::string>>& rows) {
  if (rows.empty()) return;
  std::vector<std::size_t> width(rows[0].size(), 0);
  for (const auto& r : rows)
    for (std::size_t c = 0; c < r.size() && c < width.size(); ++c)
      width[c] = std::max(width[c], r[c].size());
  for (const auto& r : rows) {
    std::string line;
    for (std::size_t c = 0; c < r.size(); ++c) {
      line += c + 1 < r.size() ? fmt::format("{:<{}}  ", r[c], width[c]) : r[c];
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::cout << line << '\n';
  }
}

std::string human_bytes(std::uint64_t bytes) {
  static const char* kUnits[] = {"B", "kB", "MB", "GB", "TB"};
  double v = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (v >= 1000 && unit + 1 < std::size(kUnits)) {
    v /= 1000;
    ++unit;
  }
  return unit == 0 ? fmt::format("{} B", bytes) : fmt::format("{:.1f} {}", v, kUnits[unit]);
}

std::string clock_text(double seconds) {
  const long s = std::lround(std::max(0.0, seconds));
  return s >= 3600 ? fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
                   : fmt::format("{}:{:02}", s / 60, s % 60);
}

std::string human_bitrate(double bits_per_second) {
  const double v = std::max(0.0, bits_per_second);
  if (v >= 1e6) return fmt::format("{:.1f} Mb/s", v / 1e6);
  if (v >= 1e3) return fmt::format("{:.0f} kb/s", v / 1e3);
  return fmt::format("{:.0f} b/s", v);
}

std::string short_duration(double seconds) {
  // A tenth of a second is too coarse under a second: 0.04 s must not read as nothing.
  if (seconds < 0.9995) return fmt::format("{}ms", std::lround(std::max(0.0, seconds) * 1000));
  return seconds < 59.95 ? fmt::format("{:.1f}s", seconds) : clock_text(seconds);
}

}  // namespace saluran::cli
