// The YouTube connector's upload: the resumable videos.insert, kept in the channel's state so a
// run killed at any moment resumes it from what YouTube received.

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include "connectors/youtube.hpp"
#include "connectors/youtube_detail.hpp"

namespace saluran {
namespace {

using namespace youtube_detail;
namespace fs = std::filesystem;

// What send_chunk reports.
enum ChunkResult { kMore = 0, kDone = 1, kInterrupted = 2, kExpired = 3 };

// Failed chunks in a row before the upload gives up (the session stays kept for the next run).
constexpr int kMaxFailures = 6;

std::string video_type(const fs::path& file) {
  std::string ext = file.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext == ".mp4" || ext == ".m4v") return "video/mp4";
  if (ext == ".mov") return "video/quicktime";
  if (ext == ".webm") return "video/webm";
  return "application/octet-stream";
}

// The received offset from a 308's `Range: bytes=0-LAST` (none: nothing stored).
std::uint64_t range_end(const http::Response& r) {
  const std::string range = r.headers.get("Range").value_or("");
  const std::size_t dash = range.rfind('-');
  if (dash == std::string::npos) return 0;
  return std::stoull(range.substr(dash + 1)) + 1;
}

}  // namespace

/// An upload in progress: the file, its session URI, how far YouTube has it, the video id.
struct YouTubeConnector::Session {
  std::string key;
  std::string name;
  fs::path file;
  std::string type;
  std::uint64_t total = 0;
  std::string uri;
  std::uint64_t offset = 0;
  std::string id;
};

void YouTubeConnector::keep(const Session& s) const {
  json j = {{"session", s.uri}, {"total", s.total}};
  if (!s.id.empty()) j["id"] = s.id;
  save_state(s.key, dump(j));
}

RemoteItem YouTubeConnector::video_item(const Session& s) const {
  return RemoteItem{s.id, watch_url(s.id), s.name, dump({{"kind", "video"}, {"bytes", s.total}})};
}

Result<std::string> YouTubeConnector::start_session(const ChannelPlan& plan,
                                                    const PlannedMedia& media,
                                                    std::uint64_t total) {
  http::Request req{
      .method = "POST",
      .url = upload_root_ + "/upload/youtube/v3/videos?uploadType=resumable&part=snippet%2Cstatus"};
  req.headers.set("Content-Type", "application/json; charset=UTF-8");
  req.headers.set("X-Upload-Content-Length", std::to_string(total));
  req.headers.set("X-Upload-Content-Type", video_type(media.file));
  req.body = video_resource(plan);
  charge(0, 1);  // videos.insert's own bucket: one call
  Result<http::Response> r = send_api(req, "uploading the video", 0);
  if (!r) return r.error();
  const std::string location = r->headers.get("Location").value_or("");
  if (location.empty())
    return channel_error(ErrorCode::kExternal,
                         "YouTube did not give an upload address (no Location): try again later",
                         "POST " + http::redact_url(req.url));
  return location;
}

// How much of the upload YouTube has; sets session.id when it has all of it. None: the session
// expired (404/410) and the upload must start again.
Result<std::optional<std::uint64_t>> YouTubeConnector::query_offset(Session& s) {
  http::Request req{.method = "PUT", .url = s.uri};
  req.headers.set("Content-Range", fmt::format("bytes */{}", s.total));
  req.body = std::string();
  Result<http::Response> r =
      send_api(req, "asking YouTube how much of the video arrived", 0, {308, 404, 410});
  if (!r) return r.error();
  if (r->status == 404 || r->status == 410) return std::optional<std::uint64_t>();
  if (r->status == 308) return std::optional<std::uint64_t>(range_end(*r));
  s.id = str(parse(r->body), "id");
  return std::optional<std::uint64_t>(s.total);
}

// Sends the next chunk from session.offset.
Result<int> YouTubeConnector::send_chunk(Session& s) {
  const std::uint64_t length = std::min(chunk_bytes_, s.total - s.offset);
  http::Request req{.method = "PUT", .url = s.uri};
  req.headers.set("Content-Type", s.type);
  req.headers.set("Content-Range",
                  fmt::format("bytes {}-{}/{}", s.offset, s.offset + length - 1, s.total));
  req.body = http::FileBody{.path = s.file, .offset = s.offset, .length = length};
  req.retry = false;  // what arrived is asked for before sending again
  // A 400 too: a chunk that does not start where YouTube stands (libcurl sends a request again
  // by itself when a reused connection dies before any answer) is followed by a status query.
  Result<http::Response> r = send_api(req, "uploading the video", 0,
                                      {308, 400, 401, 404, 410, 408, 429, 500, 502, 503, 504});
  if (!r) return r.error().code == ErrorCode::kIo ? Result<int>(kInterrupted) : r.error();
  if (r->status == 308) {
    s.offset = range_end(*r);
    return kMore;
  }
  if (r->status == 401) {
    if (Result<std::string> t = access_token(true); !t) return t.error();
    return kInterrupted;
  }
  if (r->status == 404 || r->status == 410) return kExpired;
  if (r->status >= 400) {
    const long after = std::atol(r->headers.get("Retry-After").value_or("0").c_str());
    if (after > 0)
      std::this_thread::sleep_for(
          std::min<std::chrono::milliseconds>(std::chrono::seconds(after), max_wait_));
    return kInterrupted;
  }
  s.id = str(parse(r->body), "id");
  s.offset = s.total;
  return kDone;
}

Result<RemoteItem> YouTubeConnector::send_video(Session& s) {
  int failures = 0;
  while (s.id.empty()) {
    if (s.offset >= s.total && s.total > 0) {
      // Everything arrived but no final answer was seen: the query repeats it.
      Result<std::optional<std::uint64_t>> q = query_offset(s);
      if (!q) return q.error();
      if (!s.id.empty()) break;
      s.offset = q->value_or(0);
    }
    Result<int> step = send_chunk(s);
    if (!step) return step.error();
    if (context_.progress) context_.progress(s.offset, s.total);
    if (*step == kMore || *step == kDone) {
      failures = 0;
      continue;
    }
    if (*step == kExpired || ++failures > kMaxFailures)
      return channel_error(ErrorCode::kIo,
                           *step == kExpired
                               ? "YouTube dropped the upload session: run again to start the "
                                 "upload over"
                               : "the upload to YouTube kept failing: check the network, then "
                                 "run again (it goes on from what YouTube has)",
                           "PUT " + http::redact_url(s.uri));
    std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(
        std::chrono::milliseconds(250 << std::min(failures, 6)), max_wait_));
    Result<std::optional<std::uint64_t>> q = query_offset(s);
    if (!q) return q.error();
    if (!*q)
      return channel_error(ErrorCode::kIo,
                           "YouTube dropped the upload session: run again to start the "
                           "upload over",
                           "PUT " + http::redact_url(s.uri));
    s.offset = **q;
  }
  keep(s);
  return video_item(s);
}

Result<RemoteItem> YouTubeConnector::upload_media(const ChannelPlan& plan,
                                                  const PlannedMedia& media) {
  std::error_code ec;
  const std::uint64_t total = fs::file_size(media.file, ec);
  if (ec)
    return channel_error(ErrorCode::kNotFound,
                         fmt::format("cannot read {}: {}", media.file.string(), ec.message()), "");
  if (media.kind != "video") {
    if (media.kind == "photo" && media.role == MediaRole::kCover)
      return RemoteItem{
          "", "", media.upload_name,
          dump({{"kind", "thumbnail"}, {"file", media.file.string()}, {"bytes", total}})};
    return channel_error(ErrorCode::kInvalidArgument,
                         fmt::format("YouTube takes the video and its cover photo only, not {}: "
                                     "leave it out of this channel's presets",
                                     media.upload_name),
                         "");
  }
  Session s{"upload:" + media.upload_name,
            media.upload_name,
            media.file,
            video_type(media.file),
            total,
            "",
            0,
            ""};
  const json kept = parse(load_state(s.key));
  if (kept.value("total", 0ULL) == total && !str(kept, "id").empty()) {
    s.id = str(kept, "id");
    return video_item(s);
  }
  if (kept.value("total", 0ULL) == total && !str(kept, "session").empty()) {
    s.uri = str(kept, "session");
    Result<std::optional<std::uint64_t>> q = query_offset(s);
    if (!q) return q.error();
    if (*q)
      s.offset = **q;
    else
      s.uri.clear();
  }
  if (s.uri.empty()) {
    const long after = 1 + (channel_.playlist.empty() ? 0 : 51) + 50 + 2;
    if (Status ok = reserve(after, 1, "uploading " + media.upload_name); !ok) return ok.error();
    Result<std::string> uri = start_session(plan, media, total);
    if (!uri) return uri.error();
    s.uri = *uri;
    keep(s);  // before any byte is sent: a killed run resumes this session
  }
  return send_video(s);
}

Result<std::optional<RemoteItem>> YouTubeConnector::find_media(const PlannedMedia& media) {
  if (media.kind != "video") return std::optional<RemoteItem>();
  std::error_code ec;
  Session s{"upload:" + media.upload_name,
            media.upload_name,
            media.file,
            video_type(media.file),
            fs::file_size(media.file, ec),
            "",
            0,
            ""};
  const json kept = parse(load_state(s.key));
  s.id = str(kept, "id");
  s.uri = str(kept, "session");
  s.total = kept.value("total", s.total);
  if (s.id.empty() && !s.uri.empty()) {
    Result<std::optional<std::uint64_t>> q = query_offset(s);
    if (!q) return q.error();
    if (!s.id.empty()) keep(s);
  }
  if (s.id.empty()) return std::optional<RemoteItem>();
  Result<std::optional<std::string>> video = read_video(s.id, "id");
  if (!video) return video.error();
  if (!*video) {  // deleted on YouTube since: it is uploaded again
    save_state(s.key, "");
    return std::optional<RemoteItem>();
  }
  return std::optional<RemoteItem>(video_item(s));
}

}  // namespace saluran
