#pragma once
// Starts one of the real servers of tests/servers (wordpress, icecast) for a test suite and
// stops it by its recorded PID when the suite ends.

#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <string>

#include "tests/support/paths.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran::test {

/// A server started by `tests/servers/NAME start STATE_DIR` in a temporary state folder.
class RealServer {
 public:
  explicit RealServer(const std::string& name) : name_(name), state_("saluran-" + name) {
    script_ = source_dir() + "/tests/servers/" + name;
    const auto start = std::chrono::steady_clock::now();
    // The script's watchdog stops the server should this process die without tearing down.
    const CommandResult r =
        run_command("SALURAN_SERVERS_OWNER_PID=" + std::to_string(::getpid()) + " bash " +
                    shell_quote(script_) + " start " + shell_quote(state_.path().string()) + " 2>" +
                    shell_quote(state_ / "start.err"));
    start_seconds_ =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    started_ = r.exit_code == 0;
    if (r.exit_code == 77) {
      problem_ = name + " is not installed here (scripts/install-deps installs it): " +
                 read(state_ / "start.err");
      return;
    }
    if (!started_) {
      problem_ = name + " did not start (exit " + std::to_string(r.exit_code) +
                 "): " + read(state_ / "start.err");
      return;
    }
    url_ = r.out.substr(0, r.out.find('\n'));
    std::ifstream creds(state_ / "credentials");
    for (std::string line; std::getline(creds, line);) {
      if (const auto eq = line.find('='); eq != std::string::npos) {
        credentials_[line.substr(0, eq)] = line.substr(eq + 1);
      }
    }
  }
  ~RealServer() {
    if (started_) {
      run_command("bash " + shell_quote(script_) + " stop " + shell_quote(state_.path().string()) +
                  " 2>&1");
    }
  }
  RealServer(const RealServer&) = delete;
  RealServer& operator=(const RealServer&) = delete;

  /// True when the server answers.
  bool running() const { return started_; }
  /// Why it does not run (for GTEST_SKIP or a failure).
  const std::string& problem() const { return problem_; }
  /// True when the packages are missing (skip rather than fail).
  bool not_installed() const {
    return !started_ && problem_.find("not installed") != std::string::npos;
  }
  /// The base URL, e.g. http://127.0.0.1:PORT.
  const std::string& url() const { return url_; }
  /// A value of STATE_DIR/credentials (user, app_password, source_password, ...).
  std::string credential(const std::string& key) const {
    const auto it = credentials_.find(key);
    return it == credentials_.end() ? std::string() : it->second;
  }
  /// The state folder (logs, PIDs, credentials).
  const std::filesystem::path& state() const { return state_.path(); }
  /// Seconds the start script took.
  double start_seconds() const { return start_seconds_; }

 private:
  static std::string read(const std::string& path) {
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    while (!text.empty() && text.back() == '\n') text.pop_back();
    return text;
  }

  std::string name_;
  TempDir state_;
  std::string script_;
  bool started_ = false;
  std::string problem_;
  std::string url_;
  std::map<std::string, std::string> credentials_;
  double start_seconds_ = 0;
};

}  // namespace saluran::test
