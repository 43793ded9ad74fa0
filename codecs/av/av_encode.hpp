#pragma once
// Opening encoders with a preset's settings, fed from a filter chain's output format.
//
//   auto enc = av::open_h264(settings, chain.sink(), muxer_wants_global_header);
//   auto aac = av::open_audio_encoder({"aac", 48000, 2, 384}, global_header);

#include <string>

#include "codecs/av/av_handles.hpp"
#include "codecs/av/encode_settings.hpp"
#include "pipeline/model/error.hpp"

struct AVFilterContext;

namespace saluran::av {

/// Opens libx264 for frames of the format `sink` gives (size, pixel format, colour).
Result<CodecContextPtr> open_h264(const H264Settings& s, const AVFilterContext* sink,
                                  bool global_header);

/// Opens an audio encoder taking planar float (aac, mp3) or s16 (pcm).
Result<CodecContextPtr> open_audio_encoder(const AudioEncodeSettings& s, bool global_header);

}  // namespace saluran::av
