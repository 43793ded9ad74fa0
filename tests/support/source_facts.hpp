#pragma once
// Made-up source facts for rendition plans without files.

#include "pipeline/stages/render_plan.hpp"

namespace saluran::test {

/// A 1080p30 camera clip with stereo sound, `seconds` long.
inline SourceFacts camera_clip(double seconds) {
  SourceFacts s;
  s.path = "/cards/C0001.MP4";
  s.has_video = true;
  s.picture = {1920, 1080, 0, 1, 1};
  s.fps = 30.0;
  s.has_audio = true;
  s.audio_channels = 2;
  s.sample_rate = 48000;
  s.duration_s = seconds;
  return s;
}

}  // namespace saluran::test
