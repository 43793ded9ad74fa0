#pragma once
// Walking source trees: the files under folders, in sorted order, never following links.

#include <functional>
#include <map>
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

/// Pairs sidecars with the main file of the same folder and stem (DJI_0001.SRT with
/// DJI_0001.MP4): returns sidecar index -> main index, over the indexes of `paths` for which
/// `is_main` or `is_sidecar` holds. When two main files share a stem, the first one wins.
std::map<std::size_t, std::size_t> pair_by_stem(const std::vector<std::string>& paths,
                                                const std::function<bool(std::size_t)>& is_main,
                                                const std::function<bool(std::size_t)>& is_sidecar);

/// The lower-case extension of a path, with its dot (".jpg"), or empty.
std::string lower_extension(const std::string& path);

}  // namespace saluran
