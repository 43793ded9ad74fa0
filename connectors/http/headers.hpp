#pragma once
// HTTP header lists with case-insensitive names, and the redaction of secrets in logs.

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace saluran::http {

/// One header as sent or received.
struct Header {
  std::string name{};
  std::string value{};
};

/// An ordered list of headers; names compare case-insensitively.
class Headers {
 public:
  Headers() = default;
  Headers(std::initializer_list<Header> list) : list_(list) {}

  /// Adds a header, keeping any of the same name (Set-Cookie, Link).
  void add(std::string name, std::string value);
  /// Replaces every header of this name with one.
  void set(std::string name, std::string value);
  /// Removes every header of this name.
  void remove(std::string_view name);
  /// The first value of this name, if any.
  std::optional<std::string> get(std::string_view name) const;
  /// Every value of this name, in order.
  std::vector<std::string> get_all(std::string_view name) const;
  /// True when a header of this name is present.
  bool has(std::string_view name) const { return get(name).has_value(); }

  const std::vector<Header>& all() const { return list_; }
  bool empty() const { return list_.empty(); }
  void clear() { list_.clear(); }

 private:
  std::vector<Header> list_;
};

/// True when two header names are equal ignoring ASCII case.
bool same_name(std::string_view a, std::string_view b);

/// True for a header whose value is a secret: Authorization, Proxy-Authorization, Cookie,
/// Set-Cookie and any name containing "token", "key", "secret", "password", "session",
/// "signature", "cookie" or "auth".
bool is_secret_header(std::string_view name);

/// A raw header line ("Name: value") with the value replaced by `<redacted>` when secret.
std::string redact_header_line(std::string_view line);

/// The URL without `user:password@` and with the values of query parameters named like a
/// secret (access_token, key, ...) replaced by `<redacted>`: safe for messages and logs.
std::string redact_url(std::string_view url);

}  // namespace saluran::http
