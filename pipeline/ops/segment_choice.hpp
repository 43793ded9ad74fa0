#pragma once
// Choosing the part of a clip a channel with a length limit gets (a 60 s reel of a 2-minute
// clip), by content rather than the first N seconds. Pure: no files.
//
//   SegmentInputs in{candidate_times, poster_scores(candidates), shot_start_times, 0.0, 120.0};
//   SegmentChoice c = choose_segment(in, 59.9);   // c.start_s = 34.2, c.reason = "..."

#include <string>
#include <vector>

namespace saluran {

/// What is known of the clip, in seconds of the clip's own clock.
struct SegmentInputs {
  std::vector<double> times;        ///< of the measured frames (poster candidates), ascending
  std::vector<double> scores;       ///< how good each measured frame is (poster_scores)
  std::vector<double> shot_starts;  ///< where each shot starts (hard cuts), ascending
  double clip_start_s = 0;          ///< the first frame's time
  double clip_end_s = 0;            ///< the end of the last frame
  // The words of the reason: a video's, or a recording's (speech_inputs).
  std::string start_mark = "a cut";  ///< what `shot_starts` are
  std::string measured = "its frames score";
  std::string clip = "clip";
};

/// The chosen part and why, in plain words.
struct SegmentChoice {
  double start_s = 0;
  double score = 0;  ///< mean score of the measured frames inside (0 when none)
  std::string reason;
};

/// The part of `length_s` seconds to keep. Starts tried: the clip's start, every shot's start
/// that leaves `length_s` before the clip's end, and the last `length_s` seconds (which end with
/// the clip). The part whose measured frames score best on average wins; a tie goes to the
/// earlier start, so a clip without anything to tell its parts apart keeps its beginning.
/// A clip no longer than `length_s` starts at its start.
SegmentChoice choose_segment(const SegmentInputs& in, double length_s);

}  // namespace saluran
