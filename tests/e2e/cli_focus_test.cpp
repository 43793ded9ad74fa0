// `saluran focus` as a user runs it: a photo ingested into a library, its focal point set by
// hand, then `render` crops on it (from the library copy and from the original), `--focus`
// for one run still wins, and clearing it gives the content back the choice.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "pipeline/stages/render.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {
namespace fs = std::filesystem;

std::string cli(const std::string& args) {
  return test::shell_quote(test::cli_path()) + " " + args + " 2>&1";
}

/// The crop of the one instagram-story rendition in `out`'s manifest: {basis, x}.
std::pair<std::string, int> story_crop(const fs::path& out) {
  std::ifstream in(out / kRenderManifestName);
  const auto manifest = nlohmann::json::parse(in, nullptr, false);
  if (manifest.is_discarded()) return {"unreadable manifest", -1};
  for (const auto& [name, r] : manifest["outputs"].items()) {
    if (r.value("preset", "") != "instagram-story") continue;
    const auto& crop = r["image"]["crop"];
    return {crop.value("basis", ""), crop["window"][0].get<int>()};
  }
  return {"no instagram-story rendition", -1};
}

TEST(CliFocus, SetOnAnAssetRenderCropsThereRunFocusWinsClearGivesItBack) {
  SKIP_WITHOUT_SAMPLES();
  test::TempDir dir("cli-focus");
  const fs::path card = dir.path() / "card";
  fs::create_directories(card);
  fs::copy_file(test::sample("photos/IMG_0001.jpg"), card / "IMG_0001.jpg");
  const std::string library = (dir.path() / "library").string();
  const std::string lib = " --library " + test::shell_quote(library);
  auto ingest = test::run_command(cli("ingest " + test::shell_quote(card.string()) + lib + " -q"));
  ASSERT_EQ(ingest.exit_code, 0) << ingest.out;
  std::string copy;
  for (const auto& e : fs::recursive_directory_iterator(library)) {
    if (e.path().filename() == "IMG_0001.jpg") copy = e.path().string();
  }
  ASSERT_FALSE(copy.empty());
  const std::string original = (card / "IMG_0001.jpg").string();

  // Nothing set yet; a file that is not an asset is a per-file error, the rest goes on.
  auto show = test::run_command(cli("focus " + test::shell_quote(copy) + " " +
                                    test::shell_quote((dir.path() / "nope.jpg").string()) + lib));
  EXPECT_EQ(show.exit_code, 1) << show.out;
  EXPECT_NE(show.out.find("no focal point"), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("nope.jpg"), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("not in the catalog"), std::string::npos) << show.out;

  // Set through the original's path; the library copy is the same asset.
  auto set = test::run_command(cli("focus " + test::shell_quote(original) + " --at 0,0.5" + lib));
  ASSERT_EQ(set.exit_code, 0) << set.out;
  auto json = test::run_command(cli("focus " + test::shell_quote(copy) + " --json" + lib));
  ASSERT_EQ(json.exit_code, 0) << json.out;
  const auto j = nlohmann::json::parse(json.out, nullptr, false);
  ASSERT_TRUE(j.is_array()) << json.out;
  ASSERT_EQ(j.size(), 1u);
  EXPECT_DOUBLE_EQ(j[0]["focus"]["x"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(j[0]["focus"]["y"].get<double>(), 0.5);

  // The original named through a link to its folder is the same asset.
  fs::create_directory_symlink(card, dir.path() / "card-link");
  auto linked = test::run_command(cli(
      "focus " + test::shell_quote((dir.path() / "card-link" / "IMG_0001.jpg").string()) + lib));
  EXPECT_EQ(linked.exit_code, 0) << linked.out;
  EXPECT_NE(linked.out.find("focus 0.000,0.500"), std::string::npos) << linked.out;

  // render finds it, for the copy and for the original: the 9:16 window sits at the left edge.
  for (const std::string& input : {copy, original}) {
    const fs::path out = dir.path() / (input == copy ? "out-copy" : "out-original");
    auto r =
        test::run_command(cli("render " + test::shell_quote(input) + " -p instagram-story -q -o " +
                              test::shell_quote(out.string()) + lib));
    ASSERT_EQ(r.exit_code, 0) << r.out;
    const auto [basis, x] = story_crop(out);
    EXPECT_EQ(basis, "focus") << input;
    EXPECT_EQ(x, 0) << input;
  }
  // --focus for one run wins over the asset's point.
  const fs::path right = dir.path() / "out-right";
  auto r = test::run_command(cli("render " + test::shell_quote(copy) +
                                 " -p instagram-story -q --focus 1,0.5 -o " +
                                 test::shell_quote(right.string()) + lib));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto [basis_r, x_r] = story_crop(right);
  EXPECT_EQ(basis_r, "focus");
  EXPECT_GT(x_r, 0);

  // Cleared: the content decides again, and the output made with the point is out of date.
  auto clear = test::run_command(cli("focus " + test::shell_quote(copy) + " --clear" + lib));
  ASSERT_EQ(clear.exit_code, 0) << clear.out;
  EXPECT_NE(clear.out.find("no focal point"), std::string::npos) << clear.out;
  const fs::path first = dir.path() / "out-copy";
  auto again =
      test::run_command(cli("render " + test::shell_quote(copy) + " -p instagram-story -o " +
                            test::shell_quote(first.string()) + lib));
  ASSERT_EQ(again.exit_code, 0) << again.out;
  EXPECT_NE(again.out.find("1 made"), std::string::npos) << again.out;
  EXPECT_NE(story_crop(first).first, "focus");
}

TEST(CliFocus, UsageAndMissingCatalog) {
  test::TempDir dir("cli-focus-usage");
  const std::string lib = " --library " + test::shell_quote((dir.path() / "none").string());
  auto none = test::run_command(cli("focus x.jpg" + lib));
  EXPECT_EQ(none.exit_code, 3) << none.out;
  EXPECT_NE(none.out.find("no catalog in"), std::string::npos) << none.out;
  auto both = test::run_command(cli("focus x.jpg --at 0.5,0.5 --clear" + lib));
  EXPECT_EQ(both.exit_code, 2) << both.out;
  auto range = test::run_command(cli("focus x.jpg --at 1.5,0.5" + lib));
  EXPECT_EQ(range.exit_code, 2) << range.out;
  auto render = test::run_command(cli("render x.jpg -p web-thumb -o " +
                                      test::shell_quote((dir.path() / "out").string()) + lib));
  EXPECT_EQ(render.exit_code, 2) << render.out;
  EXPECT_NE(render.out.find("no catalog in"), std::string::npos) << render.out;
  // A damaged catalog in the default library (./library) is a warning for render, not a stop.
  SKIP_WITHOUT_SAMPLES();
  fs::create_directories(dir.path() / "library" / ".saluran");
  std::ofstream(dir.path() / "library" / ".saluran" / "catalog.db") << std::string(8192, 'x');
  auto damaged =
      test::run_command("cd " + test::shell_quote(dir.path().string()) + " && " +
                        cli("render " + test::shell_quote(test::sample("photos/IMG_0001.jpg")) +
                            " -p web-thumb -q -o out2"));
  EXPECT_EQ(damaged.exit_code, 0) << damaged.out;
  EXPECT_NE(damaged.out.find("warning: focal points"), std::string::npos) << damaged.out;
  EXPECT_TRUE(fs::exists(dir.path() / "out2" / "IMG_0001.web-thumb.jpg")) << damaged.out;
  auto help = test::run_command(cli("focus --help"));
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--at"), std::string::npos) << help.out;
}

}  // namespace
}  // namespace saluran
