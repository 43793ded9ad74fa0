// draft_story on a library ingested from samples/generated, and rank_photos on measures.

#include "pipeline/stages/story_new.hpp"

#include <gtest/gtest.h>

#include <string>

#include "pipeline/stages/ingest.hpp"
#include "pipeline/stages/story_parse.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {

PhotoRank photo(const std::string& path, double sharpness, int faces, std::uint64_t dhash,
                const std::string& time = "", const std::string& model = "X100") {
  PhotoRank r;
  r.asset.library_path = path;
  r.asset.info.meta.capture_time = time;
  r.asset.info.meta.model = model;
  r.sharpness = sharpness;
  r.faces = faces;
  r.dhash = dhash;
  return r;
}

TEST(RankPhotos, FacesAndSharpnessFirst) {
  std::vector<PhotoRank> p = {photo("blur.jpg", 5, 0, 0x1), photo("sharp.jpg", 900, 0, 0xF0F0),
                              photo("face.jpg", 300, 2, 0xFF0000FF00)};
  rank_photos(p);
  EXPECT_EQ(p[0].asset.library_path, "face.jpg");
  EXPECT_EQ(p[1].asset.library_path, "sharp.jpg");
  EXPECT_EQ(p[2].asset.library_path, "blur.jpg");
  for (const PhotoRank& r : p) EXPECT_TRUE(r.duplicate_of.empty());
}

TEST(RankPhotos, NearDuplicatesPointAtTheBetterPhoto) {
  std::vector<PhotoRank> p = {
      photo("a.jpg", 100, 0, 0xFFFF0000FFFF0000ull, "2025-03-14T10:00:00"),
      photo("a2.jpg", 200, 0, 0xFFFF0000FFFF0007ull, "2025-03-14T11:00:00"),  // 3 bits apart
      photo("burst1.jpg", 50, 0, 0x00FF00FF00FF00FFull, "2025-03-14T09:00:00"),
      photo("burst2.jpg", 40, 0, 0x0F0F0F0F0F0F0F0Full, "2025-03-14T09:00:01"),
      photo("other.jpg", 30, 0, 0x5555555555555555ull, "2025-03-14T09:00:01", "Pixel 7")};
  rank_photos(p);
  EXPECT_EQ(p[0].asset.library_path, "a2.jpg");
  EXPECT_EQ(p[1].duplicate_of, "a2.jpg");
  EXPECT_EQ(p[2].asset.library_path, "burst1.jpg");
  EXPECT_EQ(p[3].duplicate_of, "burst1.jpg");
  EXPECT_TRUE(p[4].duplicate_of.empty());  // same second, another device
}

TEST(RankPhotos, UnmeasuredPhotosGoLast) {
  std::vector<PhotoRank> p = {photo("broken.jpg", 0, 0, 0), photo("ok.jpg", 1, 0, 0x1)};
  p[0].note = "cannot decode";
  p[0].sharpness = 1e9;
  rank_photos(p);
  EXPECT_EQ(p[0].asset.library_path, "ok.jpg");
}

TEST(DraftStory, FromTheLastRun) {
  SKIP_WITHOUT_SAMPLES();
  test::TempDir dir("saluran-story-new");
  IngestOptions opts;
  opts.library = dir / "library";
  opts.operator_name = "budi";
  ASSERT_TRUE(ingest({test::samples_dir()}, opts).ok());
  auto cat = Catalog::open(catalog_path(opts.library));
  ASSERT_TRUE(cat.ok());
  auto d = draft_story(*cat, opts.library, std::nullopt, {"website", "radio"});
  ASSERT_TRUE(d.ok()) << d.error().to_string();
  EXPECT_EQ(d->run, 1);
  ASSERT_FALSE(d->photos.empty());
  for (std::size_t i = 1; i < d->photos.size(); ++i)
    EXPECT_GE(d->photos[i - 1].score, d->photos[i].score);
  // The cover is the best photo; one main video, one radio recording.
  ASSERT_FALSE(d->story.media.empty());
  EXPECT_EQ(d->story.media[0].role, MediaRole::kCover);
  EXPECT_EQ(d->story.media[0].path, d->photos[0].asset.library_path);
  int videos = 0, radio = 0;
  for (const StoryMedia& m : d->story.media) {
    videos += m.role == MediaRole::kVideo;
    radio += m.role == MediaRole::kRadio;
  }
  EXPECT_EQ(videos, 1);
  EXPECT_EQ(radio, 1);
  // The other clips are offered as comments.
  EXPECT_NE(d->text.find("# another clip"), std::string::npos) << d->text;
  // The text reads back as the same story, with TODO placeholders.
  auto back = parse_story_text(d->text, "story.toml");
  ASSERT_TRUE(back.ok()) << back.error().to_string() << "\n" << d->text;
  EXPECT_TRUE(has_todo(back->title));
  EXPECT_EQ(back->media.size(), d->story.media.size());
  EXPECT_EQ(back->channels, (std::vector<std::string>{"website", "radio"}));
  EXPECT_EQ(back->date, d->story.date);

  auto none = draft_story(*cat, opts.library, 7, {});
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().message.find("no ingest run 7"), std::string::npos);
}

}  // namespace
}  // namespace saluran
