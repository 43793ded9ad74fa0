// FakePlatform: the server thread, failure injection and counters shared by the platform fakes.

#include "tests/fakes/fake_platform.hpp"

#include <chrono>
#include <stdexcept>

namespace saluran::test {

FakePlatform::FakePlatform() {
  server_.set_pre_routing_handler(
      [this](const httplib::Request& req, httplib::Response& res) { return before(req, res); });
  // The body has been read by the time the route has run (not before it: the pre-routing
  // handler sees none), so bytes are counted here.
  server_.set_post_routing_handler([this](const httplib::Request& req, httplib::Response&) {
    std::lock_guard lock(mutex_);
    bytes_[req.path] += req.body.size();
  });
}

FakePlatform::~FakePlatform() {
  server_.stop();
  if (thread_.joinable()) thread_.join();
}

void FakePlatform::start() {
  port_ = server_.bind_to_any_port("127.0.0.1");
  if (port_ <= 0) throw std::runtime_error("fake platform: cannot bind 127.0.0.1");
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

std::string FakePlatform::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void FakePlatform::inject(FakeFailure failure) {
  std::lock_guard lock(mutex_);
  failures_.push_back(std::move(failure));
}

void FakePlatform::clear_failures() {
  std::lock_guard lock(mutex_);
  failures_.clear();
}

int FakePlatform::requests(const std::string& prefix) const {
  std::lock_guard lock(mutex_);
  int n = 0;
  for (const auto& [path, count] : requests_)
    if (path.starts_with(prefix)) n += count;
  return n;
}

std::uint64_t FakePlatform::bytes_received(const std::string& prefix) const {
  std::lock_guard lock(mutex_);
  std::uint64_t n = 0;
  for (const auto& [path, count] : bytes_)
    if (path.starts_with(prefix)) n += count;
  return n;
}

httplib::Server::HandlerResponse FakePlatform::before(const httplib::Request& req,
                                                      httplib::Response& res) {
  FakeFailure failure;
  {
    std::lock_guard lock(mutex_);
    ++requests_[req.path];
    auto it = failures_.begin();
    while (it != failures_.end() &&
           !(req.path.starts_with(it->path) && (it->method.empty() || it->method == req.method)))
      ++it;
    if (it == failures_.end()) return httplib::Server::HandlerResponse::Unhandled;
    failure = *it;
    if (--it->times <= 0) failures_.erase(it);
  }
  if (failure.kind == FakeFailure::kStall || failure.kind == FakeFailure::kDelay)
    std::this_thread::sleep_for(std::chrono::milliseconds(failure.stall_ms));
  if (failure.kind == FakeFailure::kDelay) return httplib::Server::HandlerResponse::Unhandled;
  // The body was not read: the connection cannot carry another request (the real front ends
  // close it too), or the unread bytes would be taken for the next request.
  res.set_header("Connection", "close");
  res.status = failure.status;
  if (!failure.retry_after.empty()) res.set_header("Retry-After", failure.retry_after);
  res.set_content(failure.body, "application/json; charset=UTF-8");
  return httplib::Server::HandlerResponse::Handled;
}

std::uint64_t big_endian(const std::string& d, std::size_t at, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(d[at + i]);
  return v;
}

bool mp4_info(const std::string& d, double& seconds, bool& moov_first) {
  std::size_t at = 0;
  bool seen_mdat = false, found = false;
  while (at + 8 <= d.size()) {
    std::uint64_t size = big_endian(d, at, 4);
    const std::string type = d.substr(at + 4, 4);
    std::size_t head = 8;
    if (size == 1 && at + 16 <= d.size()) size = big_endian(d, at + 8, 8), head = 16;
    if (size == 0) size = d.size() - at;
    if (size < head || at + size > d.size()) break;
    if (type == "mdat") seen_mdat = true;
    if (type == "moov") {
      const std::size_t mvhd = d.find("mvhd", at);
      if (mvhd == std::string::npos || mvhd + 32 > d.size()) return false;
      const std::size_t p = mvhd + 4;
      const bool v1 = d[p] == 1;
      const std::uint64_t scale = v1 ? big_endian(d, p + 20, 4) : big_endian(d, p + 12, 4);
      const std::uint64_t dur = v1 ? big_endian(d, p + 24, 8) : big_endian(d, p + 16, 4);
      seconds = scale ? static_cast<double>(dur) / static_cast<double>(scale) : 0;
      moov_first = !seen_mdat;
      found = true;
    }
    at += size;
  }
  return found;
}

double mp4_seconds(const std::string& d) {
  double seconds = 0;
  bool moov_first = false;
  return mp4_info(d, seconds, moov_first) ? seconds : 0;
}

}  // namespace saluran::test
