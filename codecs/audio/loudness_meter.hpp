#pragma once
// EBU R128 / ITU-R BS.1770 loudness measurement through libebur128.
//
//   LoudnessMeter meter(2, 48000);
//   meter.add(samples, frames);     // interleaved float, full scale = 1.0
//   Loudness l = meter.result();    // integrated LUFS, true peak dBTP, LRA

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "pipeline/model/error.hpp"
#include "pipeline/model/loudness.hpp"

namespace saluran {

/// How one channel counts in the BS.1770 sum (the weights FFmpeg's ebur128 filter uses).
enum class LoudnessRole {
  kUnused,    ///< not counted: LFE
  kFront,     ///< weight 1.0: left, right, centre (and mono)
  kSurround,  ///< weight 1.41: side and back channels
};

/// The roles of FFmpeg's default layout for `channels` (1 mono, 2 stereo, 3 "2.1", 4 "4.0",
/// 5 "5.0", 6 "5.1" = L R C LFE Ls Rs, 7 "6.1", 8 "7.1"); empty when `channels` is not 1..8.
std::vector<LoudnessRole> default_loudness_roles(int channels);

/// Accumulates interleaved float audio and reports its loudness.
class LoudnessMeter {
 public:
  /// `channels` 1..8; `sample_rate` 8000..384000. With 5.1 the LFE channel is not counted.
  /// Channels are in FFmpeg's default order for their count (default_loudness_roles).
  /// Out-of-range arguments give a meter that is not ok() and measures nothing.
  LoudnessMeter(int channels, int sample_rate);
  /// One role per channel (1..8 channels), for layouts other than the default of their count.
  LoudnessMeter(const std::vector<LoudnessRole>& roles, int sample_rate);
  ~LoudnessMeter();
  LoudnessMeter(LoudnessMeter&&) noexcept;
  LoudnessMeter& operator=(LoudnessMeter&&) noexcept;

  /// Adds `frames` frames of `channels` interleaved samples each.
  void add(const float* interleaved, std::size_t frames);
  /// The loudness of everything added so far.
  Loudness result() const;
  /// False when the constructor's arguments were out of range (or libebur128 had no memory).
  bool ok() const { return state_ != nullptr; }
  /// Samples per frame that add() expects.
  int channels() const { return channels_; }

 private:
  // libebur128 declares its state as a typedef of an anonymous struct, which cannot be
  // forward-declared; State wraps the pointer instead.
  struct State;
  struct Deleter {
    void operator()(State* s) const;
  };
  std::unique_ptr<State, Deleter> state_;
  int channels_ = 0;
};

/// Decodes the first audio stream of `path` (any format libavformat reads) and measures it.
Result<Loudness> measure_file_loudness(const std::string& path);

/// How much sound a file held and how loud it was.
struct SoundMeasurement {
  double seconds = 0;  ///< seconds of sound decoded
  Loudness loudness;
};

/// measure_file_loudness that also says how many seconds were decoded: tells real sound from
/// silence or an empty sample of a stream (e.g. a few seconds read from a live radio mount).
Result<SoundMeasurement> measure_file_sound(const std::string& path);

}  // namespace saluran
