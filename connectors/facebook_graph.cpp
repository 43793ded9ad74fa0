// The Graph API calls of the Facebook connector: requests with the Page token, answers, and
// Graph error codes turned into messages that say what to do.

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <fstream>
#include <thread>

#include "connectors/facebook_graph.hpp"

namespace saluran::facebook {
namespace {

// Statuses the Graph API answers with its error JSON, read here rather than retried blindly.
const std::vector<long> kErrorAnswers = {400, 401, 403, 404, 413};
// Statuses that mean the server made nothing and another try may succeed.
const std::vector<long> kTryAgain = {429, 500, 502, 503, 504};

bool among(long status, const std::vector<long>& set) {
  return std::find(set.begin(), set.end(), status) != set.end();
}

// Minutes until Meta's business-use-case limit lets calls through again, from the
// X-Business-Use-Case-Usage header ({"<id>":[{"estimated_time_to_regain_access":N,...}]}).
long long regain_minutes(const http::Headers& headers) {
  const std::string value = headers.get("X-Business-Use-Case-Usage").value_or("");
  const json j = json::parse(value, nullptr, false);
  long long most = 0;
  if (!j.is_object()) return 0;
  for (const auto& [id, list] : j.items()) {
    if (!list.is_array()) continue;
    for (const json& e : list) most = std::max(most, num(e, "estimated_time_to_regain_access"));
  }
  return most;
}

std::string when_text(const Answer& a) {
  const long long seconds = std::atoll(a.retry_after.c_str());
  if (seconds > 0) return fmt::format("{} seconds", seconds);
  const long long minutes = num(a.body, "regain_minutes");
  if (minutes > 0) return fmt::format("{} minutes", minutes);
  return "an hour";
}

std::string token_advice(const ChannelConfig& c) {
  return fmt::format(
      "make a new Page access token for Page {} (Graph API Explorer or the app's login: a "
      "long-lived Page token with pages_manage_posts, pages_read_engagement and "
      "pages_show_list) and store it as the channel's secret ({}), then run again: an upload "
      "in progress resumes where it stopped",
      c.account,
      c.secret_env.empty() ? "`saluran channels add " + c.name + "`" : "variable " + c.secret_env);
}

// The error for one of the Video API's codes (351, 6000-6099, subcodes 13630xx).
Error video_error(const Graph& g, long code, long sub, const std::string& msg,
                  const std::string& detail) {
  std::string low = msg;
  for (char& c : low) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (sub == 1363023 || low.find("too large") != std::string::npos)
    return g.fail(ErrorCode::kLimitExceeded,
                  fmt::format("the video is larger than Facebook takes (2 GB): {}: send a "
                              "smaller rendition (lower bitrate or shorter)",
                              msg),
                  detail);
  if (sub == 1363022)
    return g.fail(ErrorCode::kInvalidArgument,
                  fmt::format("the video is too small for Facebook (under 1 KB): {}: render it "
                              "again",
                              msg),
                  detail);
  if (low.find("too long") != std::string::npos || low.find("duration") != std::string::npos)
    return g.fail(ErrorCode::kLimitExceeded,
                  fmt::format("the video is too long for Facebook: {}: make it shorter (a Reel "
                              "takes 3 to 90 seconds; set the story's trim or use the "
                              "facebook-video preset)",
                              msg),
                  detail);
  return g.fail(ErrorCode::kExternal,
                fmt::format("Facebook could not take the video (code {}): {}: run again (the "
                            "upload resumes where it stopped); if it keeps failing, render the "
                            "video again",
                            code, msg),
                detail);
}

}  // namespace

std::string Graph::api(const std::string& path) const {
  std::string root = channel.url;
  while (!root.empty() && root.back() == '/') root.pop_back();
  return root + path;
}

std::string Graph::video_api(const std::string& path) const {
  std::string root = channel.upload_url.empty() ? channel.url : channel.upload_url;
  while (!root.empty() && root.back() == '/') root.pop_back();
  return root + path;
}

void Graph::log(const std::string& line) const {
  if (context.client->options().log) context.client->options().log("* " + line);
}

http::Request Graph::request(std::string method, std::string url) const {
  http::Request req{.method = std::move(method), .url = std::move(url)};
  req.headers.set("Authorization", "OAuth " + context.secret);
  req.headers.set("Accept", "application/json");
  req.accepted_statuses = kErrorAnswers;
  return req;
}

http::Request Graph::form(std::string url, const Fields& fields) const {
  http::Request req = request("POST", std::move(url));
  req.headers.set("Content-Type", "application/x-www-form-urlencoded");
  req.body = http::form_body(fields);
  return req;
}

Result<http::Request> Graph::multipart(std::string url, const Fields& fields,
                                       const FilePart& file) const {
  std::string bytes(file.length, '\0');
  std::ifstream in(file.path, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(file.offset));
  if (!in || !in.read(bytes.data(), static_cast<std::streamsize>(bytes.size())))
    return fail(ErrorCode::kIo,
                fmt::format("could not read {} (bytes {} to {}): render it again",
                            file.path.string(), file.offset, file.offset + file.length));
  http::Multipart m =
      http::multipart_body(fields, {file.name, file.filename, file.type, std::move(bytes)});
  http::Request req = request("POST", std::move(url));
  req.headers.set("Content-Type", m.content_type);
  req.body = std::move(m.body);
  return req;
}

Result<Answer> Graph::exchange(const http::Request& req, const std::string& doing) const {
  Result<http::Response> r = context.client->send(req);
  if (!r) {
    Error e = r.error();
    return fail(e.code == ErrorCode::kIo ? ErrorCode::kIo : e.code,
                fmt::format("Facebook ({}) could not be reached or stopped answering while {} "
                            "({}): check the network and the proxy, then run again (nothing is "
                            "sent twice)",
                            http::redact_url(req.url), doing, e.message),
                e.context.detail);
  }
  Answer a{r->status, json::parse(r->body, nullptr, false),
           r->headers.get("Retry-After").value_or("")};
  if (a.body.is_discarded()) a.body = json::object();
  if (const long long m = regain_minutes(r->headers); m > 0 && a.body.is_object())
    a.body["regain_minutes"] = m;
  return a;
}

Result<json> Graph::call(const http::Request& req, const std::string& doing) const {
  Result<Answer> a = exchange(req, doing);
  if (!a) return a.error();
  if (a->status < 200 || a->status > 299) return error(req, *a, doing);
  return a->body;
}

Result<json> Graph::create(http::Request req, const std::string& doing) const {
  req.retry = false;
  req.accepted_statuses.insert(req.accepted_statuses.end(), kTryAgain.begin(), kTryAgain.end());
  for (int attempt = 1;; ++attempt) {
    Result<Answer> a = exchange(req, doing);
    if (!a) return a.error();
    if (a->status >= 200 && a->status <= 299) return a->body;
    if (!among(a->status, kTryAgain) || attempt >= 4) return error(req, *a, doing);
    const long long wait = std::clamp<long long>(std::atoll(a->retry_after.c_str()), 1, 30);
    log(fmt::format("{}: HTTP {} while {}: trying again in {} s", channel.name, a->status, doing,
                    wait));
    std::this_thread::sleep_for(std::chrono::seconds(wait));
  }
}

Error Graph::fail(ErrorCode code, const std::string& text, std::string detail) const {
  Error e =
      make_error(code, fmt::format("channel {}: {}", channel.name, text), {}, std::move(detail));
  e.context.channel = channel.name;
  return e;
}

Error Graph::error(const http::Request& req, const Answer& a, const std::string& doing) const {
  const json& e =
      a.body.contains("error") && a.body["error"].is_object() ? a.body["error"] : a.body;
  const long code = static_cast<long>(num(e, "code"));
  const long sub = static_cast<long>(num(e, "error_subcode"));
  const std::string msg = str(e, "message").empty() ? "no message" : str(e, "message");
  const std::string detail =
      fmt::format("HTTP {}, code {}{}, fbtrace_id {}, {} {}", a.status, code,
                  sub ? fmt::format(" subcode {}", sub) : "", str(e, "fbtrace_id"), req.method,
                  http::redact_url(req.url));
  if (code == 190 || code == 102 || (code == 0 && a.status == 401))
    return fail(ErrorCode::kPermission,
                fmt::format("Facebook refused the Page access token while {} (expired, revoked "
                            "or not valid: {}): {}",
                            doing, msg, token_advice(channel)),
                detail);
  if (code == 10 || (code >= 200 && code <= 299) || sub == 1363042 || a.status == 403)
    return fail(ErrorCode::kPermission,
                fmt::format("the Page access token may not do this while {} ({}): make a token "
                            "with the permissions pages_manage_posts, pages_read_engagement and "
                            "pages_show_list (publish_video for videos), by a person with the "
                            "CREATE_CONTENT task on Page {}",
                            doing, msg, channel.account),
                detail);
  if (code == 4 || code == 17 || code == 32 || code == 341 || code == 613 || code == 80001 ||
      a.status == 429)
    return fail(ErrorCode::kExternal,
                fmt::format("Facebook's rate limit was reached while {} ({}): wait {} and run "
                            "again (nothing is sent twice)",
                            doing, msg, when_text(a)),
                detail);
  if (code == 368)
    return fail(ErrorCode::kExternal,
                fmt::format("Facebook has blocked posting from this Page for a while ({}): wait "
                            "some hours, look at the Page's quality in Meta Business Suite, then "
                            "run again",
                            msg),
                detail);
  if (code == 506)
    return fail(ErrorCode::kInvalidArgument,
                fmt::format("Facebook refused the post as a duplicate of one the Page already "
                            "has ({}): change the caption or delete the earlier post, then run "
                            "again",
                            msg),
                detail);
  if (code == 351 || (code >= 6000 && code <= 6099) || (sub >= 1363000 && sub <= 1363999))
    return video_error(*this, code, sub, msg, detail);
  if (code == 100)
    return fail(ErrorCode::kInvalidArgument,
                fmt::format("Facebook refused a value while {}: {}", doing, msg), detail);
  const ErrorCode ec = a.status == 404 ? ErrorCode::kNotFound : ErrorCode::kExternal;
  return fail(ec, fmt::format("Facebook refused {}: {}", doing, msg), detail);
}

}  // namespace saluran::facebook
