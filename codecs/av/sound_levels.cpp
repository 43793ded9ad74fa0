#include "codecs/av/sound_levels.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <utility>

#include "codecs/av/av_error.hpp"
#include "codecs/av/av_filter.hpp"
#include "codecs/av/av_handles.hpp"
#include "codecs/av/av_inc.hpp"
#include "codecs/av/av_open.hpp"

namespace saluran::av {
namespace {

// Sums squares of mono float samples into steps of `per_step` samples.
class LevelMeter {
 public:
  explicit LevelMeter(std::int64_t per_step) : per_step_(std::max<std::int64_t>(1, per_step)) {}

  void add(const float* samples, int n) {
    for (int i = 0; i < n; ++i) {
      sum_ += static_cast<double>(samples[i]) * samples[i];
      if (++count_ == per_step_) close_step();
    }
  }

  std::vector<float> finish() {
    if (count_ > 0) close_step();
    return std::move(levels_);
  }

 private:
  void close_step() {
    const double rms = std::sqrt(sum_ / static_cast<double>(count_));
    levels_.push_back(rms > 0 ? static_cast<float>(20.0 * std::log10(rms))
                              : -std::numeric_limits<float>::infinity());
    sum_ = 0;
    count_ = 0;
  }

  std::int64_t per_step_;
  double sum_ = 0;
  std::int64_t count_ = 0;
  std::vector<float> levels_;
};

}  // namespace

Result<std::vector<float>> sound_levels(const std::string& path, double step_s,
                                        const InputLimits& limits, const CancelFlag* cancel) {
  auto in = open_input_file(path, limits);
  if (!in) return in.error();
  if (auto st = read_stream_info(*in, limits); !st) return st.error();
  const int stream = av_find_best_stream(in->get(), AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
  if (stream < 0)
    return make_error(ErrorCode::kUnsupported, "has no sound stream that can be decoded", path);
  const AVStream* st = (*in)->streams[stream];
  auto opened = open_stream_decoder(*in, stream, limits, 1);
  if (!opened) return opened.error();
  CodecContextPtr dec = std::move(*opened);

  std::optional<FilterChain> mono;
  LevelMeter meter(0);
  PacketPtr pkt = make_packet();
  FramePtr frame = make_frame();
  FramePtr out = make_frame();
  if (!pkt || !frame || !out) return make_error(ErrorCode::kExternal, "out of memory", path);
  auto drain = [&]() -> Status {
    while (true) {
      auto got = mono->pull(out.get());
      if (!got) return got.error();
      if (!*got) return Ok{};
      meter.add(reinterpret_cast<const float*>(out->data[0]), out->nb_samples);
      av_frame_unref(out.get());
    }
  };
  auto receive = [&]() -> Status {
    while (avcodec_receive_frame(dec.get(), frame.get()) >= 0) {
      if (!mono) {
        auto chain = FilterChain::make(
            StreamFormat::of_audio_decoder(dec.get(), st->time_base.num, st->time_base.den),
            "aformat=sample_fmts=flt:channel_layouts=mono");
        if (!chain) return chain.error();
        mono.emplace(std::move(*chain));
        meter = LevelMeter(std::llround(step_s * dec->sample_rate));
      }
      if (auto s = mono->push(frame.get()); !s) return s;
      if (auto s = drain(); !s) return s;
    }
    return Ok{};
  };
  while (true) {
    if (is_cancelled(cancel)) return cancelled_error(path);
    in->extend_deadline(kReadBudget);
    const int ret = av_read_frame(in->get(), pkt.get());
    if (ret == AVERROR_EOF) break;
    if (ret < 0) break;  // a truncated file: the levels of what could be read
    if (pkt->stream_index == stream) {
      avcodec_send_packet(dec.get(), pkt.get());  // a damaged packet is skipped
      if (auto s = receive(); !s) return s.error();
    }
    av_packet_unref(pkt.get());
  }
  avcodec_send_packet(dec.get(), nullptr);
  if (auto s = receive(); !s) return s.error();
  if (!mono) return make_error(ErrorCode::kCorrupt, "no sound could be decoded", path);
  if (auto s = mono->push(nullptr); !s) return s.error();
  if (auto s = drain(); !s) return s.error();
  return meter.finish();
}

}  // namespace saluran::av
