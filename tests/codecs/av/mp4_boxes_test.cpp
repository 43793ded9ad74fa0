// The ISO-BMFF box walker on hand-built byte strings: order, edit lists, and damaged files.

#include "codecs/av/mp4_boxes.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {

using Bytes = std::vector<std::uint8_t>;

void put32(Bytes& b, std::uint64_t v) {
  for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<std::uint8_t>(v >> s));
}

void put64(Bytes& b, std::uint64_t v) {
  put32(b, v >> 32);
  put32(b, v & 0xffffffffu);
}

void put_type(Bytes& b, const std::string& type) { b.insert(b.end(), type.begin(), type.end()); }

/// A box with a 32-bit size.
Bytes box(const std::string& type, const Bytes& payload = {}) {
  Bytes b;
  put32(b, 8 + payload.size());
  put_type(b, type);
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

/// A box with size 1 and a 64-bit largesize.
Bytes large_box(const std::string& type, const Bytes& payload) {
  Bytes b;
  put32(b, 1);
  put_type(b, type);
  put64(b, 16 + payload.size());
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

Bytes payload(std::size_t n) { return Bytes(n, 0xab); }

const Bytes kFtyp = box("ftyp", {'i', 's', 'o', 'm', 0, 0, 2, 0});
const Bytes kMvhd = box("mvhd", payload(100));

/// moov with one track per entry; true = the track has an edts/elst.
Bytes moov(std::initializer_list<bool> tracks_with_elst) {
  Bytes tracks;
  for (bool with_elst : tracks_with_elst) {
    Bytes trak_payload = box("tkhd", payload(84));
    if (with_elst) trak_payload = cat({trak_payload, box("edts", box("elst", payload(20)))});
    trak_payload = cat({trak_payload, box("mdia", payload(40))});
    tracks = cat({tracks, box("trak", trak_payload)});
  }
  return box("moov", cat({kMvhd, tracks}));
}

std::vector<std::string> types(const Mp4Layout& l) {
  std::vector<std::string> out;
  for (const Mp4Box& b : l.boxes) out.push_back(b.type);
  return out;
}

TEST(Mp4Boxes, MoovFirstIsFaststart) {
  const Bytes file = cat({kFtyp, moov({false, false}), box("free"), box("mdat", payload(300))});
  const Mp4Layout l = walk_mp4_boxes(file);
  EXPECT_EQ(l.problem, "");
  EXPECT_EQ(types(l), (std::vector<std::string>{"ftyp", "moov", "free", "mdat"}));
  EXPECT_TRUE(l.faststart());
  EXPECT_EQ(l.tracks, 2);
  EXPECT_EQ(l.edit_lists, 0);
  EXPECT_EQ(l.boxes[0].offset, 0u);
  EXPECT_EQ(l.boxes[1].offset, kFtyp.size());
  EXPECT_EQ(l.boxes.back().size, 308u);
}

TEST(Mp4Boxes, MdatFirstIsNotFaststart) {
  const Mp4Layout l = walk_mp4_boxes(cat({kFtyp, box("mdat", payload(300)), moov({false})}));
  EXPECT_EQ(l.problem, "");
  EXPECT_EQ(types(l), (std::vector<std::string>{"ftyp", "mdat", "moov"}));
  EXPECT_FALSE(l.faststart());
  EXPECT_EQ(l.find("moov"), 2);
}

TEST(Mp4Boxes, NoMoovIsNotFaststart) {
  const Mp4Layout l = walk_mp4_boxes(cat({kFtyp, box("mdat", payload(10))}));
  EXPECT_FALSE(l.faststart());
  EXPECT_EQ(l.find("moov"), -1);
}

TEST(Mp4Boxes, CountsEditListsInTracks) {
  const Mp4Layout l = walk_mp4_boxes(cat({kFtyp, moov({true, false, true}), box("mdat")}));
  EXPECT_EQ(l.problem, "");
  EXPECT_EQ(l.tracks, 3);
  EXPECT_EQ(l.edit_lists, 2);
}

TEST(Mp4Boxes, ElstOutsideMoovTrakEdtsIsNotAnEditList) {
  // An 'elst' at the top, directly in moov, or in a udta is not on the moov/trak/edts path.
  const Bytes stray_moov =
      box("moov",
          cat({kMvhd, box("elst", payload(4)), box("udta", box("edts", box("elst", payload(4))))}));
  const Mp4Layout l = walk_mp4_boxes(cat({kFtyp, box("elst", payload(4)), stray_moov}));
  EXPECT_EQ(l.problem, "");
  EXPECT_EQ(l.edit_lists, 0);
}

TEST(Mp4Boxes, TruncatedMdatIsAProblemButOrderIsKnown) {
  Bytes file = cat({kFtyp, moov({false}), box("mdat", payload(1000))});
  file.resize(file.size() - 600);
  const Mp4Layout l = walk_mp4_boxes(file);
  EXPECT_NE(l.problem.find("box 'mdat' at byte"), std::string::npos) << l.problem;
  EXPECT_NE(l.problem.find("claims 1008 bytes but the file ends"), std::string::npos) << l.problem;
  EXPECT_EQ(types(l), (std::vector<std::string>{"ftyp", "moov", "mdat"}));
  EXPECT_TRUE(l.faststart());
}

TEST(Mp4Boxes, TruncatedMoovChildIsAProblem) {
  Bytes m = moov({true});
  // The moov claims its full size but the file stops inside its first track.
  Bytes file = cat({kFtyp, m});
  file.resize(kFtyp.size() + 8 + kMvhd.size() + 12);
  const Mp4Layout l = walk_mp4_boxes(file);
  EXPECT_NE(l.problem.find("box 'moov'"), std::string::npos) << l.problem;
  EXPECT_EQ(l.edit_lists, 0);
}

TEST(Mp4Boxes, CutInsideABoxHeader) {
  Bytes file = cat({kFtyp, Bytes{0, 0, 0}});
  Mp4Layout l = walk_mp4_boxes(file);
  EXPECT_NE(l.problem.find("3 stray bytes"), std::string::npos) << l.problem;
  // A largesize header needs 16 bytes.
  file = cat({kFtyp, Bytes{0, 0, 0, 1, 'm', 'd', 'a', 't', 0, 0}});
  l = walk_mp4_boxes(file);
  EXPECT_NE(l.problem.find("cut off in its header"), std::string::npos) << l.problem;
}

TEST(Mp4Boxes, SizeZeroRunsToTheEnd) {
  Bytes last;
  put32(last, 0);
  put_type(last, "mdat");
  last = cat({last, payload(77)});
  const Mp4Layout l = walk_mp4_boxes(cat({kFtyp, moov({false}), last}));
  EXPECT_EQ(l.problem, "");
  ASSERT_EQ(l.boxes.size(), 3u);
  EXPECT_EQ(l.boxes[2].size, 85u);
  EXPECT_TRUE(l.faststart());
}

TEST(Mp4Boxes, LargesizeIsRead) {
  const Mp4Layout l = walk_mp4_boxes(cat({kFtyp, large_box("mdat", payload(50)), moov({true})}));
  EXPECT_EQ(l.problem, "");
  EXPECT_EQ(types(l), (std::vector<std::string>{"ftyp", "mdat", "moov"}));
  EXPECT_EQ(l.boxes[1].size, 66u);
  EXPECT_FALSE(l.faststart());
  EXPECT_EQ(l.edit_lists, 1);
}

TEST(Mp4Boxes, LargesizeMoovWithTracks) {
  Bytes inner = moov({true, true});
  inner.erase(inner.begin(), inner.begin() + 8);  // keep the children only
  const Mp4Layout l = walk_mp4_boxes(cat({kFtyp, large_box("moov", inner), box("mdat")}));
  EXPECT_EQ(l.problem, "");
  EXPECT_EQ(l.tracks, 2);
  EXPECT_EQ(l.edit_lists, 2);
  EXPECT_TRUE(l.faststart());
}

TEST(Mp4Boxes, HugeLargesizeIsAProblemNotARead) {
  Bytes big;
  put32(big, 1);
  put_type(big, "mdat");
  put64(big, 0xffffffffffffffffull);
  const Mp4Layout l = walk_mp4_boxes(cat({kFtyp, big}));
  EXPECT_NE(l.problem.find("claims 18446744073709551615 bytes"), std::string::npos) << l.problem;
}

TEST(Mp4Boxes, SizeSmallerThanHeaderIsAProblem) {
  Bytes bad;
  put32(bad, 4);
  put_type(bad, "free");
  Mp4Layout l = walk_mp4_boxes(cat({kFtyp, bad, box("mdat")}));
  EXPECT_NE(l.problem.find("less than its own header"), std::string::npos) << l.problem;
  Bytes bad_large;
  put32(bad_large, 1);
  put_type(bad_large, "free");
  put64(bad_large, 12);
  l = walk_mp4_boxes(cat({kFtyp, bad_large, box("mdat")}));
  EXPECT_NE(l.problem.find("less than its own header"), std::string::npos) << l.problem;
}

TEST(Mp4Boxes, NotAnMp4) {
  const Bytes jpeg{0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1};
  const Mp4Layout l = walk_mp4_boxes(jpeg);
  EXPECT_NE(l.problem.find("not an MP4 file"), std::string::npos) << l.problem;
  EXPECT_TRUE(walk_mp4_boxes({}).boxes.empty());
  EXPECT_EQ(walk_mp4_boxes({}).problem, "");
}

TEST(Mp4Boxes, NonPrintableTypesAreShownSafely) {
  Bytes odd;
  put32(odd, 8 + 4);
  odd.insert(odd.end(), {'\x1b', '[', '2', 'J'});
  const Mp4Layout l = walk_mp4_boxes(cat({kFtyp, odd, payload(2)}));
  ASSERT_EQ(l.boxes.size(), 2u);
  EXPECT_EQ(l.boxes[1].type, "?[2J");
}

TEST(Mp4Boxes, BoxCountIsCapped) {
  Bytes file = kFtyp;
  const Bytes free_box = box("free");
  for (int i = 0; i < kMp4MaxBoxes + 5; ++i)
    file.insert(file.end(), free_box.begin(), free_box.end());
  const Mp4Layout l = walk_mp4_boxes(file);
  EXPECT_NE(l.problem.find("more than 100000 boxes"), std::string::npos) << l.problem;
  EXPECT_LE(l.boxes.size(), static_cast<std::size_t>(kMp4MaxBoxes));
}

TEST(Mp4Boxes, ReadsAFileLikeABuffer) {
  test::TempDir dir("mp4boxes");
  const Bytes bytes = cat({kFtyp, box("mdat", payload(64)), moov({true})});
  const std::string path = dir / "a.mp4";
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  const Result<Mp4Layout> l = read_mp4_layout(path);
  ASSERT_TRUE(l) << l.error().to_string();
  EXPECT_EQ(types(*l), (std::vector<std::string>{"ftyp", "mdat", "moov"}));
  EXPECT_EQ(l->edit_lists, 1);
  EXPECT_FALSE(l->faststart());

  const Result<Mp4Layout> missing = read_mp4_layout(dir / "none.mp4");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().context.file, dir / "none.mp4");
  EXPECT_FALSE(read_mp4_layout(dir.path().string()));  // a folder
}

}  // namespace
}  // namespace saluran
