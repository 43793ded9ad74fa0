#pragma once
// One libavfilter chain with a single input and a single output, described by a string:
//
//   auto chain = av::FilterChain::make(av::StreamFormat::video(dec, tb, rate),
//                                      "fps=30/1,scale=1280:720,format=yuv420p");
//   chain->push(frame);                  // takes the frame's data references
//   while (chain->pull(out).value()) encode(out);

#include <string>

#include "codecs/av/av_handles.hpp"
#include "codecs/av/filter_names.hpp"
#include "pipeline/model/error.hpp"

struct AVCodecContext;
struct AVFilterContext;
struct AVFrame;

namespace saluran::av {

/// What enters a chain: a decoder's frames, or raw audio we make ourselves.
struct StreamFormat {
  bool video = true;
  // video
  int width = 0;
  int height = 0;
  int pixel_format = -1;  ///< AVPixelFormat
  int sar_num = 1;
  int sar_den = 1;
  int rate_num = 0;  ///< nominal frame rate, 0 when unknown
  int rate_den = 1;
  // audio
  int sample_rate = 0;
  int sample_format = -1;  ///< AVSampleFormat
  int channels = 0;
  std::string channel_layout;  ///< "stereo", "5.1", ... ("" = the default for `channels`)
  // both
  int tb_num = 1;  ///< time base of the pts of pushed frames
  int tb_den = 1;

  /// The format of a video decoder's frames, stamped in `tb`.
  static StreamFormat of_video_decoder(const AVCodecContext* dec, int tb_num, int tb_den,
                                       int rate_num, int rate_den);
  /// The format of an audio decoder's frames, stamped in `tb`.
  static StreamFormat of_audio_decoder(const AVCodecContext* dec, int tb_num, int tb_den);
};

/// A configured filter graph: buffer source -> chain -> buffer sink.
class FilterChain {
 public:
  /// Builds and configures the graph. `frame_size` > 0 makes an audio sink give frames of
  /// exactly that many samples (an encoder's frame size). The graph runs on one thread.
  static Result<FilterChain> make(const StreamFormat& in, const std::string& chain,
                                  int frame_size = 0);

  /// Feeds one frame (its references move into the graph); null signals the end.
  Status push(AVFrame* frame);
  /// Takes one output frame into `out`: true when one came, false when the chain needs more
  /// input or has ended.
  Result<bool> pull(AVFrame* out);
  /// Changes a runtime option of the filter instance `target` (written `crop@name` in the
  /// chain) before the next frame, e.g. command("crop@reframe", "x", "312").
  Status command(const std::string& target, const std::string& option, const std::string& value);
  /// True once the end has come out of the sink.
  bool finished() const { return finished_; }
  /// The sink, to read the output format (av_buffersink_get_*).
  const AVFilterContext* sink() const { return sink_; }

 private:
  FilterGraphPtr graph_;
  AVFilterContext* source_ = nullptr;
  AVFilterContext* sink_ = nullptr;
  bool finished_ = false;
};

}  // namespace saluran::av
