#include "pipeline/stages/probe.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <filesystem>
#include <map>
#include <mutex>

#include <fmt/format.h>

#include "codecs/av/av_probe.hpp"
#include "codecs/file_bytes.hpp"
#include "codecs/image/photo_probe.hpp"
#include "codecs/meta/dji_srt.hpp"
#include "codecs/sniff.hpp"
#include "pipeline/run/worker_pool.hpp"
#include "pipeline/stages/walk.hpp"

namespace saluran {
namespace {

namespace fs = std::filesystem;

/// Photos larger than this are refused before reading (a 200 MP 16-bit TIFF-in-JPEG is ~150 MB).
constexpr std::uint64_t kMaxPhotoBytes = 512ull << 20;

bool is_srt_name(const std::string& path) { return lower_extension(path) == ".srt"; }

Result<MediaInfo> probe_telemetry(const std::string& path) {
  Result<Telemetry> t = read_dji_srt(path);
  if (!t) return t.error();
  MediaInfo info;
  info.path = path;
  info.kind = MediaKind::kTelemetry;
  info.container = "srt";
  std::error_code ec;
  info.size_bytes = fs::file_size(path, ec);
  info.duration_s = t->end_s - t->start_s;
  info.meta.make = "DJI";
  info.meta.device_class = DeviceClass::kDrone;
  if (!t->first_time.empty()) {
    info.meta.capture_time = t->first_time;
    info.meta.capture_time_source = "telemetry";
  }
  if (t->first_position) info.meta.gps = t->first_position;
  info.telemetry = std::move(t.value());
  info.telemetry_path = path;
  return info;
}

bool is_video_name(const std::string& path) {
  static const char* kVideo[] = {".mp4", ".mov", ".m4v", ".mkv", ".avi", ".mts", ".m2ts", ".lrv"};
  const std::string ext = lower_extension(path);
  return std::any_of(std::begin(kVideo), std::end(kVideo), [&](const char* v) { return ext == v; });
}

}  // namespace

bool is_passed_over(const Error& error, bool explicit_file) {
  return error.code == ErrorCode::kUnsupported && !explicit_file &&
         !has_media_extension(error.context.file);
}

bool has_media_extension(const std::string& path) {
  static const char* kMedia[] = {
      ".jpg", ".jpeg", ".jpe",  ".png", ".webp", ".heic", ".heif", ".hif", ".avif", ".mp4", ".mov",
      ".m4v", ".mkv",  ".webm", ".avi", ".mts",  ".m2ts", ".ts",   ".3gp", ".lrv",  ".wav", ".mp3",
      ".m4a", ".aac",  ".flac", ".ogg", ".oga",  ".opus", ".dng",  ".mpg", ".mpeg", ".wma", ".wmv"};
  const std::string ext = lower_extension(path);
  return std::any_of(std::begin(kMedia), std::end(kMedia), [&](const char* m) { return ext == m; });
}

Result<MediaInfo> probe_file(const std::string& path, const InputLimits& limits) {
  Result<std::vector<std::uint8_t>> head = read_file_head(path, 4096);
  if (!head) return head.error();
  if (head->empty()) {
    // An empty "DSC_0001.JPG" is a broken photo; an empty lock or note file is just not media.
    const bool named_media = has_media_extension(path) || is_srt_name(path);
    return make_error(named_media ? ErrorCode::kCorrupt : ErrorCode::kUnsupported, "file is empty",
                      path);
  }
  const ImageFormat image = sniff_image(*head);
  if (image != ImageFormat::kNone) {
    Result<std::vector<std::uint8_t>> bytes = read_file_bytes(path, kMaxPhotoBytes);
    if (!bytes) return bytes.error();
    return probe_photo(*bytes, image, path, limits);
  }
  const std::string_view text(reinterpret_cast<const char*>(head->data()), head->size());
  if (looks_like_dji_srt(text)) return probe_telemetry(path);
  if (is_srt_name(path)) {
    return make_error(ErrorCode::kUnsupported,
                      "subtitle file without DJI telemetry (no positions or camera settings)",
                      path);
  }
  return probe_av(path, limits);
}

namespace {

/// Probes the entries to do, on the worker pool; each file's result goes to its own entry.
void probe_all(std::vector<ProbeEntry>& entries, const std::vector<bool>& explicit_file,
               const ProbeOptions& options) {
  std::vector<std::size_t> todo;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (!entries[i].error && entries[i].skipped.empty()) todo.push_back(i);
  }
  std::atomic<std::size_t> done{0};
  std::mutex progress_mutex;
  parallel_for(todo.size(), std::clamp(options.threads, 1, 64), [&](std::size_t k) {
    ProbeEntry& e = entries[todo[k]];
    Result<MediaInfo> r = probe_file(e.path, options.limits);
    if (r) {
      e.info = std::move(r.value());
    } else if (is_passed_over(r.error(), explicit_file[todo[k]])) {
      e.skipped = kNotMediaReason;
    } else {
      e.error = std::move(r.error());
      e.error->context.stage = "probe";
    }
    const std::size_t n = ++done;
    if (options.on_progress) {
      std::lock_guard lock(progress_mutex);
      options.on_progress(n, todo.size());
    }
  });
}

/// Attaches DJI telemetry to its video; returns which entries (the SRTs attached) to drop.
std::vector<bool> attach_telemetry(std::vector<ProbeEntry>& entries) {
  std::vector<bool> drop(entries.size(), false);
  // DJI writes DJI_0001.MP4 + DJI_0001.SRT: the SRT belongs to the video, not beside it.
  std::vector<std::string> found;
  for (const ProbeEntry& e : entries) found.push_back(e.path);
  const auto srt_to_video = pair_by_stem(
      found, [&](std::size_t i) { return entries[i].skipped.empty() && is_video_name(found[i]); },
      [&](std::size_t i) { return entries[i].skipped.empty() && is_srt_name(found[i]); });
  for (const auto& [srt, video] : srt_to_video) {
    ProbeEntry& v = entries[video];
    ProbeEntry& s = entries[srt];
    if (!v.info || !s.info || s.info->kind != MediaKind::kTelemetry) continue;
    v.info->telemetry = s.info->telemetry;
    v.info->telemetry_path = s.path;
    Metadata& m = v.info->meta;
    if (m.make.empty()) {
      m.make = "DJI";
      m.device_class = DeviceClass::kDrone;
    }
    if (!m.gps && s.info->meta.gps) m.gps = s.info->meta.gps;
    drop[srt] = true;
  }
  return drop;
}

}  // namespace

Outcome outcome_of(const ProbeEntry& entry) {
  if (entry.error) return Outcome::kFailed;
  if (!entry.skipped.empty()) return Outcome::kSkipped;
  return entry.info ? Outcome::kUpToDate : Outcome::kFailed;
}

OutcomeCounts outcome_counts(const ProbeReport& report) {
  OutcomeCounts counts;
  for (const ProbeEntry& e : report.entries) counts.add(outcome_of(e));
  return counts;
}

ProbeReport probe_paths(const std::vector<std::string>& paths, const ProbeOptions& options) {
  std::vector<ProbeEntry> entries;
  std::vector<bool> explicit_file;
  for (WalkEntry& w : walk_paths(paths)) {
    entries.push_back(ProbeEntry{std::move(w.path), {}, std::move(w.error), std::move(w.skipped)});
    explicit_file.push_back(w.explicit_file);
  }
  probe_all(entries, explicit_file, options);
  const std::vector<bool> drop = attach_telemetry(entries);
  ProbeReport report;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (drop[i]) continue;
    ProbeEntry& e = entries[i];
    if (e.info) ++report.read;
    if (e.error) ++report.failed;
    if (!e.skipped.empty()) ++report.skipped;
    report.entries.push_back(std::move(e));
  }
  return report;
}

}  // namespace saluran
