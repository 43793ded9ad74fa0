#pragma once
// Where a recording's part for a channel with a length limit starts (a 60 s radio clip of a
// 3-minute interview): the part with the most speech, starting where someone starts to speak
// after a pause, rather than the first N seconds. Pure: the levels come from
// av::sound_levels.
//
//   SegmentChoice c = choose_segment(speech_inputs(levels, 0.1), 59.9);

#include <vector>

#include "pipeline/ops/segment_choice.hpp"

namespace saluran {

/// A step is speech when its level is this far above the recording's quiet parts (the 10th
/// percentile of its levels), and at least kSpeechFloorDb.
constexpr double kSpeechAboveQuietDb = 12.0;
constexpr double kSpeechFloorDb = -50.0;
/// Quiet this long ends a sentence: speech after it is where a part may start.
constexpr double kPauseS = 0.3;

/// The SegmentInputs of a recording whose level is `levels_db[i]` (dBFS) over the `i`-th step
/// of `step_s` seconds: every step is measured, scoring 1 for speech and 0 for quiet; the
/// marks where a part may start are a step before each return of speech after a pause.
SegmentInputs speech_inputs(const std::vector<float>& levels_db, double step_s);

}  // namespace saluran
