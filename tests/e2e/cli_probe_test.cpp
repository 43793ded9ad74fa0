// The `saluran probe` command as a user and a script see it: exit codes, JSON, error lines.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/paths.hpp"
#include "tests/support/run_command.hpp"

namespace saluran {
namespace {

using test::cli_path;
using test::run_command;
using test::shell_quote;

TEST(CliProbe, HelpExplainsAndExitsZero) {
  const auto r = run_command(cli_path() + " probe --help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("Exit code"), std::string::npos);
  EXPECT_NE(r.out.find("--json"), std::string::npos);
}

TEST(CliProbe, UsageErrorExitsTwo) {
  EXPECT_EQ(run_command(cli_path() + " probe 2>/dev/null").exit_code, 2);
  EXPECT_EQ(run_command(cli_path() + " nosuchcommand 2>/dev/null").exit_code, 2);
  EXPECT_EQ(run_command(cli_path() + " 2>/dev/null").exit_code, 2);
}

TEST(CliProbe, MissingFileIsOneClearLine) {
  const auto r = run_command(cli_path() + " probe /nonexistent/DSC_0001.JPG 2>&1");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("error: /nonexistent/DSC_0001.JPG: no such file or folder"),
            std::string::npos)
      << r.out;
}

TEST(CliProbe, CorpusAsJson) {
  SKIP_WITHOUT_CORPUS();
  const auto r =
      run_command(cli_path() + " probe --json " + shell_quote(test::corpus_dir()) + " 2>/dev/null");
  // The corpus holds broken files on purpose: some failed, the rest were read.
  EXPECT_EQ(r.exit_code, 1);
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["saluran_probe"], 1);
  EXPECT_EQ(j["counts"]["failed"], j["errors"].size());
  EXPECT_EQ(j["counts"]["read"], j["files"].size());
  EXPECT_GE(j["files"].size(), 55u);
  std::set<std::string> failed;
  for (const auto& e : j["errors"]) {
    const std::string file = e["file"];
    failed.insert(file.substr(file.rfind('/') + 1));
    EXPECT_FALSE(e["message"].get<std::string>().empty());
    EXPECT_EQ(e["stage"], "probe");
  }
  EXPECT_EQ(failed, (std::set<std::string>{"bomb-17000x17000.avif", "broken_empty.SRT",
                                           "invalid_userdata.mp4", "truncated.jpg"}));
  bool saw_rotated_video = false;
  for (const auto& f : j["files"]) {
    const std::string path = f["path"];
    if (path.ends_with("phone/video_rotation_90.mp4")) {
      saw_rotated_video = true;
      EXPECT_EQ(f["kind"], "video");
      EXPECT_EQ(f["picture"]["rotation"], 90);
      EXPECT_EQ(f["picture"]["upright_width"], 60);
      EXPECT_EQ(f["picture"]["upright_height"], 100);
    }
    if (path.ends_with("camera/DSCN0010.jpg")) {
      EXPECT_NEAR(f["gps"]["latitude"].get<double>(), 43.4674, 1e-4);
      EXPECT_EQ(f["device"]["class"], "camera");
    }
    EXPECT_TRUE(f.contains("kind") && f.contains("container") && f.contains("device"));
  }
  EXPECT_TRUE(saw_rotated_video);
  // Non-media files in the corpus folders (README.md, faces.xml) are skipped, not failed.
  bool skipped_readme = false;
  for (const auto& s : j["skipped"]) {
    if (s["path"].get<std::string>().ends_with("README.md")) skipped_readme = true;
  }
  EXPECT_TRUE(skipped_readme);
}

TEST(CliProbe, TableNamesEveryFailedFile) {
  SKIP_WITHOUT_CORPUS();
  const auto r = run_command(cli_path() + " probe " + shell_quote(test::corpus("broken")) +
                             " 2>&1 >/dev/null");
  EXPECT_EQ(r.exit_code, 1);
  for (const char* name :
       {"bomb-17000x17000.avif", "broken_empty.SRT", "invalid_userdata.mp4", "truncated.jpg"}) {
    EXPECT_NE(r.out.find(std::string("/") + name + ": "), std::string::npos) << name << r.out;
  }
}

}  // namespace
}  // namespace saluran
