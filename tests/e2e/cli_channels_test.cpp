// `saluran channels` as the office uses it: add without editing files, the secret from standard
// input into the 0600 credentials file (never onto the command line, the screen or
// channels.toml), list, test and remove.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/paths.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {

namespace fs = std::filesystem;
using test::cli_path;
using test::run_command;
using test::shell_quote;

constexpr const char* kSecret = "Sekret-Rahasia-42";

std::string read(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Each test has its own channels and credentials files, never the tester's own.
class CliChannels : public ::testing::Test {
 protected:
  std::string channels(const std::string& args, const std::string& input = "") const {
    const std::string env = "SALURAN_CHANNELS=" + shell_quote(file_.string()) +
                            " SALURAN_CREDENTIALS=" + shell_quote(credentials_.string()) +
                            " XDG_CONFIG_HOME=" + shell_quote((dir_.path() / "xdg").string()) + " ";
    const std::string feed = input.empty() ? "" : "printf '%s\\n' " + shell_quote(input) + " | ";
    return feed + env + cli_path() + " channels " + args + (input.empty() ? " </dev/null" : "") +
           " 2>&1";
  }

  test::TempDir dir_{"cli-channels"};
  fs::path file_ = dir_.path() / "conf" / "channels.toml";
  fs::path credentials_ = dir_.path() / "conf" / "credentials.toml";
};

TEST_F(CliChannels, AddListTestRemove) {
  const fs::path site = dir_.path() / "site";
  auto r = run_command(channels("add site --kind folder --path " + shell_quote(site.string())));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("added channel site (folder)"), std::string::npos) << r.out;
  r = run_command(
      channels("add website --kind wordpress --url http://127.0.0.1:9/ --user admin", kSecret));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out.find(kSecret), std::string::npos);
  // The secret is in the 0600 credentials file only.
  struct stat st {};
  ASSERT_EQ(::stat(credentials_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_NE(read(credentials_).find(kSecret), std::string::npos);
  EXPECT_EQ(read(file_).find(kSecret), std::string::npos);
  EXPECT_NE(read(file_).find("[channels.website]"), std::string::npos);

  r = run_command(channels("list"));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out.find(kSecret), std::string::npos);
  EXPECT_NE(r.out.find("credentials file (set)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("not needed"), std::string::npos) << r.out;
  r = run_command(channels("list --json"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto json = nlohmann::json::parse(r.out);
  ASSERT_EQ(json["channels"].size(), 2u);
  EXPECT_EQ(json["channels"][0]["name"], "site");
  EXPECT_EQ(json["channels"][1]["secret"]["source"], "credentials file");
  EXPECT_EQ(json["channels"][1]["secret"]["set"], true);

  r = run_command(channels("test --verbose"));
  EXPECT_EQ(r.exit_code, 1) << r.out;  // the WordPress test server is not running on port 9
  EXPECT_NE(r.out.find("ok    site (folder, " + site.string() + ")"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("FAIL  website (wordpress, http://127.0.0.1:9/)"), std::string::npos);
  EXPECT_EQ(r.out.find(kSecret), std::string::npos);
  r = run_command(channels("test site"));
  EXPECT_EQ(r.exit_code, 0) << r.out;

  r = run_command(channels("remove website"));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(read(credentials_).find(kSecret), std::string::npos) << "its secret goes with it";
  EXPECT_EQ(read(file_).find("website"), std::string::npos);
  r = run_command(channels("remove website"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("no channel website (channels: site)"), std::string::npos) << r.out;
}

TEST_F(CliChannels, SecretFromTheEnvironmentIsNamedNotStored) {
  auto r = run_command(channels(
      "add live --kind icecast --url http://127.0.0.1:9/live --secret-env SALURAN_TEST_ICE"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("SALURAN_TEST_ICE is not set"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(credentials_));
  EXPECT_NE(read(file_).find("user = \"source\""), std::string::npos) << read(file_);
  r = run_command("SALURAN_TEST_ICE=x " + channels("list"));
  EXPECT_NE(r.out.find("$SALURAN_TEST_ICE (set)"), std::string::npos) << r.out;
  r = run_command(channels("list"));
  EXPECT_NE(r.out.find("$SALURAN_TEST_ICE (MISSING)"), std::string::npos) << r.out;
}

TEST_F(CliChannels, MistakesAreUsageErrorsThatSayWhatToDo) {
  auto r = run_command(channels("add tv --kind tiktok"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("allowed: wordpress, icecast, playout, folder"), std::string::npos) << r.out;
  r = run_command(channels("add website --kind wordpress --url http://x/ --user a"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("no secret on standard input"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(file_)) << "nothing is saved without its secret";
  r = run_command(
      channels("add website --kind wordpress --url http://x/ --user a --secret hunter2"));
  EXPECT_EQ(r.exit_code, 2) << "there is no option to put a secret on the command line";
  r = run_command(channels("add radio --kind playout"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("path is missing"), std::string::npos) << r.out;
}

TEST_F(CliChannels, UnsafeCredentialsFileIsRefused) {
  fs::create_directories(credentials_.parent_path());
  std::ofstream(credentials_) << "[website]\nsecret = \"" << kSecret << "\"\n";
  ::chmod(credentials_.c_str(), 0644);
  auto r = run_command(channels("add website --kind wordpress --url http://x/ --user a", "new"));
  EXPECT_EQ(r.exit_code, 3) << r.out;
  EXPECT_NE(r.out.find("chmod 600 " + credentials_.string()), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(kSecret), std::string::npos);
}

}  // namespace
}  // namespace saluran
