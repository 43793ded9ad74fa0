#include "codecs/av/av_encode.hpp"

#include <fmt/format.h>

#include "codecs/av/av_error.hpp"
#include "codecs/av/av_inc.hpp"

namespace saluran::av {

Result<CodecContextPtr> open_h264(const H264Settings& s, const AVFilterContext* sink,
                                  bool global_header) {
  const AVCodec* codec = avcodec_find_encoder_by_name("libx264");
  if (codec == nullptr)
    return make_error(ErrorCode::kUnsupported, "this FFmpeg has no libx264 encoder");
  CodecContextPtr enc(avcodec_alloc_context3(codec));
  if (!enc) return make_error(ErrorCode::kExternal, "out of memory");
  enc->width = av_buffersink_get_w(sink);
  enc->height = av_buffersink_get_h(sink);
  enc->pix_fmt = static_cast<AVPixelFormat>(av_buffersink_get_format(sink));
  enc->sample_aspect_ratio = {1, 1};
  enc->framerate = {s.rate_num, s.rate_den};
  enc->time_base = {s.rate_den, s.rate_num};
  enc->bit_rate = static_cast<int64_t>(s.bitrate_kbps) * 1000;
  if (s.max_bitrate_kbps > 0) {
    enc->rc_max_rate = static_cast<int64_t>(s.max_bitrate_kbps) * 1000;
    enc->rc_buffer_size = static_cast<int>(enc->rc_max_rate * 2);
  }
  enc->gop_size = s.gop_frames;
  enc->thread_count = s.threads;
  enc->max_b_frames = s.bframes;
  // SDR output is BT.709 (tone-mapped HDR included); say so in the stream.
  enc->color_primaries = AVCOL_PRI_BT709;
  enc->color_trc = AVCOL_TRC_BT709;
  enc->colorspace = AVCOL_SPC_BT709;
  enc->color_range = AVCOL_RANGE_MPEG;
  if (global_header) enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  Dictionary opts;
  opts.set("preset", s.speed.c_str());
  opts.set("profile", s.profile.c_str());
  // x264 closes GOPs unless told otherwise; say it anyway, the channel depends on it.
  opts.set("x264-params", s.closed_gop ? "open-gop=0" : "open-gop=1");
  if (auto st = check_av(avcodec_open2(enc.get(), codec, opts.slot()), "avcodec_open2(libx264)");
      !st)
    return st.error();
  return enc;
}

Result<CodecContextPtr> open_audio_encoder(const AudioEncodeSettings& s, bool global_header) {
  const AVCodec* codec = avcodec_find_encoder_by_name(s.encoder.c_str());
  if (codec == nullptr) {
    return make_error(ErrorCode::kUnsupported,
                      fmt::format("this FFmpeg has no {} encoder", s.encoder));
  }
  CodecContextPtr enc(avcodec_alloc_context3(codec));
  if (!enc) return make_error(ErrorCode::kExternal, "out of memory");
  enc->sample_rate = s.sample_rate;
  av_channel_layout_default(&enc->ch_layout, s.channels);
  enc->sample_fmt = s.encoder == "pcm_s16le" ? AV_SAMPLE_FMT_S16 : AV_SAMPLE_FMT_FLTP;
  enc->time_base = {1, s.sample_rate};
  if (s.bitrate_kbps > 0) enc->bit_rate = static_cast<int64_t>(s.bitrate_kbps) * 1000;
  if (s.encoder == "aac") enc->profile = FF_PROFILE_AAC_LOW;
  if (global_header) enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  if (auto st = check_av(avcodec_open2(enc.get(), codec, nullptr),
                         fmt::format("avcodec_open2({})", s.encoder).c_str());
      !st)
    return st.error();
  return enc;
}

std::string ffmpeg_video_options(const H264Settings& s) {
  std::string out = fmt::format(
      "-c:v libx264 -preset {} -profile:v {} -b:v {}k -g {} -bf {} -r {}/{} -x264-params {}",
      s.speed, s.profile, s.bitrate_kbps, s.gop_frames, s.bframes, s.rate_num, s.rate_den,
      s.closed_gop ? "open-gop=0" : "open-gop=1");
  if (s.max_bitrate_kbps > 0)
    out += fmt::format(" -maxrate {}k -bufsize {}k", s.max_bitrate_kbps, s.max_bitrate_kbps * 2);
  return out;
}

}  // namespace saluran::av
