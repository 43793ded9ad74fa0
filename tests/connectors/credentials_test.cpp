// Secrets: the environment first, then the 0600 credentials file; unsafe files are refused with
// the fix, and no message ever carries the secret.

#include "connectors/credentials.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "tests/support/scoped_env.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {

namespace fs = std::filesystem;

constexpr const char* kSecret = "abcd efgh ijkl mnop";

std::string fmt_secret() { return std::string("[website]\nsecret = \"") + kSecret + "\"\n"; }

class Credentials : public ::testing::Test {
 protected:
  Credentials() : file_((dir_.path() / "conf" / "credentials.toml").string()) {}

  ChannelConfig website(const std::string& env = "") const {
    ChannelConfig c;
    c.name = "website";
    c.kind = ChannelKind::kWordPress;
    c.url = "http://127.0.0.1:1/";
    c.user = "admin";
    c.secret_env = env;
    return c;
  }

  void write_file(const std::string& text, mode_t mode) const {
    fs::create_directories(fs::path(file_).parent_path());
    std::ofstream(file_) << text;
    ASSERT_EQ(::chmod(file_.c_str(), mode), 0);
  }

  test::TempDir dir_{"credentials"};
  std::string file_;
  test::ScopedEnv env_{"SALURAN_CREDENTIALS", file_};
  test::ScopedEnv var_{"SALURAN_TEST_SECRET", nullptr};
};

TEST_F(Credentials, EnvironmentComesFirst) {
  write_file("[website]\nsecret = \"from-file\"\n", 0600);
  {
    test::ScopedEnv v("SALURAN_TEST_SECRET", kSecret);
    auto s = read_secret(website("SALURAN_TEST_SECRET"));
    ASSERT_TRUE(s.ok()) << s.error().to_string();
    EXPECT_EQ(*s, kSecret);
    const SecretOrigin o = secret_origin(website("SALURAN_TEST_SECRET"));
    EXPECT_EQ(o.source, "environment");
    EXPECT_EQ(o.where, "SALURAN_TEST_SECRET");
    EXPECT_TRUE(o.set);
  }
  // The variable named but not set: the file's secret is used.
  auto s = read_secret(website("SALURAN_TEST_SECRET"));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*s, "from-file");
  EXPECT_EQ(secret_origin(website("SALURAN_TEST_SECRET")).source, "credentials file");
}

TEST_F(Credentials, StoreWritesA0600FileAndReadsItBack) {
  ASSERT_TRUE(store_secret("website", kSecret).ok());
  ASSERT_TRUE(store_secret("radio", "quote\" and \\ backslash").ok());
  struct stat st {};
  ASSERT_EQ(::stat(file_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(st.st_uid, ::geteuid());
  ASSERT_EQ(::stat(fs::path(file_).parent_path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);  // the folder it made is private too
  auto s = read_secret(website());
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  EXPECT_EQ(*s, kSecret);
  ChannelConfig radio = website();
  radio.name = "radio";
  EXPECT_EQ(*read_secret(radio), "quote\" and \\ backslash");
  // Replacing one secret keeps the others; removing one keeps the others.
  ASSERT_TRUE(store_secret("website", "new").ok());
  EXPECT_EQ(*read_secret(website()), "new");
  ASSERT_TRUE(remove_secret("website").ok());
  EXPECT_EQ(read_secret(website()).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(*read_secret(radio), "quote\" and \\ backslash");
  // No temporary file left.
  int entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(fs::path(file_).parent_path()))
    ++entries;
  EXPECT_EQ(entries, 1);
}

TEST_F(Credentials, MissingSecretSaysHowToProvideIt) {
  auto s = read_secret(website("SALURAN_TEST_SECRET"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kNotFound);
  EXPECT_NE(s.error().message.find("set the environment variable SALURAN_TEST_SECRET"),
            std::string::npos)
      << s.error().message;
  EXPECT_NE(s.error().message.find("saluran channels add website"), std::string::npos);
  const SecretOrigin o = secret_origin(website("SALURAN_TEST_SECRET"));
  EXPECT_FALSE(o.set);
  EXPECT_EQ(o.where, "SALURAN_TEST_SECRET");
}

TEST_F(Credentials, ReadableByOthersIsRefusedWithTheChmodFix) {
  write_file(fmt_secret(), 0644);
  auto s = read_secret(website());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kPermission);
  EXPECT_NE(s.error().message.find("its mode is 0644"), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find("chmod 600 " + file_), std::string::npos);
  EXPECT_EQ(s.error().message.find(kSecret), std::string::npos);
  EXPECT_FALSE(secret_origin(website()).problem.empty());
  // Storing into it is refused as well, rather than trusting a file others could read.
  EXPECT_EQ(store_secret("radio", "x").error().code, ErrorCode::kPermission);
  ASSERT_EQ(::chmod(file_.c_str(), 0600), 0);
  EXPECT_EQ(*read_secret(website()), kSecret);
}

TEST_F(Credentials, OwnedBySomeoneElseIsRefused) {
  write_file(fmt_secret(), 0600);
  std::string file = file_;
  std::optional<test::ScopedEnv> other;
  if (::geteuid() == 0) {
    ASSERT_EQ(::chown(file_.c_str(), 65534, 65534), 0);  // nobody; root still reads it
  } else {
    file = "/etc/passwd";  // owned by root, readable by all
    other.emplace("SALURAN_CREDENTIALS", file);
  }
  auto s = read_secret(website());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kPermission);
  EXPECT_NE(s.error().message.find("not by you"), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find(file), std::string::npos);
}

TEST_F(Credentials, NotARegularFileIsRefused) {
  fs::create_directories(file_);
  auto s = read_secret(website());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("not a regular file"), std::string::npos) << s.error().message;
}

TEST_F(Credentials, BrokenFileGivesTheLineButNotTheText) {
  write_file("[website]\nsecret = \"abcd efgh ijkl mnop\n", 0600);  // unterminated string
  auto s = read_secret(website());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().to_string().find("line 2"), std::string::npos) << s.error().to_string();
  EXPECT_EQ(s.error().to_string().find("abcd"), std::string::npos);
}

TEST_F(Credentials, FoldersNeedNoSecret) {
  ChannelConfig site;
  site.name = "site";
  site.kind = ChannelKind::kFolder;
  EXPECT_FALSE(kind_needs_secret(ChannelKind::kPlayout));
  EXPECT_TRUE(kind_needs_secret(ChannelKind::kIcecast));
  EXPECT_EQ(secret_origin(site).source, "none");
}

TEST_F(Credentials, MultiLineSecretIsRefused) {
  EXPECT_EQ(store_secret("website", "a\nb").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_secret("website", "").error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(fs::exists(file_));
}

}  // namespace
}  // namespace saluran
