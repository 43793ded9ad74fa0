#pragma once
// The path of a crop window across a video (16:9 to 9:16 or 4:5 reframing): calm within a
// shot, following its subject, jumping only at cuts. Pure: no files, no libraries.
//
//   // 1920-wide source, a 608-wide 9:16 window, the subject's centre per frame (or nullopt):
//   std::vector<int> left = plan_crop_path(targets, shot_starts, 1920, 608, 29.97);
//   // left[i] is the window's left edge at frame i, in source pixels, 0 .. 1920 - 608

#include <cstddef>
#include <optional>
#include <vector>

namespace saluran {

/// How the window follows its subject.
struct CropPathOptions {
  double max_speed_px =
      0;  ///< most the window may move per frame within a shot (0 = frame_width/120)
  double dead_zone =
      0.08;  ///< subject moves inside this fraction of the window: the window stays still
  double smoothing_s = 0.3;  ///< time constant of the smoothing
};

/// The speed limit plan_crop_path keeps to, in whole pixels per frame (at least 1):
/// `options.max_speed_px` (or frame_width / 120 when 0), rounded down.
int crop_path_max_step(int frame_width, const CropPathOptions& options = {});

/// What the window should do on one frame: sit centred on `centre`, and wherever it sits, keep
/// its centre within [lo, hi] (the positions that keep the whole subject inside; the dead zone
/// never leaves a face cut).
struct CropTarget {
  double centre = 0;
  double lo = -1e18;
  double hi = 1e18;
};

/// For each frame, the left edge (source pixels) of a window `window_width` wide in a frame
/// `frame_width` wide. `targets[i]` is the wanted window centre at frame i (nullopt = no subject
/// seen: hold the last wanted centre of the shot; a shot with none stays centred).
/// `shot_starts` lists the first frame of each shot (0 is implied; unsorted or out-of-range
/// entries are ignored). Within a shot the wanted centre only moves when the subject leaves the
/// dead zone (or its range), is smoothed forwards and backwards (anticipating a move a little
/// rather than lagging it), then followed at no more than crop_path_max_step pixels per frame: it
/// never jitters and never exceeds the speed limit. At a shot start the window jumps straight to
/// that shot's first wanted position. The window always stays inside the frame (left in 0 ..
/// frame_width - window_width; 0 throughout when the window is as wide as the frame).
std::vector<int> plan_crop_path(const std::vector<std::optional<CropTarget>>& targets,
                                const std::vector<std::size_t>& shot_starts, int frame_width,
                                int window_width, double fps, const CropPathOptions& options = {});

/// The same with bare centres (no range to keep).
std::vector<int> plan_crop_path(const std::vector<std::optional<double>>& targets,
                                const std::vector<std::size_t>& shot_starts, int frame_width,
                                int window_width, double fps, const CropPathOptions& options = {});

}  // namespace saluran
