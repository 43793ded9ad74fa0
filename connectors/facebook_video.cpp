// The Facebook connector's video uploads: the resumable upload of a Page video (start,
// transfer in the chunks the server asks for, finish) and a Reel's (start, bytes to the
// returned upload_url from the offset the server reports, finish). Offsets are kept in the
// channel's state before each call; the server's offsets are the truth on resume.

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <system_error>
#include <thread>

#include "connectors/facebook.hpp"
#include "connectors/facebook_graph.hpp"

namespace saluran::facebook {
namespace {

namespace fs = std::filesystem;

// A chunk size for a resumed session, until the server names its own (it does in every answer).
constexpr std::uint64_t kResumeChunk = 4u << 20;
// Tries of a Reel's byte upload before giving up (each asks the server how far it got first).
constexpr int kReelRounds = 4;
// The pause after a cut upload before asking how much arrived (the server finishes storing).
constexpr std::chrono::milliseconds kSettle{200};

// The offsets in a Graph error's error_data (1363037: the start offset was not the server's).
std::optional<std::pair<std::uint64_t, std::uint64_t>> offsets_in_error(const json& body) {
  const json& e = body.contains("error") ? body["error"] : body;
  if (!e.is_object() || !e.contains("error_data")) return std::nullopt;
  json data = e["error_data"];
  if (data.is_string()) data = json::parse(data.get<std::string>(), nullptr, false);
  if (!data.is_object() || !data.contains("start_offset")) return std::nullopt;
  return std::pair<std::uint64_t, std::uint64_t>(num(data, "start_offset"),
                                                 num(data, "end_offset"));
}

void report(const Graph& g, std::uint64_t sent, std::uint64_t total) {
  if (g.context.progress) g.context.progress(sent, total);
}

Result<std::uint64_t> size_of(const Graph& g, const PlannedMedia& media) {
  std::error_code ec;
  const std::uint64_t size = fs::file_size(media.file, ec);
  if (ec)
    return g.fail(ErrorCode::kNotFound,
                  fmt::format("the file {} to upload is missing: make the renditions again with "
                              "`saluran render`",
                              media.file.string()),
                  media.upload_name);
  return size;
}

// Starts a video session: the server gives the session, the video id and the first chunk.
Status start_video(const Graph& g, const PlannedMedia& media, std::uint64_t size, json& state,
                   const std::function<void(const json&)>& keep) {
  Result<json> started =
      g.call(g.form(g.video_api("/" + g.channel.account + "/videos"),
                    {{"upload_phase", "start"}, {"file_size", std::to_string(size)}}),
             "starting the upload of " + media.upload_name);
  if (!started) return started.error();
  state = {{"kind", "video"},
           {"session", str(*started, "upload_session_id")},
           {"video_id", str(*started, "video_id")},
           {"size", size},
           {"start", num(*started, "start_offset")},
           {"end", num(*started, "end_offset")}};
  if (str(state, "session").empty() || str(state, "video_id").empty())
    return g.fail(ErrorCode::kExternal, "Facebook started no upload session (no session id)",
                  dump(*started));
  keep(state);
  return Ok{};
}

// Sends the chunk [start, end) and returns the server's next offsets.
Result<std::pair<std::uint64_t, std::uint64_t>> transfer(const Graph& g, const PlannedMedia& media,
                                                         const json& state, std::uint64_t start,
                                                         std::uint64_t end) {
  const std::string doing =
      fmt::format("uploading {} (bytes {} to {})", media.upload_name, start, end);
  Result<http::Request> req = g.multipart(g.video_api("/" + g.channel.account + "/videos"),
                                          {{"upload_phase", "transfer"},
                                           {"upload_session_id", str(state, "session")},
                                           {"start_offset", std::to_string(start)}},
                                          {"video_file_chunk", media.file, start, end - start,
                                           media.upload_name, "application/octet-stream"});
  if (!req) return req.error();
  // A repeat at the same offset is harmless: the server answers 1363037 with its offsets.
  req->retry = true;
  Result<Answer> a = g.exchange(*req, doing);
  if (!a) return a.error();
  if (a->status >= 200 && a->status <= 299)
    return std::pair<std::uint64_t, std::uint64_t>(num(a->body, "start_offset"),
                                                   num(a->body, "end_offset"));
  if (auto offsets = offsets_in_error(a->body)) {
    g.log(fmt::format("{}: the server has {} bytes of {}: going on from there", g.channel.name,
                      offsets->first, media.upload_name));
    return *offsets;
  }
  return g.error(*req, *a, doing);
}

}  // namespace

bool is_reel(const PlannedMedia& media) { return media.preset == "facebook-reel"; }

Result<std::pair<std::uint64_t, bool>> uploaded_bytes(const Graph& g, const std::string& id,
                                                      bool last_on_connection) {
  http::Request req = g.request("GET", g.api("/" + id + "?fields=status"));
  // libcurl silently sends a request again, whole, when a reused connection dies before the
  // answer: an upload after this call starts on a fresh connection so a cut reaches us.
  if (last_on_connection) req.headers.set("Connection", "close");
  Result<json> got = g.call(req, "asking how much of video " + id + " Facebook has");
  if (!got) return got.error();
  const json& status = (*got).value("status", json::object());
  const json& phase = status.value("uploading_phase", json::object());
  return std::pair<std::uint64_t, bool>(num(phase, "bytes_transferred"),
                                        str(phase, "status") == "complete");
}

Result<RemoteItem> upload_video(const Graph& g, const PlannedMedia& media, json& state,
                                const std::function<void(const json&)>& keep) {
  Result<std::uint64_t> size = size_of(g, media);
  if (!size) return size.error();
  std::uint64_t start = 0, end = 0;
  if (str(state, "session").empty() || num(state, "size") != static_cast<long long>(*size)) {
    if (Status s = start_video(g, media, *size, state, keep); !s) return s.error();
    start = num(state, "start");
    end = num(state, "end");
  } else {  // a kept session: the server says how far it got
    Result<std::pair<std::uint64_t, bool>> got = uploaded_bytes(g, str(state, "video_id"));
    if (!got) return got.error();
    start = got->second ? *size : got->first;
    const std::uint64_t chunk = num(state, "end") - num(state, "start");
    end = std::min<std::uint64_t>(*size, start + (chunk > 0 ? chunk : kResumeChunk));
    g.log(fmt::format("{}: resuming {} at byte {} of {}", g.channel.name, media.upload_name, start,
                      *size));
  }
  int stuck = 0;
  while (start < *size) {
    if (end <= start) end = std::min<std::uint64_t>(*size, start + kResumeChunk);
    Result<std::pair<std::uint64_t, std::uint64_t>> next = transfer(g, media, state, start, end);
    if (!next) return next.error();
    stuck = next->first > start ? 0 : stuck + 1;
    if (stuck > 3)
      return g.fail(ErrorCode::kExternal,
                    fmt::format("Facebook keeps refusing byte {} of {}: run again later (the "
                                "upload resumes)",
                                start, media.upload_name));
    std::tie(start, end) = *next;
    state["start"] = start;
    state["end"] = end;
    keep(state);
    report(g, start, *size);
  }
  state["uploaded"] = true;
  keep(state);
  return RemoteItem{str(state, "video_id"), "", media.upload_name,
                    dump({{"kind", "video"}, {"session", str(state, "session")}})};
}

Result<RemoteItem> upload_reel(const Graph& g, const PlannedMedia& media, json& state,
                               const std::function<void(const json&)>& keep) {
  Result<std::uint64_t> size = size_of(g, media);
  if (!size) return size.error();
  if (str(state, "video_id").empty() || str(state, "upload_url").empty()) {
    Result<json> started =
        g.call(g.form(g.api("/" + g.channel.account + "/video_reels"), {{"upload_phase", "start"}}),
               "starting the Reel upload of " + media.upload_name);
    if (!started) return started.error();
    state = {{"kind", "reel"},
             {"video_id", str(*started, "video_id")},
             {"upload_url", str(*started, "upload_url")}};
    keep(state);
  }
  const std::string doing = "uploading the Reel " + media.upload_name;
  for (int round = 1;; ++round) {
    Result<std::pair<std::uint64_t, bool>> got = uploaded_bytes(g, str(state, "video_id"), true);
    if (!got) return got.error();
    if (got->second || got->first >= *size) break;
    http::Request req = g.request("POST", str(state, "upload_url"));
    req.headers.set("offset", std::to_string(got->first));
    req.headers.set("file_size", std::to_string(*size));
    req.headers.set("Content-Type", "application/octet-stream");
    req.body = http::FileBody{.path = media.file, .offset = got->first};
    req.retry = false;  // after a cut, ask the server how far it got instead
    Result<Answer> a = g.exchange(req, doing);
    if (a && a->status >= 200 && a->status <= 299) break;
    // A Graph error (token, permission, limit) is final. rupload's own refusal (an offset it
    // does not expect: after a cut, libcurl may resend on a fresh connection while the server
    // still stores what came first) means "ask again how far it got".
    if (a && (a->body.contains("error") || round >= kReelRounds)) return g.error(req, *a, doing);
    if (!a && round >= kReelRounds) return a.error();
    g.log(fmt::format("{}: {}: asking Facebook how far it got", g.channel.name,
                      a ? fmt::format("HTTP {}", a->status) : a.error().message));
    std::this_thread::sleep_for(kSettle);
  }
  report(g, *size, *size);
  state["uploaded"] = true;
  keep(state);
  return RemoteItem{str(state, "video_id"), "", media.upload_name, dump({{"kind", "reel"}})};
}

Result<RemoteItem> finish_video(const Graph& g, const ChannelPlan& plan, const RemoteItem& video,
                                const std::string& message) {
  const json detail = parse(video.detail);
  const bool reel = str(detail, "kind") == "reel";
  Fields fields;
  std::optional<long long> when;
  if (plan.status == PostStatus::kScheduled) {
    when = FacebookConnector::unix_time(plan.schedule);
    if (!when)
      return g.fail(ErrorCode::kInvalidArgument,
                    "the story's schedule \"" + plan.schedule + "\" is not an ISO 8601 time");
  }
  if (reel) {
    const char* state = plan.status == PostStatus::kPublish     ? "PUBLISHED"
                        : plan.status == PostStatus::kScheduled ? "SCHEDULED"
                                                                : "DRAFT";
    fields = {{"upload_phase", "finish"}, {"video_id", video.id}, {"video_state", state}};
  } else {
    fields = {{"upload_phase", "finish"},
              {"upload_session_id", str(detail, "session")},
              {"title", plan.text.title},
              {"published", plan.status == PostStatus::kPublish ? "true" : "false"}};
  }
  fields.emplace_back("description", message);
  if (when) fields.emplace_back("scheduled_publish_time", std::to_string(*when));
  const std::string url = reel ? g.api("/" + g.channel.account + "/video_reels")
                               : g.video_api("/" + g.channel.account + "/videos");
  Result<json> done = g.create(g.form(url, fields), "publishing the video " + video.name);
  if (!done) return done.error();
  Result<json> read = g.call(g.request("GET", g.api("/" + video.id + "?fields=permalink_url")),
                             "reading the address of video " + video.id);
  std::string link = read ? str(*read, "permalink_url") : std::string();
  if (!link.empty() && link.front() == '/') link = "https://www.facebook.com" + link;
  if (link.empty())
    link = (reel ? "https://www.facebook.com/reel/" : "https://www.facebook.com/") + video.id;
  return RemoteItem{video.id, link, video.name, dump({{"kind", reel ? "reel" : "video"}})};
}

}  // namespace saluran::facebook
