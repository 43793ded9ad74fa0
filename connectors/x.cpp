// XConnector: calls, errors, token renewal, the post, its read-back. The upload is x_upload.cpp.

#include "connectors/x.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>
#include <utility>

#include "connectors/credentials.hpp"
#include "connectors/json_fields.hpp"
#include "pipeline/ops/x_text.hpp"

namespace saluran {
namespace {

using json = nlohmann::json;
using json_fields::dump;
using json_fields::parse;
using json_fields::str;
using std::chrono::milliseconds;
using std::chrono::seconds;

// Statuses X answers with a problem JSON that this file explains; 429 and 5xx stay with the
// client (it retries them), except for the post (create_post).
const std::vector<long> kErrorAnswers = {400, 401, 403, 404, 409, 413, 422};

// X's words for a refused request: the problem's detail, the first error's message.
std::string x_message(const json& body) {
  std::string m = str(body, "detail");
  if (body.contains("errors") && body["errors"].is_array() && !body["errors"].empty()) {
    const std::string first = str(body["errors"][0], "message");
    const std::string detail = str(body["errors"][0], "detail");
    if (!first.empty()) m = first;
    if (m.empty()) m = detail;
  }
  if (m.empty()) m = str(body, "title");
  if (m.empty()) m = str(body, "error_description");
  return m;
}

std::string form_value(std::string_view value) {
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

// `text` with every URL replaced by \x01, X's escapes undone, trimmed: what compares.
std::string comparable(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const std::string_view rest = text.substr(i);
    if (rest.starts_with("http://") || rest.starts_with("https://")) {
      out += '\x01';
      while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    } else if (rest.starts_with("&amp;")) {
      out += '&', i += 5;
    } else if (rest.starts_with("&lt;")) {
      out += '<', i += 4;
    } else if (rest.starts_with("&gt;")) {
      out += '>', i += 4;
    } else {
      out += text[i++];
    }
  }
  const std::size_t b = out.find_first_not_of(" \t\r\n");
  const std::size_t e = out.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? std::string() : out.substr(b, e - b + 1);
}

// What to do about a refused token.
std::string token_advice(const std::string& name) {
  return fmt::format(
      "make a new OAuth 2.0 user token for the app (scopes tweet.read tweet.write users.read "
      "media.write offline.access) and store it with `saluran channels add {} --kind x`; with "
      "its refresh_token in the credentials file ([{}] refresh_token) and client_id set in "
      "channels.toml, Saluran renews the token itself",
      name, name);
}

std::string utc_time(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:%Y-%m-%d %H:%M} UTC", tm);
}

}  // namespace

XConnector::XConnector(const ChannelConfig& channel, ConnectorContext context)
    : XConnector(channel, std::move(context), Options{}) {}

XConnector::XConnector(const ChannelConfig& channel, ConnectorContext context, Options options)
    : channel_(with_platform_defaults(channel)),
      context_(std::move(context)),
      options_(options),
      token_(context_.secret) {
  while (!channel_.url.empty() && channel_.url.back() == '/') channel_.url.pop_back();
  user_id_ = channel_.account;
}

// ---- calls, errors, the token ----

void XConnector::log(const std::string& line) const {
  if (context_.client->options().log) context_.client->options().log("* " + line);
}

void XConnector::sleep(milliseconds wait) const {
  if (wait.count() > 0) http::with_defaults(context_.client->options().retry).sleep(wait);
}

http::Request XConnector::request(std::string method, const std::string& path) const {
  http::Request req{.method = std::move(method), .url = channel_.url + path};
  req.headers.set("Accept", "application/json");
  req.accepted_statuses = kErrorAnswers;
  return req;
}

Error XConnector::x_error(ErrorCode code, const std::string& text,
                          const std::string& detail) const {
  Error e = make_error(code, fmt::format("channel {}: {}", channel_.name, text), {}, detail);
  e.context.channel = channel_.name;
  return e;
}

Error XConnector::token_error(const std::string& doing) const {
  return x_error(ErrorCode::kPermission,
                 fmt::format("X refused the access token while {} (it expired or was revoked): {}",
                             doing, token_advice(channel_.name)),
                 "HTTP 401");
}

Error XConnector::answer_error(const http::Request& req, const Answer& a,
                               const std::string& doing) const {
  const std::string message = x_message(parse(a.body));
  const std::string detail =
      fmt::format("HTTP {}, {} {}", a.status, req.method, http::redact_url(req.url));
  if (a.status == 401) return token_error(doing);
  if (message.find("duplicate content") != std::string::npos)
    return x_error(ErrorCode::kInvalidArgument,
                   "X refuses the post because this account already posted exactly the same "
                   "text: change the caption (the story's text) and publish again",
                   detail);
  if (message.find("video longer than") != std::string::npos)
    return x_error(ErrorCode::kLimitExceeded,
                   fmt::format("X refuses the video: \"{}\": publish a shorter cut of the video "
                               "(trim it in the story) or use an account allowed longer videos",
                               message),
                   detail);
  if (a.status == 403)
    return x_error(ErrorCode::kPermission,
                   fmt::format("X does not allow {}: \"{}\": check the app's permissions (Read "
                               "and write) and the account",
                               doing, message),
                   detail);
  return x_error(a.status == 404 ? ErrorCode::kNotFound : ErrorCode::kExternal,
                 fmt::format("X refused {}: \"{}\"", doing, message), detail);
}

Status XConnector::refresh(const std::string& doing) {
  Result<std::optional<std::string>> refresh = read_credential(channel_.name, "refresh_token");
  if (!refresh || !*refresh || channel_.client_id.empty()) return token_error(doing);
  http::Request req{.method = "POST", .url = channel_.token_url};
  req.headers.set("Content-Type", "application/x-www-form-urlencoded");
  req.body = "grant_type=refresh_token&refresh_token=" + form_value(**refresh) +
             "&client_id=" + form_value(channel_.client_id);
  req.accepted_statuses = {400, 401};
  Result<http::Response> r = context_.client->send(req);
  const json body = r ? parse(r->body) : json::object();
  if (!r || r->status != 200 || str(body, "access_token").empty())
    return x_error(
        ErrorCode::kPermission,
        fmt::format("the access token expired while {} and X refused to renew it "
                    "({}): {}",
                    doing, r ? x_message(body) : r.error().message, token_advice(channel_.name)),
        "POST " + http::redact_url(req.url));
  token_ = str(body, "access_token");
  log("X access token renewed");
  if (Status s = store_secret(channel_.name, token_); !s) return s.error();
  if (const std::string next = str(body, "refresh_token"); !next.empty())
    if (Status s = store_credential(channel_.name, "refresh_token", next); !s) return s.error();
  return Ok{};
}

Result<XConnector::Answer> XConnector::call(http::Request req, const std::string& doing) {
  for (int attempt = 0;; ++attempt) {
    req.headers.set("Authorization", http::bearer_auth(token_));
    Result<http::Response> r = context_.client->send(req);
    if (!r) {
      const std::string why = r.error().message;
      return x_error(r.error().code,
                     fmt::format("X ({}) could not be reached or kept failing while {} ({}): "
                                 "check the network and the proxy, then run again (nothing is "
                                 "sent twice)",
                                 channel_.url, doing, why),
                     req.method + " " + http::redact_url(req.url));
    }
    if (r->status == 401 && attempt == 0) {
      if (Status s = refresh(doing); !s) return s.error();
      continue;
    }
    return Answer{r->status, r->headers, r->body};
  }
}

Result<std::string> XConnector::call_json(http::Request req, const std::string& doing) {
  Result<Answer> a = call(req, doing);
  if (!a) return a.error();
  if (a->status < 200 || a->status >= 300) return answer_error(req, *a, doing);
  return a->body;
}

Result<std::string> XConnector::user_id() {
  if (!user_id_.empty()) return user_id_;
  Result<std::string> me = call_json(request("GET", "/2/users/me"), "reading the account");
  if (!me) return me.error();
  user_id_ = str(parse(*me).value("data", json::object()), "id");
  if (user_id_.empty())
    return x_error(ErrorCode::kExternal, "X's answer about the account has no user id",
                   "GET /2/users/me");
  return user_id_;
}

Status XConnector::test() {
  Result<std::string> me = call_json(request("GET", "/2/users/me"), "reading the account");
  if (!me) return me.error();
  const json data = parse(*me).value("data", json::object());
  const std::string id = str(data, "id");
  if (!channel_.account.empty() && id != channel_.account)
    return x_error(ErrorCode::kInvalidArgument,
                   fmt::format("the token belongs to @{} (user id {}), not to account {} of "
                               "channels.toml: make a token while logged in as that account, or "
                               "correct `account`",
                               str(data, "username"), id, channel_.account),
                   "GET /2/users/me");
  log(fmt::format("X account @{} ({})", str(data, "username"), id));
  return Ok{};
}

// ---- the post ----

std::string XConnector::post_text(const ChannelPlan& plan) {
  return plan.text.caption.empty() ? plan.text.title : plan.text.caption;
}

bool XConnector::same_text(const std::string& sent, const std::string& shown) {
  const std::string want = comparable(sent);
  std::string got = comparable(shown);
  const auto links = [](const std::string& s) { return std::count(s.begin(), s.end(), '\x01'); };
  // X adds the media's own t.co link at the end of a post with media.
  while (links(got) > links(want) && got.ends_with("\x01")) {
    got.pop_back();
    while (!got.empty() && std::isspace(static_cast<unsigned char>(got.back()))) got.pop_back();
  }
  return got == want;
}

Result<std::optional<RemoteItem>> XConnector::find_by_text(const std::string& text,
                                                           std::size_t media) {
  Result<std::string> id = user_id();
  if (!id) return id.error();
  Result<std::string> page = call_json(
      request("GET", "/2/users/" + *id + "/tweets?max_results=20&tweet.fields=text,attachments"),
      "looking for the post on the account's timeline");
  if (!page) return page.error();
  for (const json& t : parse(*page).value("data", json::array())) {
    const std::size_t keys =
        t.contains("attachments") ? t["attachments"].value("media_keys", json::array()).size() : 0;
    if (keys != media || !same_text(text, str(t, "text"))) continue;
    return std::optional<RemoteItem>(RemoteItem{
        str(t, "id"), "https://x.com/i/web/status/" + str(t, "id"), "", dump({{"text", text}})});
  }
  return std::optional<RemoteItem>();
}

Result<std::optional<RemoteItem>> XConnector::find_post(const ChannelPlan& plan,
                                                        const std::string& slug) {
  Result<std::optional<RemoteItem>> found = find_by_text(post_text(plan), plan.media.size());
  if (found && *found) (*found)->name = slug;
  return found;
}

namespace {

// How long a refused post (429) asks to wait: Retry-After, else x-rate-limit-reset (epoch
// seconds); none when neither is given.
std::optional<std::time_t> rate_reset(const http::Headers& h, std::time_t now) {
  if (auto after = h.get("Retry-After")) {
    if (auto d = http::parse_retry_after(*after, std::chrono::system_clock::from_time_t(now),
                                         milliseconds(24 * 3600 * 1000)))
      return now + static_cast<std::time_t>((d->count() + 999) / 1000);
  }
  if (auto reset = h.get("x-rate-limit-reset")) {
    try {
      return static_cast<std::time_t>(std::stoll(*reset));
    } catch (...) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace

// One post sent at most once per try; a try whose answer was lost (cut connection, 5xx) is
// followed by a look at the timeline before the next.
Result<RemoteItem> XConnector::create_post(const std::string& text,
                                           const std::vector<RemoteItem>& media) {
  json body = {{"text", text}};
  if (!media.empty()) {
    json ids = json::array();
    for (const RemoteItem& m : media) ids.push_back(m.id);
    body["media"] = {{"media_ids", ids}};
  }
  http::Request req = request("POST", "/2/tweets");
  req.headers.set("Content-Type", "application/json");
  req.body = dump(body);
  req.retry = false;
  req.accepted_statuses = {400, 401, 403, 404, 429, 500, 502, 503, 504};
  const http::RetryPolicy policy = http::with_defaults(context_.client->options().retry);
  for (int attempt = 1;; ++attempt) {
    Result<Answer> a = call(req, "making the post");
    if (a && a->status >= 200 && a->status < 300) {
      const std::string id = str(parse(a->body).value("data", json::object()), "id");
      return RemoteItem{id, "https://x.com/i/web/status/" + id, "", dump({{"text", text}})};
    }
    if (a && a->status == 429) {
      const std::time_t now = std::chrono::system_clock::to_time_t(policy.now());
      const std::optional<std::time_t> reset = rate_reset(a->headers, now);
      if (!reset || *reset - now > options_.max_rate_wait.count() || attempt >= 3)
        return x_error(ErrorCode::kExternal,
                       fmt::format("X's limit of posts for this account and app is reached{}: "
                                   "run publish again {} (nothing was posted)",
                                   reset ? " until " + utc_time(*reset) : "",
                                   reset ? "after that time" : "later"),
                       "HTTP 429, POST /2/tweets");
      log(fmt::format("X: post limit reached, waiting {} s", *reset - now));
      sleep(seconds(std::max<std::time_t>(*reset - now, 0)));
      continue;
    }
    const bool lost = !a || a->status >= 500;
    if (!lost) return answer_error(req, *a, "the post");
    // The post may have been made: look before sending again.
    Result<std::optional<RemoteItem>> found = find_by_text(text, media.size());
    if (found && *found) return **found;
    if (attempt >= policy.max_attempts) return a ? answer_error(req, *a, "the post") : a.error();
    sleep(http::backoff_delay(policy, attempt - 1));
  }
}

Result<RemoteItem> XConnector::put_post(const ChannelPlan& plan, const std::string& slug,
                                        const std::vector<RemoteItem>& media,
                                        const std::optional<RemoteItem>& existing) {
  const std::string text = post_text(plan);
  if (const std::size_t w = x_weighted_length(text); w > kXMaxWeightedLength)
    return x_error(ErrorCode::kLimitExceeded,
                   fmt::format("the post's text weighs {} of X's {} (X counts a URL as 23 and "
                               "most Asian characters and emoji as 2): shorten the caption",
                               w, kXMaxWeightedLength),
                   "POST /2/tweets");
  std::size_t photos = 0;
  for (const PlannedMedia& m : plan.media) photos += m.kind == "photo" ? 1 : 0;
  const std::size_t others = plan.media.size() - photos;
  if (photos > 4 || others > 1 || (photos > 0 && others > 0))
    return x_error(ErrorCode::kInvalidArgument,
                   fmt::format("an X post carries up to 4 photos or 1 video, and this one has {} "
                               "photo(s) and {} video(s): choose fewer media for the channel",
                               photos, others),
                   "POST /2/tweets");
  if (existing) {
    if (str(parse(existing->detail), "text") == text) return *existing;  // made by a lost try
    return x_error(ErrorCode::kUnsupported,
                   fmt::format("X does not let a post be edited through the API: delete the post "
                               "{} on x.com, then publish again to post the new version",
                               existing->url.empty() ? existing->id : existing->url),
                   "POST /2/tweets");
  }
  Result<RemoteItem> post = create_post(text, media);
  if (!post) return post.error();
  post->name = slug;
  for (const PlannedMedia& m : plan.media) save_state(state_key(m), "");  // uploads are done
  return post;
}

// ---- verify ----

Result<std::vector<Finding>> XConnector::compare(const ChannelPlan& plan, const std::string& text,
                                                 const std::vector<RemoteItem>& media) {
  std::vector<Finding> out;
  const json answer = parse(text);
  const json data = answer.value("data", json::object());
  if (!data.contains("id"))
    return std::vector<Finding>{{"post", "on X", "not found (deleted?): " + x_message(answer)}};
  if (!same_text(post_text(plan), str(data, "text")))
    out.push_back({"text", post_text(plan), str(data, "text")});
  std::map<std::string, json> shown;
  if (answer.contains("includes"))
    for (const json& m : answer["includes"].value("media", json::array()))
      shown[str(m, "media_key")] = m;
  const std::size_t keys = data.contains("attachments")
                               ? data["attachments"].value("media_keys", json::array()).size()
                               : 0;
  if (keys != media.size())
    out.push_back({"media", fmt::format("{} item(s)", media.size()), fmt::format("{}", keys)});
  for (std::size_t i = 0; i < media.size() && i < plan.media.size(); ++i) {
    const json detail = parse(media[i].detail);
    const auto it = shown.find(str(detail, "media_key"));
    const std::string want = plan.media[i].kind == "photo" ? "photo" : "video";
    if (it == shown.end()) {
      out.push_back({"media " + media[i].name, want, "missing from the post"});
      continue;
    }
    if (str(it->second, "type") != want)
      out.push_back({"media " + media[i].name, want, str(it->second, "type")});
    if (want == "photo" && str(it->second, "alt_text") != plan.media[i].alt)
      out.push_back(
          {"alt text of " + media[i].name, plan.media[i].alt, str(it->second, "alt_text")});
  }
  return out;
}

Result<std::vector<Finding>> XConnector::verify(const ChannelPlan& plan, const RemoteItem& post,
                                                const std::vector<RemoteItem>& media) {
  Result<std::string> body = call_json(
      request("GET", "/2/tweets/" + post.id +
                         "?tweet.fields=text,attachments&expansions=attachments.media_keys"
                         "&media.fields=type,alt_text,duration_ms"),
      "reading the post back");
  if (!body) return body.error();
  Result<std::vector<Finding>> findings = compare(plan, *body, media);
  if (!findings) return findings;
  for (std::size_t i = 0; i < media.size() && i < plan.media.size(); ++i) {
    if (plan.media[i].kind == "photo") continue;
    std::string message;
    Result<std::string> state = processing_state(media[i].id, &message);
    if (!state) return state.error();
    if (*state == "pending" || *state == "in_progress")
      findings->push_back(
          {"video " + media[i].name, "processed", "X is still processing it" + message, true});
    else if (*state == "failed")
      findings->push_back({"video " + media[i].name, "processed", "failed: " + message});
  }
  return findings;
}

}  // namespace saluran
