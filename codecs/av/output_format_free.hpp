#pragma once
// The muxer context's deleter, declared without libav's headers so that av_output.hpp (reached
// from the pipeline through av_transcode.hpp) shows no libav type.

struct AVFormatContext;

namespace saluran::av {

/// Deleter for a muxer context: closes its AVIOContext (if the muxer owns one), then frees it.
struct OutputFormatFree {
  void operator()(AVFormatContext* ctx) const noexcept;
};

}  // namespace saluran::av
