#pragma once
// Reading source files: read-only, bounded, and with plain errors. Sources are never written.

#include <cstdint>
#include <string>
#include <vector>

#include "pipeline/model/error.hpp"

namespace saluran {

/// Reads up to `max_bytes` of `path` into memory (read-only open). A larger file gives
/// ErrorCode::kLimitExceeded; a non-regular file gives kUnsupported.
Result<std::vector<std::uint8_t>> read_file_bytes(const std::string& path, std::uint64_t max_bytes);

/// Reads at most `count` bytes from the start of `path` (fewer when the file is shorter).
Result<std::vector<std::uint8_t>> read_file_head(const std::string& path, std::size_t count);

/// Maps errno from a failed system call on `path` to an Error with a plain message that says
/// what to do ("the disk is full; free some space and run again").
Error errno_error(int err, const std::string& what, const std::string& path);

}  // namespace saluran
