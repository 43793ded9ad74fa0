#include "codecs/av/frame_sampler.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <map>
#include <optional>

#include "codecs/av/av_error.hpp"
#include "codecs/av/av_filter.hpp"
#include "codecs/av/av_inc.hpp"
#include "codecs/av/av_open.hpp"

namespace saluran::av {
namespace {

/// An open video stream with its decoder, and the conversion to upright RGB built on the
/// first frame (the decoder's real output format is only certain then).
class VideoReader {
 public:
  static Result<VideoReader> open(const std::string& path) {
    VideoReader r;
    InputLimits limits;
    auto in = open_input_file(path, limits);
    if (!in) return in.error();
    if (auto st = read_stream_info(*in, limits); !st) return st.error();
    r.in_ = std::move(*in);
    const AVCodec* codec = nullptr;
    r.stream_ = av_find_best_stream(r.in_.get(), AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
    if (r.stream_ < 0 || codec == nullptr)
      return make_error(ErrorCode::kUnsupported, "has no video stream that can be decoded", path);
    AVStream* st = r.in_->streams[r.stream_];
    // The machine is shared; two frame threads keep a core busy without piling up frames.
    auto dec = open_stream_decoder(r.in_, r.stream_, limits, 2);
    if (!dec) return dec.error();
    r.dec_ = std::move(*dec);
    r.tb_ = st->time_base;
    if (r.in_->start_time != AV_NOPTS_VALUE)
      r.offset_ = av_rescale_q(r.in_->start_time, AV_TIME_BASE_Q, st->time_base);
    r.rotation_ = display_rotation(st).rotation;
    r.sar_ = st->codecpar->sample_aspect_ratio.num > 0 ? st->codecpar->sample_aspect_ratio
                                                       : st->sample_aspect_ratio;
    return r;
  }

  const std::string& path() const { return in_.path(); }

  /// From now on the decoder skips the frames no other frame is predicted from.
  void skip_non_reference() { dec_->skip_frame = AVDISCARD_NONREF; }

  /// From now on the decoder decodes the keyframes alone.
  void skip_non_key() { dec_->skip_frame = AVDISCARD_NONKEY; }

  /// Seeks to the keyframe at or before `time_s` (best effort: a file that cannot seek is read
  /// from the start, which gives the same frames, only later).
  void seek(double time_s) {
    if (time_s <= 0) return;
    const std::int64_t ts = static_cast<std::int64_t>(time_s * AV_TIME_BASE) +
                            (in_->start_time != AV_NOPTS_VALUE ? in_->start_time : 0);
    if (av_seek_frame(in_.get(), -1, ts, AVSEEK_FLAG_BACKWARD) >= 0)
      avcodec_flush_buffers(dec_.get());
  }

  /// Decodes the whole stream (from where it stands), calling `visit(frame, index, time_s)` for
  /// every frame in display order; `visit` returns false to stop.
  Status decode(const std::function<bool(AVFrame*, std::int64_t, double)>& visit) {
    PacketPtr pkt = make_packet();
    FramePtr frame = make_frame();
    if (!pkt || !frame) return make_error(ErrorCode::kExternal, "out of memory", path());
    bool stop = false;
    std::int64_t index = 0;
    std::int64_t next_pts = AV_NOPTS_VALUE;
    std::optional<Error> read_error;
    auto receive = [&] {
      while (!stop) {
        const int ret = avcodec_receive_frame(dec_.get(), frame.get());
        if (ret < 0) return;  // EAGAIN, EOF, or a damaged frame that is skipped
        std::int64_t pts = frame->best_effort_timestamp;
        if (pts == AV_NOPTS_VALUE) pts = next_pts;
        if (pts == AV_NOPTS_VALUE) pts = offset_;
        next_pts = pts + (frame->pkt_duration > 0 ? frame->pkt_duration : 0);
        const double t = static_cast<double>(pts - offset_) * av_q2d(tb_);
        if (!visit(frame.get(), index++, t)) stop = true;
        av_frame_unref(frame.get());
      }
    };
    while (!stop) {
      in_.extend_deadline(kReadBudget);
      const int ret = av_read_frame(in_.get(), pkt.get());
      if (ret == AVERROR_EOF) break;
      if (ret < 0) {
        // A read error after some good frames: keep what was decoded (a truncated file).
        if (index == 0 && decoded_ == 0)
          read_error =
              make_error(ErrorCode::kCorrupt, fmt::format("cannot be read: {}", av_error_text(ret)),
                         path(), "av_read_frame");
        break;
      }
      if (pkt->stream_index == stream_) {
        // A damaged packet is skipped; the decoder resynchronises at the next keyframe.
        avcodec_send_packet(dec_.get(), pkt.get());
        receive();
      }
      av_packet_unref(pkt.get());
    }
    if (!stop) {
      avcodec_send_packet(dec_.get(), nullptr);
      receive();
    }
    decoded_ += index;
    if (read_error) return *read_error;
    if (decoded_ == 0)
      return make_error(ErrorCode::kCorrupt, "no video frame could be decoded", path());
    return Ok{};
  }

  /// Converts one decoded frame to upright RGB with the long edge at most `max_edge`.
  Result<Picture> convert(const AVFrame* frame, int max_edge, int& source_width,
                          int& source_height) {
    // One chain per size asked for (an analysis wants two: small for every frame, larger for
    // the frames it looks at), each rebuilt when the decoder's output changes.
    Conversion& c = conversions_[max_edge];
    if (!c.chain || c.width != frame->width || c.height != frame->height ||
        c.format != frame->format) {
      if (auto st = build_chain(frame, max_edge, c); !st) return st.error();
    }
    source_width = source_width_;
    source_height = source_height_;
    FramePtr ref(av_frame_clone(frame));
    FramePtr out = make_frame();
    if (!ref || !out) return make_error(ErrorCode::kExternal, "out of memory", path());
    if (auto st = c.chain->push(ref.get()); !st) return with_file(st.error());
    auto got = c.chain->pull(out.get());
    if (!got) return with_file(got.error());
    if (!*got)
      return make_error(ErrorCode::kExternal, "the picture conversion gave no frame", path());
    Picture p;
    p.width = out->width;
    p.height = out->height;
    p.rgb.resize(p.stride() * static_cast<std::size_t>(p.height));
    for (int y = 0; y < p.height; ++y)
      std::memcpy(p.rgb.data() + y * p.stride(), out->data[0] + y * out->linesize[0], p.stride());
    return p;
  }

 private:
  Error with_file(Error e) const {
    if (e.context.file.empty()) e.context.file = path();
    return e;
  }

  /// One scale-and-convert chain and the decoded frames it was built for.
  struct Conversion {
    std::optional<FilterChain> chain;
    int width = 0;
    int height = 0;
    int format = -1;
  };

  Status build_chain(const AVFrame* frame, int max_edge, Conversion& c) {
    // Square pixels first: the display width is the stored width times the pixel aspect.
    const double sar = sar_.num > 0 && sar_.den > 0 ? av_q2d(sar_) : 1.0;
    const double dw = frame->width * sar;
    const double dh = frame->height;
    const double scale = max_edge > 0 ? std::min(1.0, max_edge / std::max(dw, dh)) : 1.0;
    const int sw = std::max(1, static_cast<int>(std::lround(dw * scale)));
    const int sh = std::max(1, static_cast<int>(std::lround(dh * scale)));
    const bool turned = rotation_ == 90 || rotation_ == 270;
    source_width_ = static_cast<int>(std::lround(turned ? dh : dw));
    source_height_ = static_cast<int>(std::lround(turned ? dw : dh));
    StreamFormat in;
    in.width = frame->width;
    in.height = frame->height;
    in.pixel_format = frame->format;
    in.sar_num = sar_.num > 0 ? sar_.num : 1;
    in.sar_den = sar_.den > 0 ? sar_.den : 1;
    in.tb_num = tb_.num;
    in.tb_den = tb_.den;
    // Scale before turning (fewer pixels to move); area averaging keeps small analysis frames
    // free of aliasing, which would otherwise read as detail in the sharpness measure.
    const std::string turn = upright_filter(rotation_);
    const std::string desc =
        fmt::format("scale={}:{}:flags={},setsar=1{}{},format=rgb24", sw, sh,
                    scale < 1.0 ? "area" : "bicubic", turn.empty() ? "" : ",", turn);
    auto chain = FilterChain::make(in, desc);
    if (!chain) return with_file(chain.error());
    c.chain.emplace(std::move(*chain));
    c.width = frame->width;
    c.height = frame->height;
    c.format = frame->format;
    return Ok{};
  }

  InputFile in_;
  CodecContextPtr dec_;
  int stream_ = -1;
  AVRational tb_{1, 1};
  AVRational sar_{1, 1};
  std::int64_t offset_ = 0;
  int rotation_ = 0;
  std::int64_t decoded_ = 0;
  std::map<int, Conversion> conversions_;  ///< by long edge
  int source_width_ = 0;
  int source_height_ = 0;
};

std::atomic<std::uint64_t> g_sampling_decodes{0};
std::atomic<std::uint64_t> g_sampled_frames{0};

/// Converts `frame` at `edge` into `out`; false (with `failure` set) when that fails.
bool convert_into(VideoReader& reader, const AVFrame* frame, int edge, SampledFrame& f,
                  Picture& out, std::optional<Error>& failure) {
  auto pic = reader.convert(frame, edge, f.source_width, f.source_height);
  if (!pic) {
    failure = pic.error();
    return false;
  }
  out = std::move(*pic);
  return true;
}

}  // namespace

Status sample_video(const std::string& path, const SamplingPlan& plan,
                    const std::function<bool(SampledFrame&&)>& on_frame) {
  if (plan.max_edge < 0 || plan.small_edge < 0)
    return make_error(
        ErrorCode::kInvalidArgument,
        fmt::format("frame sampling needs sizes >= 0 (got {}, {})", plan.max_edge, plan.small_edge),
        path);
  auto reader = VideoReader::open(path);
  if (!reader) return reader.error();
  ++g_sampling_decodes;
  if (plan.keyframes_only)
    reader->skip_non_key();
  else if (plan.reference_frames_only)
    reader->skip_non_reference();
  std::optional<Error> failure;
  auto st = reader->decode([&](AVFrame* frame, std::int64_t index, double t) {
    SampledFrame f;
    f.index = index;
    f.time_s = t;
    ++g_sampled_frames;
    if (plan.small_edge > 0 && !convert_into(*reader, frame, plan.small_edge, f, f.small, failure))
      return false;
    if ((!plan.look || plan.look(index, t)) &&
        !convert_into(*reader, frame, plan.max_edge, f, f.picture, failure))
      return false;
    return on_frame(std::move(f));
  });
  if (failure) return *failure;
  return st;
}

std::uint64_t sampling_decodes() { return g_sampling_decodes.load(); }

std::uint64_t sampled_frames() { return g_sampled_frames.load(); }

Status sample_frames(const std::string& path, int max_edge, int step,
                     const std::function<bool(SampledFrame&&)>& on_frame) {
  if (step < 1 || max_edge < 0)
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("frame sampling needs step >= 1 and max_edge >= 0 (got {}, {})",
                                  step, max_edge),
                      path);
  SamplingPlan plan;
  plan.max_edge = max_edge;
  plan.look = [step](std::int64_t index, double) { return index % step == 0; };
  return sample_video(
      path, plan, [&](SampledFrame&& f) { return f.index % step != 0 || on_frame(std::move(f)); });
}

Result<std::vector<Picture>> decode_frames_at(const std::string& path,
                                              const std::vector<double>& times, int max_edge) {
  auto reader = VideoReader::open(path);
  if (!reader) return reader.error();
  std::vector<Picture> pictures;
  for (double time_s : times) {
    reader->seek(time_s);
    FramePtr last = make_frame();
    bool have = false;
    // Only the chosen frame is converted: keep a reference to the latest one, so that a time
    // beyond the end still gives the last frame. Half a millisecond of slack: a time read back
    // from a frame must find that same frame.
    const double wanted = time_s - 5e-4;
    auto st = reader->decode([&](AVFrame* frame, std::int64_t, double t) {
      av_frame_unref(last.get());
      have = av_frame_ref(last.get(), frame) >= 0;
      return t < wanted;
    });
    if (!st) return st.error();
    if (!have) return make_error(ErrorCode::kCorrupt, "no video frame could be decoded", path);
    int w = 0;
    int h = 0;
    auto pic = reader->convert(last.get(), max_edge, w, h);
    if (!pic) return pic.error();
    pictures.push_back(std::move(*pic));
  }
  return pictures;
}

Result<Picture> decode_frame_at(const std::string& path, double time_s) {
  Result<std::vector<Picture>> one = decode_frames_at(path, {time_s}, 0);
  if (!one) return one.error();
  return std::move(one->front());
}

}  // namespace saluran::av
