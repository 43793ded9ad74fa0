#pragma once
// The loudness kernels of loudness_gain as the transcoder takes them (av::LoudnessProcessing):
// plan_loudness gives the first pass; each pass is apply_gain, then TruePeakLimiter when asked.
//
//   av::TranscodeOptions options;
//   options.loudness = loudness_processing();

#include <memory>

#include "codecs/av/loudness_processing.hpp"

namespace saluran {

/// The loudness kernels for av::transcode (stateless; one instance serves every branch).
std::shared_ptr<const av::LoudnessProcessing> loudness_processing();

}  // namespace saluran
