// The report's pictures and players: a small JPEG of each picture rendition, a contact sheet of
// frames for a video, the sound file (embedded or linked) for a player. Everything that touches
// pixels goes through codecs/.

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <string>
#include <system_error>

#include "codecs/av/frame_sampler.hpp"
#include "codecs/file_bytes.hpp"
#include "codecs/image/photo_decode.hpp"
#include "codecs/image/photo_encode.hpp"
#include "codecs/image/picture_ops.hpp"
#include "pipeline/model/input_limits.hpp"
#include "pipeline/run/worker_pool.hpp"
#include "pipeline/stages/report_parts.hpp"

namespace saluran {

namespace {

namespace fs = std::filesystem;

// The largest picture rendition read for a thumbnail; channel pictures are a few MB at most.
constexpr std::uint64_t kMaxPictureBytes = 64ull << 20;

// `in` scaled so its long side is `edge` (never enlarged).
Picture fit_long_edge(const Picture& in, int edge) {
  const int longest = std::max(in.width, in.height);
  if (longest <= edge) return in;
  const double k = static_cast<double>(edge) / longest;
  return resize_picture(in, std::max(1, static_cast<int>(std::lround(in.width * k))),
                        std::max(1, static_cast<int>(std::lround(in.height * k))));
}

Result<std::string> jpeg_data_uri(const Picture& picture) {
  EncodeOptions options;
  options.quality = 72;
  options.progressive = false;
  Result<std::vector<std::uint8_t>> bytes = encode_picture(picture, options);
  if (!bytes) return bytes.error();
  return "data:image/jpeg;base64," + base64_text(bytes->data(), bytes->size());
}

RenditionPreview no_preview(const Error& error) {
  RenditionPreview p;
  p.kind = RenditionPreview::Kind::kNone;
  p.note = error.message;
  return p;
}

RenditionPreview image_preview(const Picture& picture) {
  Result<std::string> uri = jpeg_data_uri(picture);
  if (!uri) return no_preview(uri.error());
  RenditionPreview p;
  p.kind = RenditionPreview::Kind::kImage;
  p.src = std::move(*uri);
  return p;
}

RenditionPreview photo_preview(const std::string& file, int edge) {
  Result<std::vector<std::uint8_t>> bytes = read_file_bytes(file, kMaxPictureBytes);
  if (!bytes) return no_preview(bytes.error());
  Result<DecodedPhoto> photo = decode_photo(*bytes, file, InputLimits{}, edge);
  if (!photo) return no_preview(photo.error());
  return image_preview(fit_long_edge(photo->picture, edge));
}

// `frames` cells side by side, `columns` a row, each letterboxed into cell_w x cell_h.
Picture contact_sheet(const std::vector<Picture>& frames, int columns, int cell_w, int cell_h) {
  const int rows = (static_cast<int>(frames.size()) + columns - 1) / columns;
  Picture sheet{cell_w * columns, cell_h * rows, {}};
  sheet.rgb.assign(sheet.stride() * sheet.height, 24);  // dark grey gaps
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const double k = std::min(static_cast<double>(cell_w - 2) / frames[i].width,
                              static_cast<double>(cell_h - 2) / frames[i].height);
    const Picture cell =
        resize_picture(frames[i], std::max(1, static_cast<int>(frames[i].width * k)),
                       std::max(1, static_cast<int>(frames[i].height * k)));
    const int x0 = static_cast<int>(i % columns) * cell_w + (cell_w - cell.width) / 2;
    const int y0 = static_cast<int>(i / columns) * cell_h + (cell_h - cell.height) / 2;
    for (int y = 0; y < cell.height; ++y)
      std::memcpy(sheet.pixel(x0, y0 + y), cell.pixel(0, y), cell.stride());
  }
  return sheet;
}

RenditionPreview video_preview(const RenditionRecord& r, int edge, int count) {
  count = std::max(1, count);
  const double length = r.seconds > 0 ? r.seconds : 1.0;
  std::vector<double> times;
  // The middle of each of `count` equal parts: never the black first frame.
  for (int i = 0; i < count; ++i) times.push_back(length * (i + 0.5) / count);
  Result<std::vector<Picture>> decoded = av::decode_frames_at(r.file, times, edge);
  if (!decoded) return no_preview(decoded.error());
  const std::vector<Picture>& frames = *decoded;
  if (frames.empty())
    return no_preview(make_error(ErrorCode::kCorrupt, "no frame could be decoded", r.file));
  const int columns = std::min<int>(3, static_cast<int>(frames.size()));
  const bool portrait = frames.front().height > frames.front().width;
  // Portrait clips (Reels, Shorts) get narrower cells so the sheet keeps a sensible size.
  const int cell_w = portrait ? edge * 9 / 16 + 2 : edge + 2;
  const int cell_h = portrait ? edge + 2 : edge * 9 / 16 + 2;
  return image_preview(contact_sheet(frames, columns, cell_w, cell_h));
}

std::string audio_mime(const fs::path& file) {
  std::string ext = file.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ext == ".mp3") return "audio/mpeg";
  if (ext == ".wav") return "audio/wav";
  if (ext == ".m4a" || ext == ".aac" || ext == ".mp4") return "audio/mp4";
  if (ext == ".ogg" || ext == ".opus") return "audio/ogg";
  if (ext == ".flac") return "audio/flac";
  return "audio/mpeg";
}

RenditionPreview audio_preview(const RenditionRecord& r, std::uint64_t size,
                               const fs::path& html_dir, const ReportRequest& request) {
  RenditionPreview p;
  p.kind = RenditionPreview::Kind::kAudio;
  if (size < request.audio_embed_limit) {
    Result<std::vector<std::uint8_t>> bytes = read_file_bytes(r.file, request.audio_embed_limit);
    if (!bytes) return no_preview(bytes.error());
    p.src = "data:" + audio_mime(r.file) + ";base64," + base64_text(bytes->data(), bytes->size());
    return p;
  }
  p.linked = true;
  p.src = fs::path(r.file).lexically_proximate(html_dir).generic_string();
  return p;
}

}  // namespace

std::string base64_text(const std::uint8_t* bytes, std::size_t size) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((size + 2) / 3 * 4);
  for (std::size_t i = 0; i < size; i += 3) {
    const std::uint32_t n = (static_cast<std::uint32_t>(bytes[i]) << 16) |
                            (i + 1 < size ? static_cast<std::uint32_t>(bytes[i + 1]) << 8 : 0) |
                            (i + 2 < size ? bytes[i + 2] : 0);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < size ? kAlphabet[(n >> 6) & 63] : '=';
    out += i + 2 < size ? kAlphabet[n & 63] : '=';
  }
  return out;
}

RenditionPreview make_rendition_preview(const RenditionRecord& r, const fs::path& html_dir,
                                        const ReportRequest& request) {
  std::error_code ec;
  const std::uint64_t size = r.file.empty() ? 0 : fs::file_size(r.file, ec);
  if (r.file.empty() || ec || !fs::is_regular_file(r.file, ec)) {
    RenditionPreview p;
    p.kind = RenditionPreview::Kind::kMissing;
    return p;
  }
  if (r.kind == "photo") return photo_preview(r.file, request.thumbnail_edge);
  if (r.kind == "video") return video_preview(r, request.thumbnail_edge, request.sheet_frames);
  if (r.kind == "audio") return audio_preview(r, size, html_dir, request);
  return no_preview(make_error(ErrorCode::kUnsupported, "unknown kind '" + r.kind + "'"));
}

ReportPreviews make_previews(const BatchRecord& record, const fs::path& html_dir,
                             const ReportRequest& request) {
  ReportPreviews previews(record.folders.size());
  std::vector<std::pair<std::size_t, std::size_t>> items;
  for (std::size_t f = 0; f < record.folders.size(); ++f) {
    previews[f].resize(record.folders[f].renditions.size());
    for (std::size_t r = 0; r < record.folders[f].renditions.size(); ++r) items.emplace_back(f, r);
  }
  parallel_for(items.size(), std::min(2, default_threads()), [&](std::size_t i) {
    const auto [f, r] = items[i];
    previews[f][r] = make_rendition_preview(record.folders[f].renditions[r], html_dir, request);
  });
  return previews;
}

}  // namespace saluran
