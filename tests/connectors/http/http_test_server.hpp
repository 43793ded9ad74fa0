#pragma once
// An in-process HTTP server on 127.0.0.1 for the client tests (cpp-httplib), with routes that
// echo, hash uploads as they stream in, and answer any status asked for.

#include <httplib.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace saluran::test {

/// FNV-1a 64 over a stream of bytes: enough to tell that every byte arrived in order.
struct Fnv1a {
  std::uint64_t h = 1469598103934665603ull;
  void update(const char* data, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      h ^= static_cast<unsigned char>(data[i]);
      h *= 1099511628211ull;
    }
  }
};

/// Routes: GET /hello, POST|PUT /upload (streamed, answers {"bytes":N,"hash":"H"}),
/// GET /status/N (answers status N), GET /big (4 MiB), GET /headers (echoes request headers).
class HttpTestServer {
 public:
  HttpTestServer() {
    server_.Get(R"((?:http://[^/]+)?/hello)", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("hello", "text/plain");
      res.set_header("X-Saluran-Test", "yes");
    });
    auto upload = [this](const httplib::Request&, httplib::Response& res,
                         const httplib::ContentReader& reader) {
      Fnv1a hash;
      std::uint64_t bytes = 0;
      const bool whole = reader([&](const char* data, std::size_t n) {
        hash.update(data, n);
        bytes += n;
        return true;
      });
      if (whole) uploads_++;
      res.set_content(
          "{\"bytes\":" + std::to_string(bytes) + ",\"hash\":\"" + std::to_string(hash.h) + "\"}",
          "application/json");
    };
    server_.Post("/upload", upload);
    server_.Put("/upload", upload);
    server_.Get(R"(/status/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
      res.status = std::stoi(req.matches[1]);
      res.set_content("<html><body><h1>Status " + std::string(req.matches[1]) +
                          "</h1><p>explained here</p></body></html>",
                      "text/html");
    });
    server_.Get("/big", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(4u << 20, 'x'), "application/octet-stream");
    });
    server_.Get("/headers", [](const httplib::Request& req, httplib::Response& res) {
      std::string out;
      for (const auto& [k, v] : req.headers) out += k + ": " + v + "\n";
      res.set_content(out, "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::yield();
  }
  ~HttpTestServer() {
    server_.stop();
    thread_.join();
  }
  HttpTestServer(const HttpTestServer&) = delete;
  HttpTestServer& operator=(const HttpTestServer&) = delete;

  int port() const { return port_; }
  /// Uploads that reached the end of their body.
  int uploads() const { return uploads_; }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::atomic<int> uploads_{0};
};

}  // namespace saluran::test
