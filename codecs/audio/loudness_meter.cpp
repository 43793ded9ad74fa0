#include "codecs/audio/loudness_meter.hpp"

#include <ebur128.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>

#include <fmt/format.h>

#include "codecs/av/av_error.hpp"
#include "codecs/av/av_handles.hpp"
#include "codecs/av/av_inc.hpp"
#include "codecs/av/av_open.hpp"
#include "codecs/input_limits.hpp"

namespace saluran {

struct LoudnessMeter::State {
  ebur128_state* st = nullptr;
};

void LoudnessMeter::Deleter::operator()(State* s) const {
  if (s == nullptr) return;
  if (s->st != nullptr) ebur128_destroy(&s->st);
  delete s;
}

namespace {

constexpr int kMaxChannels = 8;
constexpr int kMinRate = 8000;
constexpr int kMaxRate = 384000;
constexpr double kSilenceLufs = -70.0;
constexpr double kSilenceDb = -120.0;

// The weights of FFmpeg's ebur128 filter, so that our readings agree with `ffmpeg -af ebur128`:
// LFE is left out, side and back channels (and their top/surround-direct kin) weigh 1.41.
LoudnessRole role_of(AVChannel ch) {
  switch (ch) {
    case AV_CHAN_LOW_FREQUENCY:
    case AV_CHAN_LOW_FREQUENCY_2:
      return LoudnessRole::kUnused;
    case AV_CHAN_BACK_LEFT:
    case AV_CHAN_BACK_CENTER:
    case AV_CHAN_BACK_RIGHT:
    case AV_CHAN_TOP_BACK_LEFT:
    case AV_CHAN_TOP_BACK_CENTER:
    case AV_CHAN_TOP_BACK_RIGHT:
    case AV_CHAN_SIDE_LEFT:
    case AV_CHAN_SIDE_RIGHT:
    case AV_CHAN_SURROUND_DIRECT_LEFT:
    case AV_CHAN_SURROUND_DIRECT_RIGHT:
      return LoudnessRole::kSurround;
    default:
      return LoudnessRole::kFront;
  }
}

std::vector<LoudnessRole> roles_of(const AVChannelLayout& layout) {
  std::vector<LoudnessRole> roles;
  for (int i = 0; i < layout.nb_channels; ++i) {
    roles.push_back(role_of(av_channel_layout_channel_from_index(&layout, i)));
  }
  return roles;
}

// Each role maps to a libebur128 channel of the same weight.
int ebur128_channel_of(LoudnessRole role) {
  switch (role) {
    case LoudnessRole::kUnused:
      return EBUR128_UNUSED;
    case LoudnessRole::kFront:
      return EBUR128_LEFT;
    case LoudnessRole::kSurround:
      return EBUR128_LEFT_SURROUND;
  }
  return EBUR128_UNUSED;
}

double to_db(double linear, double floor_db) {
  return linear > 0 ? std::max(floor_db, 20.0 * std::log10(linear)) : floor_db;
}

}  // namespace

std::vector<LoudnessRole> default_loudness_roles(int channels) {
  if (channels < 1 || channels > kMaxChannels) return {};
  AVChannelLayout layout{};
  av_channel_layout_default(&layout, channels);
  std::vector<LoudnessRole> roles = roles_of(layout);
  av_channel_layout_uninit(&layout);
  return roles;
}

LoudnessMeter::LoudnessMeter(int channels, int sample_rate)
    : LoudnessMeter(default_loudness_roles(channels), sample_rate) {}

LoudnessMeter::LoudnessMeter(const std::vector<LoudnessRole>& roles, int sample_rate) {
  const int channels = static_cast<int>(roles.size());
  if (channels < 1 || channels > kMaxChannels || sample_rate < kMinRate || sample_rate > kMaxRate) {
    return;
  }
  auto state = std::unique_ptr<State, Deleter>(new State);
  state->st = ebur128_init(
      static_cast<unsigned>(channels), static_cast<unsigned long>(sample_rate),
      EBUR128_MODE_I | EBUR128_MODE_LRA | EBUR128_MODE_TRUE_PEAK | EBUR128_MODE_SAMPLE_PEAK);
  if (state->st == nullptr) return;
  for (int i = 0; i < channels; ++i) {
    if (ebur128_set_channel(state->st, static_cast<unsigned>(i),
                            ebur128_channel_of(roles[static_cast<std::size_t>(i)])) !=
        EBUR128_SUCCESS) {
      return;
    }
  }
  state_ = std::move(state);
  channels_ = channels;
}

LoudnessMeter::~LoudnessMeter() = default;
LoudnessMeter::LoudnessMeter(LoudnessMeter&&) noexcept = default;
LoudnessMeter& LoudnessMeter::operator=(LoudnessMeter&&) noexcept = default;

void LoudnessMeter::add(const float* interleaved, std::size_t frames) {
  if (!state_ || interleaved == nullptr || frames == 0) return;
  ebur128_add_frames_float(state_->st, interleaved, frames);
}

Loudness LoudnessMeter::result() const {
  Loudness out;
  if (!state_) return out;
  ebur128_state* st = state_->st;
  double value = 0;
  // Silence gates away every block and reads -inf; the header promises -70 (a finite number
  // that JSON reports and comparisons can carry).
  if (ebur128_loudness_global(st, &value) == EBUR128_SUCCESS && std::isfinite(value)) {
    out.integrated_lufs = std::max(kSilenceLufs, value);
  }
  if (ebur128_loudness_range(st, &value) == EBUR128_SUCCESS && std::isfinite(value)) {
    out.range_lu = value;
  }
  double true_peak = 0;
  double sample_peak = 0;
  for (int c = 0; c < channels_; ++c) {
    // Peaks count every channel, LFE included: it clips like any other.
    if (ebur128_true_peak(st, static_cast<unsigned>(c), &value) == EBUR128_SUCCESS)
      true_peak = std::max(true_peak, value);
    if (ebur128_sample_peak(st, static_cast<unsigned>(c), &value) == EBUR128_SUCCESS)
      sample_peak = std::max(sample_peak, value);
  }
  out.true_peak_dbtp = to_db(true_peak, kSilenceDb);
  out.sample_peak_dbfs = to_db(sample_peak, kSilenceDb);
  return out;
}

// ---------------------------------------------------------------------------------------------
// measure_file_loudness

namespace {

/// Owns an AVChannelLayout (a custom order allocates its map).
class ChannelLayout {
 public:
  ChannelLayout() = default;
  ChannelLayout(const ChannelLayout&) = delete;
  ChannelLayout& operator=(const ChannelLayout&) = delete;
  ~ChannelLayout() { av_channel_layout_uninit(&layout_); }
  AVChannelLayout* get() { return &layout_; }
  const AVChannelLayout* get() const { return &layout_; }
  // With `normalise`, layouts without a known order are taken as FFmpeg's default for their
  // channel count (what the resampler and the channel roles need).
  int assign(const AVChannelLayout& from, bool normalise) {
    av_channel_layout_uninit(&layout_);
    if (normalise && from.order == AV_CHANNEL_ORDER_UNSPEC) {
      av_channel_layout_default(&layout_, from.nb_channels);
      return 0;
    }
    return av_channel_layout_copy(&layout_, &from);
  }

 private:
  AVChannelLayout layout_{};
};

/// Decoded frames -> interleaved float at one rate and layout -> the meter. The resampler is
/// rebuilt when a stream changes format, rate or layout midway (broadcast captures do).
class FileMeter {
 public:
  explicit FileMeter(std::string path) : path_(std::move(path)) {}

  Status add(const AVFrame& frame) {
    if (frame.nb_samples <= 0) return Ok{};
    if (!meter_) {
      if (auto st = start(frame); !st) return st;
    }
    if (frame.format != in_format_ || frame.sample_rate != in_rate_ ||
        av_channel_layout_compare(&frame.ch_layout, in_layout_as_sent_.get()) != 0) {
      if (auto st = drain(); !st) return st;
      if (auto st = configure(frame); !st) return st;
    }
    return convert(frame.extended_data, frame.nb_samples);
  }

  /// Pushes out what the resampler still holds.
  Status drain() {
    if (!swr_) return Ok{};
    return convert(nullptr, 0);
  }

  /// Seconds of sound measured so far.
  double seconds() const { return out_rate_ > 0 ? static_cast<double>(frames_) / out_rate_ : 0; }

  Loudness result() const { return meter_ ? meter_->result() : Loudness{}; }

 private:
  Status start(const AVFrame& frame) {
    const int channels = frame.ch_layout.nb_channels;
    if (channels < 1 || channels > kMaxChannels) {
      return make_error(ErrorCode::kUnsupported,
                        fmt::format("audio has {} channels; loudness is measured for 1 to {}",
                                    channels, kMaxChannels),
                        path_, "loudness");
    }
    if (int ret = out_layout_.assign(frame.ch_layout, true); ret < 0)
      return av::check_av(ret, "av_channel_layout_copy", path_);
    // Rates libebur128 does not take are resampled to the broadcast rate.
    out_rate_ =
        frame.sample_rate >= kMinRate && frame.sample_rate <= kMaxRate ? frame.sample_rate : 48000;
    meter_.emplace(roles_of(*out_layout_.get()), out_rate_);
    if (!meter_->ok()) return make_error(ErrorCode::kExternal, "out of memory", path_, "ebur128");
    channels_ = channels;
    return configure(frame);
  }

  Status configure(const AVFrame& frame) {
    if (int ret = in_layout_.assign(frame.ch_layout, true); ret < 0)
      return av::check_av(ret, "av_channel_layout_copy", path_);
    if (int ret = in_layout_as_sent_.assign(frame.ch_layout, false); ret < 0)
      return av::check_av(ret, "av_channel_layout_copy", path_);
    in_format_ = frame.format;
    in_rate_ = frame.sample_rate;
    SwrContext* raw = nullptr;
    int ret =
        swr_alloc_set_opts2(&raw, out_layout_.get(), AV_SAMPLE_FMT_FLT, out_rate_, in_layout_.get(),
                            static_cast<AVSampleFormat>(in_format_), in_rate_, 0, nullptr);
    swr_.reset(raw);
    if (ret < 0) return av::check_av(ret, "swr_alloc_set_opts2", path_);
    if (ret = swr_init(swr_.get()); ret < 0) return av::check_av(ret, "swr_init", path_);
    return Ok{};
  }

  // `in` null drains the resampler.
  Status convert(uint8_t* const* in, int in_samples) {
    const int room = swr_get_out_samples(swr_.get(), in_samples);
    if (room < 0) return av::check_av(room, "swr_get_out_samples", path_);
    // One extra frame: swr_get_out_samples is an estimate when rates differ.
    buf_.resize((static_cast<std::size_t>(room) + 1) * static_cast<std::size_t>(channels_));
    for (;;) {
      auto* out = reinterpret_cast<uint8_t*>(buf_.data());
      const int got =
          swr_convert(swr_.get(), &out, room + 1, const_cast<const uint8_t**>(in), in_samples);
      if (got < 0) return av::check_av(got, "swr_convert", path_);
      meter_->add(buf_.data(), static_cast<std::size_t>(got));
      frames_ += got;
      // A drain may need several calls; a conversion fits in one.
      if (in != nullptr || got == 0) return Ok{};
    }
  }

  std::string path_;
  std::optional<LoudnessMeter> meter_;
  av::SwrContextPtr swr_;
  ChannelLayout in_layout_;          // as told to the resampler
  ChannelLayout in_layout_as_sent_;  // as the decoder gave it, to notice changes
  ChannelLayout out_layout_;
  int in_format_ = AV_SAMPLE_FMT_NONE;
  int in_rate_ = 0;
  int out_rate_ = 0;
  int channels_ = 0;
  std::int64_t frames_ = 0;
  std::vector<float> buf_;
};

/// The file's first audio stream, or null; the demuxer is told to skip every other stream.
AVStream* pick_audio_stream(AVFormatContext* fmt) {
  AVStream* stream = nullptr;
  for (unsigned i = 0; i < fmt->nb_streams; ++i) {
    AVStream* st = fmt->streams[i];
    if (stream == nullptr && st->codecpar->codec_type == AVMEDIA_TYPE_AUDIO) {
      stream = st;
    } else {
      st->discard = AVDISCARD_ALL;  // the demuxer may skip what we do not read
    }
  }
  return stream;
}

/// A decoder opened for `stream`.
Result<av::CodecContextPtr> open_audio_decoder(const AVStream& stream, const std::string& path) {
  const AVCodec* codec = avcodec_find_decoder(stream.codecpar->codec_id);
  if (codec == nullptr) {
    return make_error(ErrorCode::kUnsupported,
                      fmt::format("no decoder for audio codec \"{}\"",
                                  avcodec_get_name(stream.codecpar->codec_id)),
                      path, "avcodec_find_decoder");
  }
  av::CodecContextPtr dec(avcodec_alloc_context3(codec));
  if (!dec) return make_error(ErrorCode::kExternal, "out of memory", path);
  if (auto st = av::check_av(avcodec_parameters_to_context(dec.get(), stream.codecpar),
                             "avcodec_parameters_to_context", path);
      !st)
    return st.error();
  dec->pkt_timebase = stream.time_base;
  if (auto st = av::check_av(avcodec_open2(dec.get(), codec, nullptr), "avcodec_open2", path); !st)
    return st.error();
  return dec;
}

/// One pass over a file's audio: packets -> decoder -> meter. A frame that fails to decode is
/// counted and left out: one damaged packet must not cost the measurement of an hour of sound.
class AudioPass {
 public:
  AudioPass(const std::string& path, const InputLimits& limits, AVCodecContext* dec, AVFrame* frame)
      : path_(path), limits_(limits), dec_(dec), frame_(frame), meter_(path) {}

  /// Reads every packet of stream `index`, then flushes the decoder and the resampler.
  Status run(av::InputFile& input, int index, AVPacket* packet) {
    for (;;) {
      input.extend_deadline(av::kReadBudget);
      const int ret = av_read_frame(input.get(), packet);
      if (ret == AVERROR_EOF) break;
      if (ret < 0) return read_error(ret);
      if (packet->stream_index == index) {
        if (avcodec_send_packet(dec_, packet) < 0) ++skipped_;
      }
      av_packet_unref(packet);
      if (auto st = receive(); !st) return st;
    }
    // End of input: the decoder hands out what it still holds.
    if (avcodec_send_packet(dec_, nullptr) >= 0) {
      if (auto st = receive(); !st) return st;
    }
    return meter_.drain();
  }

  /// Seconds of sound decoded so far.
  double seconds() const { return meter_.seconds(); }

  /// The measurement, or an error when nothing could be decoded.
  Result<Loudness> result() const {
    if (decoded_frames_ == 0 && skipped_ > 0) {
      return make_error(
          ErrorCode::kCorrupt,
          fmt::format("none of the audio could be decoded ({} damaged packets)", skipped_), path_,
          "loudness");
    }
    Loudness result = meter_.result();
    result.skipped_packets = skipped_;
    return result;
  }

 private:
  Status read_error(int ret) const {
    if (ret == AVERROR_EXIT) {
      return make_error(ErrorCode::kLimitExceeded, "gave up: reading the file took too long", path_,
                        "av_read_frame");
    }
    return make_error(ErrorCode::kCorrupt,
                      fmt::format("reading stopped after {:.1f} s of sound: {}", meter_.seconds(),
                                  av::av_error_text(ret)),
                      path_, "av_read_frame");
  }

  /// Takes every frame the decoder has ready.
  Status receive() {
    // A failed frame consumes its packet; the decoder then has the next one or asks for more.
    // The cap only guards against a decoder that would repeat one error forever.
    for (int errors = 0; errors < 64;) {
      const int ret = avcodec_receive_frame(dec_, frame_);
      if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) return Ok{};
      if (ret < 0) {
        ++skipped_;
        ++errors;
        continue;
      }
      ++decoded_frames_;
      Status st = meter_.add(*frame_);
      av_frame_unref(frame_);
      if (!st) return st;
      if (meter_.seconds() > limits_.max_duration_s) {
        return make_error(
            ErrorCode::kLimitExceeded,
            fmt::format("sound lasts more than {:.0f} s, the most allowed", limits_.max_duration_s),
            path_, "loudness");
      }
    }
    return Ok{};
  }

  const std::string& path_;
  const InputLimits& limits_;
  AVCodecContext* dec_;
  AVFrame* frame_;
  FileMeter meter_;
  std::int64_t skipped_ = 0;
  std::int64_t decoded_frames_ = 0;
};

}  // namespace

Result<Loudness> measure_file_loudness(const std::string& path) {
  Result<SoundMeasurement> m = measure_file_sound(path);
  if (!m) return m.error();
  return m->loudness;
}

Result<SoundMeasurement> measure_file_sound(const std::string& path) {
  const InputLimits limits;
  auto input = av::open_input_file(path, limits);
  if (!input) return input.error();
  if (auto st = av::read_stream_info(*input, limits); !st) return st.error();
  const AVStream* stream = pick_audio_stream(input->get());
  if (stream == nullptr)
    return make_error(ErrorCode::kUnsupported, "file has no audio stream", path, "loudness");
  auto dec = open_audio_decoder(*stream, path);
  if (!dec) return dec.error();

  av::PacketPtr packet = av::make_packet();
  av::FramePtr frame = av::make_frame();
  if (!packet || !frame) return make_error(ErrorCode::kExternal, "out of memory", path);
  AudioPass pass(path, limits, dec->get(), frame.get());
  if (auto st = pass.run(*input, stream->index, packet.get()); !st) return st.error();
  Result<Loudness> loudness = pass.result();
  if (!loudness) return loudness.error();
  return SoundMeasurement{pass.seconds(), *loudness};
}

}  // namespace saluran
