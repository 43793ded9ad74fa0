#include "connectors/http/client.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <random>

#include "tests/connectors/http/http_test_server.hpp"
#include "tests/support/fault_proxy.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/scoped_env.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran::http {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;
using test::Fault;
using test::FaultPlan;
using test::FaultProxy;
using test::ScopedEnv;

// A clock that only moves when the client sleeps: retries cost no real time.
struct FakeClock {
  std::chrono::system_clock::time_point now = std::chrono::system_clock::from_time_t(1'750'000'000);
  std::vector<milliseconds> sleeps;

  RetryPolicy policy(int max_attempts = 6) {
    RetryPolicy p;
    p.max_attempts = max_attempts;
    p.initial_delay = 500ms;
    p.sleep = [this](milliseconds d) {
      sleeps.push_back(d);
      now += d;
    };
    p.now = [this] { return now; };
    p.random = [] { return 0.5; };
    return p;
  }
};

// Writes `size` pseudo-random bytes and returns their FNV-1a hash.
std::uint64_t write_random_file(const std::string& path, std::uint64_t size, std::uint64_t from = 0,
                                std::uint64_t length = UINT64_MAX) {
  std::ofstream out(path, std::ios::binary);
  std::mt19937_64 gen(42);
  test::Fnv1a hash;
  std::vector<std::uint64_t> block(8192);
  std::uint64_t written = 0;
  while (written < size) {
    for (auto& w : block) w = gen();
    const std::size_t n =
        static_cast<std::size_t>(std::min<std::uint64_t>(size - written, block.size() * 8));
    const char* bytes = reinterpret_cast<const char*>(block.data());
    out.write(bytes, static_cast<std::streamsize>(n));
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint64_t at = written + i;
      if (at >= from && at - from < length) hash.update(bytes + i, 1);
    }
    written += n;
  }
  return hash.h;
}

// Resident memory of this process in bytes.
std::uint64_t rss_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::uint64_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
}

class HttpClient : public ::testing::Test {
 protected:
  ClientOptions options(FakeClock& clock, int attempts = 6) {
    ClientOptions o;
    o.retry = clock.policy(attempts);
    o.timeouts.connect = 2s;
    o.timeouts.low_speed = 2s;
    return o;
  }
  test::HttpTestServer server_;
  FakeClock clock_;
};

TEST_F(HttpClient, GetThroughTheProxySucceeds) {
  FaultProxy proxy(server_.port());
  Client client(options(clock_));
  Result<Response> r = client.send({.url = proxy.url("/hello")});
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "hello");
  EXPECT_EQ(r->headers.get("x-saluran-test"), "yes");
  EXPECT_EQ(r->headers.get("CONTENT-TYPE"), "text/plain");
  EXPECT_EQ(r->attempts, 1);
  EXPECT_EQ(proxy.requests(), 1);
  EXPECT_TRUE(clock_.sleeps.empty());
}

TEST_F(HttpClient, RetriesAfter503ThenSucceeds) {
  FaultProxy proxy(server_.port(), {.fault = Fault::kAnswer503, .times = 2});
  Client client(options(clock_));
  Result<Response> r = client.send({.url = proxy.url("/hello")});
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->body, "hello");
  EXPECT_EQ(r->attempts, 3);
  EXPECT_EQ(proxy.faulted(), 2);
  EXPECT_EQ(proxy.requests(), 3);
  // Full jitter with random() = 0.5: half of 500 ms, then half of 1000 ms.
  ASSERT_EQ(clock_.sleeps.size(), 2u);
  EXPECT_EQ(clock_.sleeps[0], 250ms);
  EXPECT_EQ(clock_.sleeps[1], 500ms);
}

TEST_F(HttpClient, HonoursRetryAfterSecondsAndDates) {
  FaultProxy proxy(server_.port(), {.fault = Fault::kAnswer429, .times = 1, .retry_after = "7"});
  Client client(options(clock_));
  Result<Response> r = client.send({.url = proxy.url("/hello")});
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(clock_.sleeps.size(), 1u);
  EXPECT_EQ(clock_.sleeps[0], 7000ms);

  // 1'750'000'000 is Sun, 15 Jun 2025 15:06:40 GMT; ask for 30 s later.
  clock_.sleeps.clear();
  clock_.now = std::chrono::system_clock::from_time_t(1'750'000'000);
  proxy.set_plan(
      {.fault = Fault::kAnswer429, .times = 1, .retry_after = "Sun, 15 Jun 2025 15:07:10 GMT"});
  r = client.send({.url = proxy.url("/hello")});
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(clock_.sleeps.size(), 1u);
  EXPECT_EQ(clock_.sleeps[0], 30'000ms);

  // A Retry-After beyond the total budget: give up at once with the 429.
  clock_.sleeps.clear();
  proxy.set_plan({.fault = Fault::kAnswer429, .times = 1, .retry_after = "100000"});
  ClientOptions o = options(clock_);
  o.retry.max_retry_after = 600s;
  o.retry.max_total = 60s;
  Client strict(o);
  r = strict.send({.url = proxy.url("/hello")});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().to_string().find("HTTP 429"), std::string::npos) << r.error().to_string();
  EXPECT_TRUE(clock_.sleeps.empty());
}

TEST_F(HttpClient, StalledServerIsCutOffWithinBounds) {
  FaultProxy proxy(server_.port(), {.fault = Fault::kStall});
  ClientOptions o = options(clock_, 2);
  o.timeouts.low_speed = 1s;
  Client client(o);
  const auto start = std::chrono::steady_clock::now();
  Result<Response> r = client.send({.url = proxy.url("/hello")});
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kIo);
  EXPECT_NE(r.error().message.find("stopped answering"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("gave up after 2 tries"), std::string::npos)
      << r.error().message;
  EXPECT_EQ(proxy.requests(), 2);
  // Two tries of about one second each (libcurl checks the speed once a second).
  EXPECT_GE(took, 1500ms);
  EXPECT_LT(took, 8s);
}

TEST_F(HttpClient, TotalTimeoutCutsOffToo) {
  FaultProxy proxy(server_.port(), {.fault = Fault::kStall});
  ClientOptions o = options(clock_, 1);
  o.timeouts.total = 300ms;
  o.timeouts.low_speed = 0s;
  Client client(o);
  const auto start = std::chrono::steady_clock::now();
  Result<Response> r = client.send({.url = proxy.url("/hello")});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kIo);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST_F(HttpClient, ConnectionClosedMidUploadIsRetriedAndCompletes) {
  test::TempDir dir("http");
  const std::string file = dir / "clip.bin";
  const std::uint64_t hash = write_random_file(file, 3u << 20);
  FaultProxy proxy(server_.port(),
                   {.fault = Fault::kCloseAfter, .times = 1, .close_after_bytes = 1u << 20});
  Client client(options(clock_));
  Request req{.method = "POST", .url = proxy.url("/upload"), .body = FileBody{.path = file}};
  req.headers.set("Content-Type", "application/octet-stream");
  Result<Response> r = client.send(req);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->attempts, 2);
  EXPECT_EQ(proxy.faulted(), 1);
  const auto json = nlohmann::json::parse(r->body);
  EXPECT_EQ(json["bytes"], 3u << 20);
  EXPECT_EQ(json["hash"], std::to_string(hash));
  EXPECT_EQ(server_.uploads(), 1);
  EXPECT_EQ(r->bytes_sent, 3u << 20);
}

TEST_F(HttpClient, NoRetryOnClientErrors) {
  FaultProxy proxy(server_.port());
  Client client(options(clock_));
  struct Case {
    long status;
    ErrorCode code;
  };
  for (const Case c : {Case{401, ErrorCode::kPermission}, Case{403, ErrorCode::kPermission},
                       Case{404, ErrorCode::kNotFound}, Case{413, ErrorCode::kExternal},
                       Case{400, ErrorCode::kExternal}}) {
    const int before = proxy.requests();
    const std::string path = "/status/" + std::to_string(c.status);
    Result<Response> r = client.send({.url = proxy.url(path)});
    ASSERT_FALSE(r.ok()) << c.status;
    EXPECT_EQ(r.error().code, c.code) << c.status;
    const std::string line = r.error().to_string();
    EXPECT_NE(line.find(proxy.url(path)), std::string::npos) << line;
    EXPECT_NE(line.find("HTTP " + std::to_string(c.status)), std::string::npos) << line;
    EXPECT_NE(line.find("Status " + std::to_string(c.status) + " explained here"),
              std::string::npos)
        << line;
    EXPECT_EQ(proxy.requests() - before, 1) << c.status;
  }
  EXPECT_TRUE(clock_.sleeps.empty());
  // A status the caller accepts is an answer.
  Result<Response> r = client.send({.url = proxy.url("/status/404"), .accepted_statuses = {404}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 404);
}

TEST_F(HttpClient, GivesUpOn5xxWithinTheAttemptLimit) {
  FaultProxy proxy(server_.port(), {.fault = Fault::kAnswer503});
  Client client(options(clock_, 3));
  Result<Response> r = client.send({.url = proxy.url("/hello")});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(proxy.requests(), 3);
  EXPECT_NE(r.error().message.find("gave up after 3 tries"), std::string::npos)
      << r.error().message;
  // Unless the caller must reconcile first.
  Result<Response> once = client.send({.url = proxy.url("/hello"), .retry = false});
  ASSERT_FALSE(once.ok());
  EXPECT_EQ(proxy.requests(), 4);
}

TEST_F(HttpClient, ConnectionRefusedIsRetriedThenReported) {
  const int port = test::free_port();
  Client client(options(clock_, 3));
  Result<Response> r = client.send({.url = "http://127.0.0.1:" + std::to_string(port) + "/x"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kIo);
  EXPECT_EQ(clock_.sleeps.size(), 2u);
}

TEST_F(HttpClient, StreamsALargeFileWithoutHoldingIt) {
  test::TempDir dir("http");
  const std::string file = dir / "video.bin";
  const std::uint64_t size = 96u << 20;
  const std::uint64_t hash = write_random_file(file, size);
  FaultProxy proxy(server_.port());
  Client client(options(clock_));
  Request req{.method = "PUT",
              .url = proxy.url("/upload"),
              .body = FileBody{.path = file},
              .max_response_bytes = 1u << 20};
  const std::uint64_t rss_before = rss_bytes();
  std::uint64_t rss_peak = rss_before;
  std::uint64_t last_sent = 0;
  Result<Response> r = client.send(req, [&](const Progress& p) {
    rss_peak = std::max(rss_peak, rss_bytes());
    EXPECT_GE(p.sent, last_sent);
    last_sent = p.sent;
    if (p.send_total != 0) {
      EXPECT_EQ(p.send_total, size);
    }
  });
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  const auto json = nlohmann::json::parse(r->body);
  EXPECT_EQ(json["bytes"], size);
  EXPECT_EQ(json["hash"], std::to_string(hash));
  EXPECT_EQ(last_sent, size);
  EXPECT_EQ(proxy.bytes_to_server() > size, true);
  // The client (and the streaming test server) keep far less than the file in memory. Under
  // AddressSanitizer freed buffers stay in its quarantine (up to 256 MB), so the process's RSS
  // says nothing there about what the client holds: the plain build checks it.
#if defined(__SANITIZE_ADDRESS__)
  (void)rss_peak;
#else
  EXPECT_LT(rss_peak - rss_before, 32u << 20) << "peak RSS grew by " << (rss_peak - rss_before);
#endif
}

TEST_F(HttpClient, SendsAByteRangeOfAFile) {
  test::TempDir dir("http");
  const std::string file = dir / "video.bin";
  const std::uint64_t offset = 1'000'003, length = 2'500'000;
  const std::uint64_t hash = write_random_file(file, 5u << 20, offset, length);
  Client client(options(clock_));
  Request req{.method = "POST",
              .url = "http://127.0.0.1:" + std::to_string(server_.port()) + "/upload",
              .body = FileBody{.path = file, .offset = offset, .length = length}};
  Result<Response> r = client.send(req);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  const auto json = nlohmann::json::parse(r->body);
  EXPECT_EQ(json["bytes"], length);
  EXPECT_EQ(json["hash"], std::to_string(hash));
  // A range past the end is refused before anything is sent.
  req.body = FileBody{.path = file, .offset = 5u << 20, .length = 1};
  Result<Response> bad = client.send(req);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  req.body = FileBody{.path = dir / "missing.bin"};
  Result<Response> missing = client.send(req);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(clock_.sleeps.empty());
}

TEST_F(HttpClient, ResponseCapAndDownloadToFile) {
  test::TempDir dir("http");
  Client client(options(clock_));
  const std::string url = "http://127.0.0.1:" + std::to_string(server_.port()) + "/big";
  Result<Response> capped = client.send({.url = url, .max_response_bytes = 1u << 20});
  ASSERT_FALSE(capped.ok());
  EXPECT_EQ(capped.error().code, ErrorCode::kLimitExceeded);
  EXPECT_TRUE(clock_.sleeps.empty());
  const std::string out = dir / "big.bin";
  Result<Response> saved =
      client.send({.url = url, .response_file = out, .max_response_bytes = 1u << 20});
  ASSERT_TRUE(saved.ok()) << saved.error().to_string();
  EXPECT_TRUE(saved->body.empty());
  EXPECT_EQ(std::filesystem::file_size(out), 4u << 20);
  EXPECT_EQ(saved->bytes_received, 4u << 20);
  EXPECT_FALSE(std::filesystem::exists(out + ".part"));
}

TEST_F(HttpClient, LogRedactsSecrets) {
  std::vector<std::string> lines;
  ClientOptions o = options(clock_);
  o.log = [&](std::string_view line) { lines.emplace_back(line); };
  Client client(o);
  Request req{.url = "http://127.0.0.1:" + std::to_string(server_.port()) +
                     "/headers?access_token=TOPSECRET3"};
  req.headers.set("Authorization", basic_auth("admin", "TOPSECRET1"));
  req.headers.set("X-Api-Token", "TOPSECRET2");
  req.headers.set("Cookie", "wordpress_logged_in=TOPSECRET4");
  Result<Response> r = client.send(req);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  // The server did get them.
  EXPECT_NE(r->body.find("TOPSECRET2"), std::string::npos);
  std::string all;
  for (const auto& l : lines) all += l + "\n";
  EXPECT_EQ(all.find("TOPSECRET"), std::string::npos) << all;
  EXPECT_EQ(all.find(basic_auth("admin", "TOPSECRET1").substr(6)), std::string::npos) << all;
  EXPECT_NE(all.find("> Authorization: <redacted>"), std::string::npos) << all;
  EXPECT_NE(all.find("> X-Api-Token: <redacted>"), std::string::npos) << all;
  EXPECT_NE(all.find("> Cookie: <redacted>"), std::string::npos) << all;
  EXPECT_NE(all.find("> GET /headers?access_token=<redacted> HTTP/1.1"), std::string::npos) << all;
  EXPECT_NE(all.find("< HTTP/1.1 200 OK"), std::string::npos) << all;
}

TEST_F(HttpClient, OnlyHttpAndHttps) {
  Client client(options(clock_));
  for (const char* url :
       {"file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://x/", "127.0.0.1/x"}) {
    Result<Response> r = client.send({.url = url});
    ASSERT_FALSE(r.ok()) << url;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << url;
  }
  EXPECT_TRUE(clock_.sleeps.empty());
}

TEST_F(HttpClient, VerifiesTlsCertificates) {
  test::TempDir dir("tls");
  const test::CommandResult made = test::run_command(
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
      "-addext subjectAltName=IP:127.0.0.1 -keyout " +
      test::shell_quote(dir / "key.pem") + " -out " + test::shell_quote(dir / "cert.pem") +
      " 2>&1");
  if (made.exit_code != 0) GTEST_SKIP() << "openssl could not make a certificate: " << made.out;
  httplib::SSLServer tls((dir / "cert.pem").c_str(), (dir / "key.pem").c_str());
  tls.Get("/hello", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("hello over tls", "text/plain");
  });
  const int port = tls.bind_to_any_port("127.0.0.1");
  std::thread serving([&] { tls.listen_after_bind(); });
  while (!tls.is_running()) std::this_thread::yield();
  const std::string url = "https://127.0.0.1:" + std::to_string(port) + "/hello";
  // A certificate no authority signed is refused, and that is not worth a retry.
  Client strict(options(clock_));
  Result<Response> refused = strict.send({.url = url});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("certificate"), std::string::npos)
      << refused.error().to_string();
  EXPECT_TRUE(clock_.sleeps.empty());
  // Trusting that certificate as a CA makes it work: verification is on, not bypassed.
  ClientOptions o = options(clock_);
  o.ca_file = dir / "cert.pem";
  Client trusting(o);
  Result<Response> ok = trusting.send({.url = url});
  tls.stop();
  serving.join();
  ASSERT_TRUE(ok.ok()) << ok.error().to_string();
  EXPECT_EQ(ok->body, "hello over tls");
}

TEST_F(HttpClient, UsesTheProxyFromTheEnvironment) {
  FaultProxy proxy(server_.port());
  ScopedEnv http_proxy("http_proxy", proxy.url());
  ScopedEnv no_proxy("no_proxy", "");
  Client client(options(clock_));
  // The host does not exist: only the proxy can answer.
  Result<Response> r = client.send({.url = "http://saluran-proxy-test.invalid/hello"});
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->body, "hello");
  EXPECT_EQ(proxy.requests(), 1);
  // no_proxy sends a host around it.
  ScopedEnv bypass("no_proxy", "127.0.0.1");
  r = client.send({.url = "http://127.0.0.1:" + std::to_string(server_.port()) + "/hello"});
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(proxy.requests(), 1);
}

}  // namespace
}  // namespace saluran::http
