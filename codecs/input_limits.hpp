#pragma once
// Checks of the safety limits (pipeline/model/input_limits.hpp) against a file's header.

#include <cstdint>
#include <string>

#include "pipeline/model/error.hpp"
#include "pipeline/model/input_limits.hpp"

namespace saluran {

/// Checks picture dimensions against the limits; the error names the file and the limit.
Status check_dimensions(const InputLimits& limits, std::int64_t width, std::int64_t height,
                        const std::string& file);

}  // namespace saluran
