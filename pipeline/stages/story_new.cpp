// draft_story: a starting story.toml from one ingest run.

#include "pipeline/stages/story_new.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <utility>

#include <fmt/format.h>

#include "codecs/file_bytes.hpp"
#include "codecs/image/photo_decode.hpp"
#include "codecs/image/picture_ops.hpp"
#include "pipeline/catalog/dates.hpp"
#include "pipeline/ops/poster_score.hpp"
#include "pipeline/stages/face_detector.hpp"
#include "pipeline/stages/story_parse.hpp"

namespace saluran {
namespace {

namespace fs = std::filesystem;

constexpr int kAnalysisEdge = 512;
constexpr int kDuplicateBits = 6;

// Seconds of "YYYY-MM-DDTHH:MM:SS..." on a continuous count (days from the civil calendar);
// nullopt when it is not such a time.
std::optional<std::int64_t> capture_seconds(const std::string& t) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (t.size() < 19 ||
      std::sscanf(t.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) != 6)
    return std::nullopt;
  y -= mo <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const std::int64_t days = era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return days * 86400 + h * 3600 + mi * 60 + s;
}

std::string device_of(const Asset& a) { return a.info.meta.make + " " + a.info.meta.model; }

bool same_burst(const Asset& a, const Asset& b) {
  const auto ta = capture_seconds(a.info.meta.capture_time);
  const auto tb = capture_seconds(b.info.meta.capture_time);
  return ta && tb && std::llabs(*ta - *tb) <= 1 && device_of(a) == device_of(b);
}

// A 64-bit difference hash: a 9x8 grey thumbnail, one bit per horizontal neighbour pair.
std::uint64_t difference_hash(const Picture& p) {
  const Picture tiny = resize_picture(p, 9, 8);
  if (tiny.empty()) return 0;
  std::uint64_t bits = 0;
  for (int y = 0; y < 8; ++y) {
    for (int x = 0; x < 8; ++x) {
      auto grey = [&](int xx) {
        const std::uint8_t* px = tiny.pixel(xx, y);
        return 299 * px[0] + 587 * px[1] + 114 * px[2];
      };
      bits = (bits << 1) | (grey(x) < grey(x + 1) ? 1u : 0u);
    }
  }
  return bits;
}

// Decodes a photo small and measures its sharpness, faces and difference hash.
void measure_photo(PhotoRank& r, const std::string& library, const FaceDetector* faces) {
  const std::string path = (fs::path(library) / r.asset.library_path).string();
  const InputLimits limits;
  auto bytes = read_file_bytes(path, limits.max_file_bytes);
  if (!bytes) {
    r.note = bytes.error().message;
    return;
  }
  auto photo = decode_photo(*bytes, path, limits, kAnalysisEdge);
  if (!photo) {
    r.note = photo.error().message;
    return;
  }
  Picture& pic = photo->picture;
  const int long_edge = std::max(pic.width, pic.height);
  if (long_edge > kAnalysisEdge) {
    const double f = static_cast<double>(kAnalysisEdge) / long_edge;
    pic = resize_picture(pic, std::max(1, static_cast<int>(pic.width * f)),
                         std::max(1, static_cast<int>(pic.height * f)));
  }
  r.sharpness = measure_candidate(pic, 0).sharpness;
  r.dhash = difference_hash(pic);
  if (faces != nullptr)
    r.faces = static_cast<int>(faces->detect(pic, kAnalysisEdge, kFastScaleStep).size());
}

StoryMedia media_of(const Asset& a, MediaRole role) {
  StoryMedia m;
  m.path = a.library_path;
  m.role = role;
  return m;
}

// A [[media]] table written as comments, with why it was left out.
std::string commented(const Asset& a, MediaRole role, const std::string& why) {
  Story one;
  one.media.push_back(media_of(a, role));
  std::string table = write_story(one);
  table = table.substr(table.find("[[media]]"));
  std::string out = fmt::format("\n# {}\n", why);
  std::size_t at = 0;
  while (at < table.size()) {
    const std::size_t eol = table.find('\n', at);
    out += "# " + table.substr(at, eol - at) + "\n";
    at = eol == std::string::npos ? table.size() : eol + 1;
  }
  return out;
}

}  // namespace

void rank_photos(std::vector<PhotoRank>& photos) {
  for (PhotoRank& p : photos) {
    p.score = std::log1p(std::max(0.0, p.sharpness)) + 1.5 * std::min(p.faces, 3);
    if (!p.note.empty()) p.score = -1;  // not measured: last
  }
  std::stable_sort(photos.begin(), photos.end(),
                   [](const PhotoRank& a, const PhotoRank& b) { return a.score > b.score; });
  for (std::size_t i = 0; i < photos.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (!photos[j].duplicate_of.empty()) continue;
      const bool similar = photos[i].dhash != 0 && photos[j].dhash != 0 &&
                           std::popcount(photos[i].dhash ^ photos[j].dhash) <= kDuplicateBits;
      if (similar || same_burst(photos[i].asset, photos[j].asset)) {
        photos[i].duplicate_of = photos[j].asset.library_path;
        break;
      }
    }
  }
}

namespace {

Result<std::int64_t> pick_run(Catalog& catalog, std::optional<std::int64_t> run) {
  auto runs = catalog.list_runs();
  if (!runs) return runs.error();
  if (runs->empty())
    return make_error(ErrorCode::kNotFound, "the library has no ingest runs: ingest first");
  if (!run) return runs->front().id;
  for (const IngestRun& r : *runs)
    if (r.id == *run) return r.id;
  return make_error(ErrorCode::kNotFound,
                    fmt::format("no ingest run {} (`saluran inventory --runs` lists them)", *run));
}

Story placeholder_story(const std::vector<std::string>& channels) {
  Story s;
  s.title = "TODO: judul berita";
  s.summary = "TODO: ringkasan dalam satu kalimat";
  s.body = "TODO: tulis isi berita di sini.\n\nPisahkan paragraf dengan satu baris kosong.";
  s.channels = channels;
  s.status = PostStatus::kDraft;
  return s;
}

void choose_photos(StoryDraft& d, std::string& alternatives) {
  std::size_t kept = 0;
  for (const PhotoRank& p : d.photos) {
    const MediaRole role = kept == 0 ? MediaRole::kCover : MediaRole::kGallery;
    if (!p.duplicate_of.empty()) {
      alternatives += commented(p.asset, MediaRole::kGallery,
                                fmt::format("near-duplicate of {}", p.duplicate_of));
    } else if (kept >= kDraftPhotos) {
      alternatives +=
          commented(p.asset, MediaRole::kGallery,
                    fmt::format("photo {} of the run (sharpness {:.0f}, {} face{})", kept + 1,
                                p.sharpness, p.faces, p.faces == 1 ? "" : "s"));
      ++kept;
    } else {
      d.story.media.push_back(media_of(p.asset, role));
      ++kept;
    }
  }
}

void choose_sound_and_video(StoryDraft& d, const std::vector<Asset>& assets,
                            std::string& alternatives) {
  bool video = false;
  bool radio = false;
  for (const Asset& a : assets) {
    if (a.info.kind == MediaKind::kVideo && !video) {
      d.story.media.push_back(media_of(a, MediaRole::kVideo));
      video = true;
    } else if (a.info.kind == MediaKind::kAudio && !radio) {
      d.story.media.push_back(media_of(a, MediaRole::kRadio));
      radio = true;
    } else if (a.info.kind == MediaKind::kVideo) {
      alternatives +=
          commented(a, MediaRole::kVideo,
                    fmt::format("another clip ({:.0f} s)", a.info.duration_s.value_or(0)));
    } else if (a.info.kind == MediaKind::kAudio) {
      alternatives +=
          commented(a, MediaRole::kRadio,
                    fmt::format("another recording ({:.0f} s)", a.info.duration_s.value_or(0)));
    }
  }
}

}  // namespace

Result<StoryDraft> draft_story(Catalog& catalog, const std::string& library,
                               std::optional<std::int64_t> run,
                               const std::vector<std::string>& channels) {
  auto id = pick_run(catalog, run);
  if (!id) return id.error();
  AssetQuery q;
  q.run = *id;
  auto assets = catalog.list_assets(q);
  if (!assets) return assets.error();
  if (assets->empty())
    return make_error(ErrorCode::kNotFound,
                      fmt::format("ingest run {} brought in no new files", *id));
  Result<StoryDraft> d =
      draft_story_from(library, *assets, channels, fmt::format("ingest run {}", *id));
  if (d) d->run = *id;
  return d;
}

Result<StoryDraft> draft_story_from(const std::string& library, const std::vector<Asset>& assets,
                                    const std::vector<std::string>& channels,
                                    const std::string& origin) {
  if (assets.empty())
    return make_error(ErrorCode::kNotFound, fmt::format("{} holds no media", origin));
  StoryDraft d;
  d.story = placeholder_story(channels);
  auto detector = FaceDetector::open();
  if (!detector) d.notes.push_back("faces not counted: " + detector.error().message);
  for (const Asset& a : assets) {
    if (a.info.kind != MediaKind::kPhoto) continue;
    PhotoRank r;
    r.asset = a;
    measure_photo(r, library, detector ? &*detector : nullptr);
    if (!r.note.empty()) d.notes.push_back(a.library_path + ": " + r.note);
    d.photos.push_back(std::move(r));
  }
  rank_photos(d.photos);
  std::string alternatives;
  choose_photos(d, alternatives);
  choose_sound_and_video(d, assets, alternatives);
  d.story.date = capture_day(assets.front().info.meta.capture_time);
  if (!is_calendar_date(d.story.date)) d.story.date.clear();
  d.story.slug.clear();
  d.text = fmt::format(
               "# Drafted by `saluran story new` from {}: best photos first "
               "(sharp, faces, no near-duplicates).\n# Write the TODO parts, check the "
               "media, then run `saluran plan` on this file.\n\n",
               origin) +
           write_story(d.story);
  if (!alternatives.empty())
    d.text +=
        fmt::format("\n# ---- Also from this {}: remove the '# ' of a table to use it. ----\n",
                    origin.rfind("ingest run", 0) == 0 ? "run" : "folder") +
        alternatives;
  return d;
}

}  // namespace saluran
