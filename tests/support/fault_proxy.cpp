#include "tests/support/fault_proxy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <stdexcept>

namespace saluran::test {
namespace {

constexpr int kPollMs = 50;

int listen_on_loopback(int& port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 64) != 0) {
    ::close(fd);
    throw std::runtime_error("bind/listen failed");
  }
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  port = ntohs(addr.sin_port);
  return fd;
}

int connect_loopback(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) return fd;
  if (fd >= 0) ::close(fd);
  return -1;
}

bool readable(int fd, const std::atomic<bool>& stopping) {
  while (!stopping) {
    pollfd p{fd, POLLIN, 0};
    const int n = ::poll(&p, 1, kPollMs);
    if (n > 0) return true;
    if (n < 0 && errno != EINTR) return false;
  }
  return false;
}

bool send_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

// Reads until the end of a request head ("\r\n\r\n"); the buffer may hold body bytes after it.
bool read_head(int fd, std::string& buf, const std::atomic<bool>& stopping) {
  char chunk[16384];
  while (buf.find("\r\n\r\n") == std::string::npos) {
    if (!readable(fd, stopping)) return false;
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buf.append(chunk, static_cast<std::size_t>(n));
  }
  return true;
}

std::uint64_t content_length(const std::string& head) {
  std::string lower(head.substr(0, head.find("\r\n\r\n")));
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const std::size_t at = lower.find("\r\ncontent-length:");
  if (at == std::string::npos) return 0;
  return std::strtoull(lower.c_str() + at + 17, nullptr, 10);
}

// Counts requests in a client-to-server byte stream (heads and Content-Length bodies).
class RequestCounter {
 public:
  explicit RequestCounter(std::atomic<int>& count) : count_(count) {}
  void feed(const char* data, std::size_t size) {
    while (size > 0) {
      if (body_left_ > 0) {
        const std::size_t take =
            static_cast<std::size_t>(std::min<std::uint64_t>(body_left_, size));
        body_left_ -= take;
        data += take;
        size -= take;
        continue;
      }
      head_.append(data, size);
      size = 0;
      const std::size_t end = head_.find("\r\n\r\n");
      if (end == std::string::npos) return;
      ++count_;
      body_left_ = content_length(head_);
      std::string rest = head_.substr(end + 4);
      head_.clear();
      feed(rest.data(), rest.size());
    }
  }

 private:
  std::atomic<int>& count_;
  std::string head_;
  std::uint64_t body_left_ = 0;
};

}  // namespace

int free_port() {
  int port = 0;
  const int fd = listen_on_loopback(port);
  ::close(fd);
  return port;
}

FaultProxy::FaultProxy(int upstream_port, FaultPlan plan)
    : upstream_port_(upstream_port), plan_(std::move(plan)) {
  listen_fd_ = listen_on_loopback(port_);
  acceptor_ = std::thread([this] { accept_loop(); });
}

FaultProxy::~FaultProxy() { stop(); }

std::string FaultProxy::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void FaultProxy::set_plan(FaultPlan plan) {
  std::lock_guard lock(mutex_);
  plan_ = std::move(plan);
  plan_used_ = 0;
  ++generation_;
}

void FaultProxy::stop() {
  if (stopping_.exchange(true)) return;
  if (acceptor_.joinable()) acceptor_.join();
  ::close(listen_fd_);
  std::vector<std::thread> workers;
  {
    std::lock_guard lock(mutex_);
    workers.swap(workers_);
  }
  for (std::thread& t : workers) t.join();
}

void FaultProxy::accept_loop() {
  while (readable(listen_fd_, stopping_)) {
    const int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    ++connections_;
    std::lock_guard lock(mutex_);
    workers_.emplace_back([this, client] {
      serve(client);
      ::close(client);
    });
  }
}

bool FaultProxy::take_fault(Fault& fault, FaultPlan& plan) {
  std::lock_guard lock(mutex_);
  plan = plan_;
  if (plan_.fault == Fault::kPass || (plan_.times >= 0 && plan_used_ >= plan_.times)) {
    fault = Fault::kPass;
    return false;
  }
  ++plan_used_;
  fault = plan_.fault;
  return true;
}

void FaultProxy::serve(int client) {
  std::string head;
  if (!read_head(client, head, stopping_)) return;
  Fault fault = Fault::kPass;
  FaultPlan plan;
  if (take_fault(fault, plan)) {
    ++faulted_;
  }
  if (fault == Fault::kStall) {
    ++requests_;
    stall(client);
    return;
  }
  if (fault == Fault::kAnswer503 || fault == Fault::kAnswer429) {
    ++requests_;
    const std::string body = fault == Fault::kAnswer503 ? "busy, try later\n" : "slow down\n";
    std::string response =
        fault == Fault::kAnswer503
            ? "HTTP/1.1 503 Service Unavailable\r\n"
            : "HTTP/1.1 429 Too Many Requests\r\nRetry-After: " + plan.retry_after + "\r\n";
    response += "Content-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) +
                "\r\nConnection: close\r\n\r\n" + body;
    answer(client, head, response);
    return;
  }
  const int server = connect_loopback(upstream_port_);
  if (server < 0) return;
  const std::uint64_t limit = fault == Fault::kCloseAfter ? plan.close_after_bytes : UINT64_MAX;
  relay(client, server, std::move(head), limit);
  ::close(server);
}

void FaultProxy::stall(int client) {
  char chunk[16384];
  while (readable(client, stopping_)) {
    if (::recv(client, chunk, sizeof chunk, 0) <= 0) return;
  }
}

void FaultProxy::answer(int client, const std::string& head, const std::string& response) {
  // Read the body the client is sending first, so it sees the answer rather than a reset.
  std::uint64_t left = content_length(head);
  const std::size_t end = head.find("\r\n\r\n") + 4;
  left -= std::min<std::uint64_t>(left, head.size() - end);
  char chunk[16384];
  while (left > 0 && readable(client, stopping_)) {
    const ssize_t n = ::recv(
        client, chunk, static_cast<std::size_t>(std::min<std::uint64_t>(left, sizeof chunk)), 0);
    if (n <= 0) return;
    left -= static_cast<std::uint64_t>(n);
  }
  send_all(client, response.data(), response.size());
  ::shutdown(client, SHUT_WR);
  while (readable(client, stopping_)) {
    if (::recv(client, chunk, sizeof chunk, 0) <= 0) return;
  }
}

void FaultProxy::relay(int client, int server, std::string head, std::uint64_t limit) {
  const int generation = generation_;
  RequestCounter counter(requests_);
  std::uint64_t sent = 0;
  auto forward_up = [&](const char* data, std::size_t size) {
    const std::size_t allowed =
        static_cast<std::size_t>(std::min<std::uint64_t>(size, limit - sent));
    counter.feed(data, allowed);
    if (allowed > 0 && !send_all(server, data, allowed)) return false;
    sent += allowed;
    to_server_ += allowed;
    return sent < limit;
  };
  if (!forward_up(head.data(), head.size())) return;
  char chunk[65536];
  bool client_open = true;
  while (!stopping_ && generation == generation_) {
    pollfd p[2] = {{client, static_cast<short>(client_open ? POLLIN : 0), 0}, {server, POLLIN, 0}};
    if (::poll(p, 2, kPollMs) <= 0) continue;
    if (client_open && (p[0].revents & (POLLIN | POLLHUP | POLLERR))) {
      const ssize_t n = ::recv(client, chunk, sizeof chunk, 0);
      if (n <= 0) {
        client_open = false;
        ::shutdown(server, SHUT_WR);
      } else if (!forward_up(chunk, static_cast<std::size_t>(n))) {
        return;  // the limit is reached: both sides are closed by the caller
      }
    }
    if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
      const ssize_t n = ::recv(server, chunk, sizeof chunk, 0);
      if (n <= 0 || !send_all(client, chunk, static_cast<std::size_t>(n))) return;
      to_client_ += static_cast<std::uint64_t>(n);
    }
  }
}

}  // namespace saluran::test
