#pragma once
// The common part of the platform fakes (YouTube, Facebook, Instagram, X): an in-process
// cpp-httplib server on 127.0.0.1 with a port of its own, the failures a test injects, and
// counters of what arrived. Each platform's fake adds its routes and its state.
//
//   FakeYouTube yt;                                   // derives from FakePlatform
//   yt.inject({.path = "/upload/", .kind = FakeFailure::kStatus, .status = 503, .times = 1});
//   ... connector pointed at yt.url() ...
//   EXPECT_EQ(yt.requests("/upload/"), 3);
//
// A connection cut in the middle of a body: put tests/support/fault_proxy.hpp (kCloseAfter) in
// front of the fake and point the connector at the proxy.
//
// Failures are matched by path prefix (and method when given), consumed in order, before the
// route runs: the route does not see a failed request, like a front end refusing it.

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include <httplib.h>

namespace saluran::test {

/// One failure to inject into the next matching request(s).
struct FakeFailure {
  enum Kind {
    kStatus,  ///< answer `status` with `body` (the platform's error JSON) and `retry_after`
    kStall,   ///< hold the request for `stall_ms`, then answer as kStatus (a slow server)
    kDelay,   ///< hold the request for `stall_ms`, then let the route answer (a slow network)
  };
  std::string path;    ///< path prefix the failure applies to ("" = any)
  std::string method;  ///< "" = any
  Kind kind = kStatus;
  int status = 500;
  std::string body = R"({"error":{"code":500,"message":"Backend Error"}})";
  std::string retry_after;  ///< Retry-After header value, when not empty
  int times = 1;            ///< how many requests it applies to
  int stall_ms = 0;
};

/// The server, the failures and the counters; platform fakes add routes in their constructor
/// through `server()` and call `start()` at its end.
class FakePlatform {
 public:
  FakePlatform();
  virtual ~FakePlatform();
  FakePlatform(const FakePlatform&) = delete;
  FakePlatform& operator=(const FakePlatform&) = delete;

  /// "http://127.0.0.1:PORT" + path.
  std::string url(const std::string& path = "") const;
  int port() const { return port_; }

  /// Queues a failure for the next matching request(s).
  void inject(FakeFailure failure);
  /// Requests whose path starts with `prefix` (all when empty), failed ones included.
  int requests(const std::string& prefix = "") const;
  /// Request body bytes received on paths starting with `prefix` (all when empty).
  std::uint64_t bytes_received(const std::string& prefix = "") const;
  /// Drops every queued failure.
  void clear_failures();

 protected:
  httplib::Server& server() { return server_; }
  /// Binds 127.0.0.1 on a port of its own and serves from a thread (call once, after routes).
  void start();
  /// Guards the derived fake's state (routes run on the server's threads).
  std::mutex& state_mutex() { return state_mutex_; }

 private:
  httplib::Server::HandlerResponse before(const httplib::Request& req, httplib::Response& res);

  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  mutable std::mutex mutex_;
  std::deque<FakeFailure> failures_;
  std::map<std::string, int> requests_;         // by path
  std::map<std::string, std::uint64_t> bytes_;  // by path
  std::mutex state_mutex_;
};

/// The unsigned big-endian number of `bytes` bytes at `at` in `d` (the caller checks the size).
std::uint64_t big_endian(const std::string& d, std::size_t at, int bytes);

/// An MP4's duration from moov/mvhd, and whether moov comes before mdat ("moov atom at the
/// front of the file"), as the platforms read an upload; false when it is not an MP4.
bool mp4_info(const std::string& d, double& seconds, bool& moov_first);

/// The duration of an MP4 in seconds; 0 when it is not one.
double mp4_seconds(const std::string& d);

}  // namespace saluran::test
