#pragma once
// A story's media references found in the library's catalog: a library path, an asset id (its
// content hash, or a unique prefix of at least 8 digits) or an inventory query. Each error names
// story.toml, the line and the key, so that it is fixed before anything is rendered or sent.
//
//   MediaResolution r = resolve_story_media(story, catalog, "/srv/library");
//   for (const Error& e : r.errors) ...;          // "story.toml: media.path ... (line 14)"
//   for (const ResolvedMedia& m : r.media) ...;   // m.ref.role, m.asset.library_path

#include <string>
#include <vector>

#include "pipeline/catalog/catalog.hpp"
#include "pipeline/model/error.hpp"
#include "pipeline/model/story.hpp"

namespace saluran {

/// One asset a story's media reference stands for.
struct ResolvedMedia {
  StoryMedia ref;  ///< the reference as written (role, focus, trim, alt, caption, line)
  Asset asset;
};

/// Every asset the story's media references stand for (a query gives several, in capture order;
/// a cover query only its first), and an error for each reference that stands for nothing.
struct MediaResolution {
  std::vector<ResolvedMedia> media;
  std::vector<Error> errors;
};

/// Resolves `story`'s media in `catalog` (the catalog of `library`). A path that is absolute or
/// starts with "./" is taken from the current folder and must lie inside `library`. A reference
/// whose assets are of the wrong kind for its role (a cover that is not a photo, a main video that
/// is not a video, a radio item without sound) is an error as well.
MediaResolution resolve_story_media(const Story& story, Catalog& catalog,
                                    const std::string& library);

}  // namespace saluran
