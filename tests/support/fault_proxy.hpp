#pragma once
// A TCP proxy on 127.0.0.1 that sits between the client under test and a real server and
// injects the faults of a bad network or a struggling server. Tests only (POSIX sockets).

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace saluran::test {

/// What the proxy does to a request.
enum class Fault {
  kPass,        ///< forward both ways unchanged
  kStall,       ///< accept and read, never answer
  kCloseAfter,  ///< forward `close_after_bytes` bytes of the request, then close both sides
  kAnswer503,   ///< answer 503 Service Unavailable itself (Connection: close)
  kAnswer429,   ///< answer 429 Too Many Requests with Retry-After: `retry_after`
};

/// The faults to inject: `fault` for the first `times` requests (-1: all), then pass-through.
struct FaultPlan {
  Fault fault = Fault::kPass;
  int times = -1;
  std::uint64_t close_after_bytes = 0;
  std::string retry_after = "1";
};

/// A running proxy to 127.0.0.1:upstream_port; stopped and joined on destruction.
class FaultProxy {
 public:
  explicit FaultProxy(int upstream_port, FaultPlan plan = {});
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  /// The port it listens on (127.0.0.1).
  int port() const { return port_; }
  /// "http://127.0.0.1:PORT" + path.
  std::string url(const std::string& path = "") const;
  /// Replaces the plan; the count of faulted requests starts again. Open pass-through
  /// connections are closed, so a client's next request meets the new plan.
  void set_plan(FaultPlan plan);

  int connections() const { return connections_; }
  /// Requests seen (each request head read from a client), faulted or forwarded.
  int requests() const { return requests_; }
  /// Requests that got the fault.
  int faulted() const { return faulted_; }
  std::uint64_t bytes_to_server() const { return to_server_; }
  std::uint64_t bytes_to_client() const { return to_client_; }

  /// Stops accepting, closes every connection and joins the threads.
  void stop();

 private:
  void accept_loop();
  void serve(int client);
  bool take_fault(Fault& fault, FaultPlan& plan);
  void relay(int client, int server, std::string head, std::uint64_t limit);
  void stall(int client);
  void answer(int client, const std::string& head, const std::string& response);

  int upstream_port_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> generation_{0};
  std::mutex mutex_;
  FaultPlan plan_;
  int plan_used_ = 0;
  std::atomic<int> connections_{0};
  std::atomic<int> requests_{0};
  std::atomic<int> faulted_{0};
  std::atomic<std::uint64_t> to_server_{0};
  std::atomic<std::uint64_t> to_client_{0};
  std::thread acceptor_;
  std::vector<std::thread> workers_;
};

/// A free TCP port on 127.0.0.1 at the time of the call.
int free_port();

}  // namespace saluran::test
