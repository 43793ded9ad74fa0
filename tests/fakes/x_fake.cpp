// FakeX: X API v2's media upload, posts, timeline and OAuth 2.0 token refresh, in memory.

#include "tests/fakes/x_fake.hpp"

#include <fmt/format.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <regex>

#include "pipeline/ops/x_text.hpp"

namespace saluran::test {
namespace {

using json = nlohmann::json;

constexpr std::uint64_t kMaxSegment = 8u << 20;  // X: "server maximum is 8 MB"
constexpr std::uint64_t kMaxImage = 5u << 20;
constexpr int kExpiresAfter = 86400;

// X's problem JSON for a refused request.
void problem(httplib::Response& res, int status, const std::string& title,
             const std::string& detail, const std::string& type = "about:blank") {
  res.status = status;
  res.set_content(
      json{{"title", title}, {"detail", detail}, {"type", type}, {"status", status}}.dump(),
      "application/json");
}

// X's "Invalid Request" answer naming the parameter.
void invalid(httplib::Response& res, const std::string& parameter, const std::string& message) {
  res.status = 400;
  res.set_content(
      json{{"errors", {{{"parameters", {{parameter, json::array()}}}, {"message", message}}}},
           {"title", "Invalid Request"},
           {"detail", "One or more parameters to your request was invalid."},
           {"type", "https://api.twitter.com/2/problems/invalid-request"}}
          .dump(),
      "application/json");
}

void answer(httplib::Response& res, const json& body, int status = 200) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

bool allowed_type(const std::string& category, const std::string& type) {
  static const std::map<std::string, std::set<std::string>> kTypes = {
      {"tweet_image", {"image/jpeg", "image/png", "image/webp", "image/bmp"}},
      {"tweet_gif", {"image/gif"}},
      {"tweet_video", {"video/mp4", "video/quicktime", "video/webm"}},
      {"amplify_video", {"video/mp4", "video/quicktime"}}};
  const auto it = kTypes.find(category);
  return it != kTypes.end() && it->second.count(type) > 0;
}

std::string minutes_text(double seconds) {
  const int s = static_cast<int>(seconds);
  if (s % 60 == 0) return fmt::format("{} minutes", s / 60);
  return fmt::format("{} minutes and {} seconds", s / 60, s % 60);
}

}  // namespace

FakeX::FakeX() {
  add_media_routes();
  add_post_routes();
  add_user_routes();
  start();
}

bool FakeX::authorised(const httplib::Request& req, httplib::Response& res) {
  const std::string auth = req.get_header_value("Authorization");
  const bool ok = auth == "Bearer " + token_ && token_uses_left_ != 0;
  if (ok && token_uses_left_ > 0) --token_uses_left_;
  if (!ok) problem(res, 401, "Unauthorized", "Unauthorized");
  return ok;
}

void FakeX::add_media_routes() {
  server().Post("/2/media/upload/initialize", [this](const auto& req, auto& res) {
    std::lock_guard lock(state_mutex());
    if (authorised(req, res)) initialize(req, res);
  });
  server().Post(R"(/2/media/upload/(\d+)/append)", [this](const auto& req, auto& res) {
    std::lock_guard lock(state_mutex());
    if (authorised(req, res)) append(req, res);
  });
  server().Post(R"(/2/media/upload/(\d+)/finalize)", [this](const auto& req, auto& res) {
    std::lock_guard lock(state_mutex());
    if (authorised(req, res)) finalize(req, res);
  });
  server().Get("/2/media/upload", [this](const auto& req, auto& res) {
    std::lock_guard lock(state_mutex());
    if (authorised(req, res)) status(req, res);
  });
  server().Post("/2/media/metadata", [this](const auto& req, auto& res) {
    std::lock_guard lock(state_mutex());
    if (authorised(req, res)) metadata(req, res);
  });
}

void FakeX::initialize(const httplib::Request& req, httplib::Response& res) {
  if (req.get_header_value("Content-Type").rfind("application/json", 0) != 0)
    return invalid(res, "body", "The request body must be JSON (Content-Type application/json)");
  const json body = json::parse(req.body, nullptr, false);
  if (!body.is_object() || !body.contains("media_type") || !body.contains("total_bytes"))
    return invalid(res, "media_type", "media_type and total_bytes are required");
  FakeXMedia m;
  m.media_type = body.value("media_type", "");
  m.category = body.value("media_category", "");
  m.total_bytes = body.value("total_bytes", std::uint64_t{0});
  if (!allowed_type(m.category, m.media_type))
    return invalid(res, "media_type",
                   fmt::format("media_type {} is not allowed for media_category {}", m.media_type,
                               m.category));
  if (m.total_bytes == 0) return invalid(res, "total_bytes", "total_bytes must be positive");
  if (m.category == "tweet_image" && m.total_bytes > kMaxImage)
    return invalid(res, "total_bytes", "File size exceeds 5242880 bytes.");
  m.id = std::to_string(++next_id_);
  ++started_;
  const std::string id = m.id;
  media_[id] = std::move(m);
  answer(res,
         {{"data", {{"id", id}, {"media_key", "7_" + id}, {"expires_after_secs", kExpiresAfter}}}});
}

void FakeX::append(const httplib::Request& req, httplib::Response& res) {
  const auto it = media_.find(req.matches[1]);
  if (it == media_.end()) return invalid(res, "id", "The media id is unknown or expired.");
  FakeXMedia& m = it->second;
  if (m.finalized) return invalid(res, "id", "The media was already finalized.");
  if (!req.is_multipart_form_data() || !req.has_file("media") || !req.has_file("segment_index"))
    return invalid(res, "media", "multipart fields media and segment_index are required");
  const std::string& bytes = req.get_file_value("media").content;
  const int index = std::atoi(req.get_file_value("segment_index").content.c_str());
  const int next = m.segments.empty() ? 0 : m.segments.rbegin()->first + 1;
  if (index < 0 || index > next || index > 999)
    return invalid(
        res, "segment_index",
        fmt::format("segment_index {} is out of order (expected {} at most)", index, next));
  if (bytes.empty() || bytes.size() > kMaxSegment)
    return invalid(res, "media", "Segment size must be between 1 byte and 8 MB.");
  m.segments[index] = bytes;  // a segment sent again replaces the earlier copy
  ++appends_;
  append_bytes_ += std::strtoull(req.get_header_value("Content-Length").c_str(), nullptr, 10);
  if (drop_append_answers_ > 0) {
    --drop_append_answers_;
    return problem(res, 503, "Service Unavailable", "Service Unavailable");
  }
  answer(res, {{"data", {{"expires_at", 0}}}});
}

void FakeX::finalize(const httplib::Request& req, httplib::Response& res) {
  const auto it = media_.find(req.matches[1]);
  if (it == media_.end()) return invalid(res, "id", "The media id is unknown or expired.");
  FakeXMedia& m = it->second;
  std::uint64_t stored = 0;
  std::string all;
  int expect = 0;
  for (const auto& [index, bytes] : m.segments) {
    if (index != expect++) return invalid(res, "id", "A segment is missing.");
    stored += bytes.size();
    all += bytes;
  }
  if (stored != m.total_bytes)
    return invalid(
        res, "id",
        fmt::format("File size mismatch: total_bytes was {}, received {}.", m.total_bytes, stored));
  json data = {{"id", m.id},
               {"media_key", "7_" + m.id},
               {"size", stored},
               {"expires_after_secs", kExpiresAfter}};
  if (!m.finalized && m.category != "tweet_image") {
    m.seconds = mp4_seconds(all);
    m.state = "pending";
  }
  m.finalized = true;
  if (!m.state.empty())
    data["processing_info"] = {{"state", m.state}, {"check_after_secs", check_after_}};
  answer(res, {{"data", data}});
}

void FakeX::status(const httplib::Request& req, httplib::Response& res) {
  if (req.get_param_value("command") != "STATUS")
    return invalid(res, "command", "command must be STATUS");
  const auto it = media_.find(req.get_param_value("media_id"));
  if (it == media_.end()) return invalid(res, "media_id", "The media id is unknown or expired.");
  FakeXMedia& m = it->second;
  json data = {{"id", m.id}, {"media_key", "7_" + m.id}};
  if (m.finalized && !m.state.empty()) {
    ++m.polls;
    if (m.state == "pending" || m.state == "in_progress") {
      m.state = hold_ || m.polls < processing_polls_ ? "in_progress" : "succeeded";
      if (m.state == "succeeded" && m.seconds < 0.5) m.state = "failed";
    }
    data["processing_info"] = {{"state", m.state}, {"check_after_secs", check_after_}};
    if (m.state == "failed")
      data["processing_info"]["error"] = {
          {"code", 1},
          {"name", "InvalidMedia"},
          {"message", "Invalid or Unsupported media, Reason: UnsupportedMedia."}};
    if (m.state == "in_progress") data["processing_info"]["progress_percent"] = 50;
  }
  answer(res, {{"data", data}});
}

void FakeX::metadata(const httplib::Request& req, httplib::Response& res) {
  const json body = json::parse(req.body, nullptr, false);
  if (!body.is_object() || !body.contains("id") || !body["metadata"].contains("alt_text"))
    return invalid(res, "id", "id and metadata are required");
  const auto it = media_.find(body.value("id", ""));
  if (it == media_.end()) return invalid(res, "id", "The media id is unknown or expired.");
  const std::string text = body["metadata"]["alt_text"].value("text", "");
  if (text.size() > 1000) return invalid(res, "alt_text", "alt_text must be <= 1000 characters");
  it->second.alt = text;
  answer(res, {{"data", {{"id", it->first}, {"associated_metadata", body["metadata"]}}}});
}

void FakeX::add_post_routes() {
  server().Post("/2/tweets", [this](const auto& req, auto& res) {
    std::lock_guard lock(state_mutex());
    if (authorised(req, res)) create_post(req, res);
  });
  server().Get(R"(/2/tweets/(\d+))", [this](const auto& req, auto& res) {
    std::lock_guard lock(state_mutex());
    if (authorised(req, res)) read_post(req, res);
  });
}

std::string FakeX::post_refusal(const std::vector<std::string>& ids, const std::string& text,
                                int& status) {
  status = 400;
  int photos = 0;
  int videos = 0;
  for (const std::string& id : ids) {
    const auto it = media_.find(id);
    if (it == media_.end() || !it->second.finalized || it->second.state == "failed")
      return fmt::format("Your media IDs are invalid: {}", id);
    if (it->second.state == "pending" || it->second.state == "in_progress")
      return "Your media is still processing.";
    (it->second.category == "tweet_image" ? photos : videos)++;
    if (it->second.seconds > max_video_seconds_) {
      status = 403;
      return fmt::format("This user is not allowed to post a video longer than {}.",
                         minutes_text(max_video_seconds_));
    }
  }
  if (photos > 4 || videos > 1 || (photos > 0 && videos > 0))
    return "A post may have up to 4 photos or 1 video.";
  if (x_weighted_length(text) > kXMaxWeightedLength) return "Your Tweet text is too long.";
  if (text.empty() && ids.empty()) return "Post text or media is required.";
  for (const FakeXPost& p : posts_) {
    if (p.text == text) {
      status = 403;
      return "You are not allowed to create a Tweet with duplicate content.";
    }
  }
  status = 0;
  return {};
}

void FakeX::create_post(const httplib::Request& req, httplib::Response& res) {
  const json body = json::parse(req.body, nullptr, false);
  if (!body.is_object()) return invalid(res, "body", "The request body must be JSON");
  FakeXPost post;
  post.text = body.value("text", "");
  if (body.contains("media"))
    for (const json& id : body["media"].value("media_ids", json::array()))
      post.media_ids.push_back(id.get<std::string>());
  if (posts_left_ == 0) {
    res.set_header("x-rate-limit-limit", "100");
    res.set_header("x-rate-limit-remaining", "0");
    res.set_header("x-rate-limit-reset", std::to_string(reset_epoch_));
    return problem(res, 429, "Too Many Requests", "Too Many Requests");
  }
  int status = 0;
  const std::string refusal = post_refusal(post.media_ids, post.text, status);
  if (status == 403) return problem(res, 403, "Forbidden", refusal);
  if (status != 0) return invalid(res, "media.media_ids", refusal);
  if (posts_left_ > 0) --posts_left_;
  post.id = std::to_string(++next_id_);
  posts_.push_back(post);
  if (drop_answers_ > 0) {
    --drop_answers_;
    return problem(res, 503, "Service Unavailable", "Service Unavailable");
  }
  answer(res, {{"data", {{"id", post.id}, {"text", shown_text(post)}}}}, 201);
}

std::string FakeX::shown_text(const FakeXPost& post) const {
  static const std::regex kUrl(R"(https?://[^\s]+)");
  std::string out;
  std::size_t n = 0;
  std::string text = std::regex_replace(post.text, kUrl, "\x01");
  for (char c : text) {
    if (c == '\x01') {
      out += fmt::format("https://t.co/L{:09d}", ++n);
    } else if (c == '&') {
      out += "&amp;";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else {
      out += c;
    }
  }
  if (!post.media_ids.empty()) out += (out.empty() ? "" : " ") + ("https://t.co/M" + post.id);
  return out;
}

std::string FakeX::post_json(const FakeXPost& post) const {
  json data = {{"id", post.id}, {"text", shown_text(post)}, {"author_id", "1000"}};
  if (!post.media_ids.empty()) {
    json keys = json::array();
    for (const std::string& id : post.media_ids) keys.push_back("7_" + id);
    data["attachments"] = {{"media_keys", keys}};
  }
  return data.dump();
}

void FakeX::read_post(const httplib::Request& req, httplib::Response& res) {
  const std::string id = req.matches[1];
  for (const FakeXPost& p : posts_) {
    if (p.id != id) continue;
    json out = {{"data", json::parse(post_json(p))}};
    json media = json::array();
    for (const std::string& mid : p.media_ids) {
      const FakeXMedia& m = media_.at(mid);
      json item = {{"media_key", "7_" + mid},
                   {"type", m.category == "tweet_image" ? "photo" : "video"}};
      if (!m.alt.empty()) item["alt_text"] = m.alt;
      if (m.category != "tweet_image") item["duration_ms"] = static_cast<long>(m.seconds * 1000);
      media.push_back(item);
    }
    if (!media.empty()) out["includes"] = {{"media", media}};
    return answer(res, out);
  }
  answer(res, {{"errors",
                {{{"value", id},
                  {"detail", fmt::format("Could not find tweet with id: [{}].", id)},
                  {"title", "Not Found Error"},
                  {"resource_type", "tweet"},
                  {"parameter", "id"},
                  {"resource_id", id},
                  {"type", "https://api.twitter.com/2/problems/resource-not-found"}}}}});
}

void FakeX::add_user_routes() {
  server().Get("/2/users/me", [this](const auto& req, auto& res) {
    std::lock_guard lock(state_mutex());
    if (authorised(req, res))
      answer(res, {{"data", {{"id", "1000"}, {"name", "Diskominfo"}, {"username", "diskominfo"}}}});
  });
  server().Get(R"(/2/users/(\d+)/tweets)", [this](const auto& req, auto& res) {
    std::lock_guard lock(state_mutex());
    if (authorised(req, res)) timeline(req, res);
  });
  server().Post("/2/oauth2/token", [this](const auto& req, auto& res) {
    std::lock_guard lock(state_mutex());
    token(req, res);
  });
}

void FakeX::timeline(const httplib::Request& req, httplib::Response& res) {
  if (req.matches[1] != "1000")
    return problem(res, 403, "Forbidden", "You can only read your own timeline.");
  int max =
      req.has_param("max_results") ? std::atoi(req.get_param_value("max_results").c_str()) : 10;
  if (max < 5 || max > 100) return invalid(res, "max_results", "max_results must be 5 to 100");
  json data = json::array();
  for (auto it = posts_.rbegin(); it != posts_.rend() && max-- > 0; ++it)
    data.push_back(json::parse(post_json(*it)));
  json out = {{"meta", {{"result_count", data.size()}}}};
  if (!data.empty()) out["data"] = data;
  answer(res, out);
}

void FakeX::token(const httplib::Request& req, httplib::Response& res) {
  const auto bad = [&](const std::string& what) {
    res.status = 400;
    res.set_content(json{{"error", "invalid_request"}, {"error_description", what}}.dump(),
                    "application/json");
  };
  if (req.get_param_value("grant_type") != "refresh_token") return bad("grant_type");
  const auto it = refresh_.find(req.get_param_value("refresh_token"));
  if (it == refresh_.end() || it->second != req.get_param_value("client_id"))
    return bad("Value passed for the token was invalid.");
  refresh_.erase(it);  // X rotates refresh tokens: each is used once
  token_ = fmt::format("x-token-{}", ++next_id_);
  token_uses_left_ = -1;
  const std::string next_refresh = fmt::format("x-refresh-{}", ++next_id_);
  refresh_[next_refresh] = req.get_param_value("client_id");
  answer(res, {{"token_type", "bearer"},
               {"expires_in", 7200},
               {"access_token", token_},
               {"scope", "tweet.read tweet.write users.read media.write offline.access"},
               {"refresh_token", next_refresh}});
}

std::string FakeX::access_token() const {
  std::lock_guard lock(const_cast<FakeX*>(this)->state_mutex());
  return token_;
}
void FakeX::add_refresh_token(const std::string& refresh, const std::string& client_id) {
  std::lock_guard lock(state_mutex());
  refresh_[refresh] = client_id;
}
void FakeX::expire_token_after(int requests) {
  std::lock_guard lock(state_mutex());
  token_uses_left_ = requests;
}
void FakeX::set_max_video_seconds(double seconds) {
  std::lock_guard lock(state_mutex());
  max_video_seconds_ = seconds;
}
void FakeX::set_processing_polls(int polls) {
  std::lock_guard lock(state_mutex());
  processing_polls_ = polls;
}
void FakeX::hold_processing(bool hold) {
  std::lock_guard lock(state_mutex());
  hold_ = hold;
}
void FakeX::set_check_after_secs(int seconds) {
  std::lock_guard lock(state_mutex());
  check_after_ = seconds;
}
void FakeX::set_post_limit(int remaining, long long reset_epoch) {
  std::lock_guard lock(state_mutex());
  posts_left_ = remaining;
  reset_epoch_ = reset_epoch;
}
void FakeX::set_media_state(const std::string& id, const std::string& state) {
  std::lock_guard lock(state_mutex());
  media_[id].state = state;
}
void FakeX::drop_append_answers(int n) {
  std::lock_guard lock(state_mutex());
  drop_append_answers_ = n;
}
void FakeX::drop_post_answers(int n) {
  std::lock_guard lock(state_mutex());
  drop_answers_ = n;
}
int FakeX::posts() const {
  std::lock_guard lock(const_cast<FakeX*>(this)->state_mutex());
  return static_cast<int>(posts_.size());
}
std::vector<FakeXPost> FakeX::post_list() const {
  std::lock_guard lock(const_cast<FakeX*>(this)->state_mutex());
  return posts_;
}
int FakeX::uploads_started() const {
  std::lock_guard lock(const_cast<FakeX*>(this)->state_mutex());
  return started_;
}
int FakeX::completed_uploads() const {
  std::lock_guard lock(const_cast<FakeX*>(this)->state_mutex());
  int n = 0;
  for (const auto& [id, m] : media_) n += m.finalized ? 1 : 0;
  return n;
}
std::uint64_t FakeX::stored_bytes(const std::string& id) const {
  std::lock_guard lock(const_cast<FakeX*>(this)->state_mutex());
  const auto it = media_.find(id);
  std::uint64_t n = 0;
  if (it != media_.end())
    for (const auto& [index, bytes] : it->second.segments) n += bytes.size();
  return n;
}
FakeXMedia FakeX::media(const std::string& id) const {
  std::lock_guard lock(const_cast<FakeX*>(this)->state_mutex());
  const auto it = media_.find(id);
  return it == media_.end() ? FakeXMedia{} : it->second;
}
std::uint64_t FakeX::append_bytes() const {
  std::lock_guard lock(const_cast<FakeX*>(this)->state_mutex());
  return append_bytes_;
}
int FakeX::appends() const {
  std::lock_guard lock(const_cast<FakeX*>(this)->state_mutex());
  return appends_;
}

}  // namespace saluran::test
