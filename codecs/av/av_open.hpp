#pragma once
// Opening an untrusted media file for demuxing: the one safe way in for every reader.
//
//   auto in = av::open_input_file(path, limits);      // file: only, whitelisted demuxers
//   if (!in) return in.error();
//   if (auto st = av::read_stream_info(*in, limits); !st) return st.error();
//   in->extend_deadline(av::kReadBudget);              // before each long read

#include <chrono>
#include <memory>
#include <string>

#include "codecs/av/av_handles.hpp"
#include "codecs/input_limits.hpp"
#include "pipeline/model/error.hpp"

namespace saluran::av {

/// Wall-clock budget for opening and probing one file: a hostile file must not hang a batch.
inline constexpr std::chrono::seconds kOpenBudget{30};
/// Wall-clock budget for one read (a packet) once the file is open.
inline constexpr std::chrono::seconds kReadBudget{30};

/// A demuxer opened on a local file, together with the deadline its interrupt callback reads.
/// Movable; the deadline lives on the heap because the demuxer keeps a pointer to it.
class InputFile {
 public:
  InputFile() = default;

  /// The demuxer context.
  AVFormatContext* get() const { return fmt_.get(); }
  /// The demuxer context.
  AVFormatContext* operator->() const { return fmt_.get(); }
  /// The path as given to open_input_file (for error messages).
  const std::string& path() const { return path_; }
  /// Lets the next libav calls run for `budget` from now before they are interrupted.
  void extend_deadline(std::chrono::steady_clock::duration budget);

 private:
  friend Result<InputFile> open_input_file(const std::string& path, const InputLimits& limits);

  std::string path_;
  // Declared before fmt_ so that it is destroyed after the context that points to it.
  std::unique_ptr<std::chrono::steady_clock::time_point> deadline_;
  InputFormatPtr fmt_;
};

/// Opens `path` with only the `file` protocol and the demuxers of kInputFormatWhitelist, with
/// kOpenBudget to do so, and checks the stream count, the claimed duration and any declared
/// picture size against `limits` before anything is decoded. Errors name the file:
/// kUnsupported for content no whitelisted demuxer recognises, kNotFound, kPermission,
/// kLimitExceeded (also when the budget ran out).
Result<InputFile> open_input_file(const std::string& path, const InputLimits& limits);

/// Reads a little of every stream to fill in codec parameters (avformat_find_stream_info),
/// with decoders capped at `limits.max_pixels`, within kOpenBudget.
Status read_stream_info(InputFile& input, const InputLimits& limits);

/// A decoder for stream `stream` of `input` (an index av_find_best_stream gave): the stream's
/// parameters and packet time base, pictures capped at `limits.max_pixels`, and `threads`
/// frame or slice threads (0: as many as the machine has). Errors name the file.
Result<CodecContextPtr> open_stream_decoder(const InputFile& input, int stream,
                                            const InputLimits& limits, int threads);

/// How a stream's display matrix turns its stored picture upright.
struct DisplayRotation {
  int rotation = 0;       ///< clockwise degrees: 0, 90, 180, 270 (nearest quarter turn)
  bool mirrored = false;  ///< the matrix also mirrors the picture
};

/// The display matrix of `stream` (phones record this way), or no turn when it has none.
DisplayRotation display_rotation(const AVStream* stream);

}  // namespace saluran::av
