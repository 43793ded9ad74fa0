// `saluran story new` and `saluran plan` as the office runs them: ingest the samples, draft a
// story from the run, see plan refuse the TODO text, write it, render one picture, and plan
// again: made and to make, text cut for the channels, exit codes, JSON.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "tests/support/paths.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {
namespace fs = std::filesystem;

std::string cli(const std::string& args) {
  return test::shell_quote(test::cli_path()) + " " + args + " 2>&1";
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void replace(std::string& text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  ASSERT_NE(at, std::string::npos) << from;
  text.replace(at, from.size(), to);
}

TEST(CliStoryPlan, DraftThenPlanThenFixThenReady) {
  SKIP_WITHOUT_SAMPLES();
  test::TempDir dir("cli-story");
  const std::string lib = dir / "library";
  ASSERT_EQ(test::run_command(cli("ingest " + test::shell_quote(test::samples_dir()) +
                                  " --library " + lib + " --quiet"))
                .exit_code,
            0);
  {
    std::ofstream(dir / "channels.toml")
        << "[channels.site]\nkind = \"folder\"\npath = \"site\"\n"
           "[channels.radio]\nkind = \"playout\"\npath = \"drop\"\n";
  }
  const std::string story = dir / "story.toml";
  auto drafted =
      test::run_command(cli("story new --from-run LAST -o " + story + " --library " + lib));
  ASSERT_EQ(drafted.exit_code, 0) << drafted.out;
  EXPECT_NE(drafted.out.find("drafted from ingest run 1"), std::string::npos) << drafted.out;
  // Channels come from the channels.toml beside the story; the file is not overwritten.
  std::string text = read_text(story);
  EXPECT_NE(text.find("channels = [\"site\", \"radio\"]"), std::string::npos) << text;
  EXPECT_EQ(
      test::run_command(cli("story new --from-run 1 -o " + story + " --library " + lib)).exit_code,
      3);
  EXPECT_EQ(test::run_command(cli("story new --from-run first -o " + story)).exit_code, 2);

  auto todo = test::run_command(cli("plan " + story + " --library " + lib));
  EXPECT_EQ(todo.exit_code, 1) << todo.out;
  EXPECT_NE(todo.out.find("problem: title still holds TODO"), std::string::npos) << todo.out;

  replace(text, "TODO: judul berita", "Pésta Rakyat di Desa Sukamaju 🎉");
  replace(text, "TODO: ringkasan dalam satu kalimat", "Warga merayakan panen raya.");
  replace(text, "TODO: tulis isi berita di sini.", "Ribuan warga hadir.");
  { std::ofstream(story) << text; }
  const std::string out = dir / "renditions";
  auto ready = test::run_command(cli("plan " + story + " --library " + lib + " -o " + out));
  ASSERT_EQ(ready.exit_code, 0) << ready.out;
  EXPECT_NE(ready.out.find("== site (folder)"), std::string::npos) << ready.out;
  EXPECT_NE(ready.out.find("<p>Ribuan warga hadir.</p>"), std::string::npos) << ready.out;
  EXPECT_NE(ready.out.find("radio-clip"), std::string::npos) << ready.out;
  EXPECT_NE(ready.out.find("to make"), std::string::npos) << ready.out;

  // Render the cover for the site: plan then counts it as made.
  auto js = nlohmann::json::parse(test::run_command(test::shell_quote(test::cli_path()) + " plan " +
                                                    story + " --library " + lib + " -o " + out +
                                                    " --json")
                                      .out);
  ASSERT_EQ(js["story"]["slug"], "pesta-rakyat-di-desa-sukamaju");
  const auto& cover = js["channels"][0]["media"][0];
  ASSERT_EQ(cover["role"], "cover");
  EXPECT_FALSE(cover["made"].get<bool>());
  ASSERT_EQ(test::run_command(cli("render " + cover["source"].get<std::string>() + " -p web -o " +
                                  out + " --quiet"))
                .exit_code,
            0);
  js = nlohmann::json::parse(test::run_command(test::shell_quote(test::cli_path()) + " plan " +
                                               story + " --library " + lib + " -o " + out +
                                               " --json")
                                 .out);
  EXPECT_TRUE(js["channels"][0]["media"][0]["made"].get<bool>()) << js.dump(2);
  EXPECT_TRUE(fs::exists(js["channels"][0]["media"][0]["file"].get<std::string>()));
  EXPECT_FALSE(js["blocking"].get<bool>());
}

TEST(CliStoryPlan, BadStoryIsAnErrorWithLineAndKey) {
  test::TempDir dir("cli-story-bad");
  {
    std::ofstream(dir / "story.toml") << "title = \"a\"\n\n[[media]]\npath = \"x.jpg\"\nrol = 1\n";
  }
  auto r = test::run_command(cli("plan " + (dir / "story.toml") + " --library " + (dir / "lib")));
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.out.find("unknown key media.rol (did you mean media.role?)"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("line 5"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace saluran
