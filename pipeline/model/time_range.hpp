#pragma once
// A stretch of a media file's timeline.

namespace saluran {

/// A stretch of the input, in seconds from its start (e.g. damaged pictures or sound that were
/// concealed).
struct TimeRange {
  double start_s = 0;
  double end_s = 0;
  bool operator==(const TimeRange&) const = default;
};

}  // namespace saluran
