#include "pipeline/stages/render.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "codecs/av/av_probe.hpp"
#include "codecs/av/av_transcode.hpp"
#include "codecs/av/packet_survey.hpp"
#include "codecs/av/sound_levels.hpp"
#include "codecs/file_copy.hpp"
#include "pipeline/ops/loudness_processing.hpp"
#include "pipeline/ops/segment_choice.hpp"
#include "pipeline/ops/speech_segment.hpp"
#include "pipeline/run/worker_pool.hpp"
#include "pipeline/stages/passthrough.hpp"
#include "pipeline/stages/probe.hpp"
#include "pipeline/stages/render_commit.hpp"
#include "pipeline/stages/render_fingerprint.hpp"
#include "pipeline/stages/render_image.hpp"
#include "pipeline/stages/render_manifest.hpp"
#include "pipeline/stages/shared_encode.hpp"
#include "pipeline/stages/video_analysis.hpp"

namespace saluran {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

av::TranscodeOutput output_of(const RenditionPlan& plan, const std::string& path) {
  av::TranscodeOutput o;
  o.path = path;
  o.format = plan.preset.container;
  if (plan.video) {
    const VideoPlan& v = *plan.video;
    const VideoSpec& spec = *plan.preset.video;
    av::TranscodeVideo tv;
    tv.filter = v.filter;
    tv.encoder.profile = spec.profile;
    tv.encoder.speed = spec.speed;
    tv.encoder.bitrate_kbps = v.bitrate_kbps;
    tv.encoder.max_bitrate_kbps = v.max_bitrate_kbps;
    tv.encoder.gop_frames = v.gop_frames;
    tv.encoder.bframes = spec.bframes;
    tv.encoder.closed_gop = spec.closed_gop;
    tv.encoder.rate_num = v.rate.num;
    tv.encoder.rate_den = v.rate.den;
    tv.copy = v.copy;
    o.video = tv;
  }
  if (plan.audio) {
    const AudioPlan& a = *plan.audio;
    const AudioSpec& spec = *plan.preset.audio;
    av::TranscodeAudio ta;
    ta.filter = a.filter;
    ta.encoder = {a.codec, a.sample_rate, a.channels, a.bitrate_kbps};
    if (a.loudness) {
      av::LoudnessTarget t;
      t.lufs = *spec.loudness_lufs;
      t.true_peak_dbtp = spec.true_peak_dbtp;
      // Lossy encoders add inter-sample overshoot; PCM keeps what it is given.
      t.limiter_margin_db = spec.codec == "pcm_s16le" ? 0.1 : 1.0;
      ta.loudness = t;
    }
    o.audio = ta;
  }
  return o;
}

// Leftovers of a run that was killed: temporary outputs and spools of processes now gone.
void sweep_stale_parts(const fs::path& dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name[0] != '.') continue;
    const bool part = name.ends_with(".part");
    const bool spool = name.ends_with(".spool");
    if (!part && !spool) continue;
    const std::string stem = name.substr(0, name.size() - (part ? 5 : 6));
    const auto dot = stem.rfind('.');
    if (dot == std::string::npos) continue;
    const std::string pid = stem.substr(dot + 1);
    if (pid.empty() || !std::all_of(pid.begin(), pid.end(), ::isdigit)) continue;
    if (fs::exists(fs::path("/proc") / pid)) continue;
    fs::remove(entry.path(), ec);
  }
}

std::string unique_stem(const std::string& input, std::map<std::string, std::string>& seen) {
  const std::string base = fs::path(input).stem().string();
  std::string stem = base;
  for (int n = 2; seen.count(stem) != 0 && seen[stem] != input; ++n)
    stem = fmt::format("{}-{}", base, n);
  seen[stem] = input;
  return stem;
}

/// Sends the events of one input, stamped with its place in the run.
class InputEvents {
 public:
  InputEvents(const RenderOptions& opt, std::string input, std::size_t index, std::size_t count)
      : opt_(opt), input_(std::move(input)), index_(index), count_(count) {}

  void send(RenderEvent ev) const {
    if (!opt_.on_event) return;
    ev.input = input_;
    ev.input_index = index_;
    ev.input_count = count_;
    opt_.on_event(ev);
  }
  void progress(RenderEvent::Phase phase, double position_s, double duration_s) const {
    RenderEvent ev;
    ev.kind = RenderEvent::Kind::kProgress;
    ev.phase = phase;
    ev.position_s = position_s;
    ev.duration_s = duration_s;
    send(ev);
  }
  /// An analysis's progress in `phase` (the video is `duration_s` long), and the run's cancel.
  AnalysisHooks hooks(RenderEvent::Phase phase, double duration_s) const {
    AnalysisHooks h;
    h.cancel = opt_.cancel;
    if (opt_.on_event) {
      h.on_progress = [this, phase, duration_s](double t) { progress(phase, t, duration_s); };
    }
    return h;
  }

 private:
  const RenderOptions& opt_;
  std::string input_;
  std::size_t index_;
  std::size_t count_;
};

// Keyframes at most this far apart place a shot's start closely enough for a channel's part.
constexpr double kCloseKeyframesS = 1.0;

// True when `path`'s video has a keyframe at least every kCloseKeyframesS (a camera's clip,
// usually every half second; an edited or screen-recorded file may have one every 10 s).
bool keyframes_close(const std::string& path) {
  const Result<PacketSurvey> survey = survey_packets(path, InputLimits{});
  return survey && survey->video && survey->video->keyframes >= 2 &&
         survey->video->max_gop_s <= kCloseKeyframesS;
}

/// The analysis decode of one video input, made on first use and shared by every reframed
/// rendition and the poster, so that the input is decoded for analysis once whatever the number
/// of window shapes. The render's own full-size decode cannot serve it: the window's path needs
/// the whole shot ahead before its first frame is cropped, and keeping the decoded frames until
/// then would take gigabytes.
class SharedAnalysis {
 public:
  SharedAnalysis(const std::string& input, const InputEvents& events, double duration_s)
      : input_(input), events_(events), duration_s_(duration_s) {}

  /// Set before the first get(): some rendition to make follows the content.
  bool reframe_wanted = false;
  /// Set before the first get(): the analysis only chooses channel-length parts (no poster,
  /// no reframing), so on a clip whose keyframes are close the keyframes are enough.
  bool parts_only = false;

  /// The analysis, decoded on the first call with faces when reframe_wanted and with poster
  /// candidates when that call is the poster's (pictures are rendered first).
  const Result<VideoAnalysis>& get(bool for_poster) {
    const bool missing = analysis_ && *analysis_ && for_poster && !(*analysis_)->wants.poster;
    if (!analysis_ || missing) {
      const AnalysisWants wants{.reframe = reframe_wanted,
                                .poster = for_poster || missing,
                                .keyframes_only = parts_only && keyframes_close(input_)};
      const auto phase =
          reframe_wanted ? RenderEvent::Phase::kReframe : RenderEvent::Phase::kPoster;
      const Result<FaceDetector>& faces = face_detector_once();
      analysis_ = faces ? analyse_video(input_, *faces, wants, events_.hooks(phase, duration_s_))
                        : Result<VideoAnalysis>(faces.error());
    }
    return *analysis_;
  }

  /// The poster from the shared analysis.
  Result<PosterPick> poster() {
    const Result<VideoAnalysis>& a = get(true);
    if (!a) return a.error();
    return poster_from(*a);
  }

 private:
  const std::string& input_;
  const InputEvents& events_;
  double duration_s_ = 0;
  std::optional<Result<VideoAnalysis>> analysis_;
};

// The moving window of a reframed fill rendition, in the chain's scaled picture: computed once
// per window shape from the shared analysis; when analysis fails the crop stays centred and
// says why.
std::shared_ptr<const av::MovingCrop> moving_crop_for(const VideoPlan& v, SharedAnalysis& analysis,
                                                      std::map<int, Result<ReframeTrack>>& cache,
                                                      RenditionResult& r) {
  const FrameGeometry& g = v.geometry;
  const double aspect = static_cast<double>(g.crop.width) / g.crop.height;
  const int key = static_cast<int>(std::lround(aspect * 10000));
  auto it = cache.find(key);
  if (it == cache.end()) {
    const Result<VideoAnalysis>& a = analysis.get(false);
    Result<ReframeTrack> track = a ? reframe_from(*a, aspect) : Result<ReframeTrack>(a.error());
    it = cache.emplace(key, std::move(track)).first;
  }
  if (!it->second) {
    r.reframe = "centred: " + it->second.error().to_string();
    return nullptr;
  }
  const ReframeTrack& t = *it->second;
  r.warnings.insert(r.warnings.end(), t.warnings.begin(), t.warnings.end());
  auto m = std::make_shared<av::MovingCrop>();
  m->fps = t.fps;
  m->start_s = t.start_s;
  const double scale = static_cast<double>(g.scaled_width) / std::max(1, t.frame_width);
  const int room = g.scaled_width - g.crop.width;
  for (int left : t.left) {
    m->x.push_back(std::clamp(static_cast<int>(std::lround(left * scale)), 0, room));
  }
  r.reframe = reframe_summary(t, scale);
  return m;
}

RenditionResult rendition_of(const std::string& input, const Preset& preset) {
  RenditionResult r;
  r.input = input;
  r.preset = preset.name;
  return r;
}

void add_failed(InputReport& report, const Preset& preset, const Error& e) {
  RenditionResult r = rendition_of(report.input, preset);
  r.outcome = Outcome::kFailed;
  r.error = e;
  report.renditions.push_back(std::move(r));
}

double seconds_since(Clock::time_point started) {
  return std::chrono::duration<double>(Clock::now() - started).count();
}

/// The video and sound renditions of one input that must be made, for one transcode.
struct MediaJob {
  std::vector<av::TranscodeOutput> outputs;
  std::vector<std::size_t> rendition_of_output;  ///< index into the report's renditions
  std::map<int, Result<ReframeTrack>> reframes;  ///< windows' paths, by window shape
  std::vector<std::size_t> reframed;             ///< outputs whose window follows the content
  /// Per output, the renditions that take its file (one encode for several channels).
  std::vector<std::vector<std::size_t>> followers;
  double seek = -1;     ///< the earliest start of any output
  double stop = 0;      ///< the latest end of any trimmed output
  bool to_end = false;  ///< some output runs to the input's end
};

// Plans one video or sound rendition and decides whether it must be made (the manifest may
// say it is up to date); a rendition that cannot be made fails here, alone.
void plan_media_rendition(const Preset& preset, const SourceFacts& facts, const std::string& stem,
                          const RenderOptions& opt, const RenderManifest& manifest, MediaJob& job,
                          InputReport& report) {
  RenditionResult r = rendition_of(report.input, preset);
  auto plan = plan_rendition(preset, facts, opt.overrides, stem);
  if (!plan) {
    r.outcome = Outcome::kFailed;
    r.error = plan.error();
    r.output =
        (fs::path(opt.out_dir) / fmt::format("{}.{}.{}", stem, preset.name, preset.extension))
            .string();
    report.renditions.push_back(std::move(r));
    return;
  }
  r.output = (fs::path(opt.out_dir) / plan->output_name).string();
  decide_copy(*plan, facts);
  if (plan->video) r.enlarged_from = plan->video->enlarged_from;
  if (!needs_making(media_fingerprint(*plan, report.input), manifest, opt.force, r)) {
    r.plan = std::move(*plan);
    report.renditions.push_back(std::move(r));
    return;
  }
  // A window that follows the content is planned once the pictures are made (add_moving_crops):
  // the poster and every window shape share one analysis decode.
  if (plan->video && plan->video->reframe) job.reframed.push_back(job.outputs.size());
  job.outputs.push_back(output_of(*plan, r.output));
  r.plan = std::move(*plan);
  job.rendition_of_output.push_back(report.renditions.size());
  report.renditions.push_back(std::move(r));
}

// Where the job's one decode starts and stops: from the earliest start of its outputs to the
// latest end of a trimmed one, or to the input's end when some output runs there (a copied
// stream is taken whole). `planned` holds the renditions the job's outputs are of.
void set_job_span(MediaJob& job, const InputReport& planned) {
  job.seek = -1;
  job.stop = 0;
  job.to_end = false;
  for (std::size_t i : job.rendition_of_output) {
    const RenditionPlan& plan = *planned.renditions[i].plan;
    job.seek = job.seek < 0 ? plan.start_s : std::min(job.seek, plan.start_s);
    if (plan.duration_s > 0 && !(plan.video && plan.video->copy))
      job.stop = std::max(job.stop, plan.start_s + plan.duration_s);
    else
      job.to_end = true;
  }
}

// The sound's level a tenth of a second at a time: fine enough to start in a pause between
// two words.
constexpr double kLevelStep = 0.1;

// The part of `length_s` a rendition keeps: for a video, by the frames (segment_from, on the
// analysis the poster and the reframing share); for sound, by where someone speaks
// (speech_inputs, on the sound's levels, read once per input).
Result<SegmentChoice> segment_for(const RenditionPlan& plan, SharedAnalysis& analysis,
                                  std::optional<Result<std::vector<float>>>& levels,
                                  const std::string& input, const RenderOptions& opt) {
  if (plan.preset.kind == PresetKind::kAudio) {
    if (!levels) levels = av::sound_levels(input, kLevelStep, opt.limits, opt.cancel);
    if (!*levels) return levels->error();
    return choose_segment(speech_inputs(**levels, kLevelStep), plan.duration_s);
  }
  const Result<VideoAnalysis>& a = analysis.get(true);
  if (!a) return a.error();
  return segment_from(*a, plan.duration_s);
}

// A video or sound cut to its channel's limit with no start given keeps the part chosen by
// content (segment_for); its plan is made again from that start. When the input cannot be
// analysed the first seconds are kept, and the note says why.
void choose_segments(SharedAnalysis& analysis, const SourceFacts& facts, const std::string& stem,
                     const RenderOptions& opt, MediaJob& job, InputReport& planned) {
  std::optional<Result<std::vector<float>>> levels;
  for (std::size_t o = 0; o < job.outputs.size(); ++o) {
    RenditionResult& r = planned.renditions[job.rendition_of_output[o]];
    RenditionPlan& plan = *r.plan;
    if (!plan.segment_by_content) continue;
    const Result<SegmentChoice> choice = segment_for(plan, analysis, levels, planned.input, opt);
    if (!choice) {
      plan.segment_note = fmt::format("the first {:.1f} s (it could not be analysed: {})",
                                      plan.duration_s, choice.error().message);
      continue;
    }
    if (choice->start_s > plan.start_s + 0.01) {
      RenderOverrides from = opt.overrides;
      from.start_s = choice->start_s;
      from.duration_s = plan.duration_s;
      auto again = plan_rendition(plan.preset, facts, from, stem);
      if (!again) {
        plan.segment_note = fmt::format("the first {:.1f} s (from {:.1f} s it cannot be made: {})",
                                        plan.duration_s, choice->start_s, again.error().message);
        continue;
      }
      again->trimmed_to_limit = true;
      again->segment_by_content = true;
      if (plan.video && again->video) again->video->copy_note = plan.video->copy_note;
      auto moving = job.outputs[o].video ? job.outputs[o].video->moving_crop : nullptr;
      plan = std::move(*again);
      job.outputs[o] = output_of(plan, r.output);
      if (job.outputs[o].video) job.outputs[o].video->moving_crop = std::move(moving);
    }
    plan.segment_note = choice->reason;
  }
}

// Renditions that would make the same file are encoded once (shared_encodes): the group's lead
// keeps its output, encoded in the group's profile, and the others take its file once it is
// made. Called once the moving windows are set (job.reframed is spent).
void share_encodes(MediaJob& job, InputReport& planned) {
  std::vector<const RenditionPlan*> plans;
  for (std::size_t i : job.rendition_of_output) plans.push_back(&*planned.renditions[i].plan);
  job.followers.assign(job.outputs.size(), {});
  std::vector<bool> follows(job.outputs.size(), false);
  for (const SharedEncode& g : shared_encodes(plans)) {
    const std::size_t lead = g.members.front();
    job.outputs[lead].video->encoder.profile = g.profile;
    const VideoPlan made = *plans[lead]->video;
    for (std::size_t k = 0; k < g.members.size(); ++k) {
      const std::size_t o = g.members[k];
      RenditionPlan& plan = *planned.renditions[job.rendition_of_output[o]].plan;
      plan.shared_note = g.note;
      if (k == 0) continue;
      // The manifest tells the settings the file was made with: the lead's.
      plan.video->bitrate_kbps = made.bitrate_kbps;
      plan.video->max_bitrate_kbps = made.max_bitrate_kbps;
      plan.video->gop_frames = made.gop_frames;
      follows[o] = true;
      job.followers[lead].push_back(job.rendition_of_output[o]);
    }
  }
  MediaJob kept;
  for (std::size_t o = 0; o < job.outputs.size(); ++o) {
    if (follows[o]) continue;
    kept.outputs.push_back(std::move(job.outputs[o]));
    kept.rendition_of_output.push_back(job.rendition_of_output[o]);
    kept.followers.push_back(std::move(job.followers[o]));
  }
  job.outputs = std::move(kept.outputs);
  job.rendition_of_output = std::move(kept.rendition_of_output);
  job.followers = std::move(kept.followers);
  job.reframed.clear();
}

// What a made file is: its size, and its length and frame as a probe reads them back.
MediaOutcome read_back(const std::string& path) {
  MediaOutcome m;
  std::error_code ec;
  m.bytes = fs::file_size(path, ec);
  if (ec) m.bytes = 0;
  if (auto info = probe_av(path, InputLimits{}); info) {
    m.duration_s = info->duration_s.value_or(0);
    if (info->picture) {
      const bool turned = info->picture->rotation == 90 || info->picture->rotation == 270;
      m.width = turned ? info->picture->height : info->picture->width;
      m.height = turned ? info->picture->width : info->picture->height;
    }
  }
  if (m.duration_s > 0) m.bitrate_bps = static_cast<double>(m.bytes) * 8 / m.duration_s;
  return m;
}

// A rendition that shares the encode of `lead` gets its file under its own name (a hard link,
// else a copy), checked against its own channel's limits like any other output.
void take_shared(const RenditionResult& lead, RenditionResult& r) {
  if (lead.outcome != Outcome::kMade) {
    r.outcome = Outcome::kFailed;
    // A cancelled encode cancels its followers alike (they are left out of the report).
    if (lead.error && lead.error->code == ErrorCode::kCancelled) {
      r.error = lead.error;
      return;
    }
    r.error = make_error(ErrorCode::kExternal,
                         fmt::format("was not made: the encode it shares with {} failed",
                                     fs::path(lead.output).filename().string()),
                         r.output);
    return;
  }
  const std::string temp = temp_path_beside(r.output, "part");
  std::error_code ec;
  fs::remove(temp, ec);
  fs::create_hard_link(lead.output, temp, ec);
  if (ec) {
    ec.clear();
    fs::copy_file(lead.output, temp, ec);
    if (!ec) {
      if (Status st = fsync_file(temp); !st) return discard_output(temp, st.error(), r);
    }
  }
  if (ec) return discard_output(temp, make_error(ErrorCode::kIo, ec.message(), r.output), r);
  r.source_loudness = lead.source_loudness;
  r.processed_loudness = lead.processed_loudness;
  r.gain_db = lead.gain_db;
  r.limited = lead.limited;
  r.video_frames = lead.video_frames;
  commit_checked(temp, r.plan->preset, FolderSync::kNow, r);
  if (r.outcome == Outcome::kMade) r.media = read_back(r.output);
}

// One transcoded output: its facts, then checked and placed under its final name.
void commit_media_output(av::OutputOutcome& o, RenditionResult& r) {
  r.source_loudness = o.source_loudness;
  r.processed_loudness = o.processed_loudness;
  r.gain_db = o.gain_db;
  r.limited = o.limited;
  r.video_frames = o.video_frames;
  if (o.error || !o.file) {
    r.outcome = Outcome::kFailed;
    r.error = o.error.value_or(make_error(ErrorCode::kExternal, "was not made", r.output));
    return;
  }
  commit_checked(o.file->temp_path(), r.plan->preset, FolderSync::kNow, r);
  if (r.outcome == Outcome::kMade) r.media = read_back(r.output);
}

// The transcoder splits the cores between encoders that run side by side. Encoders of
// different parts of the clip (a reel cut to 60 s beside the whole clip for the website) run
// alone for part of it, so each gets every core: split, the one left alone would use one core
// of two (a 2-minute 1080p clip with a 60 s reel, five channels: 78 s split, 71 s not).
void give_cores_to_partial_encoders(MediaJob& job, const InputReport& report) {
  std::set<std::pair<long, long>> spans;
  for (std::size_t i = 0; i < job.outputs.size(); ++i) {
    const av::TranscodeOutput& o = job.outputs[i];
    if (!o.video || o.video->copy) continue;
    const RenditionPlan& plan = *report.renditions[job.rendition_of_output[i]].plan;
    spans.insert({std::lround(plan.start_s * 10), std::lround(plan.duration_s * 10)});
  }
  if (spans.size() < 2) return;
  for (av::TranscodeOutput& o : job.outputs)
    if (o.video && !o.video->copy && o.video->encoder.threads == 0)
      o.video->encoder.threads = default_threads();
}

// One decode of the input makes every output of the job.
void run_media_job(const SourceFacts& facts, const RenderOptions& opt, const InputEvents& events,
                   MediaJob& job, InputReport& report) {
  if (job.outputs.empty()) return;
  give_cores_to_partial_encoders(job, report);
  av::TranscodeOptions topt;
  topt.limits = opt.limits;
  topt.loudness = loudness_processing();
  // Seek a little before the earliest start: the trim filters cut exactly.
  topt.seek_s = std::max(0.0, job.seek - 1.0);
  topt.stop_s = job.to_end ? 0 : job.stop;
  topt.cancel = opt.cancel;
  // Progress runs to where the decode stops: the input's end, or the end of the longest trim.
  const double until = job.to_end || (facts.duration_s > 0 && facts.duration_s < job.stop)
                           ? facts.duration_s
                           : job.stop;
  topt.on_progress = [&events, until](double pos) {
    events.progress(RenderEvent::Phase::kEncode, pos, until);
  };
  av::TranscodeResult t = av::transcode(report.input, job.outputs, topt);
  report.damaged = t.damaged;
  report.branches = t.branches;
  report.decoded_frames = t.decoded_video_frames;
  if (t.input_error) report.error = t.input_error;
  for (std::size_t i = 0; i < job.outputs.size(); ++i) {
    const RenditionResult& lead = report.renditions[job.rendition_of_output[i]];
    commit_media_output(t.outputs[i], report.renditions[job.rendition_of_output[i]]);
    for (std::size_t f : job.followers[i]) take_shared(lead, report.renditions[f]);
  }
}

// Pictures come from a photo or a video's poster frame; sound has none.
void render_pictures(const MediaInfo& info, const std::string& stem,
                     const std::vector<const Preset*>& pictures, const RenderOptions& opt,
                     const RenderManifest& manifest, const PosterSource& poster,
                     InputReport& report) {
  if (pictures.empty()) return;
  if (info.kind == MediaKind::kPhoto || info.kind == MediaKind::kVideo) {
    for (RenditionResult& r :
         render_images(report.input, info, stem, pictures, opt, manifest, poster))
      report.renditions.push_back(std::move(r));
    return;
  }
  for (const Preset* p : pictures) {
    add_failed(
        report, *p,
        make_error(ErrorCode::kInvalidArgument,
                   fmt::format("has no picture: {} is a picture preset", p->name), report.input));
  }
}

// Every rendition of a photo: its pictures; a video or sound preset fails.
void render_photo(const MediaInfo& info, const std::string& stem,
                  const std::vector<const Preset*>& pictures,
                  const std::vector<const Preset*>& media, const RenderOptions& opt,
                  const RenderManifest& manifest, InputReport& report) {
  render_pictures(info, stem, pictures, opt, manifest, {}, report);
  for (const Preset* p : media) {
    add_failed(report, *p,
               make_error(ErrorCode::kInvalidArgument,
                          fmt::format("is a photo: {} is a {} preset, which needs a video or "
                                      "sound file",
                                      p->name, preset_kind_name(p->kind)),
                          report.input));
  }
}

// The moving windows of the job's reframed outputs, from the shared analysis.
void add_moving_crops(SharedAnalysis& analysis, MediaJob& job, InputReport& media) {
  for (std::size_t o : job.reframed) {
    RenditionResult& r = media.renditions[job.rendition_of_output[o]];
    job.outputs[o].video->moving_crop = moving_crop_for(*r.plan->video, analysis, job.reframes, r);
  }
}

// Every rendition of an input that could be read: pictures, then video and sound. The video
// and sound renditions are planned first, so that the one analysis decode (made for the poster
// or the first reframed output) knows whether to look for faces to reframe by.
void render_renditions(const MediaInfo& info, const std::string& stem, const RenderOptions& opt,
                       const RenderManifest& manifest, const InputEvents& events,
                       InputReport& report) {
  std::vector<const Preset*> pictures;
  std::vector<const Preset*> media;
  for (const Preset& p : opt.presets)
    (p.kind == PresetKind::kImage ? pictures : media).push_back(&p);
  if (info.kind == MediaKind::kPhoto) {
    render_photo(info, stem, pictures, media, opt, manifest, report);
    return;
  }
  const SourceFacts facts = source_facts(info);
  // Plan every rendition first: a rendition that cannot be made fails here, alone.
  MediaJob job;
  InputReport planned;
  planned.input = report.input;
  for (const Preset* p : media) plan_media_rendition(*p, facts, stem, opt, manifest, job, planned);
  SharedAnalysis analysis(report.input, events, facts.duration_s);
  analysis.reframe_wanted = !job.reframed.empty();
  analysis.parts_only = pictures.empty() && job.reframed.empty();
  choose_segments(analysis, facts, stem, opt, job, planned);
  set_job_span(job, planned);
  render_pictures(
      info, stem, pictures, opt, manifest, [&] { return analysis.poster(); }, report);
  add_moving_crops(analysis, job, planned);
  share_encodes(job, planned);
  const std::size_t offset = report.renditions.size();
  for (std::size_t& i : job.rendition_of_output) i += offset;
  for (auto& followers : job.followers)
    for (std::size_t& i : followers) i += offset;
  for (RenditionResult& r : planned.renditions) report.renditions.push_back(std::move(r));
  run_media_job(facts, opt, events, job, report);
}

// The input's kind and how many presets take it; an error for what render cannot read.
Result<MediaInfo> probe_input(const std::string& input, const RenderOptions& opt,
                              InputReport& report) {
  auto info = probe_file(input, opt.limits);
  if (!info) return info.error();
  report.kind = info->kind;
  for (const Preset& p : opt.presets) report.presets_taking += preset_takes(p, *info) ? 1 : 0;
  if (info->kind == MediaKind::kTelemetry) {
    return make_error(ErrorCode::kUnsupported,
                      "is drone telemetry, not media: it is read with the video of the same "
                      "name beside it; give the video instead",
                      input);
  }
  return info;
}

// Renditions cut short by a cancel are not results: they are counted and left out, so that
// neither the lines nor the manifest take them for failures.
void drop_interrupted(InputReport& report) {
  const auto before = report.renditions.size();
  std::erase_if(report.renditions, [](const RenditionResult& r) {
    return r.outcome == Outcome::kFailed && r.error && r.error->code == ErrorCode::kCancelled;
  });
  report.interrupted = static_cast<int>(before - report.renditions.size());
}

InputReport render_one(const std::string& input, const std::string& stem, const RenderOptions& opt,
                       const RenderManifest& manifest, const InputEvents& events) {
  const auto started = Clock::now();
  InputReport report;
  report.input = input;
  auto info = probe_input(input, opt, report);
  RenderEvent start;
  start.kind = RenderEvent::Kind::kInputStart;
  if (info) start.duration_s = info->duration_s.value_or(0);
  events.send(start);
  if (!info) {
    report.error = info.error();
    for (const Preset& p : opt.presets) add_failed(report, p, *report.error);
    report.seconds = seconds_since(started);
    return report;
  }
  render_renditions(*info, stem, opt, manifest, events, report);
  drop_interrupted(report);
  for (const RenditionResult& r : report.renditions) {
    RenderEvent ev;
    ev.kind = RenderEvent::Kind::kRendition;
    ev.rendition = &r;
    events.send(ev);
  }
  report.seconds = seconds_since(started);
  return report;
}

// Renders one input (with its own focal point, when it has one and the run sets none) and
// records what became of it in the manifest.
InputReport render_and_record(const std::string& input, const std::string& stem,
                              const RenderOptions& opt, const InputEvents& events) {
  const RenderManifest manifest = read_render_manifest(opt.out_dir);
  const auto focus = opt.input_focus.find(input);
  InputReport report;
  if (!opt.overrides.focus && focus != opt.input_focus.end()) {
    RenderOptions with_focus = opt;
    with_focus.overrides.focus = focus->second;
    report = render_one(input, stem, with_focus, manifest, events);
  } else {
    report = render_one(input, stem, opt, manifest, events);
  }
  if (auto st = record_in_render_manifest(opt.out_dir, report); !st && !report.error)
    report.error = st.error();
  RenderEvent ev;
  ev.kind = RenderEvent::Kind::kInputDone;
  ev.report = &report;
  events.send(ev);
  return report;
}

Status make_out_dir(const std::string& out_dir) {
  std::error_code ec;
  if (fs::exists(out_dir, ec) && !fs::is_directory(out_dir, ec)) {
    return make_error(ErrorCode::kInvalidArgument,
                      "is a file, not a folder: outputs go into a folder (made when missing)",
                      out_dir);
  }
  fs::create_directories(out_dir, ec);
  if (ec || !fs::is_directory(out_dir)) {
    return make_error(ErrorCode::kIo,
                      fmt::format("cannot create the output folder: {}", ec.message()), out_dir);
  }
  return Ok{};
}

}  // namespace

bool preset_takes(const Preset& preset, const MediaInfo& input) {
  const bool video = input.kind == MediaKind::kVideo && input.picture.has_value();
  switch (preset.kind) {
    case PresetKind::kImage:
      return input.kind == MediaKind::kPhoto || video;
    case PresetKind::kVideo:
      return video;
    case PresetKind::kAudio:
      return (input.kind == MediaKind::kVideo || input.kind == MediaKind::kAudio) &&
             input.audio.has_value();
  }
  return false;
}

std::string what_preset_takes(const Preset& preset) {
  switch (preset.kind) {
    case PresetKind::kImage:
      return "photos (JPEG, PNG, WebP, HEIC) and videos (a frame chosen as poster)";
    case PresetKind::kVideo:
      return "videos";
    case PresetKind::kAudio:
      return "sound files and videos with sound";
  }
  return "nothing";
}

const char* phase_words(RenderEvent::Phase phase) {
  switch (phase) {
    case RenderEvent::Phase::kReframe:
      return "analysing for reframing";
    case RenderEvent::Phase::kPoster:
      return "choosing a poster frame";
    case RenderEvent::Phase::kEncode:
      return "encoding";
  }
  return "working";
}

OutcomeCounts RenderResult::counts() const {
  OutcomeCounts counts;
  for (const InputReport& r : reports) {
    bool failed = false;
    for (const RenditionResult& x : r.renditions) {
      counts.add(x.outcome);
      failed = failed || x.outcome == Outcome::kFailed;
    }
    if (r.error && !failed) counts.add(Outcome::kFailed);
  }
  return counts;
}

RenderResult render(const RenderRequest& request) {
  const RenderOptions& opt = request.options;
  RenderResult result;
  if (Status st = make_out_dir(opt.out_dir); !st) {
    result.error = st.error();
    return result;
  }
  sweep_stale_parts(opt.out_dir);
  std::map<std::string, std::string> stems;
  const std::size_t count = request.inputs.size();
  for (std::size_t i = 0; i < count; ++i) {
    if (is_cancelled(opt.cancel)) {
      result.inputs_not_started = count - i;
      break;
    }
    const std::string& input = request.inputs[i];
    const InputEvents events(opt, input, i, count);
    result.reports.push_back(render_and_record(input, unique_stem(input, stems), opt, events));
  }
  result.interrupted = is_cancelled(opt.cancel);
  return result;
}

}  // namespace saluran
