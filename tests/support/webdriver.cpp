// Headless Chromium through chromedriver for the browser tests (see webdriver.hpp).

#include "tests/support/webdriver.hpp"

#include <fcntl.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace saluran::test {

namespace {

namespace fs = std::filesystem;

constexpr const char* kChromium = "/usr/bin/chromium";
constexpr const char* kDriver = "/usr/bin/chromedriver";

// A port the kernel says is free on 127.0.0.1 now.
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

}  // namespace

std::string Browser::missing() {
  if (::access(kChromium, X_OK) != 0)
    return std::string("chromium is not installed (") + kChromium +
           "; scripts/install-deps installs it)";
  if (::access(kDriver, X_OK) != 0)
    return std::string("chromedriver is not installed (") + kDriver +
           "; scripts/install-deps installs chromium-driver)";
  return "";
}

Browser::Browser() {
  problem_ = missing();
  if (!problem_.empty()) return;
  if (start_driver() && start_session()) return;
  if (problem_.empty()) problem_ = "the browser did not start";
  stop();
}

Browser::~Browser() { stop(); }

bool Browser::start_driver() {
  port_ = free_port();
  const std::string log = (dir_.path() / "chromedriver.log").string();
  driver_ = ::fork();
  if (driver_ == 0) {
    ::setpgid(0, 0);  // its own group: stop() ends the driver and the browser it started
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    const std::string port = "--port=" + std::to_string(port_);
    ::execl(kDriver, kDriver, port.c_str(), "--allowed-ips=127.0.0.1", nullptr);
    ::_exit(127);
  }
  if (driver_ < 0) return false;
  ::setpgid(driver_, driver_);
  http_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
  http_->set_read_timeout(120, 0);
  for (int i = 0; i < 100; ++i) {
    if (auto r = http_->Get("/status"); r && r->status == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  problem_ = "chromedriver did not answer on 127.0.0.1:" + std::to_string(port_);
  return false;
}

bool Browser::start_session() {
  const nlohmann::json args = {
      "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
      "--no-first-run", "--disable-sync", "--disable-extensions", "--disable-default-apps",
      "--disable-background-networking", "--disable-component-update",
      // Nothing but file:// and 127.0.0.1: every host name resolves to nothing.
      "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1", "--no-proxy-server",
      "--user-data-dir=" + (dir_.path() / "profile").string(), "--window-size=1280,900"};
  const nlohmann::json caps = {
      {"capabilities",
       {{"alwaysMatch",
         {{"goog:loggingPrefs", {{"browser", "ALL"}}},
          {"goog:chromeOptions", {{"binary", kChromium}, {"args", args}}}}}}}};
  auto r = call("POST", "/session", caps);
  if (!r || !r->contains("sessionId")) {
    problem_ = "chromedriver could not start chromium: " + (r ? r->dump() : std::string("?"));
    return false;
  }
  session_ = (*r)["sessionId"];
  return true;
}

std::optional<nlohmann::json> Browser::call(const std::string& method, const std::string& path,
                                            const nlohmann::json& body) {
  if (!http_) return std::nullopt;
  httplib::Result r = method == "GET"      ? http_->Get(path)
                      : method == "DELETE" ? http_->Delete(path)
                                           : http_->Post(path, body.dump(), "application/json");
  if (!r) return std::nullopt;
  nlohmann::json j = nlohmann::json::parse(r->body, nullptr, false);
  if (j.is_discarded() || !j.contains("value")) return std::nullopt;
  if (r->status != 200) return std::nullopt;
  return j["value"];
}

bool Browser::set_screen(int width, int height, bool mobile) {
  return call("POST", "/session/" + session_ + "/goog/cdp/execute",
              {{"cmd", "Emulation.setDeviceMetricsOverride"},
               {"params",
                {{"width", width},
                 {"height", height},
                 {"deviceScaleFactor", 1},
                 {"mobile", mobile}}}})
      .has_value();
}

bool Browser::open(const std::string& url) {
  return call("POST", "/session/" + session_ + "/url", {{"url", url}}).has_value();
}

std::optional<nlohmann::json> Browser::run(const std::string& script) {
  return call("POST", "/session/" + session_ + "/execute/sync",
              {{"script", script}, {"args", nlohmann::json::array()}});
}

nlohmann::json Browser::console() {
  auto r = call("POST", "/session/" + session_ + "/se/log", {{"type", "browser"}});
  return r ? *r : nlohmann::json::array();
}

std::vector<std::uint8_t> Browser::screenshot() {
  auto r = call("GET", "/session/" + session_ + "/screenshot", {});
  if (!r || !r->is_string()) return {};
  return base64_decode(r->get<std::string>());
}

std::vector<pid_t> Browser::profile_processes() const {
  std::vector<pid_t> pids;
  const std::string profile = (dir_.path() / "profile").string();
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator("/proc", ec)) {
    const std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(e.path() / "cmdline", std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    if (s.str().find(profile) != std::string::npos) pids.push_back(std::stoi(name));
  }
  return pids;
}

void Browser::stop() {
  if (!session_.empty()) call("DELETE", "/session/" + session_, {});
  session_.clear();
  http_.reset();
  if (driver_ > 0) {
    ::kill(-driver_, SIGTERM);  // the group this object started: the driver and its browser
    for (int i = 0; i < 50 && ::waitpid(driver_, nullptr, WNOHANG) == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ::kill(-driver_, SIGKILL);
    ::waitpid(driver_, nullptr, 0);
    driver_ = -1;
  }
  // A browser process that left the group (Chromium's zygote) is found by its profile.
  for (int i = 0; i < 50 && !profile_processes().empty(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  for (pid_t pid : profile_processes()) ::kill(pid, SIGKILL);
}

std::vector<std::uint8_t> base64_decode(const std::string& text) {
  std::vector<std::uint8_t> out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v = -1;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    if (c >= '0' && c <= '9') v = c - '0' + 52;
    if (c == '+') v = 62;
    if (c == '/') v = 63;
    if (v < 0) continue;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>((acc >> bits) & 0xff));
    }
  }
  return out;
}

}  // namespace saluran::test
