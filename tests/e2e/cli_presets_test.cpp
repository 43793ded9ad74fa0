// The `saluran presets` command as a user and a script see it: list, show, validate, exit codes.

#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/media_tree.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {

using test::cli_path;
using test::run_command;
using test::shell_quote;

// Every test reads its own (empty or prepared) user folder, never the tester's own.
class CliPresets : public ::testing::Test {
 protected:
  std::string presets(const std::string& args) const {
    return cli_path() + " presets --presets " + shell_quote(dir_.path().string()) + " " + args;
  }
  test::TempDir dir_{"cli-presets"};
};

TEST_F(CliPresets, HelpExplainsEachSubcommand) {
  for (const char* sub : {"list", "show", "validate"}) {
    const auto r = run_command(cli_path() + " presets " + sub + " --help");
    EXPECT_EQ(r.exit_code, 0) << sub;
    EXPECT_NE(r.out.find("Exit code"), std::string::npos) << r.out;
  }
  const auto r = run_command(cli_path() + " presets --help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("--presets"), std::string::npos) << r.out;
  EXPECT_EQ(run_command(cli_path() + " presets 2>/dev/null").exit_code, 2);
}

TEST_F(CliPresets, ListShowsEveryBuiltin) {
  const auto r = run_command(presets("list"));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  for (const char* name : {"youtube", "youtube-shorts", "facebook-video", "facebook-reel",
                           "instagram-reel", "instagram-feed-video", "x-video", "web-video",
                           "radio-clip", "radio-broadcast", "podcast"}) {
    EXPECT_NE(r.out.find(std::string("\n") + name + " "), std::string::npos) << name << r.out;
  }
  EXPECT_EQ(r.out.rfind("NAME", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("1080x1920 blur-pad"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("within 1280x720"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("44.1 kHz mono"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("builtin"), std::string::npos) << r.out;
}

TEST_F(CliPresets, ListAsJson) {
  const auto r = run_command(presets("list --json"));
  EXPECT_EQ(r.exit_code, 0);
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["saluran_presets"], 1);
  EXPECT_EQ(j["errors"].size(), 0u);
  ASSERT_EQ(j["presets"].size(), 21u);
  const nlohmann::json& first = j["presets"][0];
  EXPECT_EQ(first["name"], "facebook-photo");
  EXPECT_EQ(first["valid"], true);
  EXPECT_EQ(first["kind"], "image");
  EXPECT_EQ(first["container"], "jpeg");
  EXPECT_EQ(first["from"], "builtin");
  EXPECT_EQ(first["file"], "builtin:presets/facebook-photo.toml");
  const nlohmann::json& second = j["presets"][1];
  EXPECT_EQ(second["name"], "facebook-reel");
  EXPECT_EQ(second["kind"], "video");
  EXPECT_EQ(second["container"], "mp4");
}

TEST_F(CliPresets, ShowPrintsTheResolvedPresetAsToml) {
  const auto r = run_command(presets("show youtube-shorts"));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("# extends = \"youtube\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("gop_seconds = 0.5\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("aspect = \"blur-pad\"\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[[video.bitrates]]\nmax_height = 2160\nkbps = 40000\n"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("too_long = \"trim\"\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("# loudness_lufs is not set"), std::string::npos) << r.out;

  // What show prints is itself a valid preset: saved under a new name, it validates.
  test::write_text(dir_ / "copy.toml", r.out);
  const auto v = run_command(presets("validate " + shell_quote(dir_ / "copy.toml")));
  EXPECT_EQ(v.exit_code, 0) << v.out;
}

TEST_F(CliPresets, ShowPrintsAPicturePresetsImageSection) {
  for (const char* name : {"instagram-feed-4x5", "web", "x-photo", "facebook-photo"}) {
    const auto r = run_command(presets(std::string("show ") + name));
    EXPECT_EQ(r.exit_code, 0) << name;
    EXPECT_NE(r.out.find("\n[image]\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\nquality = "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\nformats = [\""), std::string::npos) << r.out;
    // Shown resolved, it is a valid preset file of the same kind.
    const std::string copy = dir_ / (std::string(name) + "-copy.toml");
    test::write_text(copy, r.out);
    const auto v = run_command(presets("validate " + shell_quote(copy)));
    EXPECT_EQ(v.exit_code, 0) << v.out;
  }
  const auto feed = run_command(presets("show instagram-feed-4x5"));
  EXPECT_NE(feed.out.find("[image]\nwidth = 1080\nheight = 1350\n"), std::string::npos) << feed.out;
  EXPECT_NE(feed.out.find("aspect = \"fill\"\nbackground = \"#000000\"\nformats = [\"jpeg\"]\n"),
            std::string::npos)
      << feed.out;
  EXPECT_NE(feed.out.find("quality = 90\nmin_quality = 60\n"), std::string::npos) << feed.out;
  EXPECT_NE(feed.out.find("[limits]\n"), std::string::npos) << feed.out;
  EXPECT_NE(feed.out.find("max_file_bytes = 8000000\n"), std::string::npos) << feed.out;
  const auto web = run_command(presets("show web"));
  EXPECT_NE(web.out.find("widths = [480, 960, 1440, 2048]\n"), std::string::npos) << web.out;
  EXPECT_NE(web.out.find("formats = [\"jpeg\", \"webp\"]\n"), std::string::npos) << web.out;
}

TEST_F(CliPresets, ListShowsEachPicturesFrame) {
  const auto r = run_command(presets("list"));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  const auto row = [&](const std::string& name) {
    const std::size_t at = r.out.find("\n" + name + " ");
    return at == std::string::npos ? std::string()
                                   : r.out.substr(at + 1, r.out.find('\n', at + 1) - at - 1);
  };
  EXPECT_NE(row("instagram-feed-4x5").find(" 1080x1350 fill "), std::string::npos) << r.out;
  EXPECT_NE(row("web").find(" w 480..2048 "), std::string::npos) << r.out;
  EXPECT_NE(row("x-photo").find(" within 4096x4096 "), std::string::npos) << r.out;
  EXPECT_NE(row("youtube-thumbnail").find(" 1280x720 fill "), std::string::npos) << r.out;
  const auto j = nlohmann::json::parse(run_command(presets("list --json")).out);
  for (const auto& p : j["presets"]) {
    EXPECT_FALSE(p["frame"].get<std::string>().empty()) << p["name"];
  }
}

TEST_F(CliPresets, ShowAsJson) {
  const auto r = run_command(presets("show radio-clip --json"));
  EXPECT_EQ(r.exit_code, 0);
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["name"], "radio-clip");
  EXPECT_EQ(j["kind"], "audio");
  EXPECT_EQ(j["audio"]["sample_rate"], 44100);
  EXPECT_EQ(j["audio"]["loudness_lufs"], -23.0);
  EXPECT_TRUE(j["video"].is_null());
}

TEST_F(CliPresets, ShowUnknownNameIsAUsageError) {
  const auto r = run_command(presets("show youtub 2>&1"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("error: there is no preset named \"youtub\""), std::string::npos) << r.out;
}

TEST_F(CliPresets, ValidateEveryKnownPreset) {
  const auto r = run_command(presets("validate"));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("ok youtube\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ok radio-clip\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("21 valid, 0 invalid"), std::string::npos) << r.out;
}

TEST_F(CliPresets, ValidateFilesResolvesExtendsAgainstTheCatalog) {
  test::TempDir work("cli-presets-work");
  const std::string good = work / "reel-short.toml";
  const std::string bad = work / "bad.toml";
  test::write_text(good, "extends = \"instagram-reel\"\n[limits]\nmax_duration_s = 60\n");
  test::write_text(bad, "extends = \"youtube\"\n[video]\nfps = 500\n");
  const auto ok = run_command(presets("validate " + shell_quote(good)));
  EXPECT_EQ(ok.exit_code, 0) << ok.out;
  EXPECT_NE(ok.out.find("ok reel-short\n"), std::string::npos) << ok.out;

  const auto r = run_command(
      presets("validate " + shell_quote(good) + " " + shell_quote(bad) + " /nonexistent/x.toml"));
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("ok reel-short\n"), std::string::npos) << r.out;
  EXPECT_NE(
      r.out.find("error: " + bad + ": video.fps = 500 is out of range (allowed 0 to 120) (line 3)"),
      std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("error: /nonexistent/x.toml: cannot read the preset file"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("1 valid, 2 invalid"), std::string::npos) << r.out;
}

TEST_F(CliPresets, UserFolderOverridesAndBadFilesAreReported) {
  test::write_text(dir_ / "youtube.toml", "extends = \"youtube\"\n[audio]\nbitrate_kbps = 192\n");
  test::write_text(dir_ / "broken.toml", "[video]\naspect = \"stretch\"\n");

  const auto list = run_command(presets("list 2>&1"));
  EXPECT_EQ(list.exit_code, 1) << list.out;
  EXPECT_NE(list.out.find(dir_ / "youtube.toml" + " (replaces builtin)"), std::string::npos)
      << list.out;
  const std::size_t broken = list.out.find("\nbroken ");
  ASSERT_NE(broken, std::string::npos) << list.out;
  EXPECT_NE(list.out.substr(broken, list.out.find('\n', broken + 1) - broken).find(" invalid "),
            std::string::npos)
      << list.out;
  EXPECT_NE(list.out.find("error: " + (dir_ / "broken.toml") + ": video.aspect = \"stretch\""),
            std::string::npos)
      << list.out;

  const auto show = run_command(presets("show youtube"));
  EXPECT_EQ(show.exit_code, 0);
  EXPECT_NE(show.out.find("bitrate_kbps = 192\n"), std::string::npos) << show.out;

  EXPECT_EQ(run_command(presets("show broken 2>/dev/null")).exit_code, 1);
  const auto validate = run_command(presets("validate"));
  EXPECT_EQ(validate.exit_code, 1);
  EXPECT_NE(validate.out.find("21 valid, 1 invalid"), std::string::npos) << validate.out;

  // --presets may also follow the subcommand.
  const auto after = run_command(cli_path() + " presets show youtube --presets " +
                                 shell_quote(dir_.path().string()));
  EXPECT_NE(after.out.find("bitrate_kbps = 192\n"), std::string::npos) << after.out;
}

TEST_F(CliPresets, EnvironmentNamesTheDefaultUserFolder) {
  test::write_text(dir_ / "mine.toml", "extends = \"podcast\"\n[audio]\nchannels = 1\n");
  const auto r = run_command("SALURAN_PRESETS=" + shell_quote(dir_.path().string()) + " " +
                             cli_path() + " presets list");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("\nmine "), std::string::npos) << r.out;
}

}  // namespace
}  // namespace saluran
