#include "codecs/av/av_open.hpp"

#include <cmath>
#include <cstdint>
#include <mutex>
#include <vector>

#include <fmt/format.h>

#include "codecs/av/av_error.hpp"
#include "codecs/av/av_inc.hpp"
#include "codecs/av/av_probe.hpp"

namespace saluran::av {
namespace {

using Clock = std::chrono::steady_clock;

extern "C" int input_interrupt(void* opaque) {
  const auto* deadline = static_cast<const Clock::time_point*>(opaque);
  return Clock::now() > *deadline ? 1 : 0;
}

Error open_error(int ret, const std::string& path) {
  if (ret == AVERROR_INVALIDDATA || ret == AVERROR(EINVAL)) {
    return make_error(
        ErrorCode::kUnsupported,
        "not a photo, video or audio file that Saluran reads (content not recognised)", path,
        "avformat_open_input");
  }
  if (ret == AVERROR_EXIT) {
    return make_error(ErrorCode::kLimitExceeded, "gave up: reading the file took too long", path,
                      "avformat_open_input");
  }
  return check_av(ret, "avformat_open_input", path).error();
}

Status check_header_limits(const AVFormatContext* fmt, const InputLimits& limits,
                           const std::string& path) {
  if (fmt->nb_streams > static_cast<unsigned>(limits.max_streams)) {
    return make_error(ErrorCode::kLimitExceeded,
                      fmt::format("file has {} streams; at most {} are allowed", fmt->nb_streams,
                                  limits.max_streams),
                      path);
  }
  for (unsigned i = 0; i < fmt->nb_streams; ++i) {
    const AVCodecParameters* par = fmt->streams[i]->codecpar;
    if (par->codec_type == AVMEDIA_TYPE_VIDEO && (par->width > 0 || par->height > 0)) {
      if (auto st = check_dimensions(limits, par->width, par->height, path); !st) return st.error();
    }
  }
  if (fmt->duration != AV_NOPTS_VALUE &&
      static_cast<double>(fmt->duration) / AV_TIME_BASE > limits.max_duration_s) {
    return make_error(
        ErrorCode::kLimitExceeded,
        fmt::format("file claims {:.0f} s; at most {:.0f} s are allowed",
                    static_cast<double>(fmt->duration) / AV_TIME_BASE, limits.max_duration_s),
        path);
  }
  return Ok{};
}

}  // namespace

void InputFile::extend_deadline(std::chrono::steady_clock::duration budget) {
  if (deadline_) *deadline_ = Clock::now() + budget;
}

Result<InputFile> open_input_file(const std::string& path, const InputLimits& limits) {
  // libav would print its own complaints about every non-media file; ours come as Errors.
  static std::once_flag quiet;
  std::call_once(quiet, [] { av_log_set_level(AV_LOG_FATAL); });
  InputFile input;
  input.path_ = path;
  input.deadline_ = std::make_unique<Clock::time_point>(Clock::now() + kOpenBudget);
  AVFormatContext* raw = avformat_alloc_context();
  if (raw == nullptr) return make_error(ErrorCode::kExternal, "out of memory", path);
  raw->interrupt_callback.callback = input_interrupt;
  raw->interrupt_callback.opaque = input.deadline_.get();
  Dictionary opts;
  opts.set("protocol_whitelist", "file");
  opts.set("format_whitelist", kInputFormatWhitelist);
  // "file:" keeps a name like "a:b.mp4" from being read as a protocol.
  const std::string url = "file:" + path;
  // On failure avformat_open_input frees the context itself.
  if (int ret = avformat_open_input(&raw, url.c_str(), nullptr, opts.slot()); ret < 0)
    return open_error(ret, path);
  input.fmt_.reset(raw);
  if (auto st = check_header_limits(raw, limits, path); !st) return st.error();
  return input;
}

Status read_stream_info(InputFile& input, const InputLimits& limits) {
  AVFormatContext* fmt = input.get();
  input.extend_deadline(kOpenBudget);
  // Decoders used while probing get the same pixel cap as the header check.
  std::vector<Dictionary> stream_opts(fmt->nb_streams);
  std::vector<AVDictionary*> stream_opt_ptrs(fmt->nb_streams);
  const std::string max_pixels = std::to_string(limits.max_pixels);
  for (unsigned i = 0; i < fmt->nb_streams; ++i) {
    stream_opts[i].set("max_pixels", max_pixels.c_str());
    stream_opt_ptrs[i] = *stream_opts[i].slot();
  }
  const int found = avformat_find_stream_info(fmt, stream_opt_ptrs.data());
  // avformat_find_stream_info may replace the dictionaries; hand them back to their owners.
  for (unsigned i = 0; i < fmt->nb_streams && i < stream_opts.size(); ++i)
    *stream_opts[i].slot() = stream_opt_ptrs[i];
  if (found == AVERROR_EXIT) {
    return make_error(ErrorCode::kLimitExceeded, "gave up: reading the file took too long",
                      input.path(), "avformat_find_stream_info");
  }
  if (found < 0) {
    return make_error(ErrorCode::kCorrupt,
                      fmt::format("cannot read the streams: {}", av_error_text(found)),
                      input.path(), "avformat_find_stream_info");
  }
  // Streams found only now (MPEG-TS announces them late) are held to the same limits.
  return check_header_limits(fmt, limits, input.path());
}

DisplayRotation display_rotation(const AVStream* stream) {
  DisplayRotation r;
  std::size_t size = 0;
  const auto* matrix = reinterpret_cast<const std::int32_t*>(
      av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &size));
  if (matrix == nullptr || size < 9 * sizeof(std::int32_t)) return r;
  const double ccw = av_display_rotation_get(matrix);
  if (std::isnan(ccw)) return r;
  // av_display_rotation_get gives counter-clockwise degrees; turning upright is clockwise by -ccw.
  int cw = static_cast<int>(std::lround(-ccw));
  cw = ((cw % 360) + 360) % 360;
  r.rotation = (cw + 45) / 90 * 90 % 360;
  const double det =
      static_cast<double>(matrix[0]) * matrix[4] - static_cast<double>(matrix[1]) * matrix[3];
  r.mirrored = det < 0;
  return r;
}

Result<CodecContextPtr> open_stream_decoder(const InputFile& input, int stream,
                                            const InputLimits& limits, int threads) {
  const AVStream* st = input->streams[stream];
  const AVCodec* codec = avcodec_find_decoder(st->codecpar->codec_id);
  if (codec == nullptr)
    return make_error(ErrorCode::kUnsupported, "has no stream that can be decoded", input.path());
  CodecContextPtr dec(avcodec_alloc_context3(codec));
  if (!dec) return make_error(ErrorCode::kExternal, "out of memory", input.path());
  if (auto s = check_av(avcodec_parameters_to_context(dec.get(), st->codecpar),
                        "avcodec_parameters_to_context", input.path());
      !s)
    return s.error();
  dec->pkt_timebase = st->time_base;
  dec->thread_count = threads;
  dec->thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE;
  Dictionary opts;
  const std::string max_pixels = std::to_string(limits.max_pixels);
  opts.set("max_pixels", max_pixels.c_str());
  if (auto s =
          check_av(avcodec_open2(dec.get(), codec, opts.slot()), "avcodec_open2", input.path());
      !s)
    return s.error();
  return dec;
}

}  // namespace saluran::av
