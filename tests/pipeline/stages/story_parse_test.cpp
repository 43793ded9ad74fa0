// story.toml: every kind of mistake is an error with the file, the line and the key; a story
// written by write_story reads back the same, UTF-8 and emoji included.

#include "pipeline/stages/story_parse.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {

constexpr const char* kFull = R"(title = "Bupati meresmikan Jembatan Cikapundung 🌉"
summary = "Jembatan baru menghubungkan dua desa."
body = """
Bandung — Bupati meresmikan jembatan "Cikapundung" pagi ini.

Warga menyambut dengan gembira 🎉👨‍👩‍👧."""
tags = ["infrastruktur", "jembatan baru"]
category = "Berita"
place = "Desa Sukamaju"
date = "2025-03-14"
credits = "Foto: Tim Diskominfo"
schedule = "2025-03-15T08:00:00+07:00"
channels = ["website", "radio", "x"]

[[media]]
path = "2025/03-14/IMG_0001.jpg"
role = "cover"
focus = [0.4, 0.3]
alt = "Bupati memotong pita"

[[media]]
query = { kind = "video", day = "2025-03-14", device = "Sony" }
role = "video"
trim = [2.0, 62.0]

[[media]]
asset = "ab12cd34ef56ab12"
role = "radio"

[channel.x]
caption = "Jembatan Cikapundung resmi dibuka! 🌉"
hashtags = ["#Diskominfo"]
media = ["cover"]
)";

Result<Story> parse(const std::string& text) { return parse_story_text(text, "story.toml"); }

// The error's text: file, message and "line N".
std::string error_of(const std::string& text) {
  Result<Story> s = parse(text);
  EXPECT_FALSE(s.ok());
  return s ? std::string() : s.error().to_string();
}

TEST(StoryParse, ReadsEveryKey) {
  Result<Story> s = parse(kFull);
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  EXPECT_EQ(s->title, "Bupati meresmikan Jembatan Cikapundung 🌉");
  EXPECT_EQ(s->slug, "bupati-meresmikan-jembatan-cikapundung");
  EXPECT_EQ(s->body.substr(0, 11), "Bandung \xE2\x80\x94");
  EXPECT_NE(s->body.find("👨‍👩‍👧"), std::string::npos);
  EXPECT_EQ(s->tags.size(), 2u);
  EXPECT_EQ(s->date, "2025-03-14");
  EXPECT_EQ(s->status, PostStatus::kScheduled);
  EXPECT_EQ(s->schedule, "2025-03-15T08:00:00+07:00");
  ASSERT_EQ(s->media.size(), 3u);
  EXPECT_EQ(s->media[0].role, MediaRole::kCover);
  EXPECT_EQ(s->media[0].line, 15);
  ASSERT_TRUE(s->media[0].focus);
  EXPECT_DOUBLE_EQ(s->media[0].focus->x, 0.4);
  ASSERT_TRUE(s->media[1].query);
  EXPECT_EQ(s->media[1].query->device, "Sony");
  ASSERT_TRUE(s->media[1].trim);
  EXPECT_DOUBLE_EQ(s->media[1].trim->end_s, 62.0);
  EXPECT_EQ(s->media[2].asset, "ab12cd34ef56ab12");
  ASSERT_EQ(s->overrides.size(), 1u);
  EXPECT_EQ(s->overrides[0].channel, "x");
  EXPECT_EQ(s->overrides[0].media, std::vector<MediaRole>{MediaRole::kCover});
}

TEST(StoryParse, RoundTripsThroughWriteStory) {
  Result<Story> s = parse(kFull);
  ASSERT_TRUE(s.ok());
  const std::string text = write_story(*s);
  Result<Story> back = parse(text);
  ASSERT_TRUE(back.ok()) << back.error().to_string() << "\n" << text;
  EXPECT_EQ(back->title, s->title);
  EXPECT_EQ(back->body, s->body);
  EXPECT_EQ(back->summary, s->summary);
  EXPECT_EQ(back->tags, s->tags);
  EXPECT_EQ(back->schedule, s->schedule);
  EXPECT_EQ(back->status, s->status);
  EXPECT_EQ(back->channels, s->channels);
  ASSERT_EQ(back->media.size(), 3u);
  EXPECT_EQ(back->media[0].path, s->media[0].path);
  EXPECT_EQ(back->media[0].alt, s->media[0].alt);
  EXPECT_EQ(back->media[1].query->kind, "video");
  EXPECT_EQ(back->media[1].trim, s->media[1].trim);
  EXPECT_EQ(back->overrides[0].caption, s->overrides[0].caption);
  EXPECT_EQ(back->overrides[0].hashtags, s->overrides[0].hashtags);
  EXPECT_EQ(write_story(*back), text);  // stable
}

TEST(StoryParse, RoundTripsAwkwardText) {
  Story s;
  s.title = "Kata \"kutipan\" \\ garis miring\ttab";
  s.body = "Baris satu\n\n\"\"\" tiga kutip \"\"\"\nakhir dengan kutip\"";
  s.summary = "Emoji 🇮🇩 dan kulit 👍🏽 serta é";
  s.channels = {"website"};
  Result<Story> back = parse(write_story(s));
  ASSERT_TRUE(back.ok()) << back.error().to_string() << "\n" << write_story(s);
  EXPECT_EQ(back->title, s.title);
  EXPECT_EQ(back->body, s.body);
  EXPECT_EQ(back->summary, s.summary);
}

TEST(StoryParse, ReadsAFile) {
  test::TempDir dir;
  const std::string file = dir / "story.toml";
  { std::ofstream(file) << kFull; }
  Result<Story> s = parse_story(file);
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  EXPECT_EQ(s->file, file);
  Result<Story> missing = parse_story(dir / "none.toml");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST(StoryParseErrors, SyntaxErrorHasLineAndColumn) {
  const std::string e = error_of("title = \"a\"\ntags = [\"x\",\n");
  EXPECT_NE(e.find("story.toml"), std::string::npos) << e;
  EXPECT_NE(e.find("not valid TOML"), std::string::npos) << e;
  EXPECT_NE(e.find("line 2, column 14"), std::string::npos) << e;
}

TEST(StoryParseErrors, UnknownKeysNameTheKeyAndLine) {
  EXPECT_NE(error_of("title = \"a\"\ntitel = \"b\"\n")
                .find("unknown key titel (did you mean "
                      "title?)"),
            std::string::npos);
  const std::string media =
      error_of("title = \"a\"\n[[media]]\npath = \"x.jpg\"\nrol = \"cover\"\n");
  EXPECT_NE(media.find("unknown key media.rol (did you mean media.role?)"), std::string::npos)
      << media;
  EXPECT_NE(media.find("line 4"), std::string::npos) << media;
  const std::string q =
      error_of("title = \"a\"\n[[media]]\nquery = { kind = \"photo\", dy = \"2025-01-01\" }\n");
  EXPECT_NE(q.find("media.query.dy"), std::string::npos) << q;
  EXPECT_NE(q.find("line 3"), std::string::npos) << q;
  const std::string o =
      error_of("title = \"a\"\nchannels = [\"x\"]\n[channel.x]\ncaptoin = \"c\"\n");
  EXPECT_NE(o.find("channel.x.captoin"), std::string::npos) << o;
  EXPECT_NE(o.find("line 4"), std::string::npos) << o;
}

TEST(StoryParseErrors, WrongTypes) {
  const std::string t = error_of("title = 5\n");
  EXPECT_NE(t.find("title must be a string"), std::string::npos) << t;
  EXPECT_NE(t.find("line 1"), std::string::npos) << t;
  const std::string tags = error_of("title = \"a\"\n\ntags = \"satu\"\n");
  EXPECT_NE(tags.find("tags must be a list"), std::string::npos) << tags;
  EXPECT_NE(tags.find("line 3"), std::string::npos) << tags;
  const std::string item = error_of("title = \"a\"\ntags = [\"a\", 2]\n");
  EXPECT_NE(item.find("tags must hold strings"), std::string::npos) << item;
  const std::string focus = error_of("title = \"a\"\n[[media]]\npath = \"a.jpg\"\nfocus = 0.5\n");
  EXPECT_NE(focus.find("media.focus must be a list of two numbers"), std::string::npos) << focus;
  EXPECT_NE(focus.find("line 4"), std::string::npos) << focus;
}

TEST(StoryParseErrors, BadValues) {
  const std::string role =
      error_of("title = \"a\"\n[[media]]\npath = \"a.jpg\"\nrole = \"poster\"\n");
  EXPECT_NE(role.find("media.role = \"poster\" is not allowed"), std::string::npos) << role;
  EXPECT_NE(role.find("line 4"), std::string::npos) << role;
  const std::string date = error_of("title = \"a\"\ndate = \"2025-02-30\"\n");
  EXPECT_NE(date.find("date = \"2025-02-30\" is not a date"), std::string::npos) << date;
  EXPECT_NE(date.find("line 2"), std::string::npos) << date;
  const std::string status = error_of("title = \"a\"\nstatus = \"live\"\n");
  EXPECT_NE(status.find("status = \"live\""), std::string::npos) << status;
  const std::string focus =
      error_of("title = \"a\"\n[[media]]\npath = \"a.jpg\"\nfocus = [1.5, 0.2]\n");
  EXPECT_NE(focus.find("media.focus must be two fractions"), std::string::npos) << focus;
  const std::string trim = error_of("title = \"a\"\n[[media]]\npath = \"a.mp4\"\ntrim = [9, 3]\n");
  EXPECT_NE(trim.find("media.trim must be [start, end]"), std::string::npos) << trim;
  const std::string kind = error_of("title = \"a\"\n[[media]]\nquery = { kind = \"foto\" }\n");
  EXPECT_NE(kind.find("media.query.kind = \"foto\""), std::string::npos) << kind;
  const std::string near =
      error_of("title = \"a\"\n[[media]]\nquery = { near = \"-6.9\", within_km = 2 }\n");
  EXPECT_NE(near.find("\"LAT,LON\""), std::string::npos) << near;
  const std::string tag =
      error_of("title = \"a\"\nchannels = [\"x\"]\n[channel.x]\nhashtags = [\"dua kata\"]\n");
  EXPECT_NE(tag.find("is not a hashtag"), std::string::npos) << tag;
  const std::string slug = error_of("title = \"a\"\nslug = \"Bukan Slug\"\n");
  EXPECT_NE(slug.find("slug = \"Bukan Slug\""), std::string::npos) << slug;
}

TEST(StoryParseErrors, ScheduleNeedsAnOffsetAndAgreesWithStatus) {
  const std::string bare = error_of("title = \"a\"\nschedule = \"2025-03-15T08:00:00\"\n");
  EXPECT_NE(bare.find("offset from UTC"), std::string::npos) << bare;
  EXPECT_NE(bare.find("line 2"), std::string::npos) << bare;
  const std::string local = error_of("title = \"a\"\nschedule = 2025-03-15T08:00:00\n");
  EXPECT_NE(local.find("offset from UTC"), std::string::npos) << local;
  Result<Story> native = parse("title = \"a\"\nschedule = 2025-03-15T08:00:00+07:00\n");
  ASSERT_TRUE(native.ok()) << native.error().to_string();
  EXPECT_EQ(native->status, PostStatus::kScheduled);
  EXPECT_EQ(native->schedule.substr(0, 19), "2025-03-15T08:00:00");
  const std::string missing = error_of("title = \"a\"\nstatus = \"scheduled\"\n");
  EXPECT_NE(missing.find("needs schedule"), std::string::npos) << missing;
  const std::string both =
      error_of("title = \"a\"\nstatus = \"draft\"\nschedule = \"2025-03-15T08:00:00Z\"\n");
  EXPECT_NE(both.find("status is \"draft\""), std::string::npos) << both;
}

TEST(StoryParseErrors, MediaAndChannelRules) {
  const std::string covers = error_of(
      "title = \"a\"\n[[media]]\npath = \"a.jpg\"\nrole = \"cover\"\n[[media]]\npath = "
      "\"b.jpg\"\nrole = \"cover\"\n");
  EXPECT_NE(covers.find("\"cover\" a second time (the first is on line 2)"), std::string::npos)
      << covers;
  EXPECT_NE(covers.find("line 5"), std::string::npos) << covers;
  const std::string two =
      error_of("title = \"a\"\n[[media]]\npath = \"a.jpg\"\nasset = \"ab12cd34\"\n");
  EXPECT_NE(two.find("exactly one of media.path"), std::string::npos) << two;
  const std::string none = error_of("title = \"a\"\n[[media]]\nrole = \"gallery\"\n");
  EXPECT_NE(none.find("exactly one of media.path"), std::string::npos) << none;
  const std::string other =
      error_of("title = \"a\"\nchannels = [\"website\"]\n[channel.x]\ncaption = \"c\"\n");
  EXPECT_NE(other.find("[channel.x] changes a channel the story does not post to"),
            std::string::npos)
      << other;
  const std::string twice = error_of("title = \"a\"\nchannels = [\"x\", \"x\"]\n");
  EXPECT_NE(twice.find("named twice"), std::string::npos) << twice;
  const std::string role =
      error_of("title = \"a\"\nchannels = [\"x\"]\n[channel.x]\nmedia = [\"cover\", \"reel\"]\n");
  EXPECT_NE(role.find("\"reel\" is not a role"), std::string::npos) << role;
  const std::string notitle = error_of("summary = \"a\"\n");
  EXPECT_NE(notitle.find("title is missing"), std::string::npos) << notitle;
}

TEST(StorySlug, TransliteratesAndIsStable) {
  EXPECT_EQ(story_slug("Bupati meresmikan Jembatan Cikapundung 🌉"),
            "bupati-meresmikan-jembatan-cikapundung");
  EXPECT_EQ(story_slug("Pésta Rakyat di Kampung Cièpas — Jum'at, 14/3"),
            "pesta-rakyat-di-kampung-ciepas-jumat-14-3");
  EXPECT_EQ(story_slug("Cafe\xCC\x81 Ærø Straße"), "cafe-aero-strasse");  // decomposed é
  EXPECT_EQ(story_slug("🎉🎉"), "story");
  const std::string long_slug = story_slug(std::string(30, 'a') + " " + std::string(40, 'b'));
  EXPECT_EQ(long_slug, std::string(30, 'a'));
  EXPECT_LE(story_slug(std::string(80, 'x')).size(), 60u);
  EXPECT_EQ(story_slug("Banjir di Sukamaju"), story_slug("Banjir di Sukamaju"));
}

}  // namespace
}  // namespace saluran
