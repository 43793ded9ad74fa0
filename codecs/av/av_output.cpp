#include "codecs/av/av_output.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "codecs/av/av_error.hpp"
#include "codecs/av/av_handles.hpp"
#include "codecs/av/av_inc.hpp"
#include "codecs/file_bytes.hpp"
#include "codecs/file_copy.hpp"

namespace saluran::av {

Result<std::unique_ptr<OutputFile>> OutputFile::create(const std::string& final_path,
                                                       const std::string& format) {
  std::unique_ptr<OutputFile> out(new OutputFile());
  out->final_path_ = final_path;
  out->format_ = format;
  out->temp_path_ = temp_path_beside(final_path, "part");
  AVFormatContext* raw = nullptr;
  if (auto st = check_av(
          avformat_alloc_output_context2(&raw, nullptr, format.c_str(), out->temp_path_.c_str()),
          "avformat_alloc_output_context2", final_path);
      !st)
    return st.error();
  out->ctx_.reset(raw);
  return out;
}

OutputFile::~OutputFile() {
  if (!finished_) abandon();
}

bool OutputFile::wants_global_header() const {
  return (ctx_->oformat->flags & AVFMT_GLOBALHEADER) != 0;
}

Result<int> OutputFile::add_stream(const AVCodecContext* enc) {
  AVStream* st = avformat_new_stream(ctx_.get(), nullptr);
  if (st == nullptr) return make_error(ErrorCode::kExternal, "out of memory", final_path_);
  if (auto s = check_av(avcodec_parameters_from_context(st->codecpar, enc),
                        "avcodec_parameters_from_context", final_path_);
      !s)
    return s.error();
  st->time_base = enc->time_base;
  if (enc->codec_type == AVMEDIA_TYPE_VIDEO) {
    st->avg_frame_rate = enc->framerate;
    st->sample_aspect_ratio = enc->sample_aspect_ratio;
  }
  return st->index;
}

Result<int> OutputFile::add_copied_stream(const AVStream* in) {
  AVStream* st = avformat_new_stream(ctx_.get(), nullptr);
  if (st == nullptr) return make_error(ErrorCode::kExternal, "out of memory", final_path_);
  if (auto s = check_av(avcodec_parameters_copy(st->codecpar, in->codecpar),
                        "avcodec_parameters_copy", final_path_);
      !s)
    return s.error();
  // The input's tag is kept only where this muxer reads it as the same codec (an MP4's hvc1
  // stays hvc1); any other (an AVI's "H264") is left for the muxer to choose.
  const AVCodecParameters* par = in->codecpar;
  if (ctx_->oformat->codec_tag != nullptr &&
      av_codec_get_id(ctx_->oformat->codec_tag, par->codec_tag) != par->codec_id)
    st->codecpar->codec_tag = 0;
  st->time_base = in->time_base;
  st->avg_frame_rate = in->avg_frame_rate;
  st->r_frame_rate = in->r_frame_rate;
  st->sample_aspect_ratio = in->sample_aspect_ratio;
  for (int i = 0; i < in->nb_side_data; ++i) {
    const AVPacketSideData& sd = in->side_data[i];
    std::uint8_t* data = av_stream_new_side_data(st, sd.type, sd.size);
    if (data == nullptr) return make_error(ErrorCode::kExternal, "out of memory", final_path_);
    std::memcpy(data, sd.data, sd.size);
  }
  return st->index;
}

Status OutputFile::start() {
  if (!(ctx_->oformat->flags & AVFMT_NOFILE)) {
    // "file:" keeps a folder name with a colon from being read as a protocol.
    const std::string url = "file:" + temp_path_;
    if (auto st =
            check_av(avio_open(&ctx_->pb, url.c_str(), AVIO_FLAG_WRITE), "avio_open", final_path_);
        !st)
      return st.error();
  }
  Dictionary opts;
  if (format_ == "mp4" || format_ == "mov") {
    opts.set("movflags", "+faststart");
    opts.set("use_editlist", "0");
  }
  if (auto st = check_av(avformat_write_header(ctx_.get(), opts.slot()), "avformat_write_header",
                         final_path_);
      !st)
    return st.error();
  started_ = true;
  return Ok{};
}

Status OutputFile::write(int index, AVPacket* pkt, const AVCodecContext* enc) {
  return write(index, pkt, enc->time_base.num, enc->time_base.den);
}

Status OutputFile::write(int index, AVPacket* pkt, int tb_num, int tb_den) {
  std::lock_guard lock(mutex_);
  pkt->stream_index = index;
  av_packet_rescale_ts(pkt, AVRational{tb_num, tb_den}, ctx_->streams[index]->time_base);
  return check_av(av_interleaved_write_frame(ctx_.get(), pkt), "av_interleaved_write_frame",
                  final_path_);
}

Status OutputFile::finish() {
  std::lock_guard lock(mutex_);
  if (!started_) return make_error(ErrorCode::kExternal, "output was never started", final_path_);
  if (auto st = check_av(av_write_trailer(ctx_.get()), "av_write_trailer", final_path_); !st)
    return st.error();
  if (ctx_->pb != nullptr) {
    if (auto st = check_av(avio_closep(&ctx_->pb), "avio_closep", final_path_); !st)
      return st.error();
  }
  // The data must be on disk before the rename makes it an output (crash safety).
  if (auto st = fsync_file(temp_path_); !st) return st;
  finished_ = true;
  return Ok{};
}

Status OutputFile::commit() {
  if (std::rename(temp_path_.c_str(), final_path_.c_str()) != 0)
    return errno_error(errno, "rename", final_path_);
  return fsync_dir(std::filesystem::path(final_path_).parent_path().string());
}

void OutputFile::abandon() {
  if (ctx_ && ctx_->pb != nullptr) avio_closep(&ctx_->pb);
  std::error_code ec;
  std::filesystem::remove(temp_path_, ec);
  finished_ = true;
}

}  // namespace saluran::av
