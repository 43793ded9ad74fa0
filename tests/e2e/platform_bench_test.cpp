// The platform publish bench: `saluran publish` of a story of 4 photos and a 1-minute clip to
// the four platform fakes, each behind a pass-through proxy that counts requests and bytes on
// the wire. Disabled in `make test`; bench/publish-platforms runs it and keeps its table.
//
//   SALURAN_BENCH_OUT=out.md saluran_tests --gtest_also_run_disabled_tests
//       --gtest_filter='PlatformBench.*'

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tests/fakes/platform_fakes.hpp"
#include "tests/support/fault_proxy.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {

namespace fs = std::filesystem;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The floor: the same files sent with curl, one request each, to a server that reads them.
double curl_floor(const std::vector<fs::path>& files) {
  httplib::Server sink;
  sink.Post("/sink", [](const httplib::Request&, httplib::Response& res) { res.status = 204; });
  const int port = sink.bind_to_any_port("127.0.0.1");
  std::thread t([&] { sink.listen_after_bind(); });
  while (!sink.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const auto start = std::chrono::steady_clock::now();
  for (const fs::path& f : files)
    EXPECT_EQ(test::run_command(fmt::format("curl -s -o /dev/null --data-binary @{} "
                                            "http://127.0.0.1:{}/sink",
                                            test::shell_quote(f.string()), port))
                  .exit_code,
              0);
  const double s = seconds_since(start);
  sink.stop();
  t.join();
  return s;
}

TEST(PlatformBench, DISABLED_FourPhotosAndAOneMinuteClip) {
  test::TempDir dir("platform-bench");
  const int clip_seconds = std::getenv("SALURAN_BENCH_CLIP_SECONDS")
                               ? std::atoi(std::getenv("SALURAN_BENCH_CLIP_SECONDS"))
                               : 60;
  test::PlatformStory s(dir.path(), clip_seconds);
  std::vector<std::unique_ptr<test::FaultProxy>> proxies;
  test::PlatformStory::Roots roots;
  for (std::size_t i = 0; i < 4; ++i) {
    proxies.push_back(std::make_unique<test::FaultProxy>(s.fakes()[i]->port()));
    roots[i] = proxies.back()->url();
  }
  s.write_channels(roots);
  ASSERT_EQ(test::wait_exit(test::spawn_cli(s.publish_args({"--quiet", "--dry-run"}))), 0);
  std::string cmd = test::shell_quote(test::cli_path());
  for (const std::string& a : s.publish_args({"--json"})) cmd += " " + test::shell_quote(a);
  const auto start = std::chrono::steady_clock::now();
  const test::CommandResult r = test::run_command(cmd + " 2>/dev/null");
  const double wall = seconds_since(start);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const nlohmann::json result = nlohmann::json::parse(r.out.substr(r.out.rfind("\n{") + 1));
  std::string table = fmt::format(
      "publish of 4 photos and a {} s clip to the four fakes (answering at once)\n\n"
      "| platform | requests | bytes on the wire | file bytes sent | wire / files | "
      "channel time |\n|---|---|---|---|---|---|\n",
      clip_seconds);
  for (std::size_t i = 0; i < 4; ++i) {
    const nlohmann::json& c = result["channels"][i];
    std::uint64_t file_bytes = 0;
    for (const nlohmann::json& m : c["media"]) file_bytes += m["bytes"].get<std::uint64_t>();
    const std::uint64_t wire = proxies[i]->bytes_to_server();
    table += fmt::format("| {} | {} | {} | {} | {:.3f} | {:.2f} s |\n",
                         c["channel"].get<std::string>(), proxies[i]->requests(), wire,
                         c["kind"] == "instagram" ? 0 : c["bytes_sent"].get<std::uint64_t>(),
                         file_bytes ? static_cast<double>(wire) / file_bytes : 0.0,
                         c["seconds"].get<double>());
  }
  // The files the platforms are sent (Instagram fetches its own), with curl one by one.
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(s.library().parent_path() / "renditions")) {
    const std::string n = e.path().filename().string();
    for (const char* preset : {".youtube.", ".youtube-thumbnail", ".facebook-video.", ".x-video."})
      if (n.find(preset) != std::string::npos) files.push_back(e.path());
  }
  const double floor = curl_floor(files);
  table += fmt::format(
      "\nwhole `saluran publish` (plan, renditions up to date, send to the four in parallel, "
      "verify): {:.2f} s wall; the floor, curl sending the same {} files one by one: {:.2f} s; "
      "Saluran's own time beyond the upload: at most {:.2f} s\n",
      wall, files.size(), floor, wall - std::min(floor, wall));
  std::cout << table;
  if (const char* out = std::getenv("SALURAN_BENCH_OUT")) std::ofstream(out) << table;
  EXPECT_EQ(s.yt.posts() + s.fb.posts() + s.ig.posts() + s.x.posts(), 4);
}

}  // namespace
}  // namespace saluran
