#pragma once
// Batch records made by hand for the report's tests (unit, CLI and browser), with real small
// rendition files from samples/generated, so the report is tested without the batch stage.

#include <string>

#include "pipeline/stages/batch_record.hpp"
#include "tests/support/paths.hpp"

namespace saluran::test {

/// A rendition of `asset` for `channel` made with `preset` from the file `file`.
inline RenditionRecord report_rendition(const std::string& channel, const std::string& preset,
                                        const std::string& kind, const std::string& asset,
                                        const std::string& file) {
  RenditionRecord r;
  r.channel = channel;
  r.preset = preset;
  r.kind = kind;
  r.asset = asset;
  r.source = "2025/03/14/" + asset;
  r.file = file;
  r.outcome = "made";
  r.bytes = 123456;
  r.width = kind == "audio" ? 0 : 1080;
  r.height = kind == "audio" ? 0 : 1350;
  r.seconds = kind == "photo" ? 0 : 8;
  r.checked = true;
  r.check_ok = true;
  r.checks = {{"container", true, "JPEG or PNG", "JPEG"}};
  return r;
}

/// An asset record.
inline AssetRecord report_asset(const std::string& hash, const std::string& kind,
                                const std::string& path) {
  AssetRecord a;
  a.hash = hash;
  a.kind = kind;
  a.library_path = path;
  a.device = "Sony ILCE-7M3";
  a.captured_at = "2025-03-14T02:15:30Z";
  a.width = kind == "audio" ? 0 : 1920;
  a.height = kind == "audio" ? 0 : 1080;
  a.seconds = kind == "photo" ? 0 : 8;
  return a;
}

/// One story folder: a photo (two channels), a video, a radio sound, a failed check, a post with
/// one finding and one pending finding, a post that failed, a refused file and a plan note.
inline FolderRecord report_folder(const std::string& slug, const std::string& title) {
  FolderRecord f;
  f.folder = "/media/usb/" + slug;
  f.story_file = f.folder + "/story.toml";
  f.slug = slug;
  f.title = title;
  f.ingest_run = 1;
  f.copied = 3;
  f.rejected = 1;
  f.rejections = {{"/media/usb/" + slug + "/rusak.jpg", "damaged JPEG: premature end"}};
  f.assets = {report_asset(slug + "-p1", "photo", "2025/03/14/IMG_0003.jpg"),
              report_asset(slug + "-v1", "video", "2025/03/14/C0001.MP4"),
              report_asset(slug + "-a1", "audio", "2025/03/14/wawancara.wav")};
  f.renditions = {
      report_rendition("website", "web", "photo", slug + "-p1", sample("photos/IMG_0003.jpg")),
      report_rendition("instagram", "instagram-feed-4x5", "photo", slug + "-p1",
                       sample("photos/IMG_0002.jpg")),
      report_rendition("youtube", "youtube", "video", slug + "-v1", sample("camera/C0001.MP4")),
      report_rendition("radio", "radio-clip", "audio", slug + "-a1",
                       sample("audio/wawancara.wav"))};
  f.renditions[1].check_ok = false;
  f.renditions[1].checks.push_back({"image.aspect", false, "4:5", "3:2"});
  f.posts.resize(2);
  f.posts[0] = {"website",
                "wordpress",
                "published",
                "https://pemkab.example/berita/" + slug,
                "",
                true,
                {{"title", "Judul", "Judul lain", false}, {"video", "ready", "processing", true}},
                12.5,
                2.0};
  f.posts[1] = {"youtube", "youtube", "failed", "", "quota exceeded: try tomorrow",
                false,     {},        3,        0};
  f.problems = {"instagram: the caption was cut to 2200 characters"};
  f.times = {40, 5, 2, 120, 10, 30, 8, 1};  // ingest story plan render check publish verify hooks
  return f;
}

/// A finished batch run of one shard with the given folders.
inline BatchRecord report_batch(const std::string& name, const std::string& started,
                                std::vector<FolderRecord> folders) {
  BatchRecord b;
  b.name = name;
  b.host = "kantor-pc";
  b.started_at = started;
  b.finished_at = started;
  b.library = "/srv/liputan";
  b.publish = true;
  b.seconds = 300;
  b.folders = std::move(folders);
  return b;
}

}  // namespace saluran::test
