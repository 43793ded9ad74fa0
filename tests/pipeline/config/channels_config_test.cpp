// channels.toml: reading, the messages for each kind of mistake, where the file is found, and
// writing it back atomically.

#include "pipeline/config/channels_config.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/support/scoped_env.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {

namespace fs = std::filesystem;

fs::path write(const test::TempDir& dir, const std::string& name, const std::string& text) {
  const fs::path p = dir.path() / name;
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
  return p;
}

Error load_error(const std::string& text) {
  test::TempDir dir("channels");
  const fs::path file = write(dir, "channels.toml", text);
  auto r = load_channels(file);
  EXPECT_FALSE(r.ok()) << text;
  if (r.ok()) return {};
  EXPECT_EQ(r.error().context.file, file.string());
  return r.error();
}

TEST(ChannelsConfig, ReadsEveryKeyInFileOrder) {
  test::TempDir dir("channels");
  const fs::path file = write(dir, "channels.toml", R"(
[channels.website]
kind = "wordpress"
url = "http://127.0.0.1:8080/"
user = "admin"
secret_env = "SALURAN_WEBSITE_PASSWORD"
on_published = ["/usr/local/bin/notify-office", "logger published"]
webhook_url = "https://hooks.example.org/saluran"
webhook_secret_env = "HOOK_KEY"
presets = ["web", "web-cover"]

[channels.radio]
kind = "playout"
path = "drop"

[channels.archive]
kind = "folder"
path = "/srv/site"
)");
  auto r = load_channels(file);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 3u);
  const ChannelConfig& web = (*r)[0];
  EXPECT_EQ(web.name, "website");
  EXPECT_EQ(web.kind, ChannelKind::kWordPress);
  EXPECT_EQ(web.url, "http://127.0.0.1:8080/");
  EXPECT_EQ(web.user, "admin");
  EXPECT_EQ(web.secret_env, "SALURAN_WEBSITE_PASSWORD");
  EXPECT_EQ(web.on_published,
            (std::vector<std::string>{"/usr/local/bin/notify-office", "logger published"}));
  EXPECT_EQ(web.webhook_url, "https://hooks.example.org/saluran");
  EXPECT_EQ(web.webhook_secret_env, "HOOK_KEY");
  EXPECT_EQ(web.presets, (std::vector<std::string>{"web", "web-cover"}));
  EXPECT_EQ(web.file, file);
  EXPECT_EQ(web.line, 2);
  EXPECT_EQ((*r)[1].name, "radio");
  EXPECT_EQ((*r)[1].kind, ChannelKind::kPlayout);
  // A relative path is relative to the channels file's folder.
  EXPECT_EQ((*r)[1].path, (dir.path() / "drop").lexically_normal());
  EXPECT_EQ((*r)[2].path, fs::path("/srv/site"));
}

TEST(ChannelsConfig, EmptyFileHasNoChannels) {
  test::TempDir dir("channels");
  auto r = load_channels(write(dir, "channels.toml", "# nothing yet\n"));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

TEST(ChannelsConfig, UnknownKeyNamesLineKeyAndAllowedKeys) {
  const Error e = load_error("[channels.site]\nkind = \"folder\"\npath = \"x\"\npaht = \"y\"\n");
  EXPECT_EQ(e.code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(e.context.detail, "line 4");
  EXPECT_NE(e.message.find("unknown key channels.site.paht"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("allowed: kind, url, user, path"), std::string::npos) << e.message;
}

TEST(ChannelsConfig, UnknownKindListsTheKinds) {
  const Error e = load_error("[channels.tv]\nkind = \"tiktok\"\n");
  EXPECT_EQ(e.context.detail, "line 2");
  EXPECT_NE(e.message.find("kind = \"tiktok\" is not allowed"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("wordpress, icecast, playout, folder"), std::string::npos);
}

TEST(ChannelsConfig, MissingKindUrlUserOrPathSaysWhatTheKindNeeds) {
  EXPECT_NE(load_error("[channels.a]\nurl = \"http://x/\"\n").message.find("kind is missing"),
            std::string::npos);
  const Error no_url = load_error("[channels.web]\nkind = \"wordpress\"\nuser = \"a\"\n");
  EXPECT_NE(no_url.message.find("channels.web.url is missing"), std::string::npos);
  EXPECT_EQ(no_url.context.detail, "line 1");
  EXPECT_NE(load_error("[channels.web]\nkind = \"wordpress\"\nurl = \"http://x/\"\n")
                .message.find("user is missing"),
            std::string::npos);
  EXPECT_NE(load_error("[channels.radio]\nkind = \"playout\"\n").message.find("path is missing"),
            std::string::npos);
  EXPECT_NE(load_error("[channels.live]\nkind = \"icecast\"\nurl = \"ftp://x/\"\n")
                .message.find("must start with http:// or https://"),
            std::string::npos);
}

TEST(ChannelsConfig, WrongTypesAreNamed) {
  const Error e = load_error("[channels.site]\nkind = \"folder\"\npath = 3\n");
  EXPECT_EQ(e.context.detail, "line 3");
  EXPECT_NE(e.message.find("channels.site.path must be a string"), std::string::npos);
  const Error list =
      load_error("[channels.site]\nkind = \"folder\"\npath = \"x\"\npresets = \"web\"\n");
  EXPECT_NE(list.message.find("presets must be a list"), std::string::npos) << list.message;
}

TEST(ChannelsConfig, SecretsAreRefusedWithTheWayToDoIt) {
  const Error e = load_error(
      "[channels.web]\nkind = \"wordpress\"\nurl = \"http://x/\"\nuser = \"a\"\n"
      "password = \"hunter2\"\n");
  EXPECT_EQ(e.context.detail, "line 5");
  EXPECT_NE(e.message.find("secrets are never written in channels.toml"), std::string::npos);
  EXPECT_EQ(e.message.find("hunter2"), std::string::npos);
  // A secret pasted into secret_env is refused too, without echoing it.
  const Error env = load_error(
      "[channels.web]\nkind = \"wordpress\"\nurl = \"http://x/\"\nuser = \"a\"\n"
      "secret_env = \"abcd efgh ijkl\"\n");
  EXPECT_NE(env.message.find("name of an environment variable"), std::string::npos);
}

TEST(ChannelsConfig, BadNamesAndStrayTablesAreRefused) {
  EXPECT_NE(load_error("[channels.Web]\nkind = \"folder\"\npath = \"x\"\n")
                .message.find("channel name \"Web\" is not allowed"),
            std::string::npos);
  EXPECT_NE(load_error("[website]\nkind = \"folder\"\n").message.find("unknown key website"),
            std::string::npos);
  // A table given twice is a TOML error, with its line.
  const Error dup = load_error(
      "[channels.a]\nkind = \"folder\"\npath = \"x\"\n[channels.a]\nkind = \"folder\"\n");
  EXPECT_NE(dup.message.find("is not valid TOML"), std::string::npos);
  EXPECT_NE(dup.context.detail.find("line 4"), std::string::npos) << dup.context.detail;
}

TEST(ChannelsConfig, SaveThenLoadGivesTheSameChannels) {
  test::TempDir dir("channels");
  const fs::path file = dir.path() / "conf" / "channels.toml";  // folder made on save
  ChannelConfig web;
  web.name = "website";
  web.kind = ChannelKind::kWordPress;
  web.url = "http://127.0.0.1:8080/";
  web.user = "ad\"min";
  web.secret_env = "WP_PASS";
  web.on_published = {"notify \\ \"x\""};
  web.presets = {"web"};
  ChannelConfig site;
  site.name = "site";
  site.kind = ChannelKind::kFolder;
  site.path = dir.path() / "conf" / "site";
  ChannelConfig radio;
  radio.name = "radio";
  radio.kind = ChannelKind::kPlayout;
  radio.path = "/mnt/playout";
  ASSERT_TRUE(save_channels(file, {web, site, radio}).ok());
  auto r = load_channels(file);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].name, "website");
  EXPECT_EQ((*r)[0].user, "ad\"min");
  EXPECT_EQ((*r)[0].on_published, web.on_published);
  EXPECT_EQ((*r)[0].presets, web.presets);
  EXPECT_EQ((*r)[1].path, site.path);
  EXPECT_EQ((*r)[2].path, radio.path);
  // A path inside the file's folder is written relative, so the folder can move.
  std::ifstream in(file);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("path = \"site\""), std::string::npos) << text;
  // No temporary file is left beside it.
  int entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(file.parent_path())) ++entries;
  EXPECT_EQ(entries, 1);
}

TEST(ChannelsConfig, SaveRefusesDuplicateNames) {
  test::TempDir dir("channels");
  ChannelConfig a;
  a.name = "site";
  a.path = "/x";
  auto st = save_channels(dir.path() / "channels.toml", {a, a});
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("listed twice"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir.path() / "channels.toml"));
}

TEST(ChannelsConfig, FoundBesideTheStoryThenEnvThenConfigFolder) {
  test::TempDir dir("channels");
  const fs::path story = dir.path() / "story";
  const fs::path env_file = write(dir, "env/channels.toml", "");
  const fs::path user_file = write(dir, "xdg/saluran/channels.toml", "");
  fs::create_directories(story);
  test::ScopedEnv xdg("XDG_CONFIG_HOME", (dir.path() / "xdg").string());
  {
    test::ScopedEnv env("SALURAN_CHANNELS", env_file.string());
    EXPECT_EQ(find_channels_file(story), env_file);
    EXPECT_EQ(default_channels_file(), env_file);
    const fs::path beside = write(dir, "story/channels.toml", "");
    EXPECT_EQ(find_channels_file(story), beside);
    EXPECT_EQ(find_channels_file({}), env_file);
    fs::remove(beside);
  }
  test::ScopedEnv env("SALURAN_CHANNELS", nullptr);
  EXPECT_EQ(find_channels_file(story), user_file);
  EXPECT_EQ(default_channels_file(), user_file);
  fs::remove(user_file);
  EXPECT_FALSE(find_channels_file(story).has_value());
}

TEST(ChannelsConfig, TheDemoFileLoads) {
  const fs::path source(SALURAN_SOURCE_DIR);
  auto r = load_channels(source / "samples" / "channels.toml");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].name, "site");
  EXPECT_EQ((*r)[0].kind, ChannelKind::kFolder);
  EXPECT_EQ((*r)[0].path, (source / "build" / "demo-site").lexically_normal());
  EXPECT_EQ((*r)[1].name, "radio");
  EXPECT_EQ((*r)[1].path, (source / "build" / "demo-playout").lexically_normal());
}

TEST(ChannelsConfig, PlatformKeysAreReadCheckedAndWrittenBack) {
  test::TempDir dir("channels");
  const fs::path f = write(dir, "channels.toml",
                           "[channels.youtube]\nkind = \"youtube\"\nclient_id = \"abc.apps\"\n"
                           "privacy = \"unlisted\"\nplaylist = \"PL1\"\nmade_for_kids = true\n"
                           "daily_quota = 20000\nurl = \"http://127.0.0.1:9/\"\n"
                           "[channels.ig]\nkind = \"instagram\"\naccount = \"1784\"\n"
                           "public_via = \"website\"\n");
  Result<std::vector<ChannelConfig>> cs = load_channels(f);
  ASSERT_TRUE(cs) << cs.error().to_string();
  ASSERT_EQ(cs->size(), 2u);
  const ChannelConfig& yt = (*cs)[0];
  EXPECT_EQ(yt.client_id, "abc.apps");
  EXPECT_EQ(yt.privacy, "unlisted");
  EXPECT_EQ(yt.playlist, "PL1");
  EXPECT_TRUE(yt.made_for_kids);
  EXPECT_EQ(yt.daily_quota, 20000);
  EXPECT_EQ((*cs)[1].account, "1784");
  EXPECT_EQ((*cs)[1].public_via, "website");
  // Defaults fill only what is not given.
  const ChannelConfig d = with_platform_defaults(yt);
  EXPECT_EQ(d.url, "http://127.0.0.1:9/");
  EXPECT_EQ(d.token_url, "https://oauth2.googleapis.com/token");
  EXPECT_EQ(d.category_id, "25");
  EXPECT_EQ(d.language, "id");
  ASSERT_TRUE(save_channels(dir.path() / "again.toml", *cs));
  Result<std::vector<ChannelConfig>> again = load_channels(dir.path() / "again.toml");
  ASSERT_TRUE(again) << again.error().to_string();
  EXPECT_EQ((*again)[0].daily_quota, 20000);
  EXPECT_TRUE((*again)[0].made_for_kids);
  EXPECT_EQ((*again)[1].public_via, "website");

  for (const auto& [text, expected] :
       {std::pair{"[channels.fb]\nkind = \"facebook\"\n", "account is missing"},
        {"[channels.yt]\nkind = \"youtube\"\n", "client_id is missing"},
        {"[channels.yt]\nkind = \"youtube\"\nclient_id = \"a\"\nprivacy = \"secret\"\n",
         "privacy = \"secret\" is not allowed"},
        {"[channels.w]\nkind = \"playout\"\npath = \"/x\"\naccount = \"1\"\n",
         "account is only for youtube"},
        {"[channels.yt]\nkind = \"youtube\"\nclient_id = \"a\"\ndaily_quota = 0\n",
         "daily_quota must be a whole number above 0"},
        {"[channels.yt]\nkind = \"youtube\"\nclient_id = \"a\"\nmade_for_kids = \"no\"\n",
         "made_for_kids must be true or false"}}) {
    Result<std::vector<ChannelConfig>> bad = load_channels(write(dir, "bad.toml", text));
    ASSERT_FALSE(bad) << text;
    EXPECT_NE(bad.error().to_string().find(expected), std::string::npos) << bad.error().to_string();
  }
}

}  // namespace
}  // namespace saluran
