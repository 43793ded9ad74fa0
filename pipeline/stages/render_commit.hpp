#pragma once
// The last step of every rendition, written once for video, sound and pictures: the finished
// file, still under its temporary name, is checked against its channel's limits and gets its
// final name only when it passes (DESIGN.md rule 8).
//
//   commit_checked(temp, preset, FolderSync::kNow, r);   // r.outcome: kMade, or kFailed + why

#include <string>

#include "pipeline/model/error.hpp"
#include "pipeline/model/preset.hpp"
#include "pipeline/stages/render.hpp"

namespace saluran {

/// When the folder is flushed after the rename that places an output.
enum class FolderSync {
  kNow,    ///< right after the rename
  kLater,  ///< by the caller, once for many outputs (fsync_dir)
};

/// Checks the finished temporary file `temp` against `preset`; when every rule passes, renames
/// it to `r.output` (flushing the folder as `sync` says) and marks `r` made. Otherwise `r` is
/// failed with the reason (the check could not read it, a rule failed, the rename failed) and
/// `temp` is removed. `r.check` holds the check's report whenever the check ran.
void commit_checked(const std::string& temp, const Preset& preset, FolderSync sync,
                    RenditionResult& r);

/// Marks `r` failed with `error` and removes the temporary file `temp` (missing is fine).
void discard_output(const std::string& temp, const Error& error, RenditionResult& r);

}  // namespace saluran
