#pragma once
// A bounds-checked walk over the boxes of an ISO base media file (MP4, MOV, M4A): the order of
// the top-level boxes (is `moov` before `mdat`?) and whether the movie holds edit lists. Only box
// headers are read, never payloads, so a walk of a multi-gigabyte file reads a few kilobytes.
//
//   auto layout = read_mp4_layout("out/C0001.youtube.mp4");   // Result<Mp4Layout>
//   if (layout && !layout->faststart()) fmt::print("moov after mdat\n");

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/model/error.hpp"

namespace saluran {

/// One top-level box: its four-letter type, where it starts and how many bytes it claims.
struct Mp4Box {
  std::string type;          ///< "ftyp", "moov", "mdat", ...
  std::uint64_t offset = 0;  ///< first byte of the box header
  std::uint64_t size = 0;    ///< header included; a size-0 box runs to the end of the file
};

/// What a box walk found.
struct Mp4Layout {
  std::vector<Mp4Box> boxes;  ///< top-level boxes in file order
  int tracks = 0;             ///< `trak` boxes inside `moov`
  int edit_lists = 0;         ///< `elst` boxes inside moov/trak/edts
  /// Empty when every box fits in the file; else what is wrong in plain words ("box 'mdat' at
  /// byte 40 claims 9000 bytes but the file ends at byte 5000"). The walk stops there.
  std::string problem;

  /// Index in `boxes` of the first box of `type`, or -1.
  int find(std::string_view type) const;
  /// True when a `moov` box comes before the first `mdat` box (or there is no `mdat`).
  bool faststart() const;
};

/// Upper bounds of a walk: a hostile file cannot make it loop or recurse without end.
inline constexpr int kMp4MaxDepth = 8;
inline constexpr int kMp4MaxBoxes = 100000;

/// Walks the boxes of a whole file held in memory. Never reads outside `data`.
Mp4Layout walk_mp4_boxes(std::span<const std::uint8_t> data);

/// Walks the boxes of the file at `path`, reading only box headers. An Error only when the file
/// cannot be opened or read; a damaged box structure is reported in `Mp4Layout::problem`.
Result<Mp4Layout> read_mp4_layout(const std::string& path);

}  // namespace saluran
