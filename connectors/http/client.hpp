#pragma once
// The one HTTP client of Saluran: every connector sends its requests through it.
//
//   http::Client client({.timeouts = {.connect = 10s, .low_speed = 30s},
//                        .log = [](std::string_view line) { std::cerr << line << '\n'; }});
//   http::Request req{.method = "POST", .url = base + "/wp-json/wp/v2/media"};
//   req.headers.set("Authorization", http::basic_auth(user, app_password));
//   req.headers.set("Content-Type", "image/jpeg");
//   req.body = http::FileBody{.path = "photo.jpg"};  // streamed, never read whole
//   Result<http::Response> r = client.send(req, on_progress);
//
// No libcurl type appears here: curl stays in the .cpp files of connectors/http.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "connectors/http/headers.hpp"
#include "connectors/http/retry.hpp"
#include "pipeline/model/error.hpp"

namespace saluran::http {

/// A request body streamed from a file: the whole file, or `length` bytes from `offset` (one
/// chunk of a resumable upload). The file is read in small pieces while sending.
struct FileBody {
  std::filesystem::path path{};
  std::uint64_t offset = 0;
  std::optional<std::uint64_t> length{};  ///< none: to the end of the file
};

/// What a request sends: nothing, bytes from memory, or a file (range).
using Body = std::variant<std::monostate, std::string, FileBody>;

/// One HTTP request. Only http:// and https:// URLs are accepted.
struct Request {
  std::string method = "GET";
  std::string url{};
  Headers headers{};
  Body body{};
  /// When set, the response body is written to this file instead of memory (any size).
  std::optional<std::filesystem::path> response_file{};
  /// Largest response body kept in memory; a longer one is an error (kLimitExceeded).
  std::uint64_t max_response_bytes = 16u << 20;
  /// Statuses besides 2xx that are answers rather than errors (e.g. 404 for a lookup).
  std::vector<long> accepted_statuses{};
  /// Upload speed cap in bytes per second (0: none); paces a live Icecast source in real time.
  std::uint64_t max_send_bytes_per_second = 0;
  /// Ends the transfer as a success once this many response body bytes have arrived (0: read
  /// to the end): a sample of a live stream that never ends. The response holds those bytes.
  std::uint64_t stop_after_bytes = 0;
  /// Ends the transfer as a success once the whole body is sent and a 2xx status has come,
  /// without waiting for the server to close: a live source (Icecast keeps the answer open).
  bool done_when_sent = false;
  /// The most the server may take to send its status, counted from the start and even while
  /// the body is still going out (0: no limit). A live source is accepted or refused before
  /// its body, so a server silent that long has stalled: the transfer fails (kIo).
  std::chrono::milliseconds status_within{0};
  /// False sends once, on a connection of its own (libcurl would otherwise resend a request
  /// by itself when a reused connection dies): for a call whose repetition the caller must
  /// reconcile first.
  bool retry = true;
};

/// A final answer of the server.
struct Response {
  long status = 0;
  Headers headers{};
  std::string body{};                ///< empty when the body went to Request::response_file
  std::string final_url{};           ///< after redirects
  std::uint64_t bytes_sent = 0;      ///< request body bytes of the successful attempt
  std::uint64_t bytes_received = 0;  ///< response body bytes
  int attempts = 1;                  ///< tries it took, retries included
};

/// Bytes moved so far in the current attempt (totals are 0 when unknown).
struct Progress {
  std::uint64_t sent = 0;
  std::uint64_t send_total = 0;
  std::uint64_t received = 0;
  std::uint64_t receive_total = 0;
};
/// Called from the sending thread while a transfer runs.
using ProgressFn = std::function<void(const Progress&)>;
/// Receives one line of the request/response log (`--verbose`), secrets already redacted.
using LogFn = std::function<void(std::string_view line)>;

/// Time limits of one attempt.
struct Timeouts {
  std::chrono::milliseconds connect{10'000};  ///< TCP and TLS set-up
  std::chrono::milliseconds total{0};         ///< whole attempt; 0: no limit (uploads)
  /// A transfer moving under `low_speed_bytes` per second for this long is cut off: it catches
  /// a server that accepts and then stops answering. Whole seconds (libcurl's resolution).
  std::chrono::seconds low_speed{60};
  long low_speed_bytes = 1;
};

/// How a Client behaves; every field has a usable default.
struct ClientOptions {
  Timeouts timeouts{};
  RetryPolicy retry{};
  LogFn log{};                      ///< none: no log
  std::string user_agent{};         ///< empty: "saluran/<version>"
  std::filesystem::path ca_file{};  ///< empty: the system CA bundle
  long max_redirects = 5;
};

/// Sends HTTP requests with timeouts, TLS verification, the proxy from the environment
/// (http_proxy, https_proxy, no_proxy) and retries. Thread-safe; idle connections are reused.
class Client {
 public:
  explicit Client(ClientOptions options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  /// Sends `request`, retrying per the policy on connection errors, 408, 429 and 5xx. A status
  /// outside 2xx and `accepted_statuses` is an Error naming the URL (without credentials), the
  /// status and the start of the body: 401/403 kPermission, 404/410 kNotFound, others kExternal;
  /// connection failures and timeouts are kIo.
  Result<Response> send(const Request& request, const ProgressFn& progress = {}) const;

  /// The options in force.
  const ClientOptions& options() const { return options_; }

 private:
  struct Pool;
  ClientOptions options_;
  std::unique_ptr<Pool> pool_;
};

/// `Basic base64(user:password)`, the value of an Authorization header.
std::string basic_auth(std::string_view user, std::string_view password);
/// `Bearer TOKEN`, the value of an Authorization header.
std::string bearer_auth(std::string_view token);

/// The Error for a final status outside 2xx (what Client::send returns for it).
Error status_error(const std::string& method, const std::string& url, long status,
                   std::string_view body);

}  // namespace saluran::http
