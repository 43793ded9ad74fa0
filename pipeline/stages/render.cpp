#include "pipeline/stages/render.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <set>

#include "pipeline/ops/loudness_processing.hpp"
#include "pipeline/presets/preset_json.hpp"
#include "pipeline/stages/probe.hpp"
#include "pipeline/stages/render_image.hpp"
#include "pipeline/stages/render_manifest.hpp"
#include "pipeline/stages/video_analysis.hpp"

namespace saluran {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

SourceFacts facts_of(const MediaInfo& info) {
  SourceFacts f;
  f.path = info.path;
  f.has_video = info.kind == MediaKind::kVideo && info.picture.has_value();
  if (info.picture) {
    const PictureInfo& p = *info.picture;
    f.picture = {p.width, p.height, p.rotation, p.sar_num, p.sar_den};
    f.interlaced = p.interlaced;
    f.hdr = p.hdr;
    f.bit_depth = p.bit_depth;
  }
  f.fps = info.frame_rate;
  f.variable_rate = info.variable_frame_rate;
  if (info.audio) {
    f.has_audio = true;
    f.audio_channels = info.audio->channels;
    f.sample_rate = info.audio->sample_rate;
  }
  f.duration_s = info.duration_s.value_or(0);
  return f;
}

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

// Equal fingerprints mean the output would come out the same: same input file (size and
// modification time), same resolved settings, same plan, same Saluran.
std::string fingerprint(const RenditionPlan& plan, const fs::path& input) {
  struct stat st {};
  ::stat(input.c_str(), &st);
  const std::string text =
      fmt::format("{}|{}|{}|{}|{}|{}|{}|{}|{}|{}", SALURAN_VERSION, fs::absolute(input).string(),
                  static_cast<long long>(st.st_size), static_cast<long long>(st.st_mtim.tv_sec),
                  static_cast<long long>(st.st_mtim.tv_nsec), preset_to_json(plan.preset).dump(),
                  plan.video ? plan.video->filter : "", plan.audio ? plan.audio->filter : "",
                  plan.video ? plan.video->bitrate_kbps : 0, plan.duration_s);
  return fmt::format("{:016x}", XXH3_64bits(text.data(), text.size()));
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

// The moving window of a reframed fill rendition, in the chain's scaled picture. The video is
// analysed once per window shape; when analysis fails the crop stays centred and says why.
std::shared_ptr<const av::MovingCrop> moving_crop_for(const std::string& input, const VideoPlan& v,
                                                      std::map<int, Result<ReframeTrack>>& cache,
                                                      RenditionResult& r) {
  const FrameGeometry& g = v.geometry;
  const double aspect = static_cast<double>(g.crop.width) / g.crop.height;
  const int key = static_cast<int>(std::lround(aspect * 10000));
  auto it = cache.find(key);
  if (it == cache.end()) {
    const Result<FaceDetector>& faces = face_detector_once();
    Result<ReframeTrack> track =
        faces ? analyse_reframe(input, aspect, *faces) : Result<ReframeTrack>(faces.error());
    it = cache.emplace(key, std::move(track)).first;
  }
  if (!it->second) {
    r.reframe = "centred: " + it->second.error().to_string();
    return nullptr;
  }
  const ReframeTrack& t = *it->second;
  auto m = std::make_shared<av::MovingCrop>();
  m->fps = t.fps;
  const double scale = static_cast<double>(g.scaled_width) / std::max(1, t.frame_width);
  const int room = g.scaled_width - g.crop.width;
  for (int left : t.left) {
    m->x.push_back(std::clamp(static_cast<int>(std::lround(left * scale)), 0, room));
  }
  r.reframe = fmt::format(
      "{} shots; faces in {} analysed frames; window moves at most {} px a "
      "frame within a shot; {}",
      t.shot_starts.size(), t.frames_with_faces, static_cast<int>(std::lround(t.max_step * scale)),
      t.note);
  return m;
}

void emit(const RenderOptions& opt, RenderEvent ev) {
  if (opt.on_event) opt.on_event(ev);
}

InputReport render_one(const std::string& input, const std::string& stem, const RenderOptions& opt,
                       const nlohmann::json& manifest) {
  const auto started = Clock::now();
  InputReport report;
  report.input = input;
  auto info = probe_file(input, opt.limits);
  std::vector<const Preset*> pictures;
  std::vector<const Preset*> media;
  for (const Preset& p : opt.presets)
    (p.kind == PresetKind::kImage ? pictures : media).push_back(&p);
  if (!info) {
    report.error = info.error();
  } else if (info->kind == MediaKind::kTelemetry) {
    report.error = make_error(ErrorCode::kUnsupported, "is drone telemetry, not media", input);
  }
  RenderEvent start{RenderEvent::Kind::kInputStart, input};
  if (info) start.duration_s = info->duration_s.value_or(0);
  emit(opt, start);
  auto fail = [&](const Preset& p, const Error& e) {
    RenditionResult r;
    r.input = input;
    r.preset = p.name;
    r.status = "failed";
    r.error = e;
    report.renditions.push_back(std::move(r));
  };
  if (report.error) {
    for (const Preset& p : opt.presets) fail(p, *report.error);
    report.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    return report;
  }
  // Pictures: from a photo, or a video's poster frame; sound has none.
  if (!pictures.empty()) {
    if (info->kind == MediaKind::kPhoto || info->kind == MediaKind::kVideo) {
      for (RenditionResult& r : render_images(input, *info, stem, pictures, opt, manifest))
        report.renditions.push_back(std::move(r));
    } else {
      for (const Preset* p : pictures) {
        fail(*p, make_error(ErrorCode::kInvalidArgument,
                            fmt::format("has no picture: {} is a picture preset", p->name), input));
      }
    }
  }
  if (info->kind == MediaKind::kPhoto) {
    for (const Preset* p : media) {
      fail(*p, make_error(ErrorCode::kInvalidArgument,
                          fmt::format("is a photo: {} is a {} preset, which needs a video or "
                                      "sound file",
                                      p->name, preset_kind_name(p->kind)),
                          input));
    }
    media.clear();
  }
  const SourceFacts facts = facts_of(*info);

  // Plan every rendition first: a rendition that cannot be made fails here, alone.
  std::vector<av::TranscodeOutput> outputs;
  std::vector<std::size_t> output_of_result;
  std::map<int, Result<ReframeTrack>> reframes;
  double seek = -1;
  double stop = 0;
  bool to_end = false;
  for (const Preset* media_preset : media) {
    const Preset& preset = *media_preset;
    RenditionResult r;
    r.input = input;
    r.preset = preset.name;
    auto plan = plan_rendition(preset, facts, opt.overrides, stem);
    if (!plan) {
      r.status = "failed";
      r.error = plan.error();
      r.output =
          (fs::path(opt.out_dir) / fmt::format("{}.{}.{}", stem, preset.name, preset.extension))
              .string();
      report.renditions.push_back(std::move(r));
      continue;
    }
    r.output = (fs::path(opt.out_dir) / plan->output_name).string();
    r.fingerprint = fingerprint(*plan, input);
    const auto& outs = manifest["outputs"];
    const std::string key = plan->output_name;
    if (!opt.force && outs.contains(key) && outs[key].value("status", "") != "failed" &&
        outs[key].value("fingerprint", "") == r.fingerprint && fs::exists(r.output)) {
      r.status = "up-to-date";
      r.plan = std::move(*plan);
      report.renditions.push_back(std::move(r));
      continue;
    }
    seek = seek < 0 ? plan->start_s : std::min(seek, plan->start_s);
    if (plan->duration_s > 0)
      stop = std::max(stop, plan->start_s + plan->duration_s);
    else
      to_end = true;
    outputs.push_back(output_of(*plan, r.output));
    if (plan->video && plan->video->reframe) {
      outputs.back().video->moving_crop = moving_crop_for(input, *plan->video, reframes, r);
    }
    r.plan = std::move(*plan);
    output_of_result.push_back(report.renditions.size());
    report.renditions.push_back(std::move(r));
  }

  if (!outputs.empty()) {
    av::TranscodeOptions topt;
    topt.limits = opt.limits;
    topt.loudness = loudness_processing();
    // Seek a little before the earliest start: the trim filters cut exactly.
    topt.seek_s = std::max(0.0, seek - 1.0);
    topt.stop_s = to_end ? 0 : stop;
    topt.on_progress = [&](double pos) {
      RenderEvent ev{RenderEvent::Kind::kProgress, input, pos, facts.duration_s};
      emit(opt, ev);
    };
    av::TranscodeResult t = av::transcode(input, outputs, topt);
    report.damaged = t.damaged;
    report.branches = t.branches;
    report.decoded_frames = t.decoded_video_frames;
    if (t.input_error) report.error = t.input_error;
    for (std::size_t i = 0; i < outputs.size(); ++i) {
      RenditionResult& r = report.renditions[output_of_result[i]];
      av::OutputOutcome& o = t.outputs[i];
      r.source_loudness = o.source_loudness;
      r.processed_loudness = o.processed_loudness;
      r.gain_db = o.gain_db;
      r.limited = o.limited;
      r.video_frames = o.video_frames;
      if (o.error || !o.file) {
        r.status = "failed";
        r.error = o.error.value_or(make_error(ErrorCode::kExternal, "was not made", r.output));
        continue;
      }
      // Checked under its temporary name: only a file the channel accepts gets the real one.
      auto check = check_output(o.file->temp_path(), r.plan->preset);
      if (!check) {
        r.status = "failed";
        r.error = check.error();
        o.file->abandon();
        continue;
      }
      check->file = r.output;
      r.check = std::move(*check);
      if (!r.check->passed()) {
        r.status = "failed";
        r.error =
            make_error(ErrorCode::kInvalidArgument,
                       fmt::format("does not meet {}'s limits: {}", r.preset, r.check->failures()),
                       r.output, "check");
        o.file->abandon();
        continue;
      }
      if (auto st = o.file->commit(); !st) {
        r.status = "failed";
        r.error = st.error();
        o.file->abandon();
        continue;
      }
      r.status = "made";
    }
  }
  for (const RenditionResult& r : report.renditions) {
    RenderEvent ev{RenderEvent::Kind::kRendition, input};
    ev.rendition = &r;
    emit(opt, ev);
  }
  report.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  return report;
}

}  // namespace

std::vector<InputReport> render(const std::vector<std::string>& inputs, const RenderOptions& opt) {
  std::vector<InputReport> reports;
  std::error_code ec;
  fs::create_directories(opt.out_dir, ec);
  if (ec || !fs::is_directory(opt.out_dir)) {
    const Error e =
        make_error(ErrorCode::kIo, fmt::format("cannot create the output folder: {}", ec.message()),
                   opt.out_dir);
    for (const std::string& in : inputs) {
      InputReport r;
      r.input = in;
      r.error = e;
      reports.push_back(std::move(r));
    }
    return reports;
  }
  sweep_stale_parts(opt.out_dir);
  std::map<std::string, std::string> stems;
  for (const std::string& input : inputs) {
    const nlohmann::json manifest = read_render_manifest(opt.out_dir);
    const auto focus = opt.input_focus.find(input);
    InputReport report;
    if (!opt.overrides.focus && focus != opt.input_focus.end()) {
      RenderOptions with_focus = opt;
      with_focus.overrides.focus = focus->second;
      report = render_one(input, unique_stem(input, stems), with_focus, manifest);
    } else {
      report = render_one(input, unique_stem(input, stems), opt, manifest);
    }
    if (auto st = write_render_manifest(opt.out_dir, report); !st && !report.error)
      report.error = st.error();
    RenderEvent ev{RenderEvent::Kind::kInputDone, input};
    ev.report = &report;
    emit(opt, ev);
    reports.push_back(std::move(report));
  }
  return reports;
}

}  // namespace saluran
