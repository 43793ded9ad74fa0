#include "codecs/meta/exif_reader.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace saluran {
namespace {

// ---------------------------------------------------------------------------------------------
// A minimal TIFF/EXIF writer: IFD0, an optional EXIF sub-IFD and an optional GPS sub-IFD, laid
// out one after the other, each followed by the values that do not fit in 4 bytes.

enum TiffType : std::uint16_t { kByte = 1, kAscii = 2, kShort = 3, kLong = 4, kRational = 5 };

struct Entry {
  std::uint16_t tag;
  std::uint16_t type;
  std::uint32_t count;
  std::vector<std::uint8_t> data;  // already in the file's byte order
};

class Tiff {
 public:
  explicit Tiff(bool big_endian) : big_(big_endian) {}

  Tiff& ascii(std::vector<Entry>& ifd, std::uint16_t tag, std::string_view s) {
    std::vector<std::uint8_t> d(s.begin(), s.end());
    d.push_back(0);
    ifd.push_back({tag, kAscii, static_cast<std::uint32_t>(d.size()), d});
    return *this;
  }
  Tiff& short_(std::vector<Entry>& ifd, std::uint16_t tag, std::uint16_t v) {
    std::vector<std::uint8_t> d;
    put16(d, v);
    ifd.push_back({tag, kShort, 1, d});
    return *this;
  }
  Tiff& long_(std::vector<Entry>& ifd, std::uint16_t tag, std::uint32_t v) {
    std::vector<std::uint8_t> d;
    put32(d, v);
    ifd.push_back({tag, kLong, 1, d});
    return *this;
  }
  Tiff& bytes(std::vector<Entry>& ifd, std::uint16_t tag, std::vector<std::uint8_t> v) {
    const auto n = static_cast<std::uint32_t>(v.size());
    ifd.push_back({tag, kByte, n, std::move(v)});
    return *this;
  }
  Tiff& rationals(std::vector<Entry>& ifd, std::uint16_t tag,
                  std::vector<std::pair<std::uint32_t, std::uint32_t>> v) {
    std::vector<std::uint8_t> d;
    for (auto [num, den] : v) {
      put32(d, num);
      put32(d, den);
    }
    ifd.push_back({tag, kRational, static_cast<std::uint32_t>(v.size()), d});
    return *this;
  }

  std::vector<Entry> ifd0;
  std::vector<Entry> exif;
  std::vector<Entry> gps;

  /// The TIFF structure ("II*\0..." or "MM\0*..."), optionally behind "Exif\0\0".
  std::vector<std::uint8_t> build(bool exif_prefix = false) const {
    std::vector<Entry> zero = ifd0;
    std::vector<Entry> sub_exif = exif;
    std::vector<Entry> sub_gps = gps;
    // Pointers first with placeholder values so that the sizes are known.
    if (!sub_exif.empty()) zero.push_back({0x8769, kLong, 1, {0, 0, 0, 0}});
    if (!sub_gps.empty()) zero.push_back({0x8825, kLong, 1, {0, 0, 0, 0}});
    const std::uint32_t at0 = 8;
    const std::uint32_t at_exif = at0 + size_of(zero);
    const std::uint32_t at_gps = at_exif + (sub_exif.empty() ? 0 : size_of(sub_exif));
    for (Entry& e : zero) {
      if (e.tag == 0x8769) e.data = enc32(at_exif);
      if (e.tag == 0x8825) e.data = enc32(at_gps);
    }
    std::vector<std::uint8_t> out;
    if (big_) {
      out = {'M', 'M', 0, 42};
    } else {
      out = {'I', 'I', 42, 0};
    }
    put32(out, at0);
    write_ifd(out, zero);
    if (!sub_exif.empty()) write_ifd(out, sub_exif);
    if (!sub_gps.empty()) write_ifd(out, sub_gps);
    if (exif_prefix) out.insert(out.begin(), {'E', 'x', 'i', 'f', 0, 0});
    return out;
  }

  void put16(std::vector<std::uint8_t>& d, std::uint16_t v) const {
    if (big_) {
      d.insert(d.end(), {static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)});
    } else {
      d.insert(d.end(), {static_cast<std::uint8_t>(v), static_cast<std::uint8_t>(v >> 8)});
    }
  }
  void put32(std::vector<std::uint8_t>& d, std::uint32_t v) const {
    if (big_) {
      put16(d, static_cast<std::uint16_t>(v >> 16));
      put16(d, static_cast<std::uint16_t>(v));
    } else {
      put16(d, static_cast<std::uint16_t>(v));
      put16(d, static_cast<std::uint16_t>(v >> 16));
    }
  }

 private:
  std::vector<std::uint8_t> enc32(std::uint32_t v) const {
    std::vector<std::uint8_t> d;
    put32(d, v);
    return d;
  }
  static std::uint32_t padded(std::size_t n) { return static_cast<std::uint32_t>((n + 1) & ~1u); }
  static std::uint32_t size_of(const std::vector<Entry>& ifd) {
    std::uint32_t n = 2 + 12 * static_cast<std::uint32_t>(ifd.size()) + 4;
    for (const Entry& e : ifd)
      if (e.data.size() > 4) n += padded(e.data.size());
    return n;
  }
  void write_ifd(std::vector<std::uint8_t>& out, std::vector<Entry> ifd) const {
    std::sort(ifd.begin(), ifd.end(), [](const Entry& a, const Entry& b) { return a.tag < b.tag; });
    const auto start = static_cast<std::uint32_t>(out.size());
    std::uint32_t data_at = start + 2 + 12 * static_cast<std::uint32_t>(ifd.size()) + 4;
    std::vector<std::uint8_t> data;
    put16(out, static_cast<std::uint16_t>(ifd.size()));
    for (const Entry& e : ifd) {
      put16(out, e.tag);
      put16(out, e.type);
      put32(out, e.count);
      if (e.data.size() <= 4) {
        std::vector<std::uint8_t> v = e.data;
        v.resize(4, 0);
        out.insert(out.end(), v.begin(), v.end());
      } else {
        put32(out, data_at + static_cast<std::uint32_t>(data.size()));
        data.insert(data.end(), e.data.begin(), e.data.end());
        data.resize(padded(data.size()), 0);
      }
    }
    put32(out, 0);  // no next IFD
    out.insert(out.end(), data.begin(), data.end());
  }

  bool big_;
};

// Tag numbers.
constexpr std::uint16_t kMake = 0x010F;
constexpr std::uint16_t kModel = 0x0110;
constexpr std::uint16_t kOrientation = 0x0112;
constexpr std::uint16_t kDateTime = 0x0132;
constexpr std::uint16_t kDateTimeOriginal = 0x9003;
constexpr std::uint16_t kOffsetTime = 0x9010;
constexpr std::uint16_t kOffsetTimeOriginal = 0x9011;
constexpr std::uint16_t kGpsVersion = 0x0000;
constexpr std::uint16_t kGpsLatRef = 0x0001;
constexpr std::uint16_t kGpsLat = 0x0002;
constexpr std::uint16_t kGpsLonRef = 0x0003;
constexpr std::uint16_t kGpsLon = 0x0004;
constexpr std::uint16_t kGpsAltRef = 0x0005;
constexpr std::uint16_t kGpsAlt = 0x0006;

/// A DJI drone photo (orientation 6, GPS south and west unless told otherwise).
Tiff drone_photo(bool big_endian, std::string_view lat_ref = "S", std::string_view lon_ref = "W") {
  Tiff t(big_endian);
  t.ascii(t.ifd0, kMake, "DJI")
      .ascii(t.ifd0, kModel, "FC3411")
      .short_(t.ifd0, kOrientation, 6)
      .ascii(t.ifd0, kDateTime, "2024:05:01 09:30:12");
  t.ascii(t.exif, kDateTimeOriginal, "2024:05:01 09:30:12");
  t.bytes(t.gps, kGpsVersion, {2, 3, 0, 0})
      .ascii(t.gps, kGpsLatRef, lat_ref)
      .rationals(t.gps, kGpsLat, {{6, 1}, {55, 1}, {300, 100}})  // 6°55'3" = 6.9175
      .ascii(t.gps, kGpsLonRef, lon_ref)
      .rationals(t.gps, kGpsLon, {{107, 1}, {36, 1}, {4476, 100}})  // 107°36'44.76" = 107.6124
      .bytes(t.gps, kGpsAltRef, {0})
      .rationals(t.gps, kGpsAlt, {{7685, 10}});
  return t;
}

constexpr double kLat = 6.0 + 55.0 / 60 + 3.0 / 3600;
constexpr double kLon = 107.0 + 36.0 / 60 + 44.76 / 3600;

void expect_drone_photo(const ExifFacts& f) {
  EXPECT_TRUE(f.found);
  EXPECT_EQ(f.orientation, 6);
  EXPECT_EQ(f.meta.make, "DJI");
  EXPECT_EQ(f.meta.model, "FC3411");
  EXPECT_EQ(f.meta.device_class, DeviceClass::kDrone);
  EXPECT_EQ(f.meta.capture_time, "2024-05-01T09:30:12");
  EXPECT_EQ(f.meta.capture_time_source, "exif");
  ASSERT_TRUE(f.meta.gps.has_value());
  EXPECT_NEAR(f.meta.gps->latitude, -kLat, 1e-9);
  EXPECT_NEAR(f.meta.gps->longitude, -kLon, 1e-9);
  ASSERT_TRUE(f.meta.gps->altitude_m.has_value());
  EXPECT_NEAR(*f.meta.gps->altitude_m, 768.5, 1e-9);
  EXPECT_TRUE(f.warnings.empty()) << f.warnings.front();
}

// ---------------------------------------------------------------------------------------------
// exif_datetime_to_iso

TEST(ExifDatetimeToIso, Valid) {
  EXPECT_EQ(exif_datetime_to_iso("2024:05:01 09:30:12", ""), "2024-05-01T09:30:12");
  EXPECT_EQ(exif_datetime_to_iso("1999:12:31 23:59:59", ""), "1999-12-31T23:59:59");
  EXPECT_EQ(exif_datetime_to_iso("2000:01:01 00:00:00", ""), "2000-01-01T00:00:00");
}

TEST(ExifDatetimeToIso, WithOffsets) {
  EXPECT_EQ(exif_datetime_to_iso("2024:05:01 09:30:12", "+07:00"), "2024-05-01T09:30:12+07:00");
  EXPECT_EQ(exif_datetime_to_iso("2024:05:01 09:30:12", "-05:00"), "2024-05-01T09:30:12-05:00");
  EXPECT_EQ(exif_datetime_to_iso("2024:05:01 09:30:12", "+00:00"), "2024-05-01T09:30:12+00:00");
  EXPECT_EQ(exif_datetime_to_iso("2024:05:01 09:30:12", "+05:30"), "2024-05-01T09:30:12+05:30");
}

TEST(ExifDatetimeToIso, MalformedOffsetsAreIgnored) {
  const std::string plain = "2024:05:01 09:30:12";
  for (std::string_view off : {"+0700", "07:00", "+7:00", "Z", "+07:00:00", "+07", "   :  ",
                               "+07-00", "07:00+", "*07:00"}) {
    EXPECT_EQ(exif_datetime_to_iso(plain, off), "2024-05-01T09:30:12") << "offset " << off;
  }
}

// Known bug (reported): only the sign, the length and the colon of the offset are checked, so
// "+ab:cd" is appended to the time. Enable when the offset digits and ranges are checked.
TEST(ExifDatetimeToIso, OffsetWithNonDigitsIsIgnored) {
  // Shape "+hh:mm" but not digits, or beyond any real zone: not an offset.
  const std::string plain = "2024:05:01 09:30:12";
  for (std::string_view off : {"+ab:cd", "+  :  ", "-0x:00", "+99:99", "+07:60"}) {
    EXPECT_EQ(exif_datetime_to_iso(plain, off), "2024-05-01T09:30:12") << "offset " << off;
  }
}

TEST(ExifDatetimeToIso, BadMonthDayOrHour) {
  EXPECT_EQ(exif_datetime_to_iso("2024:00:01 09:30:12", ""), "");
  EXPECT_EQ(exif_datetime_to_iso("2024:13:01 09:30:12", ""), "");
  EXPECT_EQ(exif_datetime_to_iso("2024:99:01 09:30:12", ""), "");
  EXPECT_EQ(exif_datetime_to_iso("2024:05:00 09:30:12", ""), "");
  EXPECT_EQ(exif_datetime_to_iso("2024:05:32 09:30:12", ""), "");
  EXPECT_EQ(exif_datetime_to_iso("2024:05:01 24:00:00", ""), "");
  EXPECT_EQ(exif_datetime_to_iso("2024:05:01 99:30:12", "+07:00"), "");
}

// Known bug (reported): minutes and seconds are not range-checked. Enable when they are.
TEST(ExifDatetimeToIso, BadMinuteOrSecond) {
  EXPECT_EQ(exif_datetime_to_iso("2024:05:01 09:60:12", ""), "");
  EXPECT_EQ(exif_datetime_to_iso("2024:05:01 09:99:12", ""), "");
  EXPECT_EQ(exif_datetime_to_iso("2024:05:01 09:30:61", ""), "");
}

TEST(ExifDatetimeToIso, ShortStrings) {
  EXPECT_EQ(exif_datetime_to_iso("", ""), "");
  EXPECT_EQ(exif_datetime_to_iso("", "+07:00"), "");
  EXPECT_EQ(exif_datetime_to_iso("2024:05:01", ""), "");
  EXPECT_EQ(exif_datetime_to_iso("2024:05:01 09:30", ""), "");
  EXPECT_EQ(exif_datetime_to_iso("2024:05:01 09:30:1", ""), "");  // 18 characters
}

TEST(ExifDatetimeToIso, NonDigits) {
  EXPECT_EQ(exif_datetime_to_iso("2024:05:0a 09:30:12", ""), "");
  EXPECT_EQ(exif_datetime_to_iso("YYYY:MM:DD HH:MM:SS", ""), "");
  EXPECT_EQ(exif_datetime_to_iso("    :  :     :  :  ", ""), "");  // EXIF's "unknown" form
  EXPECT_EQ(exif_datetime_to_iso("2024:05:01 09:30:1x", ""), "");
  EXPECT_EQ(exif_datetime_to_iso("-024:05:01 09:30:12", ""), "");
  EXPECT_EQ(exif_datetime_to_iso(std::string_view("2024:05:01 09:3\0:12", 19), ""), "");
}

TEST(ExifDatetimeToIso, AllZeroIsEmpty) {
  EXPECT_EQ(exif_datetime_to_iso("0000:00:00 00:00:00", ""), "");
  EXPECT_EQ(exif_datetime_to_iso("0000:00:00 00:00:00", "+07:00"), "");
}

// ---------------------------------------------------------------------------------------------
// read_exif on hand-made blocks

TEST(ReadExif, LittleEndian) {
  const auto block = drone_photo(false).build();
  ASSERT_EQ(block[0], 'I');
  expect_drone_photo(read_exif(block));
}

TEST(ReadExif, BigEndian) {
  const auto block = drone_photo(true).build();
  ASSERT_EQ(block[0], 'M');
  expect_drone_photo(read_exif(block));
}

TEST(ReadExif, WithAndWithoutExifPrefix) {
  for (bool big : {false, true}) {
    SCOPED_TRACE(big ? "big-endian" : "little-endian");
    const auto bare = drone_photo(big).build(false);
    const auto framed = drone_photo(big).build(true);
    ASSERT_EQ(framed.size(), bare.size() + 6);
    expect_drone_photo(read_exif(bare));
    expect_drone_photo(read_exif(framed));
  }
}

TEST(ReadExif, NorthEastIsPositive) {
  for (bool big : {false, true}) {
    const ExifFacts f = read_exif(drone_photo(big, "N", "E").build());
    ASSERT_TRUE(f.meta.gps.has_value());
    EXPECT_NEAR(f.meta.gps->latitude, kLat, 1e-9);
    EXPECT_NEAR(f.meta.gps->longitude, kLon, 1e-9);
  }
}

TEST(ReadExif, MixedHemispheres) {
  const ExifFacts sw = read_exif(drone_photo(false, "N", "W").build());
  ASSERT_TRUE(sw.meta.gps.has_value());
  EXPECT_GT(sw.meta.gps->latitude, 0);
  EXPECT_LT(sw.meta.gps->longitude, 0);
  const ExifFacts se = read_exif(drone_photo(true, "S", "E").build());
  ASSERT_TRUE(se.meta.gps.has_value());
  EXPECT_LT(se.meta.gps->latitude, 0);
  EXPECT_GT(se.meta.gps->longitude, 0);
}

TEST(ReadExif, LowerCaseRefsAreHonoured) {
  const ExifFacts f = read_exif(drone_photo(false, "s", "w").build());
  ASSERT_TRUE(f.meta.gps.has_value());
  EXPECT_LT(f.meta.gps->latitude, 0);
  EXPECT_LT(f.meta.gps->longitude, 0);
}

TEST(ReadExif, MissingRefsArePositive) {
  Tiff t(false);
  t.ascii(t.ifd0, kMake, "Apple");
  t.rationals(t.gps, kGpsLat, {{43, 1}, {28, 1}, {281, 100}})
      .rationals(t.gps, kGpsLon, {{11, 1}, {53, 1}, {646, 100}});
  const ExifFacts f = read_exif(t.build());
  ASSERT_TRUE(f.meta.gps.has_value());
  EXPECT_NEAR(f.meta.gps->latitude, 43.467447, 1e-6);
  EXPECT_NEAR(f.meta.gps->longitude, 11.885128, 1e-6);
  EXPECT_FALSE(f.meta.gps->altitude_m.has_value());
}

TEST(ReadExif, AltitudeBelowSeaLevel) {
  Tiff t = drone_photo(true);
  for (Entry& e : t.gps)
    if (e.tag == kGpsAltRef) e.data = {1};
  const ExifFacts f = read_exif(t.build());
  ASSERT_TRUE(f.meta.gps.has_value());
  EXPECT_NEAR(f.meta.gps->altitude_m.value_or(0), -768.5, 1e-9);
}

TEST(ReadExif, ZeroZeroPlaceholderIsNoPosition) {
  Tiff t(false);
  t.ascii(t.ifd0, kMake, "Canon");
  t.ascii(t.gps, kGpsLatRef, "N")
      .rationals(t.gps, kGpsLat, {{0, 1}, {0, 1}, {0, 1}})
      .ascii(t.gps, kGpsLonRef, "E")
      .rationals(t.gps, kGpsLon, {{0, 1}, {0, 1}, {0, 1}});
  const ExifFacts f = read_exif(t.build());
  EXPECT_TRUE(f.found);
  EXPECT_FALSE(f.meta.gps.has_value());
}

TEST(ReadExif, ZeroDenominatorIsNoPosition) {
  Tiff t(false);
  t.ascii(t.ifd0, kMake, "Canon");
  t.rationals(t.gps, kGpsLat, {{43, 0}, {28, 1}, {0, 1}})
      .rationals(t.gps, kGpsLon, {{11, 1}, {53, 1}, {0, 1}});
  const ExifFacts f = read_exif(t.build());
  EXPECT_TRUE(f.found);
  EXPECT_FALSE(f.meta.gps.has_value());
}

TEST(ReadExif, OutOfRangeCoordinatesAreNoPosition) {
  Tiff t(false);
  t.ascii(t.ifd0, kMake, "Canon");
  t.rationals(t.gps, kGpsLat, {{91, 1}, {0, 1}, {0, 1}})
      .rationals(t.gps, kGpsLon, {{11, 1}, {53, 1}, {0, 1}});
  EXPECT_FALSE(read_exif(t.build()).meta.gps.has_value());
  Tiff u(true);
  u.ascii(u.ifd0, kMake, "Canon");
  u.rationals(u.gps, kGpsLat, {{43, 1}, {0, 1}, {0, 1}})
      .rationals(u.gps, kGpsLon, {{180, 1}, {30, 1}, {0, 1}});
  EXPECT_FALSE(read_exif(u.build()).meta.gps.has_value());
}

TEST(ReadExif, TooFewRationalsIsNoPosition) {
  Tiff t(false);
  t.ascii(t.ifd0, kMake, "Canon");
  t.rationals(t.gps, kGpsLat, {{43, 1}, {28, 1}}).rationals(t.gps, kGpsLon, {{11, 1}, {53, 1}});
  EXPECT_FALSE(read_exif(t.build()).meta.gps.has_value());
}

TEST(ReadExif, OnlyLatitudeIsNoPosition) {
  Tiff t(false);
  t.ascii(t.ifd0, kMake, "Canon");
  t.rationals(t.gps, kGpsLat, {{43, 1}, {28, 1}, {0, 1}});
  EXPECT_FALSE(read_exif(t.build()).meta.gps.has_value());
}

TEST(ReadExif, AllOrientations) {
  for (std::uint16_t o = 1; o <= 8; ++o) {
    for (bool big : {false, true}) {
      Tiff t(big);
      t.ascii(t.ifd0, kMake, "Canon").short_(t.ifd0, kOrientation, o);
      const ExifFacts f = read_exif(t.build());
      EXPECT_TRUE(f.found);
      EXPECT_EQ(f.orientation, o);
      EXPECT_TRUE(f.warnings.empty());
    }
  }
}

TEST(ReadExif, InvalidOrientationIsWarningAndTakenAsOne) {
  for (std::uint16_t o : {0, 9, 255, 0x0600, 0xFFFF}) {
    Tiff t(false);
    t.ascii(t.ifd0, kMake, "Canon").short_(t.ifd0, kOrientation, o);
    const ExifFacts f = read_exif(t.build());
    EXPECT_TRUE(f.found);
    EXPECT_EQ(f.orientation, 1) << o;
    ASSERT_EQ(f.warnings.size(), 1u) << o;
    EXPECT_NE(f.warnings[0].find("orientation"), std::string::npos) << f.warnings[0];
    EXPECT_NE(f.warnings[0].find(std::to_string(o)), std::string::npos) << f.warnings[0];
  }
}

TEST(ReadExif, OrientationOfWrongTypeIsIgnored) {
  Tiff t(false);
  t.ascii(t.ifd0, kMake, "Canon").ascii(t.ifd0, kOrientation, "6");
  const ExifFacts f = read_exif(t.build());
  EXPECT_TRUE(f.found);
  EXPECT_EQ(f.orientation, 1);
}

TEST(ReadExif, NoOrientationIsOne) {
  Tiff t(true);
  t.ascii(t.ifd0, kMake, "Canon");
  const ExifFacts f = read_exif(t.build());
  EXPECT_TRUE(f.found);
  EXPECT_EQ(f.orientation, 1);
  EXPECT_TRUE(f.warnings.empty());
}

TEST(ReadExif, MakeAndModelAreTrimmed) {
  Tiff t(false);
  t.ascii(t.ifd0, kMake, "NIKON CORPORATION   ").ascii(t.ifd0, kModel, "  NIKON D70\t");
  const ExifFacts f = read_exif(t.build());
  EXPECT_EQ(f.meta.make, "NIKON CORPORATION");
  EXPECT_EQ(f.meta.model, "NIKON D70");
  EXPECT_EQ(f.meta.device_class, DeviceClass::kCamera);
}

TEST(ReadExif, AsciiWithoutTerminatorAndControlCharacters) {
  Tiff t(false);
  t.ascii(t.ifd0, kMake, "Apple");
  // Model of 8 characters with no NUL, and one with a control character inside.
  t.ifd0.push_back({kModel, kAscii, 8, {'i', 'P', 'h', 'o', 'n', 'e', ' ', '8'}});
  const ExifFacts f = read_exif(t.build());
  EXPECT_EQ(f.meta.model, "iPhone 8");
  EXPECT_EQ(f.meta.device_class, DeviceClass::kPhone);

  Tiff u(false);
  u.ascii(u.ifd0, kMake, "Goo\x01gle").ascii(u.ifd0, kModel, "Pixel 7");
  EXPECT_EQ(read_exif(u.build()).meta.make, "Google");
}

TEST(ReadExif, EmptyMakeAndModel) {
  Tiff t(false);
  t.ascii(t.ifd0, kMake, "").ascii(t.ifd0, kModel, "    ").short_(t.ifd0, kOrientation, 3);
  const ExifFacts f = read_exif(t.build());
  EXPECT_TRUE(f.found);
  EXPECT_EQ(f.meta.make, "");
  EXPECT_EQ(f.meta.model, "");
  EXPECT_EQ(f.meta.device_class, DeviceClass::kUnknown);
  EXPECT_EQ(f.orientation, 3);
}

TEST(ReadExif, CaptureTimeWithOffsetOriginal) {
  for (bool big : {false, true}) {
    Tiff t(big);
    t.ascii(t.ifd0, kMake, "Apple").ascii(t.ifd0, kModel, "iPhone 13 Pro Max");
    t.ascii(t.exif, kDateTimeOriginal, "2024:05:01 09:30:12")
        .ascii(t.exif, kOffsetTimeOriginal, "+07:00");
    const ExifFacts f = read_exif(t.build());
    EXPECT_EQ(f.meta.capture_time, "2024-05-01T09:30:12+07:00");
    EXPECT_EQ(f.meta.capture_time_source, "exif");
  }
}

TEST(ReadExif, CaptureTimeFallsBackToDateTimeWithOffsetTime) {
  Tiff t(false);
  t.ascii(t.ifd0, kMake, "Apple").ascii(t.ifd0, kDateTime, "2023:12:31 23:59:58");
  t.ascii(t.exif, kOffsetTime, "-05:00");
  const ExifFacts f = read_exif(t.build());
  EXPECT_EQ(f.meta.capture_time, "2023-12-31T23:59:58-05:00");
  EXPECT_EQ(f.meta.capture_time_source, "exif");
}

TEST(ReadExif, OriginalBeatsDateTime) {
  Tiff t(true);
  t.ascii(t.ifd0, kMake, "Canon").ascii(t.ifd0, kDateTime, "2024:06:01 10:00:00");
  t.ascii(t.exif, kDateTimeOriginal, "2024:05:01 09:30:12");
  EXPECT_EQ(read_exif(t.build()).meta.capture_time, "2024-05-01T09:30:12");
}

TEST(ReadExif, InvalidCaptureTimeIsWarning) {
  Tiff t(false);
  t.ascii(t.ifd0, kMake, "Canon");
  t.ascii(t.exif, kDateTimeOriginal, "0000:00:00 00:00:00");
  const ExifFacts f = read_exif(t.build());
  EXPECT_TRUE(f.found);
  EXPECT_EQ(f.meta.capture_time, "");
  EXPECT_EQ(f.meta.capture_time_source, "");
  ASSERT_EQ(f.warnings.size(), 1u);
  EXPECT_NE(f.warnings[0].find("0000:00:00"), std::string::npos) << f.warnings[0];
}

TEST(ReadExif, NoCaptureTimeIsNoWarning) {
  Tiff t(false);
  t.ascii(t.ifd0, kMake, "Canon");
  const ExifFacts f = read_exif(t.build());
  EXPECT_EQ(f.meta.capture_time, "");
  EXPECT_TRUE(f.warnings.empty());
}

// ---------------------------------------------------------------------------------------------
// damaged blocks: never a crash, found=false when nothing is readable

TEST(ReadExif, EmptyAndTinyBlocks) {
  EXPECT_FALSE(read_exif({}).found);
  const std::vector<std::uint8_t> tiny = {'I', 'I', 42, 0, 8, 0, 0};
  EXPECT_FALSE(read_exif(tiny).found);
  const std::vector<std::uint8_t> prefix_only = {'E', 'x', 'i', 'f', 0, 0};
  EXPECT_FALSE(read_exif(prefix_only).found);
  const std::vector<std::uint8_t> prefix_and_header = {'E', 'x', 'i', 'f', 0, 0, 'M', 'M', 0, 42};
  EXPECT_FALSE(read_exif(prefix_and_header).found);
}

TEST(ReadExif, HeaderOnlyIsNotFound) {
  const std::vector<std::uint8_t> header = {'I', 'I', 42, 0, 8, 0, 0, 0};
  const ExifFacts f = read_exif(header);
  EXPECT_FALSE(f.found);
  EXPECT_EQ(f.orientation, 1);
}

TEST(ReadExif, Ifd0OffsetPastTheEnd) {
  auto block = drone_photo(false).build();
  block[4] = 0xF0;
  block[5] = 0xFF;
  block[6] = 0xFF;
  block[7] = 0x7F;
  const ExifFacts f = read_exif(block);
  EXPECT_FALSE(f.found);
  EXPECT_EQ(f.orientation, 1);
  EXPECT_FALSE(f.meta.gps.has_value());
}

TEST(ReadExif, HugeEntryCount) {
  auto block = drone_photo(true).build();
  block[8] = 0xFF;  // IFD0 claims 65535 entries
  block[9] = 0xFF;
  const ExifFacts f = read_exif(block);
  EXPECT_LE(f.orientation, 8);
}

TEST(ReadExif, SubIfdPointingAtItself) {
  // The EXIF IFD pointer points back at IFD0: a loop that must not hang or recurse forever.
  Tiff t(false);
  t.ascii(t.ifd0, kMake, "Canon").short_(t.ifd0, kOrientation, 8);
  t.ifd0.push_back({0x8769, kLong, 1, {8, 0, 0, 0}});
  t.ifd0.push_back({0x8825, kLong, 1, {8, 0, 0, 0}});
  const ExifFacts f = read_exif(t.build());
  EXPECT_TRUE(f.found);
  EXPECT_EQ(f.orientation, 8);
  EXPECT_EQ(f.meta.make, "Canon");
}

TEST(ReadExif, RandomBytes) {
  std::mt19937 rng(20240501);
  std::vector<std::uint8_t> b;
  for (int round = 0; round < 500; ++round) {
    b.resize(rng() % 600);
    for (auto& x : b) x = static_cast<std::uint8_t>(rng());
    const ExifFacts f = read_exif(b);
    EXPECT_FALSE(f.found) << "round " << round;
    EXPECT_EQ(f.orientation, 1);
  }
}

TEST(ReadExif, ValidHeaderThenRandomBytes) {
  std::mt19937 rng(7);
  for (int round = 0; round < 500; ++round) {
    std::vector<std::uint8_t> b;
    if (round % 3 == 0) b = {'E', 'x', 'i', 'f', 0, 0};
    const bool big = round % 2 == 0;
    if (big) {
      b.insert(b.end(), {'M', 'M', 0, 42, 0, 0, 0, 8});
    } else {
      b.insert(b.end(), {'I', 'I', 42, 0, 8, 0, 0, 0});
    }
    const std::size_t n = rng() % 400;
    for (std::size_t i = 0; i < n; ++i) b.push_back(static_cast<std::uint8_t>(rng()));
    const ExifFacts f = read_exif(b);
    EXPECT_GE(f.orientation, 1);
    EXPECT_LE(f.orientation, 8);
    if (f.meta.gps) {
      EXPECT_LE(std::abs(f.meta.gps->latitude), 90.0);
      EXPECT_LE(std::abs(f.meta.gps->longitude), 180.0);
    }
  }
}

TEST(ReadExif, EveryTruncationOfAValidBlock) {
  for (bool prefix : {false, true}) {
    for (bool big : {false, true}) {
      const auto full = drone_photo(big).build(prefix);
      for (std::size_t n = 0; n < full.size(); ++n) {
        const std::vector<std::uint8_t> cut(full.begin(), full.begin() + n);
        const ExifFacts f = read_exif(cut);
        const std::size_t tiff_bytes = n - (prefix ? std::min<std::size_t>(n, 6) : 0);
        if (tiff_bytes < 10) {
          EXPECT_FALSE(f.found) << n << " bytes";
        }
        EXPECT_TRUE(f.orientation == 1 || f.orientation == 6) << n << " bytes";
        if (f.meta.gps) {
          EXPECT_NEAR(f.meta.gps->latitude, -kLat, 1e-9);
        }
      }
    }
  }
}

TEST(ReadExif, EveryByteFlippedOnce) {
  const auto full = drone_photo(false).build(true);
  for (std::size_t i = 0; i < full.size(); ++i) {
    auto b = full;
    b[i] ^= 0xFF;
    const ExifFacts f = read_exif(b);
    EXPECT_GE(f.orientation, 1);
    EXPECT_LE(f.orientation, 8);
  }
}

}  // namespace
}  // namespace saluran
