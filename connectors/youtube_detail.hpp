#pragma once
// Small helpers the YouTube connector's files share (connectors/youtube*.cpp only).

#include <cctype>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "connectors/http/form.hpp"
#include "connectors/json_fields.hpp"

namespace saluran::youtube_detail {

using json = nlohmann::json;
using http::url_encode;
using json_fields::dump;
using json_fields::parse;
using json_fields::str;

/// The watch page of a video.
inline std::string watch_url(const std::string& id) {
  return "https://www.youtube.com/watch?v=" + id;
}

}  // namespace saluran::youtube_detail
