// The run report from batch records made by hand: both languages complete, dates in the local
// form, the SOP table and counts, escaping, the story filter, shards merged and shown once,
// previews (thumbnail, contact sheet, player) and a missing file shown as missing.

#include "pipeline/stages/report.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

#include "pipeline/stages/report_parts.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/report_record.hpp"
#include "tests/support/scoped_env.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {

namespace fs = std::filesystem;

// The slug of samples/story.toml.
constexpr const char* kSampleSlug = "peresmian-jembatan-cikapundung";

std::string read_text(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::size_t occurrences(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// The value of the attribute `name` on the page ("data-count-assets=\"3\"" -> "3").
std::string attribute(const std::string& html, const std::string& name) {
  const std::string key = name + "=\"";
  const auto at = html.find(key);
  if (at == std::string::npos) return "";
  return html.substr(at + key.size(), html.find('"', at + key.size()) - at - key.size());
}

// A report of `record` written to a fresh library; the HTML's text.
struct Written {
  ReportResult result;
  std::string html;
  nlohmann::json json;
};

Written write_and_report(const test::TempDir& dir, const std::vector<BatchRecord>& shards,
                         ReportLanguage lang, const std::string& what = "") {
  for (const BatchRecord& b : shards) EXPECT_TRUE(write_batch_record(dir / "lib", b).ok());
  ReportRequest req;
  req.library = dir / "lib";
  req.what = what;
  req.language = lang;
  Result<ReportResult> r = make_report(req);
  EXPECT_TRUE(r.ok()) << (r ? "" : r.error().to_string());
  if (!r) return {};
  return {*r, read_text(r->html), nlohmann::json::parse(read_text(r->json))};
}

TEST(Report, BothLanguagesComplete) {
  std::set<std::string_view> keys;
  for (const ReportMessage& m : report_messages()) {
    EXPECT_TRUE(keys.insert(m.key).second) << "twice: " << m.key;
    EXPECT_FALSE(m.id.empty()) << "no Indonesian for " << m.key;
    EXPECT_FALSE(m.en.empty()) << "no English for " << m.key;
  }
  EXPECT_EQ(report_text("no.such.key", ReportLanguage::kEnglish), "{{no.such.key}}");
  // Every message the page asks for exists: no "{{key}}" on a full page, in either language.
  SKIP_WITHOUT_SAMPLES();
  test::TempDir dir("report-lang");
  BatchRecord b = test::report_batch("run1", "2026-12-07T03:15:00Z",
                                     {test::report_folder("pasar", "Pasar Baru")});
  b.folders[0].draft = true;
  b.folders[0].error = "card pulled out";
  b.folders[0].renditions[0].outcome = "failed";
  b.folders[0].renditions[0].error = "disk full";
  b.shards = 1;
  for (ReportLanguage lang : {ReportLanguage::kIndonesian, ReportLanguage::kEnglish}) {
    Written w = write_and_report(dir, {b}, lang);
    EXPECT_EQ(w.html.find("{{"), std::string::npos) << w.html.substr(w.html.find("{{"), 60);
    EXPECT_NE(w.html.find(lang == ReportLanguage::kIndonesian ? "<html lang=\"id\""
                                                              : "<html lang=\"en\""),
              std::string::npos);
  }
}

TEST(Report, LanguageFromTheEnvironmentAndTheOption) {
  auto env = [](std::map<std::string, std::string> vars) {
    return [vars](const char* name) -> const char* {
      auto it = vars.find(name);
      return it == vars.end() ? nullptr : it->second.c_str();
    };
  };
  EXPECT_EQ(report_language_from_environment(env({{"LANG", "id_ID.UTF-8"}})),
            ReportLanguage::kIndonesian);
  EXPECT_EQ(report_language_from_environment(env({{"LANG", "en_US.UTF-8"}})),
            ReportLanguage::kEnglish);
  EXPECT_EQ(report_language_from_environment(env({})), ReportLanguage::kEnglish);
  // LC_ALL wins over LANG, LANGUAGE over both (gettext's order).
  EXPECT_EQ(report_language_from_environment(env({{"LANG", "en_US"}, {"LC_ALL", "id_ID"}})),
            ReportLanguage::kIndonesian);
  EXPECT_EQ(report_language_from_environment(env({{"LANGUAGE", "en"}, {"LC_ALL", "id_ID"}})),
            ReportLanguage::kEnglish);
  EXPECT_EQ(*parse_report_language("id"), ReportLanguage::kIndonesian);
  EXPECT_EQ(*parse_report_language("en-GB"), ReportLanguage::kEnglish);
  EXPECT_FALSE(parse_report_language("fr").ok());
  EXPECT_FALSE(parse_report_language("idx").ok());
}

TEST(Report, DatesInTheLocalFormAndZone) {
  test::ScopedEnv tz("TZ", "Asia/Jakarta");  // UTC+7, no daylight saving
  EXPECT_EQ(report_date("2026-12-07T03:15:00Z", ReportLanguage::kIndonesian),
            "7 Desember 2026 10.15");
  EXPECT_EQ(report_date("2026-12-07T03:15:00Z", ReportLanguage::kEnglish), "7 December 2026 10:15");
  EXPECT_EQ(report_date("2026-08-31T20:05:09.250Z", ReportLanguage::kIndonesian),
            "1 September 2026 03.05");
  EXPECT_EQ(report_date("not a date", ReportLanguage::kEnglish), "not a date");
  EXPECT_EQ(report_duration(754, ReportLanguage::kIndonesian), "12 mnt 34 dtk");
  EXPECT_EQ(report_duration(4.25, ReportLanguage::kIndonesian), "4,2 dtk");
  EXPECT_EQ(report_duration(600, ReportLanguage::kEnglish), "10 min");
}

TEST(Report, SopTableAndCounts) {
  BatchRecord b = test::report_batch(
      "run1", "2026-12-07T03:15:00Z",
      {test::report_folder("pasar", "Pasar"), test::report_folder("jembatan", "Jembatan")});
  b.folders[1].times = {20, 1, 1, 60, 5, 10, 4, 0};
  const ReportSummary s = summarize_batch(b);
  EXPECT_EQ(s.stories, 2u);
  EXPECT_EQ(s.assets, 6u);
  EXPECT_EQ(s.renditions, 8u);
  EXPECT_EQ(s.channels, 4u);  // website, instagram, youtube, radio: the same in both stories
  EXPECT_EQ(s.posts, 4u);
  EXPECT_EQ(s.findings, 2u);
  EXPECT_EQ(s.pending, 2u);
  EXPECT_EQ(s.rejected, 2u);
  EXPECT_EQ(s.problems, 2u);
  EXPECT_EQ(s.checks_failed, 2u);
  EXPECT_EQ(s.failures, 4u);  // per story: the failed check and the failed post
  ASSERT_EQ(s.sop.size(), 6u);
  const double standard_minutes[] = {15, 5, 5, 10, 5, 5};
  // ingest; plan; story; render + publish; check + verify; hooks; over both stories.
  const double measured[] = {40 + 20, 2 + 1, 5 + 1, 120 + 30 + 60 + 10, 10 + 8 + 5 + 4, 1 + 0};
  double total = 0;
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(s.sop[i].number, i + 1);
    EXPECT_DOUBLE_EQ(s.sop[i].standard_seconds, standard_minutes[i] * 60 * 2);
    EXPECT_DOUBLE_EQ(s.sop[i].measured_seconds, measured[i]);
    total += measured[i];
  }
  EXPECT_DOUBLE_EQ(s.standard_seconds, 45 * 60 * 2);
  EXPECT_DOUBLE_EQ(s.measured_seconds, total);
  EXPECT_DOUBLE_EQ(s.saved_seconds, 45 * 60 * 2 - total);
}

TEST(Report, PageShowsTheCountsAndTheJsonTwinSaysTheSame) {
  SKIP_WITHOUT_SAMPLES();
  test::TempDir dir("report-counts");
  Written w = write_and_report(
      dir, {test::report_batch("run1", "2026-12-07T03:15:00Z", {test::report_folder("a", "A")})},
      ReportLanguage::kEnglish);
  const nlohmann::json& s = w.json["summary"];
  for (const char* name : {"stories", "assets", "renditions", "channels", "posts", "findings",
                           "pending", "rejected", "problems", "failures"})
    EXPECT_EQ(attribute(w.html, std::string("data-count-") + name),
              std::to_string(s[name].get<int>()))
        << name;
  EXPECT_EQ(s["assets"], 3);
  EXPECT_EQ(s["sop"].size(), 6u);
  EXPECT_EQ(s["sop"][0]["standard_seconds"], 900.0);
  EXPECT_EQ(s["sop"][3]["measured_seconds"], 150.0);
  EXPECT_EQ(w.json["record"]["folders"][0]["renditions"].size(), 4u);
  EXPECT_EQ(w.json["run"], "run1");
  EXPECT_EQ(w.result.html, fs::path(dir / "lib") / ".saluran" / "reports" / "run1.html");
  EXPECT_EQ(w.result.json.extension(), ".json");
  // Readable on a phone; nothing fetched from the network.
  EXPECT_NE(w.html.find("<meta name=\"viewport\""), std::string::npos);
  EXPECT_NE(w.html.find("@media (max-width:600px)"), std::string::npos);
  EXPECT_EQ(w.html.find("src=\"http"), std::string::npos);
  EXPECT_EQ(w.html.find("<link"), std::string::npos);
  EXPECT_EQ(w.html.find("@import"), std::string::npos);
}

TEST(Report, EscapesEveryTextFromTheRecord) {
  SKIP_WITHOUT_SAMPLES();
  test::TempDir dir("report-escape");
  FolderRecord f = test::report_folder("x", "<script>alert(1)</script> & \"Pasar\"");
  f.rejections[0].path = "/media/<img src=x onerror=alert(2)>.jpg";
  f.rejections[0].reason = "bad 'quote'";
  f.problems = {"<b>bold</b>"};
  f.posts[0].url = "https://a.example/?q=\"><script>x</script>";
  f.posts[0].findings[0].found = "</td></table>";
  f.renditions[0].checks[0].found = "<i>";
  Written w = write_and_report(dir, {test::report_batch("run1", "2026-12-07T03:15:00Z", {f})},
                               ReportLanguage::kIndonesian);
  EXPECT_EQ(w.html.find("<script"), std::string::npos);
  EXPECT_EQ(w.html.find("<img src=x"), std::string::npos);
  EXPECT_EQ(w.html.find("<b>bold"), std::string::npos);
  EXPECT_EQ(w.html.find("</td></table>"), std::string::npos);
  EXPECT_EQ(w.html.find("<i>"), std::string::npos);
  EXPECT_NE(w.html.find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Pasar&quot;"),
            std::string::npos);
  EXPECT_NE(w.html.find("&lt;b&gt;bold&lt;/b&gt;"), std::string::npos);
}

TEST(Report, StoryFilterAndRunSelection) {
  SKIP_WITHOUT_SAMPLES();
  test::TempDir dir("report-story");
  ReportRequest req;
  req.library = dir / "lib";
  Result<ReportResult> none = make_report(req);
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().message.find("saluran batch"), std::string::npos);

  BatchRecord older = test::report_batch(
      "older", "2026-12-06T01:00:00Z",
      {test::report_folder("pasar", "Pasar lama"), test::report_folder("jembatan", "Jembatan"),
       test::report_folder(kSampleSlug, "Cikapundung")});
  BatchRecord newer = test::report_batch("newer", "2026-12-07T01:00:00Z",
                                         {test::report_folder("pasar", "Pasar baru")});
  Written w = write_and_report(dir, {older, newer}, ReportLanguage::kEnglish, "jembatan");
  EXPECT_EQ(w.result.run, "older");  // the newest run that holds the story
  EXPECT_EQ(w.result.story, "jembatan");
  EXPECT_EQ(w.result.summary.stories, 1u);
  EXPECT_EQ(occurrences(w.html, "data-slug=\""), 1u);
  EXPECT_NE(w.html.find("data-slug=\"jembatan\""), std::string::npos);
  EXPECT_EQ(w.result.html.filename(), "older-jembatan.html");
  EXPECT_EQ(w.json["record"]["folders"].size(), 1u);

  req.what = "pasar";
  Result<ReportResult> pasar = make_report(req);
  ASSERT_TRUE(pasar.ok());
  EXPECT_EQ(pasar->run, "newer");
  // A story.toml names its story by its slug.
  req.what = test::source_dir() + "/samples/story.toml";
  Result<ReportResult> by_file = make_report(req);
  ASSERT_TRUE(by_file.ok()) << by_file.error().to_string();
  EXPECT_EQ(by_file->story, kSampleSlug);
  EXPECT_EQ(by_file->run, "older");
  req.what = "";
  Result<ReportResult> newest = make_report(req);
  ASSERT_TRUE(newest.ok());
  EXPECT_EQ(newest->run, "newer");
  req.what = "nothing-like-it";
  Result<ReportResult> unknown = make_report(req);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("older"), std::string::npos);
  EXPECT_NE(unknown.error().message.find("newer"), std::string::npos);
}

TEST(Report, ShardsMergedAndEachRenditionShownOnce) {
  SKIP_WITHOUT_SAMPLES();
  test::TempDir dir("report-shards");
  FolderRecord full = test::report_folder("pasar", "Pasar");
  BatchRecord a = test::report_batch("arr", "2026-12-07T01:00:00Z", {full});
  BatchRecord b = a;
  a.shards = b.shards = 2;
  b.shard = 1;
  // Shard 0 made the photos, shard 1 the video and the sound; both list the website photo,
  // which only shard 0 checked. Shard 1 published.
  a.folders[0].renditions.resize(2);
  a.folders[0].posts.clear();
  b.folders[0].renditions.erase(b.folders[0].renditions.begin() + 1);
  b.folders[0].renditions[0].checked = false;
  b.folders[0].publisher = true;
  Written w = write_and_report(dir, {a, b}, ReportLanguage::kEnglish);
  EXPECT_EQ(w.result.summary.renditions, 4u);
  EXPECT_EQ(occurrences(w.html, "<figure class=\"rendition\""), 4u);
  EXPECT_EQ(occurrences(w.html, "data-preset=\"web\""), 1u);
  EXPECT_EQ(occurrences(w.html, "data-slug=\""), 1u);
  EXPECT_EQ(w.result.summary.posts, 2u);
  EXPECT_EQ(w.json["record"]["shards"], 2);
}

TEST(Report, PreviewsAndAMissingFile) {
  SKIP_WITHOUT_SAMPLES();
  test::TempDir dir("report-previews");
  FolderRecord f = test::report_folder("pasar", "Pasar");
  f.renditions[1].file = dir / "gone/IMG_0002-instagram.jpg";
  Written w = write_and_report(dir, {test::report_batch("run1", "2026-12-07T01:00:00Z", {f})},
                               ReportLanguage::kEnglish);
  // Photo and contact sheet as JPEG data; the sound (1.4 MB) embedded; the missing file as
  // text, never as an image.
  EXPECT_EQ(occurrences(w.html, "<img src=\"data:image/jpeg;base64,/9j/"), 2u);
  EXPECT_EQ(occurrences(w.html, "<img "), 2u);
  EXPECT_NE(w.html.find("<audio controls preload=\"none\" src=\"data:audio/wav;base64,"),
            std::string::npos);
  EXPECT_EQ(occurrences(w.html, "data-missing=\"1\""), 1u);
  EXPECT_NE(w.html.find("IMG_0002-instagram.jpg"), std::string::npos);

  ReportRequest req;
  req.thumbnail_edge = 160;
  req.audio_embed_limit = 1000;
  const RenditionPreview sound = make_rendition_preview(f.renditions[3], dir.path(), req);
  EXPECT_EQ(sound.kind, RenditionPreview::Kind::kAudio);
  EXPECT_TRUE(sound.linked);
  EXPECT_EQ(fs::weakly_canonical(dir.path() / sound.src),
            fs::weakly_canonical(f.renditions[3].file));
  const RenditionPreview sheet = make_rendition_preview(f.renditions[2], dir.path(), req);
  EXPECT_EQ(sheet.kind, RenditionPreview::Kind::kImage);
  EXPECT_LT(sheet.src.size(), 200000u);
  f.renditions[0].file = test::sample("manifest.txt");
  const RenditionPreview bad = make_rendition_preview(f.renditions[0], dir.path(), req);
  EXPECT_EQ(bad.kind, RenditionPreview::Kind::kNone);
  EXPECT_FALSE(bad.note.empty());
}

TEST(Report, Base64) {
  const std::string text = "Saluran!";
  EXPECT_EQ(base64_text(reinterpret_cast<const std::uint8_t*>(text.data()), 8), "U2FsdXJhbiE=");
  EXPECT_EQ(base64_text(reinterpret_cast<const std::uint8_t*>(text.data()), 6), "U2FsdXJh");
  EXPECT_EQ(base64_text(reinterpret_cast<const std::uint8_t*>(text.data()), 7), "U2FsdXJhbg==");
}

}  // namespace
}  // namespace saluran
