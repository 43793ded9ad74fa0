#include "pipeline/model/html_text.hpp"

#include <utility>

namespace saluran {
namespace {

std::string_view trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

bool blank(std::string_view line) { return trim(line).empty(); }

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
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
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string html_unescape(std::string text) {
  static const std::pair<std::string_view, std::string_view> kEntities[] = {
      {"&lt;", "<"},  {"&gt;", ">"},   {"&quot;", "\""}, {"&#039;", "'"},
      {"&#39;", "'"}, {"&#038;", "&"}, {"&amp;", "&"}};
  for (const auto& [entity, plain] : kEntities) {
    for (std::size_t at = text.find(entity); at != std::string::npos;
         at = text.find(entity, at + plain.size()))
      text.replace(at, entity.size(), plain);
  }
  return text;
}

std::vector<std::string> text_paragraphs(std::string_view text) {
  std::vector<std::string> out;
  std::string para;
  auto flush = [&] {
    if (std::string_view p = trim(para); !p.empty()) out.emplace_back(p);
    para.clear();
  };
  std::size_t at = 0;
  while (at <= text.size()) {
    std::size_t eol = text.find('\n', at);
    if (eol == std::string_view::npos) eol = text.size();
    const std::string_view line = text.substr(at, eol - at);
    if (blank(line)) {
      flush();
    } else {
      if (!para.empty()) para += '\n';
      para += trim(line);
    }
    at = eol + 1;
  }
  flush();
  return out;
}

std::string paragraph_html(std::string_view paragraph) {
  std::string out;
  std::size_t at = 0;
  while (at <= paragraph.size()) {
    std::size_t eol = paragraph.find('\n', at);
    if (eol == std::string_view::npos) eol = paragraph.size();
    if (at > 0) out += "<br>\n";
    out += html_escape(trim(paragraph.substr(at, eol - at)));
    at = eol + 1;
  }
  return out;
}

std::string html_paragraphs(std::string_view text) {
  std::string out;
  for (const std::string& p : text_paragraphs(text)) {
    if (!out.empty()) out += '\n';
    out += "<p>" + paragraph_html(p) + "</p>";
  }
  return out;
}

}  // namespace saluran
