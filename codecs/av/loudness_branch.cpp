// The loudness branch of a transcode: one decode of the sound, measured while it is spooled
// to a temporary file, then gained, limited and encoded in passes over the spool, so memory
// stays flat however long the input. The gain and limiter come from the caller
// (LoudnessProcessing); what the codec does to them is learnt by trial encodes.

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <span>

#include "codecs/audio/loudness_meter.hpp"
#include "codecs/av/av_error.hpp"
#include "codecs/av/av_inc.hpp"
#include "codecs/av/transcode_branch.hpp"
#include "codecs/file_copy.hpp"

namespace saluran::av {
namespace {

// Samples per block in the loudness second pass.
constexpr std::size_t kLoudnessBlock = 4096;

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
    if (auto st = t.open_decoder(); !st) return st.error();
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

  // The decoder of the trial encoder's packets, set up from the encoder's parameters.
  Status open_decoder() {
    const AVCodec* codec = avcodec_find_decoder(own_->ctx->codec_id);
    if (codec == nullptr) return make_error(ErrorCode::kUnsupported, "no decoder for the trial");
    dec_.reset(avcodec_alloc_context3(codec));
    if (!dec_) return make_error(ErrorCode::kExternal, "out of memory");
    CodecParamsPtr par(avcodec_parameters_alloc());
    if (auto st = check_av(avcodec_parameters_from_context(par.get(), own_->ctx.get()),
                           "avcodec_parameters_from_context");
        !st)
      return st;
    if (auto st = check_av(avcodec_parameters_to_context(dec_.get(), par.get()),
                           "avcodec_parameters_to_context");
        !st)
      return st;
    dec_->pkt_timebase = own_->ctx->time_base;
    return check_av(avcodec_open2(dec_.get(), codec, nullptr), "avcodec_open2");
  }

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

/// Where the processed sound of one pass goes: always into a meter, and through a chain that
/// cuts it to the encoder's frame size into a PacketTarget when there is one.
class PassOutput {
 public:
  PassOutput(const Branch& b, LoudnessMeter& meter, PacketTarget* target, AVPacket* pkt)
      : b_(b), meter_(meter), target_(target), pkt_(pkt) {}

  /// Builds the chain to the encoder (none without a target).
  Status open() {
    if (target_ == nullptr) return Ok{};
    StreamFormat in;
    in.video = false;
    in.sample_rate = b_.sample_rate;
    in.sample_format = AV_SAMPLE_FMT_FLT;
    in.channels = b_.channels;
    in.channel_layout = b_.channel_layout;
    in.tb_num = 1;
    in.tb_den = b_.sample_rate;
    AVCodecContext* enc = target_->encoder();
    auto chain = FilterChain::make(
        in, fmt::format("aformat=sample_fmts={}", av_get_sample_fmt_name(enc->sample_fmt)),
        enc->frame_size);
    if (!chain) return chain.error();
    to_encoder_.emplace(std::move(*chain));
    return Ok{};
  }

  /// Measures interleaved frames and sends them on to the encoder.
  Status emit(std::span<const float> samples) {
    const std::size_t frames = samples.size() / static_cast<std::size_t>(b_.channels);
    if (frames == 0) return Ok{};
    meter_.add(samples.data(), frames);
    if (!to_encoder_) return Ok{};
    av_frame_unref(frame_.get());
    frame_->format = AV_SAMPLE_FMT_FLT;
    frame_->sample_rate = b_.sample_rate;
    av_channel_layout_default(&frame_->ch_layout, b_.channels);
    frame_->nb_samples = static_cast<int>(frames);
    frame_->pts = pts_;
    pts_ += static_cast<std::int64_t>(frames);
    if (auto st = check_av(av_frame_get_buffer(frame_.get(), 0), "av_frame_get_buffer"); !st)
      return st;
    std::memcpy(frame_->data[0], samples.data(), frames * b_.channels * sizeof(float));
    if (auto st = to_encoder_->push(frame_.get()); !st) return st;
    return encode_ready();
  }

  /// Flushes the chain and the encoder.
  Status finish() {
    if (!to_encoder_) return Ok{};
    if (auto st = to_encoder_->push(nullptr); !st) return st;
    if (auto st = encode_ready(); !st) return st;
    return target_->encode(nullptr, pkt_);
  }

 private:
  Status encode_ready() {
    while (true) {
      auto got = to_encoder_->pull(filtered_.get());
      if (!got) return got.error();
      if (!*got) return Ok{};
      filtered_->pts =
          av_rescale_q(filtered_->pts, av_buffersink_get_time_base(to_encoder_->sink()),
                       target_->encoder()->time_base);
      auto st = target_->encode(filtered_.get(), pkt_);
      av_frame_unref(filtered_.get());
      if (!st) return st;
    }
  }

  const Branch& b_;
  LoudnessMeter& meter_;
  PacketTarget* target_;
  AVPacket* pkt_;
  std::optional<FilterChain> to_encoder_;
  FramePtr frame_ = make_frame();
  FramePtr filtered_ = make_frame();
  std::int64_t pts_ = 0;
};

// Reads the spool through the pass's gain and limiter into `meter`, and into `target` when
// given.
Status loudness_pass(Branch& b, Spool& spool, const LoudnessPass& pass, LoudnessMeter& meter,
                     PacketTarget* target, AVPacket* pkt) {
  std::unique_ptr<LoudnessStage> stage = b.processing->stage(pass, b.channels, b.sample_rate);
  PassOutput out(b, meter, target, pkt);
  if (auto st = out.open(); !st) return st;
  spool.rewind();
  std::vector<float> block(kLoudnessBlock * b.channels);
  while (true) {
    if (is_cancelled(b.cancel)) return cancelled_error(b.encoders.front()->out->spec->path);
    const std::size_t n = spool.read(block.data(), block.size());
    if (n == 0) break;
    const std::size_t frames = n / b.channels;
    if (auto st = out.emit(stage->process(block.data(), frames)); !st) return st;
  }
  if (auto st = out.emit(stage->flush()); !st) return st;
  return out.finish();
}

// Pops the decoded sound, filters it, measures it into `meter` and writes it to `spool`.
// False when the output failed (the error is recorded on it).
bool spool_sound(Branch& b, OutputState& out, Spool& spool, LoudnessMeter& meter) {
  FramePtr filtered = make_frame();
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
    if (stop_if_cancelled(b) || out.failed()) {
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
  if (stop_if_cancelled(b) || out.failed()) return false;
  Status st = b.chain->push(nullptr);
  if (st) st = take();
  if (st && !spool.ok())
    st = make_error(ErrorCode::kIo, "writing the loudness spool failed (disk full?)", spool.path());
  if (!st) out.fail(st.error());
  return st.ok();
}

// One trial pass: what listeners would hear with `pass` (through the codec when it is lossy).
Result<Loudness> trial_pass(Branch& b, const Encoder& e, Spool& spool, const LoudnessPass& pass,
                            bool lossy, AVPacket* pkt) {
  LoudnessMeter heard(b.channels, b.sample_rate);
  LoudnessMeter before(b.channels, b.sample_rate);
  std::optional<PacketTarget> codec;
  if (lossy) {
    auto t = PacketTarget::trial(e, b.loudness_encoder, heard);
    if (!t) return t.error();
    codec.emplace(std::move(*t));
  }
  if (auto s = loudness_pass(b, spool, pass, before, codec ? &*codec : nullptr, pkt); !s)
    return s.error();
  return lossy ? heard.result() : before.result();
}

// Finds the gain and limiter that put the *encoded* sound on target: lossy codecs change
// level and peaks a little, so trial encodes are decoded and measured. Up to three trials:
// each corrects the gain by what the last one missed, and lowers the limiter's ceiling by any
// peak the codec added over the channel's limit. With the limiter working, a dB of gain gives
// less than a dB of loudness: the step is scaled by what the last change achieved (secant
// method).
Result<LoudnessPass> choose_pass(Branch& b, const Encoder& e, Spool& spool, const Loudness& source,
                                 AVPacket* pkt) {
  const LoudnessTarget& target = *b.loudness;
  const double ceiling = target.true_peak_dbtp - target.limiter_margin_db;
  LoudnessPass pass = b.processing->plan(source, target.lufs, ceiling);
  pass.ceiling_dbtp = ceiling;
  const bool lossy = b.loudness_encoder.encoder != "pcm_s16le";
  double slope = 1.0;
  double last_gain = 0;
  double last_lufs = 0;
  for (int trial = 0; trial < 4 && source.integrated_lufs > -70.0; ++trial) {
    if (!pass.limit && !lossy) break;  // gain alone is exact
    auto got = trial_pass(b, e, spool, pass, lossy, pkt);
    if (!got) return got.error();
    const double off = target.lufs - got->integrated_lufs;
    const double over = got->true_peak_dbtp + off - (target.true_peak_dbtp - 0.1);
    if (std::abs(off) <= 0.1 && over <= 0) break;
    if (trial > 0 && std::abs(pass.gain_db - last_gain) > 0.01) {
      slope = std::clamp((got->integrated_lufs - last_lufs) / (pass.gain_db - last_gain), 0.2, 1.0);
    }
    last_gain = pass.gain_db;
    last_lufs = got->integrated_lufs;
    pass.gain_db += off / slope;
    if (over > 0) {
      pass.limit = true;
      pass.ceiling_dbtp -= over;
    }
  }
  return pass;
}

}  // namespace

void run_loudness_branch(Branch& b) {
  Encoder& e = *b.encoders.front();
  OutputState& out = *e.out;
  Spool spool(out.spec->path);
  LoudnessMeter meter(b.channels, b.sample_rate);
  PacketPtr pkt = make_packet();
  if (!spool_sound(b, out, spool, meter)) return;
  const Loudness source = meter.result();
  auto pass = choose_pass(b, e, spool, source, pkt.get());
  if (!pass) return out.fail(pass.error());
  LoudnessMeter processed(b.channels, b.sample_rate);
  PacketTarget file(e);
  if (auto s = loudness_pass(b, spool, *pass, processed, &file, pkt.get()); !s)
    return out.fail(s.error());
  out.outcome.source_loudness = source;
  out.outcome.processed_loudness = processed.result();
  out.outcome.gain_db = pass->gain_db;
  out.outcome.limited = pass->limit;
}

}  // namespace saluran::av
