#include "codecs/av/packet_survey.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <fmt/format.h>

#include "codecs/av/av_error.hpp"
#include "codecs/av/av_handles.hpp"
#include "codecs/av/av_inc.hpp"
#include "codecs/av/av_open.hpp"

namespace saluran {
namespace {

constexpr int kNalIdr = 5;

std::string tag(const AVDictionary* dict, const char* key) {
  const AVDictionaryEntry* e = av_dict_get(dict, key, nullptr, 0);
  return e != nullptr && e->value != nullptr ? std::string(e->value) : std::string();
}

const char* field_order_name(AVFieldOrder order) {
  switch (order) {
    case AV_FIELD_PROGRESSIVE:
      return "progressive";
    case AV_FIELD_TT:
      return "tt";
    case AV_FIELD_BB:
      return "bb";
    case AV_FIELD_TB:
      return "tb";
    case AV_FIELD_BT:
      return "bt";
    default:
      return "unknown";
  }
}

// The NAL length size of an MP4 H.264 stream is in its avcC record (ISO/IEC 14496-15 5.3.3.1):
// version 1, then profile, compatibility, level, and 6 reserved bits + lengthSizeMinusOne.
// Anything else (no extradata, or Annex B start codes in it) means Annex B packets.
int nal_length_size(const AVCodecParameters* par) {
  if (par->extradata == nullptr || par->extradata_size < 7 || par->extradata[0] != 1) return 0;
  return (par->extradata[4] & 3) + 1;
}

VideoSurvey video_of(AVStream* st) {
  const AVCodecParameters* par = st->codecpar;
  VideoSurvey v;
  v.codec = avcodec_get_name(par->codec_id);
  if (const char* p = avcodec_profile_name(par->codec_id, par->profile)) v.profile = p;
  if (const AVPixFmtDescriptor* d = av_pix_fmt_desc_get(static_cast<AVPixelFormat>(par->format)))
    v.pixel_format = d->name;
  v.field_order = field_order_name(par->field_order);
  v.width = par->width;
  v.height = par->height;
  v.rotation = av::display_rotation(st).rotation;
  const AVRational sar =
      par->sample_aspect_ratio.num > 0 ? par->sample_aspect_ratio : st->sample_aspect_ratio;
  if (sar.num > 0 && sar.den > 0) av_reduce(&v.sar_num, &v.sar_den, sar.num, sar.den, 1 << 20);
  const AVRational rate = st->avg_frame_rate.num > 0 ? st->avg_frame_rate : st->r_frame_rate;
  if (rate.num > 0 && rate.den > 0) v.frame_rate = av_q2d(rate);
  v.tick_s = av_q2d(st->time_base);
  if (par->codec_id == AV_CODEC_ID_H264) v.idr_keyframes = 0;
  // The demuxer knows of reordering from the composition offsets (ctts) before any packet.
  v.reordered = par->video_delay > 0;
  return v;
}

AudioSurvey audio_of(AVStream* st) {
  const AVCodecParameters* par = st->codecpar;
  AudioSurvey a;
  a.codec = avcodec_get_name(par->codec_id);
  if (const char* p = avcodec_profile_name(par->codec_id, par->profile)) a.profile = p;
  a.sample_rate = par->sample_rate;
  a.channels = par->ch_layout.nb_channels;
  a.header_bit_rate = par->bit_rate;
  return a;
}

/// Running totals over the video packets, turned into VideoSurvey fields at the end.
struct VideoTally {
  std::int64_t min_duration = std::numeric_limits<std::int64_t>::max();
  std::int64_t max_duration = 0;
  std::int64_t max_pts = std::numeric_limits<std::int64_t>::min();
  std::int64_t end_pts = std::numeric_limits<std::int64_t>::min();
  std::int64_t last_dts = AV_NOPTS_VALUE;
  std::vector<std::int64_t> key_pts;
};

void tally_video(const AVPacket& pkt, int length_size, VideoSurvey& v, VideoTally& t) {
  ++v.frames;
  // Frame durations are the steps between decode timestamps: in MP4 they are the sample table
  // (stts) itself, while the packets' own duration field may hold a nominal value.
  std::int64_t step = 0;
  if (pkt.dts != AV_NOPTS_VALUE && t.last_dts != AV_NOPTS_VALUE) {
    step = pkt.dts - t.last_dts;
  } else if (pkt.dts == AV_NOPTS_VALUE) {
    step = pkt.duration;
  }
  if (pkt.dts != AV_NOPTS_VALUE) t.last_dts = pkt.dts;
  if (step > 0) {
    t.min_duration = std::min(t.min_duration, step);
    t.max_duration = std::max(t.max_duration, step);
  }
  const std::int64_t pts = pkt.pts != AV_NOPTS_VALUE ? pkt.pts : pkt.dts;
  if (pts == AV_NOPTS_VALUE) return;
  // Packets come in decode order: a picture shown before one decoded earlier is a B-frame.
  if (pts < t.max_pts) v.reordered = true;
  t.max_pts = std::max(t.max_pts, pts);
  t.end_pts = std::max(t.end_pts, pts + std::max<std::int64_t>(pkt.duration, 0));
  if ((pkt.flags & AV_PKT_FLAG_KEY) == 0) return;
  ++v.keyframes;
  t.key_pts.push_back(pts);
  if (v.idr_keyframes >= 0 && pkt.data != nullptr && pkt.size > 0 &&
      h264_has_idr({pkt.data, static_cast<std::size_t>(pkt.size)}, length_size)) {
    ++v.idr_keyframes;
  }
}

void finish_video(VideoSurvey& v, VideoTally& t) {
  if (t.max_duration > 0) {
    v.min_frame_s = static_cast<double>(t.min_duration) * v.tick_s;
    v.max_frame_s = static_cast<double>(t.max_duration) * v.tick_s;
  }
  if (t.key_pts.empty()) return;
  std::sort(t.key_pts.begin(), t.key_pts.end());
  std::int64_t longest = t.end_pts - t.key_pts.back();
  for (std::size_t i = 1; i < t.key_pts.size(); ++i) {
    longest = std::max(longest, t.key_pts[i] - t.key_pts[i - 1]);
  }
  v.max_gop_s = static_cast<double>(longest) * v.tick_s;
}

}  // namespace

bool h264_has_idr(std::span<const std::uint8_t> au, int nal_length_size) {
  const std::size_t n = au.size();
  if (nal_length_size == 0) {
    // Annex B: the byte after each 00 00 01 start code is a NAL header.
    for (std::size_t i = 0; i + 3 < n; ++i) {
      if (au[i] == 0 && au[i + 1] == 0 && au[i + 2] == 1) {
        if ((au[i + 3] & 0x1f) == kNalIdr) return true;
        i += 2;
      }
    }
    return false;
  }
  if (nal_length_size < 1 || nal_length_size > 4) return false;
  const auto len_size = static_cast<std::size_t>(nal_length_size);
  std::size_t pos = 0;
  while (n - pos > len_size) {
    std::size_t len = 0;
    for (std::size_t k = 0; k < len_size; ++k) len = len << 8 | au[pos + k];
    pos += len_size;
    if (len == 0) continue;
    if (len > n - pos) return false;
    if ((au[pos] & 0x1f) == kNalIdr) return true;
    pos += len;
  }
  return false;
}

Result<PacketSurvey> survey_packets(const std::string& path, const InputLimits& limits) {
  auto input = av::open_input_file(path, limits);
  if (!input) return input.error();
  if (auto st = av::read_stream_info(*input, limits); !st) return st.error();
  AVFormatContext* fmt = input->get();

  PacketSurvey s;
  s.demuxer = fmt->iformat->name;
  s.major_brand = tag(fmt->metadata, "major_brand");
  if (fmt->pb != nullptr && avio_size(fmt->pb) > 0)
    s.size_bytes = static_cast<std::uint64_t>(avio_size(fmt->pb));
  if (fmt->duration != AV_NOPTS_VALUE && fmt->duration > 0)
    s.duration_s = static_cast<double>(fmt->duration) / AV_TIME_BASE;

  int video_index = -1;
  int audio_index = -1;
  for (unsigned i = 0; i < fmt->nb_streams; ++i) {
    AVStream* st = fmt->streams[i];
    const AVMediaType type = st->codecpar->codec_type;
    if (type == AVMEDIA_TYPE_VIDEO && video_index < 0 &&
        (st->disposition & AV_DISPOSITION_ATTACHED_PIC) == 0) {
      video_index = static_cast<int>(i);
      s.video = video_of(st);
    } else if (type == AVMEDIA_TYPE_AUDIO && audio_index < 0) {
      audio_index = static_cast<int>(i);
      s.audio = audio_of(st);
    }
  }
  // Only the two streams checked are read; libavformat drops the others' packets early.
  for (unsigned i = 0; i < fmt->nb_streams; ++i) {
    if (static_cast<int>(i) != video_index && static_cast<int>(i) != audio_index)
      fmt->streams[i]->discard = AVDISCARD_ALL;
  }

  const int length_size =
      video_index >= 0 ? nal_length_size(fmt->streams[video_index]->codecpar) : 0;
  VideoTally tally;
  std::int64_t packets = 0;
  std::int64_t audio_bytes = 0;
  std::int64_t audio_duration = 0;
  av::PacketPtr pkt = av::make_packet();
  if (!pkt) return make_error(ErrorCode::kExternal, "out of memory", path);
  while (true) {
    input->extend_deadline(av::kReadBudget);
    const int ret = av_read_frame(fmt, pkt.get());
    if (ret == AVERROR_EOF) break;
    if (ret == AVERROR_EXIT) {
      return make_error(ErrorCode::kLimitExceeded, "gave up: reading the file took too long", path,
                        "av_read_frame");
    }
    if (ret < 0) {
      // The packets read so far still tell the rest of the check something; the damage itself
      // is reported with them.
      s.read_error =
          fmt::format("reading stopped after {} packets: {}", packets, av::av_error_text(ret));
      break;
    }
    ++packets;
    if (pkt->stream_index == video_index) {
      tally_video(*pkt, length_size, *s.video, tally);
    } else if (pkt->stream_index == audio_index) {
      audio_bytes += pkt->size;
      audio_duration += std::max<std::int64_t>(pkt->duration, 0);
    }
    av_packet_unref(pkt.get());
  }
  if (s.video) finish_video(*s.video, tally);
  if (s.audio && audio_duration > 0) {
    const double seconds =
        static_cast<double>(audio_duration) * av_q2d(fmt->streams[audio_index]->time_base);
    // Under a tenth of a second the rate says more about packet framing than the encoder.
    if (seconds >= 0.1) {
      s.audio->measured_bit_rate = std::llround(static_cast<double>(audio_bytes) * 8.0 / seconds);
    }
  }
  return s;
}

}  // namespace saluran
