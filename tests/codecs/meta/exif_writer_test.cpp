#include "codecs/meta/exif_writer.hpp"

#include <gtest/gtest.h>

#include <libexif/exif-data.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "codecs/file_bytes.hpp"
#include "codecs/image/photo_decode.hpp"
#include "codecs/meta/exif_reader.hpp"
#include "tests/support/paths.hpp"

namespace saluran {
namespace {

using Bytes = std::vector<std::uint8_t>;

bool contains(const Bytes& hay, const std::string& needle) {
  return std::search(hay.begin(), hay.end(), needle.begin(), needle.end()) != hay.end();
}

Bytes exif_of_corpus(const std::string& rel) {
  auto bytes = read_file_bytes(test::corpus(rel), 1ull << 30);
  EXPECT_TRUE(bytes.ok()) << rel;
  if (!bytes.ok()) return {};
  auto photo = decode_photo(*bytes, rel, {});
  EXPECT_TRUE(photo.ok()) << rel;
  return photo.ok() ? photo->exif : Bytes{};
}

// ---------------------------------------------------------------------------------------------
// A source block made with libexif, holding everything a camera might write

void add_raw(ExifData* d, ExifIfd ifd, ExifTag tag, ExifFormat format, unsigned long components,
             const void* bytes, unsigned size) {
  ExifEntry* e = exif_entry_new();
  e->tag = tag;
  e->format = format;
  e->components = components;
  e->size = size;
  e->data = static_cast<unsigned char*>(std::malloc(size));
  std::memcpy(e->data, bytes, size);
  exif_content_add_entry(d->ifd[ifd], e);
  exif_entry_unref(e);
}

void add_ascii(ExifData* d, ExifIfd ifd, ExifTag tag, const std::string& text) {
  add_raw(d, ifd, tag, EXIF_FORMAT_ASCII, text.size() + 1, text.c_str(),
          static_cast<unsigned>(text.size() + 1));
}

void add_rationals(ExifData* d, ExifIfd ifd, ExifTag tag, std::initializer_list<ExifRational> v) {
  Bytes raw(v.size() * 8);
  std::size_t i = 0;
  for (const ExifRational& r : v) exif_set_rational(raw.data() + 8 * i++, EXIF_BYTE_ORDER_INTEL, r);
  add_raw(d, ifd, tag, EXIF_FORMAT_RATIONAL, v.size(), raw.data(),
          static_cast<unsigned>(raw.size()));
}

Bytes camera_like_exif() {
  ExifData* d = exif_data_new();
  exif_data_unset_option(d, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
  exif_data_set_byte_order(d, EXIF_BYTE_ORDER_INTEL);
  const unsigned char six[2] = {6, 0};
  add_raw(d, EXIF_IFD_0, EXIF_TAG_ORIENTATION, EXIF_FORMAT_SHORT, 1, six, 2);
  add_ascii(d, EXIF_IFD_0, EXIF_TAG_MAKE, "Canon");
  add_ascii(d, EXIF_IFD_0, EXIF_TAG_MODEL, "Canon EOS 80D");
  add_ascii(d, EXIF_IFD_0, EXIF_TAG_ARTIST, "Humas Kabupaten");
  add_ascii(d, EXIF_IFD_0, EXIF_TAG_COPYRIGHT, "(c) Pemkab 2024");
  add_ascii(d, EXIF_IFD_0, EXIF_TAG_IMAGE_DESCRIPTION, "Upacara HUT RI di alun-alun");
  add_ascii(d, EXIF_IFD_0, EXIF_TAG_DATE_TIME, "2024:08:17 08:15:00");
  add_ascii(d, EXIF_IFD_0, EXIF_TAG_SOFTWARE, "Firmware 1.0.2 internal");
  add_ascii(d, EXIF_IFD_EXIF, EXIF_TAG_DATE_TIME_ORIGINAL, "2024:08:17 08:14:59");
  add_ascii(d, EXIF_IFD_EXIF, EXIF_TAG_OFFSET_TIME_ORIGINAL, "+07:00");
  add_ascii(d, EXIF_IFD_EXIF, EXIF_TAG_BODY_SERIAL_NUMBER, "BODYSN123456789");
  add_ascii(d, EXIF_IFD_EXIF, static_cast<ExifTag>(0xa435), "LENSSN987654321");  // LensSerial
  add_ascii(d, EXIF_IFD_EXIF, static_cast<ExifTag>(0xa430), "Owner Budi Santoso");
  add_ascii(d, EXIF_IFD_EXIF, EXIF_TAG_IMAGE_UNIQUE_ID, "UNIQUEID0123456789abcdef0123456");
  const std::string comment = std::string("ASCII\0\0\0", 8) + "Foto resmi";
  add_raw(d, EXIF_IFD_EXIF, EXIF_TAG_USER_COMMENT, EXIF_FORMAT_UNDEFINED, comment.size(),
          comment.data(), static_cast<unsigned>(comment.size()));
  const std::string maker = "SECRETMAKERNOTE-with-internal-serial-XYZ";
  add_raw(d, EXIF_IFD_EXIF, EXIF_TAG_MAKER_NOTE, EXIF_FORMAT_UNDEFINED, maker.size(), maker.data(),
          static_cast<unsigned>(maker.size()));
  add_ascii(d, EXIF_IFD_GPS, static_cast<ExifTag>(EXIF_TAG_GPS_LATITUDE_REF), "S");
  add_rationals(d, EXIF_IFD_GPS, static_cast<ExifTag>(EXIF_TAG_GPS_LATITUDE),
                {{6, 1}, {30, 1}, {0, 1}});
  add_ascii(d, EXIF_IFD_GPS, static_cast<ExifTag>(EXIF_TAG_GPS_LONGITUDE_REF), "E");
  add_rationals(d, EXIF_IFD_GPS, static_cast<ExifTag>(EXIF_TAG_GPS_LONGITUDE),
                {{106, 1}, {45, 1}, {36, 1}});
  // A thumbnail (IFD1): never carried into outputs.
  const std::string thumb = "\xFF\xD8THUMBNAILPIXELS\xFF\xD9";
  d->data = static_cast<unsigned char*>(std::malloc(thumb.size()));
  std::memcpy(d->data, thumb.data(), thumb.size());
  d->size = static_cast<unsigned>(thumb.size());
  unsigned char* buf = nullptr;
  unsigned int size = 0;
  exif_data_save_data(d, &buf, &size);
  Bytes out(buf, buf + size);
  std::free(buf);
  exif_data_unref(d);
  return out;
}

/// The value of a LONG or SHORT tag in an EXIF block, -1 if absent.
long number_in(const Bytes& block, ExifIfd ifd, ExifTag tag) {
  ExifData* d = exif_data_new_from_data(block.data(), static_cast<unsigned>(block.size()));
  long v = -1;
  if (d != nullptr && d->ifd[ifd] != nullptr) {
    if (ExifEntry* e = exif_content_get_entry(d->ifd[ifd], tag); e != nullptr) {
      const ExifByteOrder o = exif_data_get_byte_order(d);
      v = e->format == EXIF_FORMAT_SHORT ? exif_get_short(e->data, o) : exif_get_long(e->data, o);
    }
  }
  if (d != nullptr) exif_data_unref(d);
  return v;
}

TEST(BuildOutputExif, KeepsCreditCaptionAndTimeDropsTheRest) {
  const Bytes source = camera_like_exif();
  ASSERT_TRUE(contains(source, "BODYSN123456789"));  // the fixture holds what must go
  ASSERT_TRUE(contains(source, "SECRETMAKERNOTE"));
  ASSERT_TRUE(contains(source, "THUMBNAILPIXELS"));
  const ExifFacts in = read_exif(source);
  ASSERT_TRUE(in.meta.gps.has_value());
  ASSERT_EQ(in.orientation, 6);

  const Bytes out = build_output_exif(source, MetadataPolicy{}, 800, 600);
  ASSERT_GT(out.size(), 6u);
  EXPECT_EQ(std::memcmp(out.data(), "Exif\0\0", 6), 0);
  for (const char* kept : {"Humas Kabupaten", "(c) Pemkab 2024", "Upacara HUT RI", "Foto resmi",
                           "Canon EOS 80D", "+07:00"})
    EXPECT_TRUE(contains(out, kept)) << kept;
  for (const char* dropped : {"BODYSN123456789", "LENSSN987654321", "Owner Budi", "UNIQUEID0123",
                              "SECRETMAKERNOTE", "THUMBNAILPIXELS", "Firmware 1.0.2"})
    EXPECT_FALSE(contains(out, dropped)) << dropped;

  const ExifFacts facts = read_exif(out);
  EXPECT_TRUE(facts.found);
  EXPECT_EQ(facts.orientation, 1);
  EXPECT_EQ(facts.meta.capture_time, "2024-08-17T08:14:59+07:00");
  EXPECT_EQ(facts.meta.make, "Canon");
  EXPECT_FALSE(facts.meta.gps.has_value());
  EXPECT_EQ(number_in(out, EXIF_IFD_EXIF, EXIF_TAG_PIXEL_X_DIMENSION), 800);
  EXPECT_EQ(number_in(out, EXIF_IFD_EXIF, EXIF_TAG_PIXEL_Y_DIMENSION), 600);
  EXPECT_EQ(number_in(out, EXIF_IFD_EXIF, EXIF_TAG_COLOR_SPACE), 1);
  EXPECT_EQ(number_in(out, EXIF_IFD_EXIF, EXIF_TAG_MAKER_NOTE), -1);

  const Bytes with_gps = build_output_exif(source, MetadataPolicy{.keep_gps = true}, 800, 600);
  const ExifFacts located = read_exif(with_gps);
  ASSERT_TRUE(located.meta.gps.has_value());
  EXPECT_DOUBLE_EQ(located.meta.gps->latitude, in.meta.gps->latitude);
  EXPECT_DOUBLE_EQ(located.meta.gps->longitude, in.meta.gps->longitude);
  EXPECT_LT(located.meta.gps->latitude, 0);  // south of the equator survives
}

TEST(BuildOutputExif, CameraWithGpsAndMakerNote) {
  SKIP_WITHOUT_CORPUS();
  for (const char* name : {"camera/DSCN0010.jpg", "camera/DSCN0012.jpg", "camera/DSCN0021.jpg"}) {
    const Bytes source = exif_of_corpus(name);
    ASSERT_FALSE(source.empty()) << name;
    const ExifFacts in = read_exif(source);
    ASSERT_TRUE(in.meta.gps.has_value()) << name;
    // Nikon's MakerNote starts "Nikon\0": present in the source, absent from every output.
    ASSERT_TRUE(contains(source, std::string("Nikon\0", 6))) << name;

    const Bytes out = build_output_exif(source, MetadataPolicy{}, 640, 480);
    ASSERT_FALSE(out.empty()) << name;
    EXPECT_LT(out.size(), source.size() / 4) << name;
    EXPECT_FALSE(contains(out, std::string("Nikon\0", 6))) << name;
    const ExifFacts plain = read_exif(out);
    EXPECT_FALSE(plain.meta.gps.has_value()) << name;
    EXPECT_EQ(plain.meta.capture_time, in.meta.capture_time) << name;
    EXPECT_EQ(plain.meta.model, in.meta.model) << name;
    EXPECT_EQ(plain.orientation, 1);

    const ExifFacts kept = read_exif(build_output_exif(source, {.keep_gps = true}, 640, 480));
    ASSERT_TRUE(kept.meta.gps.has_value()) << name;
    EXPECT_DOUBLE_EQ(kept.meta.gps->latitude, in.meta.gps->latitude) << name;
    EXPECT_DOUBLE_EQ(kept.meta.gps->longitude, in.meta.gps->longitude) << name;
  }
}

TEST(BuildOutputExif, TurnedSourceBecomesOrientationOne) {
  SKIP_WITHOUT_CORPUS();
  const Bytes source = exif_of_corpus("camera/canon_hdr_YES.jpg");
  ASSERT_EQ(read_exif(source).orientation, 6);
  const Bytes out = build_output_exif(source, {}, 1536, 2048);
  EXPECT_EQ(read_exif(out).orientation, 1);
  EXPECT_EQ(number_in(out, EXIF_IFD_EXIF, EXIF_TAG_PIXEL_X_DIMENSION), 1536);
  EXPECT_EQ(number_in(out, EXIF_IFD_EXIF, EXIF_TAG_PIXEL_Y_DIMENSION), 2048);
}

TEST(BuildOutputExif, HeifBareTiffBlockIsAccepted) {
  SKIP_WITHOUT_CORPUS();
  const Bytes source = exif_of_corpus("phone/IMG_5195.HEIC");  // starts with "MM\0*"
  ASSERT_FALSE(source.empty());
  const ExifFacts in = read_exif(source);
  const Bytes out = build_output_exif(source, {.keep_gps = true}, 100, 100);
  const ExifFacts facts = read_exif(out);
  EXPECT_EQ(facts.meta.model, in.meta.model);
  ASSERT_TRUE(facts.meta.gps.has_value());
  EXPECT_DOUBLE_EQ(facts.meta.gps->latitude, in.meta.gps->latitude);
}

TEST(BuildOutputExif, NothingToKeepGivesNothing) {
  EXPECT_TRUE(build_output_exif({}, {}, 10, 10).empty());
  const Bytes junk(100, 0x42);
  EXPECT_TRUE(build_output_exif(junk, {}, 10, 10).empty());
}

TEST(BuildOutputExif, DamagedExifInTheCorpusDoesNotCrash) {
  SKIP_WITHOUT_CORPUS();
  for (const auto& entry : std::filesystem::directory_iterator(test::corpus_dir() + "/broken")) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".jpg") continue;
    auto bytes = read_file_bytes(entry.path().string(), 1ull << 30);
    ASSERT_TRUE(bytes.ok());
    auto photo = decode_photo(*bytes, name, {});
    if (!photo.ok() || photo->exif.empty()) continue;
    const Bytes out = build_output_exif(photo->exif, {.keep_gps = true}, 64, 64);
    if (!out.empty()) {
      EXPECT_TRUE(read_exif(out).found) << name;
    }
  }
}

}  // namespace
}  // namespace saluran
