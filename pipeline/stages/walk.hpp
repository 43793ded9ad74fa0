#pragma once
// Walking source trees: the files under folders, in sorted order, never following links.

#include <optional>
#include <string>
#include <vector>

#include "pipeline/model/error.hpp"

namespace saluran {

/// One entry met while walking.
struct WalkEntry {
  std::string path;
  bool explicit_file = false;  ///< named directly by the caller, not found in a folder
  std::string skipped;         ///< non-empty: passed over (a symbolic link), with the reason
  std::optional<Error> error;  ///< the path could not be read (missing, unlistable folder)
};

/// Expands files and folders (recursively, sorted within each folder) into entries. Symbolic
/// links met inside folders are listed as skipped and never followed, so a walk never leaves
/// the source tree; a path named directly is taken as given.
std::vector<WalkEntry> walk_paths(const std::vector<std::string>& paths);

/// The lower-case extension of a path, with its dot (".jpg"), or empty.
std::string lower_extension(const std::string& path);

}  // namespace saluran
