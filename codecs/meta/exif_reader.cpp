#include "codecs/meta/exif_reader.hpp"

#include <libexif/exif-data.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>

#include <fmt/format.h>

#include "codecs/meta/device_class.hpp"

namespace saluran {
namespace {

struct ExifDataUnref {
  void operator()(ExifData* d) const noexcept { exif_data_unref(d); }
};
/// Owns one reference to an ExifData.
using ExifDataPtr = std::unique_ptr<ExifData, ExifDataUnref>;

// TIFF tag numbers not all named in libexif 0.6.24's enum.
constexpr ExifTag kOffsetTime = static_cast<ExifTag>(0x9010);
constexpr ExifTag kOffsetTimeOriginal = static_cast<ExifTag>(0x9011);

ExifEntry* entry_in(ExifData* d, ExifIfd ifd, ExifTag tag) {
  return d->ifd[ifd] ? exif_content_get_entry(d->ifd[ifd], tag) : nullptr;
}

// An ASCII entry as a trimmed string; bounded by the entry's own size, never trusting a NUL.
std::string ascii(const ExifEntry* e) {
  if (e == nullptr || e->data == nullptr || e->size == 0) return {};
  if (e->format != EXIF_FORMAT_ASCII && e->format != EXIF_FORMAT_UNDEFINED) return {};
  const char* p = reinterpret_cast<const char*>(e->data);
  std::size_t n = strnlen(p, e->size);
  std::string s(p, n);
  s.erase(std::remove_if(s.begin(), s.end(), [](unsigned char c) { return c < 0x20 && c != '\t'; }),
          s.end());
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  const auto last = s.find_last_not_of(" \t");
  return s.substr(first, last - first + 1);
}

bool rationals(const ExifEntry* e, ExifByteOrder order, int count, double* out) {
  if (e == nullptr || e->format != EXIF_FORMAT_RATIONAL || e->data == nullptr) return false;
  if (e->components < static_cast<unsigned long>(count) ||
      e->size < static_cast<unsigned int>(8 * count))
    return false;
  for (int i = 0; i < count; ++i) {
    const ExifRational r = exif_get_rational(e->data + 8 * i, order);
    if (r.denominator == 0) return false;
    out[i] = static_cast<double>(r.numerator) / r.denominator;
  }
  return true;
}

std::optional<double> gps_coordinate(ExifData* d, ExifTag value_tag, ExifTag ref_tag,
                                     char negative_ref, double limit) {
  double dms[3];
  if (!rationals(entry_in(d, EXIF_IFD_GPS, value_tag), exif_data_get_byte_order(d), 3, dms))
    return std::nullopt;
  double v = dms[0] + dms[1] / 60.0 + dms[2] / 3600.0;
  const std::string ref = ascii(entry_in(d, EXIF_IFD_GPS, ref_tag));
  if (!ref.empty() && (ref[0] == negative_ref || ref[0] == negative_ref + 32)) v = -v;
  if (!std::isfinite(v) || std::fabs(v) > limit) return std::nullopt;
  return v;
}

void read_gps(ExifData* d, ExifFacts& facts) {
  const auto lat = gps_coordinate(d, static_cast<ExifTag>(EXIF_TAG_GPS_LATITUDE),
                                  static_cast<ExifTag>(EXIF_TAG_GPS_LATITUDE_REF), 'S', 90);
  const auto lon = gps_coordinate(d, static_cast<ExifTag>(EXIF_TAG_GPS_LONGITUDE),
                                  static_cast<ExifTag>(EXIF_TAG_GPS_LONGITUDE_REF), 'W', 180);
  if (!lat || !lon) return;
  // Many cameras write 0/0 placeholders before they get a fix; that is no position.
  if (*lat == 0 && *lon == 0) return;
  GeoPoint p{*lat, *lon, std::nullopt};
  double alt = 0;
  if (rationals(entry_in(d, EXIF_IFD_GPS, static_cast<ExifTag>(EXIF_TAG_GPS_ALTITUDE)),
                exif_data_get_byte_order(d), 1, &alt)) {
    const ExifEntry* ref =
        entry_in(d, EXIF_IFD_GPS, static_cast<ExifTag>(EXIF_TAG_GPS_ALTITUDE_REF));
    if (ref != nullptr && ref->data != nullptr && ref->size >= 1 && ref->data[0] == 1) alt = -alt;
    p.altitude_m = alt;
  }
  facts.meta.gps = p;
}

void read_capture_time(ExifData* d, ExifFacts& facts) {
  std::string when = ascii(entry_in(d, EXIF_IFD_EXIF, EXIF_TAG_DATE_TIME_ORIGINAL));
  std::string zone = ascii(entry_in(d, EXIF_IFD_EXIF, kOffsetTimeOriginal));
  if (when.empty()) {
    when = ascii(entry_in(d, EXIF_IFD_0, EXIF_TAG_DATE_TIME));
    zone = ascii(entry_in(d, EXIF_IFD_EXIF, kOffsetTime));
  }
  if (when.empty()) return;
  facts.meta.capture_time = exif_datetime_to_iso(when, zone);
  if (facts.meta.capture_time.empty()) {
    facts.warnings.push_back(fmt::format("EXIF capture time \"{}\" is not a valid date", when));
  } else {
    facts.meta.capture_time_source = "exif";
  }
}

int two_digits(std::string_view s) {
  if (s.size() != 2 || s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9') return -1;
  return (s[0] - '0') * 10 + (s[1] - '0');
}

}  // namespace

bool valid_date_time(std::string_view year, std::string_view month, std::string_view day,
                     std::string_view hour, std::string_view minute, std::string_view second) {
  if (year.size() != 4 || year.find_first_not_of("0123456789") != std::string_view::npos)
    return false;
  const int mo = two_digits(month);
  const int d = two_digits(day);
  const int h = two_digits(hour);
  const int mi = two_digits(minute);
  const int s = two_digits(second);
  return year != "0000" && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h >= 0 && h <= 23 &&
         mi >= 0 && mi <= 59 && s >= 0 && s <= 60;
}

std::string zone_offset(std::string_view offset) {
  if (offset.size() != 6 || (offset[0] != '+' && offset[0] != '-') || offset[3] != ':') return {};
  const int h = two_digits(offset.substr(1, 2));
  const int m = two_digits(offset.substr(4, 2));
  if (h < 0 || h > 14 || m < 0 || m > 59) return {};
  return std::string(offset);
}

std::string exif_datetime_to_iso(std::string_view dt, std::string_view offset) {
  // "YYYY:MM:DD HH:MM:SS": exactly 19 characters with separators where the standard puts them.
  if (dt.size() < 19) return {};
  for (std::size_t i = 0; i < 19; ++i) {
    const bool sep = i == 4 || i == 7 || i == 10 || i == 13 || i == 16;
    if (!sep && (dt[i] < '0' || dt[i] > '9')) return {};
  }
  if (!valid_date_time(dt.substr(0, 4), dt.substr(5, 2), dt.substr(8, 2), dt.substr(11, 2),
                       dt.substr(14, 2), dt.substr(17, 2)))
    return {};
  std::string out = fmt::format("{}-{}-{}T{}", dt.substr(0, 4), dt.substr(5, 2), dt.substr(8, 2),
                                dt.substr(11, 8));
  return out + zone_offset(offset);
}

ExifFacts read_exif(std::span<const std::uint8_t> block) {
  ExifFacts facts;
  if (block.size() < 8) return facts;
  std::vector<std::uint8_t> framed;
  static constexpr std::uint8_t kHeader[] = {'E', 'x', 'i', 'f', 0, 0};
  if (std::memcmp(block.data(), kHeader, sizeof kHeader) != 0) {
    // libexif wants the APP1 "Exif\0\0" prefix in front of a bare TIFF structure.
    framed.assign(kHeader, kHeader + sizeof kHeader);
    framed.insert(framed.end(), block.begin(), block.end());
    block = framed;
  }
  ExifDataPtr data(exif_data_new());
  if (!data) return facts;
  // Read the data as written: no "fixing" to the spec, and no MakerNote interpretation
  // beyond what libexif always does (MakerNotes are where most libexif CVEs live).
  exif_data_unset_option(data.get(), EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
  exif_data_set_option(data.get(), EXIF_DATA_OPTION_IGNORE_UNKNOWN_TAGS);
  exif_data_set_option(data.get(), EXIF_DATA_OPTION_DONT_CHANGE_MAKER_NOTE);
  exif_data_load_data(data.get(), block.data(), static_cast<unsigned int>(block.size()));
  ExifData* d = data.get();
  if (d->ifd[EXIF_IFD_0] == nullptr || d->ifd[EXIF_IFD_0]->count == 0) {
    facts.warnings.push_back("EXIF block present but unreadable");
    return facts;
  }
  facts.found = true;

  if (const ExifEntry* o = entry_in(d, EXIF_IFD_0, EXIF_TAG_ORIENTATION);
      o != nullptr && o->format == EXIF_FORMAT_SHORT && o->size >= 2 && o->data != nullptr) {
    const int v = exif_get_short(o->data, exif_data_get_byte_order(d));
    if (v >= 1 && v <= 8) {
      facts.orientation = v;
    } else {
      facts.warnings.push_back(fmt::format("EXIF orientation {} is invalid; taken as 1", v));
    }
  }
  facts.meta.make = ascii(entry_in(d, EXIF_IFD_0, EXIF_TAG_MAKE));
  facts.meta.model = ascii(entry_in(d, EXIF_IFD_0, EXIF_TAG_MODEL));
  facts.meta.device_class = classify_device(facts.meta.make, facts.meta.model);
  read_capture_time(d, facts);
  read_gps(d, facts);
  return facts;
}

}  // namespace saluran
