#pragma once
// An asset: one piece of material in the library, known by its content hash.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/model/media_info.hpp"

namespace saluran {

/// One asset in the catalog.
struct Asset {
  std::int64_t id = 0;
  std::string hash;          ///< XXH3-128 of the content, 32 lower-case hex digits
  std::string library_path;  ///< relative to the library root: "2025/03-14/DJI-FC3411/DJI_0001.MP4"
  std::int64_t ingest_run = 0;        ///< run that first brought it in
  MediaInfo info;                     ///< every probe fact (path = the first source it came from)
  std::vector<std::string> sidecars;  ///< library paths of sidecars (.SRT, .THM, .XMP)
};

/// A file met by an ingest run: copied, a duplicate of an asset, skipped, or rejected.
enum class SourceOutcome { kCopied, kDuplicate, kSkipped, kRejected, kSidecar, kUnchanged };

/// Stable lower-case name: "copied", "duplicate", "skipped", "rejected", "sidecar", "unchanged".
const char* source_outcome_name(SourceOutcome o);

/// One source file seen by an ingest run.
struct SourceRecord {
  std::string path;           ///< absolute source path
  std::uint64_t size = 0;     ///< bytes
  std::int64_t mtime_ns = 0;  ///< modification time, nanoseconds since the epoch
  SourceOutcome outcome = SourceOutcome::kCopied;
  std::int64_t asset_id = 0;  ///< the asset it is (copied, duplicate, sidecar of), else 0
  std::string reason;         ///< why skipped or rejected
};

/// One ingest run.
struct IngestRun {
  std::int64_t id = 0;
  std::string started_at;   ///< ISO 8601 UTC
  std::string finished_at;  ///< empty while running or when killed
  std::string operator_name;
  std::vector<std::string> sources;  ///< the folders and files named on the command line
  int copied = 0;
  int duplicates = 0;
  int skipped = 0;
  int rejected = 0;
  int unchanged = 0;
  std::uint64_t bytes_copied = 0;
};

}  // namespace saluran
