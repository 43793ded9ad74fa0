#include "connectors/wordpress.hpp"

#include "pipeline/model/html_text.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <string_view>
#include <system_error>
#include <utility>

namespace saluran {
namespace {

using json = nlohmann::json;
using std::chrono::milliseconds;
namespace fs = std::filesystem;

// Statuses WordPress answers with a JSON error ({code, message, data}) that this file explains
// itself; 408, 429 and 5xx stay with the client, which retries them.
const std::vector<long> kErrorAnswers = {400, 401, 403, 404, 405, 409,
                                         410, 411, 412, 413, 415, 422};
// Statuses worth another try of a create, which this file retries itself (see create_once).
const std::vector<long> kTryAgain = {408, 429, 500, 502, 503, 504};

// How long a create whose answer was lost after the whole request went out is given to finish
// on the server before the connector looks for what it made.
constexpr milliseconds kSettle{3000};

// What every call needs: the channel, the secret and the client, the site's root.
struct Site {
  const ChannelConfig& channel;
  const ConnectorContext& context;
  const std::string& root;

  std::string api(std::string_view path) const {
    return root + "/wp-json/wp/v2" + std::string(path);
  }
  void log(const std::string& line) const {
    if (context.client->options().log) context.client->options().log("* " + line);
  }
};

// One answer of the API: its status and its JSON body (an error answer's too).
struct Answer {
  long status = 0;
  json body;
};

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool has_prefix(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// A query parameter's value, percent-encoded (RFC 3986 unreserved characters stay).
std::string query_value(std::string_view value) {
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

// The JSON text of a request body; invalid UTF-8 in a story becomes U+FFFD instead of throwing.
std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string str(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}
long long num(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<long long>() : 0;
}
const json& obj(const json& j, const char* key) {
  static const json kEmpty = json::object();
  const auto it = j.find(key);
  return it != j.end() && it->is_object() ? *it : kEmpty;
}
// A rendered/raw field such as title or caption: its raw text (context=edit) or rendered one.
std::string raw(const json& j, const char* key) {
  const json& field = obj(j, key);
  return field.contains("raw") ? str(field, "raw") : str(field, "rendered");
}

std::string base_name(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::string mime_of(const std::string& name) {
  static const std::pair<const char*, const char*> kTypes[] = {
      {"jpg", "image/jpeg"},  {"jpeg", "image/jpeg"}, {"png", "image/png"},
      {"webp", "image/webp"}, {"gif", "image/gif"},   {"avif", "image/avif"},
      {"mp4", "video/mp4"},   {"m4v", "video/mp4"},   {"mov", "video/quicktime"},
      {"webm", "video/webm"}, {"mp3", "audio/mpeg"},  {"m4a", "audio/mp4"},
      {"ogg", "audio/ogg"},   {"oga", "audio/ogg"},   {"opus", "audio/ogg"},
      {"wav", "audio/wav"},   {"flac", "audio/flac"}};
  const std::string ext = lower(name.substr(name.rfind('.') + 1));
  for (const auto& [e, type] : kTypes) {
    if (ext == e) return type;
  }
  return "application/octet-stream";
}

std::string size_text(std::uint64_t bytes) {
  if (bytes < (1u << 20)) return fmt::format("{} KB", (bytes + 1023) / 1024);
  return fmt::format("{:.1f} MB", static_cast<double>(bytes) / (1024.0 * 1024.0));
}

const char* wp_status(PostStatus status) {
  switch (status) {
    case PostStatus::kPublish:
      return "publish";
    case PostStatus::kDraft:
      return "draft";
    case PostStatus::kScheduled:
      return "future";
  }
  return "publish";
}

// ---- errors: one line naming the channel and saying what to do ----

Error site_error(const Site& s, ErrorCode code, const std::string& text, std::string detail) {
  Error e =
      make_error(code, fmt::format("channel {}: {}", s.channel.name, text), {}, std::move(detail));
  e.context.channel = s.channel.name;
  return e;
}

std::string request_detail(const http::Request& req, long status, const std::string& code) {
  std::string d = status > 0 ? fmt::format("HTTP {}", status) : std::string();
  if (!code.empty()) d += " " + code;
  if (!d.empty()) d += ", ";
  return d + req.method + " " + http::redact_url(req.url);
}

std::string password_advice(const Site& s) {
  return fmt::format(
      "WordPress refused the login of user \"{}\" (the Application Password is wrong, revoked "
      "or expired): make a new Application Password in the WordPress profile (Users > Profile > "
      "Application Passwords) and store it with `saluran channels add {} --kind wordpress --url "
      "{} --user {}`",
      s.channel.user, s.channel.name, s.root, s.channel.user);
}

std::string web_page_advice(const Site& s) {
  return fmt::format(
      "the address {} answers with a web page, not the WordPress API: check the URL (is it the "
      "site's root?) or the proxy",
      s.root);
}

Error too_big_error(const Site& s, const http::Request& req, long status, const std::string& code) {
  std::string file = "the file";
  if (const auto* body = std::get_if<http::FileBody>(&req.body)) {
    std::error_code ec;
    const auto size = fs::file_size(body->path, ec);
    file =
        fmt::format("the file {}{}", body->path.string(), ec ? "" : " (" + size_text(size) + ")");
  }
  return site_error(s, ErrorCode::kLimitExceeded,
                    fmt::format("{} is larger than the website accepts: send a smaller rendition, "
                                "or ask the site's administrator to raise the upload limit (PHP "
                                "upload_max_filesize and post_max_size, the web server's "
                                "client_max_body_size)",
                                file),
                    request_detail(req, status, code));
}

// The error for an answer that is not a success: WordPress's code decides the advice.
Error answer_error(const Site& s, const http::Request& req, const Answer& a,
                   const std::string& doing) {
  const std::string code = str(a.body, "code");
  const std::string message = html_unescape(str(a.body, "message"));
  const std::string detail = request_detail(req, a.status, code);
  if (a.status == 413 || code == "rest_upload_file_too_big" ||
      code == "rest_upload_user_quota_exceeded") {
    return too_big_error(s, req, a.status, code);
  }
  if (a.status == 401 || code == "incorrect_password" || code == "invalid_username") {
    return site_error(s, ErrorCode::kPermission, password_advice(s), detail);
  }
  if (a.status == 403) {
    return site_error(s, ErrorCode::kPermission,
                      fmt::format("user \"{}\" may not do this ({}: {}): give the account the "
                                  "Editor role in WordPress (Users > All Users), or use another",
                                  s.channel.user, doing, message),
                      detail);
  }
  if (code == "rest_no_route") {
    return site_error(s, ErrorCode::kNotFound,
                      fmt::format("the WordPress API at {} has no route for {}: check the URL is "
                                  "the site's root and WordPress is 5.6 or newer",
                                  s.root, doing),
                      detail);
  }
  if (has_prefix(code, "rest_upload")) {
    return site_error(s, ErrorCode::kInvalidArgument,
                      fmt::format("WordPress refused the file while {}: {}: check that the site "
                                  "allows this file type",
                                  doing, message),
                      detail);
  }
  const ErrorCode ec =
      (a.status == 404 || a.status == 410) ? ErrorCode::kNotFound : ErrorCode::kExternal;
  return site_error(s, ec, fmt::format("WordPress refused {}: {}", doing, message), detail);
}

// The error for a call that got no usable answer (the client already retried what it could).
Error failure_error(const Site& s, const http::Request& req, const Error& cause,
                    const std::string& doing) {
  if (cause.code == ErrorCode::kIo && std::holds_alternative<http::FileBody>(req.body) &&
      cause.context.file == std::get<http::FileBody>(req.body).path.string()) {
    return site_error(
        s, ErrorCode::kIo,
        fmt::format("could not read {} while {}: {}", cause.context.file, doing, cause.message),
        request_detail(req, 0, ""));
  }
  const std::string detail =
      cause.context.detail + ", " + req.method + " " + http::redact_url(req.url);
  if (cause.code == ErrorCode::kIo) {
    return site_error(s, ErrorCode::kIo,
                      fmt::format("the website {} could not be reached or stopped answering while "
                                  "{} ({}): check the address, the network and the proxy, then "
                                  "run again (nothing is sent twice)",
                                  s.root, doing, cause.message),
                      detail);
  }
  return site_error(s, cause.code,
                    fmt::format("the website {} kept failing while {} ({}): try again later "
                                "(nothing is sent twice)",
                                s.root, doing, cause.message),
                    detail);
}

// ---- calls ----

http::Request api_request(const Site& s, std::string method, std::string url,
                          const json* body = nullptr) {
  http::Request req{.method = std::move(method), .url = std::move(url)};
  req.headers.set("Authorization", http::basic_auth(s.channel.user, s.context.secret));
  req.headers.set("Accept", "application/json");
  if (body != nullptr) {
    req.headers.set("Content-Type", "application/json; charset=utf-8");
    req.body = dump(*body);
  }
  req.accepted_statuses = kErrorAnswers;
  return req;
}

// A response read as an API answer; a web page (login page, proxy error) is an error.
Result<Answer> read_answer(const Site& s, const http::Request& req, const http::Response& r) {
  if (r.status == 413) return too_big_error(s, req, r.status, "");
  Answer a{r.status, json::parse(r.body, nullptr, false)};
  if (!a.body.is_discarded() && (a.body.is_object() || a.body.is_array())) return a;
  const std::string type = lower(r.headers.get("Content-Type").value_or(""));
  const std::size_t lead = r.body.find_first_not_of(" \t\r\n");
  const bool page =
      type.find("html") != std::string::npos || (lead != std::string::npos && r.body[lead] == '<');
  if (page) {
    return site_error(s, ErrorCode::kExternal, web_page_advice(s),
                      request_detail(req, r.status, ""));
  }
  return site_error(s, ErrorCode::kExternal,
                    fmt::format("the address {} gives an answer that is not the WordPress API's "
                                "JSON (a plugin printing warnings?): check the site and the URL",
                                s.root),
                    request_detail(req, r.status, ""));
}

Result<Answer> exchange(const Site& s, const http::Request& req, const std::string& doing,
                        const http::ProgressFn& progress = {}) {
  Result<http::Response> r = s.context.client->send(req, progress);
  if (!r) return failure_error(s, req, r.error(), doing);
  return read_answer(s, req, *r);
}

// The JSON of a successful answer; any other answer is an explained error.
Result<json> send_json(const Site& s, const http::Request& req, const std::string& doing) {
  Result<Answer> a = exchange(s, req, doing);
  if (!a) return a.error();
  if (a->status < 200 || a->status >= 300) return answer_error(s, req, *a, doing);
  return std::move(a->body);
}

using Finder = std::function<Result<std::optional<RemoteItem>>()>;
using Maker = std::function<RemoteItem(const json&)>;

// Whether a create may be sent again after this outcome, and how long to wait first.
std::optional<milliseconds> retry_wait(const Site& s, const Result<http::Response>& r, int tries,
                                       std::chrono::system_clock::time_point start) {
  const http::RetryPolicy& policy = s.context.client->options().retry;
  if (tries >= policy.max_attempts) return std::nullopt;
  const auto now = policy.now();
  milliseconds wait = http::backoff_delay(policy, tries - 1);
  if (r) {
    if (auto asked = r->headers.get("Retry-After")) {
      if (auto d = http::parse_retry_after(*asked, now, policy.max_retry_after)) wait = *d;
    }
  }
  if (std::chrono::duration_cast<milliseconds>(now - start) + wait > policy.max_total) {
    return std::nullopt;
  }
  return wait;
}

// True when a failed try of a create may be tried again: the connection failed or the server
// was overloaded. WordPress's own JSON errors (even with 500) are final.
bool worth_retrying(const http::Request& req, const Result<http::Response>& r) {
  if (!r) {
    const bool local = std::holds_alternative<http::FileBody>(req.body) &&
                       r.error().context.file == std::get<http::FileBody>(req.body).path.string();
    return r.error().code == ErrorCode::kIo && !local;
  }
  if (!http::retryable_status(r->status)) return false;
  const json body = json::parse(r->body, nullptr, false);
  const std::string code = body.is_object() ? str(body, "code") : std::string();
  return code.empty() || code == "internal_server_error";
}

// Sends a request that creates something, at most once per thing: it is never repeated blindly.
// After a failure that may have happened after WordPress made the item (a cut connection, a
// timeout, a 5xx), it waits as the retry policy says, then looks for the item (`find`) and
// sends again only when the site does not have it.
Result<RemoteItem> create_once(const Site& s, http::Request req, const std::string& doing,
                               const Finder& find, const Maker& make,
                               const http::ProgressFn& progress = {}) {
  req.retry = false;
  req.accepted_statuses.insert(req.accepted_statuses.end(), kTryAgain.begin(), kTryAgain.end());
  const http::RetryPolicy& policy = s.context.client->options().retry;
  const auto start = policy.now();
  http::Progress last;
  const http::ProgressFn track = [&](const http::Progress& p) {
    last = p;
    if (progress) progress(p);
  };
  for (int tries = 1;; ++tries) {
    last = {};
    Result<http::Response> r = s.context.client->send(req, track);
    if (!worth_retrying(req, r)) {
      if (!r) return failure_error(s, req, r.error(), doing);
      Result<Answer> a = read_answer(s, req, *r);
      if (!a) return a.error();
      if (a->status < 200 || a->status >= 300) return answer_error(s, req, *a, doing);
      return make(a->body);
    }
    Error cause = r ? http::status_error(req.method, req.url, r->status, r->body) : r.error();
    std::optional<milliseconds> wait = retry_wait(s, r, tries, start);
    // The whole request went out and the answer was lost: WordPress may still be making the
    // item (resizing a photo), so give it time to finish before looking for it.
    if (wait && !r && last.send_total > 0 && last.sent == last.send_total) {
      wait = std::max(*wait, kSettle);
    }
    if (!wait) {
      cause.message += fmt::format(" (gave up after {} tries)", tries);
      return failure_error(s, req, cause, doing);
    }
    s.log(fmt::format("try {} of {} failed: {}; looking for it, then trying again in {} ms", tries,
                      doing, cause.to_string(), wait->count()));
    policy.sleep(*wait);
    Result<std::optional<RemoteItem>> found = find();
    if (found && *found) {
      s.log(fmt::format("{}: the website already has it (id {}); not sent again", doing,
                        (*found)->id));
      return std::move(**found);
    }
  }
}

// ---- media ----

bool media_file_matches(const json& item, const std::string& name) {
  const json& details = obj(item, "media_details");
  return base_name(str(item, "source_url")) == name || base_name(str(details, "file")) == name ||
         str(details, "original_image") == name;
}

RemoteItem media_item(const json& item, const std::string& upload_name) {
  const json& details = obj(item, "media_details");
  const json detail = {{"id", num(item, "id")},
                       {"source_url", str(item, "source_url")},
                       {"mime", str(item, "mime_type")},
                       {"width", num(details, "width")},
                       {"height", num(details, "height")},
                       {"bytes", num(details, "filesize")},
                       {"scaled", details.contains("original_image")},
                       {"alt", str(item, "alt_text")},
                       {"caption", raw(item, "caption")}};
  return RemoteItem{std::to_string(num(item, "id")), str(item, "source_url"), upload_name,
                    dump(detail)};
}

json detail_of(const RemoteItem& item) {
  json d = json::parse(item.detail, nullptr, false);
  return d.is_object() ? d : json::object();
}

std::string alt_of(const PlannedMedia& m) { return m.alt.empty() ? m.caption : m.alt; }

// Gives a photo its alt text and caption unless it has them already (after an upload, and
// again before the post: a run killed between upload and this call leaves them unset).
Result<RemoteItem> set_media_text(const Site& s, const PlannedMedia& planned, RemoteItem item) {
  if (planned.kind != "photo") return item;
  json detail = detail_of(item);
  if (str(detail, "alt") == alt_of(planned) && str(detail, "caption") == planned.caption) {
    return item;
  }
  const json fields = {{"alt_text", alt_of(planned)}, {"caption", planned.caption}};
  Result<json> r = send_json(s, api_request(s, "POST", s.api("/media/" + item.id), &fields),
                             "setting the alt text and caption of " + planned.upload_name);
  if (!r) return r.error();
  return media_item(*r, item.name);
}

// ---- posts ----

RemoteItem post_item(const json& post) {
  const json detail = {{"id", num(post, "id")},
                       {"link", str(post, "link")},
                       {"status", str(post, "status")},
                       {"slug", str(post, "slug")},
                       {"featured_media", num(post, "featured_media")}};
  return RemoteItem{std::to_string(num(post, "id")), str(post, "link"), str(post, "slug"),
                    dump(detail)};
}

std::string clean_term(std::string_view name) {
  while (!name.empty() &&
         (name.front() == '#' || std::isspace(static_cast<unsigned char>(name.front())))) {
    name.remove_prefix(1);
  }
  while (!name.empty() && std::isspace(static_cast<unsigned char>(name.back()))) {
    name.remove_suffix(1);
  }
  return std::string(name);
}

// The id of the category or tag `name` (taxonomy "categories" or "tags"); made when missing and
// `create` is set, none when missing otherwise.
Result<std::optional<long long>> term_id(const Site& s, const std::string& taxonomy,
                                         const std::string& name, bool create) {
  const std::string doing = fmt::format("looking up the {} \"{}\"", taxonomy, name);
  Result<json> found = send_json(
      s, api_request(s, "GET", s.api("/" + taxonomy + "?per_page=100&search=" + query_value(name))),
      doing);
  if (!found) return found.error();
  for (const json& term : *found) {
    if (lower(html_unescape(str(term, "name"))) == lower(name)) {
      return std::optional<long long>(num(term, "id"));
    }
  }
  if (!create) return std::optional<long long>();
  // A create sent twice answers term_exists with the first one's id: retrying is harmless.
  const json fields = {{"name", name}};
  const http::Request req = api_request(s, "POST", s.api("/" + taxonomy), &fields);
  Result<Answer> made = exchange(s, req, fmt::format("making the {} \"{}\"", taxonomy, name));
  if (!made) return made.error();
  if (made->status >= 200 && made->status < 300) {
    return std::optional<long long>(num(made->body, "id"));
  }
  if (str(made->body, "code") == "term_exists") {
    return std::optional<long long>(num(obj(made->body, "data"), "term_id"));
  }
  return answer_error(s, req, *made, fmt::format("making the {} \"{}\"", taxonomy, name));
}

Result<json> term_ids(const Site& s, const std::vector<std::string>& names,
                      const std::string& taxonomy) {
  json ids = json::array();
  for (const std::string& written : names) {
    const std::string name = clean_term(written);
    if (name.empty()) continue;
    Result<std::optional<long long>> id = term_id(s, taxonomy, name, true);
    if (!id) return id.error();
    if (std::find(ids.begin(), ids.end(), json(**id)) == ids.end()) ids.push_back(**id);
  }
  return ids;
}

bool numeric(const std::string& id) {
  return !id.empty() &&
         std::all_of(id.begin(), id.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

// Every field of the post as the plan says, the category and tags made when missing.
Result<json> post_fields(const Site& s, const ChannelPlan& plan, const std::string& slug,
                         const std::vector<RemoteItem>& media) {
  json f = {{"title", plan.text.title},
            {"content", WordPressConnector::post_content(plan, media)},
            {"excerpt", plan.text.excerpt},
            {"slug", slug},
            {"status", wp_status(plan.status)},
            {"featured_media", 0}};
  if (plan.status == PostStatus::kScheduled) {
    if (plan.schedule.empty()) {
      return site_error(s, ErrorCode::kInvalidArgument,
                        "the story is scheduled but has no time: set schedule = "
                        "\"2025-03-15T08:00:00+07:00\" in story.toml",
                        "schedule");
    }
    f["date"] = plan.schedule;
  }
  for (std::size_t i = 0; i < plan.media.size(); ++i) {
    if (plan.media[i].role == MediaRole::kCover && plan.media[i].kind == "photo") {
      f["featured_media"] = std::stoll(media[i].id);
      break;
    }
  }
  std::vector<std::string> categories;
  if (!plan.text.category.empty()) categories.push_back(plan.text.category);
  Result<json> category_ids = term_ids(s, categories, "categories");
  if (!category_ids) return category_ids.error();
  if (!category_ids->empty()) f["categories"] = *category_ids;
  Result<json> tag_ids = term_ids(s, plan.text.tags, "tags");
  if (!tag_ids) return tag_ids.error();
  f["tags"] = *tag_ids;
  return f;
}

// ---- post content ----

std::string body_blocks(const std::string& body) {
  // HTML already (the plan's html_body) when it opens with a tag; plain text otherwise.
  const std::size_t lead = body.find_first_not_of(" \t\r\n");
  if (lead != std::string::npos && lead + 1 < body.size() && body[lead] == '<' &&
      (std::isalpha(static_cast<unsigned char>(body[lead + 1])) || body[lead + 1] == '!')) {
    return body + "\n";
  }
  std::string out;
  for (const std::string& para : text_paragraphs(body))
    out += "<!-- wp:paragraph -->\n<p>" + paragraph_html(para) + "</p>\n<!-- /wp:paragraph -->\n\n";
  return out;
}

std::string image_block(const PlannedMedia& planned, const RemoteItem& item) {
  std::string out = fmt::format(
      "<!-- wp:image {{\"id\":{0},\"sizeSlug\":\"full\",\"linkDestination\":\"none\"}} -->\n"
      "<figure class=\"wp-block-image size-full\"><img src=\"{1}\" alt=\"{2}\" "
      "class=\"wp-image-{0}\"/>",
      item.id, html_escape(item.url), html_escape(alt_of(planned)));
  if (!planned.caption.empty()) {
    out += "<figcaption class=\"wp-element-caption\">" + html_escape(planned.caption) +
           "</figcaption>";
  }
  return out + "</figure>\n<!-- /wp:image -->\n";
}

std::string player_block(const PlannedMedia& planned, const RemoteItem& item) {
  const bool video = planned.kind == "video";
  const char* block = video ? "video" : "audio";
  return fmt::format(
      "<!-- wp:{0} {{\"id\":{1}}} -->\n<figure class=\"wp-block-{0}\"><{0} controls "
      "src=\"{2}\"{3}></{0}></figure>\n<!-- /wp:{0} -->\n\n",
      block, item.id, html_escape(item.url), video ? " preload=\"metadata\"" : "");
}

// ---- verify ----

void expect(std::vector<Finding>& out, bool ok, std::string what, std::string expected,
            std::string found) {
  if (!ok) out.push_back({std::move(what), std::move(expected), std::move(found)});
}

std::string ids_text(const json& ids) { return ids.is_array() ? ids.dump() : "[]"; }

bool holds_id(const json& ids, long long id) {
  return ids.is_array() && std::find(ids.begin(), ids.end(), json(id)) != ids.end();
}

// The category and the tags: each must exist and be on the post.
Status check_terms(const Site& s, const ChannelPlan& plan, const json& post,
                   std::vector<Finding>& out) {
  std::vector<std::pair<std::string, std::string>> wanted;  // taxonomy, name
  if (!plan.text.category.empty()) wanted.emplace_back("categories", plan.text.category);
  for (const std::string& tag : plan.text.tags) {
    if (!clean_term(tag).empty()) wanted.emplace_back("tags", clean_term(tag));
  }
  for (const auto& [taxonomy, name] : wanted) {
    Result<std::optional<long long>> id = term_id(s, taxonomy, name, false);
    if (!id) return id.error();
    const json& on_post = post.contains(taxonomy) ? post[taxonomy] : json::array();
    const std::string what = taxonomy == "tags" ? "tag" : "category";
    if (!*id) {
      out.push_back({what, name, "no such " + what + " on the website"});
    } else {
      expect(out, holds_id(on_post, **id), what, fmt::format("{} (id {})", name, **id),
             "post has " + ids_text(on_post));
    }
  }
  return Ok{};
}

void check_fields(const ChannelPlan& plan, const std::vector<RemoteItem>& media, const json& post,
                  std::vector<Finding>& out) {
  expect(out, raw(post, "title") == plan.text.title, "title", plan.text.title, raw(post, "title"));
  const std::string status = str(post, "status");
  const std::string wanted = wp_status(plan.status);
  // A scheduled post whose time has come is published: that is what was asked for.
  expect(out, status == wanted || (wanted == "future" && status == "publish"), "status", wanted,
         status);
  long long cover = 0;
  const std::string content = raw(post, "content");
  for (std::size_t i = 0; i < plan.media.size() && i < media.size(); ++i) {
    const PlannedMedia& m = plan.media[i];
    if (m.role == MediaRole::kCover && m.kind == "photo" && cover == 0) {
      cover = numeric(media[i].id) ? std::stoll(media[i].id) : 0;
    } else if (m.kind != "photo" || m.role == MediaRole::kGallery) {
      expect(out, content.find(media[i].url) != std::string::npos, "content",
             m.kind + " " + media[i].url, "not in the post's content");
    }
  }
  expect(out, num(post, "featured_media") == cover, "featured image", std::to_string(cover),
         std::to_string(num(post, "featured_media")));
}

std::string site_origin(const std::string& root) {
  const std::size_t scheme = root.find("://");
  const std::size_t path = root.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  return path == std::string::npos ? root : root.substr(0, path);
}

// The image URLs of a page: every <img> tag's src and srcset entries.
std::vector<std::string> page_images(const std::string& html, const std::string& root) {
  std::set<std::string> urls;
  const auto add = [&](std::string url) {
    url = html_unescape(std::move(url));
    if (has_prefix(url, "//")) url = root.substr(0, root.find("//")) + url;
    if (has_prefix(url, "/")) url = site_origin(root) + url;
    if (has_prefix(url, "http://") || has_prefix(url, "https://")) urls.insert(url);
  };
  for (std::size_t tag = html.find("<img"); tag != std::string::npos;
       tag = html.find("<img", tag + 4)) {
    const std::size_t end = html.find('>', tag);
    const std::string img = html.substr(tag, end == std::string::npos ? end : end - tag);
    for (const char* attr : {" src=\"", " srcset=\""}) {
      const std::size_t at = img.find(attr);
      if (at == std::string::npos) continue;
      const std::size_t from = at + std::string_view(attr).size();
      const std::string value = img.substr(from, img.find('"', from) - from);
      if (std::string_view(attr) == " src=\"") {
        add(value);
        continue;
      }
      std::size_t pos = 0;  // "url 300w, url 640w"
      while (pos < value.size()) {
        std::size_t comma = value.find(',', pos);
        if (comma == std::string::npos) comma = value.size();
        std::string part = value.substr(pos, comma - pos);
        part.erase(0, part.find_first_not_of(' '));
        add(part.substr(0, part.find(' ')));
        pos = comma + 1;
      }
    }
  }
  return {urls.begin(), urls.end()};
}

// One media item: still there, same size and text, and its file loads with the bytes sent.
Status verify_media(const Site& s, const PlannedMedia& planned, const RemoteItem& item,
                    std::vector<Finding>& out) {
  const std::string what = planned.kind + " " + planned.upload_name;
  const std::string doing = "reading back " + planned.upload_name;
  const http::Request req = api_request(s, "GET", s.api("/media/" + item.id + "?context=edit"));
  Result<Answer> got = exchange(s, req, doing);
  if (!got) return got.error();
  if (got->status == 404 || got->status == 410) {
    out.push_back({what, "media " + item.id, "gone from the website (deleted)"});
    return Ok{};
  }
  if (got->status != 200) return answer_error(s, req, *got, doing);
  const json sent = detail_of(item);
  const json& details = obj(got->body, "media_details");
  if (num(sent, "width") > 0) {
    expect(out,
           num(details, "width") == num(sent, "width") &&
               num(details, "height") == num(sent, "height"),
           what + " size", fmt::format("{}x{}", num(sent, "width"), num(sent, "height")),
           fmt::format("{}x{}", num(details, "width"), num(details, "height")));
  }
  const std::string url = str(got->body, "source_url");
  expect(out, url == item.url, what + " address", item.url, url);
  if (planned.kind == "photo") {
    expect(out, str(got->body, "alt_text") == alt_of(planned), what + " alt text", alt_of(planned),
           str(got->body, "alt_text"));
    expect(out, raw(got->body, "caption") == planned.caption, what + " caption", planned.caption,
           raw(got->body, "caption"));
  }
  // The file as people get it: it loads, and (unless WordPress scaled it) has the bytes sent.
  std::error_code ec;
  const auto size = fs::file_size(planned.file, ec);
  const bool compare = !ec && !details.contains("original_image");
  Result<http::Response> head = s.context.client->send(
      {.method = "HEAD", .url = url, .accepted_statuses = {401, 403, 404, 410}});
  if (!head) {
    out.push_back({what + " file", "loads", head.error().to_string()});
  } else if (head->status != 200) {
    out.push_back({what + " file", "HTTP 200", fmt::format("HTTP {}", head->status)});
  } else if (const auto length = head->headers.get("Content-Length"); compare && length) {
    expect(out, *length == std::to_string(size), what + " file", std::to_string(size) + " bytes",
           *length + " bytes");
  }
  return Ok{};
}

// The public page: it loads, shows each gallery photo, and every image of the site in it loads.
Status verify_page(const Site& s, const ChannelPlan& plan, const std::vector<RemoteItem>& media,
                   const std::string& link, std::vector<Finding>& out) {
  Result<http::Response> page =
      s.context.client->send({.url = link, .accepted_statuses = {401, 403, 404, 410}});
  if (!page) {
    out.push_back({"public page", link + " loads", page.error().to_string()});
    return Ok{};
  }
  if (page->status != 200) {
    out.push_back({"public page", "HTTP 200", fmt::format("HTTP {} for {}", page->status, link)});
    return Ok{};
  }
  const std::vector<std::string> images = page_images(page->body, s.root);
  for (std::size_t i = 0; i < plan.media.size() && i < media.size(); ++i) {
    if (plan.media[i].kind != "photo" || plan.media[i].role != MediaRole::kGallery) continue;
    // The page may show a smaller size WordPress made: NAME-300x225.jpg for NAME.jpg.
    const std::string stem = media[i].url.substr(0, media[i].url.rfind('.'));
    const bool shown = std::any_of(images.begin(), images.end(),
                                   [&](const std::string& u) { return has_prefix(u, stem); });
    expect(out, shown, "public page", "shows " + media[i].url, "not among its images");
  }
  const std::string origin = site_origin(s.root);
  int checked = 0;
  for (const std::string& url : images) {
    if (!has_prefix(url, origin + "/") || ++checked > 200) continue;  // the site's own only
    Result<http::Response> head = s.context.client->send(
        {.method = "HEAD", .url = url, .accepted_statuses = {401, 403, 404, 410}});
    if (!head) {
      out.push_back({"image on the public page", url + " loads", head.error().to_string()});
      continue;
    }
    const std::string type = head->headers.get("Content-Type").value_or("");
    expect(out, head->status == 200 && has_prefix(type, "image/"), "image on the public page",
           url + " loads (HTTP 200, an image)", fmt::format("HTTP {} {}", head->status, type));
  }
  return Ok{};
}

}  // namespace

// ---- the connector ----

WordPressConnector::WordPressConnector(ChannelConfig channel, ConnectorContext context)
    : channel_(std::move(channel)), context_(std::move(context)), root_(channel_.url) {
  while (!root_.empty() && root_.back() == '/') root_.pop_back();
}

std::string WordPressConnector::remote_file_name(const std::string& upload_name) {
  const std::size_t dot = upload_name.rfind('.');
  const std::string ext =
      dot == std::string::npos ? std::string() : lower(upload_name.substr(dot + 1));
  std::string stem;
  for (char c : lower(upload_name.substr(0, dot))) {
    const bool keep = std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
    if (keep && static_cast<unsigned char>(c) < 0x80) {
      stem += c;
    } else if (!stem.empty() && stem.back() != '-') {
      stem += '-';
    }
  }
  while (!stem.empty() && (stem.back() == '-' || stem.back() == '_')) stem.pop_back();
  while (!stem.empty() && stem.front() == '_') stem.erase(0, 1);
  if (stem.empty()) stem = "media";
  std::string clean_ext;
  for (char c : ext) {
    if (std::isalnum(static_cast<unsigned char>(c)) && static_cast<unsigned char>(c) < 0x80) {
      clean_ext += c;
    }
  }
  return clean_ext.empty() ? stem : stem + "." + clean_ext;
}

std::string WordPressConnector::post_content(const ChannelPlan& plan,
                                             const std::vector<RemoteItem>& media) {
  std::string out = body_blocks(plan.text.body);
  std::string gallery;
  std::string players;
  for (std::size_t i = 0; i < plan.media.size() && i < media.size(); ++i) {
    const PlannedMedia& m = plan.media[i];
    if (m.kind == "photo" && m.role == MediaRole::kGallery) gallery += image_block(m, media[i]);
    if (m.kind == "video" || m.kind == "audio") players += player_block(m, media[i]);
  }
  if (!gallery.empty()) {
    out +=
        "<!-- wp:gallery {\"linkTo\":\"none\"} -->\n<figure class=\"wp-block-gallery "
        "has-nested-images columns-default is-cropped\">\n" +
        gallery + "</figure>\n<!-- /wp:gallery -->\n\n";
  }
  return out + players;
}

Status WordPressConnector::test() {
  const Site s{channel_, context_, root_};
  // Asked by a person waiting at `saluran channels test`: one try, the answer now.
  http::Request req = api_request(s, "GET", s.api("/users/me?context=edit"));
  req.retry = false;
  Result<json> me = send_json(s, req, "logging in");
  if (!me) return me.error();
  const json& caps = obj(*me, "capabilities");
  std::vector<std::string> missing;
  for (const char* cap : {"upload_files", "publish_posts", "manage_categories"}) {
    if (!caps.contains(cap) || !caps[cap].is_boolean() || !caps[cap].get<bool>()) {
      missing.emplace_back(cap);
    }
  }
  if (!missing.empty()) {
    return site_error(s, ErrorCode::kPermission,
                      fmt::format("user \"{}\" may not {}: give the account the Editor role in "
                                  "WordPress (Users > All Users)",
                                  channel_.user, fmt::join(missing, ", ")),
                      "GET " + s.api("/users/me"));
  }
  return Ok{};
}

Result<std::optional<RemoteItem>> WordPressConnector::find_media(const PlannedMedia& media) {
  const Site s{channel_, context_, root_};
  const std::string name = remote_file_name(media.upload_name);
  // WordPress searches file names as well as titles for media (since 6.0); the exact match
  // is on the stored file name (or the original's, when it scaled a big image down).
  const std::string stem = name.substr(0, name.rfind('.'));
  Result<json> items =
      send_json(s,
                api_request(s, "GET",
                            s.api("/media?context=edit&per_page=100&orderby=id&order=asc&search=" +
                                  query_value(stem))),
                "looking for " + name);
  if (!items) return items.error();
  for (const json& item : *items) {
    if (media_file_matches(item, name)) return std::optional(media_item(item, media.upload_name));
  }
  return std::optional<RemoteItem>();
}

Result<RemoteItem> WordPressConnector::upload_media(const ChannelPlan& plan,
                                                    const PlannedMedia& media) {
  (void)plan;
  const Site s{channel_, context_, root_};
  std::error_code ec;
  if (!fs::is_regular_file(media.file, ec)) {
    return site_error(s, ErrorCode::kNotFound,
                      fmt::format("the file {} to upload is missing: make the renditions again "
                                  "with `saluran render`",
                                  media.file.string()),
                      media.upload_name);
  }
  const std::string name = remote_file_name(media.upload_name);
  http::Request req = api_request(s, "POST", s.api("/media"));
  req.headers.set("Content-Type", mime_of(name));
  req.headers.set("Content-Disposition", fmt::format("attachment; filename=\"{}\"", name));
  req.body = http::FileBody{.path = media.file};
  const auto progress = [this](const http::Progress& p) {
    if (context_.progress) context_.progress(p.sent, p.send_total);
  };
  Result<RemoteItem> item = create_once(
      s, req, "uploading " + name, [&] { return find_media(media); },
      [&](const json& made) { return media_item(made, media.upload_name); }, progress);
  if (!item) return item;
  return set_media_text(s, media, std::move(*item));
}

Result<std::optional<RemoteItem>> WordPressConnector::find_post(const ChannelPlan& plan,
                                                                const std::string& slug) {
  (void)plan;
  const Site s{channel_, context_, root_};
  Result<json> posts =
      send_json(s,
                api_request(s, "GET",
                            s.api("/posts?context=edit&status=publish,future,draft,pending,private"
                                  "&orderby=id&order=asc&slug=" +
                                  query_value(slug))),
                "looking for the post " + slug);
  if (!posts) return posts.error();
  if (!posts->is_array() || posts->empty()) return std::optional<RemoteItem>();
  return std::optional(post_item(posts->front()));
}

Result<RemoteItem> WordPressConnector::put_post(const ChannelPlan& plan, const std::string& slug,
                                                const std::vector<RemoteItem>& media,
                                                const std::optional<RemoteItem>& existing) {
  const Site s{channel_, context_, root_};
  if (media.size() != plan.media.size()) {
    return site_error(s, ErrorCode::kInvalidArgument,
                      fmt::format("{} media items for {} planned", media.size(), plan.media.size()),
                      "put_post");
  }
  std::vector<RemoteItem> items;
  for (std::size_t i = 0; i < media.size(); ++i) {
    if (!numeric(media[i].id)) {
      return site_error(s, ErrorCode::kInvalidArgument,
                        "media id \"" + media[i].id + "\" is not a WordPress id", media[i].name);
    }
    Result<RemoteItem> item = set_media_text(s, plan.media[i], media[i]);
    if (!item) return item.error();
    items.push_back(std::move(*item));
  }
  Result<json> fields = post_fields(s, plan, slug, items);
  if (!fields) return fields.error();
  if (existing) {
    // An update says everything again: sending it twice is harmless, so the client retries it.
    Result<json> post =
        send_json(s, api_request(s, "POST", s.api("/posts/" + existing->id), &*fields),
                  "updating the post " + slug);
    if (!post) return post.error();
    return post_item(*post);
  }
  return create_once(
      s, api_request(s, "POST", s.api("/posts"), &*fields), "making the post " + slug,
      [&] { return find_post(plan, slug); }, post_item);
}

Result<std::vector<Finding>> WordPressConnector::verify(const ChannelPlan& plan,
                                                        const RemoteItem& post,
                                                        const std::vector<RemoteItem>& media) {
  const Site s{channel_, context_, root_};
  std::vector<Finding> out;
  const http::Request req = api_request(s, "GET", s.api("/posts/" + post.id + "?context=edit"));
  Result<Answer> got = exchange(s, req, "reading back the post " + post.name);
  if (!got) return got.error();
  if (got->status == 404 || got->status == 410) {
    out.push_back({"post", "post " + post.id, "gone from the website (deleted)"});
    return out;
  }
  if (got->status != 200) return answer_error(s, req, *got, "reading back the post " + post.name);
  check_fields(plan, media, got->body, out);
  if (Status terms = check_terms(s, plan, got->body, out); !terms) return terms.error();
  for (std::size_t i = 0; i < plan.media.size() && i < media.size(); ++i) {
    if (Status m = verify_media(s, plan.media[i], media[i], out); !m) return m.error();
  }
  const std::string status = str(got->body, "status");
  if (status == "publish") {
    if (Status page = verify_page(s, plan, media, str(got->body, "link"), out); !page) {
      return page.error();
    }
  } else {
    s.log(fmt::format("{}: the post is {}, so its public page is not checked yet", channel_.name,
                      status));
  }
  return out;
}

}  // namespace saluran
