// Ingest on real camera, phone and drone files: layout, duplicates, sidecars, rejections,
// originals untouched, and a second run that reads nothing again.

#include "pipeline/stages/ingest.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <set>

#include <fmt/format.h>

#include "codecs/file_copy.hpp"
#include "pipeline/catalog/catalog.hpp"
#include "tests/support/media_tree.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {

namespace fs = std::filesystem;
using test::corpus;

struct Snapshot {
  std::string hash;
  std::int64_t mtime_ns = 0;
};

std::map<std::string, Snapshot> snapshot(const fs::path& root) {
  std::map<std::string, Snapshot> out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (!e.is_regular_file() || e.is_symlink()) continue;
    struct stat st {};
    ::stat(e.path().c_str(), &st);
    out[e.path().string()] = {hash_file(e.path().string()).value(),
                              st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec};
  }
  return out;
}

/// A card as the office brings it: camera DCIM, a DJI folder with SRT sidecar, a phone export,
/// a second copy of one photo, a non-media file, a broken file and a symbolic link.
void make_card(const test::TempDir& src) {
  fs::copy_file(corpus("camera/DSCN0010.jpg"), src / "DCIM/100NIKON/DSCN0010.JPG");
  fs::copy_file(corpus("camera/Canon_40D.jpg"), src / "DCIM/100CANON/IMG_0001.JPG");
  fs::copy_file(corpus("phone/video_rotation_90.mp4"), src / "DJI/DJI_0001.MP4");
  fs::copy_file(corpus("drone/mavic_pro.SRT"), src / "DJI/DJI_0001.SRT");
  fs::copy_file(corpus("phone/IMG_5195.HEIC"), src / "phone/IMG_5195.HEIC");
  fs::copy_file(corpus("camera/DSCN0010.jpg"), src / "phone/backup/copy-of-DSCN0010.jpg");
  fs::copy_file(corpus("broken/truncated.jpg"), src / "phone/IMG_9999.JPG");
  test::write_text(src / "DCIM/notes.txt", "Liputan kunjungan Bupati\n");
  fs::create_symlink("/etc", src / "DCIM/link-out");
}

TEST(IngestOutcome, EachSourceOutcomeMapsToTheCommonOutcome) {
  EXPECT_EQ(outcome_of(SourceOutcome::kCopied), Outcome::kCopied);
  EXPECT_EQ(outcome_of(SourceOutcome::kDuplicate), Outcome::kUpToDate);
  EXPECT_EQ(outcome_of(SourceOutcome::kUnchanged), Outcome::kUpToDate);
  EXPECT_EQ(outcome_of(SourceOutcome::kSkipped), Outcome::kSkipped);
  EXPECT_EQ(outcome_of(SourceOutcome::kSidecar), Outcome::kSkipped);
  EXPECT_EQ(outcome_of(SourceOutcome::kRejected), Outcome::kFailed);
}

TEST(IngestOutcome, ReportCountsByCommonOutcome) {
  IngestReport r;
  for (SourceOutcome o :
       {SourceOutcome::kCopied, SourceOutcome::kCopied, SourceOutcome::kDuplicate,
        SourceOutcome::kUnchanged, SourceOutcome::kSidecar, SourceOutcome::kRejected}) {
    r.sources.push_back(SourceRecord{"/card/x", 1, 0, o, 0, {}});
  }
  const OutcomeCounts n = outcome_counts(r);
  EXPECT_EQ(n[Outcome::kCopied], 2u);
  EXPECT_EQ(n[Outcome::kUpToDate], 2u);
  EXPECT_EQ(n[Outcome::kSkipped], 1u);
  EXPECT_EQ(n[Outcome::kFailed], 1u);
  EXPECT_EQ(n[Outcome::kMade], 0u);
}

TEST(Ingest, CardIntoLibrary) {
  SKIP_WITHOUT_CORPUS();
  test::TempDir src("card");
  for (const char* d : {"DCIM/100NIKON", "DCIM/100CANON", "DJI", "phone/backup"})
    fs::create_directories(src.path() / d);
  make_card(src);
  const auto before = snapshot(src.path());
  test::TempDir lib("library");

  IngestOptions opts;
  opts.library = lib.path().string();
  opts.operator_name = "budi";
  std::vector<IngestEvent> events;
  opts.on_event = [&](const IngestEvent& e) { events.push_back(e); };
  Result<IngestReport> r = ingest({src.path().string()}, opts);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  const IngestRun& run = r->run;
  EXPECT_EQ(run.copied, 4);      // NIKON, Canon, DJI video, HEIC
  EXPECT_EQ(run.duplicates, 1);  // the backup copy
  EXPECT_EQ(run.rejected, 1);    // truncated JPEG
  EXPECT_EQ(run.skipped, 2);     // notes.txt and the symbolic link
  EXPECT_EQ(run.operator_name, "budi");

  // Originals untouched: same content and modification time.
  EXPECT_EQ(snapshot(src.path()).size(), before.size());
  for (const auto& [path, snap] : snapshot(src.path())) {
    EXPECT_EQ(snap.hash, before.at(path).hash) << path;
    EXPECT_EQ(snap.mtime_ns, before.at(path).mtime_ns) << path;
  }

  // Layout YYYY/MM-DD/<device>/<name>, sidecar beside its video.
  EXPECT_TRUE(fs::exists(lib.path() / "2008/10-22/NIKON-COOLPIX-P6000/DSCN0010.JPG"));
  Result<Catalog> cat = Catalog::open(catalog_path(lib.path().string()));
  ASSERT_TRUE(cat.ok());
  auto assets = cat->list_assets({});
  ASSERT_TRUE(assets.ok());
  ASSERT_EQ(assets->size(), 4u);
  bool saw_video = false;
  for (const Asset& a : *assets) {
    EXPECT_EQ(hash_file((lib.path() / a.library_path).string()).value(), a.hash);
    if (a.info.kind == MediaKind::kVideo) {
      saw_video = true;
      ASSERT_EQ(a.sidecars.size(), 1u);
      EXPECT_TRUE(fs::exists(lib.path() / a.sidecars[0]));
      EXPECT_EQ(fs::path(a.sidecars[0]).parent_path(), fs::path(a.library_path).parent_path());
    }
  }
  EXPECT_TRUE(saw_video);
  auto rejected = cat->list_rejections(std::nullopt);
  ASSERT_TRUE(rejected.ok());
  ASSERT_EQ(rejected->size(), 1u);
  EXPECT_NE((*rejected)[0].path.find("IMG_9999.JPG"), std::string::npos);
  EXPECT_FALSE((*rejected)[0].reason.empty());
  EXPECT_TRUE(fs::is_empty(lib.path() / ".saluran/tmp"));
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.front().type, IngestEvent::Type::kStart);
  EXPECT_EQ(events.back().type, IngestEvent::Type::kFinish);
  EXPECT_EQ(events.back().bytes_done, events.back().bytes_total);

  // A second run over the same card reads nothing again and copies nothing.
  opts.on_event = nullptr;
  Result<IngestReport> again = ingest({src.path().string()}, opts);
  ASSERT_TRUE(again.ok()) << again.error().to_string();
  EXPECT_EQ(again->run.copied, 0);
  EXPECT_EQ(again->run.duplicates, 0);
  EXPECT_GE(again->run.unchanged, 5);
  EXPECT_EQ(cat->list_assets({})->size(), 4u);

  // A second card with the same photo under another name: a duplicate, not a second copy.
  test::TempDir card2("card2");
  fs::copy_file(corpus("camera/DSCN0010.jpg"), card2 / "DSC_0001.JPG");
  Result<IngestReport> third = ingest({card2.path().string()}, opts);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->run.duplicates, 1);
  EXPECT_EQ(cat->list_assets({})->size(), 4u);
}

TEST(Ingest, SameOutcomesInSourceOrderWithOneWorkerOrMany) {
  SKIP_WITHOUT_CORPUS();
  test::TempDir src("workers");
  for (int i = 0; i < 9; ++i) {
    test::copy_with_tail(corpus("camera/DSCN0010.jpg"), src / fmt::format("c/IMG_{:04}.JPG", i), 16,
                         static_cast<std::uint64_t>(i));
  }
  fs::copy_file(src / "c/IMG_0003.JPG", src / "c/IMG_0003b.JPG");  // a duplicate
  test::write_text(src / "c/notes.txt", "Liputan\n");
  std::vector<std::vector<std::pair<std::string, SourceOutcome>>> seen;
  for (int jobs : {1, 5}) {
    test::TempDir lib("library");
    IngestOptions opts;
    opts.library = lib.path().string();
    opts.jobs = jobs;
    Result<IngestReport> r = ingest({src.path().string()}, opts);
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    EXPECT_EQ(r->run.copied, 9) << jobs;
    EXPECT_EQ(r->run.duplicates, 1) << jobs;
    EXPECT_EQ(r->run.skipped, 1) << jobs;
    EXPECT_TRUE(fs::is_empty(lib.path() / ".saluran/tmp")) << jobs;
    std::vector<std::pair<std::string, SourceOutcome>> order;
    for (const SourceRecord& s : r->sources) order.emplace_back(s.path, s.outcome);
    seen.push_back(std::move(order));
  }
  EXPECT_EQ(seen[0], seen[1]);
  // In source order: the copy after the original it duplicates.
  ASSERT_EQ(seen[0].size(), 11u);
  EXPECT_EQ(seen[0][3].first, src / "c/IMG_0003.JPG");
  EXPECT_EQ(seen[0][3].second, SourceOutcome::kCopied);
  EXPECT_EQ(seen[0][4].first, src / "c/IMG_0003b.JPG");
  EXPECT_EQ(seen[0][4].second, SourceOutcome::kDuplicate);
}

TEST(Ingest, NameCollisionsNeverOverwrite) {
  SKIP_WITHOUT_CORPUS();
  test::TempDir src("collide");
  // Same camera, same day, same file name, different content (two cards, counter reset).
  test::copy_with_tail(corpus("camera/DSCN0010.jpg"), src / "a/DSCN0010.JPG", 10, 1);
  test::copy_with_tail(corpus("camera/DSCN0010.jpg"), src / "b/DSCN0010.JPG", 10, 2);
  test::TempDir lib("library");
  IngestOptions opts;
  opts.library = lib.path().string();
  Result<IngestReport> r = ingest({src.path().string()}, opts);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->run.copied, 2);
  EXPECT_TRUE(fs::exists(lib.path() / "2008/10-22/NIKON-COOLPIX-P6000/DSCN0010.JPG"));
  EXPECT_TRUE(fs::exists(lib.path() / "2008/10-22/NIKON-COOLPIX-P6000/DSCN0010-2.JPG"));
}

TEST(Ingest, LibraryNamingHelpers) {
  MediaInfo m;
  m.meta.make = "Canon";
  m.meta.model = "Canon EOS 90D";
  m.meta.capture_time = "2025-03-14T09:20:00+07:00";
  EXPECT_EQ(library_folder(m, "2000-01-01"), "2025/03-14/Canon-EOS-90D");
  m.meta = {};
  EXPECT_EQ(library_folder(m, "2024-12-31"), "2024/12-31/unknown-device");
  m.meta.make = "DJI";
  m.meta.model = "FC3411";
  EXPECT_EQ(library_folder(m, "2024-12-31"), "2024/12-31/DJI-FC3411");
  EXPECT_EQ(safe_name("../a b:c.JPG"), "_a_b_c.JPG");
  EXPECT_EQ(safe_name(".hidden"), "hidden");
}

}  // namespace
}  // namespace saluran
