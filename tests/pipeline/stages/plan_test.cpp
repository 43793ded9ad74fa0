// make_plan on a library ingested from samples/generated: renditions made or to make, the text
// each channel shows (cut, hashtags, link), and every problem found before sending.

#include "pipeline/stages/plan.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <string>

#include "pipeline/ops/post_text.hpp"
#include "pipeline/ops/x_text.hpp"
#include "pipeline/stages/ingest.hpp"
#include "pipeline/stages/render_manifest.hpp"
#include "pipeline/stages/story_parse.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {

namespace fs = std::filesystem;

// compose_caption alone: no library needed.
TEST(ComposeCaption, CutsDerivedTextToLeaveRoomForLinkAndHashtags) {
  CaptionParts parts;
  parts.text = "Bupati meresmikan jembatan baru di Desa Sukamaju pagi ini bersama warga 🌉";
  parts.link = "{link}";
  parts.link_chars = 23;
  parts.hashtags = {"#Jembatan", "#Sukamaju"};
  std::vector<PlanProblem> problems;
  const std::string c = compose_caption(parts, 60, 0, 0, "x", problems);
  EXPECT_TRUE(problems.empty());
  // 60 - (2 + 23) - (2 + 19) = 14 characters of text.
  EXPECT_EQ(c, "Bupati" + std::string(kEllipsis) + "\n\n{link}\n\n#Jembatan #Sukamaju");
  const std::string whole = compose_caption(parts, 0, 0, 0, "x", problems);
  EXPECT_EQ(whole, parts.text + "\n\n{link}\n\n#Jembatan #Sukamaju");
}

TEST(ComposeCaption, XCountsTheWayXDoes) {
  // 200 CJK characters weigh 400 on X: cut to fit 280 with the link (23) and a hashtag.
  CaptionParts parts;
  for (int i = 0; i < 100; ++i) parts.text += i % 10 == 9 ? "日本 " : "日本";
  parts.link = "{link}";
  parts.link_chars = 23;
  parts.hashtags = {"#Jembatan"};
  parts.x_weighted = true;
  std::vector<PlanProblem> problems;
  const std::string c = compose_caption(parts, 280, 0, 0, "x", problems);
  EXPECT_TRUE(problems.empty());
  const std::string text = c.substr(0, c.find("\n\n"));
  EXPECT_LE(x_weighted_length(text) + 2 + 23 + 2 + 9, 280u) << text;
  EXPECT_GT(x_weighted_length(text), 200u) << text;  // cut near the limit, at a word boundary
  EXPECT_TRUE(text.ends_with(kEllipsis)) << text;
  // The same text counted in code points would have fitted whole: X's weights matter.
  parts.x_weighted = false;
  EXPECT_EQ(compose_caption(parts, 280, 0, 0, "x", problems).substr(0, parts.text.size()),
            parts.text);
  // An operator's caption over X's limit is reported in X's terms.
  parts.x_weighted = true;
  parts.is_override = true;
  compose_caption(parts, 280, 0, 0, "x", problems);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].message.find("as X counts them"), std::string::npos) << problems[0].message;
}

TEST(ComposeCaption, OverrideOverTheLimitIsReportedNotCut) {
  CaptionParts parts;
  parts.text = std::string(2195, 'a');
  parts.is_override = true;
  parts.hashtags = {"#Banjir"};
  std::vector<PlanProblem> problems;
  const std::string c = compose_caption(parts, 2200, 0, 30, "instagram", problems);
  EXPECT_EQ(c.substr(0, 2195), parts.text);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_TRUE(problems[0].blocking);
  EXPECT_NE(problems[0].message.find("caption is 2,204 of 2,200"), std::string::npos)
      << problems[0].message;
  EXPECT_NE(problems[0].message.find("channel.instagram.caption"), std::string::npos);
}

TEST(ComposeCaption, TooManyHashtagsAndByteLimits) {
  CaptionParts parts;
  parts.text = "Banjir";
  for (int i = 0; i < 31; ++i) parts.hashtags.push_back("#T" + std::to_string(i));
  std::vector<PlanProblem> problems;
  compose_caption(parts, 2200, 0, 30, "ig", problems);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].message.find("31 hashtags"), std::string::npos);
  CaptionParts emoji;
  emoji.text = "🌉 🌉 🌉 🌉 🌉";  // 9 code points, 24 bytes
  std::vector<PlanProblem> none;
  const std::string c = compose_caption(emoji, 100, 12, 0, "yt", none);
  EXPECT_LE(c.size(), 12u);
  EXPECT_TRUE(none.empty());
}

TEST(RenditionFile, NamedAsRenderNamesIt) {
  auto presets = PresetCatalog::load("/nonexistent-saluran-presets");
  ASSERT_TRUE(presets.ok());
  auto web = presets->get("web");
  auto radio = presets->get("radio-clip");
  ASSERT_TRUE(web.ok() && radio.ok());
  EXPECT_EQ(rendition_file("out", "/lib/2025/IMG_1.jpg", *web), fs::path("out/IMG_1.web-2048.jpg"));
  EXPECT_EQ(rendition_file("out", "/lib/2025/IMG_1.jpg", *web, 1000),
            fs::path("out/IMG_1.web-960.jpg"));  // render does not enlarge
  EXPECT_EQ(rendition_file("out", "/lib/2025/IMG_1.jpg", *web, 300),
            fs::path("out/IMG_1.web-480.jpg"));
  EXPECT_EQ(rendition_file("out", "/lib/wawancara.wav", *radio),
            fs::path("out/wawancara.radio-clip.mp3"));
}

/// A library ingested once from samples/generated for every test of the suite.
class PlanTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!fs::exists(test::samples_dir())) return;
    dir_ = std::make_unique<test::TempDir>("saluran-plan");
    IngestOptions opts;
    opts.library = library();
    opts.operator_name = "budi";
    auto r = ingest({test::samples_dir()}, opts);
    ASSERT_TRUE(r.ok()) << r.error().to_string();
  }
  static void TearDownTestSuite() { dir_.reset(); }

  void SetUp() override {
    SKIP_WITHOUT_SAMPLES();
    auto cat = Catalog::open(catalog_path(library()));
    ASSERT_TRUE(cat.ok());
    catalog_ = std::make_unique<Catalog>(std::move(*cat));
    auto presets = PresetCatalog::load(*dir_ / "presets");
    ASSERT_TRUE(presets.ok());
    presets_ = std::make_unique<PresetCatalog>(std::move(*presets));
    render_dir_ = fs::path(*dir_ / "renditions");
  }

  static std::string library() { return *dir_ / "library"; }

  // The library path of the asset ingested from the sample `name`.
  std::string path_of(const std::string& name) {
    AssetQuery q;
    q.text = name;
    auto found = catalog_->list_assets(q);
    EXPECT_TRUE(found.ok() && !found->empty()) << name;
    return found.ok() && !found->empty() ? found->front().library_path : std::string();
  }

  static ChannelConfig config(const std::string& name, ChannelKind kind) {
    ChannelConfig c;
    c.name = name;
    c.kind = kind;
    return c;
  }

  static std::vector<ChannelConfig> channels() {
    std::vector<ChannelConfig> out = {
        config("website", ChannelKind::kWordPress), config("radio", ChannelKind::kPlayout),
        config("x", ChannelKind::kX), config("instagram", ChannelKind::kInstagram),
        config("youtube", ChannelKind::kYouTube)};
    out[0].url = "http://127.0.0.1:8080/";
    out[1].path = "/srv/playout";
    out[3].public_base_url = "https://cdn.example.go.id/render/";
    return out;
  }

  Story story(const std::string& text) {
    auto s = parse_story_text(text, "story.toml");
    EXPECT_TRUE(s.ok()) << s.error().to_string();
    return s.ok() ? *s : Story{};
  }

  PublishPlan plan(const Story& s, std::vector<ChannelConfig> chans = channels()) {
    PlanInputs in{s, chans, *catalog_, library(), *presets_, render_dir_};
    auto p = make_plan(in);
    EXPECT_TRUE(p.ok()) << p.error().to_string();
    return p.ok() ? *p : PublishPlan{};
  }

  std::string full_story() {
    return "title = \"Bupati meresmikan Jembatan Cikapundung 🌉\"\n"
           "summary = \"Jembatan baru menghubungkan dua desa.\"\n"
           "body = \"\"\"\n" +
           body_ +
           "\"\"\"\n"
           "tags = [\"infrastruktur\", \"jembatan baru\"]\n"
           "channels = [\"website\", \"radio\", \"x\", \"instagram\", \"youtube\"]\n"
           "[[media]]\npath = \"" +
           path_of("IMG_0001") +
           "\"\nrole = \"cover\"\n"
           "[[media]]\npath = \"" +
           path_of("IMG_0002") +
           "\"\nrole = \"gallery\"\n"
           "[[media]]\npath = \"" +
           path_of("C0001") +
           "\"\nrole = \"video\"\n"
           "[[media]]\npath = \"" +
           path_of("wawancara") + "\"\nrole = \"radio\"\n";
  }

  const ChannelPlan& channel(const PublishPlan& p, const std::string& name) {
    for (const ChannelPlan& c : p.channels)
      if (c.channel.name == name) return c;
    static ChannelPlan none;
    ADD_FAILURE() << "no channel " << name;
    return none;
  }

  static bool mentions(const std::vector<PlanProblem>& ps, const std::string& text) {
    return std::any_of(ps.begin(), ps.end(), [&](const PlanProblem& p) {
      return p.message.find(text) != std::string::npos;
    });
  }

  static inline std::unique_ptr<test::TempDir> dir_;
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<PresetCatalog> presets_;
  fs::path render_dir_;
  std::string body_ =
      "Bandung — Bupati meresmikan jembatan Cikapundung pagi ini di hadapan ratusan warga yang "
      "sudah menunggu sejak subuh. Jembatan sepanjang 60 meter itu menghubungkan Desa Sukamaju "
      "dan Desa Cikadut, yang selama ini harus memutar sejauh delapan kilometer.\n\n"
      "Warga menyambut dengan gembira 🎉.\n";
};

TEST_F(PlanTest, EveryChannelGetsItsRenditions) {
  const PublishPlan p = plan(story(full_story()));
  EXPECT_FALSE(has_blocking_problem(p)) << plan_json(p).dump(2);
  ASSERT_EQ(p.channels.size(), 5u);
  const ChannelPlan& web = channel(p, "website");
  ASSERT_EQ(web.media.size(), 3u);
  EXPECT_EQ(web.media[0].role, MediaRole::kCover);
  EXPECT_EQ(web.media[0].preset, "web");
  EXPECT_EQ(web.media[0].file, render_dir_ / "IMG_0001.web-2048.jpg");
  EXPECT_EQ(web.media[0].kind, "photo");
  EXPECT_FALSE(web.media[0].made);
  EXPECT_EQ(web.media[2].preset, "web-video");
  EXPECT_EQ(web.media[2].file, render_dir_ / "C0001.web-video.mp4");
  const ChannelPlan& radio = channel(p, "radio");
  ASSERT_EQ(radio.media.size(), 1u);
  EXPECT_EQ(radio.media[0].preset, "radio-clip");
  EXPECT_EQ(radio.media[0].kind, "audio");
  const ChannelPlan& yt = channel(p, "youtube");
  ASSERT_EQ(yt.media.size(), 2u);
  EXPECT_EQ(yt.media[0].preset, "youtube-thumbnail");
  EXPECT_EQ(yt.media[1].preset, "youtube");
  // The camera clip meets YouTube's rules: its video is copied, and the plan says so.
  EXPECT_TRUE(yt.media[1].copy) << yt.media[1].copy_note;
  EXPECT_NE(yt.media[1].copy_note.find("copied"), std::string::npos);
  // X posts the video alone (four photos or one video), and says so.
  const ChannelPlan& x = channel(p, "x");
  ASSERT_EQ(x.media.size(), 1u);
  EXPECT_EQ(x.media[0].kind, "video");
  EXPECT_FALSE(x.media[0].copy);  // x-video always encodes: no note
  EXPECT_TRUE(x.media[0].copy_note.empty());
  // The website's and X's 720p videos of the clip are one encode, and both say so.
  EXPECT_NE(x.media[0].shared_note.find("one encode for x-video, web-video"), std::string::npos)
      << x.media[0].shared_note;
  EXPECT_EQ(web.media[2].shared_note, x.media[0].shared_note);
  EXPECT_TRUE(yt.media[1].shared_note.empty());
  EXPECT_TRUE(mentions(x.problems, "the video is posted"));
  EXPECT_EQ(
      channel(p, "instagram").media[0].public_url.rfind("https://cdn.example.go.id/render/", 0),
      0u);
  // Upload names: the slug, the asset, the preset; unique across the plan.
  std::set<std::string> names;
  for (const ChannelPlan& c : p.channels) {
    for (const PlannedMedia& m : c.media) {
      EXPECT_EQ(m.upload_name.rfind(p.story.slug + "-" + m.asset.substr(0, 8) + "-" + m.preset, 0),
                0u);
      names.insert(m.upload_name + "|" + c.channel.name);
    }
  }
  EXPECT_EQ(plan(story(full_story())).channels[0].media[0].upload_name, web.media[0].upload_name);
}

TEST_F(PlanTest, MadeWhenTheRenderManifestHoldsTheOutput) {
  fs::create_directories(render_dir_);
  const fs::path file = render_dir_ / "IMG_0001.web-2048.jpg";
  { std::ofstream(file) << "jpeg"; }
  RenderManifest m;
  m.outputs[file.filename().string()] = {"x", "web", file.string(), Outcome::kMade, "f", "{}"};
  ASSERT_TRUE(write_render_manifest(render_dir_.string(), m).ok());
  const PublishPlan p = plan(story(full_story()));
  const ChannelPlan& web = channel(p, "website");
  EXPECT_TRUE(web.media[0].made);
  EXPECT_FALSE(web.media[1].made);
  fs::remove_all(render_dir_);
}

TEST_F(PlanTest, PassThroughOfAMadeRenditionIsWhatTheRenderRecorded) {
  fs::create_directories(render_dir_);
  const fs::path file = render_dir_ / "C0001.youtube.mp4";
  { std::ofstream(file) << "mp4"; }
  RenderManifest m;
  const std::string details =
      R"({"plan":{"video":{"copy":false,"copy_note":"video encoded, not copied: recorded"}}})";
  m.outputs[file.filename().string()] = {"x", "youtube", file.string(), Outcome::kMade,
                                         "f", details};
  ASSERT_TRUE(write_render_manifest(render_dir_.string(), m).ok());
  const PublishPlan p = plan(story(full_story()));
  const PlannedMedia& yt = channel(p, "youtube").media[1];
  EXPECT_TRUE(yt.made);
  EXPECT_FALSE(yt.copy);
  EXPECT_EQ(yt.copy_note, "video encoded, not copied: recorded");
  const nlohmann::json j = plan_json(p);
  EXPECT_EQ(j["channels"][4]["media"][1]["copy"], false);
  EXPECT_EQ(j["channels"][4]["media"][1]["copy_note"], "video encoded, not copied: recorded");
  fs::remove_all(render_dir_);
}

TEST_F(PlanTest, FitAndBlurPadPicturesArePlannedAtTheFrameRenderMakes) {
  const fs::path user = *dir_ / "presets-fit";
  fs::create_directories(user);
  std::ofstream(user / "square-fit.toml")
      << "kind = \"image\"\n[image]\nwidth = 4000\nheight = 4000\naspect = \"fit\"\n";
  auto presets = PresetCatalog::load(user);
  ASSERT_TRUE(presets.ok()) << presets.error().to_string();
  presets_ = std::make_unique<PresetCatalog>(std::move(*presets));
  std::vector<ChannelConfig> chans = channels();
  chans[3].presets = {"instagram-story-fit", "square-fit"};
  const PublishPlan p = plan(story(full_story()), chans);
  auto find = [&](const std::string& source, const std::string& preset) {
    for (const PlannedMedia& m : channel(p, "instagram").media)
      if (m.source.filename() == source && m.preset == preset) return m;
    ADD_FAILURE() << source << " " << preset;
    return PlannedMedia{};
  };
  // The story frame whatever the photo (enlarged to it); a fit frame that does not enlarge
  // takes the frame's shape at the photo's scale (IMG_0002 is 1200x1600 upright).
  const PlannedMedia story_fit = find("IMG_0001.jpg", "instagram-story-fit");
  EXPECT_EQ(story_fit.aspect, "blur-pad");
  EXPECT_EQ(std::make_pair(story_fit.width, story_fit.height), std::make_pair(1080, 1920));
  const PlannedMedia square = find("IMG_0002.jpg", "square-fit");
  EXPECT_EQ(square.aspect, "fit");
  EXPECT_EQ(std::make_pair(square.width, square.height), std::make_pair(1600, 1600));
  const nlohmann::json j = plan_json(p);
  bool listed = false;
  for (const nlohmann::json& m : j["channels"][3]["media"]) {
    if (m["preset"] != "instagram-story-fit") continue;
    EXPECT_EQ(m["aspect"], "blur-pad");
    EXPECT_EQ(m["width"], 1080);
    EXPECT_EQ(m["height"], 1920);
    listed = true;
  }
  EXPECT_TRUE(listed) << j.dump(2);
}

TEST_F(PlanTest, TextIsCutAndPlaced) {
  const PublishPlan p = plan(story(full_story()));
  const ChannelPlan& x = channel(p, "x");
  EXPECT_LE(count_code_points(x.text.caption) - 6 + 23, 280u) << x.text.caption;
  EXPECT_EQ(x.text.caption.rfind("Bupati meresmikan Jembatan Cikapundung 🌉", 0), 0u);
  EXPECT_NE(x.text.caption.find("\n\n{link}\n\n#Infrastruktur #JembatanBaru"), std::string::npos)
      << x.text.caption;
  const ChannelPlan& ig = channel(p, "instagram");
  EXPECT_EQ(ig.text.caption.find("{link}"), std::string::npos);  // not clickable there
  EXPECT_NE(ig.text.caption.find("Warga menyambut dengan gembira 🎉."), std::string::npos);
  const ChannelPlan& web = channel(p, "website");
  EXPECT_EQ(web.text.body.rfind("<p>Bandung — Bupati", 0), 0u) << web.text.body;
  EXPECT_EQ(web.text.excerpt, "Jembatan baru menghubungkan dua desa.");
  EXPECT_TRUE(web.text.caption.empty());
  EXPECT_EQ(channel(p, "radio").text.title, "Bupati meresmikan Jembatan Cikapundung 🌉");
}

TEST_F(PlanTest, LongDerivedXTextIsCutAtAWord) {
  body_ = std::string();
  std::string text = full_story();
  text.replace(text.find("summary = \"") + 11, 0,
               std::string(40, ' ') + "panjang sekali " + std::string(300, 'k') + " ");
  const PublishPlan p = plan(story(text));
  const std::string& c = channel(p, "x").text.caption;
  EXPECT_NE(c.find("panjang sekali" + std::string(kEllipsis) + "\n\n{link}"), std::string::npos)
      << c;
}

TEST_F(PlanTest, ProblemsBeforeSending) {
  std::string text = full_story();
  text.replace(text.find("role = \"cover\""), 14, "role = \"gallery\"");
  text.replace(text.find("title = \""), 9, "title = \"TODO: ");
  text.replace(text.find("\"youtube\"]"), 10, "\"youtube\", \"tiktok\"]");
  text += "[channel.instagram]\ncaption = \"" + std::string(2300, 'a') + "\"\n";
  const PublishPlan p = plan(story(text));
  EXPECT_TRUE(has_blocking_problem(p));
  EXPECT_TRUE(mentions(p.problems, "title still holds TODO"));
  EXPECT_TRUE(mentions(p.problems, "channel \"tiktok\" is not in channels.toml"));
  EXPECT_TRUE(mentions(channel(p, "website").problems, "no cover photo"));
  EXPECT_TRUE(mentions(channel(p, "instagram").problems, "caption is 2,3"));
  EXPECT_EQ(channel(p, "instagram").text.caption.substr(0, 2300), std::string(2300, 'a'));
  EXPECT_FALSE(mentions(channel(p, "radio").problems, "no sound"));
}

TEST_F(PlanTest, MediaThatMatchesNothingIsAProblemWithItsLine) {
  std::string text = full_story();
  text += "[[media]]\npath = \"2099/nothing.jpg\"\nrole = \"gallery\"\n";
  text += "[[media]]\nquery = { kind = \"photo\", day = \"1999-01-01\" }\n";
  text += "[[media]]\npath = \"/etc/hostname\"\n";
  text += "[[media]]\npath = \"" + path_of("IMG_0003") + "\"\nrole = \"video\"\n";
  const Story s = story(text);
  const PublishPlan p = plan(s);
  EXPECT_TRUE(mentions(p.problems, "media.path \"2099/nothing.jpg\" matches no file"));
  EXPECT_TRUE(mentions(p.problems, "(line " + std::to_string(s.media[4].line) + ")"));
  EXPECT_TRUE(mentions(p.problems, "media.query matches nothing"));
  EXPECT_TRUE(mentions(p.problems, "\"/etc/hostname\" is not in the library"));
  EXPECT_TRUE(mentions(p.problems, "is a photo, not fit for media.role = \"video\""));
}

TEST_F(PlanTest, QueriesAndAssetIdsResolve) {
  std::string text = full_story();
  AssetQuery q;
  q.text = "IMG_0001";
  const std::string hash = catalog_->list_assets(q)->front().hash;
  text.replace(text.find("path = \"" + path_of("IMG_0001") + "\""),
               8 + path_of("IMG_0001").size() + 1, "asset = \"" + hash.substr(0, 10) + "\"");
  text += "[[media]]\nquery = { kind = \"photo\" }\n";
  const PublishPlan p = plan(story(text));
  EXPECT_TRUE(p.problems.empty()) << plan_json(p).dump(2);
  const ChannelPlan& web = channel(p, "website");
  EXPECT_EQ(web.media[0].asset, hash);
  // The query brings every photo; the ones already named are not planned twice.
  std::size_t photos = 0;
  for (const PlannedMedia& m : web.media) photos += m.kind == "photo";
  EXPECT_EQ(photos, 5u);
}

TEST_F(PlanTest, ClipLongerThanThePresetAllows) {
  test::TempDir user;
  {
    std::ofstream(user / "short-clip.toml")
        << "extends = \"x-video\"\n[limits]\nmax_duration_s = 1\ntoo_long = \"error\"\n";
    std::ofstream(user / "cut-clip.toml")
        << "extends = \"x-video\"\n[limits]\nmax_duration_s = 1\ntoo_long = \"trim\"\n";
  }
  auto presets = PresetCatalog::load(user.path());
  ASSERT_TRUE(presets.ok());
  presets_ = std::make_unique<PresetCatalog>(std::move(*presets));
  std::vector<ChannelConfig> chans = channels();
  chans[2].presets = {"short-clip"};
  chans[3].presets = {"cut-clip"};
  const PublishPlan p = plan(story(full_story()), chans);
  const auto& x = channel(p, "x").problems;
  ASSERT_TRUE(mentions(x, "short-clip takes at most 0:01: set media.trim")) << plan_json(p).dump(2);
  EXPECT_TRUE(std::all_of(x.begin(), x.end(), [](const PlanProblem& pp) { return pp.blocking; }));
  const auto& ig = channel(p, "instagram").problems;
  ASSERT_TRUE(mentions(ig, "cut-clip cuts it to 0:01"));
  EXPECT_FALSE(ig.front().blocking);
}

TEST_F(PlanTest, OnlySomeChannelsKeepTheWebsiteLink) {
  const Story s = story(full_story());
  std::vector<ChannelConfig> chans = channels();
  PlanInputs in{s, chans, *catalog_, library(), *presets_, render_dir_, {"x"}};
  auto p = make_plan(in);
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->channels.size(), 1u);
  EXPECT_NE(p->channels[0].text.caption.find("{link}"), std::string::npos);
}

TEST_F(PlanTest, JsonCarriesEverything) {
  const nlohmann::json j = plan_json(plan(story(full_story())));
  EXPECT_EQ(j["story"]["slug"], "bupati-meresmikan-jembatan-cikapundung");
  EXPECT_EQ(j["channels"].size(), 5u);
  EXPECT_EQ(j["channels"][2]["kind"], "x");
  EXPECT_EQ(j["channels"][2]["limits"]["caption_chars"], 280);
  EXPECT_FALSE(j["blocking"].get<bool>());
  EXPECT_EQ(j["channels"][0]["media"][0]["made"], false);
}

}  // namespace
}  // namespace saluran
