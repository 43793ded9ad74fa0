#pragma once
// Copying a source into the library in one read pass that also computes its content hash,
// with durable, atomic placement. Sources are opened read-only and never modified.

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "pipeline/model/error.hpp"

namespace saluran {

/// What a copy produced.
struct CopyResult {
  std::string hash;  ///< XXH3-128 of the content, 32 lower-case hex digits
  std::uint64_t bytes = 0;
};

/// Called with the bytes copied so far of the current file.
using CopyProgress = std::function<void(std::uint64_t)>;

/// Reads `src` once (read-only, sequential), hashing every byte while writing it to `dst`
/// (created exclusively, mode 0644), then fsyncs `dst`. On any failure `dst` is removed.
Result<CopyResult> copy_and_hash(const std::string& src, const std::string& dst,
                                 const CopyProgress& progress = {});

/// XXH3-128 of a file's content, read once.
Result<std::string> hash_file(const std::string& path);

/// Renames `from` to `to` without replacing an existing `to` (RENAME_NOREPLACE), then fsyncs
/// the folder of `to` so the name survives a power cut. False (and nothing moved) when `to`
/// already exists.
Result<bool> place_file(const std::string& from, const std::string& to);

/// fsyncs a folder, so entries created or renamed in it are durable.
Status fsync_dir(const std::string& dir);

/// The temporary name a file is written under before it is renamed to `final_path`:
/// `<folder>/.<name>.<pid>.<suffix>`. A dot name is never taken for a finished file, the process
/// id keeps two runs apart and tells a later run whether its writer is gone (render sweeps
/// such leftovers).
std::string temp_path_beside(const std::string& final_path, const char* suffix);

/// fsyncs a file's content, so a rename that follows never exposes a half-written file.
Status fsync_file(const std::string& path);

/// Writes `data` to a new file `path` (replacing it) and fsyncs it; used for temporary names
/// (temp_path_beside) that are renamed once checked. Errors name the file.
Status write_file_synced(const std::string& path, std::span<const std::uint8_t> data);

/// Writes `text` to `path` durably and atomically: a temporary name beside it (temp_path_beside),
/// fsync, rename over `path`, fsync of the folder. A reader sees the old file or the new one,
/// never half of one.
Status write_file_atomically(const std::string& path, std::string_view text);

}  // namespace saluran
