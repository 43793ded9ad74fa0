// Fuzz target for the ISO-BMFF box walker and the H.264 NAL scan of the check stage (DESIGN.md
// rule 9). Built as a libFuzzer binary (fuzz_mp4_boxes) with Clang and SALURAN_BUILD_FUZZERS=ON,
// and always as replay_mp4_boxes, which runs each file of a corpus once.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "codecs/av/mp4_boxes.hpp"
#include "codecs/av/packet_survey.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  const saluran::Mp4Layout layout = saluran::walk_mp4_boxes(bytes);
  // What the header promises whatever the input: boxes in order, inside the data, bounded.
  std::uint64_t next = 0;
  for (const saluran::Mp4Box& box : layout.boxes) {
    if (box.offset != next || box.type.size() != 4) std::abort();
    next = box.offset + box.size;
  }
  if (next > size && layout.problem.empty()) std::abort();
  if (layout.boxes.size() > static_cast<std::size_t>(saluran::kMp4MaxBoxes)) std::abort();
  if (layout.edit_lists < 0 || layout.tracks < 0) std::abort();
  // The same bytes as an H.264 access unit, in each NAL framing.
  for (int length_size : {0, 1, 2, 4}) (void)saluran::h264_has_idr(bytes, length_size);
  return 0;
}
