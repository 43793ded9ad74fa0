#include "codecs/av/av_probe.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <mutex>
#include <vector>

#include <fmt/format.h>

#include "codecs/av/av_error.hpp"
#include "codecs/av/av_handles.hpp"
#include "codecs/av/av_inc.hpp"
#include "codecs/av/av_open.hpp"
#include "codecs/meta/device_class.hpp"
#include "codecs/meta/exif_reader.hpp"

namespace saluran {
namespace {

std::string tag(const AVDictionary* dict, const char* key) {
  const AVDictionaryEntry* e = av_dict_get(dict, key, nullptr, 0);
  return e != nullptr && e->value != nullptr ? std::string(e->value) : std::string();
}

std::string first_tag(const AVFormatContext* fmt, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    std::string v = tag(fmt->metadata, key);
    if (!v.empty()) return v;
    for (unsigned i = 0; i < fmt->nb_streams; ++i) {
      v = tag(fmt->streams[i]->metadata, key);
      if (!v.empty()) return v;
    }
  }
  return {};
}

double to_seconds(std::int64_t ts, AVRational tb) { return static_cast<double>(ts) * av_q2d(tb); }

std::string container_name(const AVFormatContext* fmt, bool has_video) {
  const std::string demuxer = fmt->iformat->name;
  if (demuxer.starts_with("mov,")) {
    const std::string brand = tag(fmt->metadata, "major_brand");
    if (brand == "qt  ") return "mov";
    if (brand.starts_with("3g")) return "3gp";
    return has_video ? "mp4" : "m4a";
  }
  if (demuxer.starts_with("matroska")) {
    return tag(fmt->metadata, "DOCTYPE") == "webm" ? "webm" : "matroska";
  }
  return demuxer.substr(0, demuxer.find(','));
}

// The sample index of MP4/MOV tells exactly which bytes the file should hold; a copy that was
// cut short (a card pulled out mid-write, an interrupted transfer) points past the end.
Status check_index_within_file(AVFormatContext* fmt, const std::string& path) {
  const std::int64_t file_size = fmt->pb != nullptr ? avio_size(fmt->pb) : -1;
  if (file_size <= 0) return Ok{};
  double present_s = 0;
  double claimed_s = 0;
  std::int64_t furthest = 0;
  for (unsigned i = 0; i < fmt->nb_streams; ++i) {
    AVStream* st = fmt->streams[i];
    const int n = avformat_index_get_entries_count(st);
    for (int k = 0; k < n; ++k) {
      const AVIndexEntry* e = avformat_index_get_entry(st, k);
      if (e == nullptr) continue;
      const std::int64_t end = e->pos + e->size;
      const double t = to_seconds(e->timestamp, st->time_base);
      claimed_s = std::max(claimed_s, t);
      if (end > file_size) {
        furthest = std::max(furthest, end);
      } else {
        present_s = std::max(present_s, t);
      }
    }
  }
  if (furthest == 0) return Ok{};
  return make_error(ErrorCode::kCorrupt,
                    fmt::format("file is truncated: it should be at least {} bytes but is {} "
                                "(about {:.1f} s of {:.1f} s present); copy it again from the card",
                                furthest, file_size, present_s, claimed_s),
                    path, "sample index");
}

// Frame durations from the sample index: phones record at a variable rate when light is low
// or the scene is still. Looks at the first 20000 samples.
bool index_shows_variable_rate(AVStream* st) {
  const int n = std::min(avformat_index_get_entries_count(st), 20000);
  if (n < 3) return false;
  std::vector<std::int64_t> ts;
  ts.reserve(static_cast<std::size_t>(n));
  for (int k = 0; k < n; ++k) {
    if (const AVIndexEntry* e = avformat_index_get_entry(st, k)) ts.push_back(e->timestamp);
  }
  std::sort(ts.begin(), ts.end());
  std::vector<std::int64_t> d;
  for (std::size_t k = 1; k < ts.size(); ++k) {
    if (ts[k] > ts[k - 1]) d.push_back(ts[k] - ts[k - 1]);
  }
  if (d.size() < 2) return false;
  std::sort(d.begin(), d.end());
  const double median = static_cast<double>(d[d.size() / 2]);
  // Allow rounding jitter of 29.97 fps in coarse time bases: one tick or 2%.
  const double tol = std::max(1.0, median * 0.02);
  return static_cast<double>(d.back()) - static_cast<double>(d.front()) > 2 * tol;
}

void fill_rotation(const AVStream* st, PictureInfo& pic) {
  const av::DisplayRotation r = av::display_rotation(st);
  pic.rotation = r.rotation;
  pic.mirrored = r.mirrored;
}

PictureInfo picture_of(AVStream* st) {
  const AVCodecParameters* par = st->codecpar;
  PictureInfo pic;
  pic.codec = avcodec_get_name(par->codec_id);
  if (const char* p = avcodec_profile_name(par->codec_id, par->profile)) pic.profile = p;
  pic.width = par->width;
  pic.height = par->height;
  AVRational sar =
      par->sample_aspect_ratio.num > 0 ? par->sample_aspect_ratio : st->sample_aspect_ratio;
  if (sar.num > 0 && sar.den > 0) {
    av_reduce(&pic.sar_num, &pic.sar_den, sar.num, sar.den, 1 << 20);
  }
  const auto fmt = static_cast<AVPixelFormat>(par->format);
  if (const AVPixFmtDescriptor* desc = av_pix_fmt_desc_get(fmt)) {
    pic.pixel_format = desc->name;
    pic.bit_depth = desc->comp[0].depth;
  } else if (par->bits_per_raw_sample > 0) {
    pic.bit_depth = par->bits_per_raw_sample;
  }
  if (par->color_trc != AVCOL_TRC_UNSPECIFIED) {
    if (const char* name = av_color_transfer_name(par->color_trc)) pic.color_transfer = name;
  }
  if (par->color_trc == AVCOL_TRC_ARIB_STD_B67) pic.hdr = "hlg";
  if (par->color_trc == AVCOL_TRC_SMPTE2084) pic.hdr = "pq";
  pic.interlaced = par->field_order != AV_FIELD_UNKNOWN && par->field_order != AV_FIELD_PROGRESSIVE;
  if (par->bit_rate > 0) pic.bit_rate = par->bit_rate;
  fill_rotation(st, pic);
  const bool quarter = pic.rotation % 180 != 0;
  pic.upright_width = quarter ? pic.height : pic.width;
  pic.upright_height = quarter ? pic.width : pic.height;
  return pic;
}

AudioInfo audio_of(AVStream* st) {
  const AVCodecParameters* par = st->codecpar;
  AudioInfo a;
  a.codec = avcodec_get_name(par->codec_id);
  a.channels = par->ch_layout.nb_channels;
  char layout[64] = {};
  if (par->ch_layout.order != AV_CHANNEL_ORDER_UNSPEC &&
      av_channel_layout_describe(&par->ch_layout, layout, sizeof layout) > 0) {
    a.channel_layout = layout;
  } else if (a.channels == 1) {
    a.channel_layout = "mono";
  } else if (a.channels == 2) {
    a.channel_layout = "stereo";
  }
  a.sample_rate = par->sample_rate;
  a.bit_depth = par->bits_per_raw_sample > 0 ? par->bits_per_raw_sample : 0;
  if (a.bit_depth == 0 && av_get_exact_bits_per_sample(par->codec_id) > 0)
    a.bit_depth = av_get_exact_bits_per_sample(par->codec_id);
  return a;
}

void fill_metadata(const AVFormatContext* fmt, MediaInfo& info) {
  Metadata& m = info.meta;
  m.make = first_tag(fmt, {"com.apple.quicktime.make", "com.android.manufacturer", "make", "Make",
                           "manufacturer"});
  m.model = first_tag(fmt, {"com.apple.quicktime.model", "com.android.model", "model", "Model"});
  if (m.make.empty()) {
    // DJI drones tag their streams rather than the file ("DJI.AVC", "DJI.Meta").
    const std::string handler = first_tag(fmt, {"handler_name"});
    const std::string encoder = first_tag(fmt, {"encoder"});
    if (handler.starts_with("DJI") || encoder.starts_with("DJI")) m.make = "DJI";
  }
  m.device_class = classify_device(m.make, m.model);
  // A local time with its zone beats the UTC creation_time: it says when it was for people there.
  for (const char* key : {"com.apple.quicktime.creationdate", "creation_time", "date"}) {
    const std::string raw = first_tag(fmt, {key});
    if (raw.empty()) continue;
    std::string iso = normalise_container_time(raw);
    if (iso.empty()) {
      info.warnings.push_back(fmt::format("container date \"{}\" is not a valid date", raw));
      continue;
    }
    m.capture_time = std::move(iso);
    m.capture_time_source = "container";
    break;
  }
  const std::string where =
      first_tag(fmt, {"com.apple.quicktime.location.ISO6709", "location", "location-eng"});
  if (!where.empty()) {
    m.gps = parse_iso6709(where);
    if (!m.gps) info.warnings.push_back(fmt::format("location \"{}\" is not ISO 6709", where));
  }
}

}  // namespace

std::optional<GeoPoint> parse_iso6709(std::string_view text) {
  // Signed decimal numbers back to back: +lat+lon[+alt][CRS]/
  double v[3];
  int count = 0;
  std::string s(text);
  const char* p = s.c_str();
  while (*p != '\0' && *p != '/' && count < 3) {
    if (*p != '+' && *p != '-') return std::nullopt;
    char* end = nullptr;
    v[count] = std::strtod(p, &end);
    if (end == p) return std::nullopt;
    ++count;
    p = end;
    if (*p == 'C') break;  // "CRSWGS_84"
  }
  if (count < 2 || !std::isfinite(v[0]) || !std::isfinite(v[1]) || std::fabs(v[0]) > 90 ||
      std::fabs(v[1]) > 180)
    return std::nullopt;
  if (count == 3 && !std::isfinite(v[2])) count = 2;
  GeoPoint g{v[0], v[1], std::nullopt};
  if (count == 3) g.altitude_m = v[2];
  return g;
}

std::string normalise_container_time(std::string_view t) {
  if (t.size() < 19) return {};
  for (std::size_t i = 0; i < 19; ++i) {
    const bool sep = i == 4 || i == 7 || i == 10 || i == 13 || i == 16;
    if (sep) continue;
    if (t[i] < '0' || t[i] > '9') return {};
  }
  if (t[4] != '-' || t[7] != '-' || (t[10] != 'T' && t[10] != ' ') || t[13] != ':' || t[16] != ':')
    return {};
  if (!valid_date_time(t.substr(0, 4), t.substr(5, 2), t.substr(8, 2), t.substr(11, 2),
                       t.substr(14, 2), t.substr(17, 2)))
    return {};
  if (t.substr(0, 4) == "1904" || t.substr(0, 4) == "1970") return {};  // zero epochs: unset
  std::string out = fmt::format("{}T{}", t.substr(0, 10), t.substr(11, 8));
  std::string_view rest = t.substr(19);
  while (!rest.empty() && (rest[0] == '.' || (rest[0] >= '0' && rest[0] <= '9'))) {
    rest.remove_prefix(1);
  }
  if (rest == "Z" || rest == "z") {
    out += 'Z';
  } else if (rest.size() == 5) {
    out += zone_offset(std::string(rest.substr(0, 3)) + ":" + std::string(rest.substr(3, 2)));
  } else if (rest.size() == 6) {
    out += zone_offset(rest);
  }
  return out;
}

Result<MediaInfo> probe_av(const std::string& path, const InputLimits& limits) {
  auto input = av::open_input_file(path, limits);
  if (!input) return input.error();
  AVFormatContext* fmt = input->get();
  if (std::string(fmt->iformat->name).starts_with("mov,")) {
    if (auto st = check_index_within_file(fmt, path); !st) return st.error();
  }
  if (auto st = av::read_stream_info(*input, limits); !st) return st.error();

  MediaInfo info;
  info.path = path;
  info.size_bytes = fmt->pb != nullptr && avio_size(fmt->pb) > 0
                        ? static_cast<std::uint64_t>(avio_size(fmt->pb))
                        : 0;
  AVStream* video = nullptr;
  AVStream* audio = nullptr;
  for (unsigned i = 0; i < fmt->nb_streams; ++i) {
    AVStream* st = fmt->streams[i];
    const AVMediaType type = st->codecpar->codec_type;
    if (type == AVMEDIA_TYPE_VIDEO && !(st->disposition & AV_DISPOSITION_ATTACHED_PIC)) {
      ++info.video_streams;
      if (video == nullptr) video = st;
    } else if (type == AVMEDIA_TYPE_AUDIO) {
      ++info.audio_streams;
      if (audio == nullptr) audio = st;
    }
  }
  if (video == nullptr && audio == nullptr) {
    return make_error(ErrorCode::kUnsupported, "file holds no picture or sound streams", path);
  }
  info.kind = video != nullptr ? MediaKind::kVideo : MediaKind::kAudio;
  info.container = container_name(fmt, video != nullptr);
  if (fmt->duration != AV_NOPTS_VALUE && fmt->duration > 0) {
    info.duration_s = static_cast<double>(fmt->duration) / AV_TIME_BASE;
  }
  if (fmt->bit_rate > 0) info.bit_rate = fmt->bit_rate;

  if (video != nullptr) {
    info.picture = picture_of(video);
    if (info.picture->width <= 0 || info.picture->height <= 0) {
      return make_error(ErrorCode::kCorrupt, "video stream has no picture size", path);
    }
    if (auto st = check_dimensions(limits, info.picture->width, info.picture->height, path); !st)
      return st.error();
    AVRational rate = video->avg_frame_rate.num > 0 ? video->avg_frame_rate : video->r_frame_rate;
    if (rate.num > 0 && rate.den > 0) info.frame_rate = av_q2d(rate);
    if (avformat_index_get_entries_count(video) >= 3) {
      info.variable_frame_rate = index_shows_variable_rate(video);
    } else if (video->r_frame_rate.num > 0 && video->avg_frame_rate.num > 0) {
      info.variable_frame_rate = av_cmp_q(video->r_frame_rate, video->avg_frame_rate) != 0;
    }
  }
  if (audio != nullptr) info.audio = audio_of(audio);
  fill_metadata(fmt, info);
  return info;
}

}  // namespace saluran
