#include "codecs/meta/dji_srt.hpp"

#include <array>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "codecs/file_bytes.hpp"

namespace saluran {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
// A coordinate or altitude never needs more characters; longer digit runs are hostile.
constexpr std::size_t kMaxNumberChars = 40;
// Altitudes beyond this are not from a drone (the highest airfields are under 5 km).
constexpr double kMaxAbsAltitudeM = 100'000;
// looks_like_dji_srt looks at this much of the head: enough for the first few cues.
constexpr int kHeadScanLines = 64;
constexpr std::size_t kHeadScanBytes = 16 * 1024;
// Case-insensitive markers that only DJI telemetry subtitles carry.
constexpr std::array<std::string_view, 12> kDjiMarkers = {
    "home(",       "home (",   "gps(", "gps (",  "[latitude", "[longitude",
    "[longtitude", "[rel_alt", "[iso", "srtcnt", "framecnt",  "barometer:"};

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_word(char c) { return is_alpha(c) || is_digit(c) || c == '_'; }
bool is_blank(char c) { return c == ' ' || c == '\t'; }
char to_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

/// ASCII case-insensitive equality; `lower` must be lower case.
bool iequals(std::string_view s, std::string_view lower) {
  if (s.size() != lower.size()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (to_lower(s[i]) != lower[i]) return false;
  }
  return true;
}

/// ASCII case-insensitive substring search; `lower` is a short lower-case marker.
bool icontains(std::string_view s, std::string_view lower) {
  if (lower.empty() || s.size() < lower.size()) return lower.empty();
  for (std::size_t i = 0; i + lower.size() <= s.size(); ++i) {
    if (iequals(s.substr(i, lower.size()), lower)) return true;
  }
  return false;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

bool skip_blanks(std::string_view s, std::size_t& pos) {
  const std::size_t from = pos;
  while (pos < s.size() && is_blank(s[pos])) ++pos;
  return pos > from;
}

std::string_view strip_bom(std::string_view text) {
  if (text.substr(0, kUtf8Bom.size()) == kUtf8Bom) text.remove_prefix(kUtf8Bom.size());
  return text;
}

/// Splits text into lines at "\n", "\r\n" or a lone "\r", without copying.
class LineReader {
 public:
  explicit LineReader(std::string_view text) : text_(text) {}

  bool next(std::string_view& line) {
    if (pos_ >= text_.size()) return false;
    const std::size_t end = text_.find_first_of("\r\n", pos_);
    if (end == std::string_view::npos) {
      line = text_.substr(pos_);
      pos_ = text_.size();
      terminated_ = false;
      return true;
    }
    line = text_.substr(pos_, end - pos_);
    pos_ = end + 1;
    if (text_[end] == '\r' && pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
    terminated_ = true;
    return true;
  }

  /// False when the line last returned ran to the end of the text without a line break.
  bool terminated() const { return terminated_; }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  bool terminated_ = true;
};

bool is_cue_number(std::string_view trimmed) {
  if (trimmed.empty()) return false;
  for (char c : trimmed) {
    if (!is_digit(c)) return false;
  }
  return true;
}

/// Reads an unsigned integer of min_digits..max_digits digits at `pos`.
bool parse_uint(std::string_view s, std::size_t& pos, std::size_t min_digits,
                std::size_t max_digits, int& out) {
  std::size_t p = pos;
  int value = 0;
  while (p < s.size() && is_digit(s[p]) && p - pos < max_digits) {
    value = value * 10 + (s[p] - '0');
    ++p;
  }
  if (p - pos < min_digits || (p < s.size() && is_digit(s[p]))) return false;
  out = value;
  pos = p;
  return true;
}

/// Reads "H:MM:SS,mmm" (or with '.') as seconds. Seconds up to 99 are accepted: the Matrice 300
/// writes "00:00:59,000 --> 00:00:60,000".
std::optional<double> parse_clock(std::string_view s, std::size_t& pos) {
  int h = 0;
  int m = 0;
  int sec = 0;
  std::size_t p = pos;
  if (!parse_uint(s, p, 1, 6, h) || p >= s.size() || s[p] != ':') return std::nullopt;
  ++p;
  if (!parse_uint(s, p, 1, 2, m) || p >= s.size() || s[p] != ':') return std::nullopt;
  ++p;
  if (!parse_uint(s, p, 1, 2, sec)) return std::nullopt;
  double fraction = 0;
  if (p + 1 < s.size() && (s[p] == ',' || s[p] == '.') && is_digit(s[p + 1])) {
    ++p;
    double scale = 0.1;
    std::size_t digits = 0;
    while (p < s.size() && is_digit(s[p])) {
      if (digits++ < 9) fraction += scale * (s[p] - '0');
      scale /= 10;
      ++p;
    }
  }
  pos = p;
  return h * 3600.0 + m * 60.0 + sec + fraction;
}

/// Reads "00:00:01,000 --> 00:00:02,000"; anything after the end time is ignored.
std::optional<std::pair<double, double>> parse_timing(std::string_view trimmed) {
  std::size_t p = 0;
  const auto start = parse_clock(trimmed, p);
  if (!start) return std::nullopt;
  skip_blanks(trimmed, p);
  if (trimmed.substr(p, 3) != "-->") return std::nullopt;
  p += 3;
  skip_blanks(trimmed, p);
  const auto end = parse_clock(trimmed, p);
  if (!end) return std::nullopt;
  return std::make_pair(*start, *end);
}

/// Reads a plain decimal number ([+-]digits[.digits], no exponent, no inf/nan) at `pos`.
std::optional<double> parse_number(std::string_view s, std::size_t& pos) {
  std::size_t p = pos;
  if (p < s.size() && (s[p] == '-' || s[p] == '+')) ++p;
  const std::size_t first = (p > pos && s[pos] == '+') ? p : pos;  // from_chars refuses '+'
  std::size_t digits = 0;
  for (; p < s.size() && is_digit(s[p]); ++p) ++digits;
  if (p < s.size() && s[p] == '.') {
    for (++p; p < s.size() && is_digit(s[p]); ++p) ++digits;
  }
  if (digits == 0 || p - pos > kMaxNumberChars) return std::nullopt;
  double value = 0;
  const char* begin = s.data() + first;
  const char* end = s.data() + p;
  const auto [ptr, ec] = std::from_chars(begin, end, value, std::chars_format::fixed);
  if (ec != std::errc() || ptr != end || !std::isfinite(value)) return std::nullopt;
  pos = p;
  return value;
}

/// The raw telemetry fields of one cue, as the file states them (first occurrence wins).
struct CueFields {
  // dji-srt-v2
  std::optional<double> latitude;
  std::optional<double> longitude;
  std::optional<double> altitude;
  std::optional<double> abs_alt;
  std::optional<double> rel_alt;
  // dji-srt-v1
  std::array<double, 3> gps{};
  int gps_count = 0;
  bool gps_altitude_unit = false;  // third GPS value carried a metre unit ("0.0M")
  std::optional<double> barometer;
  std::optional<double> hb;
  std::optional<double> hs;
  std::optional<double> h;
  bool v1 = false;
  bool v2 = false;
};

void set_once(std::optional<double>& field, double value) {
  if (!field) field = value;
}

/// Reads "(a, b[, c])" after GPS or HOME. Units glued to a number ("-57.98m") are skipped.
/// Returns the count of numbers (2 or 3), or 0 when the list is malformed or not closed.
int parse_number_list(std::string_view s, std::size_t& pos, std::array<double, 3>& out,
                      bool& last_has_metre_unit) {
  std::size_t p = pos;
  if (p >= s.size() || s[p] != '(') return 0;
  ++p;
  int count = 0;
  while (count < 3) {
    skip_blanks(s, p);
    const auto value = parse_number(s, p);
    if (!value) return 0;
    out[static_cast<std::size_t>(count)] = *value;
    last_has_metre_unit = false;
    std::size_t letters = 0;
    while (p < s.size() && is_alpha(s[p]) && letters < 3) {
      if (letters == 0 && (s[p] == 'M' || s[p] == 'm')) last_has_metre_unit = true;
      ++p;
      ++letters;
    }
    if (letters > 1) last_has_metre_unit = false;
    ++count;
    skip_blanks(s, p);
    if (p < s.size() && s[p] == ',') {
      ++p;
      continue;
    }
    if (p < s.size() && s[p] == ')' && count >= 2) {
      pos = p + 1;
      return count;
    }
    return 0;
  }
  return 0;
}

/// Interprets the word `key` that ends at `pos` in `line`; `bracketed` when "[" precedes it.
void read_field(std::string_view key, bool bracketed, std::string_view line, std::size_t pos,
                CueFields& f) {
  std::size_t p = pos;
  const bool spaced = skip_blanks(line, p);
  if (p >= line.size()) return;
  const char next = line[p];

  if (iequals(key, "gps") || iequals(key, "home")) {
    std::array<double, 3> values{};
    bool metre = false;
    const int count = parse_number_list(line, p, values, metre);
    if (count == 0) return;
    f.v1 = true;
    if (iequals(key, "gps") && f.gps_count == 0) {
      f.gps = values;
      f.gps_count = count;
      f.gps_altitude_unit = count == 3 && metre;
    }
    return;
  }
  if (iequals(key, "f") && !spaced && next == '/' && p + 1 < line.size() && is_digit(line[p + 1])) {
    f.v1 = true;  // "F/2.8, SS 30.15, ISO 260, ..." (Mavic Mini, Phantom 4 RTK)
    return;
  }
  if (iequals(key, "srtcnt") || iequals(key, "framecnt") || (bracketed && iequals(key, "iso"))) {
    f.v2 = true;
    return;
  }

  std::optional<double> value;
  if (next == ':') {
    ++p;
    skip_blanks(line, p);
    value = parse_number(line, p);
  } else if (spaced && iequals(key, "h")) {
    value = parse_number(line, p);  // "H 200.70m": height above the take-off point
  }
  if (!value) return;

  if (iequals(key, "latitude")) {
    set_once(f.latitude, *value);
    f.v2 = true;
  } else if (iequals(key, "longitude") || iequals(key, "longtitude")) {  // DJI's own spelling
    set_once(f.longitude, *value);
    f.v2 = true;
  } else if (iequals(key, "altitude")) {
    set_once(f.altitude, *value);
    f.v2 = true;
  } else if (iequals(key, "abs_alt")) {
    set_once(f.abs_alt, *value);
    f.v2 = true;
  } else if (iequals(key, "rel_alt")) {
    set_once(f.rel_alt, *value);
    f.v2 = true;
  } else if (iequals(key, "barometer")) {
    set_once(f.barometer, *value);
    f.v1 = true;
  } else if (iequals(key, "hb")) {
    set_once(f.hb, *value);
    f.v1 = true;
  } else if (iequals(key, "hs")) {
    set_once(f.hs, *value);
    f.v1 = true;
  } else if (iequals(key, "h")) {
    set_once(f.h, *value);
  }
}

/// Finds every "key" word in a body line and reads its value. Each handler stops at the first
/// character it does not expect, so a line is scanned a small constant number of times.
void scan_fields(std::string_view line, CueFields& f) {
  std::size_t i = 0;
  while (i < line.size()) {
    if (!is_alpha(line[i]) || (i > 0 && is_word(line[i - 1]))) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < line.size() && is_word(line[j])) ++j;
    const std::string_view key = line.substr(i, j - i);
    if (key.size() <= 12) read_field(key, i > 0 && line[i - 1] == '[', line, j, f);
    i = j;
  }
}

/// Reads "2017.08.05 14:11:51", "2017.8.5 14:11:51" or "2022-08-07 13:40:40,774,808" starting
/// at `pos` and writes ISO 8601 ("2022-08-07T13:40:40.774") to `out`.
bool parse_date_time_at(std::string_view s, std::size_t pos, std::string& out) {
  std::size_t p = pos;
  int year = 0;
  int month = 0;
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  if (!parse_uint(s, p, 4, 4, year) || p >= s.size()) return false;
  const char sep = s[p];
  if (sep != '-' && sep != '.' && sep != '/') return false;
  ++p;
  if (!parse_uint(s, p, 1, 2, month) || p >= s.size() || s[p] != sep) return false;
  ++p;
  if (!parse_uint(s, p, 1, 2, day) || p >= s.size()) return false;
  if (s[p] == 'T') {
    ++p;
  } else if (!skip_blanks(s, p)) {
    return false;
  }
  if (!parse_uint(s, p, 1, 2, hour) || p >= s.size() || s[p] != ':') return false;
  ++p;
  if (!parse_uint(s, p, 2, 2, minute) || p >= s.size() || s[p] != ':') return false;
  ++p;
  if (!parse_uint(s, p, 2, 2, second)) return false;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return false;
  }
  int millis = -1;
  if (p + 1 < s.size() && (s[p] == ',' || s[p] == '.') && is_digit(s[p + 1])) {
    ++p;
    millis = 0;
    int scale = 100;
    for (std::size_t digits = 0; digits < 3 && p < s.size() && is_digit(s[p]); ++digits, ++p) {
      millis += scale * (s[p] - '0');
      scale /= 10;
    }
  }
  std::array<char, 40> buf{};
  int n = std::snprintf(buf.data(), buf.size(), "%04d-%02d-%02dT%02d:%02d:%02d", year, month, day,
                        hour, minute, second);
  if (millis >= 0 && n > 0) {
    n += std::snprintf(buf.data() + n, buf.size() - static_cast<std::size_t>(n), ".%03d", millis);
  }
  if (n <= 0 || static_cast<std::size_t>(n) >= buf.size()) return false;
  out.assign(buf.data(), static_cast<std::size_t>(n));
  return true;
}

/// Finds the first date-time in a line. Only the start of each digit run is tried, and a try
/// reads at most ~30 characters, so the scan is linear.
bool find_date_time(std::string_view line, std::string& out) {
  for (std::size_t i = 0; i + 4 <= line.size(); ++i) {
    if (!is_digit(line[i]) || (i > 0 && is_digit(line[i - 1]))) continue;
    if (parse_date_time_at(line, i, out)) return true;
  }
  return false;
}

/// One cue while it is being read.
struct OpenCue {
  double start_s = 0;
  double end_s = 0;
  int body_lines = 0;
  bool last_line_cut = false;  // its last text line ran into the end of the file
  std::string time;
  CueFields fields;
};

bool has_position_field(const CueFields& f) {
  return (f.latitude && f.longitude) || f.gps_count >= 2;
}

/// The cue's position as decimal degrees, before the validity check.
std::optional<GeoPoint> cue_position(const CueFields& f) {
  GeoPoint point;
  if (f.latitude && f.longitude) {
    point.latitude = *f.latitude;
    point.longitude = *f.longitude;
  } else if (f.gps_count >= 2) {
    // GPS(lon, lat, satellites) is DJI's usual order: the third value is a satellite count
    // (13..19 in real files) and is ignored. The Matrice firmware writes
    // GPS(lat, lon, 0.0M) instead, recognisable by the metre unit on the third value.
    // A value beyond +-90 cannot be a latitude, which settles any remaining doubt.
    const bool lat_first = f.gps_altitude_unit;
    point.latitude = lat_first ? f.gps[0] : f.gps[1];
    point.longitude = lat_first ? f.gps[1] : f.gps[0];
    if (std::abs(point.latitude) > 90 && std::abs(point.longitude) <= 90) {
      std::swap(point.latitude, point.longitude);
    }
  } else {
    return std::nullopt;
  }
  return point;
}

bool valid_position(const GeoPoint& p) {
  return std::abs(p.latitude) <= 90 && std::abs(p.longitude) <= 180 &&
         !(p.latitude == 0 && p.longitude == 0);
}

/// The cue's altitude. v2: abs_alt, else altitude, else rel_alt (absolute wins over relative).
/// v1: the barometric height (BAROMETER, Hb, H, Hs), else the GPS altitude when it has a unit.
std::optional<double> cue_altitude(const CueFields& f) {
  std::optional<double> alt;
  for (const auto* candidate :
       {&f.abs_alt, &f.altitude, &f.rel_alt, &f.barometer, &f.hb, &f.h, &f.hs}) {
    if (*candidate) {
      alt = *candidate;
      break;
    }
  }
  if (!alt && f.gps_altitude_unit) alt = f.gps[2];
  if (alt && std::abs(*alt) > kMaxAbsAltitudeM) alt.reset();
  return alt;
}

/// Folds complete cues into the summary, one at a time.
class Summary {
 public:
  int frames() const { return frames_; }
  bool v1() const { return v1_; }
  bool v2() const { return v2_; }

  void add(const OpenCue& cue) {
    if (frames_ == 0) out_.start_s = cue.start_s;
    out_.end_s = cue.end_s;
    if (frames_ < INT_MAX) ++frames_;
    v1_ = v1_ || cue.fields.v1;
    v2_ = v2_ || cue.fields.v2;
    if (!cue.time.empty()) {
      if (out_.first_time.empty()) out_.first_time = cue.time;
      out_.last_time = cue.time;
    }
    prev_body_lines_ = cue.body_lines;
    prev_had_position_ = has_position_field(cue.fields);

    auto position = cue_position(cue.fields);
    if (!position || !valid_position(*position)) return;
    // A cue at 0,0 (no fix) is skipped whole: DJI then zeroes its GPS altitudes as well.
    position->altitude_m = cue_altitude(cue.fields);
    if (!out_.first_position) out_.first_position = position;
    out_.last_position = position;
    if (const auto alt = position->altitude_m) {
      if (!out_.min_altitude_m || *alt < *out_.min_altitude_m) out_.min_altitude_m = alt;
      if (!out_.max_altitude_m || *alt > *out_.max_altitude_m) out_.max_altitude_m = alt;
    }
  }

  /// Whether the last cue of the file was cut off while being written or copied.
  ///
  /// broken_incomplete.SRT (a Phantom-style v1 file) ends with cue 20 holding its timing line
  /// and HOME line but not the GPS and camera lines the 19 cues before it have. Such a cue is
  /// skipped and the complete cues are summarised: the file is still useful, and reporting a
  /// half cue would give a wrong end time and no position. The last cue counts as cut when it
  /// has fewer text lines than the cue before it, lacks the position the cue before it had, or
  /// its last line runs into the end of the file (DJI ends every line with a line break). A
  /// file whose only cue is cut keeps that cue: there is nothing better to report.
  bool looks_cut(const OpenCue& cue) const {
    if (frames_ == 0) return false;
    return cue.last_line_cut || cue.body_lines < prev_body_lines_ ||
           (prev_had_position_ && !has_position_field(cue.fields));
  }

  Telemetry take() && {
    out_.frames = frames_;
    out_.format = v2_ ? "dji-srt-v2" : "dji-srt-v1";
    return std::move(out_);
  }

 private:
  Telemetry out_;
  int frames_ = 0;
  bool v1_ = false;
  bool v2_ = false;
  int prev_body_lines_ = 0;
  bool prev_had_position_ = false;
};

bool has_dji_marker(std::string_view line) {
  for (const std::string_view marker : kDjiMarkers) {
    if (icontains(line, marker)) return true;
  }
  // "F/2.8, SS 30.15, ISO 260, ..." opens every Mavic Mini and Phantom 4 RTK cue.
  return line.size() >= 3 && (line[0] == 'F' || line[0] == 'f') && line[1] == '/' &&
         is_digit(line[2]);
}

}  // namespace

Result<Telemetry> parse_dji_srt(std::string_view text, const std::string& name) {
  text = strip_bom(text);
  bool blank = true;
  for (char c : text) {
    if (!is_blank(c) && c != '\r' && c != '\n') {
      blank = false;
      break;
    }
  }
  if (blank) return make_error(ErrorCode::kCorrupt, "empty telemetry file", name);

  Summary summary;
  std::optional<OpenCue> cue;
  bool in_text = false;  // between a timing line and the blank line that ends the cue
  LineReader reader(text);
  std::string_view line;
  while (reader.next(line)) {
    const std::string_view t = trim(line);
    if (t.empty()) {
      in_text = false;
      continue;
    }
    if (t.find("-->") != std::string_view::npos) {
      if (const auto timing = parse_timing(t)) {
        if (cue) summary.add(*cue);
        cue.emplace();
        cue->start_s = timing->first;
        cue->end_s = timing->second;
        cue->last_line_cut = !reader.terminated();
        in_text = true;
        continue;
      }
    }
    // Cue numbers, and stray text outside a cue, carry nothing. A number inside the text is
    // the next cue's number when a writer left out the blank line.
    if (!cue || !in_text || is_cue_number(t)) continue;
    ++cue->body_lines;
    cue->last_line_cut = !reader.terminated();
    scan_fields(t, cue->fields);
    if (cue->time.empty()) find_date_time(t, cue->time);
  }
  if (cue && !summary.looks_cut(*cue)) summary.add(*cue);

  if (summary.frames() == 0) {
    return make_error(ErrorCode::kCorrupt,
                      "no subtitle cue found (expected a number, then a line like "
                      "\"00:00:01,000 --> 00:00:02,000\")",
                      name);
  }
  if (!summary.v1() && !summary.v2()) {
    return make_error(ErrorCode::kUnsupported,
                      "subtitles without DJI telemetry (no GPS, HOME or [latitude] fields)", name);
  }
  return std::move(summary).take();
}

Result<Telemetry> read_dji_srt(const std::string& path) {
  auto bytes = read_file_bytes(path, kMaxSrtBytes);
  if (!bytes) return bytes.error();
  const std::string_view text(reinterpret_cast<const char*>(bytes->data()), bytes->size());
  return parse_dji_srt(text, path);
}

bool looks_like_dji_srt(std::string_view head) {
  LineReader reader(strip_bom(head).substr(0, kHeadScanBytes));
  std::string_view line;
  enum class Expect { kCueNumber, kTiming, kMarker } expect = Expect::kCueNumber;
  for (int n = 0; n < kHeadScanLines && reader.next(line); ++n) {
    const std::string_view t = trim(line);
    switch (expect) {
      case Expect::kCueNumber:
        if (t.empty()) continue;
        if (!is_cue_number(t)) return false;
        expect = Expect::kTiming;
        break;
      case Expect::kTiming:
        if (!parse_timing(t)) return false;
        expect = Expect::kMarker;
        break;
      case Expect::kMarker:
        if (has_dji_marker(t)) return true;
        break;
    }
  }
  return false;
}

}  // namespace saluran
