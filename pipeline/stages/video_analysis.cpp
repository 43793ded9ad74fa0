#include "pipeline/stages/video_analysis.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "codecs/av/frame_sampler.hpp"
#include "codecs/image/sharpness.hpp"
#include "pipeline/ops/attention_map.hpp"
#include "pipeline/ops/crop_path.hpp"
#include "pipeline/ops/face_tracks.hpp"
#include "pipeline/ops/poster_score.hpp"
#include "pipeline/ops/reframe_target.hpp"
#include "pipeline/ops/shot_cuts.hpp"

namespace saluran {
namespace {

// Long edge of the analysis frames: faces of a tenth of the frame height are still found
// well, and one decode of a minute of HD costs seconds, not minutes.
constexpr int kAnalysisEdge = 480;
// Long edge of the small copy of every frame that gives its signature (a 4x4 grid of
// histograms): as good for cuts as the analysis size, at a fraction of the scaling cost.
constexpr int kSignatureEdge = 64;
// Faces are looked for every kFaceInterval seconds (every 3rd frame at 30 fps), with the
// thorough scale step (the fast one misses too many turned faces), from a tenth of the frame
// height up: a face smaller than that rarely decides where a 9:16 window goes, and the
// smallest sizes cost the most.
constexpr double kFaceInterval = 0.1;
constexpr double kSmallestReframeFace = 0.1;
// A face is believed between two sightings up to this far apart (the detector misses a turned
// or blurred face for a while), and this long before its first and after its last sighting.
constexpr double kMaxGapSeconds = 2.0;
constexpr double kHoldSeconds = 2.0;
// A shot with this many analysed frames needs two sightings of a face to believe it.
constexpr std::size_t kMinLooksForTwoSightings = 4;
// Poster candidates are this far apart.
constexpr double kPosterInterval = 0.5;
// Frames either side of a poster candidate compared for its change, and how near a cut (in
// seconds) makes a candidate part of a transition.
constexpr std::size_t kChangeReach = 3;
constexpr double kCutGuardSeconds = 0.3;

/// The faces found on an analysis frame, in source pixels (`scale` from the frame), each with
/// the sharpness of its box on that frame (frame numbers are set by the shot's linking).
/// Unsure detections (FaceSearch::weak) come marked weak, after the sure ones.
std::vector<FaceSighting> to_source(const FaceSearch& found, double scale, const Picture& frame) {
  std::vector<FaceSighting> out;
  for (const auto* list : {&found.faces, &found.weak}) {
    for (const FaceBox& f : *list) {
      const FaceSpan box{f.box.x * scale, (f.box.x + f.box.width) * scale, f.box.y * scale,
                         (f.box.y + f.box.height) * scale};
      out.push_back({0, box, region_sharpness(frame, f.box), list == &found.weak});
    }
  }
  return out;
}

/// The attention centre of a small frame, as a fraction 0..1 of its width: the mean column
/// of the map weighted by the square of its values (strong cues count most).
double attention_centre(const Picture& small) {
  const AttentionMap map = attention_map(shrink_for_attention(small));
  double weighted = 0;
  double total = 0;
  for (int y = 0; y < map.height; ++y) {
    for (int x = 0; x < map.width; ++x) {
      const double v = map.at(x, y);
      weighted += v * v * (x + 0.5);
      total += v * v;
    }
  }
  if (total <= 0 || map.width <= 0) return 0.5;
  return weighted / total / map.width;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  return *mid;
}

double measured_fps(const std::vector<double>& times) {
  if (times.size() < 2) return 30.0;
  const double span = times.back() - times.front();
  return span > 0 ? static_cast<double>(times.size() - 1) / span : 30.0;
}

/// What one decoded frame tells about where the window should go.
struct Analysed {
  bool looked = false;              // faces were looked for on this frame
  std::vector<FaceSighting> faces;  // the sure ones first, then the unsure (weak)
  double attention = 0;             // source pixels
};

/// Face detection failures over the frames of one analysis, summed up in one line: a frame the
/// detector failed on is judged without faces, and the result says so instead of nothing.
struct FaceWarnings {
  int looked = 0;
  int failed = 0;
  std::string first;

  FaceSearch take(FaceSearch found) {
    ++looked;
    if (!found.warnings.empty() && failed++ == 0) first = found.warnings.front();
    return found;
  }
  std::vector<std::string> summary() const {
    if (failed == 0) return {};
    return {fmt::format(
        "face detection failed on {} of {} frames ({}); those frames were judged without faces",
        failed, looked, first)};
  }
};

/// Reports the time of a decoded frame; false when the analysis is to stop (cancelled).
bool go_on(const AnalysisHooks& hooks, double time_s) {
  if (is_cancelled(hooks.cancel)) return false;
  if (hooks.on_progress) hooks.on_progress(time_s);
  return true;
}

/// When the next look is due: on a grid of `interval` seconds from the first frame's time, the
/// first frame at or after each point of it.
struct LookGrid {
  double interval = 0;
  double next = -1;
  bool due(double time_s) {
    if (next < 0) next = time_s;
    if (time_s + 1e-6 < next) return false;
    while (next <= time_s + 1e-6) next += interval;
    return true;
  }
};

}  // namespace

/// The one decode of an analysis: per frame its signature (for the shots), its time and what
/// was found on it, and the poster candidates.
struct VideoSamples {
  int source_width = 0;  ///< the upright, square-pixel source (of the last frame)
  int source_height = 0;
  std::vector<FrameSignature> signatures;
  std::vector<double> times;
  std::vector<Analysed> analysed;
  FaceWarnings face_warnings;
  std::vector<PosterCandidate> candidates;
  std::vector<std::size_t> candidate_frame;  ///< the frame of each candidate
  FaceWarnings poster_face_warnings;
};

namespace {

/// Faces on a looked-at frame in source pixels and, where there are none, the attention centre.
Analysed look_at(const av::SampledFrame& f, const FaceDetector& faces, FaceWarnings& warnings) {
  Analysed a;
  a.looked = true;
  const double scale = static_cast<double>(f.source_width) / f.picture.width;
  a.faces = to_source(warnings.take(faces.search(f.picture, kAnalysisEdge, kThoroughScaleStep,
                                                 kSmallestReframeFace)),
                      scale, f.picture);
  if (a.faces.empty() || a.faces.front().weak)
    a.attention = attention_centre(f.picture) * f.source_width;
  return a;
}

/// A poster candidate measured on `f`: exposure and sharpness, and faces where they could matter
/// (a black or flat frame is rejected anyway).
PosterCandidate candidate_at(const av::SampledFrame& f, const FaceDetector& faces,
                             FaceWarnings& warnings) {
  PosterCandidate c = measure_candidate(f.picture, f.time_s);
  if (c.mean_luma >= 20 && c.luma_spread >= 5) {
    const auto found =
        warnings.take(faces.search(f.picture, kAnalysisEdge, kFastScaleStep, kSmallestReframeFace))
            .faces;
    double area = 0;
    for (const FaceBox& b : found) area += static_cast<double>(b.box.width) * b.box.height;
    c.faces = static_cast<int>(found.size());
    c.face_area = area / (static_cast<double>(f.picture.width) * f.picture.height);
  }
  return c;
}

/// Decodes `path` once: every frame small for its signature; at analysis size the frames where
/// faces are looked for (and, where there are none, the attention centre) and the poster
/// candidates.
Result<VideoSamples> sample_video(const std::string& path, const FaceDetector& faces,
                                  const AnalysisWants& wants, const AnalysisHooks& hooks) {
  VideoSamples out;
  LookGrid face_grid{kFaceInterval};
  LookGrid poster_grid{kPosterInterval};
  bool face_due = false;
  bool poster_due = false;
  av::SamplingPlan plan;
  plan.max_edge = kAnalysisEdge;
  plan.small_edge = kSignatureEdge;
  // A poster alone needs no frame in particular: the reference frames are enough, and the
  // frames skipped are about half of a file with B-frames.
  plan.reference_frames_only = !wants.reframe;
  plan.keyframes_only = !wants.reframe && wants.keyframes_only;
  plan.look = [&](std::int64_t, double t) {
    face_due = wants.reframe && face_grid.due(t);
    poster_due = wants.poster && poster_grid.due(t);
    return face_due || poster_due;
  };
  auto st = av::sample_video(path, plan, [&](av::SampledFrame&& f) {
    if (!go_on(hooks, f.time_s)) return false;
    out.source_width = f.source_width;
    out.source_height = f.source_height;
    out.signatures.push_back(frame_signature(f.small));
    out.times.push_back(f.time_s);
    out.analysed.push_back(face_due ? look_at(f, faces, out.face_warnings) : Analysed{});
    if (poster_due) {
      out.candidates.push_back(candidate_at(f, faces, out.poster_face_warnings));
      out.candidate_frame.push_back(out.signatures.size() - 1);
    }
    return true;
  });
  if (!st) return st.error();
  if (is_cancelled(hooks.cancel)) return cancelled_error(path);
  return out;
}

/// An error for an aspect ratio reframing cannot take.
std::optional<Error> check_aspect(double aspect, const std::string& path) {
  if (aspect > 0.1 && aspect < 10) return std::nullopt;
  return make_error(
      ErrorCode::kInvalidArgument,
      fmt::format("reframing needs an aspect ratio between 0.1 and 10 (got {})", aspect), path);
}

/// The window of `aspect` inside the frame: full height (full width for a source narrower than
/// the target), with even sizes.
void size_window(ReframeTrack& track, double aspect) {
  const int w = track.frame_width;
  const int h = track.frame_height;
  if (w >= static_cast<int>(std::lround(h * aspect))) {
    track.window_height = h;
    track.window_width = std::min(w, std::max(2, static_cast<int>(std::lround(h * aspect)) & ~1));
  } else {
    track.window_width = w;
    track.window_height = std::min(h, std::max(2, static_cast<int>(std::lround(w / aspect)) & ~1));
  }
}

/// The shot's face tracks, the one a viewer would look at first (choose_subject: largest,
/// sharpest, most central, longest seen) and then by falling score.
std::vector<FaceTrack> tracks_by_subject(std::vector<FaceTrack> tracks, double frame_width,
                                         std::size_t looked) {
  std::vector<SubjectTraits> traits;
  for (const FaceTrack& t : tracks) traits.push_back(track_traits(t, frame_width, looked));
  const std::vector<double> scores = subject_scores(traits);
  std::vector<std::size_t> order(tracks.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
  std::vector<FaceTrack> out;
  for (std::size_t i : order) out.push_back(std::move(tracks[i]));
  return out;
}

/// Wanted positions for the frames [begin, end) of one shot: its faces are linked into tracks
/// (a face missed on a few frames is still there; a hand or pattern that looks like a face once
/// is not), the track a viewer would look at leads, and each frame's target (reframe_target)
/// keeps the leading face present and the neighbours that fit beside it, crossing no other face
/// when it can. A shot without faces gets one calm position on what draws the eye. Counts the
/// frames with faces in `track`; true when the shot has faces.
bool target_shot(const std::vector<Analysed>& analysed, std::size_t begin, std::size_t end,
                 FaceTrackOptions linking, ReframeTrack& track,
                 std::vector<std::optional<CropTarget>>& targets) {
  std::vector<FaceSighting> seen;
  std::vector<double> attention;
  std::size_t looked = 0;
  for (std::size_t i = begin; i < end; ++i) {
    if (!analysed[i].looked) continue;
    ++looked;
    if (analysed[i].faces.empty() || analysed[i].faces.front().weak)
      attention.push_back(analysed[i].attention);
    else
      ++track.frames_with_faces;
    for (const FaceSighting& f : analysed[i].faces) seen.push_back({i, f.box, f.sharpness, f.weak});
  }
  // A short shot has too few looks to ask for a face twice.
  linking.min_sightings = looked >= kMinLooksForTwoSightings ? 2 : 1;
  const std::vector<FaceTrack> tracks =
      tracks_by_subject(link_face_tracks(std::move(seen), linking), track.frame_width, looked);
  bool on_faces = false;
  std::vector<FaceSpan> present;
  for (std::size_t i = begin; i < end; ++i) {
    present.clear();
    for (const FaceTrack& t : tracks) {  // the leading face first: present[0] leads here
      if (auto box = face_at(t, i, linking)) present.push_back(*box);
    }
    if (present.empty()) continue;
    targets[i] = reframe_target(present, 0, track.window_width, track.frame_width);
    on_faces = true;
  }
  if (!on_faces && !attention.empty()) targets[begin] = CropTarget{median(attention)};
  return on_faces;
}

/// Plain words on what the window follows.
std::string reframe_note(const ReframeTrack& track, int shots_on_faces) {
  const int shots = static_cast<int>(track.shot_starts.size());
  if (track.window_width >= track.frame_width) {
    return "the source is already as narrow as the target: the whole width is kept";
  }
  return fmt::format(
      "{} shot{}; the window follows faces in {} and the most eye-catching area in the rest", shots,
      shots == 1 ? "" : "s", shots_on_faces);
}

}  // namespace

std::string reframe_summary(const ReframeTrack& track, double scale) {
  return fmt::format(
      "{}; faces in {} analysed frames; the window moves at most {} px a frame within a shot",
      track.note, track.frames_with_faces, static_cast<int>(std::lround(track.max_step * scale)));
}

Result<VideoAnalysis> analyse_video(const std::string& path, const FaceDetector& faces,
                                    const AnalysisWants& wants, const AnalysisHooks& hooks) {
  auto samples = sample_video(path, faces, wants, hooks);
  if (!samples) return samples.error();
  VideoAnalysis analysis;
  analysis.path = path;
  analysis.wants = wants;
  analysis.samples = std::make_shared<const VideoSamples>(std::move(*samples));
  return analysis;
}

Result<ReframeTrack> analyse_reframe(const std::string& path, double aspect,
                                     const FaceDetector& faces, const AnalysisHooks& hooks) {
  if (auto bad = check_aspect(aspect, path)) return *bad;
  auto analysis = analyse_video(path, faces, {.reframe = true, .poster = false}, hooks);
  if (!analysis) return analysis.error();
  return reframe_from(*analysis, aspect);
}

Result<ReframeTrack> reframe_from(const VideoAnalysis& analysis, double aspect) {
  if (auto bad = check_aspect(aspect, analysis.path)) return *bad;
  if (!analysis.wants.reframe || !analysis.samples)
    return make_error(ErrorCode::kInvalidArgument,
                      "was analysed without looking for faces: reframing needs them",
                      analysis.path);
  const VideoSamples* samples = analysis.samples.get();
  ReframeTrack track;
  track.frame_width = samples->source_width;
  track.frame_height = samples->source_height;
  track.fps = measured_fps(samples->times);
  track.start_s = samples->times.empty() ? 0.0 : samples->times.front();
  track.shot_starts = find_shot_starts(samples->signatures);
  size_window(track, aspect);
  track.max_step = crop_path_max_step(track.frame_width);

  // Wanted positions, shot by shot.
  const std::size_t n = samples->analysed.size();
  std::vector<std::optional<CropTarget>> targets(n);
  std::vector<std::size_t> bounds = track.shot_starts;
  bounds.push_back(n);
  FaceTrackOptions linking;
  linking.hold = static_cast<std::size_t>(std::lround(kHoldSeconds * track.fps));
  linking.max_gap = static_cast<std::size_t>(std::lround(kMaxGapSeconds * track.fps));
  int shots_on_faces = 0;
  for (std::size_t s = 0; s + 1 < bounds.size(); ++s) {
    if (target_shot(samples->analysed, bounds[s], bounds[s + 1], linking, track, targets))
      ++shots_on_faces;
  }
  track.left =
      plan_crop_path(targets, track.shot_starts, track.frame_width, track.window_width, track.fps);
  track.note = reframe_note(track, shots_on_faces);
  track.warnings = samples->face_warnings.summary();
  return track;
}

Result<PosterPick> pick_poster(const std::string& path, const FaceDetector& faces,
                               const AnalysisHooks& hooks) {
  auto analysis = analyse_video(path, faces, {.reframe = false, .poster = true}, hooks);
  if (!analysis) return analysis.error();
  return poster_from(*analysis);
}

namespace {

// The poster candidates of `analysis` with their change against nearby frames and whether they
// lie near a cut filled in; `cuts` gets the shot starts (frame indices).
Result<std::vector<PosterCandidate>> judged_candidates(const VideoAnalysis& analysis,
                                                       std::vector<std::size_t>& cuts) {
  if (!analysis.wants.poster || !analysis.samples)
    return make_error(ErrorCode::kInvalidArgument,
                      "was analysed without poster candidates: a poster needs them", analysis.path);
  const std::vector<FrameSignature>& signatures = analysis.samples->signatures;
  std::vector<PosterCandidate> candidates = analysis.samples->candidates;
  const std::vector<std::size_t>& candidate_frame = analysis.samples->candidate_frame;
  if (candidates.empty())
    return make_error(ErrorCode::kCorrupt, "no video frame could be decoded", analysis.path);

  const std::size_t n = signatures.size();
  cuts = find_shot_starts(signatures);
  const auto guard = static_cast<std::size_t>(
      std::lround(kCutGuardSeconds * measured_fps(analysis.samples->times)));
  for (std::size_t k = 0; k < candidates.size(); ++k) {
    const std::size_t i = candidate_frame[k];
    const std::size_t before = i >= kChangeReach ? i - kChangeReach : 0;
    const std::size_t after = std::min(n - 1, i + kChangeReach);
    candidates[k].change = signature_distance(signatures[before], signatures[after]);
    for (std::size_t c : cuts) {
      if (c > 0 && (c > i ? c - i : i - c) <= guard) candidates[k].near_cut = true;
    }
  }
  return candidates;
}

}  // namespace

Result<PosterPick> poster_from(const VideoAnalysis& analysis) {
  std::vector<std::size_t> cuts;
  auto judged = judged_candidates(analysis, cuts);
  if (!judged) return judged.error();
  const std::vector<PosterCandidate>& candidates = *judged;
  const PosterChoice choice = choose_poster(candidates);
  PosterPick pick;
  pick.time_s = candidates[choice.index].time_s;
  pick.reason = choice.reason;
  pick.warnings = analysis.samples->poster_face_warnings.summary();
  return pick;
}

Result<SegmentChoice> segment_from(const VideoAnalysis& analysis, double length_s) {
  std::vector<std::size_t> cuts;
  auto judged = judged_candidates(analysis, cuts);
  if (!judged) return judged.error();
  const std::vector<double>& times = analysis.samples->times;
  SegmentInputs in;
  in.scores = poster_scores(*judged);
  for (const PosterCandidate& c : *judged) in.times.push_back(c.time_s);
  for (std::size_t c : cuts)
    if (c < times.size()) in.shot_starts.push_back(times[c]);
  in.clip_start_s = times.empty() ? 0 : times.front();
  const double fps = measured_fps(times);
  in.clip_end_s = times.empty() ? 0 : times.back() + (fps > 0 ? 1 / fps : 0);
  SegmentChoice choice = choose_segment(in, length_s);
  // The clip's start is the trim's 0 (the sound may begin before the first picture).
  if (choice.start_s <= in.clip_start_s) choice.start_s = 0;
  return choice;
}

}  // namespace saluran
