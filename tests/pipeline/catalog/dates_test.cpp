// Calendar days: the one check of "YYYY-MM-DD" the catalog and the inventory share, and the
// capture day the catalog files an asset under.

#include "pipeline/catalog/dates.hpp"

#include <gtest/gtest.h>

#include <string>

namespace saluran {
namespace {

TEST(CalendarDate, RealDaysWrittenYyyyMmDd) {
  for (const char* day : {"2025-03-14", "0001-01-01", "9999-12-31", "2024-02-29", "2000-02-29",
                          "2023-04-30", "2023-01-31"}) {
    EXPECT_TRUE(is_calendar_date(day)) << day;
  }
}

TEST(CalendarDate, DaysTheMonthDoesNotHaveAreRefused) {
  for (const char* day : {"2023-02-29", "1900-02-29", "2024-02-30", "2024-04-31", "2024-06-31",
                          "2024-13-01", "2024-00-10", "2024-01-00", "2024-01-32", "0000-01-01"}) {
    EXPECT_FALSE(is_calendar_date(day)) << day;
  }
}

TEST(CalendarDate, OtherWritingsAreRefused) {
  for (const char* day :
       {"", "2024-5-1", "1/5/2024", "2024/05/01", "20240501", "2024-05-01T09:00", " 2024-05-01",
        "+024-05-01", "-024-05-01", "2024-+5-01", "2024-05-+1", "2O24-05-01", "2024-05-1 "}) {
    EXPECT_FALSE(is_calendar_date(day)) << '"' << day << '"';
  }
}

TEST(CaptureDay, TheDayTheDeviceWrote) {
  EXPECT_EQ(capture_day("2024-05-01T09:30:12+07:00"), "2024-05-01");
  EXPECT_EQ(capture_day("2024-05-01T23:59:59Z"), "2024-05-01");  // its local day, not UTC's
  EXPECT_EQ(capture_day("2024-05-01"), "2024-05-01");
}

TEST(CaptureDay, UnknownWithoutARealDay) {
  EXPECT_EQ(capture_day(""), "unknown");
  EXPECT_EQ(capture_day("0000:00:00 00:00:00"), "unknown");  // an EXIF camera never set
  EXPECT_EQ(capture_day("2024:05:01 09:30:12"), "unknown");
  EXPECT_EQ(capture_day("2024-13-01T00:00:00"), "unknown");
  EXPECT_EQ(capture_day("2024"), "unknown");
}

TEST(NowUtcIso, SecondsAndZ) {
  const std::string now = now_utc_iso();
  ASSERT_EQ(now.size(), 20u) << now;
  EXPECT_TRUE(is_calendar_date(now.substr(0, 10))) << now;
  EXPECT_EQ(now[10], 'T');
  EXPECT_EQ(now[13], ':');
  EXPECT_EQ(now[16], ':');
  EXPECT_EQ(now.back(), 'Z');
}

}  // namespace
}  // namespace saluran
