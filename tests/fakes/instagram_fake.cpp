// FakeInstagram: the Instagram Content Publishing API's routes and in-memory state.

#include "tests/fakes/instagram_fake.hpp"

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

namespace saluran::test {
namespace {

using json = nlohmann::json;

long long now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string iso_time(long long seconds) {
  const std::time_t t = seconds;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S+0000", &tm);
  return buf;
}

// Answers a Graph API error as Instagram does: {"error":{message,type,code,error_subcode,...}}.
void graph_error(httplib::Response& res, int status, long code, long subcode,
                 const std::string& message, const std::string& user_msg = "") {
  json err = {{"message", message},
              {"type", "OAuthException"},
              {"code", code},
              {"fbtrace_id", "AfakeTrace"}};
  if (subcode != 0) err["error_subcode"] = subcode;
  if (!user_msg.empty()) {
    err["error_user_msg"] = user_msg;
    err["is_transient"] = false;
  }
  res.status = status;
  res.set_content(json{{"error", err}}.dump(), "application/json; charset=UTF-8");
}

void answer(httplib::Response& res, const json& body) {
  res.status = 200;
  res.set_content(body.dump(), "application/json; charset=UTF-8");
}

void no_object(httplib::Response& res, const std::string& id) {
  graph_error(res, 400, 100, 33,
              "Unsupported get request. Object with ID '" + id +
                  "' does not exist, cannot be loaded due to missing permissions, or does not "
                  "support this operation.");
}

std::size_t code_points(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::size_t hashtags(const std::string& s) {
  std::size_t n = 0;
  for (std::size_t i = 0; i + 1 < s.size(); ++i)
    if (s[i] == '#' && (i == 0 || std::isspace(static_cast<unsigned char>(s[i - 1]))) &&
        !std::isspace(static_cast<unsigned char>(s[i + 1])))
      ++n;
  return n;
}

// A JPEG's size from its SOF marker; false when the data is not a JPEG.
bool jpeg_size(const std::string& d, int& width, int& height) {
  if (d.size() < 4 || static_cast<unsigned char>(d[0]) != 0xFF ||
      static_cast<unsigned char>(d[1]) != 0xD8)
    return false;
  std::size_t i = 2;
  while (i + 9 < d.size()) {
    if (static_cast<unsigned char>(d[i]) != 0xFF) return false;
    const unsigned marker = static_cast<unsigned char>(d[i + 1]);
    const std::size_t len =
        (static_cast<unsigned char>(d[i + 2]) << 8) | static_cast<unsigned char>(d[i + 3]);
    if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
      height = (static_cast<unsigned char>(d[i + 5]) << 8) | static_cast<unsigned char>(d[i + 6]);
      width = (static_cast<unsigned char>(d[i + 7]) << 8) | static_cast<unsigned char>(d[i + 8]);
      return true;
    }
    i += 2 + len;
  }
  return false;
}

}  // namespace

FakeInstagram::FakeInstagram() {
  server().Get(R"(/files/(.+))",
               [this](const httplib::Request& req, httplib::Response& res) { serve(req, res); });
  server().Post(R"(/(\d+)/media)", [this](const httplib::Request& req, httplib::Response& res) {
    if (authorised(req, res)) create_container(req, res);
  });
  server().Post(R"(/(\d+)/media_publish)",
                [this](const httplib::Request& req, httplib::Response& res) {
                  if (authorised(req, res)) publish(req, res);
                });
  server().Get(R"(/(\d+)/media)", [this](const httplib::Request& req, httplib::Response& res) {
    if (!authorised(req, res)) return;
    if (req.matches[1] != kAccount) return no_object(res, req.matches[1]);
    list_media(res);
  });
  server().Get(R"(/(\d+)/content_publishing_limit)",
               [this](const httplib::Request& req, httplib::Response& res) {
                 if (!authorised(req, res)) return;
                 if (req.matches[1] != kAccount) return no_object(res, req.matches[1]);
                 publishing_limit(res);
               });
  server().Get(R"(/(\d+))", [this](const httplib::Request& req, httplib::Response& res) {
    if (authorised(req, res)) read_object(req.matches[1], res);
  });
  start();
}

// Stops the server before this object's state goes: routes may still be running until then.
FakeInstagram::~FakeInstagram() {
  server().stop();
  while (server().is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

std::string FakeInstagram::token() const {
  std::lock_guard lock(mutex_);
  return token_;
}
void FakeInstagram::set_token(std::string token) {
  std::lock_guard lock(mutex_);
  token_ = std::move(token);
}
std::string FakeInstagram::serve_file(const std::string& name, const std::filesystem::path& path) {
  std::lock_guard lock(files_mutex_);
  files_[name] = path;
  return url("/files/" + name);
}
void FakeInstagram::set_in_progress_polls(int polls) {
  std::lock_guard lock(mutex_);
  in_progress_polls_ = polls;
}
void FakeInstagram::fail_next_containers(int count, std::string status) {
  std::lock_guard lock(mutex_);
  fail_count_ = count;
  fail_status_ = std::move(status);
}
void FakeInstagram::expire_containers() {
  std::lock_guard lock(mutex_);
  for (auto& [id, c] : containers_)
    if (!c.published) c.expired = true;
}
void FakeInstagram::set_publish_limit(int limit) {
  std::lock_guard lock(mutex_);
  publish_limit_ = limit;
}
void FakeInstagram::set_reel_processing_reads(int reads) {
  std::lock_guard lock(mutex_);
  reel_processing_reads_ = reads;
}
void FakeInstagram::lose_publish_answers(int count) {
  std::lock_guard lock(mutex_);
  lose_answers_ = count;
}
void FakeInstagram::refuse_as_duplicate(int count) {
  std::lock_guard lock(mutex_);
  duplicates_ = count;
}
int FakeInstagram::posts() const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(posts_.size());
}
std::vector<FakeInstagramPost> FakeInstagram::published() const {
  std::lock_guard lock(mutex_);
  return posts_;
}
int FakeInstagram::containers_created() const {
  std::lock_guard lock(mutex_);
  return containers_created_;
}
int FakeInstagram::completed_uploads() const {
  std::lock_guard lock(mutex_);
  return completed_uploads_;
}
std::uint64_t FakeInstagram::request_body_bytes() const {
  std::lock_guard lock(mutex_);
  return request_body_bytes_;
}
std::uint64_t FakeInstagram::bytes_fetched() const {
  std::lock_guard lock(mutex_);
  return bytes_fetched_;
}

std::string FakeInstagram::new_id() { return std::to_string(17900000000000000LL + next_id_++); }

void FakeInstagram::serve(const httplib::Request& req, httplib::Response& res) {
  std::filesystem::path path;
  {
    std::lock_guard lock(files_mutex_);
    const auto it = files_.find(req.matches[1]);
    if (it == files_.end()) {
      res.status = 404;
      return;
    }
    path = it->second;
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream data;
  data << in.rdbuf();
  const std::string ext = path.extension().string();
  res.set_content(data.str(), ext == ".mp4" ? "video/mp4" : ext == ".jpg" ? "image/jpeg" : "");
}

// A token in the Authorization header or the access_token parameter, checked like Graph does.
bool FakeInstagram::authorised(const httplib::Request& req, httplib::Response& res) {
  {
    std::lock_guard lock(mutex_);
    request_body_bytes_ += req.body.size();
  }
  std::string given = req.get_param_value("access_token");
  const std::string header = req.get_header_value("Authorization");
  if (header.starts_with("Bearer ")) given = header.substr(7);
  if (given.empty()) {
    graph_error(res, 400, 2500, 0, "An active access token must be used to query information.");
    return false;
  }
  if (given != token()) {
    graph_error(res, 400, 190, 463,
                "Error validating access token: Session has expired. The current time is later "
                "than the expiry time.");
    return false;
  }
  return true;
}

// "We cURL media used in publishing attempts": the whole file at its address, or false.
bool FakeInstagram::fetch(const std::string& address, std::string& body) {
  const std::size_t scheme = address.find("://");
  if (scheme == std::string::npos) return false;
  const std::size_t slash = address.find('/', scheme + 3);
  if (slash == std::string::npos) return false;
  httplib::Client client(address.substr(0, slash));
  client.set_connection_timeout(5);
  httplib::Result r = client.Get(address.substr(slash));
  if (!r || r->status != 200) return false;
  body = r->body;
  std::lock_guard lock(mutex_);
  bytes_fetched_ += body.size();
  ++completed_uploads_;
  return true;
}

bool FakeInstagram::check_caption(const std::string& caption, httplib::Response& res) {
  if (code_points(caption) <= 2200 && hashtags(caption) <= 30) return true;
  graph_error(res, 400, 100, 2207010, "Invalid parameter",
              "The caption is too long or has too many hashtags: at most 2,200 characters and "
              "30 hashtags.");
  return false;
}

// The image checks of the IG User Media reference: JPEG, 8 MB, aspect 4:5 to 1.91:1 (widths
// outside 320-1440 are scaled, not refused).
bool FakeInstagram::check_image(const std::string& data, httplib::Response& res) {
  int w = 0, h = 0;
  if (!jpeg_size(data, w, h) || w == 0 || h == 0) {
    graph_error(res, 400, 9004, 2207005, "The image format is not supported.",
                "Only JPEG images can be published.");
    return false;
  }
  if (data.size() > (8u << 20)) {
    graph_error(res, 400, 36000, 2207004, "The image size is too large.",
                "The image is too large to download. It should be less than 8 MiB.");
    return false;
  }
  const double aspect = static_cast<double>(w) / h;
  if (aspect < 0.8 - 1e-3 || aspect > 1.91 + 1e-3) {
    graph_error(res, 400, 36003, 2207009, "The aspect ratio is not supported.",
                "The submitted image with aspect ratio " + std::to_string(w) + ":" +
                    std::to_string(h) +
                    " cannot be published. Please submit an image with a valid aspect ratio.");
    return false;
  }
  return true;
}

// The reel checks, found while processing: the container ends in ERROR like Instagram's.
void FakeInstagram::check_video(const std::string& data, Container& c) {
  bool moov_first = false;
  if (!mp4_info(data, c.seconds, moov_first) || !moov_first) {
    c.final_status = "ERROR";
    c.error_text = "Error: Media upload has failed with error code 2207026";
  } else if (c.seconds < 3 || c.seconds > 15 * 60) {
    c.final_status = "ERROR";
    c.error_text = "Error: Media upload has failed with error code 2207026 (duration " +
                   std::to_string(c.seconds) + " s outside 3 s to 15 min)";
  }
}

bool FakeInstagram::check_children(const std::string& list, Container& c, httplib::Response& res) {
  std::stringstream in(list);
  for (std::string id; std::getline(in, id, ',');) c.children.push_back(id);
  if (c.children.size() < 2 || c.children.size() > 10) {
    graph_error(res, 400, 100, 2207019, "Invalid parameter",
                "A carousel holds 2 to 10 images or videos.");
    return false;
  }
  for (const std::string& id : c.children) {
    const auto it = containers_.find(id);
    if (it == containers_.end() || !it->second.carousel_item) {
      graph_error(res, 400, 100, 0, "Invalid parameter: " + id + " is not a carousel item");
      return false;
    }
    if (it->second.expired) {
      graph_error(res, 400, -2, 2207020, "The media you are trying to access has expired.");
      return false;
    }
    if (it->second.polls_left > 0 || it->second.final_status != "FINISHED") {
      graph_error(res, 400, 9007, 2207027, "Media ID is not available",
                  "The media is not ready for publishing, please wait for a moment");
      return false;
    }
  }
  return true;
}

void FakeInstagram::create_container(const httplib::Request& req, httplib::Response& res) {
  if (req.matches[1] != kAccount) return no_object(res, req.matches[1]);
  if (req.get_header_value("Content-Type").find("x-www-form-urlencoded") == std::string::npos &&
      !req.body.empty())
    return graph_error(res, 400, 100, 0, "Invalid parameter: send a form body");
  Container c;
  c.media_type = req.get_param_value("media_type");
  c.carousel_item = req.get_param_value("is_carousel_item") == "true";
  c.caption = req.get_param_value("caption");
  if (!check_caption(c.caption, res)) return;
  const bool video = c.media_type == "REELS" || c.media_type == "VIDEO";
  const std::string address = req.get_param_value(video ? "video_url" : "image_url");
  std::string data;
  if (c.media_type == "CAROUSEL") {
    std::lock_guard lock(mutex_);
    if (!check_children(req.get_param_value("children"), c, res)) return;
  } else if (!c.media_type.empty() && !video) {
    return graph_error(res, 400, 100, 2207023, "The media type is not supported.");
  } else if (c.media_type == "VIDEO" && !c.carousel_item) {
    return graph_error(res, 400, 100, 2207023,
                       "The VIDEO media type is only for carousel items: use REELS.");
  } else if (address.empty()) {
    return graph_error(
        res, 400, 100, 0,
        std::string("The parameter ") + (video ? "video_url" : "image_url") + " is required");
  } else if (!fetch(address, data)) {
    return graph_error(res, 400, 9004, 2207052, "Media download has failed.",
                       "The media could not be fetched from this URI: " + address);
  } else if (!video && !check_image(data, res)) {
    return;
  } else if (video) {
    check_video(data, c);
  }
  std::lock_guard lock(mutex_);
  c.id = new_id();
  c.polls_left = in_progress_polls_;
  if (fail_count_ > 0) {
    --fail_count_;
    c.final_status = "ERROR";
    c.error_text = fail_status_;
  }
  ++containers_created_;
  containers_[c.id] = c;
  answer(res, {{"id", c.id}});
}

void FakeInstagram::publish_container(Container& c, FakeInstagramPost& post) {
  Media m;
  m.id = std::to_string(18000000000000000LL + next_id_++);
  m.caption = c.caption;
  m.timestamp = iso_time(now_seconds());
  m.media_type = c.media_type == "CAROUSEL" ? "CAROUSEL_ALBUM"
                 : c.media_type == "REELS"  ? "VIDEO"
                                            : "IMAGE";
  m.product_type = c.media_type == "REELS" ? "REELS" : "FEED";
  m.permalink = std::string("https://www.instagram.com/") +
                (m.product_type == "REELS" ? "reel/" : "p/") + "F" + m.id.substr(10) + "/";
  if (m.product_type == "REELS") m.processing_reads = reel_processing_reads_;
  for (const std::string& child : c.children) {
    Media cm;
    cm.id = std::to_string(18000000000000000LL + next_id_++);
    cm.media_type = containers_[child].media_type == "VIDEO" ? "VIDEO" : "IMAGE";
    cm.product_type = "CAROUSEL_ITEM";
    cm.timestamp = m.timestamp;
    containers_[child].published = true;
    media_[cm.id] = cm;
    m.children.push_back(cm.id);
    post.children_types.push_back(cm.media_type);
  }
  c.published = true;
  media_[m.id] = m;
  post.id = m.id;
  post.creation_id = c.id;
  post.caption = m.caption;
  post.media_type = m.media_type;
  post.product_type = m.product_type;
  post.permalink = m.permalink;
  post.published_at = now_seconds();
}

void FakeInstagram::publish(const httplib::Request& req, httplib::Response& res) {
  if (req.matches[1] != kAccount) return no_object(res, req.matches[1]);
  const std::string id = req.get_param_value("creation_id");
  if (id.empty()) return graph_error(res, 400, 100, 0, "The parameter creation_id is required");
  std::lock_guard lock(mutex_);
  const auto it = containers_.find(id);
  if (it == containers_.end()) return no_object(res, id);
  Container& c = it->second;
  if (c.carousel_item)
    return graph_error(res, 400, 100, 0, "A carousel item cannot be published on its own");
  if (c.expired)
    return graph_error(res, 400, -2, 2207020, "The media you are trying to access has expired.");
  if (c.published || c.polls_left > 0 || c.final_status != "FINISHED")
    return graph_error(res, 400, 9007, 2207027, "Media ID is not available",
                       "The media is not ready for publishing, please wait for a moment");
  const long long day_ago = now_seconds() - 86400;
  int recent = 0;
  for (const FakeInstagramPost& p : posts_) recent += p.published_at > day_ago ? 1 : 0;
  if (recent >= publish_limit_)
    return graph_error(res, 400, 9, 2207042, "Application request limit reached",
                       "You reached maximum number of posts that is allowed to be published by "
                       "Content Publishing API.");
  if (duplicates_ > 0) {
    --duplicates_;
    return graph_error(res, 400, 4, 2207051, "Application request limit reached",
                       "We restrict certain activity to protect our community.");
  }
  FakeInstagramPost post;
  publish_container(c, post);
  posts_.push_back(post);
  if (lose_answers_ > 0) {
    --lose_answers_;
    return graph_error(res, 500, 2, 0, "An unexpected error has occurred. Please retry later.");
  }
  answer(res, {{"id", post.id}});
}

void FakeInstagram::read_container(Container& c, httplib::Response& res) {
  std::string code = c.final_status, text = c.error_text;
  if (c.published) {
    code = "PUBLISHED";
  } else if (c.expired) {
    code = "EXPIRED";
  } else if (c.polls_left > 0) {
    --c.polls_left;
    code = "IN_PROGRESS";
  }
  if (text.empty()) text = code == "FINISHED" ? "Finished: Media has been uploaded" : code;
  answer(res, {{"id", c.id}, {"status_code", code}, {"status", text}});
}

void FakeInstagram::read_media(Media& m, httplib::Response& res) {
  json j = {{"id", m.id},
            {"media_type", m.media_type},
            {"media_product_type", m.product_type},
            {"timestamp", m.timestamp}};
  if (m.product_type != "CAROUSEL_ITEM") j["caption"] = m.caption;
  if (m.processing_reads > 0) {
    --m.processing_reads;  // a reel still processing shows neither permalink nor media_url
  } else if (m.product_type != "CAROUSEL_ITEM") {
    j["permalink"] = m.permalink;
    j["media_url"] = "https://scontent.cdninstagram.com/" + m.id;
  }
  if (!m.children.empty()) {
    json data = json::array();
    for (const std::string& id : m.children)
      data.push_back({{"id", id}, {"media_type", media_[id].media_type}});
    j["children"] = {{"data", data}};
  }
  answer(res, j);
}

void FakeInstagram::read_object(const std::string& id, httplib::Response& res) {
  std::lock_guard lock(mutex_);
  if (id == kAccount) return answer(res, {{"id", id}, {"username", "diskominfo.fake"}});
  if (auto it = containers_.find(id); it != containers_.end())
    return read_container(it->second, res);
  if (auto it = media_.find(id); it != media_.end()) return read_media(it->second, res);
  no_object(res, id);
}

void FakeInstagram::list_media(httplib::Response& res) {
  std::lock_guard lock(mutex_);
  json data = json::array();
  for (auto it = posts_.rbegin(); it != posts_.rend(); ++it)
    data.push_back({{"id", it->id},
                    {"caption", it->caption},
                    {"permalink", it->permalink},
                    {"timestamp", iso_time(it->published_at)}});
  answer(res, {{"data", data}});
}

void FakeInstagram::publishing_limit(httplib::Response& res) {
  std::lock_guard lock(mutex_);
  const long long day_ago = now_seconds() - 86400;
  int used = 0;
  for (const FakeInstagramPost& p : posts_) used += p.published_at > day_ago ? 1 : 0;
  answer(res,
         {{"data",
           json::array({{{"config", {{"quota_total", publish_limit_}, {"quota_duration", 86400}}},
                         {"quota_usage", used}}})}});
}

}  // namespace saluran::test
