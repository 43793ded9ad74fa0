#include "codecs/av/av_error.hpp"

#include "codecs/av/av_handles.hpp"
#include "codecs/av/av_inc.hpp"

namespace saluran::av {

std::string av_error_text(int ret) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(ret, buf, sizeof buf);
  return buf;
}

Status check_av(int ret, const char* call, const std::string& file) {
  if (ret >= 0) return Ok{};
  ErrorCode code = ErrorCode::kExternal;
  switch (ret) {
    case AVERROR_INVALIDDATA:
    case AVERROR_EOF:
      code = ErrorCode::kCorrupt;
      break;
    case AVERROR(ENOENT):
      code = ErrorCode::kNotFound;
      break;
    case AVERROR(EACCES):
    case AVERROR(EPERM):
      code = ErrorCode::kPermission;
      break;
    case AVERROR(EIO):
    case AVERROR(ENOSPC):
      code = ErrorCode::kIo;
      break;
    case AVERROR_DECODER_NOT_FOUND:
    case AVERROR_DEMUXER_NOT_FOUND:
    case AVERROR_PATCHWELCOME:
      code = ErrorCode::kUnsupported;
      break;
    default:
      break;
  }
  return make_error(code, av_error_text(ret), file, call);
}

void OutputFormatFree::operator()(AVFormatContext* ctx) const noexcept {
  if (ctx == nullptr) return;
  if (ctx->oformat != nullptr && !(ctx->oformat->flags & AVFMT_NOFILE)) avio_closep(&ctx->pb);
  avformat_free_context(ctx);
}

}  // namespace saluran::av
