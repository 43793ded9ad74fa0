#include "codecs/meta/dji_srt.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <utility>

#include "tests/support/paths.hpp"

namespace saluran {
namespace {

const std::string kDroneDir = test::source_dir() + "/../shared/corpus/drone/";
const std::string kBrokenDir = test::source_dir() + "/../shared/corpus/broken/";

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// ---------------------------------------------------------------------------------------------
// dji-srt-v1: HOME(lon,lat) date / GPS(lon,lat,satellites) BAROMETER:x

constexpr std::string_view kV1 =
    "1\n"
    "00:00:01,000 --> 00:00:02,000\n"
    "HOME(149.0251,-20.2532) 2017.08.05 14:11:51\n"
    "GPS(149.0251,-20.2533,16) BAROMETER:1.9\n"
    "ISO:100 Shutter:60 EV: Fnum:2.2\n"
    "\n"
    "2\n"
    "00:00:02,000 --> 00:00:03,000\n"
    "HOME(149.0251,-20.2532) 2017.08.05 14:11:52\n"
    "GPS(149.0260,-20.2540,15) BAROMETER:12.5\n"
    "ISO:100 Shutter:60 EV: Fnum:2.2\n";

TEST(DjiSrt, V1HomeGpsBarometer) {
  const auto r = parse_dji_srt(kV1, "v1.srt");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->format, "dji-srt-v1");
  EXPECT_EQ(r->frames, 2);
  EXPECT_DOUBLE_EQ(r->start_s, 1.0);
  EXPECT_DOUBLE_EQ(r->end_s, 3.0);
  EXPECT_EQ(r->first_time, "2017-08-05T14:11:51");
  EXPECT_EQ(r->last_time, "2017-08-05T14:11:52");
  ASSERT_TRUE(r->first_position.has_value());
  // GPS( gives the longitude first; the third value is a satellite count, not an altitude.
  EXPECT_DOUBLE_EQ(r->first_position->latitude, -20.2533);
  EXPECT_DOUBLE_EQ(r->first_position->longitude, 149.0251);
  EXPECT_DOUBLE_EQ(r->first_position->altitude_m.value_or(-1), 1.9);
  ASSERT_TRUE(r->last_position.has_value());
  EXPECT_DOUBLE_EQ(r->last_position->latitude, -20.2540);
  EXPECT_DOUBLE_EQ(r->last_position->longitude, 149.0260);
  EXPECT_DOUBLE_EQ(r->min_altitude_m.value_or(-1), 1.9);
  EXPECT_DOUBLE_EQ(r->max_altitude_m.value_or(-1), 12.5);
}

TEST(DjiSrt, V1OldFormatHbHsAndShortDate) {
  const std::string text =
      "1\n"
      "00:00:01,000 --> 00:00:02,000\n"
      "HOME(149.0251,-20.2532) 2017.8.5 14:11:51\n"
      "GPS(149.0251,-20.2533,16) Hb:1.9 Hs:2.5\n"
      "ISO:100 TV:60 EV: 0 IR:F2.8\n";
  const auto r = parse_dji_srt(text, "old.srt");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->format, "dji-srt-v1");
  EXPECT_EQ(r->first_time, "2017-08-05T14:11:51");
  EXPECT_DOUBLE_EQ(r->first_position->latitude, -20.2533);
  EXPECT_DOUBLE_EQ(r->first_position->altitude_m.value_or(-1), 1.9);  // Hb before Hs
}

TEST(DjiSrt, V1MavicMiniStyleLine) {
  const std::string text =
      "1\n"
      "00:00:00,000 --> 00:00:01,000\n"
      "F/2.8, SS 30.15, ISO 260, EV -1.7, GPS (-121.7458, 48.0771, 17), D 221.21m, H 200.70m, "
      "H.S n/a, V.S n/a \n"
      "\n";
  const auto r = parse_dji_srt(text, "mini.srt");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->format, "dji-srt-v1");
  EXPECT_TRUE(r->first_time.empty());
  EXPECT_DOUBLE_EQ(r->first_position->latitude, 48.0771);
  EXPECT_DOUBLE_EQ(r->first_position->longitude, -121.7458);
  EXPECT_DOUBLE_EQ(r->first_position->altitude_m.value_or(-1), 200.70);  // H, not D or 17
}

TEST(DjiSrt, V1LatitudeFirstWhenThirdValueHasMetreUnit) {
  // Matrice 300: date alone on a line, GPS(lat, lon, 0.0M), and a 60-second timing quirk.
  const std::string text =
      "60\n"
      "00:00:59,000 --> 00:00:60,000\n"
      "2022.06.21 16:07:16\n"
      "GPS(36.6153,-6.1130,0.0M) BAROMETER:83.8M\n";
  const auto r = parse_dji_srt(text, "m300.srt");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_DOUBLE_EQ(r->start_s, 59.0);
  EXPECT_DOUBLE_EQ(r->end_s, 60.0);
  EXPECT_EQ(r->first_time, "2022-06-21T16:07:16");
  EXPECT_DOUBLE_EQ(r->first_position->latitude, 36.6153);
  EXPECT_DOUBLE_EQ(r->first_position->longitude, -6.1130);
  EXPECT_DOUBLE_EQ(r->first_position->altitude_m.value_or(-1), 83.8);
}

TEST(DjiSrt, V1ValueBeyondNinetyIsTheLongitude) {
  const std::string text =
      "1\n00:00:00,000 --> 00:00:01,000\nGPS(149.02,-20.25,0.0M) BAROMETER:3\n";
  const auto r = parse_dji_srt(text, "x.srt");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_DOUBLE_EQ(r->first_position->latitude, -20.25);
  EXPECT_DOUBLE_EQ(r->first_position->longitude, 149.02);
}

// ---------------------------------------------------------------------------------------------
// dji-srt-v2: bracketed fields

constexpr std::string_view kV2 =
    "1\n"
    "00:00:00,000 --> 00:00:00,033\n"
    "<font size=\"36\">SrtCnt : 1, DiffTime : 33ms\n"
    "2022-08-07 13:40:40,774,808\n"
    "[iso : 100] [shutter : 1/80.0] [fnum : 280] [ev : 0] [ct : 5744] [color_md : default] "
    "[focal_len : 240] [latitude: 41.424724] [longitude: 2.234156] [altitude: 117.000000] "
    "</font>\n"
    "\n"
    "2\n"
    "00:00:00,033 --> 00:00:00,066\n"
    "<font size=\"36\">SrtCnt : 2, DiffTime : 33ms\n"
    "2022-08-07 13:40:40,808,164\n"
    "[iso : 100] [shutter : 1/80.0] [fnum : 280] [ev : 0] [ct : 5744] [color_md : default] "
    "[focal_len : 240] [latitude: 41.424725] [longitude: 2.234147] [altitude: 118.500000] "
    "</font>\n"
    "\n";

TEST(DjiSrt, V2BracketedAltitude) {
  const auto r = parse_dji_srt(kV2, "v2.srt");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->format, "dji-srt-v2");
  EXPECT_EQ(r->frames, 2);
  EXPECT_DOUBLE_EQ(r->start_s, 0.0);
  EXPECT_DOUBLE_EQ(r->end_s, 0.066);
  EXPECT_EQ(r->first_time, "2022-08-07T13:40:40.774");
  EXPECT_EQ(r->last_time, "2022-08-07T13:40:40.808");
  EXPECT_DOUBLE_EQ(r->first_position->latitude, 41.424724);
  EXPECT_DOUBLE_EQ(r->first_position->longitude, 2.234156);
  EXPECT_DOUBLE_EQ(r->first_position->altitude_m.value_or(-1), 117.0);
  EXPECT_DOUBLE_EQ(r->last_position->longitude, 2.234147);
  EXPECT_DOUBLE_EQ(r->min_altitude_m.value_or(-1), 117.0);
  EXPECT_DOUBLE_EQ(r->max_altitude_m.value_or(-1), 118.5);
}

TEST(DjiSrt, V2LongtitudeSpellingAndAbsAltitudeWins) {
  const std::string text =
      "1\n"
      "00:00:00,000 --> 00:00:00,033\n"
      "<font size=\"28\">FrameCnt: 1, DiffTime: 33ms\n"
      "2023-01-02 03:04:05.678\n"
      "[iso : 110] [latitude : -33.868800] [longtitude : 151.209300] "
      "[rel_alt: 1.300 abs_alt: 132.860] </font>\n";
  const auto r = parse_dji_srt(text, "mini3.srt");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->format, "dji-srt-v2");
  EXPECT_EQ(r->first_time, "2023-01-02T03:04:05.678");
  EXPECT_DOUBLE_EQ(r->first_position->latitude, -33.8688);
  EXPECT_DOUBLE_EQ(r->first_position->longitude, 151.2093);
  EXPECT_DOUBLE_EQ(r->first_position->altitude_m.value_or(-1), 132.860);
  EXPECT_DOUBLE_EQ(r->max_altitude_m.value_or(-1), 132.860);
}

TEST(DjiSrt, V2RelativeAltitudeOnly) {
  const std::string text =
      "1\n00:00:00,000 --> 00:00:01,000\n[latitude: 10.5] [longitude: 20.25] [rel_alt: 42.000]\n";
  const auto r = parse_dji_srt(text, "rel.srt");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_DOUBLE_EQ(r->first_position->altitude_m.value_or(-1), 42.0);
  EXPECT_DOUBLE_EQ(r->min_altitude_m.value_or(-1), 42.0);
}

TEST(DjiSrt, ZeroPositionsAreSkipped) {
  const std::string text =
      "1\n00:00:00,000 --> 00:00:01,000\n"
      "[latitude: 0.000000] [longitude: 0.000000] [rel_alt: 0.000 abs_alt: 0.000]\n\n"
      "2\n00:00:01,000 --> 00:00:02,000\n"
      "[latitude: 59.302335] [longitude: 18.203059] [rel_alt: 1.300 abs_alt: 50.5]\n\n"
      "3\n00:00:02,000 --> 00:00:03,000\n"
      "[latitude: 0.000000] [longitude: 0.000000] [rel_alt: 0.000 abs_alt: 0.000]\n";
  const auto r = parse_dji_srt(text, "nofix.srt");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->frames, 3);
  EXPECT_DOUBLE_EQ(r->end_s, 3.0);
  EXPECT_DOUBLE_EQ(r->first_position->latitude, 59.302335);
  EXPECT_DOUBLE_EQ(r->last_position->latitude, 59.302335);
  EXPECT_DOUBLE_EQ(r->min_altitude_m.value_or(-1), 50.5);
  EXPECT_DOUBLE_EQ(r->max_altitude_m.value_or(-1), 50.5);
}

TEST(DjiSrt, NoFixAtAllGivesNoPosition) {
  const std::string text = "1\n00:00:00,000 --> 00:00:01,000\nGPS(0.0,0.0,0) BAROMETER:0.0\n";
  const auto r = parse_dji_srt(text, "indoor.srt");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->frames, 1);
  EXPECT_FALSE(r->first_position.has_value());
  EXPECT_FALSE(r->min_altitude_m.has_value());
}

TEST(DjiSrt, CrlfAndUtf8Bom) {
  std::string text = "\xEF\xBB\xBF" + std::string(kV1);
  std::string crlf;
  for (char c : text) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  const auto r = parse_dji_srt(crlf, "crlf.srt");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->frames, 2);
  EXPECT_DOUBLE_EQ(r->first_position->latitude, -20.2533);
  EXPECT_EQ(r->last_time, "2017-08-05T14:11:52");
  EXPECT_TRUE(looks_like_dji_srt(crlf));
}

// ---------------------------------------------------------------------------------------------
// Truncated files

TEST(DjiSrt, LastCueMissingLinesIsSkipped) {
  const std::string text = std::string(kV1) +
                           "\n3\n00:00:03,000 --> 00:00:04,000\n"
                           "HOME(149.0251,-20.2532) 2017.08.05 14:11:53\n";
  const auto r = parse_dji_srt(text, "cut.srt");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->frames, 2);
  EXPECT_DOUBLE_EQ(r->end_s, 3.0);
  EXPECT_EQ(r->last_time, "2017-08-05T14:11:52");
}

TEST(DjiSrt, LastCueCutMidLineIsSkipped) {
  // The file stops in the middle of a number: "-20.25" would be a wrong latitude.
  const std::string text = std::string(kV1) +
                           "\n3\n00:00:03,000 --> 00:00:04,000\n"
                           "HOME(149.0251,-20.2532) 2017.08.05 14:11:53\n"
                           "GPS(149.0251,-20.25";
  const auto r = parse_dji_srt(text, "cut.srt");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->frames, 2);
  EXPECT_DOUBLE_EQ(r->last_position->latitude, -20.2540);
}

TEST(DjiSrt, LastCueWithOnlyTimingIsSkipped) {
  const std::string text = std::string(kV2) + "3\n00:00:00,066 --> 00:00:00,100\n";
  const auto r = parse_dji_srt(text, "cut.srt");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->frames, 2);
  EXPECT_DOUBLE_EQ(r->end_s, 0.066);
}

TEST(DjiSrt, LoneCueWithoutFinalLineBreakIsKept) {
  const std::string text = "1\n00:00:00,000 --> 00:00:01,000\nGPS(10.5,20.5,12) BAROMETER:3.5";
  const auto r = parse_dji_srt(text, "one.srt");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->frames, 1);
  EXPECT_DOUBLE_EQ(r->first_position->latitude, 20.5);
  EXPECT_DOUBLE_EQ(r->first_position->longitude, 10.5);
}

TEST(DjiSrt, MissingBlankLineBetweenCues) {
  const std::string text =
      "1\n00:00:00,000 --> 00:00:01,000\nGPS(10.5,20.5,12) BAROMETER:3.5\n"
      "2\n00:00:01,000 --> 00:00:02,000\nGPS(10.6,20.6,12) BAROMETER:4.5\n";
  const auto r = parse_dji_srt(text, "tight.srt");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->frames, 2);
  EXPECT_DOUBLE_EQ(r->last_position->latitude, 20.6);
  EXPECT_DOUBLE_EQ(r->max_altitude_m.value_or(-1), 4.5);
}

// ---------------------------------------------------------------------------------------------
// Errors and hostile input

TEST(DjiSrt, EmptyTextIsCorrupt) {
  for (const std::string_view text :
       {std::string_view(""), std::string_view("\xEF\xBB\xBF"), std::string_view(" \r\n\n\t\n")}) {
    const auto r = parse_dji_srt(text, "empty.srt");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kCorrupt);
    EXPECT_EQ(r.error().message, "empty telemetry file");
    EXPECT_EQ(r.error().context.file, "empty.srt");
  }
}

TEST(DjiSrt, NoCueIsCorrupt) {
  const auto r = parse_dji_srt("GPS(149.0251,-20.2533,16) BAROMETER:1.9\n", "nocue.srt");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kCorrupt);
  EXPECT_NE(r.error().message.find("no subtitle cue"), std::string::npos);
}

TEST(DjiSrt, OrdinarySubtitlesAreUnsupported) {
  const std::string text =
      "1\n00:00:01,000 --> 00:00:04,000\nHello there.\n\n"
      "2\n00:00:05,000 --> 00:00:07,500\n<i>General Kenobi!</i>\n";
  const auto r = parse_dji_srt(text, "movie.srt");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnsupported);
  EXPECT_FALSE(looks_like_dji_srt(text));
}

TEST(DjiSrt, VeryLongLines) {
  // 2 MiB lines of repeated field openers, digits and spaces: linear time, no crash.
  const std::size_t n = 2u << 20;
  std::string opener;
  while (opener.size() < n) opener += "GPS(1[latitude:h:H ";
  const std::string digits(n, '7');
  const std::string spaces(n, ' ');
  for (const std::string* body : {&std::as_const(opener), &digits, &spaces}) {
    const std::string text = "1\n00:00:00,000 --> 00:00:01,000\n" + *body + "\n";
    // One cue whose text holds no readable telemetry field (a field opener without a number
    // is not one): ordinary subtitles.
    const auto r = parse_dji_srt(text, "long.srt");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kUnsupported) << r.error().to_string();
    EXPECT_FALSE(looks_like_dji_srt(*body));
  }
  // One line with no line break at all.
  const auto r = parse_dji_srt(digits, "digits.srt");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kCorrupt);
}

TEST(DjiSrt, HugeAndMalformedNumbersGiveNoPosition) {
  const std::string big(400, '9');
  const std::string text =
      "1\n00:00:00,000 --> 00:00:01,000\nGPS(inf,nan,12) BAROMETER:-\n\n"
      "2\n00:00:01,000 --> 00:00:02,000\n"
      "[latitude: " +
      big +
      "] [longitude: 1e999] [altitude: nan]\n\n"
      "3\n00:00:02,000 --> 00:00:03,000\n"
      "[latitude: 95.0] [longitude: 200.0] [altitude: 99999999]\n";
  const auto r = parse_dji_srt(text, "nums.srt");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->frames, 3);
  EXPECT_FALSE(r->first_position.has_value());
  EXPECT_FALSE(r->min_altitude_m.has_value());
}

TEST(DjiSrt, BinaryGarbage) {
  // Crashes are the fuzz replays' business (fuzz_dji_srt); here the answers. Random bytes hold
  // no timing line: no cue. After a real cue head and "GPS(", they look like telemetry at
  // first sight, but no field holds a number: subtitles without telemetry.
  std::mt19937 rng(1234);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int round = 0; round < 20; ++round) {
    SCOPED_TRACE(round);
    std::string text(64 * 1024, '\0');
    for (char& c : text) c = static_cast<char>(byte(rng));
    const bool cue_head = round % 2 == 1;
    if (cue_head) text = "1\n00:00:00,000 --> 00:00:01,000\nGPS(" + text;
    const auto r = parse_dji_srt(text, "garbage.srt");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, cue_head ? ErrorCode::kUnsupported : ErrorCode::kCorrupt)
        << r.error().to_string();
    EXPECT_EQ(r.error().context.file, "garbage.srt");
    EXPECT_EQ(looks_like_dji_srt(text), cue_head);
  }
}

TEST(DjiSrt, OnlyNumbers) {
  std::string text;
  for (int i = 1; i <= 100000; ++i) text += std::to_string(i) + "\n";
  const auto r = parse_dji_srt(text, "numbers.srt");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kCorrupt);
  EXPECT_FALSE(looks_like_dji_srt(text));
}

TEST(DjiSrt, ManyTimingLinesOnly) {
  std::string text;
  for (int i = 0; i < 50000; ++i) text += "00:00:00,000 --> 00:00:01,000\n";
  const auto r = parse_dji_srt(text, "timings.srt");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnsupported);
}

// ---------------------------------------------------------------------------------------------
// looks_like_dji_srt

TEST(DjiSrt, LooksLikeDjiSrt) {
  EXPECT_TRUE(looks_like_dji_srt(kV1));
  EXPECT_TRUE(looks_like_dji_srt(kV2));
  EXPECT_TRUE(looks_like_dji_srt(kV2.substr(0, 120)));  // marker "SrtCnt" in the first cue
  EXPECT_TRUE(looks_like_dji_srt(
      "1\n00:00:00,000 --> 00:00:01,000\nF/2.8, SS 30.15, ISO 260, EV -1.7, GPS (-1"));
  EXPECT_TRUE(looks_like_dji_srt("\n\n1\n00:00:00,000 --> 00:00:01,000\n[latitude: 1.5]"));
  EXPECT_FALSE(looks_like_dji_srt(""));
  EXPECT_FALSE(looks_like_dji_srt("1\n00:00:00,000 --> 00:00:01,000\n"));
  EXPECT_FALSE(looks_like_dji_srt("WEBVTT\n\n00:00.000 --> 00:01.000\nGPS(1,2,3)\n"));
  EXPECT_FALSE(looks_like_dji_srt("GPS(149.0251,-20.2533,16) BAROMETER:1.9\n"));
  EXPECT_FALSE(looks_like_dji_srt("1\nnot a timing line\nGPS(1,2,3)\n"));
}

// ---------------------------------------------------------------------------------------------
// Files

TEST(DjiSrt, ReadMissingFile) {
  const auto r = read_dji_srt("/nonexistent/saluran/none.SRT");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
}

TEST(DjiSrt, ReadTooLargeFile) {
  const auto path = std::filesystem::temp_directory_path() / "saluran_dji_srt_too_large.SRT";
  {
    std::ofstream out(path, std::ios::binary);
    out << kV1;
  }
  std::filesystem::resize_file(path, kMaxSrtBytes + 1);  // sparse: nothing is written
  const auto r = read_dji_srt(path.string());
  std::filesystem::remove(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kLimitExceeded);
}

struct CorpusFacts {
  const char* file;
  const char* format;
  int frames;
  double start_s;
  double end_s;
  const char* first_time;
  const char* last_time;
  double first_latitude;
  double first_longitude;
  double first_altitude;
  double last_latitude;
  double last_longitude;
  double min_altitude;
  double max_altitude;
};

// Facts read by hand from the files (cue count, first and last GPS fields, altitude range).
const CorpusFacts kCorpus[] = {
    {"air2s.srt", "dji-srt-v2", 17, 0.0, 0.567, "2022-08-07T13:40:40.774",
     "2022-08-07T13:40:41.308", 41.424724, 2.234156, 117.0, 41.424730, 2.234102, 117.0, 117.1},
    {"mavic_air2.srt", "dji-srt-v2", 25, 0.0, 0.416, "2022-05-01T15:01:58.531",
     "2022-05-01T15:01:58.931", 41.420684, 2.162162, 27.3, 41.420686, 2.162162, 27.3, 29.2},
    {"mavic_mini.SRT", "dji-srt-v1", 117, 0.0, 117.0, "", "", 48.0771, -121.7458, 200.7, 48.0775,
     -121.7476, 200.5, 201.0},
    {"mavic_pro.SRT", "dji-srt-v1", 468, 1.0, 469.0, "2017-08-05T14:11:51", "2017-08-05T14:19:39",
     -20.2533, 149.0251, 1.9, -20.2532, 149.0251, -1.7, 118.7},
    {"old_format.SRT", "dji-srt-v1", 468, 1.0, 469.0, "2017-08-05T14:11:51", "2017-08-05T14:19:39",
     -20.2533, 149.0251, 1.9, -20.2532, 149.0251, -1.7, 118.7},
    {"p4_rtk.SRT", "dji-srt-v1", 55, 0.0, 55.0, "", "", -34.237922, -58.851745, 85.8, -34.232349,
     -58.849196, 85.48, 86.07},
};

TEST(DjiSrtCorpus, DroneFiles) {
  if (!std::filesystem::is_directory(kDroneDir)) GTEST_SKIP() << "corpus not found: " << kDroneDir;
  for (const CorpusFacts& f : kCorpus) {
    SCOPED_TRACE(f.file);
    const std::string path = kDroneDir + f.file;
    const std::string head = read_text(path).substr(0, 4096);
    EXPECT_TRUE(looks_like_dji_srt(head));
    const auto r = read_dji_srt(path);
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    EXPECT_EQ(r->format, f.format);
    EXPECT_EQ(r->frames, f.frames);
    EXPECT_NEAR(r->start_s, f.start_s, 1e-9);
    EXPECT_NEAR(r->end_s, f.end_s, 1e-9);
    EXPECT_EQ(r->first_time, f.first_time);
    EXPECT_EQ(r->last_time, f.last_time);
    ASSERT_TRUE(r->first_position.has_value());
    EXPECT_NEAR(r->first_position->latitude, f.first_latitude, 1e-9);
    EXPECT_NEAR(r->first_position->longitude, f.first_longitude, 1e-9);
    EXPECT_NEAR(r->first_position->altitude_m.value_or(-9999), f.first_altitude, 1e-9);
    ASSERT_TRUE(r->last_position.has_value());
    EXPECT_NEAR(r->last_position->latitude, f.last_latitude, 1e-9);
    EXPECT_NEAR(r->last_position->longitude, f.last_longitude, 1e-9);
    EXPECT_NEAR(r->min_altitude_m.value_or(-9999), f.min_altitude, 1e-9);
    EXPECT_NEAR(r->max_altitude_m.value_or(-9999), f.max_altitude, 1e-9);
  }
}

TEST(DjiSrtCorpus, BrokenEmpty) {
  const std::string path = kBrokenDir + "broken_empty.SRT";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "corpus not found: " << path;
  const auto r = read_dji_srt(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kCorrupt);
  EXPECT_EQ(r.error().message, "empty telemetry file");
  EXPECT_FALSE(looks_like_dji_srt(read_text(path)));
}

TEST(DjiSrtCorpus, BrokenIncompleteKeepsTheCompleteCues) {
  // 20 cues; the 20th stops after its HOME line (no GPS line): it is skipped.
  const std::string path = kBrokenDir + "broken_incomplete.SRT";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "corpus not found: " << path;
  EXPECT_TRUE(looks_like_dji_srt(read_text(path)));
  const auto r = read_dji_srt(path);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->format, "dji-srt-v1");
  EXPECT_EQ(r->frames, 19);
  EXPECT_DOUBLE_EQ(r->start_s, 1.0);
  EXPECT_DOUBLE_EQ(r->end_s, 20.0);
  EXPECT_EQ(r->first_time, "2017-07-03T10:15:03");
  EXPECT_EQ(r->last_time, "2017-07-03T10:15:21");
  ASSERT_TRUE(r->first_position.has_value());
  EXPECT_DOUBLE_EQ(r->first_position->latitude, -34.7383);
  EXPECT_DOUBLE_EQ(r->first_position->longitude, -58.4563);
  EXPECT_DOUBLE_EQ(r->min_altitude_m.value_or(-1), 7.7);
  EXPECT_DOUBLE_EQ(r->max_altitude_m.value_or(-1), 20.3);
}

TEST(DjiSrtCorpus, OtherBrokenFilesAreNotTelemetry) {
  if (!std::filesystem::is_directory(kBrokenDir))
    GTEST_SKIP() << "corpus not found: " << kBrokenDir;
  for (const char* name : {"truncated.jpg", "invalid_userdata.mp4", "bomb-17000x17000.avif"}) {
    SCOPED_TRACE(name);
    const std::string path = kBrokenDir + name;
    if (!std::filesystem::exists(path)) continue;
    EXPECT_FALSE(looks_like_dji_srt(read_text(path).substr(0, 4096)));
    EXPECT_FALSE(read_dji_srt(path).ok());
  }
}

}  // namespace
}  // namespace saluran
