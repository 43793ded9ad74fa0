// Percent-encoding and form bodies.

#include "connectors/http/form.hpp"

#include <cctype>
#include <random>

#include <fmt/format.h>

namespace saluran::http {

std::string url_encode(std::string_view text) {
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

std::string form_body(const FormFields& fields) {
  std::string out;
  for (const auto& [key, value] : fields) {
    if (!out.empty()) out += '&';
    out += url_encode(key) + "=" + url_encode(value);
  }
  return out;
}

Multipart multipart_body(const FormFields& fields, const FormFile& file) {
  thread_local std::mt19937_64 rng(std::random_device{}());
  const std::string boundary = fmt::format("saluran-{:016x}", rng());
  std::string body;
  for (const auto& [key, value] : fields)
    body += fmt::format("--{}\r\nContent-Disposition: form-data; name=\"{}\"\r\n\r\n{}\r\n",
                        boundary, key, value);
  body += fmt::format(
      "--{}\r\nContent-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\n"
      "Content-Type: {}\r\n\r\n",
      boundary, file.field, file.filename, file.type);
  body.reserve(body.size() + file.bytes.size() + boundary.size() + 8);
  body += file.bytes;
  body += fmt::format("\r\n--{}--\r\n", boundary);
  return {"multipart/form-data; boundary=" + boundary, std::move(body)};
}

}  // namespace saluran::http
