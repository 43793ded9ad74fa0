// FakeFacebook: the Graph API routes one Page's publishing uses, with Graph's checks and errors.

#include "tests/fakes/facebook_fake.hpp"

#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>

namespace saluran::test {
namespace {

using json = nlohmann::json;
// The Graph root and the graph-video root share the fake's routes.
const std::string kRoot = R"((?:/video)?/v24\.0)";
constexpr std::uint64_t kMaxPhoto = 10u << 20;                    // page photo: 10 MB
constexpr std::uint64_t kMaxVideo = 2ull << 30;                   // 1363023: 2 GB
constexpr std::size_t kMaxMessage = 63206;                        // a Page post's text
constexpr long long kMinAhead = 10 * 60, kMaxAhead = 30 * 86400;  // scheduled_publish_time

long long now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void graph_error(httplib::Response& res, int status, int code, int subcode,
                 const std::string& message, const json& data = nullptr) {
  json e = {{"message", message},
            {"type", code == 190 ? "OAuthException" : "GraphMethodException"},
            {"code", code},
            {"fbtrace_id", "AbCdEfGh123"}};
  if (subcode) e["error_subcode"] = subcode;
  if (!data.is_null()) e["error_data"] = data.dump();
  res.status = status;
  res.set_content(json{{"error", e}}.dump(), "application/json; charset=UTF-8");
}

void answer(httplib::Response& res, const json& body) {
  res.status = 200;
  res.set_content(body.dump(), "application/json; charset=UTF-8");
}

// A form or query parameter, or a multipart text field.
std::string field(const httplib::Request& req, const std::string& name) {
  if (req.has_param(name.c_str())) return req.get_param_value(name.c_str());
  if (req.has_file(name.c_str())) return req.get_file_value(name.c_str()).content;
  return {};
}

bool wants_published(const httplib::Request& req) { return field(req, "published") != "false"; }

}  // namespace

FakeFacebook::FakeFacebook() {
  add_routes();
  add_video_routes();
  add_read_routes();
  start();
}

std::string FakeFacebook::token() const {
  std::lock_guard lock(const_cast<FakeFacebook*>(this)->state_mutex());
  return token_;
}
void FakeFacebook::set_token(const std::string& token) {
  std::lock_guard lock(state_mutex());
  token_ = token;
  expire_after_ = 0;
}
void FakeFacebook::expire_token_after_bytes(std::uint64_t bytes) {
  std::lock_guard lock(state_mutex());
  expire_after_ = bytes;
}
void FakeFacebook::set_chunk_size(std::uint64_t bytes) {
  std::lock_guard lock(state_mutex());
  chunk_ = bytes;
}
void FakeFacebook::set_processing_reads(int reads) {
  std::lock_guard lock(state_mutex());
  processing_reads_ = reads;
}

#define FB_LOCKED(expr)                                                 \
  std::lock_guard lock(const_cast<FakeFacebook*>(this)->state_mutex()); \
  return expr

int FakeFacebook::uploads_started() const { FB_LOCKED(uploads_started_); }
int FakeFacebook::completed_uploads() const { FB_LOCKED(completed_); }
int FakeFacebook::posts() const { FB_LOCKED(static_cast<int>(posts_.size())); }
int FakeFacebook::photos() const { FB_LOCKED(photos_); }
std::vector<FakeFacebookPost> FakeFacebook::post_list() const { FB_LOCKED(posts_); }
std::uint64_t FakeFacebook::stored_bytes(const std::string& id) const {
  std::lock_guard lock(const_cast<FakeFacebook*>(this)->state_mutex());
  const auto it = media_.find(id);
  return it == media_.end() ? 0 : it->second.bytes.size();
}
FakeFacebookMedia FakeFacebook::media(const std::string& id) const {
  std::lock_guard lock(const_cast<FakeFacebook*>(this)->state_mutex());
  const auto it = media_.find(id);
  return it == media_.end() ? FakeFacebookMedia{} : it->second;
}

std::string FakeFacebook::new_id() { return std::to_string(next_id_++); }

bool FakeFacebook::authorized(const httplib::Request& req, httplib::Response& res) {
  std::string given = req.get_param_value("access_token");
  const std::string auth = req.get_header_value("Authorization");
  for (const char* scheme : {"OAuth ", "Bearer "})
    if (auth.rfind(scheme, 0) == 0) given = auth.substr(std::string(scheme).size());
  if (given.empty()) {
    graph_error(res, 400, 2500, 0, "An active access token must be used to query information.");
    return false;
  }
  const bool expired = expire_after_ > 0 && video_bytes_ >= expire_after_;
  if (given != token_ || expired) {
    graph_error(res, 400, 190, 463,
                "Error validating access token: Session has expired on Monday, 07-Dec-26.");
    return false;
  }
  return true;
}

void FakeFacebook::add_routes() {
  server().Get(kRoot + "/me", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(state_mutex());
    if (!authorized(req, res)) return;
    answer(res, {{"id", page_id_}, {"name", "Diskominfo Kabupaten"}});
  });
  server().Post(kRoot + R"(/(\d+)/photos)", [this](const httplib::Request& req,
                                                   httplib::Response& res) {
    std::lock_guard lock(state_mutex());
    if (!authorized(req, res)) return;
    if (req.matches[1] != page_id_)
      return graph_error(res, 400, 100, 33, "Unsupported post request.");
    if (!req.has_file("source") && field(req, "url").empty())
      return graph_error(res, 400, 324, 0, "(#324) Requires upload file");
    const auto file = req.get_file_value("source");
    if (file.content_type.rfind("image/", 0) != 0)
      return graph_error(res, 400, 324, 0, "(#324) The photo file is not an image");
    if (file.content.size() > kMaxPhoto)
      return graph_error(res, 400, 100, 0, "(#100) The photo is larger than 10 MB");
    FakeFacebookMedia m{.id = new_id(),
                        .kind = "photo",
                        .size = file.content.size(),
                        .bytes = file.content,
                        .published = wants_published(req)};
    m.temporary = field(req, "temporary") == "true";
    m.alt = field(req, "alt_text_custom");
    media_[m.id] = m;
    ++photos_;
    json out = {{"id", m.id}};
    if (m.published) {
      posts_.push_back({.id = page_id_ + "_" + new_id(), .created_time = now(), .photos = {m.id}});
      out["post_id"] = posts_.back().id;
    }
    answer(res, out);
  });
  server().Post(
      kRoot + R"(/(\d+)/feed)", [this](const httplib::Request& req, httplib::Response& res) {
        std::lock_guard lock(state_mutex());
        if (!authorized(req, res)) return;
        if (req.matches[1] != page_id_)
          return graph_error(res, 400, 100, 33, "Unsupported post request.");
        FakeFacebookPost post{.message = field(req, "message"), .published = wants_published(req)};
        for (int i = 0; req.has_param(("attached_media[" + std::to_string(i) + "]").c_str()); ++i) {
          const json a =
              json::parse(field(req, "attached_media[" + std::to_string(i) + "]"), nullptr, false);
          const std::string id = a.is_object() ? a.value("media_fbid", "") : "";
          const auto it = media_.find(id);
          if (it == media_.end() || it->second.kind != "photo" || it->second.published)
            return graph_error(res, 400, 100, 0, "(#100) Invalid attached_media: " + id);
          post.photos.push_back(id);
        }
        if (post.message.empty() && post.photos.empty())
          return graph_error(res, 400, 100, 0, "(#100) Missing message or attachment");
        if (post.message.size() > kMaxMessage)
          return graph_error(res, 400, 100, 0, "(#100) The message is too long");
        if (const std::string when = field(req, "scheduled_publish_time"); !when.empty()) {
          post.scheduled_publish_time = std::atoll(when.c_str());
          const long long ahead = post.scheduled_publish_time - now();
          if (post.published || ahead < kMinAhead || ahead > kMaxAhead)
            return graph_error(res, 400, 100, 0,
                               "(#100) The specified scheduled publish time is invalid.");
        }
        for (const FakeFacebookPost& p : posts_)
          if (!p.message.empty() && p.message == post.message && p.video.empty())
            return graph_error(res, 400, 506, 0, "(#506) Duplicate status message");
        post.id = page_id_ + "_" + new_id();
        post.created_time = now();
        posts_.push_back(post);
        answer(res, {{"id", post.id}});
      });
}

}  // namespace saluran::test

namespace saluran::test {
namespace {
using json = nlohmann::json;
const std::string kVideoRoot = R"((?:/video)?/v24\.0)";
}  // namespace

void FakeFacebook::stored(FakeFacebookMedia& m, std::size_t n) {
  video_bytes_ += n;
  if (m.bytes.size() == m.size && n > 0) ++completed_;
}

void FakeFacebook::add_video_routes() {
  server().Post(
      kVideoRoot + R"(/(\d+)/videos)", [this](const httplib::Request& req, httplib::Response& res) {
        std::lock_guard lock(state_mutex());
        if (!authorized(req, res)) return;
        if (req.matches[1] != page_id_)
          return graph_error(res, 400, 100, 33, "Unsupported post request.");
        const std::string phase = field(req, "upload_phase");
        if (phase == "start") return video_start(req, res);
        if (phase == "transfer") return video_transfer(req, res);
        if (phase == "finish") return video_finish(req, res);
        graph_error(res, 400, 100, 0, "(#100) upload_phase must be start, transfer or finish");
      });
  server().Post(kVideoRoot + R"(/(\d+)/video_reels)",
                [this](const httplib::Request& req, httplib::Response& res) {
                  std::lock_guard lock(state_mutex());
                  if (!authorized(req, res)) return;
                  if (req.matches[1] != page_id_)
                    return graph_error(res, 400, 100, 33, "Unsupported post request.");
                  reels(req, res);
                });
  server().Post(R"(/rupload/video-upload/v24\.0/(\d+))",
                [this](const httplib::Request& req, httplib::Response& res,
                       const httplib::ContentReader& reader) { rupload(req, res, reader); });
}

void FakeFacebook::video_start(const httplib::Request& req, httplib::Response& res) {
  const long long size = std::atoll(field(req, "file_size").c_str());
  if (size <= 0) return graph_error(res, 400, 100, 0, "(#100) file_size is required");
  if (size < 1024)
    return graph_error(
        res, 400, 6000, 1363022,
        "The video you tried to upload is too small. The minimum size for a video is 1 KB.");
  if (static_cast<std::uint64_t>(size) > kMaxVideo)
    return graph_error(
        res, 400, 6000, 1363023,
        "The video you tried to upload is too large. The maximum size for a video is 2 GB.");
  FakeFacebookMedia m{.id = new_id(),
                      .kind = "video",
                      .session = new_id(),
                      .size = static_cast<std::uint64_t>(size)};
  media_[m.id] = m;
  sessions_[m.session] = m.id;
  ++uploads_started_;
  answer(res, {{"upload_session_id", m.session},
               {"video_id", m.id},
               {"start_offset", "0"},
               {"end_offset", std::to_string(std::min<std::uint64_t>(chunk_, m.size))}});
}

void FakeFacebook::video_transfer(const httplib::Request& req, httplib::Response& res) {
  const auto s = sessions_.find(field(req, "upload_session_id"));
  if (s == sessions_.end())
    return graph_error(res, 400, 6000, 1363019,
                       "There was a problem uploading your video. Please try uploading it again.");
  FakeFacebookMedia& m = media_[s->second];
  if (!req.has_file("video_file_chunk"))
    return graph_error(res, 400, 100, 0, "(#100) video_file_chunk is required");
  const std::string chunk = req.get_file_value("video_file_chunk").content;
  const std::uint64_t at = std::strtoull(field(req, "start_offset").c_str(), nullptr, 10);
  const std::uint64_t have = m.bytes.size();
  const std::uint64_t want_end = std::min<std::uint64_t>(have + chunk_, m.size);
  if (m.finished || at != have || chunk.empty() || at + chunk.size() > m.size ||
      chunk.size() > chunk_)
    return graph_error(res, 400, 6000, 1363037,
                       "There was a problem uploading your video. Please try uploading it again.",
                       json{{"start_offset", have}, {"end_offset", want_end}});
  m.bytes += chunk;
  stored(m, chunk.size());
  const std::uint64_t next = m.bytes.size();
  answer(res, {{"start_offset", std::to_string(next)},
               {"end_offset", std::to_string(std::min<std::uint64_t>(next + chunk_, m.size))}});
}

void FakeFacebook::video_finish(const httplib::Request& req, httplib::Response& res) {
  const auto s = sessions_.find(field(req, "upload_session_id"));
  if (s == sessions_.end())
    return graph_error(res, 400, 100, 0, "(#100) Invalid upload_session_id");
  FakeFacebookMedia& m = media_[s->second];
  if (m.bytes.size() != m.size)
    return graph_error(res, 400, 6000, 1363019,
                       "There was a problem uploading your video: the upload is not complete.");
  if (m.finished) return answer(res, {{"success", true}});  // Graph: finish is idempotent
  m.finished = true;
  m.published = wants_published(req);
  m.description = field(req, "description");
  m.title = field(req, "title");
  FakeFacebookPost post{.id = m.id,
                        .message = m.description,
                        .published = m.published,
                        .created_time = now(),
                        .video = m.id};
  post.scheduled_publish_time = std::atoll(field(req, "scheduled_publish_time").c_str());
  posts_.push_back(post);
  answer(res, {{"success", true}});
}

void FakeFacebook::reels(const httplib::Request& req, httplib::Response& res) {
  const std::string phase = field(req, "upload_phase");
  if (phase == "start") {
    FakeFacebookMedia m{.id = new_id(), .kind = "reel"};
    media_[m.id] = m;
    ++uploads_started_;
    return answer(res, {{"video_id", m.id},
                        {"upload_url", "http://" + req.get_header_value("Host") +
                                           "/rupload/video-upload/v24.0/" + m.id}});
  }
  if (phase != "finish") return graph_error(res, 400, 100, 0, "(#100) Invalid upload_phase");
  const auto it = media_.find(field(req, "video_id"));
  if (it == media_.end() || it->second.kind != "reel")
    return graph_error(res, 400, 100, 0, "(#100) Invalid video_id");
  FakeFacebookMedia& m = it->second;
  const std::string state = field(req, "video_state");
  if (state != "PUBLISHED" && state != "DRAFT" && state != "SCHEDULED")
    return graph_error(res, 400, 100, 0,
                       "(#100) video_state must be PUBLISHED, DRAFT or SCHEDULED");
  if (m.size == 0 || m.bytes.size() != m.size)
    return graph_error(res, 400, 6000, 1363019,
                       "There was a problem uploading your video: the upload is not complete.");
  if (m.finished) return answer(res, {{"success", true}});
  m.finished = true;
  m.published = state == "PUBLISHED";
  m.description = field(req, "description");
  posts_.push_back({.id = m.id,
                    .message = m.description,
                    .published = m.published,
                    .created_time = now(),
                    .video = m.id});
  answer(res, {{"success", true}});
}

void FakeFacebook::rupload(const httplib::Request& req, httplib::Response& res,
                           const httplib::ContentReader& reader) {
  std::string id = req.matches[1];
  std::uint64_t offset = 0;
  {
    std::lock_guard lock(state_mutex());
    if (!authorized(req, res)) return reader([](const char*, std::size_t) { return true; }), void();
    const auto it = media_.find(id);
    const std::uint64_t size =
        std::strtoull(req.get_header_value("file_size").c_str(), nullptr, 10);
    offset = std::strtoull(req.get_header_value("offset").c_str(), nullptr, 10);
    if (it == media_.end() || size == 0 || !req.has_header("offset") ||
        offset != it->second.bytes.size() || (it->second.size && it->second.size != size)) {
      reader([](const char*, std::size_t) { return true; });
      res.status = 400;
      res.set_content(json{{"debug_info",
                            {{"retriable", false},
                             {"type", "ProcessingFailedError"},
                             {"message", "offset or file_size mismatch"}}}}
                          .dump(),
                      "application/json");
      return;
    }
    it->second.size = size;
  }
  // Keeps each piece as it arrives, as rupload does: a cut upload resumes from what is here.
  reader([&](const char* data, std::size_t n) {
    std::lock_guard lock(state_mutex());
    FakeFacebookMedia& m = media_[id];
    const std::size_t room = static_cast<std::size_t>(m.size - m.bytes.size());
    m.bytes.append(data, std::min(n, room));
    stored(m, std::min(n, room));
    return true;
  });
  answer(res, {{"success", true}});
}

}  // namespace saluran::test

namespace saluran::test {
namespace {
using json = nlohmann::json;
const std::string kReadRoot = R"((?:/video)?/v24\.0)";

std::string iso(long long t) {
  const std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S+0000", &tm);
  return buf;
}

json post_json(const FakeFacebookPost& p, const std::string& page) {
  json j = {{"id", p.id},
            {"message", p.message},
            {"is_published", p.published},
            {"created_time", iso(p.created_time)},
            {"permalink_url",
             "https://www.facebook.com/" + page + "/posts/" + p.id.substr(p.id.find('_') + 1)}};
  if (p.scheduled_publish_time) j["scheduled_publish_time"] = p.scheduled_publish_time;
  if (p.photos.size() == 1) {
    j["attachments"] = {{"data", {{{"media_type", "photo"}, {"target", {{"id", p.photos[0]}}}}}}};
  } else if (!p.photos.empty()) {
    json subs = json::array();
    for (const std::string& id : p.photos)
      subs.push_back({{"media_type", "photo"}, {"target", {{"id", id}}}});
    j["attachments"] = {
        {"data", {{{"media_type", "album"}, {"subattachments", {{"data", subs}}}}}}};
  }
  return j;
}

}  // namespace

void FakeFacebook::add_read_routes() {
  server().Get(kReadRoot + R"(/(\d+)/(published_posts|scheduled_posts))",
               [this](const httplib::Request& req, httplib::Response& res) {
                 std::lock_guard lock(state_mutex());
                 if (!authorized(req, res)) return;
                 list_posts(req, res, req.matches[2] == "published_posts");
               });
  server().Get(kReadRoot + R"(/([\d_]+))",
               [this](const httplib::Request& req, httplib::Response& res) {
                 std::lock_guard lock(state_mutex());
                 if (!authorized(req, res)) return;
                 read_object(req, res);
               });
  server().Post(kReadRoot + R"(/([\d_]+))",
                [this](const httplib::Request& req, httplib::Response& res) {
                  std::lock_guard lock(state_mutex());
                  if (!authorized(req, res)) return;
                  const std::string id = req.matches[1];
                  for (FakeFacebookPost& p : posts_) {
                    if (p.id != id) continue;
                    if (!p.video.empty()) {
                      FakeFacebookMedia& m = media_[p.video];
                      if (req.has_param("description"))
                        p.message = m.description = field(req, "description");
                      if (req.has_param("title")) m.title = field(req, "title");
                    } else if (req.has_param("message")) {
                      p.message = field(req, "message");
                    }
                    return answer(res, {{"success", true}});
                  }
                  graph_error(res, 400, 100, 33,
                              "Unsupported post request. Object with ID '" + id +
                                  "' does not exist, cannot be loaded due to missing "
                                  "permissions, or does not support this operation.");
                });
}

void FakeFacebook::list_posts(const httplib::Request& req, httplib::Response& res, bool published) {
  if (req.matches[1] != page_id_) return graph_error(res, 400, 100, 33, "Unsupported get request.");
  const long long since = std::atoll(req.get_param_value("since").c_str());
  json data = json::array();
  for (auto it = posts_.rbegin(); it != posts_.rend(); ++it)  // newest first, as Graph lists
    if (it->published == published && it->video.empty() && it->created_time >= since)
      data.push_back(post_json(*it, page_id_));
  answer(res, {{"data", data}});
}

void FakeFacebook::read_object(const httplib::Request& req, httplib::Response& res) {
  const std::string id = req.matches[1];
  if (id == page_id_) return answer(res, {{"id", page_id_}, {"name", "Diskominfo Kabupaten"}});
  for (const FakeFacebookPost& p : posts_)
    if (p.id == id && p.video.empty()) return answer(res, post_json(p, page_id_));
  const auto it = media_.find(id);
  if (it == media_.end())
    return graph_error(res, 400, 100, 33,
                       "Unsupported get request. Object with ID '" + id +
                           "' does not exist, cannot be loaded due to missing "
                           "permissions, or does not support this operation.");
  const FakeFacebookMedia& m = it->second;
  if (m.kind == "photo") return answer(res, {{"id", m.id}, {"alt_text_custom", m.alt}});
  const bool full = m.size > 0 && m.bytes.size() == m.size;
  std::string status = m.finished ? "ready" : (full ? "upload_complete" : "uploading");
  if (m.finished && processing_reads_ > 0 &&
      req.get_param_value("fields").find("status") != std::string::npos) {
    --processing_reads_;
    status = "processing";
  }
  answer(res,
         {{"id", m.id},
          {"description", m.description},
          {"title", m.title},
          {"published", m.published},
          {"permalink_url", (m.kind == "reel" ? "/reel/" : "/" + page_id_ + "/videos/") + m.id},
          {"status",
           {{"video_status", status},
            {"uploading_phase",
             {{"status", full ? "complete" : "in_progress"},
              {"bytes_transferred", m.bytes.size()}}}}}});
}

}  // namespace saluran::test
