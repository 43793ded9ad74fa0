// Post text: UTF-8 counting and cutting, hashtags, HTML paragraphs.

#include "pipeline/ops/post_text.hpp"

#include <algorithm>
#include <cstdint>

namespace saluran {
namespace {

bool is_blank(char32_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Trailing characters a cut text should not end with (a dangling comma or dash).
bool is_trailing_junk(char32_t c) {
  return is_blank(c) || c == ',' || c == ';' || c == ':' || c == '-' || c == 0x2013 ||
         c == 0x2014 || c == '(' || c == '[' || c == '"' || c == '\'';
}

// Offsets of the start of every code point, plus the end.
std::vector<std::size_t> starts_of(std::string_view s) {
  std::vector<std::size_t> starts;
  std::size_t at = 0;
  while (at < s.size()) {
    starts.push_back(at);
    next_code_point(s, at);
  }
  starts.push_back(s.size());
  return starts;
}

char32_t at_offset(std::string_view s, std::size_t offset) { return next_code_point(s, offset); }

bool is_ascii_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace

char32_t next_code_point(std::string_view s, std::size_t& at) {
  const auto b0 = static_cast<unsigned char>(s[at]);
  int len = 0;
  char32_t c = 0;
  if (b0 < 0x80) {
    ++at;
    return b0;
  } else if ((b0 & 0xE0) == 0xC0) {
    len = 2, c = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, c = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, c = b0 & 0x07;
  } else {
    ++at;
    return 0xFFFD;
  }
  if (at + len > s.size()) {
    ++at;
    return 0xFFFD;
  }
  for (int i = 1; i < len; ++i) {
    const auto b = static_cast<unsigned char>(s[at + i]);
    if ((b & 0xC0) != 0x80) {
      ++at;
      return 0xFFFD;
    }
    c = (c << 6) | (b & 0x3F);
  }
  at += len;
  return c;
}

std::size_t count_code_points(std::string_view s) {
  std::size_t n = 0;
  for (std::size_t at = 0; at < s.size(); ++n) next_code_point(s, at);
  return n;
}

bool joins_previous(char32_t c) {
  return (c >= 0x0300 && c <= 0x036F) || (c >= 0x1AB0 && c <= 0x1AFF) ||
         (c >= 0x1DC0 && c <= 0x1DFF) || (c >= 0x20D0 && c <= 0x20FF) ||
         (c >= 0xFE20 && c <= 0xFE2F) || (c >= 0xFE00 && c <= 0xFE0F) || c == 0x200D ||
         (c >= 0x1F3FB && c <= 0x1F3FF) || (c >= 0xE0020 && c <= 0xE007F) ||
         (c >= 0xE0100 && c <= 0xE01EF);
}

std::string cut_at_word(std::string_view text, std::size_t max_chars) {
  const std::vector<std::size_t> starts = starts_of(text);
  const std::size_t n = starts.size() - 1;
  if (n <= max_chars) return std::string(text);
  if (max_chars == 0) return {};
  const std::size_t keep = max_chars - 1;  // room for the ellipsis
  // A cut before code point i is allowed when i does not join onto i - 1, nor i - 1 is a ZWJ.
  auto can_cut = [&](std::size_t i) {
    if (i == 0 || i >= n) return true;
    return !joins_previous(at_offset(text, starts[i])) && at_offset(text, starts[i - 1]) != 0x200D;
  };
  std::size_t cut = 0;
  for (std::size_t i = keep; i > 0; --i) {
    if (is_blank(at_offset(text, starts[i]))) {
      cut = i;
      break;
    }
  }
  if (cut == 0) {  // one long word: cut between characters
    cut = keep;
    while (cut > 0 && !can_cut(cut)) --cut;
  }
  while (cut > 0 && is_trailing_junk(at_offset(text, starts[cut - 1]))) --cut;
  std::string out(text.substr(0, starts[cut]));
  out += kEllipsis;
  return out;
}

std::string hashtag_of(std::string_view tag) {
  std::string out = "#";
  bool word_start = true;
  for (std::size_t at = 0; at < tag.size();) {
    const std::size_t from = at;
    const char32_t c = next_code_point(tag, at);
    if (c < 0x80) {
      const char ch = static_cast<char>(c);
      if (!is_ascii_alnum(ch) && ch != '_') {
        word_start = true;
        continue;
      }
      out += word_start && ch >= 'a' && ch <= 'z' ? static_cast<char>(ch - 'a' + 'A') : ch;
    } else if (c == 0xFFFD || is_blank(c) || (c >= 0x2000 && c <= 0x206F)) {
      word_start = true;
      continue;
    } else {
      out += tag.substr(from, at - from);
    }
    word_start = false;
  }
  return out.size() > 1 ? out : std::string();
}

std::vector<std::string> hashtags_of(const std::vector<std::string>& tags,
                                     const std::vector<std::string>& extra) {
  std::vector<std::string> out;
  std::vector<std::string> seen;
  auto add = [&](const std::string& t) {
    std::string h = hashtag_of(t);
    if (h.empty()) return;
    std::string key = ascii_lower(h);
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) return;
    seen.push_back(std::move(key));
    out.push_back(std::move(h));
  };
  for (const std::string& t : tags) add(t);
  for (const std::string& t : extra) add(t);
  return out;
}

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

namespace {

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

// The paragraphs of `text`: split at lines holding nothing but blanks.
std::vector<std::string_view> paragraphs(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t para_start = 0;
  std::size_t at = 0;
  while (at <= text.size()) {
    std::size_t eol = text.find('\n', at);
    if (eol == std::string_view::npos) eol = text.size();
    const bool blank = trim(text.substr(at, eol - at)).empty();
    if (blank || eol == text.size()) {
      const std::size_t end = blank ? at : eol;
      if (auto p = trim(text.substr(para_start, end - para_start)); !p.empty()) out.push_back(p);
      para_start = eol + 1;
    }
    at = eol + 1;
  }
  return out;
}

}  // namespace

std::string paragraphs_html(std::string_view text) {
  std::string out;
  for (std::string_view p : paragraphs(text)) {
    if (!out.empty()) out += '\n';
    out += "<p>";
    std::size_t at = 0;
    while (at <= p.size()) {
      std::size_t eol = p.find('\n', at);
      if (eol == std::string_view::npos) eol = p.size();
      if (at > 0) out += "<br>\n";
      out += escape_html(trim(p.substr(at, eol - at)));
      at = eol + 1;
    }
    out += "</p>";
  }
  return out;
}

std::string first_paragraph(std::string_view text) {
  const std::vector<std::string_view> ps = paragraphs(text);
  return ps.empty() ? std::string() : std::string(ps.front());
}

}  // namespace saluran
