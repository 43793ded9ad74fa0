#pragma once
// Everything `saluran probe` learns about one file, without decoding its pixels.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/model/metadata.hpp"
#include "pipeline/model/telemetry.hpp"

namespace saluran {

/// What a file is, by content.
enum class MediaKind { kPhoto, kVideo, kAudio, kTelemetry };

/// Stable lower-case name: "photo", "video", "audio", "telemetry".
const char* media_kind_name(MediaKind k);

/// Picture facts of a photo or a video stream.
struct PictureInfo {
  std::string codec;      ///< "h264", "hevc", "jpeg", "png", "webp", "heic", ...
  std::string profile;    ///< codec profile when known ("High", "Main 10")
  int width = 0;          ///< as stored
  int height = 0;         ///< as stored
  int rotation = 0;       ///< clockwise degrees to turn the stored picture upright: 0, 90, 180, 270
  bool mirrored = false;  ///< stored mirror image (EXIF orientations 2, 4, 5, 7)
  int orientation = 1;    ///< EXIF orientation 1..8 (photos), 1 when absent
  int upright_width = 0;  ///< after rotation
  int upright_height = 0;  ///< after rotation
  int sar_num = 1;         ///< pixel aspect (sample aspect ratio)
  int sar_den = 1;
  int bit_depth = 8;
  std::string pixel_format;              ///< FFmpeg name ("yuv420p10le") or "rgb"/"rgba"/"gray"
  std::string color_transfer;            ///< "bt709", "smpte2084", "arib-std-b67", ... when tagged
  std::string hdr;                       ///< "hlg", "pq" or empty for SDR
  bool interlaced = false;               ///< video stored as fields (needs deinterlacing)
  std::optional<std::int64_t> bit_rate;  ///< video stream: bits per second, when the file says
};

/// Audio stream facts.
struct AudioInfo {
  std::string codec;
  int channels = 0;
  std::string channel_layout;  ///< "mono", "stereo", "5.1", ...
  int sample_rate = 0;
  int bit_depth = 0;  ///< 0 when the codec has none (lossy)
};

/// One probed file.
struct MediaInfo {
  std::string path;
  MediaKind kind = MediaKind::kPhoto;
  std::string container;  ///< "jpeg", "png", "webp", "heif", "mp4", "mov", "matroska", "wav", ...
  std::uint64_t size_bytes = 0;
  std::optional<double> duration_s;  ///< video and audio
  std::optional<double> frame_rate;  ///< frames per second, video only
  bool variable_frame_rate = false;
  std::optional<std::int64_t> bit_rate;  ///< bits per second, when known
  std::optional<PictureInfo> picture;    ///< photo, or first video stream
  std::optional<AudioInfo> audio;        ///< first audio stream
  int video_streams = 0;
  int audio_streams = 0;
  Metadata meta;
  std::optional<Telemetry> telemetry;  ///< DJI .SRT beside a video, or the .SRT itself
  std::string telemetry_path;          ///< the sidecar the telemetry came from
  std::vector<std::string> warnings;   ///< facts that could not be read, file still usable
};

}  // namespace saluran
