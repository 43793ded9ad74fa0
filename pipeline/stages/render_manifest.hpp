#pragma once
// The render manifest (`<out>/saluran-manifest.json`): what was made from what, with which
// settings, and each check's result. Also the JSON of `saluran render --json`. The file's
// JSON stays inside render_manifest.cpp; the stages pass the typed RenderManifest.
//
//   {"saluran": "0.1.0", "outputs": {"C0001.youtube.mp4": {"input": "...", "preset": "youtube",
//     "status": "made", "fingerprint": "...", "settings": {...}, "plan": {...},
//     "check": {"passed": true, "rules": [...]}, "loudness": {...}, "damaged": [...]}}}
//
//   RenderManifest m = read_render_manifest("out");
//   if (is_up_to_date(m, "out/C0001.youtube.mp4", fingerprint)) ...   // not made again

#include <map>
#include <string>
#include <vector>

#include "pipeline/model/error.hpp"
#include "pipeline/model/outcome.hpp"
#include "pipeline/model/time_range.hpp"
#include "pipeline/stages/render.hpp"

namespace saluran {

/// One output's record in the manifest.
struct ManifestEntry {
  std::string input;
  std::string preset;
  std::string output;  ///< the output's path as it was written
  /// What the run that wrote the entry did ("status" in the file). A status this version does
  /// not know reads as kFailed: never taken for a good output.
  Outcome outcome = Outcome::kFailed;
  std::string fingerprint;  ///< of the input and settings it was made from
  /// Every other field of the entry (error, last_failure, settings, plan, check, loudness,
  /// image, reframe, video_frames, damaged) as the text of a JSON object, written back as read.
  std::string details = "{}";
};

/// A whole manifest: the entries by output file name.
struct RenderManifest {
  std::string saluran;  ///< the version that wrote it
  std::map<std::string, ManifestEntry> outputs;

  /// The entry of the output `output_path` (its file name is the key); null when none.
  const ManifestEntry* find(const std::string& output_path) const;
};

/// The one "up to date" rule: the manifest records the output at `output_path` as made (a
/// failed, skipped or unknown entry never counts) and the file is there.
bool holds_good_output(const RenderManifest& manifest, const std::string& output_path);
/// The output at `output_path` need not be made again: it holds a good output
/// (holds_good_output) made from the same input and settings (equal `fingerprint`).
bool is_up_to_date(const RenderManifest& manifest, const std::string& output_path,
                   const std::string& fingerprint);
/// Decides whether the rendition `r` (its output named) must be made, the same way for video,
/// sound and pictures: it fails when its `fingerprint` could not be taken (the error gets the
/// preset), is up to date when the manifest says so and `force` is off, else it is to be made
/// (true). Sets `r`'s fingerprint, outcome and error.
bool needs_making(Result<std::string> fingerprint, const RenderManifest& manifest, bool force,
                  RenditionResult& r);

/// The manifest key of a rendition that has no output name (its input could not be read):
/// "INPUT (PRESET)". Every other rendition is recorded under its output's file name.
std::string no_output_key(const std::string& input, const std::string& preset);

/// The manifest entry of one rendition, with the input's concealed damage.
ManifestEntry manifest_entry(const RenditionResult& r, const std::vector<TimeRange>& damaged);
/// Merges `report`'s renditions into `manifest`: an up-to-date output keeps the entry that
/// made it; a failure over a good output keeps that output's entry and adds "last_failure";
/// anything else replaces the entry of its name (no_output_key when it has no output, an
/// entry removed once the same input and preset have an output).
void merge_report(RenderManifest& manifest, const InputReport& report);

/// Reads the manifest of `out_dir`; an empty one when there is none (or it is unreadable,
/// which the next write replaces).
RenderManifest read_render_manifest(const std::string& out_dir);
/// Writes `manifest` into `out_dir` atomically (temporary file, flush, rename, flush folder),
/// stamped with this version.
Status write_render_manifest(const std::string& out_dir, const RenderManifest& manifest);
/// Reads the manifest of `out_dir`, merges `report` into it and writes it back.
Status record_in_render_manifest(const std::string& out_dir, const InputReport& report);

/// One input's report (its renditions, damage, timing) as one line of JSON, as
/// `saluran render --json` prints it.
std::string input_report_json(const InputReport& report);

}  // namespace saluran
