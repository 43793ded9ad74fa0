#include "codecs/av/av_filter.hpp"

#include <fmt/format.h>

#include "codecs/av/av_error.hpp"
#include "codecs/av/av_inc.hpp"

namespace saluran::av {
namespace {

std::string source_args(const StreamFormat& in) {
  if (in.video) {
    std::string args =
        fmt::format("video_size={}x{}:pix_fmt={}:time_base={}/{}:pixel_aspect={}/{}", in.width,
                    in.height, in.pixel_format, in.tb_num, in.tb_den,
                    in.sar_num > 0 ? in.sar_num : 1, in.sar_den > 0 ? in.sar_den : 1);
    if (in.rate_num > 0) args += fmt::format(":frame_rate={}/{}", in.rate_num, in.rate_den);
    return args;
  }
  std::string layout = in.channel_layout;
  if (layout.empty()) {
    AVChannelLayout def{};
    av_channel_layout_default(&def, in.channels);
    char buf[64] = {};
    av_channel_layout_describe(&def, buf, sizeof buf);
    layout = buf;
    av_channel_layout_uninit(&def);
  }
  return fmt::format("time_base={}/{}:sample_rate={}:sample_fmt={}:channel_layout={}", in.tb_num,
                     in.tb_den, in.sample_rate,
                     av_get_sample_fmt_name(static_cast<AVSampleFormat>(in.sample_format)), layout);
}

}  // namespace

StreamFormat StreamFormat::of_video_decoder(const AVCodecContext* dec, int tb_num, int tb_den,
                                            int rate_num, int rate_den) {
  StreamFormat f;
  f.video = true;
  f.width = dec->width;
  f.height = dec->height;
  f.pixel_format = dec->pix_fmt;
  f.sar_num = dec->sample_aspect_ratio.num;
  f.sar_den = dec->sample_aspect_ratio.den;
  f.rate_num = rate_num;
  f.rate_den = rate_den;
  f.tb_num = tb_num;
  f.tb_den = tb_den;
  return f;
}

StreamFormat StreamFormat::of_audio_decoder(const AVCodecContext* dec, int tb_num, int tb_den) {
  StreamFormat f;
  f.video = false;
  f.sample_rate = dec->sample_rate;
  f.sample_format = dec->sample_fmt;
  f.channels = dec->ch_layout.nb_channels;
  if (dec->ch_layout.order != AV_CHANNEL_ORDER_UNSPEC) {
    char buf[64] = {};
    av_channel_layout_describe(&dec->ch_layout, buf, sizeof buf);
    f.channel_layout = buf;
  }
  f.tb_num = tb_num;
  f.tb_den = tb_den;
  return f;
}

Result<FilterChain> FilterChain::make(const StreamFormat& in, const std::string& chain,
                                      int frame_size) {
  FilterChain fc;
  fc.graph_.reset(avfilter_graph_alloc());
  if (!fc.graph_) return make_error(ErrorCode::kExternal, "out of memory", {}, "filter graph");
  // Renditions run side by side on their own threads; one thread per graph is enough.
  fc.graph_->nb_threads = 1;
  const AVFilter* src = avfilter_get_by_name(in.video ? "buffer" : "abuffer");
  const AVFilter* sink = avfilter_get_by_name(in.video ? "buffersink" : "abuffersink");
  const std::string args = source_args(in);
  if (auto st = check_av(avfilter_graph_create_filter(&fc.source_, src, "in", args.c_str(), nullptr,
                                                      fc.graph_.get()),
                         "avfilter_graph_create_filter(buffer)");
      !st)
    return st.error();
  if (auto st = check_av(
          avfilter_graph_create_filter(&fc.sink_, sink, "out", nullptr, nullptr, fc.graph_.get()),
          "avfilter_graph_create_filter(buffersink)");
      !st)
    return st.error();

  // The chain's first unlabelled input is our source "in", its last output our sink "out".
  FilterInOutPtr outputs(avfilter_inout_alloc());
  FilterInOutPtr inputs(avfilter_inout_alloc());
  if (!outputs || !inputs) return make_error(ErrorCode::kExternal, "out of memory");
  outputs->name = av_strdup("in");
  outputs->filter_ctx = fc.source_;
  inputs->name = av_strdup("out");
  inputs->filter_ctx = fc.sink_;
  AVFilterInOut* out_raw = outputs.release();
  AVFilterInOut* in_raw = inputs.release();
  const int parsed =
      avfilter_graph_parse_ptr(fc.graph_.get(), chain.c_str(), &in_raw, &out_raw, nullptr);
  avfilter_inout_free(&in_raw);
  avfilter_inout_free(&out_raw);
  if (parsed < 0) {
    return make_error(
        ErrorCode::kInvalidArgument,
        fmt::format("filter chain \"{}\" is not valid: {}", chain, av_error_text(parsed)), {},
        "avfilter_graph_parse_ptr");
  }
  if (const int ret = avfilter_graph_config(fc.graph_.get(), nullptr); ret < 0) {
    return make_error(
        ErrorCode::kExternal,
        fmt::format("filter chain \"{}\" cannot be set up: {}", chain, av_error_text(ret)), {},
        "avfilter_graph_config");
  }
  if (!in.video && frame_size > 0) av_buffersink_set_frame_size(fc.sink_, frame_size);
  return fc;
}

Status FilterChain::push(AVFrame* frame) {
  return check_av(av_buffersrc_add_frame_flags(source_, frame, 0), "av_buffersrc_add_frame");
}

Result<bool> FilterChain::pull(AVFrame* out) {
  const int ret = av_buffersink_get_frame(sink_, out);
  if (ret == AVERROR(EAGAIN)) return false;
  if (ret == AVERROR_EOF) {
    finished_ = true;
    return false;
  }
  if (auto st = check_av(ret, "av_buffersink_get_frame"); !st) return st.error();
  return true;
}

Status FilterChain::command(const std::string& target, const std::string& option,
                            const std::string& value) {
  char reply[64] = {};
  return check_av(avfilter_graph_send_command(graph_.get(), target.c_str(), option.c_str(),
                                              value.c_str(), reply, sizeof(reply), 0),
                  "avfilter_graph_send_command", target);
}

const char* upright_filter(int rotation) {
  switch (rotation) {
    case 90:
      return "transpose=clock";
    case 180:
      return "hflip,vflip";
    case 270:
      return "transpose=cclock";
    default:
      return "";
  }
}

}  // namespace saluran::av
