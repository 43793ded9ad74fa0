#pragma once
// Opening encoders with a preset's settings, fed from a filter chain's output format.
//
//   auto enc = av::open_h264(settings, chain.sink(), muxer_wants_global_header);
//   auto aac = av::open_audio_encoder({"aac", 48000, 2, 384}, global_header);

#include <string>

#include "codecs/av/av_handles.hpp"
#include "pipeline/model/error.hpp"

struct AVFilterContext;

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

/// Opens libx264 for frames of the format `sink` gives (size, pixel format, colour).
Result<CodecContextPtr> open_h264(const H264Settings& s, const AVFilterContext* sink,
                                  bool global_header);

/// Audio encoder settings.
struct AudioEncodeSettings {
  std::string encoder = "aac";  ///< "aac", "libmp3lame", "pcm_s16le"
  int sample_rate = 48000;
  int channels = 2;
  int bitrate_kbps = 128;
};

/// Opens an audio encoder taking planar float (aac, mp3) or s16 (pcm).
Result<CodecContextPtr> open_audio_encoder(const AudioEncodeSettings& s, bool global_header);

/// The ffmpeg command-line options that give the same encoder settings (for the manifest and
/// the benchmark's reference commands).
std::string ffmpeg_video_options(const H264Settings& s);

}  // namespace saluran::av
