#pragma once
// Ingest: from camera cards, drones and phones to a catalogued library (SOP step 1).
//
// Example (CLI): `saluran ingest /media/usb/DCIM /media/usb/DJI --library /srv/liputan`
// Example (library):
//   IngestOptions opts;
//   opts.library = "/srv/liputan";
//   opts.operator_name = "budi";
//   Result<IngestReport> r = ingest({"/media/usb"}, opts);
//
// Each media file is identified by content, then read ONCE while its XXH3-128 hash is computed
// and its bytes are written to a temporary file in <library>/.saluran/tmp; a file whose hash
// is already catalogued is a duplicate and is dropped; a new one is moved into place at
// YYYY/MM-DD/<device>/<name> (never over an existing file) and only then committed to the
// catalog. Sidecars (.SRT, .THM, .XMP with the same stem) travel with their media. A source
// already ingested unchanged (same path, size and modification time) is not read again.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/model/asset.hpp"
#include "pipeline/model/error.hpp"
#include "pipeline/model/input_limits.hpp"
#include "pipeline/model/outcome.hpp"

namespace saluran {

/// One progress event of an ingest run.
struct IngestEvent {
  enum class Type { kStart, kFileDone, kBytes, kFinish };
  Type type = Type::kStart;
  std::size_t files_done = 0;
  std::size_t files_total = 0;
  std::uint64_t bytes_done = 0;   ///< bytes of source files handled so far (read or skipped)
  std::uint64_t bytes_total = 0;  ///< bytes of all candidate files
  /// Bytes actually read from the sources so far (copied or hashed): what a transfer rate is
  /// made of (unchanged files are counted in bytes_done without being read).
  std::uint64_t bytes_read = 0;
  std::string path;                                ///< the file (kFileDone)
  SourceOutcome outcome = SourceOutcome::kCopied;  ///< kFileDone
  std::string detail;  ///< library path (copied), reason (skipped, rejected), asset (duplicate)
};

/// How to ingest.
struct IngestOptions {
  std::string library;        ///< library root; created when missing
  std::string operator_name;  ///< who; defaults to the OS user
  InputLimits limits;
  /// Files probed and copied at once (worker threads): while one waits for the disk, another
  /// checks a photo. 3 measured best on 2 cores (bench/ingest).
  int jobs = 3;
  /// Called from one thread at a time (the ingesting thread or a worker); keep it cheap.
  std::function<void(const IngestEvent&)> on_event;
  /// Seconds to wait while another process ingests into the same library (batch shards sharing
  /// one library); 0: fail at once with "another ingest is writing to this library".
  double wait_for_library_s = 0;
};

/// What a run did.
struct IngestReport {
  IngestRun run;
  std::vector<SourceRecord> sources;  ///< every file met, in order, with its outcome
};

/// The common outcome of one source file, so a batch counts ingest's files like any stage's
/// items (the detailed SourceOutcome stays in the report, the catalog and the output):
/// copied -> kCopied; duplicate and unchanged -> kUpToDate (the library already holds the
/// content); skipped and sidecar -> kSkipped (not an item of its own: passed over, or carried
/// with its media file); rejected -> kFailed.
Outcome outcome_of(SourceOutcome outcome);

/// The report's source files counted by their common outcome (outcome_of).
OutcomeCounts outcome_counts(const IngestReport& report);

/// The sources that do not exist (neither a file nor a folder), in the order given.
std::vector<std::string> missing_sources(const std::vector<std::string>& sources);

/// Ingests the given files and folders into the library. Per-file failures are recorded as
/// rejections and the run goes on; a failure of the library itself (disk full, no permission,
/// catalog unusable) stops the run with an Error (what was done so far stays committed).
/// Checked before anything is created: a library path that is a file (kInvalidArgument) and
/// sources none of which exists (kNotFound, naming them); then no folder is made and no run is
/// recorded. A missing source beside existing ones is rejected like any unreadable file.
Result<IngestReport> ingest(const std::vector<std::string>& sources, const IngestOptions& options);

/// The library-relative folder for an asset: "YYYY/MM-DD/<Make-Model>" from its capture time
/// (or `fallback_day` "YYYY-MM-DD"), with unsafe characters replaced.
std::string library_folder(const MediaInfo& info, const std::string& fallback_day);

/// A file name made safe for any filesystem a library may live on.
std::string safe_name(const std::string& name);

}  // namespace saluran
