#pragma once
// A rendition preset: one channel's version of an asset, as read from presets/<name>.toml.
//
//   name = "instagram-reel"              # from the file name; `extends = "youtube"` for variants
//   kind = "video"                       # "video" or "audio" (images: the photo issue)
//   container = "mp4"                    # "mp4", "mp3" or "wav"
//   [video]
//   width = 1080                         # the output frame; 0 = from the source within max_*
//   height = 1920
//   aspect = "blur-pad"                  # "fit" (pad), "fill" (crop), "blur-pad", "keep"
//   fps = 30                             # 0 = the source rate, within min_fps..max_fps
//   bitrate_kbps = 8000                  # or a [[video.bitrates]] ladder by height
//   [audio]
//   codec = "aac"
//   sample_rate = 48000
//   channels = 2
//   bitrate_kbps = 128
//   [limits]
//   max_duration_s = 90.0
//   too_long = "trim"                    # "error" or "trim"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace saluran {

/// What a preset makes.
enum class PresetKind { kVideo, kAudio, kImage };

/// How a picture of another shape is put into the output frame.
enum class AspectMode {
  kKeep,     ///< no fixed frame: scale within max_width x max_height, keep the source shape
  kFit,      ///< scale to fit inside the frame, pad the rest with black
  kFill,     ///< scale to cover the frame, crop the overflow (centred; smart crop later)
  kBlurPad,  ///< fit the picture over a blurred, enlarged copy of itself
};

/// Whether a picture smaller than the preset's frame (or `keep` box) is enlarged to it.
enum class Enlarge {
  kNever,    ///< never: the frame's shape (crop or pad) at the source's own scale
  kToFrame,  ///< to the frame or box: the channel requires that size
};

/// What happens when the input is longer than the channel allows.
enum class TooLong { kError, kTrim };

/// Whether a video rendition may copy the source's video stream instead of encoding it.
enum class Passthrough {
  kNever,      ///< always encode
  kWhenValid,  ///< copy when the source's picture meets every required rule of the preset and
               ///< needs no change (no scaling, crop, rotation, rate change, tone-mapping, trim);
               ///< the sound is still made by the preset
};

/// The rules `check` tests, by their stable names. A preset's `limits.recommended` names the
/// ones that are our advice for an encode rather than the channel's requirement.
inline constexpr std::string_view kCheckRuleNames[] = {
    "container",         "mp4.faststart",      "mp4.no_edit_lists", "video.codec",
    "video.profile",     "video.pixel_format", "video.progressive", "video.sar",
    "video.size",        "video.aspect",       "video.fps",         "video.constant_rate",
    "video.bframes",     "gop.closed",         "gop.length",        "audio.codec",
    "audio.sample_rate", "audio.channels",     "audio.bitrate",     "audio.loudness",
    "audio.true_peak",   "file.size",          "duration",          "image.size",
    "image.limits",      "image.aspect",       "image.orientation", "meta.gps"};

/// Stable lower-case names, as written in preset files and the manifest.
const char* preset_kind_name(PresetKind k);
const char* aspect_mode_name(AspectMode m);
const char* too_long_name(TooLong t);
const char* enlarge_name(Enlarge e);
const char* passthrough_name(Passthrough p);

/// One row of a bitrate ladder: outputs up to `max_height` lines get these rates.
struct BitrateStep {
  int max_height = 0;
  int kbps = 0;           ///< at most 30 fps
  int kbps_high_fps = 0;  ///< above 30 fps
};

/// Video encoding and framing.
struct VideoSpec {
  std::string codec = "h264";      ///< only H.264 (libx264) for now
  std::string profile = "high";    ///< "baseline", "main", "high"
  std::string speed = "veryfast";  ///< x264 preset: ultrafast .. veryslow
  int width = 0;       ///< output frame width; 0 = from the source (scaled within max_width)
  int height = 0;      ///< output frame height; 0 = from the source (within max_height)
  int max_width = 0;   ///< bounding box for kKeep (0 = no limit); long side for portrait input
  int max_height = 0;  ///< bounding box for kKeep (0 = no limit); short side for portrait input
  AspectMode aspect = AspectMode::kKeep;
  Enlarge enlarge = Enlarge::kNever;  ///< a smaller source keeps its size unless kToFrame
  double fps = 0;            ///< constant output rate; 0 = the source rate clamped to min/max
  double min_fps = 0;        ///< 0 = no lower bound
  double max_fps = 0;        ///< 0 = no upper bound
  int bframes = 2;           ///< consecutive B-frames
  double gop_seconds = 2.0;  ///< keyframe interval in seconds (YouTube: 0.5, half the rate)
  bool closed_gop = true;
  std::string pixel_format = "yuv420p";
  int bitrate_kbps = 0;                           ///< average (VBR) target; 0 = from `bitrates`
  int max_bitrate_kbps = 0;                       ///< VBV cap; 0 = none
  std::vector<BitrateStep> bitrates;              ///< ladder by output height, ascending
  bool sdr = true;                                ///< tone-map HLG/PQ to SDR BT.709
  Passthrough passthrough = Passthrough::kNever;  ///< copy a source that needs no encode
};

/// Audio encoding, mixing and loudness.
struct AudioSpec {
  std::string codec = "aac";  ///< "aac", "mp3" or "pcm_s16le"
  int sample_rate = 48000;
  int channels = 2;                     ///< 1, 2 or 6
  int bitrate_kbps = 128;               ///< ignored for PCM
  bool cbr = false;                     ///< constant bitrate (MP3 for radio)
  std::optional<double> loudness_lufs;  ///< integrated target (EBU R128: -23); none = as is
  double loudness_tolerance_lu = 0.5;   ///< allowed distance from the target
  double true_peak_dbtp = -1.0;         ///< the highest true peak allowed
};

/// A still picture: photo renditions, and video posters (a frame chosen by content).
struct ImageSpec {
  int width = 0;       ///< fixed frame (fill, fit, blur-pad); 0 = from the source within max_*
  int height = 0;      ///< fixed frame (fill, fit, blur-pad)
  int max_width = 0;   ///< keep: the long side at most this (0 = no limit)
  int max_height = 0;  ///< keep: the short side at most this (0 = no limit)
  AspectMode aspect = AspectMode::kKeep;        ///< keep, fill (smart crop), fit or blur-pad
  std::string background = "#000000";           ///< fit: the colour around the picture, "#rrggbb"
  std::vector<std::string> formats = {"jpeg"};  ///< "jpeg", "webp": one file per format
  std::vector<int> widths;  ///< responsive set: one file per width (and format), source shape
  int quality = 85;         ///< the first quality tried (1-100)
  int min_quality = 50;     ///< a size limit lowers quality step by step down to this
  bool progressive = true;  ///< JPEG only
  bool keep_gps = false;    ///< GPS is removed unless the preset keeps it
  Enlarge enlarge = Enlarge::kNever;  ///< a smaller source keeps its size unless kToFrame
};

/// Channel limits the output is checked against.
struct Limits {
  double min_duration_s = 0;         ///< 0 = none
  double max_duration_s = 0;         ///< 0 = none
  std::uint64_t max_file_bytes = 0;  ///< 0 = none
  TooLong too_long = TooLong::kError;
  int max_width = 0;      ///< 0 = none (X: 1280)
  int max_height = 0;     ///< 0 = none (X: 1024)
  double min_aspect = 0;  ///< width / height; 0 = none
  double max_aspect = 0;  ///< width / height; 0 = none
  /// Check rules (kCheckRuleNames) that are recommendations for an encode, not the channel's
  /// requirements: `check` reports them apart and they never fail a file (YouTube's closed GOP
  /// of half the frame rate and its bitrate table, say).
  std::vector<std::string> recommended;
};

/// Trims and fades; presets may set them and `render` flags override them per use.
struct Trim {
  double start_s = 0;
  double duration_s = 0;  ///< 0 = to the end
  double fade_in_s = 0;
  double fade_out_s = 0;
};

/// One validated preset.
struct Preset {
  std::string name;         ///< the file stem, e.g. "youtube"
  std::string description;  ///< one line for `presets list`
  std::string source;       ///< where the numbers come from (channels.md section and URL)
  std::string extends;      ///< the parent preset, empty when none
  std::string file;         ///< the file it was read from
  PresetKind kind = PresetKind::kVideo;
  std::string container = "mp4";   ///< "mp4", "mp3", "wav"; "jpeg" or "webp" for images
  std::string extension;           ///< output file extension without the dot ("mp4")
  std::optional<VideoSpec> video;  ///< present for kVideo
  std::optional<AudioSpec> audio;  ///< present when the output has sound
  std::optional<ImageSpec> image;  ///< present for kImage
  Limits limits;
  Trim trim;
};

}  // namespace saluran
