// The local static site: media copied in, one escaped UTF-8 page per story, an index listing
// every story newest first, and verify finding broken links, a wrong title and missing media.

#include "connectors/folder_site.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "connectors/registry.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {

namespace fs = std::filesystem;

std::string read(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class FolderSite : public ::testing::Test {
 protected:
  FolderSite() {
    channel_.name = "site";
    channel_.kind = ChannelKind::kFolder;
    channel_.path = dir_.path() / "site";  // made on the first publish
    auto c = make_connector(channel_, {});
    EXPECT_TRUE(c.ok());
    site_ = std::move(*c);
  }

  PlannedMedia media(const std::string& slug, MediaRole role, const std::string& ext,
                     const std::string& kind) {
    PlannedMedia m;
    m.role = role;
    m.kind = kind;
    m.upload_name = fmt::format("{}-{}-{}.{}", slug, ++count_, "web", ext);
    m.file = dir_.path() / "renditions" / m.upload_name;
    fs::create_directories(m.file.parent_path());
    std::ofstream(m.file) << "content of " << m.upload_name;
    m.alt = "Bupati & warga";
    m.caption = "Peresmian <jembatan>";
    return m;
  }

  ChannelPlan story(const std::string& slug, const std::string& title, const std::string& date) {
    ChannelPlan plan;
    plan.channel = channel_;
    plan.text.title = title;
    plan.text.body = "Bandung — baris satu\nbaris dua <b>\n\nParagraf & kedua.";
    plan.text.excerpt = "Ringkasan \"" + slug + "\"";
    plan.text.date = date;
    plan.text.place = "Desa Sukamaju";
    plan.text.credits = "Foto: Tim Diskominfo";
    plan.text.tags = {"infrastruktur"};
    plan.media = {media(slug, MediaRole::kCover, "jpg", "photo"),
                  media(slug, MediaRole::kGallery, "jpg", "photo"),
                  media(slug, MediaRole::kVideo, "mp4", "video")};
    return plan;
  }

  // Publishes `plan` the way the publish stage drives a connector.
  RemoteItem publish(const ChannelPlan& plan, const std::string& slug) {
    std::vector<RemoteItem> items;
    for (const PlannedMedia& m : plan.media) {
      auto found = site_->find_media(m);
      EXPECT_TRUE(found.ok());
      if (found.ok() && found->has_value()) {
        items.push_back(**found);
        continue;
      }
      auto up = site_->upload_media(plan, m);
      EXPECT_TRUE(up.ok()) << up.error().to_string();
      if (up.ok()) items.push_back(*up);
    }
    auto existing = site_->find_post(plan, slug);
    EXPECT_TRUE(existing.ok());
    auto post = site_->put_post(plan, slug, items, existing.ok() ? *existing : std::nullopt);
    EXPECT_TRUE(post.ok()) << post.error().to_string();
    return post.ok() ? *post : RemoteItem{};
  }

  test::TempDir dir_{"folder-site"};
  ChannelConfig channel_;
  std::unique_ptr<Connector> site_;
  int count_ = 0;
};

TEST(FolderSiteHtml, EscapesAndMakesParagraphs) {
  EXPECT_EQ(html_escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
  EXPECT_EQ(html_paragraphs("one\ntwo <x>\n\n\n three & four\r\n"),
            "<p>one<br>\ntwo &lt;x&gt;</p>\n<p> three &amp; four</p>\n");
  EXPECT_EQ(html_paragraphs(""), "");
}

TEST_F(FolderSite, PublishesAPageWhoseLinksAllExist) {
  ASSERT_TRUE(site_->test().ok());
  const ChannelPlan plan = story("jembatan", "Bupati meresmikan <Jembatan> 🌉", "2025-03-14");
  const RemoteItem post = publish(plan, "jembatan");
  const fs::path page = channel_.path / "stories" / "jembatan.html";
  EXPECT_EQ(post.url, page.string());
  const std::string html = read(page);
  EXPECT_NE(html.find("<meta charset=\"utf-8\">"), std::string::npos);
  EXPECT_NE(html.find("<h1>Bupati meresmikan &lt;Jembatan&gt; 🌉</h1>"), std::string::npos);
  EXPECT_NE(html.find("<p>Bandung — baris satu<br>\nbaris dua &lt;b&gt;</p>"), std::string::npos)
      << html;
  EXPECT_NE(html.find("<p>Paragraf &amp; kedua.</p>"), std::string::npos);
  EXPECT_NE(html.find("Desa Sukamaju"), std::string::npos);
  EXPECT_NE(html.find("<time datetime=\"2025-03-14\">"), std::string::npos);
  EXPECT_NE(html.find("Foto: Tim Diskominfo"), std::string::npos);
  EXPECT_NE(html.find("alt=\"Bupati &amp; warga\""), std::string::npos);
  EXPECT_NE(html.find("<figcaption>Peresmian &lt;jembatan&gt;</figcaption>"), std::string::npos);
  EXPECT_NE(html.find("<video controls preload=\"metadata\" src=\"../media/" +
                      plan.media[2].upload_name + "\">"),
            std::string::npos);
  EXPECT_EQ(html.find("http"), std::string::npos) << "no internet assets, no absolute links";
  for (const PlannedMedia& m : plan.media) {
    EXPECT_EQ(read(channel_.path / "media" / m.upload_name), read(m.file));
  }
  auto findings = site_->verify(plan, post, {});
  ASSERT_TRUE(findings.ok()) << findings.error().to_string();
  EXPECT_TRUE(findings->empty()) << (*findings)[0].what << ": " << (*findings)[0].found;
  auto found = site_->find_post(plan, "jembatan");
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->url, post.url);
}

TEST_F(FolderSite, IndexListsEveryStoryNewestFirst) {
  publish(story("pasar", "Pasar baru dibuka", "2025-03-10"), "pasar");
  const ChannelPlan later = story("jembatan", "Jembatan diresmikan", "2025-03-14");
  publish(later, "jembatan");
  const std::string index = read(channel_.path / "index.html");
  const std::size_t newer = index.find("href=\"stories/jembatan.html\"");
  const std::size_t older = index.find("href=\"stories/pasar.html\"");
  ASSERT_NE(newer, std::string::npos) << index;
  ASSERT_NE(older, std::string::npos) << index;
  EXPECT_LT(newer, older);
  EXPECT_NE(index.find("Ringkasan &quot;pasar&quot;"), std::string::npos);
  EXPECT_NE(index.find("<img src=\"media/" + later.media[0].upload_name + "\""), std::string::npos);
  // Publishing a story again (an update) keeps one entry for it.
  publish(later, "jembatan");
  const std::string again = read(channel_.path / "index.html");
  EXPECT_EQ(again.find("stories/jembatan.html", again.find("stories/jembatan.html") + 1),
            std::string::npos);
  // No temporary file is left anywhere in the site.
  for (const auto& e : fs::recursive_directory_iterator(channel_.path)) {
    EXPECT_NE(e.path().filename().string().front(), '.') << e.path();
  }
}

TEST_F(FolderSite, VerifyFindsBrokenLinksWrongTitleAndMissingMedia) {
  ChannelPlan plan = story("jembatan", "Jembatan diresmikan", "2025-03-14");
  const RemoteItem post = publish(plan, "jembatan");
  fs::remove(channel_.path / "media" / plan.media[1].upload_name);
  plan.text.title = "Judul lain";
  auto findings = site_->verify(plan, post, {});
  ASSERT_TRUE(findings.ok());
  bool title = false, link = false, media = false;
  for (const Finding& f : *findings) {
    if (f.what == "title") {
      title = true;
      EXPECT_EQ(f.expected, "Judul lain");
      EXPECT_EQ(f.found, "Jembatan diresmikan");
    }
    if (f.what == "link in jembatan.html" && f.found == "no such file") link = true;
    if (f.what == "media/" + plan.media[1].upload_name) media = true;
  }
  EXPECT_TRUE(title);
  EXPECT_TRUE(link);
  EXPECT_TRUE(media);
  fs::remove(post.url);
  auto gone = site_->verify(plan, post, {});
  ASSERT_EQ(gone->size(), 1u);
  EXPECT_EQ((*gone)[0].what, "story page");
}

TEST_F(FolderSite, HtmlBodyIsKeptAndItsOutsideLinksAllowed) {
  ChannelPlan plan = story("jembatan", "Jembatan", "2025-03-14");
  plan.limits.html_body = true;
  plan.text.body = "<p>See <a href=\"https://example.org/\">the map</a>.</p>";
  const RemoteItem post = publish(plan, "jembatan");
  EXPECT_NE(read(post.url).find(plan.text.body), std::string::npos);
  EXPECT_TRUE(site_->verify(plan, post, {})->empty());
  // A picture loaded from the internet is not.
  plan.text.body = "<p><img src=\"https://example.org/x.jpg\"></p>";
  publish(plan, "jembatan");
  auto findings = site_->verify(plan, post, {});
  ASSERT_EQ(findings->size(), 1u);
  EXPECT_EQ((*findings)[0].found, "https://example.org/x.jpg");
}

TEST_F(FolderSite, UnsafeNamesAreRefused) {
  ChannelPlan plan = story("jembatan", "Jembatan", "2025-03-14");
  auto post = site_->put_post(plan, "../escape", {}, std::nullopt);
  ASSERT_FALSE(post.ok());
  EXPECT_NE(post.error().message.find("channel site"), std::string::npos);
  plan.media[0].upload_name = "../../etc/x.jpg";
  EXPECT_FALSE(site_->upload_media(plan, plan.media[0]).ok());
}

}  // namespace
}  // namespace saluran
