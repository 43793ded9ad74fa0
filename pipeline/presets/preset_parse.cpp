// parse_preset: one preset file (TOML) to a validated Preset. The allowed keys, their ranges and
// the rules between them are documented in presets/README.md; keep the two in step.

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "pipeline/presets/builtin_presets.hpp"
#include "pipeline/presets/preset_catalog.hpp"
#include "pipeline/presets/toml_words.hpp"

namespace saluran {
namespace {

// ---- The schema: every key of every table. --------------------------------------------------

constexpr std::string_view kTopKeys[] = {"description", "source",    "extends", "kind",
                                         "container",   "extension", "video",   "audio",
                                         "image",       "limits",    "trim"};
constexpr std::string_view kImageKeys[] = {
    "width",  "height",  "max_width",   "max_height",  "aspect",   "background", "formats",
    "widths", "quality", "min_quality", "progressive", "keep_gps", "enlarge"};
constexpr std::string_view kImageFormats[] = {"jpeg", "webp"};
constexpr std::string_view kVideoKeys[] = {
    "codec",      "profile",     "speed",      "width",        "height",       "max_width",
    "max_height", "aspect",      "enlarge",    "fps",          "min_fps",      "max_fps",
    "bframes",    "gop_seconds", "closed_gop", "pixel_format", "bitrate_kbps", "max_bitrate_kbps",
    "bitrates",   "sdr",         "passthrough"};
constexpr std::string_view kStepKeys[] = {"max_height", "kbps", "kbps_high_fps"};
constexpr std::string_view kAudioKeys[] = {
    "codec",         "sample_rate",           "channels",      "bitrate_kbps", "cbr",
    "loudness_lufs", "loudness_tolerance_lu", "true_peak_dbtp"};
constexpr std::string_view kLimitsKeys[] = {"min_duration_s", "max_duration_s", "max_file_bytes",
                                            "too_long",       "max_width",      "max_height",
                                            "min_aspect",     "max_aspect",     "recommended"};
constexpr std::string_view kTrimKeys[] = {"start_s", "duration_s", "fade_in_s", "fade_out_s"};

constexpr std::string_view kContainers[] = {"mp4", "mp3", "wav", "jpeg", "webp"};
constexpr std::string_view kVideoCodecs[] = {"h264"};
constexpr std::string_view kProfiles[] = {"baseline", "main", "high"};
constexpr std::string_view kSpeeds[] = {"ultrafast", "superfast", "veryfast", "faster",
                                        "fast",      "medium",    "slow",     "slower",
                                        "veryslow",  "placebo"};
constexpr std::string_view kPixelFormats[] = {"yuv420p"};
constexpr std::string_view kAudioCodecs[] = {"aac", "mp3", "pcm_s16le"};
constexpr int kChannels[] = {1, 2, 6};
constexpr int kSampleRates[] = {8000,  11025, 12000, 16000, 22050, 24000,
                                32000, 44100, 48000, 64000, 88200, 96000};
// MPEG-1/2 Layer III has no other rates (LAME refuses the rest).
constexpr int kMp3SampleRates[] = {8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000};

template <class E>
struct Named {
  std::string_view name;
  E value;
};
constexpr Named<PresetKind> kKinds[] = {
    {"video", PresetKind::kVideo}, {"audio", PresetKind::kAudio}, {"image", PresetKind::kImage}};
constexpr Named<AspectMode> kAspects[] = {{"keep", AspectMode::kKeep},
                                          {"fit", AspectMode::kFit},
                                          {"fill", AspectMode::kFill},
                                          {"blur-pad", AspectMode::kBlurPad}};
constexpr Named<Enlarge> kEnlarge[] = {{"never", Enlarge::kNever}, {"to-frame", Enlarge::kToFrame}};
constexpr Named<TooLong> kTooLong[] = {{"error", TooLong::kError}, {"trim", TooLong::kTrim}};
constexpr Named<Passthrough> kPassthrough[] = {{"never", Passthrough::kNever},
                                               {"when-valid", Passthrough::kWhenValid}};

/// An allowed interval; with `or_zero`, 0 ("none", "from the source") is allowed as well.
struct Range {
  double lo = 0;
  double hi = 0;
  bool or_zero = false;
};

// Frame sizes: 0 = from the source / no limit; else 32 (X's minimum) up to 8K.
constexpr Range kPixels{32, 8192, true};
constexpr Range kFps{0, 120};
constexpr Range kVideoKbps{100, 200000, true};
constexpr Range kSeconds{0, 86400};
constexpr std::uint64_t kMaxFileBytes = 1ull << 40;  // 1 TiB

// ---- Small helpers. -------------------------------------------------------------------------

std::string join_quoted(std::span<const std::string_view> names) {
  std::string out;
  for (std::string_view n : names) out += fmt::format("{}\"{}\"", out.empty() ? "" : ", ", n);
  return out;
}

std::string join_plain(std::span<const std::string_view> names) {
  std::string out;
  for (std::string_view n : names) out += fmt::format("{}{}", out.empty() ? "" : ", ", n);
  return out;
}

std::string join_ints(std::span<const int> values) {
  std::string out;
  for (int v : values) out += fmt::format("{}{}", out.empty() ? "" : ", ", v);
  return out;
}

// Levenshtein distance, to suggest the key a typo meant.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string number_text(double v) { return fmt::format("{}", v); }

std::string range_text(const Range& r) {
  return r.or_zero ? fmt::format("allowed 0, or {} to {}", number_text(r.lo), number_text(r.hi))
                   : fmt::format("allowed {} to {}", number_text(r.lo), number_text(r.hi));
}

bool in_range(double v, const Range& r) {
  return (r.or_zero && v == 0) || (v >= r.lo && v <= r.hi);
}

bool is_valid_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (i > 0 && (c == '-' || c == '_'));
    if (!ok) return false;
  }
  return true;
}

// ---- The reader: typed, range-checked access that keeps the first error. --------------------

/// Reads values out of the (merged) tables. Each value's error names the file and line the
/// value was written in, which is a parent's file when it was inherited through `extends`.
class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  bool failed() const { return error_.has_value(); }
  Error error() const { return *error_; }

  /// Records an error located at `at` (its file and line), unless one is recorded already.
  void fail(const toml::node* at, std::string message) {
    if (error_) return;
    std::string file = file_;
    std::string detail;
    if (at != nullptr) {
      const toml::source_region& s = at->source();
      if (s.path && !s.path->empty()) file = *s.path;
      if (s.begin.line > 0) detail = fmt::format("line {}", s.begin.line);
    }
    error_ = make_error(ErrorCode::kInvalidArgument, std::move(message), file, detail);
  }

  /// Fails on the first key of `t` not in `allowed`; `path` prefixes keys ("video.").
  void only_keys(const toml::table& t, std::string_view path, std::string_view label,
                 std::span<const std::string_view> allowed) {
    for (const auto& [key, node] : t) {
      const std::string_view k = key.str();
      if (std::find(allowed.begin(), allowed.end(), k) != allowed.end()) continue;
      std::string hint;
      std::size_t best = 3;
      for (std::string_view a : allowed) {
        const std::size_t d = edit_distance(k, a);
        if (d < best) {
          best = d;
          hint = fmt::format(" (did you mean {}{}?)", path, a);
        }
      }
      fail(&node, fmt::format("unknown key {}{}{}; allowed {}: {}", path, k, hint, label,
                              join_plain(allowed)));
      return;
    }
  }

  /// The sub-table `key` of `t`, or null when absent; anything else there is an error.
  const toml::table* table(const toml::table& t, std::string_view path, std::string_view key) {
    const toml::node* n = t.get(key);
    if (n == nullptr || failed()) return nullptr;
    if (const toml::table* sub = n->as_table()) return sub;
    fail(n, fmt::format("{}{} must be a table ([{}{}]), not {}", path, key, path, key,
                        toml_type_name(*n)));
    return nullptr;
  }

  void text(const toml::table& t, std::string_view path, std::string_view key, std::string& out) {
    const toml::node* n = get(t, key);
    if (n == nullptr) return;
    if (const auto* s = n->as_string()) {
      out = s->get();
    } else {
      fail(n,
           fmt::format("{}{} must be a string (in quotes), not {}", path, key, toml_type_name(*n)));
    }
  }

  void choice(const toml::table& t, std::string_view path, std::string_view key, std::string& out,
              std::span<const std::string_view> allowed) {
    const toml::node* n = get(t, key);
    if (n == nullptr) return;
    std::string value;
    text(t, path, key, value);
    if (failed()) return;
    if (std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
      fail(n, fmt::format("{}{} = \"{}\" is not allowed (allowed: {})", path, key, value,
                          join_quoted(allowed)));
      return;
    }
    out = value;
  }

  template <class E, std::size_t N>
  void choice(const toml::table& t, std::string_view path, std::string_view key, E& out,
              const Named<E> (&allowed)[N]) {
    std::vector<std::string_view> names;
    for (const Named<E>& a : allowed) names.push_back(a.name);
    std::string value;
    choice(t, path, key, value, names);
    if (failed() || value.empty()) return;
    for (const Named<E>& a : allowed) {
      if (a.name == value) out = a.value;
    }
  }

  void integer(const toml::table& t, std::string_view path, std::string_view key, int& out,
               const Range& r) {
    std::int64_t v = 0;
    if (!whole(t, path, key, v)) return;
    if (!in_range(static_cast<double>(v), r)) {
      fail(get(t, key), fmt::format("{}{} = {} is out of range ({})", path, key, v, range_text(r)));
      return;
    }
    out = static_cast<int>(v);
  }

  void integer_choice(const toml::table& t, std::string_view path, std::string_view key, int& out,
                      std::span<const int> allowed) {
    std::int64_t v = 0;
    if (!whole(t, path, key, v)) return;
    if (std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
      fail(get(t, key),
           fmt::format("{}{} = {} is not allowed (allowed: {})", path, key, v, join_ints(allowed)));
      return;
    }
    out = static_cast<int>(v);
  }

  void bytes(const toml::table& t, std::string_view path, std::string_view key,
             std::uint64_t& out) {
    std::int64_t v = 0;
    if (!whole(t, path, key, v)) return;
    if (v < 0 || static_cast<std::uint64_t>(v) > kMaxFileBytes) {
      fail(get(t, key),
           fmt::format("{}{} = {} is out of range (allowed 0 to {})", path, key, v, kMaxFileBytes));
      return;
    }
    out = static_cast<std::uint64_t>(v);
  }

  void number(const toml::table& t, std::string_view path, std::string_view key, double& out,
              const Range& r) {
    const toml::node* n = get(t, key);
    if (n == nullptr) return;
    double v = 0;
    if (const auto* i = n->as_integer()) {
      v = static_cast<double>(i->get());
    } else if (const auto* f = n->as_floating_point()) {
      v = f->get();
    } else {
      fail(n, fmt::format("{}{} must be a number, not {}", path, key, toml_type_name(*n)));
      return;
    }
    if (!std::isfinite(v) || !in_range(v, r)) {
      fail(n,
           fmt::format("{}{} = {} is out of range ({})", path, key, number_text(v), range_text(r)));
      return;
    }
    out = v;
  }

  void optional_number(const toml::table& t, std::string_view path, std::string_view key,
                       std::optional<double>& out, const Range& r) {
    if (get(t, key) == nullptr) return;
    double v = 0;
    number(t, path, key, v, r);
    if (!failed()) out = v;
  }

  void flag(const toml::table& t, std::string_view path, std::string_view key, bool& out) {
    const toml::node* n = get(t, key);
    if (n == nullptr) return;
    if (const auto* b = n->as_boolean()) {
      out = b->get();
    } else {
      fail(n, fmt::format("{}{} must be true or false, not {}", path, key, toml_type_name(*n)));
    }
  }

  /// The node at `key`, or null when absent or after an error.
  const toml::node* get(const toml::table& t, std::string_view key) const {
    return failed() ? nullptr : t.get(key);
  }

 private:
  bool whole(const toml::table& t, std::string_view path, std::string_view key, std::int64_t& out) {
    const toml::node* n = get(t, key);
    if (n == nullptr) return false;
    if (const auto* i = n->as_integer()) {
      out = i->get();
      return true;
    }
    if (const auto* f = n->as_floating_point()) {
      fail(n, fmt::format("{}{} must be a whole number, not {}", path, key, number_text(f->get())));
    } else {
      fail(n, fmt::format("{}{} must be a whole number, not {}", path, key, toml_type_name(*n)));
    }
    return false;
  }

  std::string file_;
  std::optional<Error> error_;
};

// ---- Tables to structs. ---------------------------------------------------------------------

/// A list of names from `allowed` at `key` (written `path` in messages), duplicates dropped;
/// `may_be_empty` allows []. False after a failure.
bool read_choice_list(Reader& r, const toml::table& t, std::string_view path, std::string_view key,
                      std::span<const std::string_view> allowed, bool may_be_empty,
                      std::vector<std::string>& out) {
  const toml::node* n = r.get(t, key);
  if (n == nullptr) return true;
  const toml::array* list = n->as_array();
  if (list == nullptr || (list->empty() && !may_be_empty)) {
    r.fail(n, fmt::format("{} must be a list of {}{}, like [\"{}\"]", path,
                          may_be_empty ? "" : "one or more of ", join_quoted(allowed),
                          allowed.front()));
    return false;
  }
  out.clear();
  for (const toml::node& item : *list) {
    const auto* f = item.as_string();
    const std::string value = f != nullptr ? f->get() : std::string();
    if (std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
      r.fail(&item, fmt::format("{}: {} is not allowed (allowed: {})", path,
                                f != nullptr ? "\"" + value + "\"" : toml_type_name(item),
                                join_quoted(allowed)));
      return false;
    }
    if (std::find(out.begin(), out.end(), value) == out.end()) out.push_back(value);
  }
  return true;
}

void read_video(Reader& r, const toml::table& t, VideoSpec& v) {
  constexpr std::string_view p = "video.";
  r.only_keys(t, p, "in [video]", kVideoKeys);
  r.choice(t, p, "codec", v.codec, kVideoCodecs);
  r.choice(t, p, "profile", v.profile, kProfiles);
  r.choice(t, p, "speed", v.speed, kSpeeds);
  r.integer(t, p, "width", v.width, kPixels);
  r.integer(t, p, "height", v.height, kPixels);
  r.integer(t, p, "max_width", v.max_width, kPixels);
  r.integer(t, p, "max_height", v.max_height, kPixels);
  r.choice(t, p, "aspect", v.aspect, kAspects);
  r.choice(t, p, "enlarge", v.enlarge, kEnlarge);
  r.number(t, p, "fps", v.fps, kFps);
  r.number(t, p, "min_fps", v.min_fps, kFps);
  r.number(t, p, "max_fps", v.max_fps, kFps);
  r.integer(t, p, "bframes", v.bframes, {0, 16});
  r.number(t, p, "gop_seconds", v.gop_seconds, {0.1, 10});
  r.flag(t, p, "closed_gop", v.closed_gop);
  r.choice(t, p, "pixel_format", v.pixel_format, kPixelFormats);
  r.integer(t, p, "bitrate_kbps", v.bitrate_kbps, kVideoKbps);
  r.integer(t, p, "max_bitrate_kbps", v.max_bitrate_kbps, kVideoKbps);
  r.flag(t, p, "sdr", v.sdr);
  r.choice(t, p, "passthrough", v.passthrough, kPassthrough);
  const toml::node* ladder = r.get(t, "bitrates");
  if (ladder == nullptr) return;
  const toml::array* rows = ladder->as_array();
  if (rows == nullptr) {
    r.fail(ladder, fmt::format("video.bitrates must be a list of [[video.bitrates]] tables, not {}",
                               toml_type_name(*ladder)));
    return;
  }
  v.bitrates.clear();
  for (std::size_t i = 0; i < rows->size() && !r.failed(); ++i) {
    const toml::node& row = *rows->get(i);
    const std::string rp = fmt::format("video.bitrates[{}].", i);
    const toml::table* step_table = row.as_table();
    if (step_table == nullptr) {
      r.fail(&row, fmt::format("video.bitrates[{}] must be a table (write [[video.bitrates]] rows "
                               "with max_height and kbps), not {}",
                               i, toml_type_name(row)));
      return;
    }
    r.only_keys(*step_table, rp, "in [[video.bitrates]]", kStepKeys);
    BitrateStep step;
    r.integer(*step_table, rp, "max_height", step.max_height, {32, 8192});
    r.integer(*step_table, rp, "kbps", step.kbps, {100, 200000});
    r.integer(*step_table, rp, "kbps_high_fps", step.kbps_high_fps, kVideoKbps);
    if (r.failed()) return;
    if (r.get(*step_table, "max_height") == nullptr || r.get(*step_table, "kbps") == nullptr) {
      r.fail(&row, fmt::format("video.bitrates[{}] needs max_height and kbps", i));
      return;
    }
    // 0 or absent: the same rate above 30 fps; resolved here so every reader sees a number.
    if (step.kbps_high_fps == 0) step.kbps_high_fps = step.kbps;
    v.bitrates.push_back(step);
  }
}

void read_audio(Reader& r, const toml::table& t, AudioSpec& a) {
  constexpr std::string_view p = "audio.";
  r.only_keys(t, p, "in [audio]", kAudioKeys);
  r.choice(t, p, "codec", a.codec, kAudioCodecs);
  r.integer_choice(t, p, "sample_rate", a.sample_rate, kSampleRates);
  r.integer_choice(t, p, "channels", a.channels, kChannels);
  r.integer(t, p, "bitrate_kbps", a.bitrate_kbps, {8, 512});
  r.flag(t, p, "cbr", a.cbr);
  r.optional_number(t, p, "loudness_lufs", a.loudness_lufs, {-40, -5});
  r.number(t, p, "loudness_tolerance_lu", a.loudness_tolerance_lu, {0.1, 5});
  r.number(t, p, "true_peak_dbtp", a.true_peak_dbtp, {-9, 0});
}

// "#RRGGBB", in either case; kept in lower case.
void read_background(Reader& r, const toml::table& t, ImageSpec& m) {
  const toml::node* n = r.get(t, "background");
  if (n == nullptr) return;
  std::string value;
  r.text(t, "image.", "background", value);
  if (r.failed()) return;
  const bool hex = value.size() == 7 && value[0] == '#' &&
                   std::all_of(value.begin() + 1, value.end(),
                               [](unsigned char c) { return std::isxdigit(c) != 0; });
  if (!hex) {
    r.fail(n, fmt::format("image.background = \"{}\" is not a colour: write it as \"#RRGGBB\" in "
                          "hexadecimal, like \"#000000\" (black) or \"#ffffff\" (white)",
                          value));
    return;
  }
  std::transform(value.begin(), value.end(), value.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  m.background = value;
}

void read_image(Reader& r, const toml::table& t, ImageSpec& m) {
  constexpr std::string_view p = "image.";
  r.only_keys(t, p, "in [image]", kImageKeys);
  r.integer(t, p, "width", m.width, kPixels);
  r.integer(t, p, "height", m.height, kPixels);
  r.integer(t, p, "max_width", m.max_width, kPixels);
  r.integer(t, p, "max_height", m.max_height, kPixels);
  r.choice(t, p, "aspect", m.aspect, kAspects);
  r.integer(t, p, "quality", m.quality, {1, 100});
  r.integer(t, p, "min_quality", m.min_quality, {1, 100});
  r.flag(t, p, "progressive", m.progressive);
  r.flag(t, p, "keep_gps", m.keep_gps);
  r.choice(t, p, "enlarge", m.enlarge, kEnlarge);
  read_background(r, t, m);
  if (r.failed()) return;
  if (!read_choice_list(r, t, "image.formats", "formats", kImageFormats, false, m.formats)) return;
  if (const toml::node* n = r.get(t, "widths")) {
    const toml::array* list = n->as_array();
    if (list == nullptr) {
      r.fail(n, fmt::format("image.widths must be a list of widths in pixels, not {}",
                            toml_type_name(*n)));
      return;
    }
    m.widths.clear();
    for (const toml::node& item : *list) {
      const auto* w = item.as_integer();
      if (w == nullptr || w->get() < 16 || w->get() > 8192) {
        r.fail(&item, "image.widths: each width must be a whole number of pixels (16 to 8192)");
        return;
      }
      m.widths.push_back(static_cast<int>(w->get()));
    }
  }
}

void read_limits(Reader& r, const toml::table& t, Limits& l) {
  constexpr std::string_view p = "limits.";
  r.only_keys(t, p, "in [limits]", kLimitsKeys);
  r.number(t, p, "min_duration_s", l.min_duration_s, kSeconds);
  r.number(t, p, "max_duration_s", l.max_duration_s, kSeconds);
  r.bytes(t, p, "max_file_bytes", l.max_file_bytes);
  r.choice(t, p, "too_long", l.too_long, kTooLong);
  r.integer(t, p, "max_width", l.max_width, kPixels);
  r.integer(t, p, "max_height", l.max_height, kPixels);
  r.number(t, p, "min_aspect", l.min_aspect, {0, 100});
  r.number(t, p, "max_aspect", l.max_aspect, {0, 100});
  read_choice_list(r, t, "limits.recommended", "recommended", kCheckRuleNames, true, l.recommended);
}

void read_trim(Reader& r, const toml::table& t, Trim& m) {
  constexpr std::string_view p = "trim.";
  r.only_keys(t, p, "in [trim]", kTrimKeys);
  r.number(t, p, "start_s", m.start_s, kSeconds);
  r.number(t, p, "duration_s", m.duration_s, kSeconds);
  r.number(t, p, "fade_in_s", m.fade_in_s, {0, 60});
  r.number(t, p, "fade_out_s", m.fade_out_s, {0, 60});
}

// ---- Rules between fields. ------------------------------------------------------------------

/// The first rule broken by the combination of values, in words for the person who edits the
/// file; empty when every rule holds.
std::string image_problem(const Preset& p) {
  if (!p.image) return "kind = \"image\" needs an [image] table (frame, formats and quality)";
  if (p.video || p.audio) return "kind = \"image\" makes pictures only: remove [video] and [audio]";
  const ImageSpec& m = *p.image;
  if ((m.width == 0) != (m.height == 0)) {
    return fmt::format(
        "image.width = {} and image.height = {}: set both (a fixed frame) or neither", m.width,
        m.height);
  }
  if (m.aspect != AspectMode::kKeep && m.width == 0) {
    return fmt::format("image.aspect = \"{}\" needs the frame: set image.width and image.height",
                       aspect_mode_name(m.aspect));
  }
  if (m.aspect == AspectMode::kKeep && m.width > 0) {
    return fmt::format(
        "image.aspect = \"keep\" has no fixed frame: bound the size with image.max_width and "
        "image.max_height instead of image.width = {} and image.height = {}",
        m.width, m.height);
  }
  if (!m.widths.empty() && m.aspect != AspectMode::kKeep) {
    return "image.widths (a responsive set) keeps the source shape: use image.aspect = \"keep\"";
  }
  if (m.min_quality > m.quality) {
    return fmt::format("image.min_quality = {} is above image.quality = {}", m.min_quality,
                       m.quality);
  }
  if (std::find(m.formats.begin(), m.formats.end(), p.container) == m.formats.end()) {
    return fmt::format("container = \"{}\" must be one of image.formats ({})", p.container,
                       fmt::join(m.formats, ", "));
  }
  return {};
}

/// The tables a preset's kind needs and forbids, and the containers it may use.
std::string kind_problem(const Preset& p) {
  if (p.kind == PresetKind::kImage) return image_problem(p);
  if (p.image) {
    return fmt::format("kind = \"{}\" has no pictures: remove the [image] table",
                       preset_kind_name(p.kind));
  }
  if (p.kind == PresetKind::kVideo) {
    if (!p.video) return "kind = \"video\" needs a [video] table (frame, rate and bitrate)";
    if (p.container != "mp4") {
      return fmt::format("kind = \"video\" needs container = \"mp4\", not \"{}\"", p.container);
    }
    return {};
  }
  if (p.video) {
    return p.extends.empty()
               ? "kind = \"audio\" makes sound only: remove the [video] table"
               : fmt::format(
                     "kind = \"audio\" makes sound only, but it extends \"{}\", which "
                     "has a [video] table: extend an audio preset instead",
                     p.extends);
  }
  if (!p.audio) return "kind = \"audio\" needs an [audio] table";
  if (p.container != "mp3" && p.container != "wav") {
    return fmt::format("kind = \"audio\" needs container = \"mp3\" or \"wav\", not \"{}\"",
                       p.container);
  }
  return {};
}

/// The audio codec the container needs, and what MP3 cannot hold.
std::string audio_problem(const AudioSpec& a, const std::string& container) {
  const std::string_view needed = container == "mp3"   ? "mp3"
                                  : container == "wav" ? "pcm_s16le"
                                                       : "aac";
  if (a.codec != needed) {
    return fmt::format("container = \"{}\" needs audio.codec = \"{}\", not \"{}\"", container,
                       needed, a.codec);
  }
  if (a.codec != "mp3") return {};
  if (std::find(std::begin(kMp3SampleRates), std::end(kMp3SampleRates), a.sample_rate) ==
      std::end(kMp3SampleRates)) {
    return fmt::format("audio.sample_rate = {} is not possible in MP3 (allowed: {})", a.sample_rate,
                       join_ints(kMp3SampleRates));
  }
  if (a.channels > 2) {
    return fmt::format("audio.channels = {} is not possible in MP3 (allowed: 1, 2)", a.channels);
  }
  if (a.bitrate_kbps > 320) {
    return fmt::format("audio.bitrate_kbps = {} is more than MP3 allows (allowed 8 to 320)",
                       a.bitrate_kbps);
  }
  return {};
}

/// The frame: fixed (both sides) or bounded, as the aspect mode needs, with even sizes.
std::string video_frame_problem(const VideoSpec& v) {
  if ((v.width == 0) != (v.height == 0)) {
    return fmt::format(
        "video.width = {} and video.height = {}: set both (a fixed frame) or neither", v.width,
        v.height);
  }
  if (v.aspect == AspectMode::kKeep && v.width > 0) {
    return fmt::format(
        "video.aspect = \"keep\" has no fixed frame: bound the size with video.max_width and "
        "video.max_height instead of video.width = {} and video.height = {}",
        v.width, v.height);
  }
  if (v.aspect != AspectMode::kKeep && v.width == 0) {
    return fmt::format("video.aspect = \"{}\" needs the frame: set video.width and video.height",
                       aspect_mode_name(v.aspect));
  }
  const std::pair<const char*, int> sizes[] = {{"width", v.width},
                                               {"height", v.height},
                                               {"max_width", v.max_width},
                                               {"max_height", v.max_height}};
  for (const auto& [key, value] : sizes) {
    if (value % 2 != 0) {
      return fmt::format("video.{} = {} must be even (4:2:0 pictures have even sizes)", key, value);
    }
  }
  return {};
}

/// The bitrate (one, or a ladder going up by height) and the frame rate bounds.
std::string video_rate_problem(const VideoSpec& v) {
  if (v.bitrate_kbps == 0 && v.bitrates.empty()) {
    return "[video] needs a bitrate: video.bitrate_kbps, or a [[video.bitrates]] ladder";
  }
  for (std::size_t i = 1; i < v.bitrates.size(); ++i) {
    if (v.bitrates[i].max_height <= v.bitrates[i - 1].max_height) {
      return fmt::format(
          "video.bitrates must go up by max_height: row {} has max_height = {} after {}", i,
          v.bitrates[i].max_height, v.bitrates[i - 1].max_height);
    }
  }
  if (v.max_bitrate_kbps > 0 && v.bitrate_kbps > v.max_bitrate_kbps) {
    return fmt::format("video.bitrate_kbps = {} is above video.max_bitrate_kbps = {}",
                       v.bitrate_kbps, v.max_bitrate_kbps);
  }
  if (v.min_fps > 0 && v.max_fps > 0 && v.min_fps > v.max_fps) {
    return fmt::format("video.min_fps = {} is above video.max_fps = {}", number_text(v.min_fps),
                       number_text(v.max_fps));
  }
  if (v.fps > 0 && v.min_fps > 0 && v.fps < v.min_fps) {
    return fmt::format("video.fps = {} is below video.min_fps = {}", number_text(v.fps),
                       number_text(v.min_fps));
  }
  if (v.fps > 0 && v.max_fps > 0 && v.fps > v.max_fps) {
    return fmt::format("video.fps = {} is above video.max_fps = {}", number_text(v.fps),
                       number_text(v.max_fps));
  }
  return {};
}

/// The output's frame against the channel's limits.
std::string video_limits_problem(const VideoSpec& v, const Limits& l) {
  // The channel's limits bound the long and the short side, as video.max_* do, so a
  // portrait 720x1280 passes a 1280x1024 limit.
  const int long_side = v.width > 0 ? std::max(v.width, v.height) : v.max_width;
  const int short_side = v.width > 0 ? std::min(v.width, v.height) : v.max_height;
  if (l.max_width > 0 && (long_side == 0 || long_side > l.max_width)) {
    return fmt::format("the output can be {} pixels on its long side but limits.max_width = {}: {}",
                       long_side == 0 ? std::string("any number of") : std::to_string(long_side),
                       l.max_width,
                       v.width > 0 ? "make the frame smaller" : "set video.max_width within it");
  }
  if (l.max_height > 0 && (short_side == 0 || short_side > l.max_height)) {
    return fmt::format(
        "the output can be {} pixels on its short side but limits.max_height = {}: {}",
        short_side == 0 ? std::string("any number of") : std::to_string(short_side), l.max_height,
        v.width > 0 ? "make the frame smaller" : "set video.max_height within it");
  }
  if (v.width > 0) {
    const double aspect = static_cast<double>(v.width) / v.height;
    if ((l.min_aspect > 0 && aspect < l.min_aspect) ||
        (l.max_aspect > 0 && aspect > l.max_aspect)) {
      return fmt::format(
          "the frame {}x{} (aspect {:.3g}) is outside limits.min_aspect..max_aspect ({} to {})",
          v.width, v.height, aspect, number_text(l.min_aspect), number_text(l.max_aspect));
    }
  }
  return {};
}

/// The limits' own ranges and the trim's fades.
std::string limits_and_trim_problem(const Limits& l, const Trim& m) {
  if (l.max_duration_s > 0 && l.min_duration_s > l.max_duration_s) {
    return fmt::format("limits.min_duration_s = {} is above limits.max_duration_s = {}",
                       number_text(l.min_duration_s), number_text(l.max_duration_s));
  }
  if (l.min_aspect > 0 && l.max_aspect > 0 && l.min_aspect > l.max_aspect) {
    return fmt::format("limits.min_aspect = {} is above limits.max_aspect = {}",
                       number_text(l.min_aspect), number_text(l.max_aspect));
  }
  if (m.duration_s > 0 && m.fade_in_s + m.fade_out_s > m.duration_s) {
    return fmt::format("trim.fade_in_s + trim.fade_out_s = {} is longer than trim.duration_s = {}",
                       number_text(m.fade_in_s + m.fade_out_s), number_text(m.duration_s));
  }
  return {};
}

/// The first rule between fields that the preset breaks, or "" when it keeps them all.
std::string cross_field_problem(const Preset& p) {
  if (std::string problem = kind_problem(p); !problem.empty()) return problem;
  if (p.audio) {
    if (std::string problem = audio_problem(*p.audio, p.container); !problem.empty())
      return problem;
  }
  if (p.video) {
    const VideoSpec& v = *p.video;
    if (std::string problem = video_frame_problem(v); !problem.empty()) return problem;
    if (std::string problem = video_rate_problem(v); !problem.empty()) return problem;
    if (std::string problem = video_limits_problem(v, p.limits); !problem.empty()) return problem;
  }
  return limits_and_trim_problem(p.limits, p.trim);
}

Result<Preset> build_preset(const toml::table& t, const PresetSource& source) {
  Reader r(source.file);
  Preset p;
  p.name = source.name;
  p.file = source.file;
  r.only_keys(t, "", "at the top level", kTopKeys);
  r.text(t, "", "description", p.description);
  r.text(t, "", "source", p.source);
  r.text(t, "", "extends", p.extends);
  r.choice(t, "", "kind", p.kind, kKinds);
  r.choice(t, "", "container", p.container, kContainers);
  r.text(t, "", "extension", p.extension);
  if (!r.failed() && r.get(t, "extension") != nullptr) {
    const bool ok = !p.extension.empty() && p.extension.size() <= 10 &&
                    std::all_of(p.extension.begin(), p.extension.end(), [](char c) {
                      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
                    });
    if (!ok) {
      r.fail(r.get(t, "extension"),
             fmt::format("extension = \"{}\" must be 1 to 10 lower-case letters or digits, "
                         "without the dot (e.g. \"mp4\")",
                         p.extension));
    }
  }
  if (const toml::table* v = r.table(t, "", "video")) read_video(r, *v, p.video.emplace());
  if (const toml::table* a = r.table(t, "", "audio")) read_audio(r, *a, p.audio.emplace());
  if (const toml::table* m = r.table(t, "", "image")) read_image(r, *m, p.image.emplace());
  if (const toml::table* l = r.table(t, "", "limits")) read_limits(r, *l, p.limits);
  if (const toml::table* m = r.table(t, "", "trim")) read_trim(r, *m, p.trim);
  if (r.failed()) return r.error();
  // A picture preset is written in its first format unless it names one.
  if (p.kind == PresetKind::kImage && p.image && r.get(t, "container") == nullptr) {
    p.container = p.image->formats.front();
  }
  if (p.extension.empty()) p.extension = p.container == "jpeg" ? "jpg" : p.container;
  if (std::string problem = cross_field_problem(p); !problem.empty()) {
    return make_error(ErrorCode::kInvalidArgument, std::move(problem), source.file);
  }
  return p;
}

// ---- extends: parse, resolve the parents, merge. --------------------------------------------

Result<toml::table> parse_text(const PresetSource& source) {
#if TOML_EXCEPTIONS
  try {
    return toml::parse(source.text, source.file);
  } catch (const toml::parse_error& e) {
    const toml::source_position& at = e.source().begin;
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("is not valid TOML: {}", e.description()), source.file,
                      fmt::format("line {}, column {}", at.line, at.column));
  }
#else
  toml::parse_result parsed = toml::parse(source.text, source.file);
  if (!parsed) {
    const toml::source_position& at = parsed.error().source().begin;
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("is not valid TOML: {}", parsed.error().description()),
                      source.file, fmt::format("line {}, column {}", at.line, at.column));
  }
  return std::move(parsed).table();
#endif
}

// Lays `over` on `base`: tables merge key by key, anything else (values, arrays such as the
// bitrate ladder) replaces the base's. Nodes are moved, not copied, so that each keeps its
// source position (file and line) for error messages.
void deep_merge(toml::table& base, toml::table&& over) {
  for (auto&& [key, node] : over) {
    if (toml::table* sub = node.as_table()) {
      if (toml::table* into = base.get_as<toml::table>(key.str())) {
        deep_merge(*into, std::move(*sub));
        continue;
      }
    }
    base.insert_or_assign(key.str(), std::move(node));
  }
}

const PresetSource* find_builtin(std::string_view name) {
  for (const PresetSource& b : builtin_presets()) {
    if (b.name == name) return &b;
  }
  return nullptr;
}

/// Parses `source` and, through its `extends`, its parents; returns the merged table.
/// `chain` holds the files being resolved, to catch a loop.
Result<toml::table> resolve(const PresetSource& source,
                            const std::map<std::string, PresetSource>& others,
                            std::vector<const PresetSource*>& chain) {
  Result<toml::table> own = parse_text(source);
  if (!own) return own.error();
  const toml::node* extends = own->get("extends");
  if (extends == nullptr) return own;
  Reader r(source.file);
  std::string parent_name;
  r.text(*own, "", "extends", parent_name);
  if (r.failed()) return r.error();
  const auto fail = [&](std::string message) {
    r.fail(extends, std::move(message));
    return r.error();
  };

  // A user file may extend the built-in of its own name, to change a few of its keys.
  const PresetSource* parent = nullptr;
  if (parent_name == source.name) {
    parent = find_builtin(parent_name);
    if (parent != nullptr && parent->file == source.file) parent = nullptr;
    if (parent == nullptr) {
      return fail(fmt::format("extends = \"{}\" names the preset itself", parent_name));
    }
  } else if (auto it = others.find(parent_name); it != others.end()) {
    parent = &it->second;
  } else {
    std::vector<std::string_view> known;
    for (const auto& [name, unused] : others) known.push_back(name);
    return fail(fmt::format("extends = \"{}\", but there is no preset named \"{}\" (known: {})",
                            parent_name, parent_name,
                            known.empty() ? std::string("none") : join_plain(known)));
  }
  const bool loop = std::any_of(chain.begin(), chain.end(), [&](const PresetSource* s) {
    return s->name == parent->name && s->file == parent->file;
  });
  if (loop) {
    std::string path;
    for (const PresetSource* s : chain) path += s->name + " -> ";
    return fail(
        fmt::format("extends = \"{}\" makes a loop: {}{}", parent_name, path, parent->name));
  }
  chain.push_back(parent);
  Result<toml::table> base = resolve(*parent, others, chain);
  chain.pop_back();
  if (!base) {
    Error e = base.error();
    const std::string note = fmt::format("needed by {}, which extends it", source.name);
    e.context.detail = e.context.detail.empty() ? note : e.context.detail + "; " + note;
    return e;
  }
  // A description says what this file makes; the parent's would describe something else.
  base->erase("description");
  base->erase("source");
  deep_merge(*base, std::move(*own));
  return base;
}

}  // namespace

Result<Preset> parse_preset(const PresetSource& source,
                            const std::map<std::string, PresetSource>& others) {
  if (!is_valid_name(source.name)) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("the preset name \"{}\" (the file name without .toml) may hold "
                                  "only lower-case letters, digits, '-' and '_'",
                                  source.name),
                      source.file);
  }
  std::vector<const PresetSource*> chain{&source};
  Result<toml::table> merged = resolve(source, others, chain);
  if (!merged) return merged.error();
  return build_preset(*merged, source);
}

}  // namespace saluran
