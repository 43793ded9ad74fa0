#pragma once
// Encoder settings as plain values (no libav types), so that the render stage can fill them
// without seeing libav; av_encode.hpp opens encoders with them.

#include <string>

namespace saluran::av {

/// libx264 settings; the names follow the preset file.
struct H264Settings {
  std::string profile = "high";
  std::string speed = "veryfast";
  int bitrate_kbps = 0;
  int max_bitrate_kbps = 0;  ///< 0 = no VBV cap
  int gop_frames = 60;
  int bframes = 2;
  bool closed_gop = true;
  int rate_num = 30;
  int rate_den = 1;
  /// Encoder threads; 0 = x264's own choice (1.5 per core, frame-threaded). Not an encoding
  /// setting: the transcoder lowers it when several encoders already share the cores.
  int threads = 0;
};

/// Audio encoder settings.
struct AudioEncodeSettings {
  std::string encoder = "aac";  ///< "aac", "libmp3lame", "pcm_s16le"
  int sample_rate = 48000;
  int channels = 2;
  int bitrate_kbps = 128;
};

/// The ffmpeg command-line options that give the same encoder settings (for the manifest and
/// the benchmark's reference commands).
std::string ffmpeg_video_options(const H264Settings& s);

}  // namespace saluran::av
