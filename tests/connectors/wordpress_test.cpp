// The WordPress connector against a real WordPress (tests/servers/wordpress), started once for
// the suite; faults come from the fault-injecting proxy between the connector and WordPress,
// and from tiny cpp-httplib servers for the answers WordPress itself never gives (413, a login
// page).

#include "connectors/wordpress.hpp"

#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "tests/support/fault_proxy.hpp"
#include "tests/support/real_server.hpp"

namespace saluran {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

// An HTTP server on 127.0.0.1 that answers every request with one fixed response.
class FixedServer {
 public:
  FixedServer(int status, std::string body, std::string type) {
    const auto handler = [=](const httplib::Request&, httplib::Response& res) {
      res.status = status;
      res.set_content(body, type);
    };
    server_.Get(".*", handler);
    server_.Post(".*", [=](const httplib::Request&, httplib::Response& res,
                           const httplib::ContentReader& reader) {
      reader([](const char*, std::size_t) { return true; });
      res.status = status;
      res.set_content(body, type);
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::yield();
  }
  ~FixedServer() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

TEST(WordPressContent, RemoteFileNamesAreKeptAsWordPressStoresThem) {
  EXPECT_EQ(WordPressConnector::remote_file_name("jembatan-ab12cd34-web.jpg"),
            "jembatan-ab12cd34-web.jpg");
  EXPECT_EQ(WordPressConnector::remote_file_name("Jembatan Baru_ab12.v2-web.JPG"),
            "jembatan-baru_ab12-v2-web.jpg");
  EXPECT_EQ(WordPressConnector::remote_file_name("--Desa Sukamaju ✨--ab12-web.mp4"),
            "desa-sukamaju-ab12-web.mp4");
  EXPECT_EQ(WordPressConnector::remote_file_name("🌉.jpg"), "media.jpg");
}

TEST(WordPressContent, PostContentHasTheGalleryAndTheVideoEscaped) {
  ChannelPlan p;
  p.text.body = "Paragraf <satu> & dua.\nBaris kedua.\n\nParagraf tiga.";
  PlannedMedia cover;
  cover.role = MediaRole::kCover;
  cover.kind = "photo";
  PlannedMedia gallery;
  gallery.kind = "photo";
  gallery.alt = "Warga \"menyambut\"";
  gallery.caption = "Foto: Tim <Diskominfo>";
  PlannedMedia video;
  video.role = MediaRole::kVideo;
  video.kind = "video";
  p.media = {cover, gallery, video};
  const std::vector<RemoteItem> items = {{"7", "http://s/c.jpg", "c", ""},
                                         {"8", "http://s/g.jpg", "g", ""},
                                         {"9", "http://s/v.mp4", "v", ""}};
  const std::string html = WordPressConnector::post_content(p, items);
  EXPECT_NE(html.find("<p>Paragraf &lt;satu&gt; &amp; dua.<br>\nBaris kedua.</p>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<p>Paragraf tiga.</p>"), std::string::npos) << html;
  EXPECT_NE(html.find("<!-- wp:gallery"), std::string::npos);
  EXPECT_NE(html.find("<img src=\"http://s/g.jpg\" alt=\"Warga &quot;menyambut&quot;\" "
                      "class=\"wp-image-8\"/>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<figcaption class=\"wp-element-caption\">Foto: Tim "
                      "&lt;Diskominfo&gt;</figcaption>"),
            std::string::npos);
  EXPECT_EQ(html.find("http://s/c.jpg"), std::string::npos) << "the cover is the featured image";
  EXPECT_NE(html.find("<!-- wp:video {\"id\":9} -->"), std::string::npos);
  EXPECT_NE(html.find("<video controls src=\"http://s/v.mp4\""), std::string::npos);
  EXPECT_LT(html.find("wp:gallery"), html.find("wp:video"));
}

class WordPressConnectorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new test::RealServer("wordpress");
    if (!server_->running()) return;
    std::cout << "[ wordpress ] started at " << server_->url() << " in " << server_->start_seconds()
              << " s\n";
    files_ = new test::TempDir("wp-connector");
    const std::string ff = "ffmpeg -loglevel error -y -f lavfi -i ";
    for (const auto& [name, size] :
         {std::pair{"a.jpg", "640x480"}, {"b.jpg", "800x600"}, {"c.jpg", "1024x768"}}) {
      test::run_command(ff + "testsrc=size=" + size + " -frames:v 1 " +
                        test::shell_quote(*files_ / name) + " 2>&1");
    }
    test::run_command(ff + "testsrc=size=320x240:rate=25 -t 1 -c:v libx264 -pix_fmt yuv420p " +
                      test::shell_quote(*files_ / "v.mp4") + " 2>&1");
  }
  static void TearDownTestSuite() {
    delete files_;
    files_ = nullptr;
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    if (server_->not_installed()) GTEST_SKIP() << server_->problem();
    ASSERT_TRUE(server_->running()) << server_->problem();
    for (const char* f : {"a.jpg", "b.jpg", "c.jpg", "v.mp4"}) {
      ASSERT_TRUE(std::filesystem::exists(*files_ / f)) << "ffmpeg could not make " << f;
    }
  }

  static ChannelConfig channel(const std::string& url) {
    ChannelConfig c;
    c.name = "website";
    c.kind = ChannelKind::kWordPress;
    c.url = url + "/";
    c.user = server_->credential("user");
    return c;
  }
  // A connector to `url` (WordPress itself by default) through `client`.
  static WordPressConnector connector(const http::Client& client, std::string url = {},
                                      std::string password = {}) {
    if (url.empty()) url = server_->url();
    if (password.empty()) password = server_->credential("app_password");
    return WordPressConnector(channel(url),
                              ConnectorContext{.secret = password, .client = &client});
  }
  static int port() { return std::stoi(server_->url().substr(server_->url().rfind(':') + 1)); }

  static PlannedMedia made(MediaRole role, const std::string& asset, const char* file,
                           const char* kind) {
    PlannedMedia m;
    m.role = role;
    m.asset = asset;
    m.preset = "web";
    m.file = *files_ / file;
    m.kind = kind;
    m.made = true;
    return m;
  }
  static PlannedMedia photo(const std::string& slug, const char* file, MediaRole role,
                            const std::string& asset) {
    PlannedMedia m = made(role, asset, file, "photo");
    m.upload_name = slug + "-" + asset.substr(0, 8) + "-web.jpg";
    m.alt = "Foto " + asset.substr(0, 4);
    m.caption = "Keterangan foto " + asset.substr(0, 4) + " — Desa Sukamaju";
    return m;
  }
  // A story's plan for the website: a cover, two gallery photos and a video.
  static ChannelPlan plan(const std::string& slug) {
    ChannelPlan p;
    p.channel = channel(server_->url());
    p.limits.html_body = true;
    p.text.title = "Bupati meresmikan Jembatan Cikapundung 🌉 " + slug;
    p.text.body = "<p>Bandung — Bupati meresmikan jembatan baru.</p>\n<p>Warga menyambut.</p>";
    p.text.excerpt = "Jembatan baru menghubungkan dua desa.";
    p.text.category = "Berita Daerah";
    p.text.tags = {"infrastruktur", "#jembatan"};
    p.media.push_back(photo(slug, "c.jpg", MediaRole::kCover, "c0ffee11aa"));
    p.media.push_back(photo(slug, "a.jpg", MediaRole::kGallery, "aaaa2222bb"));
    p.media.push_back(photo(slug, "b.jpg", MediaRole::kGallery, "bbbb3333cc"));
    PlannedMedia v = made(MediaRole::kVideo, "dddd4444ee", "v.mp4", "video");
    v.upload_name = slug + "-dddd4444-web.mp4";
    p.media.push_back(v);
    return p;
  }

  // What the publish stage does: find or upload each file, then find or make the post.
  static Result<RemoteItem> publish(Connector& c, const ChannelPlan& p, const std::string& slug,
                                    bool update = false) {
    std::vector<RemoteItem> items;
    for (const PlannedMedia& m : p.media) {
      Result<std::optional<RemoteItem>> found = c.find_media(m);
      if (!found) return found.error();
      if (*found) {
        items.push_back(**found);
        continue;
      }
      Result<RemoteItem> up = c.upload_media(p, m);
      if (!up) return up.error();
      items.push_back(*up);
    }
    Result<std::optional<RemoteItem>> post = c.find_post(p, slug);
    if (!post) return post.error();
    if (*post && !update) return **post;
    return c.put_post(p, slug, items, *post);
  }

  static json get(const std::string& path) {
    http::Client client;
    http::Request req{.url = server_->url() + "/wp-json/wp/v2" + path};
    req.headers.set("Authorization", http::basic_auth(server_->credential("user"),
                                                      server_->credential("app_password")));
    Result<http::Response> r = client.send(req);
    EXPECT_TRUE(r.ok()) << r.error().to_string();
    return r.ok() ? json::parse(r->body) : json();
  }
  static void post(const std::string& path, const json& body) {
    http::Client client;
    http::Request req{
        .method = "POST", .url = server_->url() + "/wp-json/wp/v2" + path, .body = body.dump()};
    req.headers.set("Authorization", http::basic_auth(server_->credential("user"),
                                                      server_->credential("app_password")));
    req.headers.set("Content-Type", "application/json");
    Result<http::Response> r = client.send(req);
    EXPECT_TRUE(r.ok()) << r.error().to_string();
  }
  // Media whose file name starts with `stem` (a second copy would be STEM-1.jpg).
  static int media_count(const std::string& stem) {
    int n = 0;
    for (const json& m : get("/media?per_page=100&search=" + stem)) {
      const std::string url = m["source_url"];
      n += url.substr(url.rfind('/') + 1).rfind(stem, 0) == 0 ? 1 : 0;
    }
    return n;
  }
  // Posts with this slug or the slug WordPress gives a second one (SLUG-2).
  static int post_count(const std::string& slug) {
    return static_cast<int>(
        get("/posts?status=publish,future,draft&slug=" + slug + "," + slug + "-2").size());
  }
  static int term_count(const std::string& taxonomy, const std::string& name) {
    int n = 0;
    std::string query = name;
    for (std::size_t at = query.find(' '); at != std::string::npos; at = query.find(' ', at)) {
      query.replace(at, 1, "%20");
    }
    for (const json& t : get("/" + taxonomy + "?per_page=100&search=" + query)) {
      n += t["name"] == name ? 1 : 0;
    }
    return n;
  }

  static http::ClientOptions quick() {
    http::ClientOptions o;
    o.retry.initial_delay = 20ms;
    o.timeouts.low_speed = 2s;
    return o;
  }

  static test::RealServer* server_;
  static test::TempDir* files_;
};

test::RealServer* WordPressConnectorTest::server_ = nullptr;
test::TempDir* WordPressConnectorTest::files_ = nullptr;

TEST_F(WordPressConnectorTest, TestLogsInAndUploadsOnceWithAltTextAndCaption) {
  http::Client client;
  WordPressConnector c = connector(client);
  Status ok = c.test();
  ASSERT_TRUE(ok.ok()) << ok.error().to_string();

  const ChannelPlan p = plan("unggah");
  const PlannedMedia& m = p.media[1];
  Result<std::optional<RemoteItem>> none = c.find_media(m);
  ASSERT_TRUE(none.ok()) << none.error().to_string();
  EXPECT_FALSE(none->has_value());
  Result<RemoteItem> up = c.upload_media(p, m);
  ASSERT_TRUE(up.ok()) << up.error().to_string();
  EXPECT_EQ(up->url.substr(up->url.rfind('/') + 1), "unggah-aaaa2222-web.jpg");
  const json detail = json::parse(up->detail);
  EXPECT_EQ(detail["width"], 640);
  EXPECT_EQ(detail["height"], 480);
  EXPECT_EQ(detail["bytes"], std::filesystem::file_size(m.file));

  Result<std::optional<RemoteItem>> again = c.find_media(m);
  ASSERT_TRUE(again.ok()) << again.error().to_string();
  ASSERT_TRUE(again->has_value());
  EXPECT_EQ((*again)->id, up->id);
  EXPECT_EQ(media_count("unggah-aaaa2222-web"), 1);
  const json remote = get("/media/" + up->id + "?context=edit");
  EXPECT_EQ(remote["alt_text"], m.alt);
  EXPECT_EQ(remote["caption"]["raw"], m.caption);
  // Another photo of the same story is another file: not found by this one's name.
  Result<std::optional<RemoteItem>> other = c.find_media(p.media[2]);
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->has_value());
}

TEST_F(WordPressConnectorTest, PostIsMadeFoundUpdatedAndVerified) {
  http::Client client;
  WordPressConnector c = connector(client);
  const std::string slug = "jembatan-cikapundung";
  ChannelPlan p = plan(slug);
  Result<RemoteItem> first = publish(c, p, slug);
  ASSERT_TRUE(first.ok()) << first.error().to_string();
  EXPECT_EQ(first->name, slug);
  const json made = get("/posts/" + first->id + "?context=edit");
  EXPECT_EQ(made["title"]["raw"], p.text.title);  // Indonesian with an emoji, byte for byte
  EXPECT_EQ(made["status"], "publish");
  const std::string content = made["content"]["raw"];
  EXPECT_NE(content.find("wp:gallery"), std::string::npos);
  EXPECT_NE(content.find("<video controls"), std::string::npos);

  // A rerun finds everything and makes nothing; --update rewrites the same post.
  Result<RemoteItem> rerun = publish(c, p, slug);
  ASSERT_TRUE(rerun.ok()) << rerun.error().to_string();
  EXPECT_EQ(rerun->id, first->id);
  p.text.title = "Jembatan Cikapundung diresmikan, warga bersukacita 🎉";
  p.text.tags.push_back("warga");
  Result<RemoteItem> updated = publish(c, p, slug, true);
  ASSERT_TRUE(updated.ok()) << updated.error().to_string();
  EXPECT_EQ(updated->id, first->id);
  EXPECT_EQ(get("/posts/" + first->id + "?context=edit")["title"]["raw"], p.text.title);
  EXPECT_EQ(post_count(slug), 1);
  EXPECT_EQ(media_count(slug + "-c0ffee11"), 1);
  EXPECT_EQ(media_count(slug + "-dddd4444"), 1);
  EXPECT_EQ(term_count("categories", "Berita Daerah"), 1);
  EXPECT_EQ(term_count("tags", "jembatan"), 1);

  std::vector<RemoteItem> items;
  for (const PlannedMedia& m : p.media) items.push_back(**c.find_media(m));
  EXPECT_EQ(made["featured_media"], std::stoi(items[0].id));
  Result<std::vector<Finding>> findings = c.verify(p, *updated, items);
  ASSERT_TRUE(findings.ok()) << findings.error().to_string();
  for (const Finding& f : *findings)
    ADD_FAILURE() << f.what << ": " << f.expected << " / " << f.found;
}

TEST_F(WordPressConnectorTest, VerifyReportsWhatWasChangedBehindOurBack) {
  http::Client client;
  WordPressConnector c = connector(client);
  const std::string slug = "diubah-diam-diam";
  const ChannelPlan p = plan(slug);
  Result<RemoteItem> made = publish(c, p, slug);
  ASSERT_TRUE(made.ok()) << made.error().to_string();
  std::vector<RemoteItem> items;
  for (const PlannedMedia& m : p.media) items.push_back(**c.find_media(m));
  Result<std::vector<Finding>> clean = c.verify(p, *made, items);
  ASSERT_TRUE(clean.ok()) << clean.error().to_string();
  EXPECT_TRUE(clean->empty()) << clean->front().what << ": " << clean->front().found;

  post("/posts/" + made->id, {{"title", "Judul lain"},
                              {"featured_media", 0},
                              {"status", "draft"},
                              {"content", "<p>Isi diganti.</p>"}});
  post("/media/" + items[1].id, {{"alt_text", "diganti"}});
  Result<std::vector<Finding>> findings = c.verify(p, *made, items);
  ASSERT_TRUE(findings.ok()) << findings.error().to_string();
  std::set<std::string> what;
  for (const Finding& f : *findings) what.insert(f.what);
  EXPECT_EQ(what, (std::set<std::string>{"title", "featured image", "status", "content",
                                         "photo " + p.media[1].upload_name + " alt text"}));
}

TEST_F(WordPressConnectorTest, DraftAndScheduledPosts) {
  http::Client client;
  WordPressConnector c = connector(client);
  ChannelPlan draft = plan("konsep-berita");
  draft.status = PostStatus::kDraft;
  Result<RemoteItem> d = publish(c, draft, "konsep-berita");
  ASSERT_TRUE(d.ok()) << d.error().to_string();
  EXPECT_EQ(get("/posts/" + d->id + "?context=edit")["status"], "draft");
  Result<std::optional<RemoteItem>> found = c.find_post(draft, "konsep-berita");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->id, d->id);

  ChannelPlan later = plan("terjadwal");
  later.status = PostStatus::kScheduled;
  later.schedule = "2031-03-15T08:00:00+07:00";
  Result<RemoteItem> f = publish(c, later, "terjadwal");
  ASSERT_TRUE(f.ok()) << f.error().to_string();
  const json remote = get("/posts/" + f->id + "?context=edit");
  EXPECT_EQ(remote["status"], "future");
  EXPECT_EQ(remote["date_gmt"], "2031-03-15T01:00:00");
  std::vector<RemoteItem> items;
  for (const PlannedMedia& m : later.media) items.push_back(**c.find_media(m));
  Result<std::vector<Finding>> findings = c.verify(later, *f, items);
  ASSERT_TRUE(findings.ok()) << findings.error().to_string();
  EXPECT_TRUE(findings->empty()) << findings->front().what << ": " << findings->front().found;
}

TEST_F(WordPressConnectorTest, WrongPasswordSaysToMakeANewApplicationPassword) {
  http::Client client;
  WordPressConnector c = connector(client, {}, "abcd efgh ijkl mnop qrst uvwx");
  Status st = c.test();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kPermission);
  const std::string line = st.error().to_string();
  EXPECT_EQ(line.find('\n'), std::string::npos) << line;
  EXPECT_EQ(line.rfind("channel website: WordPress refused the login of user \"admin\"", 0), 0u)
      << line;
  EXPECT_NE(line.find("make a new Application Password"), std::string::npos) << line;
  EXPECT_NE(line.find("saluran channels add website"), std::string::npos) << line;
  EXPECT_EQ(line.find("abcd"), std::string::npos) << "the password must never be shown";
}

TEST_F(WordPressConnectorTest, AWebPageInsteadOfTheApiIsNamed) {
  http::Client client;
  // A URL below the site's root: WordPress answers its themed 404 page.
  WordPressConnector wrong_path = connector(client, server_->url() + "/berita");
  Status st = wrong_path.test();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("answers with a web page, not the WordPress API: check the "
                                    "URL (is it the site's root?) or the proxy"),
            std::string::npos)
      << st.error().to_string();
  // A login page answered with 200 (a captive portal or a proxy's sign-in).
  FixedServer login(200, "<!DOCTYPE html><html><body><form>Log In</form></body></html>",
                    "text/html");
  WordPressConnector portal = connector(client, login.url());
  Result<std::optional<RemoteItem>> found = portal.find_post(plan("x"), "x");
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.error().message.rfind(
                "channel website: the address " + login.url() + " answers with a web page", 0),
            0u)
      << found.error().to_string();
}

TEST_F(WordPressConnectorTest, TooLargeFileAndUnreachableSiteSayWhatToDo) {
  http::Client client;
  FixedServer nginx(413, "<html><head><title>413 Request Entity Too Large</title></head></html>",
                    "text/html");
  WordPressConnector c = connector(client, nginx.url());
  const ChannelPlan p = plan("besar");
  Result<RemoteItem> up = c.upload_media(p, p.media[3]);
  ASSERT_FALSE(up.ok());
  EXPECT_EQ(up.error().code, ErrorCode::kLimitExceeded);
  EXPECT_NE(up.error().message.find("v.mp4 ("), std::string::npos) << up.error().to_string();
  EXPECT_NE(up.error().message.find("is larger than the website accepts"), std::string::npos);
  EXPECT_NE(up.error().message.find("upload_max_filesize"), std::string::npos);

  http::ClientOptions o = quick();
  o.retry.max_attempts = 2;
  http::Client impatient(o);
  WordPressConnector gone =
      connector(impatient, "http://127.0.0.1:" + std::to_string(test::free_port()));
  Status st = gone.test();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kIo);
  EXPECT_NE(st.error().message.find("channel website: the website http://127.0.0.1:"),
            std::string::npos)
      << st.error().to_string();
  EXPECT_NE(st.error().message.find("could not be reached"), std::string::npos);
}

TEST_F(WordPressConnectorTest, RetriesA503AndA429WithoutDuplicates) {
  test::FaultProxy proxy(port(), {.fault = test::Fault::kAnswer503, .times = 1});
  std::vector<std::chrono::milliseconds> waits;
  http::ClientOptions o = quick();
  o.retry.sleep = [&](std::chrono::milliseconds d) {
    waits.push_back(d);
    std::this_thread::sleep_for(d);
  };
  http::Client client(o);
  WordPressConnector c = connector(client, proxy.url());
  const std::string slug = "gangguan-server";
  const ChannelPlan p = plan(slug);
  Result<RemoteItem> up = c.upload_media(p, p.media[1]);
  ASSERT_TRUE(up.ok()) << up.error().to_string();
  EXPECT_EQ(proxy.faulted(), 1);
  EXPECT_EQ(media_count(slug + "-aaaa2222"), 1);

  proxy.set_plan({.fault = test::Fault::kAnswer429, .times = 1, .retry_after = "1"});
  waits.clear();
  Result<RemoteItem> made = publish(c, p, slug);
  ASSERT_TRUE(made.ok()) << made.error().to_string();
  EXPECT_EQ(proxy.faulted(), 2);
  ASSERT_FALSE(waits.empty());
  EXPECT_EQ(waits.front(), 1000ms);  // as the server asked
  EXPECT_EQ(post_count(slug), 1);
  for (const PlannedMedia& m : p.media) {
    EXPECT_EQ(media_count(m.upload_name.substr(0, m.upload_name.rfind('.'))), 1) << m.upload_name;
  }
}

TEST_F(WordPressConnectorTest, CutAndStalledUploadsAreBoundedAndNeverDuplicated) {
  test::FaultProxy proxy(port());
  http::Client client(quick());
  WordPressConnector c = connector(client, proxy.url());
  const std::string slug = "koneksi-putus";
  const ChannelPlan p = plan(slug);

  // Cut in the middle of the body: WordPress never got the file; the retry sends it once.
  proxy.set_plan({.fault = test::Fault::kCloseAfter, .times = 1, .close_after_bytes = 20000});
  Result<RemoteItem> cut = c.upload_media(p, p.media[0]);
  ASSERT_TRUE(cut.ok()) << cut.error().to_string();
  EXPECT_EQ(proxy.faulted(), 1);
  EXPECT_EQ(media_count(slug + "-c0ffee11"), 1);

  // A server that takes the request and never answers: cut off by the low-speed limit, then
  // looked for (not there: the proxy kept it) and sent again, all in bounded time.
  proxy.set_plan({.fault = test::Fault::kStall, .times = 1});
  const auto start = std::chrono::steady_clock::now();
  Result<RemoteItem> stalled = c.upload_media(p, p.media[1]);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(stalled.ok()) << stalled.error().to_string();
  EXPECT_LT(seconds, 30.0);
  EXPECT_EQ(media_count(slug + "-aaaa2222"), 1);

  // Stalled for good: the run gives up within its budget with one line naming the channel...
  http::ClientOptions o = quick();
  o.retry.max_total = 6s;
  http::Client bounded(o);
  WordPressConnector b = connector(bounded, proxy.url());
  proxy.set_plan({.fault = test::Fault::kStall, .times = -1});
  const auto t0 = std::chrono::steady_clock::now();
  Result<RemoteItem> given_up = b.upload_media(p, p.media[2]);
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 30.0);
  ASSERT_FALSE(given_up.ok());
  EXPECT_EQ(given_up.error().message.rfind("channel website: the website", 0), 0u)
      << given_up.error().to_string();
  EXPECT_NE(given_up.error().message.find("gave up after"), std::string::npos);

  // ...and a rerun completes the story with one of everything.
  proxy.set_plan({});
  Result<RemoteItem> rerun = publish(c, p, slug);
  ASSERT_TRUE(rerun.ok()) << rerun.error().to_string();
  Result<RemoteItem> again = publish(c, p, slug);
  ASSERT_TRUE(again.ok()) << again.error().to_string();
  EXPECT_EQ(again->id, rerun->id);
  EXPECT_EQ(post_count(slug), 1);
  for (const PlannedMedia& m : p.media) {
    EXPECT_EQ(media_count(m.upload_name.substr(0, m.upload_name.rfind('.'))), 1) << m.upload_name;
  }
}

TEST_F(WordPressConnectorTest, AnAnswerLostAfterTheWholeUploadIsFoundNotSentAgain) {
  test::FaultProxy proxy(port());
  std::vector<std::string> log;
  http::ClientOptions o = quick();
  o.log = [&](std::string_view line) { log.emplace_back(line); };
  http::Client client(o);
  WordPressConnector c = connector(client, proxy.url());
  const std::string slug = "jawaban-hilang";
  ChannelPlan p = plan(slug);
  PlannedMedia m = p.media[1];
  m.alt.clear();
  m.caption.clear();  // one request only: the upload
  // Measure the request once, then remove what it made.
  const std::uint64_t before = proxy.bytes_to_server();
  Result<RemoteItem> measured = c.upload_media(p, m);
  ASSERT_TRUE(measured.ok()) << measured.error().to_string();
  const std::uint64_t request_bytes = proxy.bytes_to_server() - before;
  http::Client direct;
  http::Request del{.method = "DELETE",
                    .url = server_->url() + "/wp-json/wp/v2/media/" + measured->id + "?force=true"};
  del.headers.set("Authorization", http::basic_auth(server_->credential("user"),
                                                    server_->credential("app_password")));
  ASSERT_TRUE(direct.send(del).ok());
  ASSERT_EQ(media_count(slug + "-aaaa2222"), 0);

  // The same request again, cut right after its last byte: WordPress makes the media, the
  // answer never comes. The connector waits, finds it, and does not upload a second copy.
  proxy.set_plan(
      {.fault = test::Fault::kCloseAfter, .times = 1, .close_after_bytes = request_bytes});
  Result<RemoteItem> up = c.upload_media(p, m);
  ASSERT_TRUE(up.ok()) << up.error().to_string();
  EXPECT_EQ(proxy.faulted(), 1);
  EXPECT_EQ(media_count(slug + "-aaaa2222"), 1);
  EXPECT_TRUE(std::any_of(log.begin(), log.end(), [](const std::string& line) {
    return line.find("the website already has it") != std::string::npos;
  })) << "the file was sent again instead of found";

  // The same for a run killed at that moment (no retry at all): the rerun finds the media.
  del.url = server_->url() + "/wp-json/wp/v2/media/" + up->id + "?force=true";
  ASSERT_TRUE(direct.send(del).ok());
  o.retry.max_attempts = 1;
  http::Client once(o);
  WordPressConnector killed = connector(once, proxy.url());
  proxy.set_plan(
      {.fault = test::Fault::kCloseAfter, .times = 1, .close_after_bytes = request_bytes});
  Result<RemoteItem> lost = killed.upload_media(p, m);
  ASSERT_FALSE(lost.ok());
  std::this_thread::sleep_for(3s);  // the office runs it again a little later
  Result<std::optional<RemoteItem>> found = c.find_media(m);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ(media_count(slug + "-aaaa2222"), 1);
}

TEST_F(WordPressConnectorTest, APostWhoseAnswerWasLostIsFoundNotMadeTwice) {
  http::Client direct;
  WordPressConnector plain = connector(direct);
  const std::string slug = "pos-jawaban-hilang";
  // No category or tags: the create is then put_post's only request, and the first (PHP's
  // server closes every connection after one answer, and the proxy cuts the first).
  ChannelPlan p = plan(slug);
  p.text.category.clear();
  p.text.tags.clear();
  std::vector<RemoteItem> items;
  for (const PlannedMedia& m : p.media) {
    Result<RemoteItem> up = plain.upload_media(p, m);
    ASSERT_TRUE(up.ok()) << up.error().to_string();
    items.push_back(*up);
  }
  const auto remove_post = [&](const std::string& id) {
    http::Request del{.method = "DELETE",
                      .url = server_->url() + "/wp-json/wp/v2/posts/" + id + "?force=true"};
    del.headers.set("Authorization", http::basic_auth(server_->credential("user"),
                                                      server_->credential("app_password")));
    ASSERT_TRUE(direct.send(del).ok());
  };
  // Once directly (the photos get their text), once through the proxy to measure the create.
  Result<RemoteItem> warm = plain.put_post(p, slug, items, std::nullopt);
  ASSERT_TRUE(warm.ok()) << warm.error().to_string();
  remove_post(warm->id);
  test::FaultProxy proxy(port());
  std::vector<std::string> log;
  http::ClientOptions o = quick();
  o.log = [&](std::string_view line) { log.emplace_back(line); };
  http::Client client(o);
  WordPressConnector c = connector(client, proxy.url());
  Result<RemoteItem> measured = c.put_post(p, slug, items, std::nullopt);
  ASSERT_TRUE(measured.ok()) << measured.error().to_string();
  const std::uint64_t bytes = proxy.bytes_to_server();
  remove_post(measured->id);
  ASSERT_EQ(post_count(slug), 0);

  // The same again, the connection cut right after the create's last byte.
  proxy.set_plan({.fault = test::Fault::kCloseAfter, .times = 1, .close_after_bytes = bytes});
  Result<RemoteItem> made = c.put_post(p, slug, items, std::nullopt);
  ASSERT_TRUE(made.ok()) << made.error().to_string();
  EXPECT_EQ(proxy.faulted(), 1);
  EXPECT_EQ(post_count(slug), 1);
  EXPECT_TRUE(std::any_of(log.begin(), log.end(), [](const std::string& line) {
    return line.find("the website already has it") != std::string::npos;
  })) << "the post was sent again instead of found";
  Result<std::optional<RemoteItem>> found = c.find_post(p, slug);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->id, made->id);
}

}  // namespace
}  // namespace saluran
