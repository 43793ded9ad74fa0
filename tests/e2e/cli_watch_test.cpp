// `saluran watch` as a process: SIGTERM stops it cleanly with exit 0 (what the systemd unit
// expects), a second watcher on the same library exits 3 naming the first's pid, a missing
// folder exits 3, and --help says the exit codes.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/paths.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Starts `saluran watch ARGS...` with stdout and stderr into `log`.
pid_t spawn_watch(const std::vector<std::string>& args, const std::string& log) {
  const pid_t pid = fork();
  if (pid == 0) {
    const std::string cli = test::cli_path();
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    std::vector<char*> argv{const_cast<char*>(cli.c_str()), const_cast<char*>("watch")};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(cli.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

bool wait_for_text(const std::string& log, const std::string& text) {
  const auto until = std::chrono::steady_clock::now() + 10s;
  while (read_all(log).find(text) == std::string::npos) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

TEST(CliWatch, SigtermStopsCleanlyWithExitZeroAndASecondWatcherExitsThree) {
  test::TempDir dir("cli-watch");
  fs::create_directories(dir.path() / "inbox");
  const std::string library = dir / "library";
  const std::string log = dir / "watch.log";
  const pid_t pid = spawn_watch({dir / "inbox", "--library", library, "--settle", "0.5"}, log);
  ASSERT_TRUE(wait_for_text(log, "watching ")) << read_all(log);

  const test::CommandResult second = test::run_command(
      test::shell_quote(test::cli_path()) + " watch " + test::shell_quote(dir / "inbox") +
      " --once --library " + test::shell_quote(library) + " 2>&1");
  EXPECT_EQ(second.exit_code, 3) << second.out;
  EXPECT_NE(second.out.find("another saluran watch is running on this library (pid " +
                            std::to_string(pid) + ")"),
            std::string::npos)
      << second.out;

  ::kill(pid, SIGTERM);
  EXPECT_EQ(wait_exit(pid), 0) << read_all(log);
  EXPECT_NE(read_all(log).find("stopped watching " + (dir / "inbox") + ": stopped (SIGTERM)"),
            std::string::npos)
      << read_all(log);
}

TEST(CliWatch, JsonEventsAndAMissingFolderExitsThree) {
  test::TempDir dir("cli-watch-json");
  const std::string cli = test::shell_quote(test::cli_path());
  const test::CommandResult missing =
      test::run_command(cli + " watch " + test::shell_quote(dir / "nope") + " --once --library " +
                        test::shell_quote(dir / "library") + " 2>&1");
  EXPECT_EQ(missing.exit_code, 3) << missing.out;
  EXPECT_NE(missing.out.find("no such folder to watch"), std::string::npos) << missing.out;

  fs::create_directories(dir.path() / "inbox" / "Kosong");  // empty: never taken
  const test::CommandResult once = test::run_command(
      cli + " watch " + test::shell_quote(dir / "inbox") + " --once --settle 0.2 --json" +
      " --library " + test::shell_quote(dir / "library"));
  EXPECT_EQ(once.exit_code, 0) << once.out;
  EXPECT_NE(once.out.find(R"({"event":"watching")"), std::string::npos) << once.out;
  EXPECT_NE(once.out.find(R"("event":"not-ready","folder":"Kosong")"), std::string::npos)
      << once.out;
  EXPECT_NE(once.out.find(R"({"event":"stopped")"), std::string::npos) << once.out;

  const test::CommandResult help = test::run_command(cli + " watch --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("143 (SIGTERM)"), std::string::npos) << help.out;
}

}  // namespace
}  // namespace saluran
