#include "codecs/av/av_transcode.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "codecs/av/av_error.hpp"
#include "codecs/av/av_filter.hpp"
#include "codecs/av/av_inc.hpp"
#include "codecs/av/av_open.hpp"
#include "codecs/file_copy.hpp"
#include "pipeline/ops/loudness_gain.hpp"
#include "pipeline/run/bounded_queue.hpp"

namespace saluran::av {
namespace {

using Clock = std::chrono::steady_clock;

// Audio frames are small (a few KB); a deeper queue lets the sound run ahead of slow pictures
// without stalling the decoder.
constexpr std::size_t kAudioQueueFrames = 64;
// Samples per block in the loudness second pass.
constexpr std::size_t kLoudnessBlock = 4096;

/// Per output: its file, its first error, its loudness figures. Shared by the video and audio
/// branch threads of the output.
struct OutputState {
  const TranscodeOutput* spec = nullptr;
  std::unique_ptr<OutputFile> file;
  std::mutex mutex;
  std::optional<Error> error;
  OutputOutcome outcome;

  void fail(Error e) {
    std::lock_guard lock(mutex);
    if (!error) error = std::move(e);
  }
  bool failed() {
    std::lock_guard lock(mutex);
    return error.has_value();
  }
};

/// One encoder of one output stream, fed by a branch.
struct Encoder {
  OutputState* out = nullptr;
  CodecContextPtr ctx;
  int stream = -1;
  std::int64_t frames = 0;
};

/// One filter chain on its own thread, feeding one or more encoders.
struct Branch {
  bool video = true;
  std::string filter;
  std::shared_ptr<const MovingCrop> moving_crop;
  double in_tb = 0;  ///< seconds per tick of the frames pushed in
  int last_crop_x = -1;
  std::optional<FilterChain> chain;
  std::vector<std::unique_ptr<Encoder>> encoders;
  std::unique_ptr<BoundedQueue<FramePtr>> queue;
  std::thread thread;
  // Loudness branches only: one encoder, audio spooled between the passes.
  std::optional<LoudnessTarget> loudness;
  AudioEncodeSettings loudness_encoder;
  int channels = 0;
  int sample_rate = 0;
  std::string channel_layout;
};

Status encode_and_write(Encoder& e, const AVFrame* frame, AVPacket* pkt) {
  int ret = avcodec_send_frame(e.ctx.get(), frame);
  if (ret < 0 && ret != AVERROR_EOF) return check_av(ret, "avcodec_send_frame", e.out->spec->path);
  if (frame != nullptr) ++e.frames;
  while (true) {
    ret = avcodec_receive_packet(e.ctx.get(), pkt);
    if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) return Ok{};
    if (auto st = check_av(ret, "avcodec_receive_packet", e.out->spec->path); !st) return st;
    auto st = e.out->file->write(e.stream, pkt, e.ctx.get());
    av_packet_unref(pkt);
    if (!st) return st;
  }
}

bool any_alive(const Branch& b) {
  return std::any_of(b.encoders.begin(), b.encoders.end(),
                     [](const auto& e) { return !e->out->failed(); });
}

// Sends one filtered frame to every encoder of the branch whose output is still alive.
void feed_encoders(Branch& b, AVFrame* frame, AVPacket* pkt) {
  const AVRational sink_tb = av_buffersink_get_time_base(b.chain->sink());
  const std::int64_t pts = frame->pts;
  // The decoder's picture types must not force keyframes: the preset's GOP decides them.
  if (b.video) frame->pict_type = AV_PICTURE_TYPE_NONE;
  for (auto& e : b.encoders) {
    if (e->out->failed()) continue;
    if (pts != AV_NOPTS_VALUE) frame->pts = av_rescale_q(pts, sink_tb, e->ctx->time_base);
    if (auto st = encode_and_write(*e, frame, pkt); !st) e->out->fail(st.error());
  }
  frame->pts = pts;
}

void fail_all(Branch& b, const Error& e) {
  for (auto& enc : b.encoders) enc->out->fail(e);
}

Status drain(Branch& b, AVFrame* filtered, AVPacket* pkt) {
  while (true) {
    auto got = b.chain->pull(filtered);
    if (!got) return got.error();
    if (!*got) return Ok{};
    feed_encoders(b, filtered, pkt);
    av_frame_unref(filtered);
  }
}

// A reframed rendition: puts the crop window where the path says for this frame's time.
Status move_crop(Branch& b, const AVFrame* frame) {
  if (!b.moving_crop || b.moving_crop->x.empty() || frame->pts == AV_NOPTS_VALUE) return Ok{};
  const MovingCrop& m = *b.moving_crop;
  const double t = static_cast<double>(frame->pts) * b.in_tb;
  const auto last = static_cast<std::int64_t>(m.x.size()) - 1;
  const std::int64_t i = std::clamp<std::int64_t>(std::llround(t * m.fps), 0, last);
  const int x = m.x[static_cast<std::size_t>(i)];
  if (x == b.last_crop_x) return Ok{};
  b.last_crop_x = x;
  return b.chain->command(kMovingCropFilter, "x", std::to_string(x));
}

void run_branch(Branch& b) {
  FramePtr filtered = make_frame();
  PacketPtr pkt = make_packet();
  while (auto item = b.queue->pop()) {
    if (!any_alive(b)) {
      // Nobody wants this chain's frames any more: let the decoder stop sending them.
      b.queue->close();
      continue;
    }
    Status st = move_crop(b, item->get());
    if (st) st = b.chain->push(item->get());
    if (st) st = drain(b, filtered.get(), pkt.get());
    if (!st) {
      fail_all(b, st.error());
      b.queue->close();
    }
  }
  if (!any_alive(b)) return;
  Status st = b.chain->push(nullptr);
  if (st) st = drain(b, filtered.get(), pkt.get());
  if (!st) return fail_all(b, st.error());
  for (auto& e : b.encoders) {
    if (e->out->failed()) continue;
    if (auto fl = encode_and_write(*e, nullptr, pkt.get()); !fl) e->out->fail(fl.error());
    e->out->outcome.video_frames = b.video ? e->frames : e->out->outcome.video_frames;
  }
}

/// A temporary file of raw interleaved float samples between the two loudness passes.
class Spool {
 public:
  explicit Spool(const std::string& near) {
    path_ = temp_path_beside(near, "spool");
    file_ = std::fopen(path_.c_str(), "w+b");
  }
  ~Spool() {
    if (file_ != nullptr) std::fclose(file_);
    std::remove(path_.c_str());
  }
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;
  bool ok() const { return file_ != nullptr && !error_; }
  const std::string& path() const { return path_; }
  void write(const float* data, std::size_t count) {
    if (file_ != nullptr && std::fwrite(data, sizeof(float), count, file_) != count) error_ = true;
  }
  void rewind() {
    if (file_ != nullptr) std::fseek(file_, 0, SEEK_SET);
  }
  std::size_t read(float* data, std::size_t count) {
    return file_ == nullptr ? 0 : std::fread(data, sizeof(float), count, file_);
  }

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
  bool error_ = false;
};

/// Where the encoder's packets of a loudness pass go: the output file, or a decoder that
/// measures what listeners will hear (a trial encode, to learn what the codec changes).
class PacketTarget {
 public:
  /// Into the output file, through `e`.
  explicit PacketTarget(Encoder& e) : encoder_(&e) {}
  /// Through a fresh encoder like `e`'s and back through its decoder into `meter`.
  static Result<PacketTarget> trial(const Encoder& e, const AudioEncodeSettings& s,
                                    LoudnessMeter& meter) {
    PacketTarget t;
    t.meter_ = &meter;
    auto enc = open_audio_encoder(s, false);
    if (!enc) return enc.error();
    t.own_ = std::make_unique<Encoder>();
    t.own_->out = e.out;
    t.own_->ctx = std::move(*enc);
    t.encoder_ = t.own_.get();
    const AVCodec* codec = avcodec_find_decoder(t.own_->ctx->codec_id);
    if (codec == nullptr) return make_error(ErrorCode::kUnsupported, "no decoder for the trial");
    t.dec_.reset(avcodec_alloc_context3(codec));
    if (!t.dec_) return make_error(ErrorCode::kExternal, "out of memory");
    CodecParamsPtr par(avcodec_parameters_alloc());
    if (auto st = check_av(avcodec_parameters_from_context(par.get(), t.own_->ctx.get()),
                           "avcodec_parameters_from_context");
        !st)
      return st.error();
    if (auto st = check_av(avcodec_parameters_to_context(t.dec_.get(), par.get()),
                           "avcodec_parameters_to_context");
        !st)
      return st.error();
    t.dec_->pkt_timebase = t.own_->ctx->time_base;
    if (auto st = check_av(avcodec_open2(t.dec_.get(), codec, nullptr), "avcodec_open2"); !st)
      return st.error();
    return t;
  }

  AVCodecContext* encoder() const { return encoder_->ctx.get(); }

  /// Encodes `frame` (null: flush) and delivers the packets.
  Status encode(const AVFrame* frame, AVPacket* pkt) {
    if (!dec_) return encode_and_write(*encoder_, frame, pkt);
    int ret = avcodec_send_frame(encoder_->ctx.get(), frame);
    if (ret < 0 && ret != AVERROR_EOF) return check_av(ret, "avcodec_send_frame");
    while (true) {
      ret = avcodec_receive_packet(encoder_->ctx.get(), pkt);
      if (ret == AVERROR(EAGAIN)) return Ok{};
      if (ret == AVERROR_EOF) return decode(nullptr);
      if (auto st = check_av(ret, "avcodec_receive_packet"); !st) return st;
      auto st = decode(pkt);
      av_packet_unref(pkt);
      if (!st) return st;
    }
  }

 private:
  PacketTarget() = default;

  Status decode(const AVPacket* pkt) {
    const int sent = avcodec_send_packet(dec_.get(), pkt);
    if (sent < 0 && sent != AVERROR_EOF) return Ok{};  // a bad trial packet: skip it
    FramePtr frame = make_frame();
    while (avcodec_receive_frame(dec_.get(), frame.get()) >= 0) {
      // Decoders give planar float (or s16 for PCM, which has no trial); interleave it.
      const int ch = frame->ch_layout.nb_channels;
      interleaved_.resize(static_cast<std::size_t>(frame->nb_samples) * ch);
      for (int i = 0; i < frame->nb_samples; ++i) {
        for (int c = 0; c < ch; ++c) {
          const auto* plane = reinterpret_cast<const float*>(frame->format == AV_SAMPLE_FMT_FLTP
                                                                 ? frame->extended_data[c]
                                                                 : frame->extended_data[0]);
          interleaved_[static_cast<std::size_t>(i) * ch + c] =
              frame->format == AV_SAMPLE_FMT_FLTP ? plane[i] : plane[i * ch + c];
        }
      }
      meter_->add(interleaved_.data(), static_cast<std::size_t>(frame->nb_samples));
      av_frame_unref(frame.get());
    }
    return Ok{};
  }

  Encoder* encoder_ = nullptr;
  std::unique_ptr<Encoder> own_;
  CodecContextPtr dec_;
  LoudnessMeter* meter_ = nullptr;
  std::vector<float> interleaved_;
};

/// One pass over the spool: gain, then the limiter when asked.
struct PassSettings {
  double gain_db = 0;
  bool limit = false;
  double ceiling_dbtp = -1.0;
};

// Reads the spool through gain and limiter into `meter`, and into `target` when given.
Status loudness_pass(Branch& b, Spool& spool, const PassSettings& ps, LoudnessMeter& meter,
                     PacketTarget* target, AVPacket* pkt) {
  std::optional<TruePeakLimiter> limiter;
  if (ps.limit) limiter.emplace(b.channels, b.sample_rate, ps.ceiling_dbtp);
  std::optional<FilterChain> to_encoder;
  if (target != nullptr) {
    StreamFormat in;
    in.video = false;
    in.sample_rate = b.sample_rate;
    in.sample_format = AV_SAMPLE_FMT_FLT;
    in.channels = b.channels;
    in.channel_layout = b.channel_layout;
    in.tb_num = 1;
    in.tb_den = b.sample_rate;
    AVCodecContext* enc = target->encoder();
    auto chain = FilterChain::make(
        in, fmt::format("aformat=sample_fmts={}", av_get_sample_fmt_name(enc->sample_fmt)),
        enc->frame_size);
    if (!chain) return chain.error();
    to_encoder.emplace(std::move(*chain));
  }
  FramePtr frame = make_frame();
  FramePtr filtered = make_frame();
  std::int64_t pts = 0;
  auto encode_ready = [&]() -> Status {
    while (true) {
      auto got = to_encoder->pull(filtered.get());
      if (!got) return got.error();
      if (!*got) return Ok{};
      filtered->pts = av_rescale_q(filtered->pts, av_buffersink_get_time_base(to_encoder->sink()),
                                   target->encoder()->time_base);
      auto st = target->encode(filtered.get(), pkt);
      av_frame_unref(filtered.get());
      if (!st) return st;
    }
  };
  auto emit = [&](const float* data, std::size_t frames) -> Status {
    if (frames == 0) return Ok{};
    meter.add(data, frames);
    if (!to_encoder) return Ok{};
    av_frame_unref(frame.get());
    frame->format = AV_SAMPLE_FMT_FLT;
    frame->sample_rate = b.sample_rate;
    av_channel_layout_default(&frame->ch_layout, b.channels);
    frame->nb_samples = static_cast<int>(frames);
    frame->pts = pts;
    pts += static_cast<std::int64_t>(frames);
    if (auto st = check_av(av_frame_get_buffer(frame.get(), 0), "av_frame_get_buffer"); !st)
      return st;
    std::memcpy(frame->data[0], data, frames * b.channels * sizeof(float));
    if (auto st = to_encoder->push(frame.get()); !st) return st;
    return encode_ready();
  };
  spool.rewind();
  std::vector<float> block(kLoudnessBlock * b.channels);
  std::vector<float> limited;
  while (true) {
    const std::size_t n = spool.read(block.data(), block.size());
    if (n == 0) break;
    apply_gain(block.data(), n, ps.gain_db);
    const std::size_t frames = n / b.channels;
    if (limiter) {
      limited.clear();
      limiter->process(block.data(), frames, limited);
      if (auto st = emit(limited.data(), limited.size() / b.channels); !st) return st;
    } else if (auto st = emit(block.data(), frames); !st) {
      return st;
    }
  }
  if (limiter) {
    limited.clear();
    limiter->flush(limited);
    if (auto st = emit(limited.data(), limited.size() / b.channels); !st) return st;
  }
  if (to_encoder) {
    if (auto st = to_encoder->push(nullptr); !st) return st;
    if (auto st = encode_ready(); !st) return st;
    if (auto st = target->encode(nullptr, pkt); !st) return st;
  }
  return Ok{};
}

// A loudness branch: measure while spooling, then find the gain and limiter that put the
// *encoded* sound on target (lossy codecs change level and peaks a little, so trial encodes
// are decoded and measured), then encode from the spool.
void run_loudness_branch(Branch& b, const AudioEncodeSettings& settings) {
  Encoder& e = *b.encoders.front();
  OutputState& out = *e.out;
  Spool spool(out.spec->path);
  LoudnessMeter meter(b.channels, b.sample_rate);
  FramePtr filtered = make_frame();
  PacketPtr pkt = make_packet();
  auto take = [&]() -> Status {
    while (true) {
      auto got = b.chain->pull(filtered.get());
      if (!got) return got.error();
      if (!*got) return Ok{};
      const auto* samples = reinterpret_cast<const float*>(filtered->data[0]);
      const auto frames = static_cast<std::size_t>(filtered->nb_samples);
      meter.add(samples, frames);
      spool.write(samples, frames * b.channels);
      av_frame_unref(filtered.get());
    }
  };
  if (!spool.ok()) {
    out.fail(make_error(ErrorCode::kIo, "cannot create the loudness spool file", spool.path()));
    b.queue->close();
  }
  while (auto item = b.queue->pop()) {
    if (out.failed()) {
      b.queue->close();
      continue;
    }
    Status st = b.chain->push(item->get());
    if (st) st = take();
    if (!st) {
      out.fail(st.error());
      b.queue->close();
    }
  }
  if (out.failed()) return;
  Status st = b.chain->push(nullptr);
  if (st) st = take();
  if (st && !spool.ok())
    st = make_error(ErrorCode::kIo, "writing the loudness spool failed (disk full?)", spool.path());
  if (!st) return out.fail(st.error());

  const LoudnessTarget& target = *b.loudness;
  const Loudness source = meter.result();
  PassSettings ps;
  ps.ceiling_dbtp = target.true_peak_dbtp - target.limiter_margin_db;
  const LoudnessPlan plan = plan_loudness(source, target.lufs, ps.ceiling_dbtp);
  ps.gain_db = plan.gain_db;
  ps.limit = plan.limited;
  const bool lossy = settings.encoder != "pcm_s16le";
  // Up to three trials: each corrects the gain by what the last one missed, and lowers the
  // limiter's ceiling by any peak the codec added over the channel's limit.
  // With the limiter working, a dB of gain gives less than a dB of loudness: the step is
  // scaled by what the last change achieved (secant method).
  double slope = 1.0;
  double last_gain = 0;
  double last_lufs = 0;
  for (int trial = 0; trial < 4 && source.integrated_lufs > -70.0; ++trial) {
    if (!ps.limit && !lossy) break;  // gain alone is exact
    LoudnessMeter heard(b.channels, b.sample_rate);
    LoudnessMeter before(b.channels, b.sample_rate);
    std::optional<PacketTarget> codec;
    if (lossy) {
      auto t = PacketTarget::trial(e, settings, heard);
      if (!t) return out.fail(t.error());
      codec.emplace(std::move(*t));
    }
    if (auto s = loudness_pass(b, spool, ps, before, codec ? &*codec : nullptr, pkt.get()); !s)
      return out.fail(s.error());
    const Loudness got = lossy ? heard.result() : before.result();
    const double off = target.lufs - got.integrated_lufs;
    const double over = got.true_peak_dbtp + off - (target.true_peak_dbtp - 0.1);
    if (std::abs(off) <= 0.1 && over <= 0) break;
    if (trial > 0 && std::abs(ps.gain_db - last_gain) > 0.01) {
      slope = std::clamp((got.integrated_lufs - last_lufs) / (ps.gain_db - last_gain), 0.2, 1.0);
    }
    last_gain = ps.gain_db;
    last_lufs = got.integrated_lufs;
    ps.gain_db += off / slope;
    if (over > 0) {
      ps.limit = true;
      ps.ceiling_dbtp -= over;
    }
  }
  LoudnessMeter processed(b.channels, b.sample_rate);
  PacketTarget file(e);
  if (auto s = loudness_pass(b, spool, ps, processed, &file, pkt.get()); !s)
    return out.fail(s.error());
  out.outcome.source_loudness = source;
  out.outcome.processed_loudness = processed.result();
  out.outcome.gain_db = ps.gain_db;
  out.outcome.limited = ps.limit;
}

/// Merges damage times into ranges (gaps under two seconds join).
void note_damage(std::vector<TimeRange>& ranges, double t) {
  t = std::max(0.0, t);  // a packet stamped before the input's start
  if (!ranges.empty() && t >= ranges.back().start_s - 2.0 && t <= ranges.back().end_s + 2.0) {
    ranges.back().start_s = std::min(ranges.back().start_s, t);
    ranges.back().end_s = std::max(ranges.back().end_s, t);
    return;
  }
  ranges.push_back({t, t});
}

struct Decoder {
  int stream = -1;
  CodecContextPtr ctx;
  AVRational tb{1, 1};
  std::int64_t offset = 0;  ///< the input's start time in this stream's time base
  std::int64_t next_pts = AV_NOPTS_VALUE;
  std::vector<Branch*> branches;
  bool done = false;
};

Result<Decoder> open_decoder(InputFile& in, AVMediaType type, const InputLimits& limits) {
  Decoder d;
  const AVCodec* codec = nullptr;
  d.stream = av_find_best_stream(in.get(), type, -1, -1, &codec, 0);
  if (d.stream < 0 || codec == nullptr) {
    d.stream = -1;
    return d;
  }
  AVStream* st = in->streams[d.stream];
  d.ctx.reset(avcodec_alloc_context3(codec));
  if (!d.ctx) return make_error(ErrorCode::kExternal, "out of memory", in.path());
  if (auto s = check_av(avcodec_parameters_to_context(d.ctx.get(), st->codecpar),
                        "avcodec_parameters_to_context", in.path());
      !s)
    return s.error();
  d.ctx->pkt_timebase = st->time_base;
  d.ctx->thread_count = 0;  // as many as the machine has
  d.ctx->thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE;
  Dictionary opts;
  const std::string max_pixels = std::to_string(limits.max_pixels);
  opts.set("max_pixels", max_pixels.c_str());
  if (auto s = check_av(avcodec_open2(d.ctx.get(), codec, opts.slot()), "avcodec_open2", in.path());
      !s)
    return s.error();
  d.tb = st->time_base;
  if (in->start_time != AV_NOPTS_VALUE)
    d.offset = av_rescale_q(in->start_time, AV_TIME_BASE_Q, st->time_base);
  return d;
}

// Hands a decoded frame to every branch of its stream, each a new reference to the same data.
void distribute(Decoder& d, AVFrame* frame) {
  for (Branch* b : d.branches) {
    FramePtr ref(av_frame_clone(frame));
    if (!ref) continue;
    b->queue->push(std::move(ref));
  }
}

}  // namespace

TranscodeResult transcode(const std::string& input, const std::vector<TranscodeOutput>& outputs,
                          const TranscodeOptions& options) {
  TranscodeResult result;
  result.outputs.resize(outputs.size());
  auto fail_input = [&](Error e) {
    result.input_error = e;
    for (auto& o : result.outputs) o.error = e;
    return std::move(result);
  };
  auto in = open_input_file(input, options.limits);
  if (!in) return fail_input(in.error());
  if (auto st = read_stream_info(*in, options.limits); !st) return fail_input(st.error());

  const bool want_video =
      std::any_of(outputs.begin(), outputs.end(), [](const auto& o) { return o.video; });
  const bool want_audio =
      std::any_of(outputs.begin(), outputs.end(), [](const auto& o) { return o.audio; });
  Decoder vdec;
  Decoder adec;
  if (want_video) {
    auto d = open_decoder(*in, AVMEDIA_TYPE_VIDEO, options.limits);
    if (!d) return fail_input(d.error());
    vdec = std::move(*d);
  }
  if (want_audio) {
    auto d = open_decoder(*in, AVMEDIA_TYPE_AUDIO, options.limits);
    if (!d) return fail_input(d.error());
    adec = std::move(*d);
  }

  // Outputs and their encoders; renditions with the same chain share one branch.
  std::vector<std::unique_ptr<OutputState>> states;
  std::vector<std::unique_ptr<Branch>> branches;
  std::map<std::string, Branch*> by_key;
  AVRational vrate{0, 1};
  if (vdec.stream >= 0) {
    AVStream* st = (*in)->streams[vdec.stream];
    vrate = st->avg_frame_rate.num > 0 ? st->avg_frame_rate : st->r_frame_rate;
  }
  auto branch_for = [&](bool video, const std::string& filter, int frame_size, bool own,
                        std::shared_ptr<const MovingCrop> moving = nullptr) -> Result<Branch*> {
    own = own || moving != nullptr;
    const std::string key = fmt::format("{}|{}|{}", video ? 'v' : 'a', frame_size, filter);
    if (!own) {
      if (auto it = by_key.find(key); it != by_key.end()) return it->second;
    }
    auto b = std::make_unique<Branch>();
    b->video = video;
    b->filter = filter;
    b->moving_crop = std::move(moving);
    const Decoder& d = video ? vdec : adec;
    const StreamFormat fmt =
        video
            ? StreamFormat::of_video_decoder(d.ctx.get(), d.tb.num, d.tb.den, vrate.num, vrate.den)
            : StreamFormat::of_audio_decoder(d.ctx.get(), d.tb.num, d.tb.den);
    auto chain = FilterChain::make(fmt, filter, frame_size);
    if (!chain) return chain.error();
    b->chain.emplace(std::move(*chain));
    b->in_tb = av_q2d(d.tb);
    b->queue = std::make_unique<BoundedQueue<FramePtr>>(
        video ? static_cast<std::size_t>(std::max(1, options.video_queue_frames))
              : kAudioQueueFrames);
    Branch* raw = b.get();
    branches.push_back(std::move(b));
    if (!own) by_key[key] = raw;
    return raw;
  };

  // Several encoders side by side already keep every core busy; frame threads inside each
  // would only add delay and a set of frames in flight per thread (memory). One encoder alone
  // gets x264's own choice.
  const auto video_outputs = static_cast<unsigned>(
      std::count_if(outputs.begin(), outputs.end(), [](const auto& o) { return o.video; }));
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const int x264_threads =
      video_outputs <= 1
          ? 0
          : static_cast<int>(std::max(1u, (cores + video_outputs - 1) / video_outputs));
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    const TranscodeOutput& spec = outputs[i];
    auto state = std::make_unique<OutputState>();
    state->spec = &spec;
    OutputState* out = state.get();
    states.push_back(std::move(state));
    auto setup = [&]() -> Status {
      if (spec.video && vdec.stream < 0)
        return make_error(ErrorCode::kUnsupported, "has no video stream", input);
      if (spec.audio && !spec.video && adec.stream < 0)
        return make_error(ErrorCode::kUnsupported, "has no audio stream", input);
      auto file = OutputFile::create(spec.path, spec.format);
      if (!file) return file.error();
      out->file = std::move(*file);
      const bool global = out->file->wants_global_header();
      if (spec.video) {
        auto b = branch_for(true, spec.video->filter, 0, false, spec.video->moving_crop);
        if (!b) return b.error();
        H264Settings settings = spec.video->encoder;
        if (settings.threads == 0) settings.threads = x264_threads;
        auto enc = open_h264(settings, (*b)->chain->sink(), global);
        if (!enc) return enc.error();
        auto e = std::make_unique<Encoder>();
        e->out = out;
        e->ctx = std::move(*enc);
        auto idx = out->file->add_stream(e->ctx.get());
        if (!idx) return idx.error();
        e->stream = *idx;
        (*b)->encoders.push_back(std::move(e));
      }
      if (spec.audio && adec.stream >= 0) {
        auto enc = open_audio_encoder(spec.audio->encoder, global);
        if (!enc) return enc.error();
        const bool loud = spec.audio->loudness.has_value();
        // PCM takes any frame size; the others want exactly theirs.
        const int frame_size = loud ? 0 : (*enc)->frame_size;
        auto b = branch_for(false, spec.audio->filter, frame_size, loud);
        if (!b) return b.error();
        auto e = std::make_unique<Encoder>();
        e->out = out;
        e->ctx = std::move(*enc);
        auto idx = out->file->add_stream(e->ctx.get());
        if (!idx) return idx.error();
        e->stream = *idx;
        if (loud) {
          (*b)->loudness = spec.audio->loudness;
          (*b)->loudness_encoder = spec.audio->encoder;
          (*b)->channels = spec.audio->encoder.channels;
          (*b)->sample_rate = spec.audio->encoder.sample_rate;
        }
        (*b)->encoders.push_back(std::move(e));
      }
      return out->file->start();
    };
    if (auto st = setup(); !st) {
      Error e = st.error();
      if (e.context.file.empty()) e.context.file = spec.path;
      out->fail(std::move(e));
    }
  }
  result.branches = static_cast<int>(branches.size());

  for (auto& b : branches) {
    (b->video ? vdec : adec).branches.push_back(b.get());
    b->thread = std::thread([raw = b.get()] {
      if (raw->loudness)
        run_loudness_branch(*raw, raw->loudness_encoder);
      else
        run_branch(*raw);
    });
  }

  // The one demux and decode.
  if (options.seek_s > 0.5) {
    const std::int64_t ts = static_cast<std::int64_t>(options.seek_s * AV_TIME_BASE) +
                            ((*in)->start_time != AV_NOPTS_VALUE ? (*in)->start_time : 0);
    av_seek_frame(in->get(), -1, ts, AVSEEK_FLAG_BACKWARD);
  }
  PacketPtr pkt = make_packet();
  FramePtr frame = make_frame();
  auto last_progress = Clock::now();
  double last_time = 0;  // of the latest decoded frame: where a read error cuts the input
  std::optional<Error> read_error;
  auto receive = [&](Decoder& d, bool video) {
    while (true) {
      const int ret = avcodec_receive_frame(d.ctx.get(), frame.get());
      if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) return;
      if (ret < 0) return;
      std::int64_t pts = frame->best_effort_timestamp;
      if (pts == AV_NOPTS_VALUE) pts = d.next_pts;
      if (pts == AV_NOPTS_VALUE) pts = d.offset;
      frame->pts = pts - d.offset;
      d.next_pts = pts + (frame->pkt_duration > 0 ? frame->pkt_duration : 0);
      const double t = static_cast<double>(frame->pts) * av_q2d(d.tb);
      last_time = std::max(last_time, t);
      if (frame->decode_error_flags != 0 || (frame->flags & AV_FRAME_FLAG_CORRUPT))
        note_damage(result.damaged, t);
      (video ? result.decoded_video_frames : result.decoded_audio_frames)++;
      distribute(d, frame.get());
      av_frame_unref(frame.get());
      if (options.stop_s > 0 && t > options.stop_s + 1.0) d.done = true;
    }
  };
  auto wanted = [](Decoder& d) {
    if (d.stream < 0 || d.done) return false;
    return std::any_of(d.branches.begin(), d.branches.end(),
                       [](Branch* b) { return any_alive(*b); });
  };
  while (wanted(vdec) || wanted(adec)) {
    in->extend_deadline(kReadBudget);
    const int ret = av_read_frame(in->get(), pkt.get());
    if (ret == AVERROR_EOF) break;
    if (ret < 0) {
      // A read error after some good data: keep what was made, note where it stopped.
      if (result.decoded_video_frames + result.decoded_audio_frames == 0)
        read_error = make_error(ErrorCode::kCorrupt,
                                fmt::format("cannot be read: {}", av_error_text(ret)), input);
      else
        note_damage(result.damaged, last_time);
      break;
    }
    Decoder* d = pkt->stream_index == vdec.stream   ? &vdec
                 : pkt->stream_index == adec.stream ? &adec
                                                    : nullptr;
    if (d != nullptr && wanted(*d)) {
      const int sent = avcodec_send_packet(d->ctx.get(), pkt.get());
      if (sent < 0 && sent != AVERROR(EAGAIN)) {
        const std::int64_t ts = pkt->pts != AV_NOPTS_VALUE ? pkt->pts : pkt->dts;
        note_damage(result.damaged, ts == AV_NOPTS_VALUE
                                        ? 0.0
                                        : static_cast<double>(ts - d->offset) * av_q2d(d->tb));
      }
      receive(*d, d == &vdec);
      if (options.on_progress && Clock::now() - last_progress > std::chrono::milliseconds(250)) {
        last_progress = Clock::now();
        const std::int64_t ts = pkt->pts != AV_NOPTS_VALUE ? pkt->pts : pkt->dts;
        if (ts != AV_NOPTS_VALUE)
          options.on_progress(static_cast<double>(ts - d->offset) * av_q2d(d->tb));
      }
    }
    av_packet_unref(pkt.get());
  }
  for (Decoder* d : {&vdec, &adec}) {
    if (d->stream < 0 || !d->ctx) continue;
    avcodec_send_packet(d->ctx.get(), nullptr);
    receive(*d, d == &vdec);
  }
  for (auto& b : branches) b->queue->close();
  for (auto& b : branches) b->thread.join();
  if (read_error && result.decoded_video_frames + result.decoded_audio_frames == 0)
    return fail_input(*read_error);

  for (std::size_t i = 0; i < states.size(); ++i) {
    OutputState& s = *states[i];
    OutputOutcome& o = result.outputs[i];
    o.source_loudness = s.outcome.source_loudness;
    o.processed_loudness = s.outcome.processed_loudness;
    o.gain_db = s.outcome.gain_db;
    o.limited = s.outcome.limited;
    o.video_frames = s.outcome.video_frames;
    if (!s.error && s.file) {
      if (auto st = s.file->finish(); !st) s.fail(st.error());
    }
    if (s.error) {
      o.error = s.error;
      if (s.file) s.file->abandon();
      continue;
    }
    o.file = std::move(s.file);
  }
  return result;
}

}  // namespace saluran::av
