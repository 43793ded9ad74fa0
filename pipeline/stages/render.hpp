#pragma once
// The render stage: every requested channel version of each input, from ONE decode of it,
// each checked against its channel's limits before it is placed under its final name.
//
//   RenderRequest req;
//   req.inputs = {"C0001.MP4"};
//   req.options.out_dir = "out";
//   req.options.presets = {*catalog->get("youtube"), *catalog->get("radio-clip")};
//   req.options.overrides.duration_s = 30.0;             // per-use trim
//   RenderResult res = render(req);
//   for (const InputReport& r : res.reports) ...         // r.renditions[i].outcome
//   // out/C0001.youtube.mp4, out/C0001.radio-clip.mp3, out/saluran-manifest.json

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "pipeline/model/error.hpp"
#include "pipeline/model/focus_point.hpp"
#include "pipeline/model/input_limits.hpp"
#include "pipeline/model/loudness.hpp"
#include "pipeline/model/media_info.hpp"
#include "pipeline/model/outcome.hpp"
#include "pipeline/model/preset.hpp"
#include "pipeline/model/time_range.hpp"
#include "pipeline/ops/smart_crop.hpp"
#include "pipeline/run/cancel.hpp"
#include "pipeline/stages/check.hpp"
#include "pipeline/stages/render_plan.hpp"

namespace saluran {

/// The manifest written into every output folder.
inline constexpr const char* kRenderManifestName = "saluran-manifest.json";

/// How a picture rendition was made.
struct ImageOutcome {
  int width = 0;
  int height = 0;
  std::string format;  ///< "jpeg" or "webp"
  int quality = 0;     ///< the quality written (lower than the preset's when a size limit applied)
  std::uint64_t bytes = 0;
  std::string colour;  ///< the source's colour and its conversion, e.g. "Display P3 (ICC) -> sRGB"
  int shrink = 1;      ///< the JPEG was decoded at 1/shrink of its size (shrink-on-load)
  AspectMode aspect = AspectMode::kKeep;  ///< how the picture was put in the frame
  std::optional<CropChoice> crop;         ///< fill: the window chosen and why
  /// fit and blur-pad: where the whole picture sits in the frame (the rest is background).
  std::optional<Rect> place;
  std::optional<double> poster_s;  ///< from a video: the frame's time
  std::string poster_reason;       ///< why that frame
  bool gps_kept = false;
};

/// What a made video or sound file is, read back from it.
struct MediaOutcome {
  std::uint64_t bytes = 0;
  double duration_s = 0;  ///< 0 when it could not be read back
  int width = 0;          ///< the frame; 0 for sound
  int height = 0;
  /// Overall bits per second (file size over length); 0 when the length is unknown.
  double bitrate_bps = 0;
};

/// What became of one rendition.
struct RenditionResult {
  std::string input;
  std::string preset;
  std::string output;  ///< the final path (also when it failed: what it would have been)
  /// kMade, kUpToDate, kSkipped (nothing to make) or kFailed; written as outcome_name.
  Outcome outcome = Outcome::kFailed;
  std::optional<Error> error;
  std::optional<RenditionPlan> plan;
  std::optional<CheckReport> check;
  std::optional<Loudness> source_loudness;     ///< before gain
  std::optional<Loudness> processed_loudness;  ///< after gain and limiter, before encoding
  double gain_db = 0;
  bool limited = false;
  std::int64_t video_frames = 0;
  std::string fingerprint;            ///< of the input and settings; equal means up to date
  std::optional<ImageOutcome> image;  ///< picture presets
  std::optional<MediaOutcome> media;  ///< a made video or sound file
  /// Set when the output frame is larger than the source's (width, height): enlarged.
  std::optional<std::pair<int, int>> enlarged_from;
  std::string reframe;  ///< a reframed fill video: what the moving window followed
  /// What went wrong without stopping it, in plain words (face detection failed, so the crop
  /// or window was chosen without faces).
  std::vector<std::string> warnings;
};

/// What became of one input.
struct InputReport {
  std::string input;
  std::optional<Error> error;     ///< the input could not be read at all
  std::optional<MediaKind> kind;  ///< what the probe found; empty when it could not be read
  /// How many of the run's presets make something from an input of this kind (preset_takes).
  int presets_taking = 0;
  /// Renditions cut short by a cancel: removed, not in `renditions` nor in the manifest.
  int interrupted = 0;
  std::vector<RenditionResult> renditions;
  std::vector<TimeRange> damaged;   ///< concealed damage in the input
  int branches = 0;                 ///< filter chains run for it (shared ones once)
  std::int64_t decoded_frames = 0;  ///< video frames decoded (once for all renditions)
  double seconds = 0;               ///< wall time
};

/// Something to show while rendering.
struct RenderEvent {
  enum class Kind { kInputStart, kProgress, kRendition, kInputDone };
  /// What a kProgress event measures: the reframing analysis, the poster frame's choice (both
  /// decode the video at small size first) or the one decode that makes the outputs.
  enum class Phase { kReframe, kPoster, kEncode };
  Kind kind = Kind::kProgress;
  std::string input;
  double position_s = 0;
  double duration_s = 0;  ///< 0 when unknown
  Phase phase = Phase::kEncode;
  std::size_t input_index = 0;  ///< 0-based, of input_count
  std::size_t input_count = 0;
  const RenditionResult* rendition = nullptr;  ///< kRendition
  const InputReport* report = nullptr;         ///< kInputDone
};

/// How to render.
struct RenderOptions {
  std::string out_dir;
  std::vector<Preset> presets;  ///< validated, in the order given
  RenderOverrides overrides;
  /// Focal points set by hand per input (an asset's, from the catalog), used where
  /// `overrides.focus` (one for the whole run) is not set.
  std::map<std::string, FocusPoint> input_focus;
  bool force = false;  ///< make outputs again even when the manifest says they are up to date
  InputLimits limits;
  std::function<void(const RenderEvent&)> on_event;
  /// Checked between inputs and within them (decode, analysis, picture files): once set, what
  /// is being made is abandoned (its temporary files removed), nothing else is started, and
  /// only what was finished is recorded.
  const CancelFlag* cancel = nullptr;
};

/// What to render: every input with every preset of the options.
struct RenderRequest {
  std::vector<std::string> inputs;
  RenderOptions options;
};

/// What became of a render request: one report per input, in the order given.
struct RenderResult {
  std::vector<InputReport> reports;  ///< the inputs started, in order
  std::optional<Error> error;        ///< nothing could be rendered (the output folder)
  bool interrupted = false;          ///< stopped by RenderOptions::cancel
  std::size_t inputs_not_started = 0;

  /// The renditions of every input by outcome; an input error that no failed rendition
  /// carries (nothing was planned, or its manifest entry could not be written) counts as one
  /// failure.
  OutcomeCounts counts() const;
};

/// True when `preset` makes something from `input`: a picture preset from a photo or a
/// video's frame, a video preset from a video, a sound preset from anything with sound.
bool preset_takes(const Preset& preset, const MediaInfo& input);
/// What `preset` makes something from, in plain words ("photos (JPEG, PNG, WebP, HEIC) and
/// videos (a poster frame)").
std::string what_preset_takes(const Preset& preset);

/// Plain words for a phase: "analysing for reframing", "choosing a poster frame", "encoding".
const char* phase_words(RenderEvent::Phase phase);

/// Renders each input with every preset. Never throws for bad input: each failure is in the
/// report, and the other renditions and inputs go on. The manifest is updated after each
/// input, so a run killed at any moment can be run again and finishes only what is missing.
RenderResult render(const RenderRequest& request);

}  // namespace saluran
