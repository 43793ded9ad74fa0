#include "pipeline/stages/render_plan.hpp"

#include <fmt/format.h>

#include "codecs/av/av_transcode.hpp"
#include "codecs/av/filter_names.hpp"

#include <algorithm>
#include <cmath>

namespace saluran {
namespace {

const char* layout_name(int channels) {
  switch (channels) {
    case 1:
      return "mono";
    case 6:
      return "5.1";
    default:
      return "stereo";
  }
}

void append(std::string& chain, const std::string& part) {
  if (part.empty()) return;
  if (!chain.empty()) chain += ',';
  chain += part;
}

// Trim and fades are the same for picture and sound; `a` is "a" for the audio filters (atrim,
// asetpts, afade) and "" for the video ones.
void append_trim(std::string& chain, const RenditionPlan& p, const SourceFacts& src,
                 const char* a) {
  if (p.start_s > 0 || p.trimmed_to_limit ||
      (p.duration_s > 0 && p.duration_s + p.start_s < src.duration_s - 0.01)) {
    append(chain, p.duration_s > 0 ? fmt::format("{}trim=start={:.3f}:end={:.3f}", a, p.start_s,
                                                 p.start_s + p.duration_s)
                                   : fmt::format("{}trim=start={:.3f}", a, p.start_s));
    // The trim's start becomes 0 for both streams alike (not each stream's own first frame),
    // so a picture that starts later than the sound stays in sync.
    append(chain, fmt::format("{}setpts=PTS-{:.3f}/TB", a, p.start_s));
  }
}

void append_fades(std::string& chain, const RenditionPlan& p, const char* a) {
  if (p.fade_in_s > 0) append(chain, fmt::format("{}fade=t=in:st=0:d={:.3f}", a, p.fade_in_s));
  if (p.fade_out_s > 0 && p.duration_s > p.fade_out_s) {
    append(chain, fmt::format("{}fade=t=out:st={:.3f}:d={:.3f}", a, p.duration_s - p.fade_out_s,
                              p.fade_out_s));
  }
}

std::string video_filter(const VideoPlan& v, const SourceFacts& src, const RenditionPlan& p) {
  const FrameGeometry& g = v.geometry;
  std::string chain;
  append_trim(chain, p, src, "");
  if (src.interlaced) append(chain, "bwdif=mode=send_frame:deint=interlaced");
  // Constant rate first: frames dropped here are never scaled. start_time=0: a picture that
  // starts after the sound (phones often start video 0.1-1 s late) is padded with its first
  // frame from 0, so the file starts with both and every frame has the same duration.
  append(chain, fmt::format("fps={}/{}:start_time=0", v.rate.num, v.rate.den));
  const bool turned = src.picture.rotation == 90 || src.picture.rotation == 270;
  const int sw = turned ? g.scaled_height : g.scaled_width;
  const int sh = turned ? g.scaled_width : g.scaled_height;
  append(chain, fmt::format("scale={}:{}:flags=bicubic", sw, sh));
  // Turned upright after scaling: a smaller picture is cheaper to turn.
  append(chain, av::upright_filter(src.picture.rotation));
  if (v.tone_map) {
    // HLG/PQ to SDR BT.709: to linear light, Hable curve, back to BT.709 video range.
    append(chain,
           "zscale=t=linear:npl=100,format=gbrpf32le,zscale=p=bt709,tonemap=tonemap=hable:"
           "desat=0,zscale=t=bt709:m=bt709:r=tv");
  }
  append(chain, "setsar=1");
  switch (g.mode) {
    case AspectMode::kKeep:
      break;
    case AspectMode::kFill:
      append(chain, fmt::format("{}={}:{}:{}:{}", v.reframe ? av::kMovingCropFilter : "crop",
                                g.crop.width, g.crop.height, g.crop.x, g.crop.y));
      break;
    case AspectMode::kFit:
      append(chain,
             fmt::format("pad={}:{}:{}:{}:black", g.out_width, g.out_height, g.place.x, g.place.y));
      break;
    case AspectMode::kBlurPad: {
      // The background is the picture itself, enlarged to cover the frame and blurred. The
      // blur runs at a quarter of the size: the same look at a sixteenth of the work.
      const int bw = std::max(2, g.out_width / 4 / 2 * 2);
      const int bh = std::max(2, g.out_height / 4 / 2 * 2);
      append(chain, "split[fg][bgin];");
      chain += fmt::format(
          "[bgin]scale={}:{}:force_original_aspect_ratio=increase,crop={}:{},"
          "boxblur=luma_radius=12:luma_power=2,scale={}:{}:flags=bilinear,setsar=1[bg];"
          "[bg][fg]overlay={}:{}",
          bw, bh, bw, bh, g.out_width, g.out_height, g.place.x, g.place.y);
      break;
    }
  }
  append_fades(chain, p, "");
  append(chain, "format=" + p.preset.video->pixel_format);
  return chain;
}

std::string audio_filter(const AudioPlan& a, const SourceFacts& src, const RenditionPlan& p) {
  // async keeps sound on the picture's timeline when a phone's clock drifts or drops samples.
  std::string chain = "aresample=async=1:first_pts=0";
  append_trim(chain, p, src, "a");
  append_fades(chain, p, "a");
  // Radio is heard through FM's 15 kHz band; cut there before measuring. (What a lossy encoder
  // itself takes away is measured by the trial encodes of the loudness pass.)
  if (a.loudness && a.codec != "pcm_s16le") append(chain, "lowpass=f=15000");
  // The loudness path works on interleaved float (meter and limiter); encoders get their own.
  const char* fmt_name = a.loudness ? "flt" : a.codec == "pcm_s16le" ? "s16" : "fltp";
  append(chain, fmt::format("aformat=sample_fmts={}:sample_rates={}:channel_layouts={}", fmt_name,
                            a.sample_rate, layout_name(a.channels)));
  return chain;
}

BitrateFacts bitrate_facts(const VideoPlan& v, const SourceFacts& src) {
  BitrateFacts f;
  f.out_width = v.geometry.out_width;
  f.out_height = v.geometry.out_height;
  f.fps = v.rate.value();
  upright_display_size(src.picture, f.source_width, f.source_height);
  f.source_kbps = src.video_kbps;
  f.source_efficient =
      src.video_codec == "hevc" || src.video_codec == "vp9" || src.video_codec == "av1";
  return f;
}

}  // namespace

std::string audio_encoder_name(const std::string& codec) {
  if (codec == "mp3") return "libmp3lame";
  return codec;
}

Result<RenditionPlan> plan_rendition(const Preset& preset, const SourceFacts& source,
                                     const RenderOverrides& overrides, const std::string& stem) {
  RenditionPlan p;
  p.preset = preset;
  p.output_name = fmt::format("{}.{}.{}", stem, preset.name,
                              preset.extension.empty() ? preset.container : preset.extension);
  const auto fail = [&](std::string message) {
    return make_error(ErrorCode::kInvalidArgument, std::move(message), source.path, preset.name);
  };
  if (preset.kind == PresetKind::kVideo && !source.has_video)
    return fail(fmt::format("has no picture; the {} preset makes video", preset.name));
  if (preset.kind == PresetKind::kAudio && !source.has_audio)
    return fail(fmt::format("has no sound; the {} preset makes audio", preset.name));

  p.start_s = overrides.start_s.value_or(preset.trim.start_s);
  p.fade_in_s = overrides.fade_in_s.value_or(preset.trim.fade_in_s);
  p.fade_out_s = overrides.fade_out_s.value_or(preset.trim.fade_out_s);
  if (source.duration_s > 0 && p.start_s >= source.duration_s) {
    return fail(fmt::format("starts at {:.1f} s but the input is only {:.1f} s long", p.start_s,
                            source.duration_s));
  }
  const double available = source.duration_s > 0 ? source.duration_s - p.start_s : 0;
  double wanted = overrides.duration_s.value_or(preset.trim.duration_s);
  if (wanted <= 0 || (available > 0 && wanted > available)) wanted = available;
  const Limits& lim = preset.limits;
  if (lim.max_duration_s > 0 && wanted > lim.max_duration_s + 1e-3) {
    if (lim.too_long == TooLong::kError) {
      return fail(fmt::format(
          "is {:.1f} s long; {} allows at most {:.0f} s (set --duration, or use a preset with "
          "too_long = \"trim\")",
          wanted, preset.name, lim.max_duration_s));
    }
    // A tenth of a second under the limit: the AAC encoder's priming and last-frame padding
    // make an MP4 a few hundredths of a second longer than its cut.
    wanted = std::max(0.1, lim.max_duration_s - 0.1);
    p.trimmed_to_limit = true;
    p.segment_by_content =
        (preset.kind == PresetKind::kVideo || preset.kind == PresetKind::kAudio) &&
        !overrides.start_s && preset.trim.start_s <= 0;
  }
  if (lim.min_duration_s > 0 && wanted > 0 && wanted < lim.min_duration_s - 1e-3) {
    return fail(fmt::format("is {:.1f} s long; {} needs at least {:.1f} s", wanted, preset.name,
                            lim.min_duration_s));
  }
  p.duration_s = wanted;

  if (preset.video && source.has_video) {
    const VideoSpec& spec = *preset.video;
    VideoPlan v;
    v.geometry = plan_geometry(spec, source.picture, overrides.focus.value_or(FocusPoint{}));
    v.rate = plan_frame_rate(spec, source.fps, source.variable_rate);
    v.enlarged_from = enlarged_from(v.geometry, source.picture);
    v.bitrate_kbps = plan_bitrate_kbps(spec, bitrate_facts(v, source));
    v.max_bitrate_kbps = spec.max_bitrate_kbps;
    v.gop_frames = plan_gop_frames(spec, v.rate);
    v.tone_map = spec.sdr && !source.hdr.empty();
    // A fill crop across a wider picture follows the content (render analyses the video and
    // moves the window frame by frame), unless a focus point fixes it.
    const FrameGeometry& g = v.geometry;
    v.reframe = g.mode == AspectMode::kFill && !overrides.focus && g.crop.width < g.scaled_width &&
                g.crop.height == g.scaled_height;
    v.filter = video_filter(v, source, p);
    p.video = std::move(v);
  }
  if (preset.audio && source.has_audio) {
    const AudioSpec& spec = *preset.audio;
    AudioPlan a;
    a.codec = audio_encoder_name(spec.codec);
    a.sample_rate = spec.sample_rate;
    a.channels = spec.channels;
    a.bitrate_kbps = spec.codec == "pcm_s16le" ? 0 : spec.bitrate_kbps;
    a.loudness = spec.loudness_lufs.has_value();
    a.filter = audio_filter(a, source, p);
    p.audio = std::move(a);
  }
  return p;
}

std::vector<std::string> copy_obstacles(const RenditionPlan& plan, const SourceFacts& source) {
  std::vector<std::string> out;
  if (!plan.video || !source.has_video) return {"there is no video stream to copy"};
  const VideoPlan& v = *plan.video;
  const VideoSpec& spec = *plan.preset.video;
  if (source.video_codec != spec.codec)
    out.push_back(fmt::format("the source is {}, not {}", source.video_codec, spec.codec));
  if (source.picture.rotation != 0)
    out.push_back(fmt::format("the picture is turned {} degrees", source.picture.rotation));
  if (source.picture.sar_num != source.picture.sar_den) out.push_back("its pixels are not square");
  const SourcePicture& pic = source.picture;
  const FrameGeometry& g = v.geometry;
  if (g.out_width != pic.width || g.out_height != pic.height || g.scaled_width != pic.width ||
      g.scaled_height != pic.height || g.crop.width != g.out_width ||
      g.crop.height != g.out_height || v.enlarged_from)
    out.push_back(fmt::format("the picture is made {}x{} from {}x{}", g.out_width, g.out_height,
                              pic.width, pic.height));
  if (v.reframe) out.push_back("the window follows the content");
  if (!source.fps || source.variable_rate || std::abs(v.rate.value() - *source.fps) > 0.01)
    out.push_back("the frame rate changes");
  if (source.interlaced) out.push_back("the picture is interlaced");
  if (v.tone_map) out.push_back("HDR is tone-mapped to SDR");
  if (plan.start_s > 0 || plan.trimmed_to_limit ||
      (source.duration_s > 0 && plan.duration_s > 0 && plan.duration_s < source.duration_s - 0.05))
    out.push_back("the rendition is trimmed");
  if (plan.fade_in_s > 0 || plan.fade_out_s > 0) out.push_back("the picture fades");
  return out;
}

}  // namespace saluran
