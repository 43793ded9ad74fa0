#pragma once
// Drone flight telemetry, as read from a DJI .SRT subtitle file written beside each video.

#include <optional>
#include <string>

namespace saluran {

/// One position fix: decimal degrees (north and east positive) and metres.
struct GeoPoint {
  double latitude = 0;
  double longitude = 0;
  std::optional<double> altitude_m;  ///< above sea level or take-off, as the file states
};

/// Summary of a DJI .SRT telemetry track.
struct Telemetry {
  std::string format;      ///< "dji-srt-v1" (HOME/GPS lines) or "dji-srt-v2" ([latitude: ...])
  int frames = 0;          ///< number of subtitle cues (one per frame or per second)
  double start_s = 0;      ///< first cue start, seconds into the video
  double end_s = 0;        ///< last cue end, seconds into the video
  std::string first_time;  ///< wall-clock time of the first cue, ISO 8601 without zone
  std::string last_time;   ///< wall-clock time of the last cue
  std::optional<GeoPoint> first_position;  ///< first cue with a valid position
  std::optional<GeoPoint> last_position;   ///< last cue with a valid position
  std::optional<double> min_altitude_m;    ///< lowest altitude over the track
  std::optional<double> max_altitude_m;    ///< highest altitude over the track
};

}  // namespace saluran
