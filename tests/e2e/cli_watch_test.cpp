// `saluran watch` as a process: SIGTERM stops it cleanly with exit 0 (what the systemd unit
// expects), a second watcher on the same library exits 3 naming the first's pid, a missing
// folder exits 3, and --help says the exit codes.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "codecs/file_copy.hpp"
#include "pipeline/stages/watch_state.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/platform_story.hpp"
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

// With the real batch: a card dropped into the inbox is ingested, made and published once; the
// same card dropped again under another name runs the batch again, which posts nothing twice.
TEST(CliWatchBatch, TheSameCardDroppedTwiceIsPublishedOnce) {
  test::TempDir dir("cli-watch-batch");
  const fs::path card = dir.path() / "card";
  fs::create_directories(card);
  fs::create_directories(dir.path() / "inbox");
  fs::create_directories(dir.path() / "playout");
  test::make_sources(card, {.photos = 1, .photo_size = "640x480", .clip_seconds = 2});
  const std::string photo = hash_file((card / "IMG_0001.jpg").string()).value();
  const std::string clip = hash_file((card / "C0001.MP4").string()).value();
  std::ofstream(card / "story.toml")
      << "title = \"Panen raya\"\nslug = \"panen-raya\"\nsummary = \"Petani.\"\n"
      << "body = \"Paragraf.\"\ndate = \"2025-03-14\"\nchannels = [\"site\", \"radio\"]\n"
      << "\n[[media]]\nasset = \"" << photo << "\"\nrole = \"cover\"\nalt = \"Foto\"\n"
      << "\n[[media]]\nasset = \"" << clip << "\"\nrole = \"radio\"\n";
  std::ofstream(dir / "channels.toml")
      << "[channels.site]\nkind = \"folder\"\npath = \"site\"\n\n"
         "[channels.radio]\nkind = \"playout\"\npath = \"playout\"\n";
  const std::string watch =
      fmt::format("{} watch {} --once --settle 0.3 --publish --library {} --channels-file {} 2>&1",
                  test::shell_quote(test::cli_path()), test::shell_quote(dir / "inbox"),
                  test::shell_quote(dir / "library"), test::shell_quote(dir / "channels.toml"));
  fs::copy(card, dir.path() / "inbox" / "Acara", fs::copy_options::recursive);
  const test::CommandResult first = test::run_command(watch);
  EXPECT_LE(first.exit_code, 1) << first.out;
  EXPECT_TRUE(fs::exists(dir.path() / "site" / "stories" / "panen-raya.html")) << first.out;
  auto state = load_watch_state(watch_state_file(dir / "library", dir.path() / "inbox"));
  ASSERT_TRUE(state);
  ASSERT_TRUE(state->folders.contains("Acara")) << first.out;
  EXPECT_NE(state->folders.at("Acara").status, "running");

  fs::copy(card, dir.path() / "inbox" / "Acara-lagi", fs::copy_options::recursive);
  const test::CommandResult second = test::run_command(watch);
  EXPECT_LE(second.exit_code, 1) << second.out;
  // Done before: skipped; some items failed before: tried again, which posts nothing new.
  if (state->folders.at("Acara").status == "done") {
    EXPECT_NE(second.out.find("Acara: done before with the same"), std::string::npos) << second.out;
  }
  EXPECT_NE(second.out.find("Acara-lagi: new folder"), std::string::npos) << second.out;
  std::size_t clips = 0;
  for (const auto& e : fs::directory_iterator(dir.path() / "playout")) clips += e.is_regular_file();
  EXPECT_EQ(clips, 1u) << second.out;  // posted once
}

}  // namespace
}  // namespace saluran
