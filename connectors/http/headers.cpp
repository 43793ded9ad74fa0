#include "connectors/http/headers.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace saluran::http {
namespace {

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

std::string lowered(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), lower);
  return out;
}

// Substrings that mark a header or query parameter as carrying a secret.
constexpr std::array<std::string_view, 8> kSecretWords = {
    "auth", "token", "key", "secret", "password", "session", "signature", "cookie"};

bool names_a_secret(std::string_view name) {
  const std::string n = lowered(name);
  return std::any_of(kSecretWords.begin(), kSecretWords.end(),
                     [&](std::string_view w) { return n.find(w) != std::string::npos; });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

// Replaces the values of secret-named parameters in a query string ("a=1&access_token=x").
std::string redact_query(std::string_view query) {
  std::string out;
  std::size_t pos = 0;
  while (pos <= query.size()) {
    std::size_t amp = query.find('&', pos);
    if (amp == std::string_view::npos) amp = query.size();
    std::string_view pair = query.substr(pos, amp - pos);
    const std::size_t eq = pair.find('=');
    if (eq != std::string_view::npos && names_a_secret(pair.substr(0, eq))) {
      out.append(pair.substr(0, eq + 1)).append("<redacted>");
    } else {
      out.append(pair);
    }
    if (amp < query.size()) out += '&';
    pos = amp + 1;
  }
  return out;
}

}  // namespace

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return lower(x) == lower(y); });
}

void Headers::add(std::string name, std::string value) {
  list_.push_back({std::move(name), std::move(value)});
}

void Headers::set(std::string name, std::string value) {
  remove(name);
  add(std::move(name), std::move(value));
}

void Headers::remove(std::string_view name) {
  std::erase_if(list_, [&](const Header& h) { return same_name(h.name, name); });
}

std::optional<std::string> Headers::get(std::string_view name) const {
  for (const Header& h : list_) {
    if (same_name(h.name, name)) return h.value;
  }
  return std::nullopt;
}

std::vector<std::string> Headers::get_all(std::string_view name) const {
  std::vector<std::string> out;
  for (const Header& h : list_) {
    if (same_name(h.name, name)) out.push_back(h.value);
  }
  return out;
}

bool is_secret_header(std::string_view name) { return names_a_secret(name); }

std::string redact_header_line(std::string_view line) {
  line = trim(line);
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return std::string(line);
  const std::string_view name = trim(line.substr(0, colon));
  if (!is_secret_header(name)) return std::string(line);
  return std::string(name) + ": <redacted>";
}

std::string redact_url(std::string_view url) {
  std::string out(url);
  if (const std::size_t scheme = out.find("://"); scheme != std::string::npos) {
    const std::size_t host = scheme + 3;
    const std::size_t end = std::min(out.find_first_of("/?#", host), out.size());
    const std::size_t at = out.rfind('@', end);
    if (at != std::string::npos && at >= host) out.erase(host, at + 1 - host);
  }
  const std::size_t q = out.find('?');
  if (q == std::string::npos) return out;
  const std::size_t hash = std::min(out.find('#', q), out.size());
  return out.substr(0, q + 1) + redact_query(std::string_view(out).substr(q + 1, hash - q - 1)) +
         out.substr(hash);
}

}  // namespace saluran::http
