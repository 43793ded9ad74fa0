#include "tests/fakes/youtube_fake.hpp"

#include <fmt/format.h>

#include <chrono>
#include <functional>
#include <regex>
#include <thread>

#include "connectors/http/pkce.hpp"

namespace saluran::test {
namespace {

using json = nlohmann::json;

long long now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Google's error body: {"error": {"code", "message", "errors": [{message, domain, reason}]}}.
void google_error(httplib::Response& res, int status, const std::string& reason,
                  const std::string& message, const std::string& domain = "youtube.api") {
  res.status = status;
  const json body = {
      {"error",
       {{"code", status},
        {"message", message},
        {"errors", {{{"message", message}, {"domain", domain}, {"reason", reason}}}}}}};
  res.set_content(body.dump(), "application/json; charset=UTF-8");
}

void oauth_error(httplib::Response& res, int status, const std::string& error,
                 const std::string& description) {
  res.status = status;
  res.set_content(json{{"error", error}, {"error_description", description}}.dump(),
                  "application/json; charset=utf-8");
}

std::size_t utf8_chars(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// The checks videos.insert and videos.update make on snippet and status; empty when fine.
std::string metadata_problem(const json& body, std::string& reason) {
  static const std::set<std::string> kCategories = {"1",  "2",  "10", "15", "17", "19", "20", "22",
                                                    "23", "24", "25", "26", "27", "28", "29"};
  const json snippet = body.value("snippet", json::object());
  const json status = body.value("status", json::object());
  const std::string title = snippet.value("title", "");
  const std::string text = snippet.value("description", "");
  std::size_t tag_chars = 0;
  for (const json& t : snippet.value("tags", json::array()))
    tag_chars += utf8_chars(t.get<std::string>()) + 1;
  const std::string privacy = status.value("privacyStatus", "public");
  if (title.empty() || utf8_chars(title) > 100 || title.find_first_of("<>") != std::string::npos)
    return reason = "invalidTitle",
           "The request metadata specifies an invalid or empty video title.";
  if (text.size() > 5000 || text.find_first_of("<>") != std::string::npos)
    return reason = "invalidDescription",
           "The request metadata specifies an invalid video description.";
  if (tag_chars > 501)
    return reason = "invalidTags", "The request metadata specifies invalid video keywords.";
  if (!kCategories.count(snippet.value("categoryId", "")))
    return reason = "invalidCategoryId",
           "The snippet.categoryId property specifies an invalid category ID.";
  if (privacy != "public" && privacy != "unlisted" && privacy != "private")
    return reason = "invalidVideoMetadata", "The request metadata is invalid.";
  if (status.contains("publishAt") && privacy != "private")
    return reason = "invalidPublishAt",
           "The request metadata specifies an invalid scheduled publishing time.";
  return "";
}

std::string iso_duration(double seconds) {
  const long s = static_cast<long>(seconds + 0.5);
  return fmt::format("PT{}M{}S", s / 60, s % 60);
}

}  // namespace

FakeYouTube::FakeYouTube() {
  oauth_routes();
  upload_routes();
  video_routes();
  other_routes();
  start();
}

bool FakeYouTube::authorized(const httplib::Request& req, httplib::Response& res, long units,
                             long inserts) {
  const std::string auth = req.get_header_value("Authorization");
  const std::string token = auth.starts_with("Bearer ") ? auth.substr(7) : "";
  units_ += units;  // every request costs its units, even an invalid one
  const auto it = access_tokens_.find(token);
  if (it == access_tokens_.end() || it->second < now_ms()) {
    google_error(res, 401, "authError",
                 "Request had invalid authentication credentials. Expected "
                 "OAuth 2 access token, login cookie or other valid authentication credential.",
                 "global");
    return false;
  }
  if (expire_after_ >= 0 && --expire_after_ < 0)
    for (auto& [t, expiry] : access_tokens_) expiry = 0;
  if (units_ > daily_units_ || inserts_ + inserts > daily_inserts_) {
    google_error(res, 403, "quotaExceeded",
                 "The request cannot be completed because you have exceeded your <a "
                 "href=\"/youtube/v3/getting-started#quota\">quota</a>.",
                 "youtube.quota");
    return false;
  }
  inserts_ += inserts;
  return true;
}

void FakeYouTube::oauth_routes() {
  server().Get("/o/oauth2/auth", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(state_mutex());
    const std::string redirect = req.get_param_value("redirect_uri");
    if (req.get_param_value("client_id") != kClientId)
      return oauth_error(res, 401, "invalid_client", "The OAuth client was not found.");
    if (!redirect.starts_with("http://127.0.0.1:"))
      return oauth_error(res, 400, "redirect_uri_mismatch", "loopback redirect only");
    if (req.get_param_value("response_type") != "code" ||
        req.get_param_value("scope").find("youtube.upload") == std::string::npos ||
        req.get_param_value("code_challenge_method") != "S256" ||
        req.get_param_value("code_challenge").empty())
      return oauth_error(res, 400, "invalid_request", "missing or bad parameter");
    const std::string code = "4/fake-code-" + std::to_string(++next_id_);
    codes_[code] = Code{redirect, req.get_param_value("code_challenge")};
    res.status = 302;
    res.set_header("Location", fmt::format("{}/?code={}&state={}&scope=youtube", redirect,
                                           httplib::detail::encode_query_param(code),
                                           req.get_param_value("state")));
  });
  server().Post("/token", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(state_mutex());
    if (req.get_param_value("client_id") != kClientId ||
        req.get_param_value("client_secret") != kClientSecret)
      return oauth_error(res, 401, "invalid_client", "Unauthorized");
    const std::string grant = req.get_param_value("grant_type");
    json out = {{"expires_in", token_seconds_},
                {"token_type", "Bearer"},
                {"scope", "https://www.googleapis.com/auth/youtube.upload"}};
    if (grant == "authorization_code") {
      const auto it = codes_.find(req.get_param_value("code"));
      if (it == codes_.end() || it->second.redirect != req.get_param_value("redirect_uri") ||
          it->second.challenge != http::pkce_challenge(req.get_param_value("code_verifier")))
        return oauth_error(res, 400, "invalid_grant", "Malformed auth code.");
      codes_.erase(it);
      const std::string refresh = "1//fake-refresh-" + std::to_string(++next_id_);
      refresh_tokens_.insert(refresh);
      out["refresh_token"] = refresh;
    } else if (grant == "refresh_token") {
      if (!refresh_tokens_.count(req.get_param_value("refresh_token")))
        return oauth_error(res, 400, "invalid_grant", "Token has been expired or revoked.");
    } else {
      return oauth_error(res, 400, "unsupported_grant_type", "Invalid grant_type: " + grant);
    }
    const std::string access = "ya29.fake-" + std::to_string(++next_id_);
    access_tokens_[access] = now_ms() + token_seconds_ * 1000;
    out["access_token"] = access;
    res.set_content(out.dump(), "application/json; charset=utf-8");
  });
}

void FakeYouTube::upload_routes() {
  server().Post(
      "/upload/youtube/v3/videos", [this](const httplib::Request& req, httplib::Response& res) {
        std::lock_guard lock(state_mutex());
        if (!authorized(req, res, 0, 1)) return;
        const std::string part = req.get_param_value("part");
        const std::string type = req.get_header_value("X-Upload-Content-Type");
        const std::string length = req.get_header_value("X-Upload-Content-Length");
        if (req.get_param_value("uploadType") != "resumable" ||
            part.find("snippet") == std::string::npos || part.find("status") == std::string::npos)
          return google_error(res, 400, "required", "Required parameter: part", "global");
        if (!req.get_header_value("Content-Type").starts_with("application/json"))
          return google_error(
              res, 400, "badContent",
              "Unsupported content with type: " + req.get_header_value("Content-Type"), "global");
        if (!(type.starts_with("video/") || type == "application/octet-stream"))
          return google_error(res, 400, "invalidVideoFormat",
                              "Media type '" + type + "' is not supported.", "youtube.video");
        if (length.empty() || std::stoull(length) == 0 || std::stoull(length) > (256ULL << 30))
          return google_error(res, 400, "badRequest", "Bad X-Upload-Content-Length", "global");
        const json body = json::parse(req.body, nullptr, false);
        std::string reason;
        const std::string problem = body.is_object() ? metadata_problem(body, reason)
                                                     : (reason = "parseError", "Parse Error");
        if (!problem.empty()) return google_error(res, 400, reason, problem, "youtube.video");
        const std::string id = "upload-" + std::to_string(++next_id_);
        sessions_[id] = Session{std::stoull(length), type, body, {}, 0, {}};
        ++started_;
        // Like Google's, the session URI is on the host the request was sent to.
        res.set_header("Location", fmt::format("http://{}/upload/youtube/v3/videos?uploadType="
                                               "resumable&upload_id={}&part=snippet,status",
                                               req.get_header_value("Host"), id));
        res.status = 200;
      });
  server().Put("/upload/youtube/v3/videos",
               [this](const httplib::Request& req, httplib::Response& res,
                      const httplib::ContentReader& reader) { chunk(req, res, reader); });
}

void FakeYouTube::finish(Session& s, httplib::Response& res) {
  if (s.video_id.empty()) {
    s.video_id = fmt::format("vid{:08d}", ++next_id_);
    json v = s.meta;
    v["kind"] = "youtube#video";
    v["id"] = s.video_id;
    v["snippet"]["channelId"] = "UCfakechannel";
    if (private_lock_) v["status"]["privacyStatus"] = "private";
    bool duplicate = false;
    for (const auto& [other, data] : video_data_) duplicate = duplicate || data == s.data;
    v["status"]["uploadStatus"] = duplicate ? "rejected" : "uploaded";
    if (duplicate) v["status"]["rejectionReason"] = "duplicate";
    // As YouTube does: the length read from the file, unless a test says otherwise.
    const double seconds = seconds_ > 0 ? seconds_ : mp4_seconds(s.data);
    v["fileDetails"] = {{"fileSize", std::to_string(s.data.size())},
                        {"durationMs", std::to_string(static_cast<long>(seconds * 1000))}};
    v["contentDetails"] = {{"duration", iso_duration(seconds)}, {"hasCustomThumbnail", false}};
    videos_[s.video_id] = v;
    video_data_[s.video_id] = s.data;
    processing_left_[s.video_id] = processing_reads_;
    ++completed_;
  }
  res.status = 201;
  res.set_content(resource(s.video_id, "snippet,status").dump(), "application/json; charset=UTF-8");
}

// One PUT to a session URI: a status query (bytes */TOTAL) or a chunk (bytes FIRST-LAST/TOTAL).
void FakeYouTube::chunk(const httplib::Request& req, httplib::Response& res,
                        const httplib::ContentReader& reader) {
  std::unique_lock lock(state_mutex());
  const auto drain = [&] {
    lock.unlock();
    reader([this](const char*, std::size_t size) {
      std::lock_guard inner(state_mutex());
      upload_bytes_ += size;  // arrived, though not stored
      return true;
    });
    lock.lock();
  };
  const auto it = sessions_.find(req.get_param_value("upload_id"));
  if (it == sessions_.end()) {
    drain();
    return google_error(res, 404, "notFound", "Upload session not found.", "global");
  }
  Session& s = it->second;
  // A request after a cut waits until the body that was arriving is all stored (YouTube's
  // answers are consistent: a status query shows every byte it kept).
  while (s.receiving) {
    lock.unlock();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    lock.lock();
  }
  if (!authorized(req, res, 0)) return drain();
  static const std::regex kRange(R"(bytes (\*|(\d+)-(\d+))/(\d+))");
  std::smatch m;
  const std::string range = req.get_header_value("Content-Range");
  if (!std::regex_match(range, m, kRange) || std::stoull(m[4].str()) != s.total) {
    drain();
    return google_error(res, 400, "badRequest", "Invalid Content-Range: " + range, "global");
  }
  const auto answer = [&] {
    if (s.data.size() == s.total) return finish(s, res);
    res.status = 308;
    if (!s.data.empty()) res.set_header("Range", fmt::format("bytes=0-{}", s.data.size() - 1));
  };
  if (m[1].str() == "*") return answer();
  const std::uint64_t first = std::stoull(m[2].str());
  const std::uint64_t length = std::stoull(m[3].str()) - first + 1;
  const bool last = first + length == s.total;
  std::string problem;
  if (first != s.data.size())
    problem = fmt::format("the chunk starts at {}, {} bytes were received", first, s.data.size());
  else if (req.get_header_value("Content-Type") != s.type)
    problem = "Content-Type differs from X-Upload-Content-Type";
  else if (!last && (length % 262144 != 0 || (s.chunk != 0 && length != s.chunk)))
    problem = "every chunk but the last must be the same multiple of 256 KiB";
  else if (req.get_header_value("Content-Length") != std::to_string(length))
    problem = "Content-Length differs from Content-Range";
  if (!problem.empty()) {
    drain();
    return google_error(res, 400, "badRequest", problem, "global");
  }
  if (!last) s.chunk = length;
  chunk_sizes_.push_back(length);
  s.receiving = true;
  lock.unlock();
  // The bytes that arrive are kept even when the connection breaks, as YouTube's are.
  reader([&](const char* data, std::size_t size) {
    std::lock_guard inner(state_mutex());
    upload_bytes_ += size;
    s.data.append(data, std::min<std::size_t>(size, s.total - s.data.size()));
    return true;
  });
  lock.lock();
  s.receiving = false;
  answer();
}

// The video as videos.list gives it with `parts`; a read moves processing on.
json FakeYouTube::resource(const std::string& id, const std::string& parts) {
  json v = videos_.at(id);
  json out = {{"kind", "youtube#video"}, {"id", id}};
  int& left = processing_left_[id];
  const bool processing = left > 0;
  if (parts.find("processingDetails") != std::string::npos && left > 0) --left;
  if (!processing && v["status"]["uploadStatus"] == "uploaded")
    v["status"]["uploadStatus"] = "processed";
  v["processingDetails"] = {
      {"processingStatus", processing ? "processing" : "succeeded"},
      {"processingProgress", {{"partsTotal", "10"}, {"partsProcessed", processing ? "4" : "10"}}}};
  for (const char* part :
       {"snippet", "status", "processingDetails", "contentDetails", "fileDetails"})
    if (parts.find(part) != std::string::npos) out[part] = v[part];
  return out;
}

void FakeYouTube::video_routes() {
  server().Get("/youtube/v3/videos", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(state_mutex());
    if (!authorized(req, res, 1)) return;
    if (req.get_param_value("part").empty())
      return google_error(res, 400, "required", "Required parameter: part", "global");
    json items = json::array();
    if (videos_.count(req.get_param_value("id")))
      items.push_back(resource(req.get_param_value("id"), req.get_param_value("part")));
    res.set_content(json{{"kind", "youtube#videoListResponse"}, {"items", items}}.dump(),
                    "application/json; charset=UTF-8");
  });
  server().Put("/youtube/v3/videos", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(state_mutex());
    if (!authorized(req, res, 50)) return;
    const json body = json::parse(req.body, nullptr, false);
    if (req.get_param_value("part").empty() || !body.is_object())
      return google_error(res, 400, "required", "Required parameter: part", "global");
    const auto it = videos_.find(body.value("id", ""));
    if (it == videos_.end())
      return google_error(res, 404, "videoNotFound",
                          "The video that you are trying to update "
                          "cannot be found.",
                          "youtube.video");
    std::string reason;
    const std::string problem = metadata_problem(body, reason);
    if (!problem.empty()) return google_error(res, 400, reason, problem, "youtube.video");
    json& v = it->second;
    v["snippet"] = body["snippet"];
    v["snippet"]["channelId"] = "UCfakechannel";
    for (const auto& [k, value] : body["status"].items()) v["status"][k] = value;
    if (private_lock_) v["status"]["privacyStatus"] = "private";
    res.set_content(resource(it->first, "snippet,status").dump(), "application/json");
  });
  server().Post("/upload/youtube/v3/thumbnails/set", [this](const httplib::Request& req,
                                                            httplib::Response& res) {
    std::lock_guard lock(state_mutex());
    if (!authorized(req, res, 50)) return;
    const std::string type = req.get_header_value("Content-Type");
    const auto it = videos_.find(req.get_param_value("videoId"));
    if (it == videos_.end())
      return google_error(res, 404, "videoNotFound",
                          "The video that you are trying to set a "
                          "thumbnail for cannot be found.",
                          "youtube.thumbnail");
    if (type != "image/jpeg" && type != "image/png" && type != "application/octet-stream")
      return google_error(res, 400, "invalidImage", "The provided image content is invalid.",
                          "youtube.thumbnail");
    if (req.body.empty() || req.body.size() > (50u << 20))
      return google_error(res, 400, "mediaBodyRequired",
                          "The request does not include the "
                          "image content.",
                          "youtube.thumbnail");
    it->second["contentDetails"]["hasCustomThumbnail"] = true;
    ++thumbnails_;
    res.set_content(R"({"kind":"youtube#thumbnailSetResponse","items":[]})", "application/json");
  });
}

void FakeYouTube::other_routes() {
  server().Post("/youtube/v3/playlistItems", [this](const httplib::Request& req,
                                                    httplib::Response& res) {
    std::lock_guard lock(state_mutex());
    if (!authorized(req, res, 50)) return;
    const json body = json::parse(req.body, nullptr, false);
    const json snippet = body.is_object() ? body.value("snippet", json::object()) : json::object();
    const std::string playlist = snippet.value("playlistId", "");
    const std::string video = snippet.value("resourceId", json::object()).value("videoId", "");
    if (!playlists_.count(playlist))
      return google_error(res, 404, "playlistNotFound",
                          "The playlist identified with the "
                          "request's playlistId parameter cannot be found.",
                          "youtube.playlistItem");
    if (!videos_.count(video))
      return google_error(res, 404, "videoNotFound", "The video cannot be found.",
                          "youtube.playlistItem");
    playlist_items_.push_back(playlist + ":" + video);
    res.set_content(json{{"kind", "youtube#playlistItem"}, {"snippet", snippet}}.dump(),
                    "application/json");
  });
  server().Get("/youtube/v3/playlistItems",
               [this](const httplib::Request& req, httplib::Response& res) {
                 std::lock_guard lock(state_mutex());
                 if (!authorized(req, res, 1)) return;
                 const std::string want =
                     req.get_param_value("playlistId") + ":" + req.get_param_value("videoId");
                 json items = json::array();
                 for (const std::string& item : playlist_items_)
                   if (item == want) items.push_back({{"id", item}});
                 res.set_content(json{{"items", items}}.dump(), "application/json");
               });
  server().Get("/youtube/v3/channels", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(state_mutex());
    if (!authorized(req, res, 1)) return;
    res.set_content(R"({"items":[{"kind":"youtube#channel","id":"UCfakechannel"}]})",
                    "application/json");
  });
}

// ---- set-up and counters ----

std::string FakeYouTube::issue_refresh_token() {
  std::lock_guard lock(state_mutex());
  const std::string t = "1//fake-refresh-" + std::to_string(++next_id_);
  refresh_tokens_.insert(t);
  return t;
}

#define FAKE_LOCK std::lock_guard lock(const_cast<FakeYouTube*>(this)->state_mutex())
void FakeYouTube::revoke_refresh_tokens() {
  FAKE_LOCK;
  refresh_tokens_.clear();
}
void FakeYouTube::set_token_seconds(long seconds) {
  FAKE_LOCK;
  token_seconds_ = seconds;
}
void FakeYouTube::expire_tokens_after(int requests) {
  FAKE_LOCK;
  expire_after_ = requests;
}
void FakeYouTube::set_processing_reads(int reads) {
  FAKE_LOCK;
  processing_reads_ = reads;
}
void FakeYouTube::set_quota(long units, long inserts) {
  FAKE_LOCK;
  daily_units_ = units;
  daily_inserts_ = inserts;
}
void FakeYouTube::set_video_seconds(double seconds) {
  FAKE_LOCK;
  seconds_ = seconds;
}
void FakeYouTube::set_private_lock(bool on) {
  FAKE_LOCK;
  private_lock_ = on;
}
void FakeYouTube::add_playlist(const std::string& id) {
  FAKE_LOCK;
  playlists_.insert(id);
}
int FakeYouTube::uploads_started() const {
  FAKE_LOCK;
  return started_;
}
int FakeYouTube::completed_uploads() const {
  FAKE_LOCK;
  return completed_;
}
std::uint64_t FakeYouTube::upload_bytes_received() const {
  FAKE_LOCK;
  return upload_bytes_;
}
std::string FakeYouTube::video_bytes(const std::string& id) const {
  FAKE_LOCK;
  const auto it = video_data_.find(id);
  return it == video_data_.end() ? std::string() : it->second;
}
json FakeYouTube::video(const std::string& id) const {
  FAKE_LOCK;
  const auto it = videos_.find(id);
  return it == videos_.end() ? json() : it->second;
}
std::vector<std::string> FakeYouTube::video_ids() const {
  FAKE_LOCK;
  std::vector<std::string> out;
  for (const auto& [id, v] : videos_) out.push_back(id);
  return out;
}
int FakeYouTube::thumbnails_set() const {
  FAKE_LOCK;
  return thumbnails_;
}
std::vector<std::string> FakeYouTube::playlist_items() const {
  FAKE_LOCK;
  return playlist_items_;
}
long FakeYouTube::units_used() const {
  FAKE_LOCK;
  return units_;
}
long FakeYouTube::inserts_used() const {
  FAKE_LOCK;
  return inserts_;
}
std::vector<std::uint64_t> FakeYouTube::chunk_sizes() const {
  FAKE_LOCK;
  return chunk_sizes_;
}
#undef FAKE_LOCK

}  // namespace saluran::test
