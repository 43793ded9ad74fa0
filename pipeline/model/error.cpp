#include "pipeline/model/error.hpp"

namespace saluran {

std::string_view error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kPermission:
      return "permission";
    case ErrorCode::kIo:
      return "io";
    case ErrorCode::kUnsupported:
      return "unsupported";
    case ErrorCode::kCorrupt:
      return "corrupt";
    case ErrorCode::kLimitExceeded:
      return "limit_exceeded";
    case ErrorCode::kExternal:
      return "external";
    case ErrorCode::kCancelled:
      return "cancelled";
  }
  return "external";
}

std::string Error::to_string() const {
  std::string out;
  if (!context.file.empty()) out += context.file + ": ";
  out += message;
  if (!context.detail.empty()) out += " (" + context.detail + ")";
  return out;
}

Error make_error(ErrorCode code, std::string message, std::string file, std::string detail) {
  return Error{code, std::move(message),
               ErrorContext{{}, std::move(file), std::move(detail), {}, {}}};
}

}  // namespace saluran
