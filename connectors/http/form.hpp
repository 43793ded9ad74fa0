#pragma once
// Query strings and form bodies (application/x-www-form-urlencoded), for every connector.
//
//   http::url_encode("a b/ä")                        // "a%20b%2F%C3%A4"
//   http::form_body({{"grant_type", "refresh_token"}, {"refresh_token", token}})

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace saluran::http {

/// Form fields, in order.
using FormFields = std::vector<std::pair<std::string, std::string>>;

/// `text` percent-encoded: RFC 3986's unreserved characters (letters, digits, - . _ ~) stay,
/// every other byte becomes %XX.
std::string url_encode(std::string_view text);

/// `key=value` pairs joined by `&`, keys and values percent-encoded.
std::string form_body(const FormFields& fields);

/// The file part of a multipart/form-data body, its bytes in memory (one photo or one chunk).
struct FormFile {
  std::string field;     ///< the form field, e.g. "source", "media"
  std::string filename;  ///< the filename the server is told
  std::string type;      ///< its MIME type
  std::string bytes;
};

/// A multipart/form-data body and the Content-Type naming its boundary.
struct Multipart {
  std::string content_type;  ///< "multipart/form-data; boundary=saluran-..."
  std::string body;
};

/// `fields` then `file` as multipart/form-data, with a random boundary.
Multipart multipart_body(const FormFields& fields, const FormFile& file);

}  // namespace saluran::http
