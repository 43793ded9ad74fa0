#include "codecs/meta/exif_writer.hpp"

#include <libexif/exif-data.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace saluran {
namespace {

struct ExifDataUnref {
  void operator()(ExifData* d) const noexcept { exif_data_unref(d); }
};
using ExifDataPtr = std::unique_ptr<ExifData, ExifDataUnref>;
struct ExifMemUnref {
  void operator()(ExifMem* m) const noexcept { exif_mem_unref(m); }
};
using ExifMemPtr = std::unique_ptr<ExifMem, ExifMemUnref>;

/// A tag that survives into outputs, and the IFD it lives in.
struct KeptTag {
  ExifIfd ifd;
  ExifTag tag;
};

// Credit, caption, capture time and device: what a published photo should keep. The list is
// an allow-list on purpose: a new privacy-sensitive tag in some camera is dropped by default.
constexpr KeptTag kKeptTags[] = {
    {EXIF_IFD_0, EXIF_TAG_IMAGE_DESCRIPTION},
    {EXIF_IFD_0, EXIF_TAG_MAKE},
    {EXIF_IFD_0, EXIF_TAG_MODEL},
    {EXIF_IFD_0, EXIF_TAG_DATE_TIME},
    {EXIF_IFD_0, EXIF_TAG_ARTIST},
    {EXIF_IFD_0, EXIF_TAG_COPYRIGHT},
    {EXIF_IFD_0, EXIF_TAG_XP_TITLE},
    {EXIF_IFD_0, EXIF_TAG_XP_COMMENT},
    {EXIF_IFD_0, EXIF_TAG_XP_AUTHOR},
    {EXIF_IFD_0, EXIF_TAG_XP_KEYWORDS},
    {EXIF_IFD_0, EXIF_TAG_XP_SUBJECT},
    {EXIF_IFD_EXIF, EXIF_TAG_DATE_TIME_ORIGINAL},
    {EXIF_IFD_EXIF, EXIF_TAG_DATE_TIME_DIGITIZED},
    {EXIF_IFD_EXIF, EXIF_TAG_OFFSET_TIME},
    {EXIF_IFD_EXIF, EXIF_TAG_OFFSET_TIME_ORIGINAL},
    {EXIF_IFD_EXIF, EXIF_TAG_OFFSET_TIME_DIGITIZED},
    {EXIF_IFD_EXIF, EXIF_TAG_SUB_SEC_TIME},
    {EXIF_IFD_EXIF, EXIF_TAG_SUB_SEC_TIME_ORIGINAL},
    {EXIF_IFD_EXIF, EXIF_TAG_SUB_SEC_TIME_DIGITIZED},
    {EXIF_IFD_EXIF, EXIF_TAG_USER_COMMENT},
};

/// Largest entry copied: a caption or comment, never a blob.
constexpr unsigned kMaxEntryBytes = 16 * 1024;

/// Copies one entry's raw bytes (the new block keeps the source's byte order, so multi-byte
/// values such as GPS rationals stay valid). Entries whose size disagrees with their format
/// and count are dropped rather than written malformed.
bool copy_entry(ExifMem* mem, ExifContent* to, const ExifEntry* from) {
  if (from == nullptr || from->data == nullptr || from->size == 0 || from->size > kMaxEntryBytes)
    return false;
  const unsigned unit = exif_format_get_size(from->format);
  if (unit == 0 || static_cast<unsigned long>(unit) * from->components != from->size) return false;
  if (exif_content_get_entry(to, from->tag) != nullptr) return false;
  ExifEntry* e = exif_entry_new_mem(mem);
  if (e == nullptr) return false;
  e->data = static_cast<unsigned char*>(exif_mem_alloc(mem, from->size));
  if (e->data == nullptr) {
    exif_entry_unref(e);
    return false;
  }
  std::memcpy(e->data, from->data, from->size);
  e->size = from->size;
  e->tag = from->tag;
  e->format = from->format;
  e->components = from->components;
  exif_content_add_entry(to, e);
  exif_entry_unref(e);  // the content holds its own reference
  return true;
}

/// Adds (or replaces) a numeric entry written by us.
void put_number(ExifMem* mem, ExifData* d, ExifIfd ifd, ExifTag tag, ExifFormat format,
                std::uint32_t value) {
  if (ExifEntry* old = exif_content_get_entry(d->ifd[ifd], tag); old != nullptr)
    exif_content_remove_entry(d->ifd[ifd], old);
  ExifEntry* e = exif_entry_new_mem(mem);
  if (e == nullptr) return;
  const unsigned size = exif_format_get_size(format);
  e->data = static_cast<unsigned char*>(exif_mem_alloc(mem, size));
  if (e->data == nullptr) {
    exif_entry_unref(e);
    return;
  }
  e->size = size;
  e->tag = tag;
  e->format = format;
  e->components = 1;
  const ExifByteOrder order = exif_data_get_byte_order(d);
  if (format == EXIF_FORMAT_SHORT) {
    exif_set_short(e->data, order, static_cast<ExifShort>(value));
  } else {
    exif_set_long(e->data, order, value);
  }
  exif_content_add_entry(d->ifd[ifd], e);
  exif_entry_unref(e);
}

void put_bytes(ExifMem* mem, ExifData* d, ExifIfd ifd, ExifTag tag, const char* bytes,
               unsigned size) {
  ExifEntry* e = exif_entry_new_mem(mem);
  if (e == nullptr) return;
  e->data = static_cast<unsigned char*>(exif_mem_alloc(mem, size));
  if (e->data == nullptr) {
    exif_entry_unref(e);
    return;
  }
  std::memcpy(e->data, bytes, size);
  e->size = size;
  e->tag = tag;
  e->format = EXIF_FORMAT_UNDEFINED;
  e->components = size;
  exif_content_add_entry(d->ifd[ifd], e);
  exif_entry_unref(e);
}

}  // namespace

std::vector<std::uint8_t> build_output_exif(std::span<const std::uint8_t> source_exif,
                                            const MetadataPolicy& policy, int width, int height) {
  static constexpr std::uint8_t kHeader[] = {'E', 'x', 'i', 'f', 0, 0};
  if (source_exif.size() < 8) return {};
  std::vector<std::uint8_t> framed;
  if (std::memcmp(source_exif.data(), kHeader, sizeof kHeader) != 0) {
    // libexif wants the APP1 "Exif\0\0" prefix in front of a bare TIFF structure.
    framed.assign(kHeader, kHeader + sizeof kHeader);
    framed.insert(framed.end(), source_exif.begin(), source_exif.end());
    source_exif = framed;
  }
  ExifMemPtr mem(exif_mem_new_default());
  ExifDataPtr src(exif_data_new_mem(mem.get()));
  ExifDataPtr out(exif_data_new_mem(mem.get()));
  if (!mem || !src || !out) return {};
  // Read the data as written, without "fixing" it to the spec (which would add default tags)
  // and without rewriting the MakerNote; unknown tags are dropped anyway by the allow-list.
  exif_data_unset_option(src.get(), EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
  exif_data_set_option(src.get(), EXIF_DATA_OPTION_DONT_CHANGE_MAKER_NOTE);
  exif_data_load_data(src.get(), source_exif.data(), static_cast<unsigned int>(source_exif.size()));
  if (src->ifd[EXIF_IFD_0] == nullptr || src->ifd[EXIF_IFD_0]->count == 0) return {};

  exif_data_unset_option(out.get(), EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
  exif_data_set_byte_order(out.get(), exif_data_get_byte_order(src.get()));
  int kept = 0;
  for (const KeptTag& k : kKeptTags) {
    if (src->ifd[k.ifd] == nullptr) continue;
    kept += copy_entry(mem.get(), out->ifd[k.ifd], exif_content_get_entry(src->ifd[k.ifd], k.tag));
  }
  if (policy.keep_gps && src->ifd[EXIF_IFD_GPS] != nullptr) {
    const ExifContent* gps = src->ifd[EXIF_IFD_GPS];
    for (unsigned i = 0; i < gps->count; ++i)
      kept += copy_entry(mem.get(), out->ifd[EXIF_IFD_GPS], gps->entries[i]);
  }
  if (kept == 0) return {};

  put_number(mem.get(), out.get(), EXIF_IFD_0, EXIF_TAG_ORIENTATION, EXIF_FORMAT_SHORT, 1);
  put_bytes(mem.get(), out.get(), EXIF_IFD_EXIF, EXIF_TAG_EXIF_VERSION, "0231", 4);
  put_number(mem.get(), out.get(), EXIF_IFD_EXIF, EXIF_TAG_COLOR_SPACE, EXIF_FORMAT_SHORT, 1);
  put_number(mem.get(), out.get(), EXIF_IFD_EXIF, EXIF_TAG_PIXEL_X_DIMENSION, EXIF_FORMAT_LONG,
             static_cast<std::uint32_t>(std::max(width, 0)));
  put_number(mem.get(), out.get(), EXIF_IFD_EXIF, EXIF_TAG_PIXEL_Y_DIMENSION, EXIF_FORMAT_LONG,
             static_cast<std::uint32_t>(std::max(height, 0)));

  unsigned char* buf = nullptr;
  unsigned int size = 0;
  exif_data_save_data(out.get(), &buf, &size);
  if (buf == nullptr) return {};
  std::vector<std::uint8_t> block(buf, buf + size);
  exif_mem_free(mem.get(), buf);
  return block;
}

}  // namespace saluran
