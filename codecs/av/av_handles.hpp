#pragma once
// RAII owners for every libav* handle Saluran uses: no manual cleanup ladders anywhere.

#include <memory>

#include "codecs/av/av_inc.hpp"
#include "codecs/av/output_format_free.hpp"

namespace saluran::av {

/// Deleter for libav free functions that take a pointer to the pointer (`av_frame_free(&p)`).
template <auto Free>
struct FreeByAddress {
  template <class T>
  void operator()(T* p) const noexcept {
    Free(&p);
  }
};

/// Deleter for libav free functions that take the pointer (`sws_freeContext(p)`).
template <auto Free>
struct FreeByValue {
  template <class T>
  void operator()(T* p) const noexcept {
    Free(p);
  }
};

/// A decoded frame (reference counted inside).
using FramePtr = std::unique_ptr<AVFrame, FreeByAddress<av_frame_free>>;
/// A compressed packet.
using PacketPtr = std::unique_ptr<AVPacket, FreeByAddress<av_packet_free>>;
/// A decoder or encoder context.
using CodecContextPtr = std::unique_ptr<AVCodecContext, FreeByAddress<avcodec_free_context>>;
/// Owns codec parameters.
using CodecParamsPtr = std::unique_ptr<AVCodecParameters, FreeByAddress<avcodec_parameters_free>>;
/// A demuxer context opened with avformat_open_input.
using InputFormatPtr = std::unique_ptr<AVFormatContext, FreeByAddress<avformat_close_input>>;
/// A muxer context made with avformat_alloc_output_context2.
using OutputFormatPtr = std::unique_ptr<AVFormatContext, OutputFormatFree>;
/// A filter graph (owns its filter contexts).
using FilterGraphPtr = std::unique_ptr<AVFilterGraph, FreeByAddress<avfilter_graph_free>>;
/// A filter in/out list used while parsing a graph description.
using FilterInOutPtr = std::unique_ptr<AVFilterInOut, FreeByAddress<avfilter_inout_free>>;
/// A scaler / pixel-format converter.
using SwsContextPtr = std::unique_ptr<SwsContext, FreeByValue<sws_freeContext>>;
/// An audio resampler.
using SwrContextPtr = std::unique_ptr<SwrContext, FreeByAddress<swr_free>>;

/// New empty frame; null only when out of memory.
inline FramePtr make_frame() { return FramePtr(av_frame_alloc()); }
/// New empty packet; null only when out of memory.
inline PacketPtr make_packet() { return PacketPtr(av_packet_alloc()); }

/// Owns an AVDictionary* and frees it on scope exit; pass `&dict.get()` to libav calls.
class Dictionary {
 public:
  Dictionary() = default;
  Dictionary(const Dictionary&) = delete;
  Dictionary& operator=(const Dictionary&) = delete;
  ~Dictionary() { av_dict_free(&dict_); }
  /// Sets key to value (copied).
  void set(const char* key, const char* value) { av_dict_set(&dict_, key, value, 0); }
  /// The raw pointer slot for libav calls that may replace it.
  AVDictionary** slot() { return &dict_; }

 private:
  AVDictionary* dict_ = nullptr;
};

}  // namespace saluran::av
