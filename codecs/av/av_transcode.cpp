#include "codecs/av/av_transcode.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>

#include "codecs/av/av_error.hpp"
#include "codecs/av/av_filter.hpp"
#include "codecs/av/av_inc.hpp"
#include "codecs/av/av_open.hpp"
#include "codecs/av/transcode_branch.hpp"
#include "pipeline/run/worker_pool.hpp"

namespace saluran::av {
namespace {

using Clock = std::chrono::steady_clock;

// Audio frames are small (a few KB); a deeper queue lets the sound run ahead of slow pictures
// without stalling the decoder.
constexpr std::size_t kAudioQueueFrames = 64;

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

// ---- Step 1: open the input and its decoders ----

struct Decoder {
  int stream = -1;
  CodecContextPtr ctx;
  AVRational tb{1, 1};
  std::int64_t offset = 0;  ///< the input's start time in this stream's time base
  std::int64_t next_pts = AV_NOPTS_VALUE;
  std::vector<Branch*> branches;
  bool done = false;
};

// Finds the best stream of `type`; opens its decoder only when `decode` (a stream that every
// output copies is never decoded).
Result<Decoder> open_decoder(InputFile& in, AVMediaType type, const InputLimits& limits,
                             bool decode = true) {
  Decoder d;
  const AVCodec* codec = nullptr;
  d.stream = av_find_best_stream(in.get(), type, -1, -1, &codec, 0);
  if (d.stream < 0 || codec == nullptr) {
    d.stream = -1;
    return d;
  }
  AVStream* st = in->streams[d.stream];
  d.tb = st->time_base;
  if (in->start_time != AV_NOPTS_VALUE)
    d.offset = av_rescale_q(in->start_time, AV_TIME_BASE_Q, st->time_base);
  if (!decode) return d;
  auto ctx = open_stream_decoder(in, d.stream, limits, 0);  // as many threads as the machine has
  if (!ctx) return ctx.error();
  d.ctx = std::move(*ctx);
  return d;
}

bool encodes_video(const TranscodeOutput& o) { return o.video && !o.video->copy; }
bool copies_video(const TranscodeOutput& o) { return o.video && o.video->copy; }

/// The opened input, positioned where decoding starts, and the decoders the outputs need.
struct Source {
  InputFile in;
  Decoder video;
  Decoder audio;
  AVRational video_rate{0, 1};
};

// Puts the demuxer near `seek_s` (at or before it). A failed seek is an error: reading on
// from wherever the demuxer was left would make wrong or empty outputs.
Status seek_to(InputFile& in, double seek_s) {
  if (seek_s <= 0.5) return Ok{};
  const std::int64_t ts = static_cast<std::int64_t>(seek_s * AV_TIME_BASE) +
                          (in->start_time != AV_NOPTS_VALUE ? in->start_time : 0);
  in.extend_deadline(kReadBudget);
  const int ret = av_seek_frame(in.get(), -1, ts, AVSEEK_FLAG_BACKWARD);
  if (ret >= 0) return Ok{};
  const ErrorCode code =
      ret == AVERROR_INVALIDDATA || ret == AVERROR_EOF ? ErrorCode::kCorrupt : ErrorCode::kExternal;
  return make_error(code, fmt::format("cannot seek to {:.3f} s: {}", seek_s, av_error_text(ret)),
                    in.path(), "av_seek_frame");
}

Result<Source> open_source(const std::string& input, const std::vector<TranscodeOutput>& outputs,
                           const TranscodeOptions& options) {
  auto in = open_input_file(input, options.limits);
  if (!in) return in.error();
  if (auto st = read_stream_info(*in, options.limits); !st) return st.error();
  Source src;
  src.in = std::move(*in);
  if (std::any_of(outputs.begin(), outputs.end(), [](const auto& o) { return o.video; })) {
    const bool decode = std::any_of(outputs.begin(), outputs.end(), encodes_video);
    auto d = open_decoder(src.in, AVMEDIA_TYPE_VIDEO, options.limits, decode);
    if (!d) return d.error();
    src.video = std::move(*d);
  }
  if (std::any_of(outputs.begin(), outputs.end(), [](const auto& o) { return o.audio; })) {
    auto d = open_decoder(src.in, AVMEDIA_TYPE_AUDIO, options.limits);
    if (!d) return d.error();
    src.audio = std::move(*d);
  }
  if (src.video.stream >= 0) {
    AVStream* st = src.in->streams[src.video.stream];
    src.video_rate = st->avg_frame_rate.num > 0 ? st->avg_frame_rate : st->r_frame_rate;
  }
  if (auto st = seek_to(src.in, options.seek_s); !st) return st.error();
  return src;
}

// ---- Step 2: the thread policy of the encoders ----

// Several encoders side by side already keep every core busy; frame threads inside each
// would only add delay and a set of frames in flight per thread (memory). One encoder alone
// gets x264's own choice.
int x264_threads(const std::vector<TranscodeOutput>& outputs) {
  const auto video_outputs =
      static_cast<unsigned>(std::count_if(outputs.begin(), outputs.end(), encodes_video));
  const auto cores = static_cast<unsigned>(default_threads());
  return video_outputs <= 1
             ? 0
             : static_cast<int>(std::max(1u, (cores + video_outputs - 1) / video_outputs));
}

// ---- Step 3: plan the branches, sharing identical filter chains ----

/// Every output's state and encoders, and the branches that feed them: renditions with the
/// same chain share one branch (a moving crop or a loudness target gets one of its own).
class BranchPlan {
 public:
  BranchPlan(const Source& src, const TranscodeOptions& options, const std::string& input,
             int x264_threads)
      : src_(src), options_(options), input_(input), x264_threads_(x264_threads) {}

  /// Adds `spec`: its file, encoders and branches. A failure is recorded on the output.
  void add(const TranscodeOutput& spec) {
    auto state = std::make_unique<OutputState>();
    state->spec = &spec;
    OutputState& out = *state;
    states.push_back(std::move(state));
    if (auto st = setup(out); !st) {
      Error e = st.error();
      if (e.context.file.empty()) e.context.file = spec.path;
      out.fail(std::move(e));
    }
  }

  std::vector<std::unique_ptr<OutputState>> states;  ///< one per output, in order
  std::vector<std::unique_ptr<Branch>> branches;
  std::vector<CopyTarget> copies;  ///< the video streams of pass-through outputs

 private:
  Status setup(OutputState& out);
  Status add_copy(OutputState& out);
  Status add_video(OutputState& out, bool global_header);
  Status add_audio(OutputState& out, bool global_header);
  Result<Branch*> branch_for(bool video, const std::string& filter, int frame_size, bool own,
                             std::shared_ptr<const MovingCrop> moving = nullptr);

  const Source& src_;
  const TranscodeOptions& options_;
  const std::string& input_;
  const int x264_threads_;
  std::map<std::string, Branch*> by_key_;
};

// An encoder writing to a new stream of `out`.
Result<std::unique_ptr<Encoder>> add_encoder(OutputState& out, CodecContextPtr ctx) {
  auto e = std::make_unique<Encoder>();
  e->out = &out;
  e->ctx = std::move(ctx);
  auto idx = out.file->add_stream(e->ctx.get());
  if (!idx) return idx.error();
  e->stream = *idx;
  return e;
}

Status BranchPlan::setup(OutputState& out) {
  const TranscodeOutput& spec = *out.spec;
  if (spec.video && src_.video.stream < 0)
    return make_error(ErrorCode::kUnsupported, "has no video stream", input_);
  if (spec.audio && !spec.video && src_.audio.stream < 0)
    return make_error(ErrorCode::kUnsupported, "has no audio stream", input_);
  if (copies_video(spec) && (options_.seek_s != 0 || options_.stop_s != 0))
    return make_error(ErrorCode::kInvalidArgument,
                      "pass-through cannot trim; the caller must encode a trimmed rendition",
                      spec.path, "TranscodeVideo::copy");
  auto file = OutputFile::create(spec.path, spec.format);
  if (!file) return file.error();
  out.file = std::move(*file);
  const bool global = out.file->wants_global_header();
  if (spec.video) {
    if (auto st = spec.video->copy ? add_copy(out) : add_video(out, global); !st) return st;
  }
  if (spec.audio && src_.audio.stream >= 0) {
    if (auto st = add_audio(out, global); !st) return st;
  }
  return out.file->start();
}

Status BranchPlan::add_copy(OutputState& out) {
  auto idx = out.file->add_copied_stream(src_.in->streams[src_.video.stream]);
  if (!idx) return idx.error();
  copies.push_back(CopyTarget{&out, *idx});
  return Ok{};
}

Status BranchPlan::add_video(OutputState& out, bool global_header) {
  const TranscodeVideo& video = *out.spec->video;
  auto b = branch_for(true, video.filter, 0, false, video.moving_crop);
  if (!b) return b.error();
  H264Settings settings = video.encoder;
  if (settings.threads == 0) settings.threads = x264_threads_;
  auto enc = open_h264(settings, (*b)->chain->sink(), global_header);
  if (!enc) return enc.error();
  auto e = add_encoder(out, std::move(*enc));
  if (!e) return e.error();
  (*b)->encoders.push_back(std::move(*e));
  return Ok{};
}

Status BranchPlan::add_audio(OutputState& out, bool global_header) {
  const TranscodeAudio& audio = *out.spec->audio;
  const bool loud = audio.loudness.has_value();
  if (loud && !options_.loudness)
    return make_error(ErrorCode::kInvalidArgument,
                      "asks for loudness normalisation but the transcode has no loudness kernels",
                      out.spec->path, "TranscodeOptions::loudness");
  auto enc = open_audio_encoder(audio.encoder, global_header);
  if (!enc) return enc.error();
  // PCM takes any frame size; the others want exactly theirs.
  const int frame_size = loud ? 0 : (*enc)->frame_size;
  auto b = branch_for(false, audio.filter, frame_size, loud);
  if (!b) return b.error();
  auto e = add_encoder(out, std::move(*enc));
  if (!e) return e.error();
  if (loud) {
    (*b)->loudness = audio.loudness;
    (*b)->processing = options_.loudness.get();
    (*b)->loudness_encoder = audio.encoder;
    (*b)->channels = audio.encoder.channels;
    (*b)->sample_rate = audio.encoder.sample_rate;
  }
  (*b)->encoders.push_back(std::move(*e));
  return Ok{};
}

Result<Branch*> BranchPlan::branch_for(bool video, const std::string& filter, int frame_size,
                                       bool own, std::shared_ptr<const MovingCrop> moving) {
  own = own || moving != nullptr;
  const std::string key = fmt::format("{}|{}|{}", video ? 'v' : 'a', frame_size, filter);
  if (!own) {
    if (auto it = by_key_.find(key); it != by_key_.end()) return it->second;
  }
  auto b = std::make_unique<Branch>();
  b->video = video;
  b->filter = filter;
  b->moving_crop = std::move(moving);
  const Decoder& d = video ? src_.video : src_.audio;
  const AVRational rate = src_.video_rate;
  const StreamFormat fmt =
      video ? StreamFormat::of_video_decoder(d.ctx.get(), d.tb.num, d.tb.den, rate.num, rate.den)
            : StreamFormat::of_audio_decoder(d.ctx.get(), d.tb.num, d.tb.den);
  auto chain = FilterChain::make(fmt, filter, frame_size);
  if (!chain) return chain.error();
  b->chain.emplace(std::move(*chain));
  b->in_tb = av_q2d(d.tb);
  b->cancel = options_.cancel;
  b->queue = std::make_unique<BoundedQueue<FramePtr>>(
      video ? static_cast<std::size_t>(std::max(1, options_.video_queue_frames))
            : kAudioQueueFrames);
  Branch* raw = b.get();
  branches.push_back(std::move(b));
  if (!own) by_key_[key] = raw;
  return raw;
}

// ---- Step 4: the one demux and decode ----

/// Reads the input once, hands every video packet to the pass-through outputs and every
/// decoded frame to the branches of its stream.
class DecodeLoop {
 public:
  DecodeLoop(Source& src, std::vector<CopyTarget>& copies, const TranscodeOptions& options,
             const std::string& input, TranscodeResult& result)
      : src_(src), copies_(copies), options_(options), input_(input), result_(result) {}

  /// Reads until the end, past the stop time, or until no branch or copy wants more, then
  /// flushes the decoders. Returns the read error when one came before any frame was decoded
  /// or packet copied.
  std::optional<Error> run() {
    PacketPtr pkt = make_packet();
    std::optional<Error> read_error;
    while ((wanted(src_.video) || wanted(src_.audio) || copying()) &&
           !is_cancelled(options_.cancel)) {
      src_.in.extend_deadline(kReadBudget);
      const int ret = av_read_frame(src_.in.get(), pkt.get());
      if (ret == AVERROR_EOF) break;
      if (ret < 0) {
        read_error = read_failed(ret);
        break;
      }
      if (pkt->stream_index == src_.video.stream) copy(pkt.get());
      Decoder* d = pkt->stream_index == src_.video.stream   ? &src_.video
                   : pkt->stream_index == src_.audio.stream ? &src_.audio
                                                            : nullptr;
      if (d != nullptr && wanted(*d)) decode(*d, pkt.get());
      av_packet_unref(pkt.get());
    }
    for (Decoder* d : {&src_.video, &src_.audio}) {
      if (d->stream < 0 || !d->ctx || is_cancelled(options_.cancel)) continue;
      avcodec_send_packet(d->ctx.get(), nullptr);
      receive(*d);
    }
    return read_error;
  }

 private:
  std::int64_t decoded() const {
    return result_.decoded_video_frames + result_.decoded_audio_frames;
  }

  bool copying() const {
    return std::any_of(copies_.begin(), copies_.end(),
                       [](const CopyTarget& c) { return !c.out->failed(); });
  }

  // Hands a packet of the input's video stream to every pass-through output, before and
  // whether or not it is decoded.
  void copy(const AVPacket* pkt) {
    if (!copying()) return;
    const Decoder& v = src_.video;
    for (CopyTarget& c : copies_) copy_packet(c, pkt, v.tb.num, v.tb.den, v.offset);
    ++copied_;
    const std::optional<double> t = packet_time(v, pkt);
    if (t) last_time_ = std::max(last_time_, *t);
    if (pkt->flags & AV_PKT_FLAG_CORRUPT) note_damage(result_.damaged, t.value_or(last_time_));
    if (v.branches.empty()) progress(v, pkt);  // else decoding reports it
  }

  void progress(const Decoder& d, const AVPacket* pkt) {
    if (!options_.on_progress || Clock::now() - last_progress_ <= std::chrono::milliseconds(250))
      return;
    last_progress_ = Clock::now();
    if (const auto t = packet_time(d, pkt)) options_.on_progress(*t);
  }

  static bool wanted(const Decoder& d) {
    if (d.stream < 0 || d.done) return false;
    return std::any_of(d.branches.begin(), d.branches.end(),
                       [](Branch* b) { return any_alive(*b); });
  }

  // A read error after some good data: keep what was made, note where it stopped.
  std::optional<Error> read_failed(int ret) {
    if (decoded() == 0 && copied_ == 0)
      return make_error(ErrorCode::kCorrupt, fmt::format("cannot be read: {}", av_error_text(ret)),
                        input_);
    note_damage(result_.damaged, last_time_);
    return std::nullopt;
  }

  // The packet's time in seconds from the input's start, when it has one.
  static std::optional<double> packet_time(const Decoder& d, const AVPacket* pkt) {
    const std::int64_t ts = pkt->pts != AV_NOPTS_VALUE ? pkt->pts : pkt->dts;
    if (ts == AV_NOPTS_VALUE) return std::nullopt;
    return static_cast<double>(ts - d.offset) * av_q2d(d.tb);
  }

  void decode(Decoder& d, const AVPacket* pkt) {
    const int sent = avcodec_send_packet(d.ctx.get(), pkt);
    if (sent < 0 && sent != AVERROR(EAGAIN))
      note_damage(result_.damaged, packet_time(d, pkt).value_or(0.0));
    receive(d);
    progress(d, pkt);
  }

  void receive(Decoder& d) {
    while (true) {
      const int ret = avcodec_receive_frame(d.ctx.get(), frame_.get());
      if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) return;
      if (ret < 0) return;
      std::int64_t pts = frame_->best_effort_timestamp;
      if (pts == AV_NOPTS_VALUE) pts = d.next_pts;
      if (pts == AV_NOPTS_VALUE) pts = d.offset;
      frame_->pts = pts - d.offset;
      d.next_pts = pts + (frame_->pkt_duration > 0 ? frame_->pkt_duration : 0);
      const double t = static_cast<double>(frame_->pts) * av_q2d(d.tb);
      last_time_ = std::max(last_time_, t);
      if (frame_->decode_error_flags != 0 || (frame_->flags & AV_FRAME_FLAG_CORRUPT))
        note_damage(result_.damaged, t);
      (&d == &src_.video ? result_.decoded_video_frames : result_.decoded_audio_frames)++;
      distribute(d, frame_.get());
      av_frame_unref(frame_.get());
      if (options_.stop_s > 0 && t > options_.stop_s + 1.0) d.done = true;
    }
  }

  // Hands a decoded frame to every branch of its stream, each a new reference to the same data.
  static void distribute(Decoder& d, AVFrame* frame) {
    for (Branch* b : d.branches) {
      FramePtr ref(av_frame_clone(frame));
      if (!ref) continue;
      b->queue->push(std::move(ref));
    }
  }

  Source& src_;
  std::vector<CopyTarget>& copies_;
  const TranscodeOptions& options_;
  const std::string& input_;
  TranscodeResult& result_;
  std::int64_t copied_ = 0;  // video packets handed to the pass-through outputs
  FramePtr frame_ = make_frame();
  Clock::time_point last_progress_ = Clock::now();
  double last_time_ = 0;  // of the latest decoded frame: where a read error cuts the input
};

// Runs every branch on a worker of its own (a branch waits on the decoder through its queue,
// so each needs a thread) while `decode` runs on this thread; returns when all have finished.
template <class Decode>
void run_branches(const std::vector<std::unique_ptr<Branch>>& branches, Decode&& decode) {
  if (branches.empty()) {
    decode();
    return;
  }
  WorkerPool pool(static_cast<int>(branches.size()));
  // Closes the queues however this scope is left, so that no branch waits for ever.
  struct CloseQueues {
    const std::vector<std::unique_ptr<Branch>>& branches;
    ~CloseQueues() {
      for (const auto& b : branches) b->queue->close();
    }
  };
  {
    CloseQueues close{branches};
    for (const auto& b : branches) {
      pool.submit([raw = b.get()] {
        if (raw->loudness)
          run_loudness_branch(*raw);
        else
          run_branch(*raw);
      });
    }
    decode();
  }
  pool.wait();
}

// ---- Step 5: collect the results ----

TranscodeResult fail_input(TranscodeResult result, const Error& e) {
  result.input_error = e;
  for (auto& o : result.outputs) o.error = e;
  return result;
}

// Finishes every output that is still alive and moves the outcomes into `result`.
void collect(std::vector<std::unique_ptr<OutputState>>& states, TranscodeResult& result) {
  for (std::size_t i = 0; i < states.size(); ++i) {
    OutputState& s = *states[i];
    OutputOutcome& o = result.outputs[i];
    o.source_loudness = s.outcome.source_loudness;
    o.processed_loudness = s.outcome.processed_loudness;
    o.gain_db = s.outcome.gain_db;
    o.limited = s.outcome.limited;
    o.video_frames = s.outcome.video_frames;
    o.copied_packets = s.outcome.copied_packets;
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
}

}  // namespace

TranscodeResult transcode(const std::string& input, const std::vector<TranscodeOutput>& outputs,
                          const TranscodeOptions& options) {
  TranscodeResult result;
  result.outputs.resize(outputs.size());
  auto src = open_source(input, outputs, options);
  if (!src) return fail_input(std::move(result), src.error());

  BranchPlan plan(*src, options, input, x264_threads(outputs));
  for (const TranscodeOutput& spec : outputs) plan.add(spec);
  result.branches = static_cast<int>(plan.branches.size());
  for (auto& b : plan.branches) (b->video ? src->video : src->audio).branches.push_back(b.get());

  std::optional<Error> read_error;
  run_branches(plan.branches,
               [&] { read_error = DecodeLoop(*src, plan.copies, options, input, result).run(); });
  if (is_cancelled(options.cancel)) {
    // Whatever the branches saw: nothing half made is kept.
    for (auto& s : plan.states) s->fail(cancelled_error(s->spec->path));
    result.cancelled = true;
  } else if (read_error && result.decoded_video_frames + result.decoded_audio_frames == 0) {
    return fail_input(std::move(result), *read_error);
  }
  collect(plan.states, result);
  return result;
}

}  // namespace saluran::av
