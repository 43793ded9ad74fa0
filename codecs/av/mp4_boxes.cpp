#include "codecs/av/mp4_boxes.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>

#include <fmt/format.h>

#include "codecs/file_bytes.hpp"

namespace saluran {
namespace {

/// Reads exactly `n` bytes at `offset` into `out`; false on a read error. The walker only asks
/// for bytes inside [0, size), so a short read means the file changed or the device failed.
using ReadAt = std::function<bool(std::uint64_t offset, std::uint8_t* out, std::size_t n)>;

/// Where the walk is: only the boxes on the path moov/trak/edts/elst are opened.
enum class Level { kTop, kMoov, kTrak, kEdts };

std::uint32_t be32(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) << 24 | static_cast<std::uint32_t>(p[1]) << 16 |
         static_cast<std::uint32_t>(p[2]) << 8 | static_cast<std::uint32_t>(p[3]);
}

std::uint64_t be64(const std::uint8_t* p) {
  return static_cast<std::uint64_t>(be32(p)) << 32 | be32(p + 4);
}

// Box types come from the file: anything that is not printable ASCII is shown as '?', so a
// message about a damaged file never carries control characters to a terminal.
std::string type_text(const std::uint8_t* p) {
  std::string t(4, '?');
  for (int i = 0; i < 4; ++i) {
    if (p[i] >= 0x20 && p[i] < 0x7f) t[static_cast<std::size_t>(i)] = static_cast<char>(p[i]);
  }
  return t;
}

bool printable_type(const std::uint8_t* p) {
  for (int i = 0; i < 4; ++i) {
    if (p[i] < 0x20 || p[i] >= 0x7f) return false;
  }
  return true;
}

class Walker {
 public:
  Walker(std::uint64_t file_size, ReadAt read) : file_size_(file_size), read_(std::move(read)) {}

  Mp4Layout run() {
    walk(0, file_size_, 0, Level::kTop);
    return std::move(layout_);
  }

  bool read_failed() const { return read_failed_; }

 private:
  // Returns false when the walk must stop (a problem was found or a read failed).
  bool walk(std::uint64_t begin, std::uint64_t end, int depth, Level level) {
    if (depth > kMp4MaxDepth) return stop(fmt::format("boxes nested deeper than {}", kMp4MaxDepth));
    std::uint64_t offset = begin;
    while (offset < end) {
      const std::uint64_t left = end - offset;
      if (left < 8) {
        return stop(fmt::format("{} stray byte{} at byte {} where a box should start", left,
                                left == 1 ? "" : "s", offset));
      }
      std::uint8_t head[16];
      if (!read(offset, head, 8)) return false;
      if (++box_count_ > kMp4MaxBoxes) {
        return stop(fmt::format("more than {} boxes", kMp4MaxBoxes));
      }
      if (level == Level::kTop && offset == 0 && !printable_type(head + 4)) {
        return stop("not an MP4 file: it does not start with a box");
      }
      const std::string type = type_text(head + 4);
      std::uint64_t size = be32(head);
      std::uint64_t header = 8;
      if (size == 1) {
        // 64-bit "largesize" follows the type.
        if (left < 16) return stop(box_text(type, offset) + " is cut off in its header");
        if (!read(offset + 8, head + 8, 8)) return false;
        size = be64(head + 8);
        header = 16;
      } else if (size == 0) {
        size = left;  // "to the end of the file" (or of the enclosing box)
      }
      if (size < header) {
        return stop(fmt::format("{} claims {} bytes, less than its own header",
                                box_text(type, offset), size));
      }
      const bool fits = size <= left;
      if (level == Level::kTop) layout_.boxes.push_back({type, offset, size});
      if (!fits) {
        return stop(fmt::format("{} claims {} bytes but {} ends at byte {}", box_text(type, offset),
                                size, level == Level::kTop ? "the file" : "its parent box", end));
      }
      const std::uint64_t inner = offset + header;
      const std::uint64_t box_end = offset + size;
      if (level == Level::kTop && type == "moov") {
        if (!walk(inner, box_end, depth + 1, Level::kMoov)) return false;
      } else if (level == Level::kMoov && type == "trak") {
        ++layout_.tracks;
        if (!walk(inner, box_end, depth + 1, Level::kTrak)) return false;
      } else if (level == Level::kTrak && type == "edts") {
        if (!walk(inner, box_end, depth + 1, Level::kEdts)) return false;
      } else if (level == Level::kEdts && type == "elst") {
        ++layout_.edit_lists;
      }
      offset = box_end;
    }
    return true;
  }

  static std::string box_text(const std::string& type, std::uint64_t offset) {
    return fmt::format("box '{}' at byte {}", type, offset);
  }

  bool stop(std::string problem) {
    layout_.problem = std::move(problem);
    return false;
  }

  bool read(std::uint64_t offset, std::uint8_t* out, std::size_t n) {
    if (offset > file_size_ || n > file_size_ - offset || !read_(offset, out, n)) {
      read_failed_ = true;
      return false;
    }
    return true;
  }

  std::uint64_t file_size_;
  ReadAt read_;
  Mp4Layout layout_;
  int box_count_ = 0;
  bool read_failed_ = false;
};

/// Closes a file descriptor on scope exit.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

int Mp4Layout::find(std::string_view type) const {
  for (std::size_t i = 0; i < boxes.size(); ++i) {
    if (boxes[i].type == type) return static_cast<int>(i);
  }
  return -1;
}

bool Mp4Layout::faststart() const {
  const int moov = find("moov");
  const int mdat = find("mdat");
  return moov >= 0 && (mdat < 0 || moov < mdat);
}

Mp4Layout walk_mp4_boxes(std::span<const std::uint8_t> data) {
  Walker walker(data.size(), [data](std::uint64_t offset, std::uint8_t* out, std::size_t n) {
    std::memcpy(out, data.data() + offset, n);
    return true;
  });
  return walker.run();
}

Result<Mp4Layout> read_mp4_layout(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return errno_error(errno, "open", path);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return errno_error(errno, "read file status", path);
  if (!S_ISREG(st.st_mode)) {
    return make_error(ErrorCode::kUnsupported, "not a regular file", path, "mp4 boxes");
  }
  int read_errno = 0;
  Walker walker(static_cast<std::uint64_t>(st.st_size),
                [&](std::uint64_t offset, std::uint8_t* out, std::size_t n) {
                  while (n > 0) {
                    const ssize_t got = ::pread(fd.get(), out, n, static_cast<off_t>(offset));
                    if (got < 0 && errno == EINTR) continue;
                    if (got <= 0) {
                      read_errno = got < 0 ? errno : EIO;
                      return false;
                    }
                    out += got;
                    n -= static_cast<std::size_t>(got);
                    offset += static_cast<std::uint64_t>(got);
                  }
                  return true;
                });
  Mp4Layout layout = walker.run();
  if (walker.read_failed()) return errno_error(read_errno != 0 ? read_errno : EIO, "read", path);
  return layout;
}

}  // namespace saluran
