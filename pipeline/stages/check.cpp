#include "pipeline/stages/check.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <iterator>
#include <system_error>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "codecs/av/mp4_boxes.hpp"
#include "codecs/av/packet_survey.hpp"
#include "codecs/file_bytes.hpp"
#include "codecs/sniff.hpp"
#include "pipeline/ops/render_geometry.hpp"

namespace saluran {
namespace {

/// Frame rates closer than this are the same rate (29.97 and 30000/1001), and 29.97 is not 30.
constexpr double kFpsTolerance = 0.01;
/// How far an audio bitrate may be from the preset's.
constexpr double kAudioBitrateTolerance = 0.10;
constexpr const char* kFaststartExpected = "moov before mdat (fast start)";
constexpr const char* kNoEditListsExpected = "no edit lists (elst) at all";

/// Collects rule outcomes in the order they are tested.
class Rules {
 public:
  explicit Rules(std::vector<CheckRule>& out) : out_(out) {}
  void add(std::string name, bool passed, std::string expected, std::string actual) {
    out_.push_back({std::move(name), passed, std::move(expected), std::move(actual)});
  }

 private:
  std::vector<CheckRule>& out_;
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

/// A number for people: "30", "29.97", "0.5".
std::string num(double v) { return fmt::format("{:.4g}", v); }

/// "23..60", "at least 23", "at most 60" for a range where 0 means "no bound".
std::string range_text(double lo, double hi, const char* unit) {
  if (lo > 0 && hi > 0) return fmt::format("{}..{} {}", num(lo), num(hi), unit);
  if (lo > 0) return fmt::format("at least {} {}", num(lo), unit);
  return fmt::format("at most {} {}", num(hi), unit);
}

bool in_range(double v, double lo, double hi) {
  return (lo <= 0 || v >= lo) && (hi <= 0 || v <= hi);
}

}  // namespace

std::string bytes_text(std::uint64_t bytes) {
  static const char* kUnits[] = {"B", "kB", "MB", "GB", "TB"};
  double v = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (v >= 1000 && unit + 1 < std::size(kUnits)) {
    v /= 1000;
    ++unit;
  }
  if (unit == 0) return fmt::format("{} bytes", bytes);
  return fmt::format("{:.1f} {} ({} bytes)", v, kUnits[unit], bytes);
}

std::string seconds_text(double seconds) {
  if (seconds < 1) return fmt::format("{:.0f} ms", seconds * 1000);
  return fmt::format("{:.2f} s", seconds);
}

std::string side_limits_text(int max_long, int max_short) {
  if (max_long > 0 && max_short > 0) {
    return fmt::format("long side at most {}, short side at most {}", max_long, max_short);
  }
  if (max_long > 0) return fmt::format("long side at most {}", max_long);
  if (max_short > 0) return fmt::format("short side at most {}", max_short);
  return "any size";
}

namespace {

bool is_iso_bmff(const PacketSurvey& s) { return s.demuxer.starts_with("mov,"); }

std::string container_found(const PacketSurvey& s) {
  if (is_iso_bmff(s)) {
    if (s.major_brand == "qt  ") return "QuickTime MOV (brand 'qt  ')";
    return s.major_brand.empty() ? "MP4" : fmt::format("MP4 (brand '{}')", s.major_brand);
  }
  return s.demuxer.substr(0, s.demuxer.find(','));
}

/// The container a preset makes, in words.
std::string container_expected(const Preset& preset) {
  const std::string want = lower(preset.container);
  if (want == "mp4") return "MP4 (ISO base media, not QuickTime)";
  if (want == "mp3") return "MP3";
  if (want == "wav") return "WAV";
  return want;
}

void check_container(const Preset& preset, const PacketSurvey& s,
                     const std::optional<Result<Mp4Layout>>& layout, Rules& rules) {
  const std::string want = lower(preset.container);
  bool ok = false;
  const std::string expected = container_expected(preset);
  if (want == "mp4") {
    ok = is_iso_bmff(s) && s.major_brand != "qt  ";
  } else if (want == "mp3") {
    ok = s.demuxer == "mp3";
  } else if (want == "wav") {
    ok = s.demuxer == "wav";
  } else {
    ok = s.demuxer.substr(0, s.demuxer.find(',')) == want;
  }
  std::string found = container_found(s);
  if (!s.read_error.empty()) {
    ok = false;
    found += "; damaged: " + s.read_error;
  }
  // A box structure cut short is a damaged container even when libavformat can still play it.
  if (layout && *layout && !(*layout)->problem.empty()) {
    ok = false;
    found += "; damaged: " + (*layout)->problem;
  }
  rules.add("container", ok, expected, found);
}

void check_mp4_boxes(const Result<Mp4Layout>& layout, Rules& rules) {
  if (!layout) {
    const std::string why = "cannot read the boxes: " + layout.error().message;
    rules.add("mp4.faststart", false, kFaststartExpected, why);
    rules.add("mp4.no_edit_lists", false, kNoEditListsExpected, why);
    return;
  }
  const Mp4Layout& l = *layout;
  const int moov = l.find("moov");
  const int mdat = l.find("mdat");
  std::string where;
  if (moov < 0) {
    where = "no moov box";
  } else if (l.faststart()) {
    where =
        fmt::format("moov at byte {}, before mdat", l.boxes[static_cast<std::size_t>(moov)].offset);
  } else {
    where = fmt::format("moov at byte {}, after mdat at byte {}; remux with -movflags +faststart",
                        l.boxes[static_cast<std::size_t>(moov)].offset,
                        l.boxes[static_cast<std::size_t>(mdat)].offset);
  }
  rules.add("mp4.faststart", l.faststart(), kFaststartExpected, where);
  // YouTube and Instagram ask for no edit lists at all, so even the harmless one ffmpeg writes
  // for B-frame delay or AAC priming is flagged.
  rules.add("mp4.no_edit_lists", l.edit_lists == 0, kNoEditListsExpected,
            l.edit_lists == 0
                ? std::string("none")
                : fmt::format("{} edit list{} (elst) in {} track{}; mux with use_editlist=0",
                              l.edit_lists, l.edit_lists == 1 ? "" : "s", l.tracks,
                              l.tracks == 1 ? "" : "s"));
}

bool profile_matches(const std::string& want, const std::string& found) {
  const std::string w = lower(want);
  const std::string f = lower(found);
  // Constrained Baseline is the subset of Baseline every player decodes.
  return f == w || (w == "baseline" && f == "constrained baseline");
}

std::string field_order_text(const std::string& order) {
  if (order == "progressive") return "progressive";
  if (order == "unknown") return "not marked (progressive)";
  if (order == "tt") return "interlaced, top field first";
  if (order == "bb") return "interlaced, bottom field first";
  return fmt::format("interlaced ({})", order);
}

void check_size(const VideoSpec& spec, const Limits& limits, const VideoSurvey& v, Rules& rules) {
  const bool quarter = v.rotation % 180 != 0;
  const int w = quarter ? v.height : v.width;
  const int h = quarter ? v.width : v.height;
  const int long_side = std::max(w, h);
  const int short_side = std::min(w, h);
  std::vector<std::string> expected;
  bool ok = true;
  if (spec.width > 0 && spec.height > 0 && spec.enlarge == Enlarge::kNever) {
    // A smaller source keeps its scale: the frame's shape, at most the frame.
    expected.push_back(fmt::format("{}x{} or smaller in its shape", spec.width, spec.height));
    ok = ok && frame_shaped(spec.width, spec.height, w, h, 2);
  } else if (spec.width > 0 && spec.height > 0) {
    expected.push_back(fmt::format("{}x{}", spec.width, spec.height));
    ok = ok && w == spec.width && h == spec.height;
  } else if (spec.width > 0) {
    expected.push_back(fmt::format("width {}", spec.width));
    ok = ok && w == spec.width;
  } else if (spec.height > 0) {
    expected.push_back(fmt::format("height {}", spec.height));
    ok = ok && h == spec.height;
  }
  // A kept shape is bounded on its long and short side, so a portrait clip gets the same
  // resolution as a landscape one.
  auto bound = [&](int max_long, int max_short, const char* what) {
    if (max_long <= 0 && max_short <= 0) return;
    expected.push_back(
        max_long > 0 && max_short > 0
            ? fmt::format("{} within {}x{} (long x short side)", what, max_long, max_short)
            : fmt::format("{}: {}", what, side_limits_text(max_long, max_short)));
    ok = ok && (max_long <= 0 || long_side <= max_long) &&
         (max_short <= 0 || short_side <= max_short);
  };
  if (spec.aspect == AspectMode::kKeep) bound(spec.max_width, spec.max_height, "frame");
  // Channel limits are orientation-aware too: X writes "1280x1024" and recommends 720x1280 for
  // portrait video.
  bound(std::max(limits.max_width, limits.max_height),
        limits.max_width > 0 && limits.max_height > 0
            ? std::min(limits.max_width, limits.max_height)
            : 0,
        "channel limit");
  if (expected.empty()) return;
  std::string exp_text;
  for (const std::string& e : expected) exp_text += (exp_text.empty() ? "" : ", ") + e;
  std::string found = fmt::format("{}x{}", w, h);
  if (quarter) found += fmt::format(" (stored {}x{}, rotated {})", v.width, v.height, v.rotation);
  rules.add("video.size", ok, exp_text, found);
}

void check_timing(const VideoSpec& spec, const VideoSurvey& v, Rules& rules) {
  if (spec.fps > 0) {
    rules.add("video.fps", v.frame_rate > 0 && std::fabs(v.frame_rate - spec.fps) <= kFpsTolerance,
              fmt::format("{} fps", num(spec.fps)),
              v.frame_rate > 0 ? fmt::format("{} fps", num(v.frame_rate)) : "unknown");
  } else if (spec.min_fps > 0 || spec.max_fps > 0) {
    rules.add("video.fps", v.frame_rate > 0 && in_range(v.frame_rate, spec.min_fps, spec.max_fps),
              range_text(spec.min_fps, spec.max_fps, "fps"),
              v.frame_rate > 0 ? fmt::format("{} fps", num(v.frame_rate)) : "unknown");
  }
  // One tick of the time base is rounding (29.97 fps in milliseconds alternates 33 and 34).
  const bool known = v.max_frame_s > 0;
  const bool constant =
      v.frames < 2 || (known && v.max_frame_s - v.min_frame_s <= v.tick_s * 1.001);
  std::string found = "frame durations unknown";
  if (v.frames < 2) {
    found = fmt::format("{} frame", v.frames);
  } else if (known && constant) {
    found = fmt::format("all {} frames {:.2f} ms", v.frames, v.min_frame_s * 1000);
  } else if (known) {
    found = fmt::format("frame durations vary from {:.2f} to {:.2f} ms", v.min_frame_s * 1000,
                        v.max_frame_s * 1000);
  }
  rules.add("video.constant_rate", constant, "constant frame rate (every frame equally long)",
            found);

  if (spec.closed_gop && v.idr_keyframes >= 0) {
    rules.add("gop.closed", v.keyframes > 0 && v.idr_keyframes == v.keyframes,
              "closed GOP (every keyframe an IDR)",
              fmt::format("{} of {} keyframes are IDR", v.idr_keyframes, v.keyframes));
  }
  if (spec.gop_seconds > 0) {
    const double frame_s =
        v.frame_rate > 0 ? 1.0 / v.frame_rate : (v.max_frame_s > 0 ? v.max_frame_s : 0.0);
    // The interval is measured from keyframe to keyframe: a GOP of N frames at the limit spans
    // N frame durations, and the encoder may round the keyframe distance up by one frame.
    const double allowed = spec.gop_seconds + frame_s;
    rules.add("gop.length", v.keyframes > 0 && v.max_gop_s <= allowed + 1e-6,
              "a keyframe at least every " + seconds_text(spec.gop_seconds),
              v.keyframes > 0 ? "longest keyframe interval " + seconds_text(v.max_gop_s)
                              : "no keyframes");
  }
  if (spec.bframes > 0) {
    rules.add("video.bframes", v.reordered,
              fmt::format("B-frames (up to {} in a row)", spec.bframes),
              v.reordered ? "B-frames present" : "no B-frames");
  } else {
    rules.add("video.bframes", !v.reordered, "no B-frames",
              v.reordered ? "B-frames present" : "no B-frames");
  }
}

void check_video(const Preset& preset, const PacketSurvey& s, Rules& rules) {
  const VideoSpec& spec = *preset.video;
  if (!s.video) {
    rules.add("video.codec", false, spec.codec, "no video stream");
    return;
  }
  const VideoSurvey& v = *s.video;
  rules.add("video.codec", lower(v.codec) == lower(spec.codec), spec.codec, v.codec);
  if (!spec.profile.empty()) {
    std::string want = spec.profile;
    want[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(want[0])));
    rules.add("video.profile", profile_matches(spec.profile, v.profile), want,
              v.profile.empty() ? "unknown" : v.profile);
  }
  if (!spec.pixel_format.empty()) {
    rules.add("video.pixel_format", v.pixel_format == spec.pixel_format, spec.pixel_format,
              v.pixel_format.empty() ? "unknown" : v.pixel_format);
  }
  rules.add("video.progressive", v.field_order == "progressive" || v.field_order == "unknown",
            "progressive", field_order_text(v.field_order));
  check_size(spec, preset.limits, v, rules);
  const bool sar_set = v.sar_num > 0 && v.sar_den > 0;
  rules.add("video.sar", !sar_set || v.sar_num == v.sar_den, "1:1 (square pixels)",
            sar_set ? fmt::format("{}:{}", v.sar_num, v.sar_den) : "not set (square)");
  const Limits& lim = preset.limits;
  if ((lim.min_aspect > 0 || lim.max_aspect > 0) && v.width > 0 && v.height > 0) {
    const bool quarter = v.rotation % 180 != 0;
    double aspect = static_cast<double>(v.width) / v.height;
    if (sar_set) aspect *= static_cast<double>(v.sar_num) / v.sar_den;
    if (quarter) aspect = 1.0 / aspect;
    rules.add("video.aspect", in_range(aspect, lim.min_aspect, lim.max_aspect),
              lim.min_aspect > 0 && lim.max_aspect > 0
                  ? fmt::format("{:.2f}..{:.2f} (width / height)", lim.min_aspect, lim.max_aspect)
                  : range_text(lim.min_aspect, lim.max_aspect, "(width / height)"),
              fmt::format("{:.2f}", aspect));
  }
  check_timing(spec, v, rules);
}

void check_audio(const AudioSpec& spec, bool sound_required, const PacketSurvey& s, Rules& rules) {
  const bool want_aac = lower(spec.codec) == "aac";
  const std::string expected_codec = want_aac ? "aac (AAC-LC)" : spec.codec;
  if (!s.audio) {
    // Every video channel takes a silent video (drone footage has no sound); an audio
    // preset's output without sound is no output at all.
    rules.add("audio.codec", !sound_required,
              sound_required ? expected_codec : expected_codec + " or no sound track",
              "no audio stream");
    return;
  }
  const AudioSurvey& a = *s.audio;
  // X and YouTube ask for AAC-LC: HE-AAC is AAC too, but not what they accept.
  const bool lc = !want_aac || a.profile.empty() || a.profile == "LC";
  rules.add("audio.codec", lower(a.codec) == lower(spec.codec) && lc, expected_codec,
            a.profile.empty() ? a.codec : fmt::format("{} ({})", a.codec, a.profile));
  rules.add("audio.sample_rate", a.sample_rate == spec.sample_rate,
            fmt::format("{} Hz", spec.sample_rate), fmt::format("{} Hz", a.sample_rate));
  auto channels_text = [](int n) {
    if (n == 1) return std::string("1 (mono)");
    if (n == 2) return std::string("2 (stereo)");
    return std::to_string(n);
  };
  rules.add("audio.channels", a.channels == spec.channels, channels_text(spec.channels),
            channels_text(a.channels));
  // A constant-bitrate codec must hit its rate. AAC encoders treat the rate as a ceiling and
  // stay well below it on simple sound (ffmpeg's gives 230 kbps for 384k on a sine), and channels
  // state AAC rates as recommendations or maxima (Instagram: at most 128 kbps), so for AAC only
  // going over counts. PCM's rate follows from the format and a VBR MP3's from the content.
  const bool pcm = lower(spec.codec).starts_with("pcm");
  if (spec.bitrate_kbps > 0 && !pcm && (spec.cbr || want_aac)) {
    const std::int64_t bps = a.measured_bit_rate > 0 ? a.measured_bit_rate : a.header_bit_rate;
    const double kbps = static_cast<double>(bps) / 1000.0;
    const double lo = spec.cbr ? spec.bitrate_kbps * (1 - kAudioBitrateTolerance) : 0.0;
    const double hi = spec.bitrate_kbps * (1 + kAudioBitrateTolerance);
    rules.add("audio.bitrate", bps > 0 && kbps >= lo && kbps <= hi,
              spec.cbr ? fmt::format("{} kbps constant (within 10%: {:.0f}..{:.0f})",
                                     spec.bitrate_kbps, lo, hi)
                       : fmt::format("at most {} kbps (+10%: {:.0f})", spec.bitrate_kbps, hi),
              bps > 0 ? fmt::format("{:.0f} kbps", kbps) : "unknown");
  }
}

void check_file_limits(const std::string& path, const Limits& lim, const PacketSurvey& s,
                       Rules& rules) {
  if (lim.min_duration_s > 0 || lim.max_duration_s > 0) {
    rules.add(
        "duration",
        s.duration_s.has_value() && in_range(*s.duration_s, lim.min_duration_s, lim.max_duration_s),
        range_text(lim.min_duration_s, lim.max_duration_s, "s"),
        s.duration_s ? seconds_text(*s.duration_s) : "unknown");
  }
  if (lim.max_file_bytes > 0) {
    std::error_code ec;
    const std::uintmax_t size = std::filesystem::file_size(path, ec);
    const std::uint64_t bytes = ec ? s.size_bytes : static_cast<std::uint64_t>(size);
    rules.add("file.size", bytes <= lim.max_file_bytes, "at most " + bytes_text(lim.max_file_bytes),
              bytes_text(bytes));
  }
}

void check_loudness(const std::string& path, const AudioSpec& spec, CheckReport& report,
                    Rules& rules) {
  const double target = *spec.loudness_lufs;
  const std::string expected_level =
      fmt::format("{:.1f} LUFS +/- {:.1f} LU", target, spec.loudness_tolerance_lu);
  const std::string expected_peak = fmt::format("at most {:.1f} dBTP", spec.true_peak_dbtp);
  Result<Loudness> measured = measure_file_loudness(path);
  if (!measured) {
    const std::string why = "not measured: " + measured.error().message;
    rules.add("audio.loudness", false, expected_level, why);
    rules.add("audio.true_peak", false, expected_peak, why);
    return;
  }
  const Loudness& l = *measured;
  report.loudness = l;
  rules.add("audio.loudness", std::fabs(l.integrated_lufs - target) <= spec.loudness_tolerance_lu,
            expected_level, fmt::format("{:.1f} LUFS", l.integrated_lufs));
  rules.add("audio.true_peak", l.true_peak_dbtp <= spec.true_peak_dbtp, expected_peak,
            fmt::format("{:.1f} dBTP", l.true_peak_dbtp));
}

}  // namespace

bool CheckReport::passed() const {
  return std::all_of(rules.begin(), rules.end(),
                     [](const CheckRule& r) { return r.passed || !r.required; });
}

namespace {

/// The failed rules that are (or are not) required, as one line.
std::string failed_rules(const std::vector<CheckRule>& rules, bool required) {
  std::string out;
  for (const CheckRule& r : rules) {
    if (r.passed || r.required != required) continue;
    if (!out.empty()) out += "; ";
    out += fmt::format("{}: expected {}, found {}", r.name, r.expected, r.actual);
  }
  return out;
}

}  // namespace

std::string CheckReport::failures() const { return failed_rules(rules, true); }

std::string CheckReport::advice() const { return failed_rules(rules, false); }

void mark_recommended(const Preset& preset, std::vector<CheckRule>& rules) {
  const std::vector<std::string>& advice = preset.limits.recommended;
  for (CheckRule& r : rules)
    r.required = std::find(advice.begin(), advice.end(), r.name) == advice.end();
}

namespace {

/// check_output of a video or sound preset, every rule required.
Result<CheckReport> check_media_output(const std::string& path, const Preset& preset) {
  // A file that cannot be opened is said so plainly, before any demuxer looks at it.
  Result<std::vector<std::uint8_t>> head = read_file_head(path, 64);
  if (!head || head->empty()) {
    Error e = head ? make_error(ErrorCode::kCorrupt, "the file is empty", path) : head.error();
    e.context.stage = "check";
    return e;
  }
  Result<PacketSurvey> survey = survey_packets(path, InputLimits{});
  if (!survey) {
    // A picture given to a video or sound preset is a wrong file, not an unreadable one.
    if (const ImageFormat f = sniff_image(*head); f != ImageFormat::kNone) {
      CheckReport report;
      report.file = path;
      report.preset = preset.name;
      report.rules.push_back({"container", false, container_expected(preset),
                              fmt::format("a {} picture", image_format_name(f))});
      return report;
    }
    Error e = std::move(survey.error());
    if (e.context.stage.empty()) e.context.stage = "check";
    if (e.context.file.empty()) e.context.file = path;
    return e;
  }
  const PacketSurvey& s = *survey;
  CheckReport report;
  report.file = path;
  report.preset = preset.name;
  Rules rules(report.rules);

  // Edit lists and box order are facts of MOV/MP4 files only; another container already fails
  // the container rule, and its box rules would only repeat that.
  const bool mp4 = lower(preset.container) == "mp4";
  std::optional<Result<Mp4Layout>> layout;
  if (mp4 && is_iso_bmff(s)) layout.emplace(read_mp4_layout(path));
  check_container(preset, s, layout, rules);
  if (layout) check_mp4_boxes(*layout, rules);
  if (preset.video) check_video(preset, s, rules);
  if (preset.audio) check_audio(*preset.audio, preset.kind == PresetKind::kAudio, s, rules);
  check_file_limits(path, preset.limits, s, rules);
  if (preset.audio && preset.audio->loudness_lufs && s.audio) {
    check_loudness(path, *preset.audio, report, rules);
  }
  return report;
}

}  // namespace

Result<CheckReport> check_output(const std::string& path, const Preset& preset) {
  if (preset.kind == PresetKind::kImage) return check_image_output(path, preset);
  auto report = check_media_output(path, preset);
  if (report) mark_recommended(preset, report->rules);
  return report;
}

nlohmann::json to_json(const CheckReport& report) {
  nlohmann::json rules = nlohmann::json::array();
  for (const CheckRule& r : report.rules) {
    rules.push_back({{"name", r.name},
                     {"passed", r.passed},
                     {"required", r.required},
                     {"expected", r.expected},
                     {"actual", r.actual}});
  }
  nlohmann::json j{{"file", report.file},
                   {"preset", report.preset},
                   {"passed", report.passed()},
                   {"advice", report.advice()},
                   {"rules", std::move(rules)}};
  if (report.loudness) j["loudness"] = to_json(*report.loudness);
  return j;
}

nlohmann::json to_json(const Loudness& l) {
  return {{"integrated_lufs", l.integrated_lufs},
          {"true_peak_dbtp", l.true_peak_dbtp},
          {"sample_peak_dbfs", l.sample_peak_dbfs},
          {"range_lu", l.range_lu}};
}

}  // namespace saluran
