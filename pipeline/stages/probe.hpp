#pragma once
// Probe: what every file is, by content, without decoding its pictures or sound.
//
// Example (CLI): `saluran probe DCIM/ DJI_0001.MP4 --json`
// Example (library):
//   ProbeOptions opts;            // default limits, 2 worker threads
//   ProbeReport r = probe_paths({"/media/usb/DCIM"}, opts);
//   for (const ProbeEntry& e : r.entries) if (e.info) use(*e.info);

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/model/error.hpp"
#include "pipeline/model/input_limits.hpp"
#include "pipeline/model/media_info.hpp"
#include "pipeline/model/outcome.hpp"

namespace saluran {

/// How to probe.
struct ProbeOptions {
  InputLimits limits;
  int threads = 2;  ///< files probed at once
  /// Called after each file with (done, total); from worker threads, serialised.
  std::function<void(std::size_t, std::size_t)> on_progress;
};

/// The outcome for one file: facts, or an error, or skipped as not media.
struct ProbeEntry {
  std::string path;
  std::optional<MediaInfo> info;  ///< set when the file was read
  std::optional<Error> error;     ///< set when it could not be read
  std::string skipped;            ///< non-empty: why it was passed over (not media)
};

/// The common outcome of one probed file, so a batch counts probe entries like any stage's
/// items. A probe only reads and never writes, so a file read is kUpToDate (nothing made,
/// nothing to do: its facts are as the file is); a file passed over (not media, a symbolic
/// link) is kSkipped; a file that could not be read (broken, missing) is kFailed.
Outcome outcome_of(const ProbeEntry& entry);

/// The outcome for a whole call, in the order the files were found (sorted within folders).
struct ProbeReport {
  std::vector<ProbeEntry> entries;
  std::size_t read = 0;
  std::size_t failed = 0;
  std::size_t skipped = 0;
};

/// The entries counted by their common outcome (outcome_of): read as up to date, skipped,
/// failed.
OutcomeCounts outcome_counts(const ProbeReport& report);

/// Probes one file by content: photo, video, audio or DJI telemetry (.SRT).
Result<MediaInfo> probe_file(const std::string& path, const InputLimits& limits);

/// True for names that promise media (".jpg", ".mp4", ".srt", ...): content that is not media
/// under such a name is an error, while other non-media files met in a folder are skipped.
bool has_media_extension(const std::string& path);

/// Why a file met in a folder was passed over.
inline constexpr const char* kNotMediaReason = "not a photo, video, audio or telemetry file";

/// True when a probe error means "not media, pass over" rather than "broken media": content
/// not recognised, found in a folder (not named by the user), under a name that promises no media.
bool is_passed_over(const Error& error, bool explicit_file);

/// Probes files and folders (recursively; symbolic links are not followed). A DJI .SRT with
/// the same stem as a video in the same folder is attached to that video as its telemetry.
/// One failed file never stops the others.
ProbeReport probe_paths(const std::vector<std::string>& paths, const ProbeOptions& options);

}  // namespace saluran
