// The YouTube connector's post: the uploaded video's thumbnail and playlist, its update, and
// reading it back.

#include "connectors/youtube.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <filesystem>
#include <regex>

#include "connectors/youtube_detail.hpp"

namespace saluran {
namespace {

using namespace youtube_detail;
namespace fs = std::filesystem;

// The index in plan.media of the first item of `kind` (and role when given); -1 when none.
int media_index(const ChannelPlan& plan, const std::string& kind,
                std::optional<MediaRole> role = std::nullopt) {
  for (std::size_t i = 0; i < plan.media.size(); ++i) {
    if (plan.media[i].kind == kind && (!role || plan.media[i].role == *role))
      return static_cast<int>(i);
  }
  return -1;
}

std::string expected_privacy(const ChannelPlan& plan) {
  return plan.status == PostStatus::kPublish ? with_platform_defaults(plan.channel).privacy
                                             : "private";
}

std::string description(const ChannelPlan& plan) {
  return plan.text.caption.empty() ? plan.text.body : plan.text.caption;
}

// Seconds of an ISO 8601 duration such as PT1M5S (0 when it is not one).
double iso_seconds(const std::string& text) {
  static const std::regex kDuration(R"(P(?:(\d+)D)?T?(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)");
  std::smatch m;
  if (!std::regex_match(text, m, kDuration)) return 0;
  auto part = [&](int i) { return m[i].matched ? std::stod(m[i].str()) : 0.0; };
  return part(1) * 86400 + part(2) * 3600 + part(3) * 60 + part(4);
}

// A number the API may send as a JSON string (uint64 fields) or a number.
double number(const json& j, const char* key) {
  if (!j.is_object() || !j.contains(key)) return -1;
  if (j[key].is_number()) return j[key].get<double>();
  const std::string s = str(j, key);
  return s.empty() ? -1 : std::atof(s.c_str());
}

}  // namespace

std::string YouTubeConnector::video_resource(const ChannelPlan& plan) {
  const ChannelConfig ch = with_platform_defaults(plan.channel);
  json snippet = {{"title", plan.text.title},
                  {"description", description(plan)},
                  {"categoryId", ch.category_id},
                  {"defaultLanguage", ch.language},
                  {"defaultAudioLanguage", ch.language}};
  if (!plan.text.tags.empty()) snippet["tags"] = plan.text.tags;
  json status = {{"privacyStatus", expected_privacy(plan)},
                 {"selfDeclaredMadeForKids", ch.made_for_kids}};
  if (plan.status == PostStatus::kScheduled && !plan.schedule.empty())
    status["publishAt"] = plan.schedule;
  return dump({{"snippet", snippet}, {"status", status}});
}

Status YouTubeConnector::update_video(const ChannelPlan& plan, const std::string& id) {
  json body = parse(video_resource(plan));
  body["id"] = id;
  http::Request req{.method = "PUT", .url = root_ + "/youtube/v3/videos?part=snippet%2Cstatus"};
  req.headers.set("Content-Type", "application/json; charset=UTF-8");
  req.body = dump(body);
  Result<http::Response> r = send_api(req, "updating the video's title, text and privacy", 50);
  if (!r) return r.error();
  return Ok{};
}

Status YouTubeConnector::set_thumbnail(const std::string& id, const PlannedMedia& cover) {
  http::Request req{.method = "POST",
                    .url = fmt::format("{}/upload/youtube/v3/thumbnails/set?"
                                       "videoId={}",
                                       upload_root_, url_encode(id))};
  const std::string ext = cover.file.extension().string();
  req.headers.set("Content-Type", ext == ".png" ? "image/png" : "image/jpeg");
  req.body = http::FileBody{.path = cover.file};
  Result<http::Response> r = send_api(req, "setting the cover photo as the thumbnail", 50);
  if (!r) return r.error();
  return Ok{};
}

Result<bool> YouTubeConnector::in_playlist(const std::string& id) {
  http::Request req{.url =
                        fmt::format("{}/youtube/v3/playlistItems?part=id&playlistId={}&videoId={}",
                                    root_, url_encode(channel_.playlist), url_encode(id))};
  Result<http::Response> r = send_api(req, "reading the playlist", 1);
  if (!r) return r.error();
  const json body = parse(r->body);
  return body.contains("items") && body["items"].is_array() && !body["items"].empty();
}

// Adds the video to the playlist once: the kept state says an insert was sent, and then the
// playlist is read before sending it again.
Status YouTubeConnector::add_to_playlist(const std::string& id, const std::string& key) {
  json kept = parse(load_state(key));
  if (str(kept, "playlist") == "done") return Ok{};
  if (str(kept, "playlist") == "sent") {
    Result<bool> there = in_playlist(id);
    if (!there) return there.error();
    if (*there) {
      kept["playlist"] = "done";
      save_state(key, dump(kept));
      return Ok{};
    }
  }
  kept["playlist"] = "sent";
  save_state(key, dump(kept));
  json body = {{"snippet",
                {{"playlistId", channel_.playlist},
                 {"resourceId", {{"kind", "youtube#video"}, {"videoId", id}}}}}};
  http::Request req{.method = "POST", .url = root_ + "/youtube/v3/playlistItems?part=snippet"};
  req.headers.set("Content-Type", "application/json; charset=UTF-8");
  req.body = dump(body);
  req.retry = false;  // a repeat would add the video twice: the playlist is read first
  Result<http::Response> r = send_api(req, "adding the video to playlist " + channel_.playlist, 50);
  if (!r) return r.error();
  kept["playlist"] = "done";
  save_state(key, dump(kept));
  return Ok{};
}

Result<RemoteItem> YouTubeConnector::put_post(const ChannelPlan& plan, const std::string& slug,
                                              const std::vector<RemoteItem>& media,
                                              const std::optional<RemoteItem>& existing) {
  const int vi = media_index(plan, "video");
  if (!existing && (vi < 0 || static_cast<std::size_t>(vi) >= media.size() || media[vi].id.empty()))
    return channel_error(ErrorCode::kInvalidArgument,
                         "a YouTube post is a video and this story has none for the channel: add "
                         "a video to the story or leave YouTube out",
                         "");
  const std::string id = existing ? existing->id : media[vi].id;
  const std::string key = "post:" + slug;
  json kept = parse(load_state(key));
  const bool resume = str(kept, "id") == id && !kept.value("done", false);
  if (str(kept, "id") != id) kept = {{"id", id}};
  kept["done"] = false;
  save_state(key, dump(kept));  // find_post finds the video from here on
  if (existing && !resume) {
    if (Status ok = reserve(101, 0, "updating the video"); !ok) return ok.error();
    if (Status ok = update_video(plan, id); !ok) return ok.error();
    kept["thumbnail"] = false;
  }
  const int ci = media_index(plan, "photo", MediaRole::kCover);
  if (ci >= 0 && !kept.value("thumbnail", false)) {
    if (Status ok = set_thumbnail(id, plan.media[ci]); !ok) return ok.error();
    kept["thumbnail"] = true;
    save_state(key, dump(kept));
  }
  if (!channel_.playlist.empty()) {
    if (Status ok = add_to_playlist(id, key); !ok) return ok.error();
    kept = parse(load_state(key));
  }
  kept["done"] = true;
  save_state(key, dump(kept));
  return RemoteItem{id, watch_url(id), slug, dump({{"video", id}})};
}

Result<std::optional<RemoteItem>> YouTubeConnector::find_post(const ChannelPlan&,
                                                              const std::string& slug) {
  const std::string id = str(parse(load_state("post:" + slug)), "id");
  if (id.empty()) return std::optional<RemoteItem>();
  Result<std::optional<std::string>> video = read_video(id, "id");
  if (!video) return video.error();
  if (!*video) return std::optional<RemoteItem>();
  return std::optional<RemoteItem>(RemoteItem{id, watch_url(id), slug, dump({{"video", id}})});
}

namespace {

void compare_snippet(const ChannelPlan& plan, const json& snippet, std::vector<Finding>& out) {
  if (str(snippet, "title") != plan.text.title)
    out.push_back({"title", plan.text.title, str(snippet, "title")});
  if (str(snippet, "description") != description(plan))
    out.push_back({"description", description(plan), str(snippet, "description")});
  std::vector<std::string> tags;
  if (snippet.contains("tags") && snippet["tags"].is_array())
    for (const json& t : snippet["tags"])
      if (t.is_string()) tags.push_back(t.get<std::string>());
  if (tags != plan.text.tags)
    out.push_back({"tags", fmt::format("{}", fmt::join(plan.text.tags, ", ")),
                   fmt::format("{}", fmt::join(tags, ", "))});
}

void compare_status(const ChannelPlan& plan, const json& status, std::vector<Finding>& out) {
  const std::string want = expected_privacy(plan);
  const std::string got = str(status, "privacyStatus");
  if (got == "private" && want != "private") {
    out.push_back({"privacy", want,
                   "private: YouTube keeps every video uploaded through an API project it has "
                   "not audited private; ask Google for the API compliance audit of the OAuth "
                   "client's project, or make the video " +
                       want + " in YouTube Studio"});
  } else if (got != want) {
    out.push_back({"privacy", want, got});
  }
  if (plan.status == PostStatus::kScheduled && str(status, "publishAt").empty())
    out.push_back({"schedule", plan.schedule, "no publishAt"});
}

// The upload's own state: failed, rejected (a duplicate...) or still processing (pending).
bool compare_processing(const json& video, std::vector<Finding>& out) {
  const json status = video.value("status", json::object());
  const json processing = video.value("processingDetails", json::object());
  const std::string upload = str(status, "uploadStatus");
  if (upload == "failed")
    out.push_back({"upload", "processed",
                   "failed: " + str(status, "failureReason") +
                       " (check the file plays, then upload it again)"});
  if (upload == "rejected") {
    const std::string why = str(status, "rejectionReason");
    out.push_back({"upload", "processed",
                   why == "duplicate"
                       ? "rejected as a duplicate of a video already on YouTube: delete one of "
                         "them in YouTube Studio"
                       : "rejected: " + why + " (see YouTube Studio)"});
  }
  if (upload == "deleted") out.push_back({"upload", "processed", "deleted on YouTube"});
  if (upload == "uploaded" || str(processing, "processingStatus") == "processing") {
    const json progress = processing.value("processingProgress", json::object());
    const double parts = number(progress, "partsTotal");
    const double done = number(progress, "partsProcessed");
    out.push_back({"processing", "processed",
                   parts > 0 ? fmt::format("still processing ({:.0f}%)", 100 * done / parts)
                             : "still processing",
                   true});
    return false;
  }
  if (str(processing, "processingStatus") == "failed" ||
      str(processing, "processingStatus") == "terminated")
    out.push_back(
        {"processing", "succeeded",
         str(processing, "processingStatus") + ": " + str(processing, "processingFailureReason")});
  return upload == "processed";
}

void compare_file(const PlannedMedia& m, const json& video, std::vector<Finding>& out) {
  const json file = video.value("fileDetails", json::object());
  double seconds = number(file, "durationMs") / 1000.0;
  if (seconds < 0)
    seconds = iso_seconds(str(video.value("contentDetails", json::object()), "duration"));
  if (m.seconds > 0 && std::fabs(seconds - m.seconds) > 1.0)
    out.push_back(
        {"duration", fmt::format("{:.1f} s", m.seconds), fmt::format("{:.1f} s", seconds)});
  std::error_code ec;
  const auto bytes = fs::file_size(m.file, ec);
  const double found = number(file, "fileSize");
  if (!ec && found >= 0 && static_cast<std::uint64_t>(found) != bytes)
    out.push_back(
        {"file size", fmt::format("{} bytes", bytes), fmt::format("{:.0f} bytes", found)});
}

}  // namespace

Result<std::vector<Finding>> YouTubeConnector::verify(const ChannelPlan& plan,
                                                      const RemoteItem& post,
                                                      const std::vector<RemoteItem>&) {
  Result<std::optional<std::string>> read =
      read_video(post.id, "snippet,status,processingDetails,contentDetails,fileDetails");
  if (!read) return read.error();
  std::vector<Finding> out;
  if (!*read) {
    out.push_back({"video", post.url, "not on YouTube (deleted, or the upload never finished)"});
    return out;
  }
  const json video = parse(**read);
  compare_snippet(plan, video.value("snippet", json::object()), out);
  compare_status(plan, video.value("status", json::object()), out);
  const bool processed = compare_processing(video, out);
  const int vi = media_index(plan, "video");
  if (processed && vi >= 0) compare_file(plan.media[vi], video, out);
  const json details = video.value("contentDetails", json::object());
  if (processed && media_index(plan, "photo", MediaRole::kCover) >= 0 &&
      details.contains("hasCustomThumbnail") && !details.value("hasCustomThumbnail", true))
    out.push_back({"thumbnail", "the cover photo",
                   "YouTube's own frame (custom thumbnails need "
                   "a verified channel)"});
  return out;
}

}  // namespace saluran
