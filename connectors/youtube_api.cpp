// The YouTube connector's calls: access tokens, API errors explained, the quota kept per day.

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <thread>

#include "connectors/credentials.hpp"
#include "connectors/youtube.hpp"
#include "connectors/youtube_detail.hpp"

namespace saluran {
namespace {

using namespace youtube_detail;
using std::chrono::system_clock;

// videos.insert has a bucket of its own (determine_quota_cost, current page): 100 calls a day.
constexpr long kInsertsPerDay = 100;
// The error statuses the API answers with a JSON body this file explains; 408, 429 and 5xx
// stay with the client, which retries them.
const std::vector<long> kExplained = {400, 401, 403, 404, 409};

std::string reason_of(const json& body) {
  const json& error = body.is_object() && body.contains("error") ? body["error"] : json();
  if (error.is_object() && error.contains("errors") && error["errors"].is_array() &&
      !error["errors"].empty())
    return str(error["errors"][0], "reason");
  return error.is_string() ? error.get<std::string>() : std::string();
}

std::string message_of(const json& body) {
  const json& error = body.is_object() && body.contains("error") ? body["error"] : json();
  if (error.is_object()) return str(error, "message");
  return str(body, "error_description");
}

std::string request_detail(const http::Request& req, long status, const std::string& reason) {
  return fmt::format("HTTP {}{}, {} {}", status, reason.empty() ? "" : " " + reason, req.method,
                     http::redact_url(req.url));
}

}  // namespace

YouTubeConnector::YouTubeConnector(const ChannelConfig& channel, ConnectorContext context)
    : channel_(with_platform_defaults(channel)), context_(std::move(context)) {
  root_ = channel_.url;
  while (!root_.empty() && root_.back() == '/') root_.pop_back();
  upload_root_ = channel_.upload_url;
  while (!upload_root_.empty() && upload_root_.back() == '/') upload_root_.pop_back();
}

void YouTubeConnector::set_chunk_bytes(std::uint64_t bytes) {
  constexpr std::uint64_t kUnit = 256 * 1024;
  chunk_bytes_ = std::max<std::uint64_t>(kUnit, bytes / kUnit * kUnit);
}

Error YouTubeConnector::channel_error(ErrorCode code, const std::string& text,
                                      const std::string& detail) const {
  Error e = make_error(code, fmt::format("channel {}: {}", channel_.name, text), {}, detail);
  e.context.channel = channel_.name;
  return e;
}

Result<std::string> YouTubeConnector::access_token(bool renew) {
  if (!renew && !token_.empty() && std::chrono::steady_clock::now() < token_expiry_) return token_;
  const std::string login = fmt::format("saluran channels login {}", channel_.name);
  Result<std::optional<std::string>> refresh = read_credential(channel_.name, "refresh_token");
  if (!refresh) return refresh.error();
  if (!*refresh || (*refresh)->empty())
    return channel_error(ErrorCode::kPermission,
                         "not signed in to YouTube: sign in once with: " + login, "");
  http::Request req{.method = "POST", .url = channel_.token_url};
  req.headers.set("Content-Type", "application/x-www-form-urlencoded");
  req.body = fmt::format("grant_type=refresh_token&client_id={}&client_secret={}&refresh_token={}",
                         url_encode(channel_.client_id), url_encode(context_.secret),
                         url_encode(**refresh));
  req.accepted_statuses = {400, 401};
  Result<http::Response> r = context_.client->send(req);
  if (!r)
    return channel_error(r.error().code,
                         "could not reach Google's sign-in service (" + r.error().message +
                             "): check the network and the proxy, then run again",
                         r.error().context.detail);
  const json body = parse(r->body);
  const std::string error = str(body, "error");
  if (error == "invalid_grant")
    return channel_error(ErrorCode::kPermission,
                         "Google no longer accepts the sign-in (it expired or was revoked): sign "
                         "in to YouTube again with: " +
                             login,
                         request_detail(req, r->status, error));
  if (r->status >= 400 || str(body, "access_token").empty())
    return channel_error(ErrorCode::kPermission,
                         fmt::format("Google refused the OAuth client ({}): check client_id in "
                                     "channels.toml and the client secret of channel {}",
                                     error.empty() ? "no access token" : error, channel_.name),
                         request_detail(req, r->status, error));
  token_ = str(body, "access_token");
  const long seconds = body.value("expires_in", 3600L);
  // Renewed a minute early, so a token does not run out in the middle of a request.
  token_expiry_ =
      std::chrono::steady_clock::now() + std::chrono::seconds(std::max(0L, seconds - 60));
  return token_;
}

// Sends one API call with the access token: a 401 renews the token once, a 403 rate limit waits
// (Retry-After) and tries again, quotaExceeded ends the day. Statuses in `pass` are returned.
Result<http::Response> YouTubeConnector::send_api(http::Request req, const std::string& doing,
                                                  long units, const std::vector<long>& pass) {
  req.accepted_statuses = pass;
  req.accepted_statuses.insert(req.accepted_statuses.end(), kExplained.begin(), kExplained.end());
  bool renewed = false;
  for (int attempt = 0;; ++attempt) {
    Result<std::string> token = access_token(false);
    if (!token) return token.error();
    req.headers.set("Authorization", http::bearer_auth(*token));
    charge(units, 0);  // every request costs its units, even a refused one
    Result<http::Response> r = context_.client->send(req);
    if (!r)
      return channel_error(r.error().code,
                           fmt::format("YouTube could not be reached or kept failing while {} "
                                       "({}): check the network, then run again (nothing is "
                                       "sent twice)",
                                       doing, r.error().message),
                           r.error().context.detail);
    if (std::find(pass.begin(), pass.end(), r->status) != pass.end()) return r;
    if (r->status == 401 && !renewed) {
      renewed = true;
      if (Result<std::string> t = access_token(true); !t) return t.error();
      continue;
    }
    const std::string reason = reason_of(parse(r->body));
    if (r->status == 403 && attempt < 3 &&
        (reason == "rateLimitExceeded" || reason == "userRateLimitExceeded")) {
      const long after = std::atol(r->headers.get("Retry-After").value_or("1").c_str());
      std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(
          std::chrono::seconds(std::max(1L, after)), max_wait_));
      continue;
    }
    if (r->status >= 400) return answer_error(req, *r, doing);
    return r;
  }
}

Error YouTubeConnector::answer_error(const http::Request& req, const http::Response& r,
                                     const std::string& doing) {
  const json body = parse(r.body);
  const std::string reason = reason_of(body);
  const std::string message = message_of(body);
  const std::string detail = request_detail(req, r.status, reason);
  if (reason == "quotaExceeded" || reason == "uploadLimitExceeded") {
    const Quota q = quota_used();
    charge(std::max(0L, channel_.daily_quota - q.units),
           doing == "uploading the video" ? kInsertsPerDay - q.inserts : 0);
    Error e = quota_error(doing);
    e.context.detail = detail;
    return e;
  }
  if (r.status == 401)
    return channel_error(ErrorCode::kPermission,
                         fmt::format("YouTube refused the sign-in while {}: sign in to YouTube "
                                     "again with: saluran channels login {}",
                                     doing, channel_.name),
                         detail);
  if (reason == "youtubeSignupRequired")
    return channel_error(ErrorCode::kPermission,
                         "the Google account has no YouTube channel: create one at "
                         "https://www.youtube.com/create_channel, then run again",
                         detail);
  if (r.status == 403)
    return channel_error(ErrorCode::kPermission,
                         fmt::format("YouTube refused {} ({}): sign in with the account that "
                                     "owns the channel (saluran channels login {}), with the "
                                     "YouTube scopes allowed",
                                     doing, message, channel_.name),
                         detail);
  const ErrorCode code = r.status == 404   ? ErrorCode::kNotFound
                         : r.status == 400 ? ErrorCode::kInvalidArgument
                                           : ErrorCode::kExternal;
  return channel_error(code, fmt::format("YouTube refused {}: {}", doing, message), detail);
}

// ---- the quota: units used on the current Pacific day, kept in the channel's state ----

YouTubeConnector::Quota YouTubeConnector::quota_used() const {
  const json j = parse(load_state("quota:" + quota_day(system_clock::now())));
  return Quota{j.value("units", 0L), j.value("inserts", 0L)};
}

void YouTubeConnector::charge(long units, long inserts) const {
  if (units == 0 && inserts == 0) return;
  Quota q = quota_used();
  q.units += units;
  q.inserts += inserts;
  save_state("quota:" + quota_day(system_clock::now()),
             dump({{"units", q.units}, {"inserts", q.inserts}}));
}

Error YouTubeConnector::quota_error(const std::string& doing) const {
  const Quota q = quota_used();
  const auto reset = quota_reset(system_clock::now());
  return channel_error(
      ErrorCode::kLimitExceeded,
      fmt::format("YouTube's daily quota is used up ({} of {} units, {} of {} uploads today), so "
                  "{} cannot be done now: the quota resets at midnight Pacific time ({:%Y-%m-%d "
                  "%H:%M} UTC); run again after that (nothing is sent twice)",
                  q.units, channel_.daily_quota, q.inserts, kInsertsPerDay, doing,
                  std::chrono::floor<std::chrono::minutes>(reset)),
      "");
}

Status YouTubeConnector::reserve(long units, long inserts, const std::string& doing) const {
  const Quota q = quota_used();
  if (q.units + units > channel_.daily_quota || q.inserts + inserts > kInsertsPerDay)
    return quota_error(doing);
  return Ok{};
}

std::string YouTubeConnector::quota_day(system_clock::time_point when) {
  using namespace std::chrono;
  const auto t = floor<seconds>(when);
  const year y = year_month_day(floor<days>(t)).year();
  // US Pacific: daylight time from the second Sunday of March, 02:00 PST (10:00 UTC), to the
  // first Sunday of November, 02:00 PDT (09:00 UTC).
  const sys_seconds start = sys_days(y / March / Sunday[2]) + hours(10);
  const sys_seconds end = sys_days(y / November / Sunday[1]) + hours(9);
  const hours offset = (t >= start && t < end) ? hours(-7) : hours(-8);
  return fmt::format("{:%Y-%m-%d}", floor<days>(t + offset));
}

system_clock::time_point YouTubeConnector::quota_reset(system_clock::time_point when) {
  using namespace std::chrono;
  const std::string day = quota_day(when);
  // The next midnight in Pacific time is 07:00 or 08:00 UTC of some day after `day`'s start:
  // the first such hour whose Pacific day differs.
  const year_month_day ymd{year(std::stoi(day.substr(0, 4))),
                           month(static_cast<unsigned>(std::stoi(day.substr(5, 2)))),
                           std::chrono::day(static_cast<unsigned>(std::stoi(day.substr(8, 2))))};
  sys_seconds t = sys_days(ymd) + days(1) + hours(7);
  if (quota_day(t) == day) t += hours(1);
  return t;
}

Result<std::optional<std::string>> YouTubeConnector::read_video(const std::string& id,
                                                                const std::string& parts) {
  http::Request req{.url = fmt::format("{}/youtube/v3/videos?part={}&id={}", root_,
                                       url_encode(parts), url_encode(id))};
  Result<http::Response> r = send_api(req, "reading the video back", 1);
  if (!r) return r.error();
  const json body = parse(r->body);
  if (!body.contains("items") || !body["items"].is_array() || body["items"].empty())
    return std::optional<std::string>();
  return std::optional<std::string>(dump(body["items"][0]));
}

Status YouTubeConnector::test() {
  http::Request req{.url = root_ + "/youtube/v3/channels?part=id&mine=true"};
  Result<http::Response> r = send_api(req, "reading the account's channel", 1);
  if (!r) return r.error();
  const json body = parse(r->body);
  if (!body.contains("items") || !body["items"].is_array() || body["items"].empty())
    return channel_error(ErrorCode::kPermission,
                         "the Google account signed in has no YouTube channel: create one at "
                         "https://www.youtube.com/create_channel, or sign in with the channel's "
                         "account (saluran channels login " +
                             channel_.name + ")",
                         "");
  return Ok{};
}

}  // namespace saluran
