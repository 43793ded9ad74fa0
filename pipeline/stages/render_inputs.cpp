#include "pipeline/stages/render_inputs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <iterator>

#include "pipeline/stages/walk.hpp"

namespace saluran {
namespace {

// Extensions of what a card or phone export holds beside the media.
constexpr const char* kNotMedia[] = {".srt", ".txt", ".json", ".xml", ".md",
                                     ".log", ".thm", ".lrf",  ".xmp"};
constexpr const char* kHidden = "hidden";

std::string plural(std::size_t n, const char* one, const char* many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

// What a left-out extension is, for people.
std::string left_out_words(const std::string& ext, std::size_t n) {
  if (ext == kHidden) return plural(n, "hidden file", "hidden files");
  if (ext == ".srt") {
    return fmt::format("{} (.srt: DJI telemetry, read with the video of the same name)",
                       plural(n, "telemetry file", "telemetry files"));
  }
  return fmt::format("{} {}", n, ext);
}

// "5 photos, 1 video, 6 telemetry files (...)": what the paths held.
std::vector<std::string> found_words(const RenderInputs& inputs, const RenderResult& result) {
  std::map<MediaKind, std::size_t> kinds;
  for (const InputReport& r : result.reports) {
    if (r.kind) ++kinds[*r.kind];
  }
  std::vector<std::string> parts;
  for (const auto& [kind, n] : kinds) {
    switch (kind) {
      case MediaKind::kPhoto:
        parts.push_back(plural(n, "photo", "photos"));
        break;
      case MediaKind::kVideo:
        parts.push_back(plural(n, "video", "videos"));
        break;
      case MediaKind::kAudio:
        parts.push_back(plural(n, "sound file", "sound files"));
        break;
      case MediaKind::kTelemetry:
        parts.push_back(left_out_words(".srt", n));
        break;
    }
  }
  std::size_t left = 0;
  for (const auto& [ext, n] : inputs.left_out) left += n;
  if (left > 0) {
    std::string what;
    for (const auto& [ext, n] : inputs.left_out)
      what += (what.empty() ? "" : ", ") + left_out_words(ext, n);
    parts.push_back(fmt::format("{} left out as not media: {}",
                                left == 1 ? "1 file" : fmt::format("{} files", left), what));
  }
  return parts;
}

// What one file is: "a photo", "DJI telemetry (...)".
std::string one_kind_words(MediaKind kind) {
  switch (kind) {
    case MediaKind::kPhoto:
      return "a photo";
    case MediaKind::kVideo:
      return "a video";
    case MediaKind::kAudio:
      return "a sound file";
    case MediaKind::kTelemetry:
      return "DJI telemetry, read with the video of the same name";
  }
  return "not media";
}

std::string takes_words(const std::vector<Preset>& presets) {
  if (presets.size() == 1) {
    return fmt::format("the preset '{}' takes {}", presets[0].name, what_preset_takes(presets[0]));
  }
  std::string out = "the presets take: ";
  for (std::size_t i = 0; i < presets.size(); ++i) {
    out +=
        fmt::format("{}'{}' {}", i > 0 ? "; " : "", presets[i].name, what_preset_takes(presets[i]));
  }
  return out;
}

}  // namespace

RenderInputs find_render_inputs(const std::vector<std::string>& paths) {
  RenderInputs out;
  for (const WalkEntry& e : walk_paths(paths)) {
    if (!e.skipped.empty()) continue;
    if (!e.explicit_file && !e.error) {
      const std::string name = std::filesystem::path(e.path).filename().string();
      const std::string ext = lower_extension(e.path);
      if (name.starts_with('.')) {
        ++out.left_out[kHidden];
        continue;
      }
      if (std::find(std::begin(kNotMedia), std::end(kNotMedia), ext) != std::end(kNotMedia)) {
        ++out.left_out[ext];
        continue;
      }
    }
    out.files.push_back(e.path);
  }
  return out;
}

std::optional<std::string> nothing_to_render(const std::vector<std::string>& paths,
                                             const RenderInputs& inputs, const RenderResult& result,
                                             const std::vector<Preset>& presets) {
  if (result.error || result.interrupted) return std::nullopt;
  for (const InputReport& r : result.reports) {
    // Unreadable, or something a preset takes: a failure of its own, not "nothing to render".
    if (!r.kind || r.presets_taking > 0) return std::nullopt;
  }
  const std::string where =
      paths.size() == 1 ? paths[0] : fmt::format("the {} paths given", paths.size());
  const std::vector<std::string> found = found_words(inputs, result);
  std::string held = paths.size() == 1 ? "holds no files" : "hold no files";
  if (!found.empty()) {
    std::size_t total = result.reports.size();
    for (const auto& [ext, n] : inputs.left_out) total += n;
    held = fmt::format("{} {}: ", paths.size() == 1 ? "holds" : "hold",
                       plural(total, "file", "files"));
    for (std::size_t i = 0; i < found.size(); ++i) held += (i > 0 ? ", " : "") + found[i];
  }
  // A file named directly holds nothing: it is one.
  if (paths.size() == 1 && result.reports.size() == 1 && inputs.left_out.empty() &&
      result.reports[0].input == paths[0]) {
    held = "is " + one_kind_words(*result.reports[0].kind);
  }
  return fmt::format("nothing to render: {} {}; {}", where, held, takes_words(presets));
}

}  // namespace saluran
