#pragma once
// The one error type of Saluran: every fallible function returns Result<T>.

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace saluran {

/// What kind of failure an Error is; maps to CLI exit codes and JSON `error.code`.
enum class ErrorCode {
  kInvalidArgument,  ///< the caller (user, preset, config) asked for something invalid
  kNotFound,         ///< a file or folder does not exist
  kPermission,       ///< the OS refused access
  kIo,               ///< reading or writing failed (disk full, device gone)
  kUnsupported,      ///< the content is not a format Saluran reads
  kCorrupt,          ///< the content claims a format but is damaged or truncated
  kLimitExceeded,    ///< dimensions, duration, stream count or size beyond the safety limits
  kExternal,         ///< a library or service failed for a reason of its own
  kCancelled,        ///< the work was stopped on request (Ctrl-C, SIGTERM) before it finished
};

/// Stable lower-case name of an ErrorCode, as written in JSON (`"corrupt"`, `"limit_exceeded"`).
std::string_view error_code_name(ErrorCode code);

/// Where an error happened: each field is optional and printed only when set.
struct ErrorContext {
  std::string stage;    ///< pipeline stage or command, e.g. "probe"
  std::string file;     ///< the file being processed
  std::string detail;   ///< the library call or rule, e.g. "avformat_open_input"
  std::string preset;   ///< the rendition's preset, e.g. "youtube"
  std::string channel;  ///< the channel being published to, e.g. "website"
};

/// A failure as a value: code, a plain-language message, and where it happened.
struct Error {
  ErrorCode code = ErrorCode::kExternal;
  std::string message;
  ErrorContext context;

  /// One line for people: "<file>: <message> (<detail>)".
  std::string to_string() const;
};

/// Builds an Error; `file` and `detail` fill the context.
Error make_error(ErrorCode code, std::string message, std::string file = {},
                 std::string detail = {});

/// A value of type T or an Error. Small in-house stand-in for C++23 std::expected.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : data_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return data_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(data_); }
  const T& value() const& { return std::get<0>(data_); }
  T&& value() && { return std::get<0>(std::move(data_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const { return std::get<1>(data_); }
  Error& error() { return std::get<1>(data_); }

 private:
  std::variant<T, Error> data_;
};

/// Success carries no value.
struct Ok {};
/// Result of an operation that returns nothing but may fail.
using Status = Result<Ok>;

}  // namespace saluran
