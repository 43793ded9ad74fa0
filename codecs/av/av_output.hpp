#pragma once
// One output media file, written under a temporary name in its final folder and renamed only
// when complete (DESIGN.md rule 8). Packets may come from several threads.
//
//   auto out = av::OutputFile::create("out/C0001.youtube.mp4", "mp4");
//   int v = out->add_stream(video_encoder);  int a = out->add_stream(audio_encoder);
//   out->start();  ... out->write(v, pkt, video_encoder) ...  out->finish();  out->commit();

#include <memory>
#include <mutex>
#include <string>

#include "codecs/av/output_format_free.hpp"
#include "pipeline/model/error.hpp"

struct AVCodecContext;
struct AVPacket;
struct AVStream;

namespace saluran::av {

/// A muxer writing to `<folder>/.<name>.part` until commit() renames it.
class OutputFile {
 public:
  /// Prepares `final_path` in `format` ("mp4", "mp3", "wav"); nothing is written yet.
  static Result<std::unique_ptr<OutputFile>> create(const std::string& final_path,
                                                    const std::string& format);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  /// True when encoders must put their headers in extradata (MP4).
  bool wants_global_header() const;
  /// Adds a stream for an opened encoder; returns its index.
  Result<int> add_stream(const AVCodecContext* enc);
  /// Adds a stream that takes `in`'s packets as they are (pass-through): its codec parameters,
  /// time base, frame rate, pixel aspect, colour fields and side data (the display matrix that
  /// turns a phone's picture upright); returns its index.
  Result<int> add_copied_stream(const AVStream* in);
  /// Writes the header. MP4 gets fast start (moov first) and no edit lists.
  Status start();
  /// Writes one packet of stream `index` stamped in the encoder's time base. Thread-safe.
  Status write(int index, AVPacket* pkt, const AVCodecContext* enc);
  /// Writes one packet of stream `index` stamped in ticks of `tb_num / tb_den` s. Thread-safe.
  Status write(int index, AVPacket* pkt, int tb_num, int tb_den);
  /// Writes the trailer (for MP4 this moves the index to the front), closes and flushes the
  /// file to disk.
  Status finish();
  /// Renames the finished file to its final name and flushes the folder.
  Status commit();
  /// Removes the temporary file (a failed or rejected rendition).
  void abandon();

  const std::string& temp_path() const { return temp_path_; }
  const std::string& final_path() const { return final_path_; }

 private:
  OutputFile() = default;
  std::string final_path_;
  std::string temp_path_;
  std::string format_;
  std::unique_ptr<AVFormatContext, OutputFormatFree> ctx_;
  std::mutex mutex_;
  bool started_ = false;
  bool finished_ = false;
};

}  // namespace saluran::av
