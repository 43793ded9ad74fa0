#pragma once
// The pieces of one transcode (av_transcode.cpp) that run on the branch threads: per-output
// state, encoders, and the two kinds of branch (a plain filter chain feeding encoders, and a
// loudness branch that spools, measures and normalises). Internal to the transcoder.

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "codecs/av/av_encode.hpp"
#include "codecs/av/av_filter.hpp"
#include "codecs/av/av_handles.hpp"
#include "codecs/av/av_transcode.hpp"
#include "pipeline/run/bounded_queue.hpp"

namespace saluran::av {

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

/// The video stream of a pass-through output: the input's packets, written as they are read.
struct CopyTarget {
  OutputState* out = nullptr;
  int stream = -1;  ///< the output stream
};

/// Writes a new reference to the input packet `pkt` (stamped in `tb_num / tb_den`, the input's
/// start at `offset` ticks) to `c`'s output as the same time from the output's start; counts it
/// in the output's copied_packets, or fails the output.
void copy_packet(CopyTarget& c, const AVPacket* pkt, int tb_num, int tb_den, std::int64_t offset);

/// One filter chain on its own worker, feeding one or more encoders.
struct Branch {
  bool video = true;
  std::string filter;
  std::shared_ptr<const MovingCrop> moving_crop;
  double in_tb = 0;  ///< seconds per tick of the frames pushed in
  int last_crop_x = -1;
  std::optional<FilterChain> chain;
  std::vector<std::unique_ptr<Encoder>> encoders;
  std::unique_ptr<BoundedQueue<FramePtr>> queue;
  const CancelFlag* cancel = nullptr;  ///< TranscodeOptions::cancel
  // Loudness branches only: one encoder, audio spooled between the passes.
  std::optional<LoudnessTarget> loudness;
  const LoudnessProcessing* processing = nullptr;  ///< the kernels (TranscodeOptions::loudness)
  AudioEncodeSettings loudness_encoder;
  int channels = 0;
  int sample_rate = 0;
  std::string channel_layout;
};

/// Encodes `frame` (null: flush) and writes the packets to the encoder's output.
Status encode_and_write(Encoder& e, const AVFrame* frame, AVPacket* pkt);

/// A plain branch: pops decoded frames until the queue closes, filters them and feeds every
/// encoder whose output is still alive, then flushes.
void run_branch(Branch& b);

/// A loudness branch: measures while spooling, then finds the gain and limiter that put the
/// encoded sound on target and encodes from the spool.
void run_loudness_branch(Branch& b);

/// True while some output fed by `b` has not failed.
bool any_alive(const Branch& b);

/// True when the transcode was cancelled; then every output of `b` fails with
/// ErrorCode::kCancelled (once) and its queue is closed, so the decoder stops feeding it.
bool stop_if_cancelled(Branch& b);

}  // namespace saluran::av
