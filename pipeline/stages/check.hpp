#pragma once
// The check stage: is this output file what its channel accepts? Every rule of the preset's
// channel limits is tested and reported, passed or failed, with what was expected and found.
//
//   auto report = check_output("out/C0001.youtube.mp4", *catalog->get("youtube"));
//   for (const auto& r : report->rules) fmt::print("{} {}\n", r.passed ? "PASS" : "FAIL", r.name);

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "codecs/audio/loudness_meter.hpp"
#include "pipeline/model/error.hpp"
#include "pipeline/model/preset.hpp"

namespace saluran {

/// One rule's outcome, e.g. {"gop.closed", true, "every keyframe an IDR", "12 of 12 IDR"}.
struct CheckRule {
  std::string name;  ///< stable dotted id: "container", "video.profile", "audio.loudness"
  bool passed = false;
  std::string expected;  ///< the channel's limit, in words
  std::string actual;    ///< what the file has
  /// The channel requires it (the default); false for the preset's limits.recommended, our
  /// advice for an encode, which never fails a file.
  bool required = true;
};

/// Every rule tested on one file.
struct CheckReport {
  std::string file;
  std::string preset;
  std::vector<CheckRule> rules;
  std::optional<Loudness> loudness;  ///< measured when the preset has a loudness target

  /// True when every required rule passed (recommendations missed do not fail a file).
  bool passed() const;
  /// The failed required rules as one line: "video.fps: expected 23..60, found 15; ...".
  std::string failures() const;
  /// The recommendations missed, the same way: "gop.length: expected at most 0.5 s, ...".
  std::string advice() const;
};

/// Marks the rules `preset` lists in limits.recommended as not required (check_output and
/// check_image_output do it before they return).
void mark_recommended(const Preset& preset, std::vector<CheckRule>& rules);

/// Tests `path` against `preset`. An Error only when the file cannot be read at all; a file
/// that breaks the channel's limits is a report with failed rules.
Result<CheckReport> check_output(const std::string& path, const Preset& preset);

/// The picture half of check_output: format, frame size, aspect, file size, orientation and
/// (unless the preset keeps it) the absence of GPS, read back from the file.
Result<CheckReport> check_image_output(const std::string& path, const Preset& preset);

/// A file size for the rules: "8.0 MB (8000000 bytes)" (SI units, as everywhere), "512 bytes".
std::string bytes_text(std::uint64_t bytes);

/// A length for the rules: "40 ms" under a second, else "2.50 s".
std::string seconds_text(double seconds);

/// A bound on the long and short side where 0 is no bound, the unbounded side left out:
/// "long side at most 1440", "long side at most 4096, short side at most 4096", "any size".
std::string side_limits_text(int max_long, int max_short);

/// A report as JSON: {"file", "preset", "passed", "advice", "rules": [{"name", "passed",
/// "required", "expected", "actual"}], "loudness"?: {"integrated_lufs", "true_peak_dbtp",
/// "sample_peak_dbfs", "range_lu"}}, as `saluran check --json` writes it. Field names are stable.
nlohmann::json to_json(const CheckReport& report);

/// One loudness measurement: {"integrated_lufs", "true_peak_dbtp", "sample_peak_dbfs",
/// "range_lu"}.
nlohmann::json to_json(const Loudness& loudness);

}  // namespace saluran
