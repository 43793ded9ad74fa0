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

}  // namespace saluran::http
