#pragma once
// What render is given: the media files among the paths on the command line (folders searched
// recursively, what a card holds beside the media left out), and, when nothing at all could be
// rendered from them, why, in plain words.
//
//   RenderInputs in = find_render_inputs({"DCIM/", "extra.jpg"});
//   req.inputs = in.files;
//   RenderResult res = render(req);
//   if (auto why = nothing_to_render({"DCIM/"}, in, res, req.options.presets)) print(*why);

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/model/preset.hpp"
#include "pipeline/stages/render.hpp"

namespace saluran {

/// The files to render, and what was left out of the folders.
struct RenderInputs {
  std::vector<std::string> files;  ///< in order: each path's files, sorted within folders
  /// Files met in folders that are not media (DJI telemetry, sidecars, thumbnails, hidden
  /// files), by lower-case extension (".srt"; "hidden" for hidden files).
  std::map<std::string, std::size_t> left_out;
};

/// Expands `paths`: a file named directly is kept as given (render says what it is); in a
/// folder, hidden files and files with extensions that are never media (.srt .txt .json .xml
/// .md .log .thm .lrf .xmp) are left out and counted; symbolic links are not followed.
RenderInputs find_render_inputs(const std::vector<std::string>& paths);

/// Why nothing could be rendered, when that is so: `result` has no error, and no input was
/// found or every input was read and is of a kind none of `presets` takes (preset_takes).
/// The text names what was given and found and what each preset takes:
/// "nothing to render: drone/ holds 6 files, none of them media (.srt: DJI telemetry, read
/// with the video beside it); the preset 'web' takes photos (...) and videos (...)".
/// nullopt when something was (or could have been) rendered.
std::optional<std::string> nothing_to_render(const std::vector<std::string>& paths,
                                             const RenderInputs& inputs, const RenderResult& result,
                                             const std::vector<Preset>& presets);

}  // namespace saluran
