#pragma once
// What one rendition will be, decided before anything is decoded: output frame, rate,
// bitrate, trims and the libavfilter chains that make it. Pure: tested without files.
//
//   auto plan = plan_rendition(*catalog->get("instagram-reel"), facts, {.start_s = 2.0},
//                              "C0001");
//   plan->video->filter;   // "fps=30/1,scale=1080:608:...,split[fg][bg];..."
//   plan->output_name;     // "C0001.instagram-reel.mp4"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "pipeline/model/error.hpp"
#include "pipeline/model/preset.hpp"
#include "pipeline/ops/render_geometry.hpp"

namespace saluran {

/// The facts of an input the plan needs (from the probe and the opened streams).
struct SourceFacts {
  std::string path;
  bool has_video = false;
  SourcePicture picture;
  std::optional<double> fps;
  bool variable_rate = false;
  bool interlaced = false;
  std::string hdr;  ///< "hlg", "pq" or empty
  int bit_depth = 8;
  std::optional<int> video_kbps;  ///< the picture's bitrate (else the file's), when known
  std::string video_codec;        ///< "h264", "hevc", ...
  bool has_audio = false;
  int audio_channels = 0;
  int sample_rate = 0;
  double duration_s = 0;  ///< 0 when unknown
};

/// Per-use trims and fades; each set value replaces the preset's.
struct RenderOverrides {
  std::optional<double> start_s;
  std::optional<double> duration_s;
  std::optional<double> fade_in_s;
  std::optional<double> fade_out_s;
  std::optional<FocusPoint> focus;  ///< where fill crops centre (default: the middle)
};

/// The video half of a plan.
struct VideoPlan {
  FrameGeometry geometry;
  Rate rate;
  int bitrate_kbps = 0;
  int max_bitrate_kbps = 0;
  int gop_frames = 1;
  bool tone_map = false;  ///< HLG/PQ made SDR BT.709
  bool reframe = false;   ///< fill crop whose window follows the content (crop@reframe)
  /// The source's upright width and height when the picture is enlarged (Enlarge::kToFrame).
  std::optional<std::pair<int, int>> enlarged_from;
  std::string filter;  ///< libavfilter chain from the decoded frame to the encoder's input
  /// Pass-through (preset `passthrough = "when-valid"`): the source's video stream is copied,
  /// not encoded; `filter`, bitrate and GOP are then not used.
  bool copy = false;
  /// Plain words on the pass-through decision: why the stream was copied, or what kept it
  /// from being copied; empty when the preset never copies.
  std::string copy_note;
};

/// The audio half of a plan.
struct AudioPlan {
  std::string codec;  ///< libavcodec encoder name: "aac", "libmp3lame", "pcm_s16le"
  int sample_rate = 48000;
  int channels = 2;
  int bitrate_kbps = 0;
  bool loudness = false;  ///< measured, gained and limited to the preset's target
  std::string filter;     ///< chain from the decoded frame to the encoder (or the meter)
};

/// One rendition, fully decided.
struct RenditionPlan {
  Preset preset;
  std::string output_name;  ///< "<stem>.<preset>.<ext>"
  double start_s = 0;
  double duration_s = 0;  ///< the output's length; 0 when the source's length is unknown
  double fade_in_s = 0;
  double fade_out_s = 0;
  bool trimmed_to_limit = false;  ///< cut to the channel's longest allowed length
  /// A video or sound cut to the channel's limit with no start given (no trim, no preset
  /// start): the render chooses the part by content (segment_from for a video's frames,
  /// speech_inputs for sound) and sets start_s and segment_note.
  bool segment_by_content = false;
  std::string segment_note;  ///< which part was kept and why (empty: not chosen by content)
  /// One encode made this rendition and others of the same source (shared_encodes): which, and
  /// with whose settings; empty when it was encoded for itself alone.
  std::string shared_note;
  std::optional<VideoPlan> video;
  std::optional<AudioPlan> audio;
};

/// Decides a rendition of `source` by `preset`. Errors: the input lacks what the preset
/// needs (no audio for a radio clip), or is too long or short for the channel and the preset
/// does not trim. `stem` names the output.
Result<RenditionPlan> plan_rendition(const Preset& preset, const SourceFacts& source,
                                     const RenderOverrides& overrides, const std::string& stem);

/// What in `plan` keeps its source's video stream from being copied as it is (pass-through),
/// in plain words: the picture is scaled, cropped, padded, rotated, re-timed, deinterlaced or
/// tone-mapped, the rendition is trimmed or faded, or the codec is not the preset's. Empty when
/// nothing does (the source file's own rules are checked by the render stage).
std::vector<std::string> copy_obstacles(const RenditionPlan& plan, const SourceFacts& source);

/// The libavcodec encoder for a preset audio codec name ("mp3" -> "libmp3lame").
std::string audio_encoder_name(const std::string& codec);

}  // namespace saluran
