#include "codecs/input_limits.hpp"

#include <fmt/format.h>

namespace saluran {

Status check_dimensions(const InputLimits& limits, std::int64_t width, std::int64_t height,
                        const std::string& file) {
  if (width <= 0 || height <= 0) {
    return make_error(ErrorCode::kCorrupt, fmt::format("invalid picture size {}x{}", width, height),
                      file);
  }
  if (width > limits.max_dimension || height > limits.max_dimension) {
    return make_error(
        ErrorCode::kLimitExceeded,
        fmt::format("picture is {}x{}; the largest side allowed is {} pixels (refused "
                    "before decoding)",
                    width, height, limits.max_dimension),
        file);
  }
  if (width * height > limits.max_pixels) {
    return make_error(ErrorCode::kLimitExceeded,
                      fmt::format("picture has {:.0f} megapixels; at most {:.0f} are allowed",
                                  static_cast<double>(width * height) / 1e6,
                                  static_cast<double>(limits.max_pixels) / 1e6),
                      file);
  }
  return Ok{};
}

}  // namespace saluran
