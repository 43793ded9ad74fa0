// write_story (story.toml text, for `story new`) and story_slug.

#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "pipeline/model/enum_names.hpp"
#include "pipeline/ops/post_text.hpp"
#include "pipeline/stages/story_parse.hpp"

namespace saluran {
namespace {

// A TOML basic string: quotes, backslashes and control characters escaped, UTF-8 as is.
std::string toml_string(std::string_view s, bool multiline = false) {
  std::string out = multiline ? "\"\"\"\n" : "\"";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (ch == '\n' && multiline) {
      out += '\n';
    } else if (ch == '\n') {
      out += "\\n";
    } else if (ch == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7F) {
      out += fmt::format("\\u{:04X}", c);
    } else {
      out += ch;
    }
  }
  out += multiline ? "\"\"\"" : "\"";
  return out;
}

std::string list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const std::string& i : items) out += (out.size() > 1 ? ", " : "") + toml_string(i);
  return out + "]";
}

std::string number(double v) {
  std::string s = fmt::format("{}", v);
  if (s.find_first_of(".eE") == std::string::npos) s += ".0";
  return s;
}

void line(std::string& out, std::string_view key, const std::string& value) {
  if (!value.empty()) out += fmt::format("{} = {}\n", key, toml_string(value));
}

std::string query_text(const MediaQuery& q) {
  std::string out;
  auto add = [&](std::string_view key, const std::string& v) {
    if (!v.empty()) out += fmt::format("{}{} = {}", out.empty() ? "" : ", ", key, toml_string(v));
  };
  add("kind", q.kind);
  add("day", q.day);
  add("device", q.device);
  add("near", q.near);
  if (q.within_km > 0) out += fmt::format(", within_km = {}", number(q.within_km));
  return "{ " + out + " }";
}

std::string media_text(const StoryMedia& m) {
  std::string out = "\n[[media]]\n";
  line(out, "path", m.path);
  line(out, "asset", m.asset);
  if (m.query) out += fmt::format("query = {}\n", query_text(*m.query));
  out += fmt::format("role = \"{}\"\n", media_role_name(m.role));
  if (m.focus) out += fmt::format("focus = [{}, {}]\n", number(m.focus->x), number(m.focus->y));
  if (m.trim)
    out += fmt::format("trim = [{}, {}]\n", number(m.trim->start_s), number(m.trim->end_s));
  line(out, "alt", m.alt);
  line(out, "caption", m.caption);
  return out;
}

std::string override_text(const ChannelOverride& o) {
  std::string out = fmt::format("\n[channel.{}]\n", o.channel);
  if (o.title) out += fmt::format("title = {}\n", toml_string(*o.title));
  if (o.caption) out += fmt::format("caption = {}\n", toml_string(*o.caption, true));
  if (!o.hashtags.empty()) out += fmt::format("hashtags = {}\n", list(o.hashtags));
  if (!o.media.empty()) {
    std::vector<std::string> roles;
    for (MediaRole r : o.media) roles.push_back(media_role_name(r));
    out += fmt::format("media = {}\n", list(roles));
  }
  return out;
}

/// ASCII for Latin letters with diacritics, by code point range.
struct Translit {
  char32_t lo, hi;
  const char* ascii;
};
constexpr Translit kTranslit[] = {
    {0xC0, 0xC5, "a"},     {0xC6, 0xC6, "ae"},    {0xC7, 0xC7, "c"},     {0xC8, 0xCB, "e"},
    {0xCC, 0xCF, "i"},     {0xD0, 0xD0, "d"},     {0xD1, 0xD1, "n"},     {0xD2, 0xD6, "o"},
    {0xD8, 0xD8, "o"},     {0xD9, 0xDC, "u"},     {0xDD, 0xDD, "y"},     {0xDE, 0xDE, "th"},
    {0xDF, 0xDF, "ss"},    {0xE0, 0xE5, "a"},     {0xE6, 0xE6, "ae"},    {0xE7, 0xE7, "c"},
    {0xE8, 0xEB, "e"},     {0xEC, 0xEF, "i"},     {0xF0, 0xF0, "d"},     {0xF1, 0xF1, "n"},
    {0xF2, 0xF6, "o"},     {0xF8, 0xF8, "o"},     {0xF9, 0xFC, "u"},     {0xFD, 0xFD, "y"},
    {0xFE, 0xFE, "th"},    {0xFF, 0xFF, "y"},     {0x100, 0x105, "a"},   {0x106, 0x10D, "c"},
    {0x10E, 0x111, "d"},   {0x112, 0x11B, "e"},   {0x11C, 0x123, "g"},   {0x124, 0x127, "h"},
    {0x128, 0x131, "i"},   {0x132, 0x133, "ij"},  {0x134, 0x135, "j"},   {0x136, 0x138, "k"},
    {0x139, 0x142, "l"},   {0x143, 0x14B, "n"},   {0x14C, 0x151, "o"},   {0x152, 0x153, "oe"},
    {0x154, 0x159, "r"},   {0x15A, 0x161, "s"},   {0x162, 0x167, "t"},   {0x168, 0x173, "u"},
    {0x174, 0x175, "w"},   {0x176, 0x178, "y"},   {0x179, 0x17E, "z"},   {0x17F, 0x17F, "s"},
    {0x1EA0, 0x1EB7, "a"}, {0x1EB8, 0x1EC7, "e"}, {0x1EC8, 0x1ECB, "i"}, {0x1ECC, 0x1EE3, "o"},
    {0x1EE4, 0x1EF1, "u"}, {0x1EF2, 0x1EF9, "y"},
};

const char* transliterate(char32_t c) {
  for (const Translit& t : kTranslit)
    if (c >= t.lo && c <= t.hi) return t.ascii;
  return nullptr;
}

}  // namespace

std::string story_slug(std::string_view title) {
  std::string slug;
  bool gap = false;
  for (std::size_t at = 0; at < title.size();) {
    const char32_t c = next_code_point(title, at);
    if (joins_previous(c)) continue;  // combining accents of decomposed letters, emoji joiners
    std::string piece;
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      piece = static_cast<char>(c);
    } else if (c >= 'A' && c <= 'Z') {
      piece = static_cast<char>(c - 'A' + 'a');
    } else if (c == '\'' || c == 0x2019) {
      continue;  // "Jum'at" -> "jumat"
    } else if (const char* t = transliterate(c)) {
      piece = t;
    }
    if (piece.empty()) {
      gap = true;
      continue;
    }
    if (gap && !slug.empty()) slug += '-';
    gap = false;
    slug += piece;
  }
  constexpr std::size_t kMax = 60;
  if (slug.size() > kMax) {
    const std::size_t hyphen = slug.rfind('-', kMax);
    slug.resize(hyphen != std::string::npos && hyphen > 0 ? hyphen : kMax);
  }
  return slug.empty() ? "story" : slug;
}

std::string write_story(const Story& s) {
  std::string out;
  line(out, "title", s.title);
  line(out, "slug", s.slug);
  line(out, "summary", s.summary);
  if (!s.body.empty()) out += fmt::format("body = {}\n", toml_string(s.body, true));
  out += fmt::format("tags = {}\n", list(s.tags));
  out += fmt::format("category = {}\n", toml_string(s.category));
  out += fmt::format("place = {}\n", toml_string(s.place));
  line(out, "date", s.date);
  out += fmt::format("credits = {}\n", toml_string(s.credits));
  if (s.status != PostStatus::kPublish || s.schedule.empty())
    out += fmt::format("status = \"{}\"\n", post_status_name(s.status));
  line(out, "schedule", s.schedule);
  out += fmt::format("channels = {}\n", list(s.channels));
  for (const StoryMedia& m : s.media) out += media_text(m);
  for (const ChannelOverride& o : s.overrides) out += override_text(o);
  return out;
}

}  // namespace saluran
