#pragma once
// What an encoded file holds, read from its headers and every packet's timing and flags without
// decoding a picture: what the check stage compares with a channel's limits. Reading the packets
// of a one-minute 1080p file takes a few milliseconds.
//
//   auto s = survey_packets("out/C0001.youtube.mp4", InputLimits{});   // Result<PacketSurvey>
//   if (s && s->video) fmt::print("{} of {} keyframes are IDR\n", s->video->idr_keyframes,
//                                 s->video->keyframes);

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "codecs/input_limits.hpp"
#include "pipeline/model/error.hpp"

namespace saluran {

/// The first video stream: parameters and what its packets show.
struct VideoSurvey {
  std::string codec;         ///< libavcodec name: "h264", "hevc"
  std::string profile;       ///< libavcodec profile name: "High", "Constrained Baseline"; or ""
  std::string pixel_format;  ///< "yuv420p"; empty when unknown
  std::string field_order;   ///< "progressive", "unknown", "tt", "bb", "tb", "bt"
  int width = 0;             ///< coded size
  int height = 0;
  int rotation = 0;  ///< clockwise degrees to turn the picture upright (0, 90, 180, 270)
  int sar_num = 0;   ///< sample (pixel) aspect ratio, reduced; 0:0 when the file does not say
  int sar_den = 0;
  double frame_rate = 0;   ///< average frames per second (avg_frame_rate); 0 when unknown
  int frames = 0;          ///< video packets read
  double min_frame_s = 0;  ///< shortest step between decode timestamps, seconds; 0 unknown
  double max_frame_s = 0;  ///< longest step between decode timestamps, seconds
  double tick_s = 0;       ///< one unit of the stream's time base, seconds
  int keyframes = 0;       ///< packets flagged as keyframes (random access points)
  int idr_keyframes = -1;  ///< keyframes holding an H.264 IDR slice; -1 when not H.264
  double max_gop_s = 0;    ///< longest span from a keyframe to the next (or to the end), seconds
  bool reordered = false;  ///< pictures are stored out of display order (B-frames)
};

/// The first audio stream.
struct AudioSurvey {
  std::string codec;    ///< "aac", "mp3", "pcm_s16le"
  std::string profile;  ///< "LC", "HE-AAC"; or ""
  int sample_rate = 0;
  int channels = 0;
  std::int64_t header_bit_rate = 0;    ///< as the container or codec header says; 0 unknown
  std::int64_t measured_bit_rate = 0;  ///< packet bytes over packet durations; 0 unknown
};

/// Everything survey_packets reads.
struct PacketSurvey {
  std::string demuxer;      ///< libavformat name: "mov,mp4,m4a,3gp,3g2,mj2", "mp3", "wav"
  std::string major_brand;  ///< ISO-BMFF `ftyp` major brand ("isom", "qt  "); else empty
  std::uint64_t size_bytes = 0;
  std::optional<double> duration_s;
  std::optional<VideoSurvey> video;
  std::optional<AudioSurvey> audio;
  /// Empty when every packet was read; else why reading stopped early ("reading stopped after
  /// 312 packets: Invalid data found when processing input"). The fields above cover what was
  /// read.
  std::string read_error;
};

/// Opens `path` the safe way (file protocol, whitelisted demuxers, `limits`), reads stream
/// parameters and then every packet, decoding nothing but the few frames libavformat needs to
/// learn the pixel format. An Error (naming the file) when the file cannot be opened or a read
/// runs out of time; damage met while reading packets is `read_error`.
Result<PacketSurvey> survey_packets(const std::string& path, const InputLimits& limits);

/// True when an H.264 access unit holds an IDR slice (NAL unit type 5). `nal_length_size` is
/// 1, 2 or 4 for length-prefixed (MP4 "avcC") packets and 0 for Annex B start codes. A length
/// that runs past the end of `access_unit` ends the scan; nothing outside it is read.
bool h264_has_idr(std::span<const std::uint8_t> access_unit, int nal_length_size);

}  // namespace saluran
