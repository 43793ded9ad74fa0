#pragma once
// Calendar days as the catalog and its queries write them: "YYYY-MM-DD". One check of a day,
// used by the catalog's queries and by the inventory's options alike.
//
//   is_calendar_date("2024-02-29")                    // true (a leap year)
//   capture_day("2024-05-01T09:30:12+07:00")          // "2024-05-01"

#include <string>
#include <string_view>

namespace saluran {

/// True for a real calendar date written "YYYY-MM-DD": four-digit year from 0001, month
/// 01..12, and a day that month has (29 February only in leap years).
bool is_calendar_date(std::string_view s);

/// The capture day of a capture time ("2024-05-01T09:30:12+07:00" -> "2024-05-01") as the
/// device wrote it (its local day), or "unknown" when it does not start with a calendar date.
std::string capture_day(const std::string& capture_time);

/// The current time in UTC, ISO 8601 to the second: "2025-03-14T02:15:00Z".
std::string now_utc_iso();

}  // namespace saluran
