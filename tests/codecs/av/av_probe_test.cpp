#include "codecs/av/av_probe.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace saluran {
namespace {

// ---------------------------------------------------------------------------------------------
// parse_iso6709

TEST(ParseIso6709, LatLonAlt) {
  const auto g = parse_iso6709("+43.4674+011.8851+100.000/");
  ASSERT_TRUE(g.has_value());
  EXPECT_DOUBLE_EQ(g->latitude, 43.4674);
  EXPECT_DOUBLE_EQ(g->longitude, 11.8851);
  ASSERT_TRUE(g->altitude_m.has_value());
  EXPECT_DOUBLE_EQ(*g->altitude_m, 100.0);
}

TEST(ParseIso6709, LatLonSouthEast) {
  const auto g = parse_iso6709("-6.9175+107.6191/");
  ASSERT_TRUE(g.has_value());
  EXPECT_DOUBLE_EQ(g->latitude, -6.9175);
  EXPECT_DOUBLE_EQ(g->longitude, 107.6191);
  EXPECT_FALSE(g->altitude_m.has_value());
}

TEST(ParseIso6709, NorthWestAndNegativeAltitude) {
  const auto g = parse_iso6709("+39.0513-094.2888-012.5/");
  ASSERT_TRUE(g.has_value());
  EXPECT_DOUBLE_EQ(g->latitude, 39.0513);
  EXPECT_DOUBLE_EQ(g->longitude, -94.2888);
  EXPECT_DOUBLE_EQ(g->altitude_m.value_or(0), -12.5);
}

TEST(ParseIso6709, CrsSuffix) {
  // Apple writes "+37.3318-122.0312+042.123/" or with a coordinate reference system.
  const auto a = parse_iso6709("+37.3318-122.0312+042.123CRSWGS_84/");
  ASSERT_TRUE(a.has_value());
  EXPECT_DOUBLE_EQ(a->latitude, 37.3318);
  EXPECT_DOUBLE_EQ(a->longitude, -122.0312);
  EXPECT_DOUBLE_EQ(a->altitude_m.value_or(0), 42.123);

  const auto b = parse_iso6709("+37.3318-122.0312CRSWGS_84/");
  ASSERT_TRUE(b.has_value());
  EXPECT_DOUBLE_EQ(b->latitude, 37.3318);
  EXPECT_DOUBLE_EQ(b->longitude, -122.0312);
  EXPECT_FALSE(b->altitude_m.has_value());
}

TEST(ParseIso6709, WithoutFinalSolidus) {
  const auto g = parse_iso6709("+43.4674+011.8851");
  ASSERT_TRUE(g.has_value());
  EXPECT_DOUBLE_EQ(g->latitude, 43.4674);
  EXPECT_DOUBLE_EQ(g->longitude, 11.8851);
}

TEST(ParseIso6709, Extremes) {
  const auto g = parse_iso6709("-90.0000+180.0000/");
  ASSERT_TRUE(g.has_value());
  EXPECT_DOUBLE_EQ(g->latitude, -90.0);
  EXPECT_DOUBLE_EQ(g->longitude, 180.0);
  const auto z = parse_iso6709("+00.0000+000.0000/");
  ASSERT_TRUE(z.has_value());
  EXPECT_DOUBLE_EQ(z->latitude, 0.0);
}

TEST(ParseIso6709, OutOfRange) {
  EXPECT_FALSE(parse_iso6709("+90.0001+011.8851/").has_value());
  EXPECT_FALSE(parse_iso6709("-91.0+011.8851/").has_value());
  EXPECT_FALSE(parse_iso6709("+43.4674+180.0001/").has_value());
  EXPECT_FALSE(parse_iso6709("+43.4674-200.0/").has_value());
  EXPECT_FALSE(parse_iso6709("+4328.04+01153.11/").has_value());  // degrees-minutes form
  EXPECT_FALSE(parse_iso6709("+1e999+011.8851/").has_value());    // infinity
}

// Known bug (reported): strtod accepts "nan" and std::fabs(NaN) > 90 is false, so a NaN
// position is returned. Enable when parse_iso6709 rejects non-finite values.
TEST(ParseIso6709, NotANumberIsRejected) {
  // strtod reads "nan"; a NaN latitude passes a "> 90" test and must not become a position.
  EXPECT_FALSE(parse_iso6709("+nan+011.8851/").has_value());
  EXPECT_FALSE(parse_iso6709("+43.4674-nan/").has_value());
  EXPECT_FALSE(parse_iso6709("+NAN(1)+NaN/").has_value());
}

TEST(ParseIso6709, Garbage) {
  EXPECT_FALSE(parse_iso6709("").has_value());
  EXPECT_FALSE(parse_iso6709("/").has_value());
  EXPECT_FALSE(parse_iso6709("+").has_value());
  EXPECT_FALSE(parse_iso6709("+-/").has_value());
  EXPECT_FALSE(parse_iso6709("hello").has_value());
  EXPECT_FALSE(parse_iso6709("43.4674+011.8851/").has_value());  // no leading sign
  EXPECT_FALSE(parse_iso6709("+43.4674/").has_value());          // latitude only
  EXPECT_FALSE(parse_iso6709("+43.4674 +011.8851/").has_value());
  EXPECT_FALSE(parse_iso6709("+43.4674,+011.8851/").has_value());
  EXPECT_FALSE(parse_iso6709("+43.4674+011.8851xyz").has_value());
  EXPECT_FALSE(parse_iso6709("CRSWGS_84/").has_value());
}

TEST(ParseIso6709, EmbeddedNulEndsTheText) {
  const std::string_view s("+43.4674\0+011.8851/", 19);
  EXPECT_FALSE(parse_iso6709(s).has_value());
}

// ---------------------------------------------------------------------------------------------
// normalise_container_time

TEST(NormaliseContainerTime, UtcWithFraction) {
  EXPECT_EQ(normalise_container_time("2025-03-14T02:15:30.000000Z"), "2025-03-14T02:15:30Z");
  EXPECT_EQ(normalise_container_time("2025-03-14T02:15:30.5Z"), "2025-03-14T02:15:30Z");
  EXPECT_EQ(normalise_container_time("2025-03-14T02:15:30Z"), "2025-03-14T02:15:30Z");
  EXPECT_EQ(normalise_container_time("2025-03-14T02:15:30z"), "2025-03-14T02:15:30Z");
}

TEST(NormaliseContainerTime, OffsetWithoutColon) {
  EXPECT_EQ(normalise_container_time("2025-03-14T10:15:00+0700"), "2025-03-14T10:15:00+07:00");
  EXPECT_EQ(normalise_container_time("2025-03-14T10:15:00-0500"), "2025-03-14T10:15:00-05:00");
  EXPECT_EQ(normalise_container_time("2025-03-14T10:15:00.123+0530"), "2025-03-14T10:15:00+05:30");
}

TEST(NormaliseContainerTime, OffsetWithColon) {
  EXPECT_EQ(normalise_container_time("2025-03-14T10:15:00+07:00"), "2025-03-14T10:15:00+07:00");
  EXPECT_EQ(normalise_container_time("2025-03-14T10:15:00-03:30"), "2025-03-14T10:15:00-03:30");
}

TEST(NormaliseContainerTime, SpaceSeparatedWithoutZone) {
  EXPECT_EQ(normalise_container_time("2025-03-14 02:15:30"), "2025-03-14T02:15:30");
  EXPECT_EQ(normalise_container_time("2025-03-14T02:15:30"), "2025-03-14T02:15:30");
}

TEST(NormaliseContainerTime, UnknownSuffixKeepsTheTime) {
  EXPECT_EQ(normalise_container_time("2025-03-14 02:15:30 UTC"), "2025-03-14T02:15:30");
}

TEST(NormaliseContainerTime, ZeroEpochsAreUnset) {
  EXPECT_EQ(normalise_container_time("1970-01-01T00:00:00Z"), "");
  EXPECT_EQ(normalise_container_time("1970-01-01T00:00:00.000000Z"), "");
  EXPECT_EQ(normalise_container_time("1970-01-01 00:00:00"), "");
  EXPECT_EQ(normalise_container_time("1904-01-01T00:00:00.000000Z"), "");
  EXPECT_EQ(normalise_container_time("1904-01-01 00:00:00"), "");
}

TEST(NormaliseContainerTime, Garbage) {
  EXPECT_EQ(normalise_container_time(""), "");
  EXPECT_EQ(normalise_container_time("now"), "");
  EXPECT_EQ(normalise_container_time("2025-03-14"), "");
  EXPECT_EQ(normalise_container_time("2025-03-14T02:15"), "");
  EXPECT_EQ(normalise_container_time("2025/03/14 02:15:30"), "");
  EXPECT_EQ(normalise_container_time("2025:03:14 02:15:30"), "");  // EXIF style
  EXPECT_EQ(normalise_container_time("2025-03-14X02:15:30"), "");
  EXPECT_EQ(normalise_container_time("2025-0a-14T02:15:30Z"), "");
  EXPECT_EQ(normalise_container_time("Fri Mar 14 02:15:30 2025"), "");
  EXPECT_EQ(normalise_container_time(std::string_view("2025-03-14T02:1\0:30Z", 20)), "");
}

// Known bug (reported): month, day, hour and minute are not range-checked, so these come back
// as "valid" ISO dates. Enable when normalise_container_time checks the ranges.
TEST(NormaliseContainerTime, OutOfRangeFieldsAreInvalid) {
  EXPECT_EQ(normalise_container_time("0000-00-00T00:00:00Z"), "");
  EXPECT_EQ(normalise_container_time("2025-13-14T02:15:30Z"), "");
  EXPECT_EQ(normalise_container_time("2025-03-32T02:15:30Z"), "");
  EXPECT_EQ(normalise_container_time("2025-03-14T25:15:30Z"), "");
  EXPECT_EQ(normalise_container_time("2025-03-14T02:61:30Z"), "");
}

}  // namespace
}  // namespace saluran
