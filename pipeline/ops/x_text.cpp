// X's weighted text length (twitter-text configuration v3) and a cut at a word boundary.

#include "pipeline/ops/x_text.hpp"

#include <array>
#include <cctype>
#include <vector>

#include "pipeline/ops/post_text.hpp"

namespace saluran {
namespace {

// One piece of text that is counted and cut as a whole: a URL, an emoji sequence, or a code
// point with the marks that join onto it.
struct Unit {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t weight = 0;
  bool blank = false;
  bool junk = false;  // blank or punctuation, dropped from the end of a cut text
};

std::size_t code_point_weight(char32_t c) {
  const bool light =
      c <= 4351 || (c >= 8192 && c <= 8205) || (c >= 8208 && c <= 8223) || (c >= 8242 && c <= 8247);
  return light ? 1 : 2;
}

bool is_regional(char32_t c) { return c >= 0x1F1E6 && c <= 0x1F1FF; }
bool is_skin_tone(char32_t c) { return c >= 0x1F3FB && c <= 0x1F3FF; }

// Code points that make a sequence an emoji: pictographs, symbols and dingbats, arrows and
// stars, the emoji presentation selector, the keycap mark and skin tones.
bool is_emoji_mark(char32_t c) {
  return (c >= 0x1F000 && c <= 0x1FAFF) || (c >= 0x2600 && c <= 0x27BF) ||
         (c >= 0x2300 && c <= 0x23FF) || (c >= 0x2B00 && c <= 0x2BFF) || c == 0xFE0F ||
         c == 0x20E3 || is_skin_tone(c);
}

bool joins(char32_t c) { return joins_previous(c) || c == 0x20E3 || is_skin_tone(c); }

bool is_blank(char32_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool is_punct(char32_t c) { return c < 128 && std::ispunct(static_cast<int>(c)) != 0; }

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (lower(s[i]) != prefix[i]) return false;
  return true;
}

bool is_host_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.';
}

// A host without a scheme counts as a URL only with a known top-level domain, as in
// twitter-text (which knows every TLD; these are the ones an Indonesian office meets).
bool known_tld(std::string_view tld) {
  static constexpr std::array<std::string_view, 24> kTlds = {
      "com", "net", "org", "id",  "io",  "co",   "info", "gov", "edu", "int", "me",   "tv",
      "ly",  "app", "dev", "xyz", "biz", "asia", "uk",   "us",  "my",  "sg",  "news", "au"};
  std::string low;
  for (char c : tld) low += lower(c);
  for (std::string_view t : kTlds)
    if (low == t) return true;
  return false;
}

// The end of the URL starting at `at` (its bytes up to a blank, closing punctuation dropped),
// or `at` itself when none starts there.
std::size_t url_end(std::string_view s, std::size_t at) {
  if (at > 0) {
    const char before = s[at - 1];
    if (std::isalnum(static_cast<unsigned char>(before)) || before == '@' || before == '#' ||
        before == '.' || before == '/' || static_cast<unsigned char>(before) >= 0x80)
      return at;
  }
  const std::string_view rest = s.substr(at);
  const bool scheme = starts_with_nocase(rest, "http://") || starts_with_nocase(rest, "https://");
  std::size_t end = at;
  if (!scheme) {
    std::size_t host = at;
    while (host < s.size() && is_host_char(s[host])) ++host;
    while (host > at && (s[host - 1] == '.' || s[host - 1] == '-')) --host;
    const std::string_view name = s.substr(at, host - at);
    const std::size_t dot = name.rfind('.');
    if (dot == std::string_view::npos || dot == 0 || !known_tld(name.substr(dot + 1))) return at;
    if (host < s.size() && s[host] != '/' && s[host] != ':' && s[host] != '?' &&
        !is_blank(static_cast<unsigned char>(s[host])) &&
        !is_punct(static_cast<unsigned char>(s[host])))
      return at;
  }
  end = at;
  while (end < s.size() && !is_blank(static_cast<unsigned char>(s[end])) &&
         static_cast<unsigned char>(s[end]) < 0x80)
    ++end;
  while (end > at && std::string_view(".,;:!?)]}'\"").find(s[end - 1]) != std::string_view::npos)
    --end;
  const std::size_t min_len = scheme ? (starts_with_nocase(rest, "https") ? 9 : 8) : 4;
  return end - at >= min_len ? end : at;
}

// The unit starting at `at`: code point `c` (already decoded, `at` moved past it) and what
// joins it.
Unit code_point_unit(std::string_view s, std::size_t begin, std::size_t& at, char32_t c) {
  Unit u{begin, at, code_point_weight(c), is_blank(c), is_blank(c) || is_punct(c)};
  bool emoji = is_emoji_mark(c);
  if (is_regional(c)) {  // a flag is a pair of regional indicators
    std::size_t next = at;
    if (next < s.size() && is_regional(next_code_point(s, next))) at = next;
  }
  while (at < s.size()) {
    std::size_t next = at;
    const char32_t d = next_code_point(s, next);
    if (d == 0x200D && next < s.size()) {  // ZWJ: the next code point belongs here too
      std::size_t after = next;
      const char32_t joined = next_code_point(s, after);
      emoji = is_emoji_mark(joined) || emoji;
      u.weight += code_point_weight(d) + code_point_weight(joined);
      at = after;
      continue;
    }
    if (!joins(d)) break;
    emoji = emoji || is_emoji_mark(d);
    u.weight += code_point_weight(d);
    at = next;
  }
  u.end = at;
  if (emoji) u.weight = 2;
  return u;
}

std::vector<Unit> units_of(std::string_view s) {
  std::vector<Unit> units;
  std::size_t at = 0;
  while (at < s.size()) {
    const std::size_t url = url_end(s, at);
    if (url > at) {
      units.push_back({at, url, kXUrlWeight, false, false});
      at = url;
      continue;
    }
    const std::size_t begin = at;
    const char32_t c = next_code_point(s, at);
    units.push_back(code_point_unit(s, begin, at, c));
  }
  return units;
}

}  // namespace

std::size_t x_weighted_length(std::string_view text) {
  std::size_t total = 0;
  for (const Unit& u : units_of(text)) total += u.weight;
  return total;
}

std::string x_cut_at_word(std::string_view text, std::size_t max_weighted) {
  const std::vector<Unit> units = units_of(text);
  std::size_t total = 0;
  for (const Unit& u : units) total += u.weight;
  if (total <= max_weighted) return std::string(text);
  constexpr std::size_t kEllipsisWeight = 2;  // U+2026 is outside the light ranges
  if (max_weighted < kEllipsisWeight) return {};
  const std::size_t keep = max_weighted - kEllipsisWeight;
  std::size_t fits = 0;  // units that fit in `keep`
  std::size_t word = 0;  // the last blank among them (a cut before it ends a word)
  std::size_t weight = 0;
  while (fits < units.size() && weight + units[fits].weight <= keep) {
    weight += units[fits].weight;
    ++fits;
    if (fits < units.size() && units[fits].blank) word = fits;
  }
  std::size_t cut = word > 0 ? word : fits;
  while (cut > 0 && units[cut - 1].junk) --cut;
  std::string out(text.substr(0, cut > 0 ? units[cut - 1].end : 0));
  out += kEllipsis;
  return out;
}

}  // namespace saluran
