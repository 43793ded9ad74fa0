#pragma once
// The four platform fakes together, as the end-to-end tests (the crash test, the bench) use
// them: a story of 4 photos and a clip in a library, a channels.toml naming one channel per
// fake, and each channel's secret in the environment (YouTube's refresh token in a credentials
// file of the test's own). Tests only.
//
//   test::PlatformStory s(dir.path(), 6);             // sources, library, story, fakes
//   s.write_channels(s.fake_roots());                 // or roots of proxies in front of them
//   test::wait_exit(test::spawn_cli(s.publish_args()));

#include <array>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "connectors/credentials.hpp"
#include "tests/fakes/facebook_fake.hpp"
#include "tests/fakes/instagram_fake.hpp"
#include "tests/fakes/x_fake.hpp"
#include "tests/fakes/youtube_fake.hpp"
#include "tests/support/platform_story.hpp"
#include "tests/support/scoped_env.hpp"

namespace saluran::test {

/// The fakes, the story and its channels in `dir`.
class PlatformStory {
 public:
  /// The API roots ("http://127.0.0.1:PORT") the channels point at, in the order of `fakes()`.
  using Roots = std::array<std::string, 4>;

  PlatformStory(const fs::path& dir, int clip_seconds)
      : dir_(dir),
        files_(dir / "renditions"),
        creds_file_((dir / "credentials.toml").string()),
        creds_("SALURAN_CREDENTIALS", creds_file_.c_str()) {
    const fs::path src = dir / "card";
    fs::create_directories(src);
    Sources sources;
    sources.clip_seconds = clip_seconds;
    make_sources(src, sources);
    const std::string ingest = shell_quote(cli_path()) + " ingest " + shell_quote(src.string()) +
                               " --library " + shell_quote(library().string()) + " --quiet";
    EXPECT_EQ(run_command(ingest).exit_code, 0);
    std::ofstream(story()) << story_text(library().string(),
                                         "\"youtube\", \"facebook\", \"instagram\", \"x\"");
    EXPECT_TRUE(store_credential("youtube", "refresh_token", yt.issue_refresh_token()));
    ::setenv("SALURAN_TEST_YT", FakeYouTube::kClientSecret, 1);
    ::setenv("SALURAN_TEST_FB", fb.token().c_str(), 1);
    ::setenv("SALURAN_TEST_IG", ig.token().c_str(), 1);
    ::setenv("SALURAN_TEST_X", x.access_token().c_str(), 1);
  }

  FakeYouTube yt;
  FakeFacebook fb;
  FakeInstagram ig;
  FakeX x;

  /// The four fakes, in the order of Roots: youtube, facebook, instagram, x.
  std::array<FakePlatform*, 4> fakes() { return {&yt, &fb, &ig, &x}; }
  /// The fakes' own roots.
  Roots fake_roots() const { return {yt.url(), fb.url(), ig.url(), x.url()}; }

  /// Writes channels.toml beside the story with the channels at `roots`.
  void write_channels(const Roots& r) const {
    std::ofstream(dir_ / "channels.toml") << fmt::format(
        "[channels.youtube]\nkind = \"youtube\"\nurl = \"{0}\"\nupload_url = \"{0}\"\n"
        "auth_url = \"{0}/o/oauth2/auth\"\ntoken_url = \"{0}/token\"\nclient_id = \"{1}\"\n"
        "secret_env = \"SALURAN_TEST_YT\"\n"
        "[channels.facebook]\nkind = \"facebook\"\nurl = \"{2}/v24.0\"\n"
        "upload_url = \"{2}/video/v24.0\"\naccount = \"{3}\"\nsecret_env = \"SALURAN_TEST_FB\"\n"
        "[channels.instagram]\nkind = \"instagram\"\nurl = \"{4}\"\naccount = \"{5}\"\n"
        "secret_env = \"SALURAN_TEST_IG\"\npublic_base_url = \"{6}\"\n"
        "[channels.x]\nkind = \"x\"\nurl = \"{7}\"\nsecret_env = \"SALURAN_TEST_X\"\n",
        r[0], FakeYouTube::kClientId, r[1], fb.page_id(), r[2], FakeInstagram::kAccount,
        files_.url(), r[3]);
  }

  fs::path library() const { return dir_ / "library"; }
  std::string story() const { return (dir_ / "story.toml").string(); }
  /// `saluran publish STORY --library LIB` and `extra`.
  std::vector<std::string> publish_args(std::vector<std::string> extra = {"--quiet"}) const {
    std::vector<std::string> a = {"publish", story(), "--library", library().string()};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }

 private:
  fs::path dir_;
  FileHost files_;
  std::string creds_file_;
  ScopedEnv creds_;
};

}  // namespace saluran::test
