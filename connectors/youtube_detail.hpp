#pragma once
// Small helpers the YouTube connector's files share (connectors/youtube*.cpp only).

#include <cctype>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace saluran::youtube_detail {

using json = nlohmann::json;

/// A query or form value, percent-encoded (RFC 3986 unreserved characters stay).
inline std::string escape(std::string_view value) {
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

/// JSON text that never throws on invalid UTF-8 (it becomes U+FFFD).
inline std::string dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

/// `j[key]` as a string, empty when absent or not a string.
inline std::string str(const json& j, const char* key) {
  const auto it = j.is_object() ? j.find(key) : j.end();
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

/// The JSON of `text`, an empty object when it is not JSON.
inline json parse(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  return j.is_discarded() ? json::object() : j;
}

/// The watch page of a video.
inline std::string watch_url(const std::string& id) {
  return "https://www.youtube.com/watch?v=" + id;
}

}  // namespace saluran::youtube_detail
