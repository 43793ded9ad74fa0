// The check of a picture rendition: format, frame, aspect, file size, orientation and GPS,
// read back from the file as a channel would read it.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>

#include "codecs/file_bytes.hpp"
#include "codecs/image/photo_probe.hpp"
#include "codecs/sniff.hpp"
#include "pipeline/ops/render_geometry.hpp"
#include "pipeline/stages/check.hpp"

namespace saluran {

Result<CheckReport> check_image_output(const std::string& path, const Preset& preset) {
  const InputLimits limits;
  auto data = read_file_bytes(path, limits.max_file_bytes);
  if (!data) return data.error();
  CheckReport report;
  report.file = path;
  report.preset = preset.name;
  auto add = [&](std::string name, bool passed, std::string expected, std::string actual) {
    report.rules.push_back({std::move(name), passed, std::move(expected), std::move(actual)});
  };
  const ImageFormat format = sniff_image(*data);
  const std::string found =
      format == ImageFormat::kNone ? "not a picture" : image_format_name(format);
  const ImageSpec& m = *preset.image;
  const bool format_ok = std::find(m.formats.begin(), m.formats.end(), found) != m.formats.end();
  add("container", format_ok, fmt::format("one of {}", fmt::join(m.formats, ", ")), found);
  if (!format_ok) {
    mark_recommended(preset, report.rules);
    return report;
  }
  auto info = probe_photo(*data, format, path, limits);
  if (!info) return info.error();
  const PictureInfo& pic = *info->picture;
  const int w = pic.upright_width > 0 ? pic.upright_width : pic.width;
  const int h = pic.upright_height > 0 ? pic.upright_height : pic.height;
  const std::string size = fmt::format("{}x{}", w, h);
  if (m.aspect != AspectMode::kKeep && m.enlarge == Enlarge::kNever) {
    // A smaller photo keeps its scale: the frame's shape, at most the frame. fit and blur-pad
    // frames are planned as video's, each side rounded to even: 2 px of slack, as for video.
    const int slack = m.aspect == AspectMode::kFill ? 1 : 2;
    add("image.size", frame_shaped(m.width, m.height, w, h, slack),
        fmt::format("{}x{} or smaller in its shape", m.width, m.height), size);
  } else if (m.aspect != AspectMode::kKeep) {
    add("image.size", w == m.width && h == m.height, fmt::format("{}x{}", m.width, m.height), size);
  } else {
    const int long_side = std::max(w, h);
    const int short_side = std::min(w, h);
    const bool ok = (m.max_width == 0 || long_side <= m.max_width) &&
                    (m.max_height == 0 || short_side <= m.max_height);
    add("image.size", ok, side_limits_text(m.max_width, m.max_height), size);
  }
  const Limits& l = preset.limits;
  if (l.max_width > 0 || l.max_height > 0) {
    const bool ok = (l.max_width == 0 || std::max(w, h) <= l.max_width) &&
                    (l.max_height == 0 || std::min(w, h) <= l.max_height);
    add("image.limits", ok, side_limits_text(l.max_width, l.max_height), size);
  }
  if (l.min_aspect > 0 || l.max_aspect > 0) {
    const double aspect = static_cast<double>(w) / h;
    // One pixel of rounding (1080x566 for 1.91:1) is within the limit.
    const double slack = 1.0 / std::min(w, h);
    const bool ok = (l.min_aspect == 0 || aspect >= l.min_aspect - slack) &&
                    (l.max_aspect == 0 || aspect <= l.max_aspect + slack);
    const std::string range =
        l.min_aspect > 0 && l.max_aspect > 0
            ? fmt::format("{:.2f}..{:.2f} (width / height)", l.min_aspect, l.max_aspect)
        : l.min_aspect > 0 ? fmt::format("at least {:.2f} (width / height)", l.min_aspect)
                           : fmt::format("at most {:.2f} (width / height)", l.max_aspect);
    add("image.aspect", ok, range, fmt::format("{:.2f}", aspect));
  }
  if (l.max_file_bytes > 0) {
    add("file.size", data->size() <= l.max_file_bytes, "at most " + bytes_text(l.max_file_bytes),
        bytes_text(data->size()));
  }
  add("image.orientation", pic.orientation == 1, "stored upright (EXIF orientation 1 or none)",
      fmt::format("orientation {}", pic.orientation));
  if (!m.keep_gps) {
    add("meta.gps", !info->meta.gps.has_value(), "no GPS position",
        info->meta.gps ? "a GPS position" : "none");
  }
  mark_recommended(preset, report.rules);
  return report;
}

}  // namespace saluran
