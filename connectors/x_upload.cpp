// XConnector's chunked media upload (initialize, append, finalize, STATUS, alt text), kept in the
// connector state before each append so a killed run continues it.

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "connectors/http/form.hpp"
#include "connectors/json_fields.hpp"
#include "connectors/x.hpp"

namespace saluran {
namespace {

using json = nlohmann::json;
using json_fields::parse;
using json_fields::str;
namespace fs = std::filesystem;

long long now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string media_type_of(const fs::path& file) {
  std::string ext = file.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
  if (ext == ".png") return "image/png";
  if (ext == ".webp") return "image/webp";
  if (ext == ".gif") return "image/gif";
  if (ext == ".mov") return "video/quicktime";
  return "video/mp4";
}

// `length` bytes of `file` from `offset`, for one segment (at most a few MB).
std::optional<std::string> read_range(const fs::path& file, std::uint64_t offset,
                                      std::uint64_t length) {
  std::ifstream in(file, std::ios::binary);
  if (!in.seekg(static_cast<std::streamoff>(offset))) return std::nullopt;
  std::string bytes(length, '\0');
  if (!in.read(bytes.data(), static_cast<std::streamsize>(length))) return std::nullopt;
  return bytes;
}

// One multipart/form-data body with segment_index and the segment's bytes as `media`.

}  // namespace

/// What is kept of one upload (connector state "upload:<upload_name>", JSON).
struct XConnector::Upload {
  std::string id;
  std::string media_key;
  std::uint64_t total = 0;
  int next = 0;            ///< the segment to send next (those before it were acknowledged)
  bool finalized = false;  ///< finalize was answered
  bool done = false;       ///< processed, alt text set: ready for the post
  long long expires = 0;   ///< epoch seconds when X forgets the media id

  std::string to_json() const {
    return json{{"id", id},          {"media_key", media_key}, {"total", total},
                {"next", next},      {"finalized", finalized}, {"done", done},
                {"expires", expires}}
        .dump();
  }
  static Upload from_json(const std::string& text) {
    const json j = parse(text);
    Upload u;
    u.id = str(j, "id");
    u.media_key = str(j, "media_key");
    u.total = j.value("total", std::uint64_t{0});
    u.next = j.value("next", 0);
    u.finalized = j.value("finalized", false);
    u.done = j.value("done", false);
    u.expires = j.value("expires", 0LL);
    return u;
  }
};

std::string XConnector::state_key(const PlannedMedia& media) const {
  return "upload:" + media.upload_name;
}

Result<XConnector::Upload> XConnector::start_upload(const PlannedMedia& media, std::uint64_t size) {
  const bool photo = media.kind == "photo";
  http::Request req = request("POST", "/2/media/upload/initialize");
  req.headers.set("Content-Type", "application/json");
  req.body = json{{"media_type", media_type_of(media.file)},
                  {"total_bytes", size},
                  {"media_category", photo ? "tweet_image" : "tweet_video"}}
                 .dump();
  Result<std::string> body = call_json(req, "starting the upload of " + media.upload_name);
  if (!body) return body.error();
  const json data = parse(*body).value("data", json::object());
  Upload up;
  up.id = str(data, "id");
  up.media_key = str(data, "media_key");
  up.total = size;
  up.expires = now_seconds() + data.value("expires_after_secs", 3600LL);
  if (up.id.empty())
    return x_error(ErrorCode::kExternal, "X's answer to the upload's start has no media id",
                   "POST /2/media/upload/initialize");
  save_state(state_key(media), up.to_json());
  return up;
}

Result<XConnector::Upload> XConnector::resume_or_start(const PlannedMedia& media,
                                                       std::uint64_t size) {
  const std::string kept = load_state(state_key(media));
  if (!kept.empty()) {
    Upload up = Upload::from_json(kept);
    // A minute of margin: a segment sent just before expiry would be lost with the rest.
    if (!up.id.empty() && up.total == size && up.expires > now_seconds() + 60) {
      log(fmt::format("continuing the upload of {} on X (media {}, segment {})", media.upload_name,
                      up.id, up.next));
      return up;
    }
    log(
        fmt::format("the unfinished upload of {} on X has expired or the file changed: starting "
                    "it again",
                    media.upload_name));
  }
  return start_upload(media, size);
}

Status XConnector::send_segments(const PlannedMedia& media, Upload& up) {
  const std::uint64_t seg = std::max<std::uint64_t>(options_.segment_bytes, 1);
  for (std::uint64_t offset = up.next * seg; offset < up.total; offset = up.next * seg) {
    const std::uint64_t length = std::min(seg, up.total - offset);
    std::optional<std::string> bytes = read_range(media.file, offset, length);
    if (!bytes)
      return x_error(ErrorCode::kIo, fmt::format("could not read {}", media.file.string()),
                     "append");
    save_state(state_key(media), up.to_json());  // segment `next` may arrive from here on
    http::Request req = request("POST", "/2/media/upload/" + up.id + "/append");
    // A segment is sent again whole after an interruption: X keeps the last copy of an index.
    http::Multipart m =
        http::multipart_body({{"segment_index", std::to_string(up.next)}},
                             {"media", "blob", "application/octet-stream", std::move(*bytes)});
    req.headers.set("Content-Type", m.content_type);
    req.body = std::move(m.body);
    Result<std::string> r = call_json(req, "sending " + media.upload_name);
    if (!r) return r.error();
    ++up.next;
    save_state(state_key(media), up.to_json());
    if (context_.progress) context_.progress(offset + length, up.total);
  }
  return Ok{};
}

Result<std::string> XConnector::processing_state(const std::string& media_id, std::string* message,
                                                 int* check_after) {
  Result<std::string> body =
      call_json(request("GET", "/2/media/upload?command=STATUS&media_id=" + media_id),
                "asking X how far it is with the media");
  if (!body) return body.error();
  const json info =
      parse(*body).value("data", json::object()).value("processing_info", json::object());
  if (message != nullptr) {
    *message = info.contains("progress_percent")
                   ? fmt::format(" ({}%)", info.value("progress_percent", 0))
                   : "";
    if (info.contains("error")) *message = info["error"].value("message", "");
  }
  if (check_after != nullptr) *check_after = info.value("check_after_secs", 1);
  const std::string state = str(info, "state");
  return state.empty() ? std::string("succeeded") : state;
}

// Finalizes; true when X will process the media (a video: poll STATUS).
Result<bool> XConnector::finalize(const PlannedMedia& media, Upload& up) {
  Result<std::string> body = call_json(request("POST", "/2/media/upload/" + up.id + "/finalize"),
                                       "finishing the upload of " + media.upload_name);
  if (!body) return body.error();
  up.finalized = true;
  save_state(state_key(media), up.to_json());
  return parse(*body).value("data", json::object()).contains("processing_info");
}

Status XConnector::wait_processing(const PlannedMedia& media, Upload& up) {
  for (int poll = 0; poll < options_.max_polls; ++poll) {
    std::string message;
    int check_after = 1;
    Result<std::string> state = processing_state(up.id, &message, &check_after);
    if (!state) return state.error();
    if (*state == "succeeded") return Ok{};
    if (*state == "failed") {
      save_state(state_key(media), "");  // X dropped it: the next run starts again
      return x_error(ErrorCode::kUnsupported,
                     fmt::format("X could not process {}: \"{}\": check the rendition (H.264 "
                                 "and AAC in MP4, 0.5 s or longer, at most 1280x1024 and 60 fps)",
                                 media.upload_name, message),
                     "GET /2/media/upload?command=STATUS");
    }
    // check_after_secs is what X asks for; capped so a wrong value cannot stall the run.
    sleep(std::min<std::chrono::milliseconds>(std::chrono::seconds(std::max(check_after, 0)),
                                              options_.max_poll_wait));
  }
  return x_error(ErrorCode::kExternal,
                 fmt::format("X is still processing {} after {} checks: run publish again later "
                             "(the upload is kept and not sent again)",
                             media.upload_name, options_.max_polls),
                 "GET /2/media/upload?command=STATUS");
}

Status XConnector::set_alt(const PlannedMedia& media, const Upload& up) {
  if (media.alt.empty() || media.kind != "photo") return Ok{};
  http::Request req = request("POST", "/2/media/metadata");
  req.headers.set("Content-Type", "application/json");
  req.body = json{{"id", up.id}, {"metadata", {{"alt_text", {{"text", media.alt}}}}}}.dump(
      -1, ' ', false, json::error_handler_t::replace);
  Result<std::string> r = call_json(req, "setting the alt text of " + media.upload_name);
  if (!r) return r.error();
  return Ok{};
}

RemoteItem XConnector::media_item(const PlannedMedia& media, const Upload& up) const {
  return RemoteItem{
      up.id, "", media.upload_name,
      json{{"media_key", up.media_key}, {"kind", media.kind}, {"bytes", up.total}}.dump()};
}

// True when X answers STATUS for `media_id` with 400/404: it does not know (or no longer
// knows) the upload.
bool XConnector::forgotten_by_x(const std::string& media_id) {
  Result<std::string> body = call_json(
      request("GET", "/2/media/upload?command=STATUS&media_id=" + media_id), "checking the upload");
  return !body &&
         (body.error().code == ErrorCode::kExternal || body.error().code == ErrorCode::kNotFound);
}

Result<std::optional<RemoteItem>> XConnector::find_media(const PlannedMedia& media) {
  const std::string kept = load_state(state_key(media));
  if (kept.empty()) return std::optional<RemoteItem>();
  const Upload up = Upload::from_json(kept);
  if (!up.done || up.expires <= now_seconds()) return std::optional<RemoteItem>();
  // Ask X: a media id it has forgotten cannot go on a post.
  if (forgotten_by_x(up.id)) return std::optional<RemoteItem>();
  return std::optional<RemoteItem>(media_item(media, up));
}

Result<RemoteItem> XConnector::upload_media(const ChannelPlan& plan, const PlannedMedia& media) {
  (void)plan;
  if (media.kind != "photo" && media.kind != "video")
    return x_error(ErrorCode::kUnsupported,
                   fmt::format("X takes photos and videos, not {} ({}): leave it out of the "
                               "channel's media",
                               media.kind, media.upload_name),
                   "upload");
  std::error_code ec;
  const std::uint64_t size = fs::file_size(media.file, ec);
  if (ec || size == 0)
    return x_error(ErrorCode::kIo, fmt::format("cannot read {}", media.file.string()), "upload");
  const bool resumed = !load_state(state_key(media)).empty();
  Result<Upload> up = resume_or_start(media, size);
  if (!up) return up.error();
  bool processing = up->finalized;  // a kept, finalized upload: ask X how far it is
  if (!up->finalized) {
    Status sent = send_segments(media, *up);
    const bool forgotten = !sent && resumed && forgotten_by_x(up->id);
    if (forgotten) {  // X refuses the kept media id (expired): start again, once
      log("X has forgotten the upload of " + media.upload_name + ": starting it again");
      save_state(state_key(media), "");
      up = start_upload(media, size);
      if (!up) return up.error();
      sent = send_segments(media, *up);
    }
    if (!sent) return sent.error();
    Result<bool> finalized = finalize(media, *up);
    if (!finalized) return finalized.error();
    processing = *finalized;
  }
  if (processing)
    if (Status s = wait_processing(media, *up); !s) return s.error();
  if (Status s = set_alt(media, *up); !s) return s.error();
  up->done = true;
  save_state(state_key(media), up->to_json());
  return media_item(media, *up);
}

}  // namespace saluran
