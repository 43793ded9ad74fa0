// `saluran report` as the office runs it, on batch records written by hand: no run yet, --list,
// the newest run, a story, --json, --lang, -o, an unknown name, exit codes.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "pipeline/stages/batch_record.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/report_record.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {
namespace fs = std::filesystem;

std::string cli(const std::string& args) {
  return "TZ=Asia/Jakarta " + test::shell_quote(test::cli_path()) + " " + args + " 2>&1";
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(CliReport, ListsWritesAndExplainsWhatIsWrong) {
  SKIP_WITHOUT_SAMPLES();
  test::TempDir dir("cli-report");
  const std::string lib = test::shell_quote(dir / "lib");
  auto none = test::run_command(cli("report --library " + lib));
  EXPECT_EQ(none.exit_code, 3) << none.out;
  EXPECT_TRUE(has(none.out, "saluran batch")) << none.out;

  ASSERT_TRUE(
      write_batch_record(dir / "lib", test::report_batch("20261206-0900", "2026-12-06T02:00:00Z",
                                                         {test::report_folder("pasar", "Pasar")}))
          .ok());
  ASSERT_TRUE(write_batch_record(dir / "lib",
                                 test::report_batch("20261207-1015", "2026-12-07T03:15:00Z",
                                                    {test::report_folder("jembatan", "Jembatan"),
                                                     test::report_folder("sawah", "Sawah")}))
                  .ok());
  auto list = test::run_command("LANGUAGE=id " + cli("report --list --library " + lib));
  ASSERT_EQ(list.exit_code, 0) << list.out;
  EXPECT_LT(list.out.find("20261207-1015"), list.out.find("20261206-0900")) << list.out;
  EXPECT_TRUE(has(list.out, "7 Desember 2026 10.15")) << list.out;
  EXPECT_TRUE(has(list.out, "2 folders")) << list.out;

  // The newest run, in the environment's language, to the default place.
  auto newest = test::run_command("LANGUAGE=id " + cli("report --library " + lib));
  ASSERT_EQ(newest.exit_code, 0) << newest.out;
  const fs::path html = fs::path(dir / "lib") / ".saluran" / "reports" / "20261207-1015.html";
  EXPECT_TRUE(has(newest.out, html.string())) << newest.out;
  EXPECT_TRUE(has(newest.out, "made in")) << newest.out;
  const std::string page = read_text(html);
  EXPECT_TRUE(has(page, "<html lang=\"id\"")) << page.substr(0, 200);
  EXPECT_TRUE(has(page, "7 Desember 2026 10.15"));
  EXPECT_TRUE(fs::exists(fs::path(html).replace_extension(".json")));

  // One story of the older run, in English, to a file of our choice, as JSON.
  const std::string out = dir / "out/pasar.html";
  auto story = test::run_command(
      cli("report pasar --library " + lib + " --lang en --json -o " + test::shell_quote(out)));
  ASSERT_EQ(story.exit_code, 0) << story.out;
  const nlohmann::json j = nlohmann::json::parse(story.out);
  EXPECT_EQ(j["run"], "20261206-0900");
  EXPECT_EQ(j["story"], "pasar");
  EXPECT_EQ(j["html"], out);
  EXPECT_EQ(j["json"], dir / "out/pasar.json");
  EXPECT_EQ(j["summary"]["stories"], 1);
  EXPECT_EQ(j["summary"]["assets"], 3);
  const nlohmann::json twin = nlohmann::json::parse(read_text(dir / "out/pasar.json"));
  EXPECT_EQ(twin["summary"]["channels"], j["summary"]["channels"]);
  EXPECT_TRUE(has(read_text(out), "<html lang=\"en\""));

  auto unknown = test::run_command(cli("report kemarin --library " + lib));
  EXPECT_EQ(unknown.exit_code, 3) << unknown.out;
  EXPECT_TRUE(has(unknown.out, "20261206-0900") && has(unknown.out, "20261207-1015"))
      << unknown.out;
  auto bad_lang = test::run_command(cli("report --library " + lib + " --lang fr"));
  EXPECT_EQ(bad_lang.exit_code, 2) << bad_lang.out;
  auto help = test::run_command(cli("report --help"));
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_TRUE(has(help.out, "SOP")) << help.out;
}

}  // namespace
}  // namespace saluran
