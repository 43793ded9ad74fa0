#pragma once
// `saluran story new --from-run`: a starting story.toml from what one ingest run brought in
// (SOP step 3, choosing the content from the inventory). Photos are ranked by sharpness
// (variance of the Laplacian at about 512 pixels) and faces (OpenCV's Haar cascades), near-
// duplicates dropped (the same device within the same second, a burst, or a difference hash
// within a few bits), the best first: the first becomes the cover, the next ones the gallery.
// The first clip is the main video, the first recording the radio sound; the other clips,
// recordings and photos are written as commented-out [[media]] tables the operator can take.
// Title, summary and body are TODO placeholders that `plan` reports until they are written.
//
//   Result<StoryDraft> d = draft_story(catalog, "/srv/library", std::nullopt, {"website"});
//   write d->text to story.toml

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/catalog/catalog.hpp"
#include "pipeline/model/story.hpp"

namespace saluran {

/// How one photo of the run was judged.
struct PhotoRank {
  Asset asset;
  double sharpness = 0;  ///< variance of the Laplacian of luma at about 512 pixels
  int faces = 0;
  double score = 0;          ///< higher is better
  std::uint64_t dhash = 0;   ///< 64-bit difference hash of the picture
  std::string duplicate_of;  ///< library path of the better photo it nearly repeats, if any
  std::string note;          ///< why it could not be measured, if so
};

/// A drafted story and how it was drafted.
struct StoryDraft {
  std::int64_t run = 0;
  Story story;                     ///< what story.toml holds (the chosen media)
  std::vector<PhotoRank> photos;   ///< every photo of the run, best first
  std::string text;                ///< the story.toml text, with the alternatives commented out
  std::vector<std::string> notes;  ///< e.g. faces not measured: the detector could not load
};

/// Photos kept in the draft (cover + gallery); the rest are commented out.
inline constexpr std::size_t kDraftPhotos = 10;

/// Drafts a story from run `run` of `catalog` (nullopt: the newest run). Errors: no such run,
/// a run that brought in nothing, or the catalog cannot be read.
Result<StoryDraft> draft_story(Catalog& catalog, const std::string& library,
                               std::optional<std::int64_t> run,
                               const std::vector<std::string>& channels);

/// Drafts a story from `assets` (those of one folder, say) as draft_story does from a run;
/// `origin` names where they came from in the draft's first comment ("folder /media/usb/X").
/// kNotFound when `assets` is empty.
Result<StoryDraft> draft_story_from(const std::string& library, const std::vector<Asset>& assets,
                                    const std::vector<std::string>& channels,
                                    const std::string& origin);

/// Ranks `photos` best first and marks near-duplicates (pure, given the measures): score =
/// log(1 + sharpness) + 1.5 per face (up to 3); a photo is a near-duplicate of a better one from
/// the same device taken within the same second, or whose dhash differs in at most 6 bits.
void rank_photos(std::vector<PhotoRank>& photos);

}  // namespace saluran
