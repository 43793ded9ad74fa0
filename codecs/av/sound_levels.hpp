#pragma once
// The level of a file's sound over time, for choosing the part of a recording a channel gets
// (pipeline/ops/speech_segment.hpp):
//
//   auto levels = av::sound_levels("ZOOM0001_LR.WAV", 0.1, limits);   // dBFS per 0.1 s

#include <string>
#include <vector>

#include "pipeline/model/error.hpp"
#include "pipeline/model/input_limits.hpp"
#include "pipeline/run/cancel.hpp"

namespace saluran::av {

/// Decodes the best sound stream of `path`, mixed to one channel, and gives its RMS level in
/// dBFS (-inf for digital silence) for each whole or last partial `step_s` from the start.
/// Errors name the file: no sound stream, unreadable, or cancelled through `cancel`.
Result<std::vector<float>> sound_levels(const std::string& path, double step_s,
                                        const InputLimits& limits,
                                        const CancelFlag* cancel = nullptr);

}  // namespace saluran::av
