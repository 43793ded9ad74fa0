#pragma once
// What the platform end-to-end tests share (the crash test and the bench): the sources, a story
// of them, the CLI started in the background, and a public web folder for the renditions
// Instagram fetches. Tests only.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "tests/support/paths.hpp"
#include "tests/support/run_command.hpp"

namespace saluran::test {

namespace fs = std::filesystem;

/// What make_sources makes.
struct Sources {
  int photos = 4;
  std::string photo_size = "1600x1200";
  int clip_seconds = 6;  ///< a 1280x720 clip with sound
};

// Distinct photos and a clip with sound, made by the ffmpeg CLI.
inline void make_sources(const fs::path& dir, const Sources& what = {}) {
  for (int i = 0; i < what.photos; ++i) {
    const std::string cmd = fmt::format(
        "ffmpeg -v error -y -f lavfi -i testsrc2=s={}:d=1 -vf hue=h={} -frames:v 1 -q:v 3 {}",
        what.photo_size, i * 360 / what.photos,
        shell_quote((dir / fmt::format("IMG_{:04}.jpg", i + 1)).string()));
    ASSERT_EQ(run_command(cmd).exit_code, 0) << cmd;
  }
  const std::string clip = fmt::format(
      "ffmpeg -v error -y -f lavfi -i testsrc2=s=1280x720:r=25:d={0} -f lavfi -i sine=f=440:d={0} "
      "-c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -shortest {1}",
      what.clip_seconds, shell_quote((dir / "C0001.MP4").string()));
  ASSERT_EQ(run_command(clip).exit_code, 0);
}

// A story `slug` of the library's media (the first photo the cover, the others the gallery, the
// clip the video) for `channels` (a TOML list's inside, e.g. "\"x\", \"youtube\"").
inline std::string story_text(const std::string& library, const std::string& channels,
                              const std::string& slug = "uji-platform") {
  const CommandResult inv =
      run_command(shell_quote(cli_path()) + " inventory --json --library " + shell_quote(library));
  const nlohmann::json assets = nlohmann::json::parse(inv.out)["assets"];
  std::string media;
  bool cover = false;
  for (const nlohmann::json& a : assets) {
    const std::string kind = a["kind"];
    const std::string role = kind == "video" ? "video" : !cover ? "cover" : "gallery";
    if (kind == "photo") cover = true;
    media += fmt::format("\n[[media]]\npath = \"{}\"\nrole = \"{}\"\nalt = \"Foto {}\"\n",
                         a["library_path"].get<std::string>(), role, a["id"].get<int>());
  }
  return "title = \"Uji tabrakan: panen raya di Sukamaju 🌾\"\n"
         "slug = \"" +
         slug +
         "\"\n"
         "summary = \"Petani Sukamaju memanen padi bersama Bupati.\"\n"
         "body = \"\"\"Paragraf pertama tentang panen.\n\nParagraf kedua.\"\"\"\n"
         "tags = [\"panen\"]\ncategory = \"Berita\"\ndate = \"2025-03-14\"\n"
         "place = \"Desa Sukamaju\"\ncredits = \"Tim Diskominfo\"\n"
         "channels = [" +
         channels + "]\n" + media;
}

// Starts the CLI with `args`, its output thrown away.
inline pid_t spawn_cli(const std::vector<std::string>& args) {
  const pid_t pid = fork();
  if (pid == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    dup2(null, 1);
    dup2(null, 2);
    std::vector<char*> argv;
    const std::string cli = cli_path();
    argv.push_back(const_cast<char*>(cli.c_str()));
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(cli.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

// Waits for `pid`: its exit code, or minus the signal that ended it.
inline int wait_exit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

/// A public web folder for the renditions Instagram fetches (what a CDN would be).
class FileHost {
 public:
  explicit FileHost(const fs::path& dir) {
    fs::create_directories(dir);
    server_.set_mount_point("/render", dir.string());
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~FileHost() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return fmt::format("http://127.0.0.1:{}/render/", port_); }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace saluran::test
