// The `saluran ingest` command as a new user meets it, on the real corpus: what it says when
// the library or the sources are wrong, its progress, and what `inventory` then shows of the
// camera, drone and broken files.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/paths.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {

namespace fs = std::filesystem;
using test::cli_path;
using test::corpus;
using test::run_command;
using test::shell_quote;

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

int count_of(const std::string& haystack, const std::string& needle) {
  int n = 0;
  for (std::size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + 1))
    ++n;
  return n;
}

class CliIngest : public ::testing::Test {
 protected:
  std::string library() const { return dir_ / "library"; }

  /// `saluran ingest SOURCES --library LIB ARGS`, stderr with stdout.
  test::CommandResult ingest(const std::string& sources, const std::string& args = "") {
    return run_command(cli_path() + " ingest " + sources + " --library " + shell_quote(library()) +
                       " " + args + " 2>&1");
  }

  /// `saluran inventory --library LIB ARGS`, stderr with stdout.
  test::CommandResult inventory(const std::string& args) {
    return run_command(cli_path() + " inventory --library " + shell_quote(library()) + " " + args +
                       " 2>&1");
  }

  test::TempDir dir_{"cli-ingest"};
};

TEST_F(CliIngest, LibraryThatIsAFileSaysItMustBeAFolder) {
  SKIP_WITHOUT_CORPUS();
  const std::string file = dir_ / "library";
  { std::ofstream(file) << "not a folder"; }
  const auto r = ingest(shell_quote(corpus("camera")));
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "the library must be a folder")) << r.out;
  EXPECT_TRUE(contains(r.out, "give --library a folder")) << r.out;
  EXPECT_FALSE(contains(r.out, "run the same command again")) << r.out;
  EXPECT_TRUE(fs::is_regular_file(file));
}

TEST_F(CliIngest, NoSourceExistsCreatesNothingAndRecordsNoRun) {
  const auto r = ingest("/nonexistent/DCIM /nonexistent/DJI");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "error: /nonexistent/DCIM: no such file or folder")) << r.out;
  EXPECT_TRUE(contains(r.out, "error: /nonexistent/DJI: no such file or folder")) << r.out;
  EXPECT_TRUE(contains(r.out, "no library was made")) << r.out;
  EXPECT_FALSE(contains(r.out, "run the same command again")) << r.out;
  EXPECT_FALSE(fs::exists(library())) << "a library was created";
}

TEST_F(CliIngest, AMissingSourceBesideARealOneIsRejectedAndTheRestTaken) {
  SKIP_WITHOUT_CORPUS();
  const auto r = ingest(shell_quote(corpus("camera/DSCN0010.jpg")) + " /nonexistent/DCIM");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_TRUE(contains(r.out, "1 copied")) << r.out;
  EXPECT_EQ(count_of(r.out, "error: /nonexistent/DCIM: no such file or folder"), 1) << r.out;
}

TEST_F(CliIngest, JsonRateIsBytesReadOverTime) {
  SKIP_WITHOUT_CORPUS();
  const auto r = ingest(shell_quote(corpus("people")), "--json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  std::istringstream lines(r.out);
  std::string line;
  nlohmann::json finish;
  std::uint64_t largest_rate = 0;
  while (std::getline(lines, line)) {
    const nlohmann::json j = nlohmann::json::parse(line);
    if (j["event"] == "finish") finish = j;
    if (j["event"] == "file")
      largest_rate = std::max<std::uint64_t>(largest_rate, j["rate_bytes_per_s"]);
  }
  ASSERT_FALSE(finish.is_null()) << r.out;
  EXPECT_GT(finish["bytes_read"].get<std::uint64_t>(), 1'000'000u) << finish;
  EXPECT_GT(finish["rate_bytes_per_s"].get<std::uint64_t>(), 0u) << finish;
  EXPECT_GT(largest_rate, 0u);
  // Nothing is read again on a second run: no rate to speak of.
  const auto again = ingest(shell_quote(corpus("people")), "--json");
  ASSERT_EQ(again.exit_code, 0) << again.out;
  EXPECT_TRUE(contains(again.out, "\"bytes_read\":0,")) << again.out;
}

TEST_F(CliIngest, TerminalShowsRateAndEtaAndEachRejectionOnce) {
  SKIP_WITHOUT_CORPUS();
  if (system("command -v script >/dev/null 2>&1") != 0) GTEST_SKIP() << "no script(1) for a tty";
  // script(1) gives the command a terminal, as an operator's would be.
  const std::string cmd = cli_path() + " ingest " + shell_quote(corpus("broken")) + " " +
                          shell_quote(corpus("people")) + " --library " + shell_quote(library());
  const auto r = run_command("script -qec " + shell_quote(cmd) + " /dev/null");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_EQ(count_of(r.out, "truncated.jpg"), 1) << r.out;
  // Sources are named by their absolute path, normalised.
  const std::string truncated = fs::weakly_canonical(corpus("broken/truncated.jpg")).string();
  EXPECT_TRUE(contains(r.out, "error: " + truncated + ": the file ends")) << r.out;
  EXPECT_TRUE(contains(r.out, "/s  ETA ")) << r.out;
  EXPECT_FALSE(contains(r.out, " 0 B/s  ETA 0:00")) << r.out;
}

TEST_F(CliIngest, InventoryOfCameraFilesNamesEachMakeOnce) {
  SKIP_WITHOUT_CORPUS();
  ASSERT_EQ(ingest(shell_quote(corpus("camera"))).exit_code, 0);
  const auto r = inventory("");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "  Canon PowerShot S40 (camera)")) << r.out;
  EXPECT_TRUE(contains(r.out, "  NIKON D70 (camera)")) << r.out;
  EXPECT_TRUE(contains(r.out, "  NIKON COOLPIX P6000 (camera)")) << r.out;  // make + model
  EXPECT_FALSE(contains(r.out, "Canon Canon")) << r.out;
  EXPECT_TRUE(contains(r.out, "MB")) << r.out;
}

TEST_F(CliIngest, InventoryOfDjiTelemetry) {
  SKIP_WITHOUT_CORPUS();
  ASSERT_EQ(ingest(shell_quote(corpus("drone"))).exit_code, 0);
  // --kind telemetry is accepted: the summary counts telemetry too.
  auto r = inventory("--kind telemetry --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const std::size_t srt_files = nlohmann::json::parse(r.out)["assets"].size();
  EXPECT_EQ(srt_files, 6u) << r.out;
  // The example of --help finds the DJI files (their telemetry names no model).
  const auto help = run_command(cli_path() + " inventory --help");
  ASSERT_TRUE(contains(help.out, "e.g. 'dji'")) << help.out;
  r = inventory("--device dji --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(nlohmann::json::parse(r.out)["assets"].size(), srt_files);
  // Telemetry under a second reads in ms, not "0.0s".
  r = inventory("--kind telemetry");
  EXPECT_FALSE(contains(r.out, "0.0s")) << r.out;
  EXPECT_TRUE(contains(r.out, "ms ")) << r.out;
  // Files without a capture day are undated, not one more day.
  r = inventory("--summary");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_FALSE(contains(r.out, "\nunknown ")) << r.out;
  EXPECT_TRUE(contains(r.out, "\nundated ")) << r.out;
  EXPECT_TRUE(contains(r.out, "over 3 days, and 2 undated files")) << r.out;
}

TEST_F(CliIngest, RejectedFileIsListedOnceWithItsRuns) {
  SKIP_WITHOUT_CORPUS();
  EXPECT_EQ(ingest(shell_quote(corpus("broken"))).exit_code, 1);
  EXPECT_EQ(ingest(shell_quote(corpus("broken"))).exit_code, 1);
  auto r = inventory("--rejected");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(count_of(r.out, "truncated.jpg"), 1) << r.out;
  EXPECT_TRUE(contains(r.out, "TIMES")) << r.out;
  r = inventory("--rejected --json");
  const nlohmann::json j = nlohmann::json::parse(r.out);
  ASSERT_FALSE(j["rejected"].empty());
  for (const auto& rej : j["rejected"]) {
    EXPECT_EQ(rej["runs"], 2) << rej;
    EXPECT_EQ(rej["run"], 2) << rej;  // the latest
  }
  // One run's rejections are that run's.
  r = inventory("--rejected --run 1 --json");
  EXPECT_EQ(nlohmann::json::parse(r.out)["rejected"].size(), j["rejected"].size());
}

}  // namespace
}  // namespace saluran
