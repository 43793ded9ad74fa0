#pragma once
// Headless Chromium driven through Debian's chromedriver (W3C WebDriver over HTTP on
// 127.0.0.1), for the browser tests: open a file:// page at a given screen size, run a script,
// read the console, take a screenshot. The browser gets a temporary profile, reaches no network
// (host names resolve to nothing), and is stopped with its driver when the object goes.

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/temp_dir.hpp"

namespace httplib {
class Client;
}

namespace saluran::test {

/// One Chromium session; check problem() after construction (empty when it runs).
class Browser {
 public:
  Browser();
  ~Browser();
  Browser(const Browser&) = delete;
  Browser& operator=(const Browser&) = delete;

  /// The reason chromium or chromedriver are not installed (then the test skips), else empty.
  static std::string missing();

  /// Why the browser did not start; empty when it runs.
  const std::string& problem() const { return problem_; }

  /// The screen is `width` x `height` CSS pixels at scale 1 (a phone when `mobile`).
  bool set_screen(int width, int height, bool mobile);
  /// Opens `url` and waits until the page has loaded.
  bool open(const std::string& url);
  /// Runs `script` (a function body; `return` gives the value) and gives its value.
  std::optional<nlohmann::json> run(const std::string& script);
  /// The browser console's messages since the last call: [{level, message, source}].
  nlohmann::json console();
  /// A PNG of the screen.
  std::vector<std::uint8_t> screenshot();
  /// The process ids of Chromium still alive for this session's profile (none after stop()).
  std::vector<pid_t> profile_processes() const;
  /// Ends the session and stops the driver and the browser.
  void stop();

 private:
  std::optional<nlohmann::json> call(const std::string& method, const std::string& path,
                                     const nlohmann::json& body);
  bool start_driver();
  bool start_session();

  TempDir dir_{"saluran-browser"};
  int port_ = 0;
  pid_t driver_ = -1;
  std::string session_;
  std::string problem_;
  std::unique_ptr<httplib::Client> http_;
};

/// Decodes standard base64 (for screenshots).
std::vector<std::uint8_t> base64_decode(const std::string& text);

}  // namespace saluran::test
