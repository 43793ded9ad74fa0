#include "pipeline/stages/render_fingerprint.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <cerrno>
#include <filesystem>

#include "codecs/content_hash.hpp"
#include "codecs/file_bytes.hpp"
#include "pipeline/presets/preset_json.hpp"

namespace saluran {
namespace fs = std::filesystem;
namespace {

// What identifies the input file: this Saluran, its absolute path, size and modification time.
// A file that cannot be looked at (gone, no permission) has no fingerprint: the rendition fails
// and says why, instead of being compared by a stamp of zeros.
Result<std::string> input_stamp(const std::string& input) {
  struct stat st {};
  if (::stat(input.c_str(), &st) != 0)
    return errno_error(errno, "read its size and modification time", input);
  return fmt::format("{}|{}|{}|{}|{}", SALURAN_VERSION, fs::absolute(input).string(),
                     static_cast<long long>(st.st_size), static_cast<long long>(st.st_mtim.tv_sec),
                     static_cast<long long>(st.st_mtim.tv_nsec));
}

}  // namespace

Result<std::string> media_fingerprint(const RenditionPlan& plan, const std::string& input) {
  auto stamp = input_stamp(input);
  if (!stamp) return stamp.error();
  return hash64_hex(fmt::format(
      "{}|{}|{}|{}|{}|{}{}{}", *stamp, preset_to_json(plan.preset).dump(),
      plan.video ? plan.video->filter : "", plan.audio ? plan.audio->filter : "",
      plan.video ? plan.video->bitrate_kbps : 0, plan.duration_s,
      plan.video && plan.video->copy ? "|copy" : "", plan.segment_by_content ? "|content" : ""));
}

Result<std::string> picture_fingerprint(const Preset& preset, const std::string& input,
                                        const std::string& name,
                                        const std::optional<FocusPoint>& focus) {
  auto stamp = input_stamp(input);
  if (!stamp) return stamp.error();
  return hash64_hex(fmt::format(
      "{}|{}|{}|{}", *stamp, preset_to_json(preset).dump(), name,
      focus ? fmt::format("{:.4f},{:.4f}", focus->x, focus->y) : std::string("content")));
}

}  // namespace saluran
