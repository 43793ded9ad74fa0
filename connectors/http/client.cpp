#include "connectors/http/client.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <system_error>
#include <utility>

#include "connectors/http/curl_handle.hpp"
#include "connectors/http/transfer.hpp"

namespace saluran::http {
namespace {

using std::chrono::milliseconds;

// Connection-level failures worth another try: the server may come back.
bool retryable_curl(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

std::string seconds_text(milliseconds d) { return fmt::format("{:.1f} s", d.count() / 1000.0); }

// One try's outcome: a response, or an Error and whether trying again may help.
struct Attempt {
  std::optional<Response> response;
  std::optional<Error> error;
  bool retryable = false;
};

}  // namespace

struct Client::Pool {
  std::mutex mutex;
  std::vector<CurlPtr> idle;

  CurlPtr take() {
    {
      std::lock_guard lock(mutex);
      if (!idle.empty()) {
        CurlPtr c = std::move(idle.back());
        idle.pop_back();
        return c;
      }
    }
    return make_curl();
  }
  void give_back(CurlPtr c) {
    // Reset drops every option but keeps the connection cache, so keep-alive still works.
    curl_easy_reset(c.get());
    curl_easy_setopt(c.get(), CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c.get(), CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c.get(), CURLOPT_NOSIGNAL, 1L);
    std::lock_guard lock(mutex);
    if (idle.size() < 8) idle.push_back(std::move(c));
  }
};

Client::Client(ClientOptions options)
    : options_(std::move(options)), pool_(std::make_unique<Pool>()) {
  options_.retry = with_defaults(std::move(options_.retry));
  if (options_.user_agent.empty()) options_.user_agent = std::string("saluran/") + SALURAN_VERSION;
}

Client::~Client() = default;

namespace {

Attempt attempt_once(CURL* curl, const Request& request, const ClientOptions& options,
                     const ProgressFn& progress) {
  Attempt a;
  Transfer t(request, options.log, progress);
  if (Status opened = t.open(); !opened.ok()) {
    a.error = opened.error();
    return a;
  }
  CurlHeaders headers;
  if (Status set = configure(curl, request, options, t, headers, progress); !set.ok()) {
    a.error = set.error();
    return a;
  }
  const CURLcode code = curl_easy_perform(curl);
  if (code != CURLE_OK && !t.ended_early()) {
    a.error = t.transport_error(code, request);
    a.retryable = request.retry && retryable_curl(code) && !t.local_failure();
    return a;
  }
  Result<Response> r = t.finish(curl);
  if (!r.ok()) {
    a.error = r.error();
    return a;
  }
  const long status = r->status;
  const bool accepted =
      (status >= 200 && status < 300) ||
      std::find(request.accepted_statuses.begin(), request.accepted_statuses.end(), status) !=
          request.accepted_statuses.end();
  if (!accepted) {
    a.error = status_error(request.method, request.url, status, r->body);
    a.retryable = request.retry && retryable_status(status);
  }
  a.response = std::move(r.value());
  return a;
}

// The wait before the next try, or none when the policy says to stop.
std::optional<milliseconds> next_wait(const RetryPolicy& policy, const Attempt& a, int tries,
                                      std::chrono::system_clock::time_point start) {
  if (!a.retryable || tries >= policy.max_attempts) return std::nullopt;
  const auto now = policy.now();
  milliseconds wait = backoff_delay(policy, tries - 1);
  if (a.response) {
    if (auto asked = a.response->headers.get("Retry-After")) {
      if (auto d = parse_retry_after(*asked, now, policy.max_retry_after)) wait = *d;
    }
  }
  const auto elapsed = std::chrono::duration_cast<milliseconds>(now - start);
  if (elapsed + wait > policy.max_total) return std::nullopt;
  return wait;
}

}  // namespace

Result<Response> Client::send(const Request& request, const ProgressFn& progress) const {
  const RetryPolicy& policy = options_.retry;
  const auto start = policy.now();
  for (int tries = 1;; ++tries) {
    CurlPtr curl = pool_->take();
    if (!curl) return make_error(ErrorCode::kExternal, "out of memory", redact_url(request.url));
    Attempt a = attempt_once(curl.get(), request, options_, progress);
    pool_->give_back(std::move(curl));
    if (!a.error) {
      a.response->attempts = tries;
      return std::move(*a.response);
    }
    const std::optional<milliseconds> wait = next_wait(policy, a, tries, start);
    if (!wait) {
      if (tries > 1) {
        const auto spent = std::chrono::duration_cast<milliseconds>(policy.now() - start);
        a.error->message +=
            fmt::format(" (gave up after {} tries in {})", tries, seconds_text(spent));
      }
      return std::move(*a.error);
    }
    if (options_.log) {
      options_.log(fmt::format("* try {} failed: {}; trying again in {}", tries,
                               a.error->to_string(), seconds_text(*wait)));
    }
    policy.sleep(*wait);
  }
}

std::string basic_auth(std::string_view user, std::string_view password) {
  return "Basic " + base64_encode(std::string(user) + ":" + std::string(password));
}

std::string bearer_auth(std::string_view token) { return "Bearer " + std::string(token); }

}  // namespace saluran::http
