// The H.264 IDR scan of the packet survey, on hand-built access units, and the survey's errors.

#include "codecs/av/packet_survey.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {

using Bytes = std::vector<std::uint8_t>;

// NAL headers: 0x09 access unit delimiter, 0x67 SPS, 0x06 SEI, 0x65 IDR slice, 0x41 non-IDR.
Bytes avcc(const std::vector<Bytes>& nals, int length_size) {
  Bytes out;
  for (const Bytes& nal : nals) {
    for (int k = length_size - 1; k >= 0; --k)
      out.push_back(static_cast<std::uint8_t>(nal.size() >> (8 * k)));
    out.insert(out.end(), nal.begin(), nal.end());
  }
  return out;
}

TEST(PacketSurveyH264, FindsIdrInLengthPrefixedUnits) {
  const std::vector<Bytes> idr{{0x09, 0x10}, {0x06, 0x05, 0x01}, {0x65, 0x88, 0x84, 0x00}};
  const std::vector<Bytes> non_idr{{0x09, 0x10}, {0x06, 0x06, 0x01}, {0x41, 0x9a, 0x02}};
  for (int size : {1, 2, 4}) {
    EXPECT_TRUE(h264_has_idr(avcc(idr, size), size)) << size;
    EXPECT_FALSE(h264_has_idr(avcc(non_idr, size), size)) << size;
  }
}

TEST(PacketSurveyH264, NalTypeIgnoresTheReferenceBits) {
  EXPECT_TRUE(h264_has_idr(avcc({{0x25, 0x00}}, 4), 4));   // nal_ref_idc 1, type 5
  EXPECT_FALSE(h264_has_idr(avcc({{0x21, 0x00}}, 4), 4));  // type 1
}

TEST(PacketSurveyH264, LengthPastTheEndStopsTheScan) {
  Bytes au = avcc({{0x41, 0x00}}, 4);
  au.insert(au.end(), {0x00, 0x00, 0x10, 0x00, 0x65, 0x00});  // claims 4096 bytes, has 2
  EXPECT_FALSE(h264_has_idr(au, 4));
  EXPECT_FALSE(h264_has_idr({}, 4));
  EXPECT_FALSE(h264_has_idr(Bytes{0x00, 0x00, 0x00}, 4));
  EXPECT_FALSE(h264_has_idr(avcc({{0x65}}, 4), 3 + 4));  // not a length size
  // Zero-length units are skipped, not looped on.
  EXPECT_TRUE(h264_has_idr(Bytes{0, 0, 0, 0, 0, 0, 0, 1, 0x65}, 4));
}

TEST(PacketSurveyH264, FindsIdrAfterAnnexBStartCodes) {
  const Bytes idr{0x00, 0x00, 0x00, 0x01, 0x67, 0x64, 0x00, 0x1f, 0x00, 0x00, 0x01, 0x65, 0x88};
  const Bytes non_idr{0x00, 0x00, 0x00, 0x01, 0x09, 0x10, 0x00, 0x00, 0x01, 0x41, 0x9a};
  EXPECT_TRUE(h264_has_idr(idr, 0));
  EXPECT_FALSE(h264_has_idr(non_idr, 0));
  EXPECT_FALSE(h264_has_idr(Bytes{0x00, 0x00, 0x01}, 0));  // start code with no header after it
}

TEST(PacketSurvey, MissingFileIsAnErrorNamingIt) {
  test::TempDir dir("survey");
  const auto s = survey_packets(dir / "none.mp4", InputLimits{});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kNotFound);
  EXPECT_NE(s.error().to_string().find("none.mp4"), std::string::npos);
}

}  // namespace
}  // namespace saluran
