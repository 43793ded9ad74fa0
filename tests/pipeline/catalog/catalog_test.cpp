// The catalog: schema and settings, assets and their sources, queries, runs and rejections,
// and the JSON form of MediaInfo it keeps every probe fact in.

#include "pipeline/catalog/catalog.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "pipeline/model/media_info_json.hpp"

namespace saluran {
namespace {

namespace fs = std::filesystem;

using test::TempDir;

struct SqliteClose {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using RawDb = std::unique_ptr<sqlite3, SqliteClose>;

/// A second, plain connection to a catalog file, to look behind the API.
RawDb raw_open(const fs::path& p) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(p.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  return RawDb(db);
}

void raw_exec(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  ASSERT_EQ(rc, SQLITE_OK) << sql << ": " << (err != nullptr ? err : "");
  sqlite3_free(err);
}

std::int64_t raw_int(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr);
  std::int64_t v = -1;
  if (st != nullptr && sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

std::string hash_of(int n) { return fmt::format("{:032x}", n); }

/// A photo asset with a capture time, device and optional place.
Asset photo(int n, const std::string& library_path, const std::string& capture_time,
            const std::string& make, const std::string& model, DeviceClass device_class,
            std::optional<GeoPoint> gps = std::nullopt) {
  Asset a;
  a.hash = hash_of(n);
  a.library_path = library_path;
  MediaInfo& m = a.info;
  m.path = "/media/card/" + fs::path(library_path).filename().string();
  m.kind = MediaKind::kPhoto;
  m.container = "jpeg";
  m.size_bytes = 1000 + static_cast<std::uint64_t>(n);
  PictureInfo p;
  p.codec = "jpeg";
  p.width = 4000;
  p.height = 3000;
  p.upright_width = 4000;
  p.upright_height = 3000;
  m.picture = p;
  m.meta.capture_time = capture_time;
  if (!capture_time.empty()) m.meta.capture_time_source = "exif";
  m.meta.make = make;
  m.meta.model = model;
  m.meta.device_class = device_class;
  m.meta.gps = gps;
  return a;
}

/// A video with every fact filled in, telemetry and GPS included.
MediaInfo full_video_info() {
  MediaInfo m;
  m.path = "/media/DJI/DCIM/100MEDIA/DJI_0001.MP4";
  m.kind = MediaKind::kVideo;
  m.container = "mov,mp4";
  m.size_bytes = 123456789012ull;
  m.duration_s = 61.041666666666664;
  m.frame_rate = 29.97002997002997;
  m.variable_frame_rate = true;
  m.bit_rate = 99887766;
  PictureInfo p;
  p.codec = "hevc";
  p.profile = "Main 10";
  p.width = 3840;
  p.height = 2160;
  p.rotation = 90;
  p.mirrored = true;
  p.orientation = 6;
  p.upright_width = 2160;
  p.upright_height = 3840;
  p.sar_num = 4;
  p.sar_den = 3;
  p.bit_depth = 10;
  p.pixel_format = "yuv420p10le";
  p.color_transfer = "arib-std-b67";
  p.hdr = "hlg";
  m.picture = p;
  AudioInfo a;
  a.codec = "aac";
  a.channels = 2;
  a.channel_layout = "stereo";
  a.sample_rate = 48000;
  a.bit_depth = 16;
  m.audio = a;
  m.video_streams = 1;
  m.audio_streams = 2;
  m.meta.capture_time = "2025-03-14T09:30:12+07:00";
  m.meta.capture_time_source = "container";
  m.meta.make = "DJI";
  m.meta.model = "FC3411";
  m.meta.device_class = DeviceClass::kDrone;
  m.meta.gps = GeoPoint{-6.914744, 107.609810, 712.25};
  Telemetry t;
  t.format = "dji-srt-v2";
  t.frames = 1830;
  t.start_s = 0;
  t.end_s = 61.033;
  t.first_time = "2025-03-14 09:30:12.123";
  t.last_time = "2025-03-14 09:31:13.156";
  t.first_position = GeoPoint{-6.914744, 107.609810, 712.25};
  t.last_position = GeoPoint{-6.915, 107.61, std::nullopt};
  t.min_altitude_m = 700.5;
  t.max_altitude_m = 760.125;
  m.telemetry = t;
  m.telemetry_path = "/media/DJI/DCIM/100MEDIA/DJI_0001.SRT";
  m.warnings = {"no GPS fix in the first 3 s", "creation time has no zone"};
  return m;
}

void expect_same_geo(const std::optional<GeoPoint>& a, const std::optional<GeoPoint>& b) {
  ASSERT_EQ(a.has_value(), b.has_value());
  if (!a) return;
  EXPECT_EQ(a->latitude, b->latitude);
  EXPECT_EQ(a->longitude, b->longitude);
  EXPECT_EQ(a->altitude_m, b->altitude_m);
}

/// Field by field, so a fact lost on the way is named.
void expect_same_info(const MediaInfo& a, const MediaInfo& b) {
  EXPECT_EQ(a.path, b.path);
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.container, b.container);
  EXPECT_EQ(a.size_bytes, b.size_bytes);
  EXPECT_EQ(a.duration_s, b.duration_s);
  EXPECT_EQ(a.frame_rate, b.frame_rate);
  EXPECT_EQ(a.variable_frame_rate, b.variable_frame_rate);
  EXPECT_EQ(a.bit_rate, b.bit_rate);
  ASSERT_EQ(a.picture.has_value(), b.picture.has_value());
  if (a.picture) {
    const PictureInfo& p = *a.picture;
    const PictureInfo& q = *b.picture;
    EXPECT_EQ(p.codec, q.codec);
    EXPECT_EQ(p.profile, q.profile);
    EXPECT_EQ(p.width, q.width);
    EXPECT_EQ(p.height, q.height);
    EXPECT_EQ(p.rotation, q.rotation);
    EXPECT_EQ(p.mirrored, q.mirrored);
    EXPECT_EQ(p.orientation, q.orientation);
    EXPECT_EQ(p.upright_width, q.upright_width);
    EXPECT_EQ(p.upright_height, q.upright_height);
    EXPECT_EQ(p.sar_num, q.sar_num);
    EXPECT_EQ(p.sar_den, q.sar_den);
    EXPECT_EQ(p.bit_depth, q.bit_depth);
    EXPECT_EQ(p.pixel_format, q.pixel_format);
    EXPECT_EQ(p.color_transfer, q.color_transfer);
    EXPECT_EQ(p.hdr, q.hdr);
  }
  ASSERT_EQ(a.audio.has_value(), b.audio.has_value());
  if (a.audio) {
    EXPECT_EQ(a.audio->codec, b.audio->codec);
    EXPECT_EQ(a.audio->channels, b.audio->channels);
    EXPECT_EQ(a.audio->channel_layout, b.audio->channel_layout);
    EXPECT_EQ(a.audio->sample_rate, b.audio->sample_rate);
    EXPECT_EQ(a.audio->bit_depth, b.audio->bit_depth);
  }
  EXPECT_EQ(a.video_streams, b.video_streams);
  EXPECT_EQ(a.audio_streams, b.audio_streams);
  EXPECT_EQ(a.meta.capture_time, b.meta.capture_time);
  EXPECT_EQ(a.meta.capture_time_source, b.meta.capture_time_source);
  EXPECT_EQ(a.meta.make, b.meta.make);
  EXPECT_EQ(a.meta.model, b.meta.model);
  EXPECT_EQ(a.meta.device_class, b.meta.device_class);
  expect_same_geo(a.meta.gps, b.meta.gps);
  ASSERT_EQ(a.telemetry.has_value(), b.telemetry.has_value());
  if (a.telemetry) {
    const Telemetry& t = *a.telemetry;
    const Telemetry& u = *b.telemetry;
    EXPECT_EQ(t.format, u.format);
    EXPECT_EQ(t.frames, u.frames);
    EXPECT_EQ(t.start_s, u.start_s);
    EXPECT_EQ(t.end_s, u.end_s);
    EXPECT_EQ(t.first_time, u.first_time);
    EXPECT_EQ(t.last_time, u.last_time);
    expect_same_geo(t.first_position, u.first_position);
    expect_same_geo(t.last_position, u.last_position);
    EXPECT_EQ(t.min_altitude_m, u.min_altitude_m);
    EXPECT_EQ(t.max_altitude_m, u.max_altitude_m);
  }
  EXPECT_EQ(a.telemetry_path, b.telemetry_path);
  EXPECT_EQ(a.warnings, b.warnings);
}

SourceRecord source_at(const std::string& path, std::uint64_t size, std::int64_t mtime_ns,
                       SourceOutcome outcome = SourceOutcome::kCopied) {
  SourceRecord s;
  s.path = path;
  s.size = size;
  s.mtime_ns = mtime_ns;
  s.outcome = outcome;
  return s;
}

std::vector<std::string> paths_of(const std::vector<Asset>& assets) {
  std::vector<std::string> out;
  for (const Asset& a : assets) out.push_back(a.library_path);
  return out;
}

class CatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_path_ = catalog_path(dir_.path().string());
    Result<Catalog> c = Catalog::open(db_path_);
    ASSERT_TRUE(c.ok()) << c.error().to_string();
    catalog_ = std::make_unique<Catalog>(std::move(c.value()));
    Result<std::int64_t> run = catalog_->begin_run("budi", {"/media/card"});
    ASSERT_TRUE(run.ok()) << run.error().to_string();
    run_ = *run;
  }

  /// Adds an asset with one copied source; returns its id.
  std::int64_t add(const Asset& a, std::int64_t run = 0) {
    const SourceRecord src = source_at(a.info.path, a.info.size_bytes, 1'700'000'000'000'000'000);
    Result<std::int64_t> id = catalog_->add_asset(a, src, run != 0 ? run : run_);
    EXPECT_TRUE(id.ok()) << id.error().to_string();
    return id.ok() ? *id : 0;
  }

  TempDir dir_;
  std::string db_path_;
  std::unique_ptr<Catalog> catalog_;
  std::int64_t run_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Opening, settings and schema versions

TEST(CatalogPath, LivesInTheLibrarysHiddenFolder) {
  EXPECT_EQ(catalog_path("/srv/library"), "/srv/library/.saluran/catalog.db");
  EXPECT_EQ(catalog_path("library"), "library/.saluran/catalog.db");
}

TEST_F(CatalogTest, OpenCreatesFolderSchemaAndVersion) {
  EXPECT_TRUE(fs::exists(dir_.path() / ".saluran" / "catalog.db"));
  EXPECT_EQ(catalog_->schema_version(), kCatalogSchemaVersion);
  RawDb raw = raw_open(db_path_);
  EXPECT_EQ(raw_int(raw.get(), "PRAGMA user_version"), kCatalogSchemaVersion);
  for (const char* table : {"runs", "assets", "sources", "sidecars", "rejections"}) {
    EXPECT_EQ(raw_int(raw.get(), fmt::format("SELECT count(*) FROM sqlite_master WHERE "
                                             "type = 'table' AND name = '{}'",
                                             table)),
              1)
        << table;
  }
  for (const char* index : {"assets_capture_day", "sources_identity"}) {
    EXPECT_EQ(raw_int(raw.get(), fmt::format("SELECT count(*) FROM sqlite_master WHERE "
                                             "type = 'index' AND name = '{}'",
                                             index)),
              1)
        << index;
  }
}

TEST_F(CatalogTest, SettingsAreWalFullForeignKeysAndBusyTimeout) {
  EXPECT_EQ(catalog_->pragma_value("journal_mode").value(), "wal");
  EXPECT_EQ(catalog_->pragma_value("synchronous").value(), "2");  // FULL
  EXPECT_EQ(catalog_->pragma_value("foreign_keys").value(), "1");
  EXPECT_EQ(catalog_->pragma_value("busy_timeout").value(), "60000");
  EXPECT_EQ(catalog_->pragma_value("user_version").value(), std::to_string(kCatalogSchemaVersion));
  // WAL is stored in the file: another connection sees it too.
  RawDb raw = raw_open(db_path_);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(raw.get(), "PRAGMA journal_mode", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "wal");
  sqlite3_finalize(st);
}

TEST_F(CatalogTest, OnlyKnownSettingsCanBeRead) {
  Result<std::string> r = catalog_->pragma_value("writable_schema = 1; DROP TABLE assets");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(catalog_->list_assets({}).ok());
}

TEST_F(CatalogTest, ForeignKeysAreEnforced) {
  Result<std::int64_t> r = catalog_->add_asset(photo(1, "a.jpg", "", "", "", DeviceClass::kUnknown),
                                               source_at("/x/a.jpg", 1, 1), 999);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find("run or asset"), std::string::npos) << r.error().to_string();
  EXPECT_FALSE(catalog_->add_rejection({999, "/x/b.jpg", "corrupt", "broken"}).ok());
  EXPECT_FALSE(catalog_->add_sidecar(12345, "x.SRT").ok());
}

TEST_F(CatalogTest, ReopenKeepsData) {
  Asset a = photo(7, "2024/05-01/NIKON-D750/DSC_0007.JPG", "2024-05-01T09:30:12+07:00", "NIKON",
                  "D750", DeviceClass::kCamera);
  a.sidecars = {"2024/05-01/NIKON-D750/DSC_0007.XMP"};
  const std::int64_t id = add(a);
  catalog_.reset();
  Result<Catalog> again = Catalog::open(db_path_);
  ASSERT_TRUE(again.ok()) << again.error().to_string();
  EXPECT_EQ(again->schema_version(), kCatalogSchemaVersion);
  Result<std::optional<Asset>> found = again->find_asset_by_hash(hash_of(7));
  ASSERT_TRUE(found.ok()) << found.error().to_string();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->id, id);
  EXPECT_EQ((*found)->library_path, a.library_path);
  EXPECT_EQ((*found)->sidecars, a.sidecars);
  EXPECT_EQ(again->list_runs()->size(), 1u);
}

TEST_F(CatalogTest, MovedCatalogKeepsWorking) {
  Catalog moved = std::move(*catalog_);
  EXPECT_EQ(moved.schema_version(), kCatalogSchemaVersion);
  Result<Catalog> other = Catalog::open((dir_.path() / "other.db").string());
  ASSERT_TRUE(other.ok());
  moved = std::move(other.value());
  EXPECT_TRUE(moved.list_assets({}).ok());
  EXPECT_TRUE(moved.list_assets({})->empty());
}

TEST(CatalogOpen, RefusesACatalogFromANewerSaluran) {
  TempDir dir;
  const fs::path p = dir.path() / "catalog.db";
  {
    RawDb raw = raw_open(p);
    raw_exec(raw.get(), fmt::format("PRAGMA user_version = {}", kCatalogSchemaVersion + 1));
  }
  Result<Catalog> c = Catalog::open(p.string());
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, ErrorCode::kUnsupported);
  EXPECT_NE(c.error().message.find("newer version of Saluran"), std::string::npos)
      << c.error().to_string();
  EXPECT_NE(c.error().message.find("update saluran"), std::string::npos);
  EXPECT_EQ(c.error().context.file, p.string());
  // Nothing was written to it.
  RawDb raw = raw_open(p);
  EXPECT_EQ(raw_int(raw.get(), "SELECT count(*) FROM sqlite_master"), 0);
}

// Batch shards open one new library at once; SQLite refuses the switch to write-ahead
// logging without waiting while another connection opens the file, so open waits itself.
TEST(CatalogOpen, SeveralOpeningOneNewCatalogAtOnceAllSucceed) {
  TempDir dir;
  for (int round = 0; round < 20; ++round) {
    const std::string p = (dir.path() / fmt::format("r{}", round) / "catalog.db").string();
    std::vector<std::string> errors(4);
    std::vector<std::thread> openers;
    for (std::size_t i = 0; i < errors.size(); ++i) {
      openers.emplace_back([&errors, &p, i] {
        Result<Catalog> c = Catalog::open(p);
        if (!c) errors[i] = c.error().to_string();
      });
    }
    for (std::thread& t : openers) t.join();
    for (const std::string& e : errors) EXPECT_EQ(e, "") << "round " << round;
    Result<Catalog> c = Catalog::open(p);
    ASSERT_TRUE(c.ok()) << c.error().to_string();
    EXPECT_EQ(c->pragma_value("journal_mode").value(), "wal");
  }
}

TEST(CatalogOpen, MigratesAnEmptyDatabaseFromVersionZero) {
  TempDir dir;
  const fs::path p = dir.path() / "catalog.db";
  {
    RawDb raw = raw_open(p);
    raw_exec(raw.get(), "CREATE TABLE notes (text TEXT)");
    EXPECT_EQ(raw_int(raw.get(), "PRAGMA user_version"), 0);
  }
  Result<Catalog> c = Catalog::open(p.string());
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  EXPECT_EQ(c->schema_version(), kCatalogSchemaVersion);
  EXPECT_TRUE(c->list_runs().ok());
}

TEST_F(CatalogTest, FocusIsFoundByLibraryOrSourcePathSetAndCleared) {
  const std::int64_t id = add(photo(1, "2025/03-14/camera/DSC_0001.JPG", "2025-03-14T09:00:00",
                                    "NIKON", "D750", DeviceClass::kCamera));
  EXPECT_EQ(catalog_->find_asset_id("2025/03-14/camera/DSC_0001.JPG", "").value(), id);
  EXPECT_EQ(catalog_->find_asset_id("", "/media/card/DSC_0001.JPG").value(), id);
  EXPECT_FALSE(catalog_->find_asset_id("2025/03-14/camera/other.JPG", "/elsewhere.JPG").value());

  EXPECT_FALSE(catalog_->focus_of(id).value());
  ASSERT_TRUE(catalog_->set_focus(id, FocusPoint{0.25, 0.6}).ok());
  const auto focus = catalog_->focus_of(id).value();
  ASSERT_TRUE(focus);
  EXPECT_DOUBLE_EQ(focus->x, 0.25);
  EXPECT_DOUBLE_EQ(focus->y, 0.6);
  ASSERT_TRUE(catalog_->set_focus(id, std::nullopt).ok());
  EXPECT_FALSE(catalog_->focus_of(id).value());

  const Status outside = catalog_->set_focus(id, FocusPoint{1.5, 0.5});
  ASSERT_FALSE(outside.ok());
  EXPECT_EQ(outside.error().code, ErrorCode::kInvalidArgument);
  const Status missing = catalog_->set_focus(id + 100, FocusPoint{0.5, 0.5});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST(CatalogOpen, MigratesAVersionOneCatalogKeepingItsAssets) {
  TempDir dir;
  const std::string p = catalog_path(dir.path().string());
  {
    Result<Catalog> c = Catalog::open(p);
    ASSERT_TRUE(c.ok()) << c.error().to_string();
    const std::int64_t run = c->begin_run("budi", {"/media/card"}).value();
    const Asset a = photo(7, "2025/03-14/camera/DSC_0007.JPG", "2025-03-14T09:00:00", "NIKON",
                          "D750", DeviceClass::kCamera);
    ASSERT_TRUE(c->add_asset(a, source_at(a.info.path, 1007, 1), run).ok());
  }
  {  // back to what version 1 wrote: no focus columns, ledger, connector state or claims
    RawDb raw = raw_open(p);
    raw_exec(raw.get(), "DROP TABLE work_claims");
    raw_exec(raw.get(), "DROP TABLE connector_state");
    raw_exec(raw.get(), "DROP TABLE publish_log");
    raw_exec(raw.get(), "DROP TABLE publish_ledger");
    raw_exec(raw.get(), "ALTER TABLE assets DROP COLUMN focus_x");
    raw_exec(raw.get(), "ALTER TABLE assets DROP COLUMN focus_y");
    raw_exec(raw.get(), "PRAGMA user_version = 1");
  }
  Result<Catalog> c = Catalog::open(p);
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  EXPECT_EQ(c->schema_version(), kCatalogSchemaVersion);
  const auto assets = c->list_assets({});
  ASSERT_TRUE(assets.ok());
  ASSERT_EQ(assets->size(), 1u);
  const std::int64_t id = c->find_asset_id("2025/03-14/camera/DSC_0007.JPG", "").value().value();
  EXPECT_FALSE(c->focus_of(id).value());
  EXPECT_TRUE(c->set_focus(id, FocusPoint{0.1, 0.9}).ok());
}

TEST(CatalogOpen, NotADatabaseIsAClearError) {
  TempDir dir;
  const fs::path p = dir.path() / "catalog.db";
  std::ofstream(p) << std::string(8192, 'x');
  Result<Catalog> c = Catalog::open(p.string());
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, ErrorCode::kCorrupt);
  EXPECT_NE(c.error().message.find("restore it from a backup"), std::string::npos)
      << c.error().to_string();
}

TEST(CatalogOpen, UnwritableFolderIsAClearError) {
  if (geteuid() == 0) GTEST_SKIP() << "root may write anywhere";
  TempDir dir;
  fs::permissions(dir.path(), fs::perms::owner_read | fs::perms::owner_exec);
  Result<Catalog> c = Catalog::open(catalog_path(dir.path().string()));
  fs::permissions(dir.path(), fs::perms::owner_all);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, ErrorCode::kPermission) << c.error().to_string();
}

// ---------------------------------------------------------------------------------------------
// Assets, sources and sidecars

TEST_F(CatalogTest, AddAndFindByHashRestoresEveryFact) {
  Asset a;
  a.hash = hash_of(42);
  a.library_path = "2025/03-14/DJI-FC3411/DJI_0001.MP4";
  a.info = full_video_info();
  a.sidecars = {"2025/03-14/DJI-FC3411/DJI_0001.SRT", "2025/03-14/DJI-FC3411/DJI_0001.THM"};
  const std::int64_t id = add(a);
  ASSERT_GT(id, 0);
  Result<std::optional<Asset>> found = catalog_->find_asset_by_hash(a.hash);
  ASSERT_TRUE(found.ok()) << found.error().to_string();
  ASSERT_TRUE(found->has_value());
  const Asset& b = **found;
  EXPECT_EQ(b.id, id);
  EXPECT_EQ(b.hash, a.hash);
  EXPECT_EQ(b.library_path, a.library_path);
  EXPECT_EQ(b.ingest_run, run_);
  EXPECT_EQ(b.sidecars, a.sidecars);
  expect_same_info(b.info, a.info);
  // The query columns are filled from the facts.
  RawDb raw = raw_open(db_path_);
  EXPECT_EQ(raw_int(raw.get(), "SELECT upright_width FROM assets"), 2160);
  EXPECT_EQ(raw_int(raw.get(),
                    "SELECT count(*) FROM assets WHERE capture_day = '2025-03-14' "
                    "AND device_class = 'drone' AND kind = 'video' AND make = 'DJI' "
                    "AND alt > 712 AND lat < -6.9"),
            1);
}

TEST_F(CatalogTest, UnknownHashIsNotFound) {
  Result<std::optional<Asset>> found = catalog_->find_asset_by_hash(hash_of(404));
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());
}

TEST_F(CatalogTest, DuplicateHashIsRefusedAndRolledBack) {
  add(photo(1, "a/one.jpg", "", "", "", DeviceClass::kUnknown));
  Asset again = photo(1, "a/one-again.jpg", "", "", "", DeviceClass::kUnknown);
  again.sidecars = {"a/one-again.xmp"};
  Result<std::int64_t> r = catalog_->add_asset(again, source_at("/card2/one.jpg", 1001, 5), run_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find("content hash is already in the catalog"), std::string::npos)
      << r.error().to_string();
  EXPECT_NE(r.error().context.detail.find("assets.hash"), std::string::npos);
  EXPECT_EQ(r.error().context.file, "a/one-again.jpg");
  // Nothing of the failed add stays behind.
  EXPECT_EQ(catalog_->list_assets({})->size(), 1u);
  EXPECT_FALSE(*catalog_->library_path_taken("a/one-again.jpg"));
  EXPECT_FALSE(*catalog_->library_path_taken("a/one-again.xmp"));
  std::int64_t id = 0;
  EXPECT_FALSE(*catalog_->source_unchanged("/card2/one.jpg", 1001, 5, &id));
  // And the catalog is still usable.
  add(photo(2, "a/two.jpg", "", "", "", DeviceClass::kUnknown));
  EXPECT_EQ(catalog_->list_assets({})->size(), 2u);
}

TEST_F(CatalogTest, DuplicateLibraryPathIsRefused) {
  add(photo(1, "a/one.jpg", "", "", "", DeviceClass::kUnknown));
  Result<std::int64_t> r = catalog_->add_asset(photo(2, "a/one.jpg", "", "", "", {}),
                                               source_at("/x/one.jpg", 1, 1), run_);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("library path"), std::string::npos) << r.error().to_string();
}

TEST_F(CatalogTest, LibraryPathTakenByAssetsAndSidecars) {
  const std::int64_t id = add(photo(1, "2024/05-01/cam/a.jpg", "", "", "", {}));
  ASSERT_TRUE(catalog_->add_sidecar(id, "2024/05-01/cam/a.xmp").ok());
  EXPECT_TRUE(*catalog_->library_path_taken("2024/05-01/cam/a.jpg"));
  EXPECT_TRUE(*catalog_->library_path_taken("2024/05-01/cam/a.xmp"));
  EXPECT_FALSE(*catalog_->library_path_taken("2024/05-01/cam/b.jpg"));
  EXPECT_FALSE(*catalog_->library_path_taken("2024/05-01/cam/A.JPG"));
  EXPECT_FALSE(catalog_->add_sidecar(id, "2024/05-01/cam/a.xmp").ok());
  EXPECT_EQ(catalog_->find_asset_by_hash(hash_of(1))->value().sidecars,
            std::vector<std::string>{"2024/05-01/cam/a.xmp"});
}

TEST_F(CatalogTest, SourceUnchangedOnlyForTheSameFileStillInTheLibrary) {
  Asset a = photo(1, "a/one.jpg", "", "", "", {});
  const std::int64_t id =
      *catalog_->add_asset(a, source_at("/card/DCIM/one.jpg", 5000, 1'111'000'000), run_);
  std::int64_t found = 0;
  EXPECT_TRUE(*catalog_->source_unchanged("/card/DCIM/one.jpg", 5000, 1'111'000'000, &found));
  EXPECT_EQ(found, id);
  EXPECT_TRUE(*catalog_->source_unchanged("/card/DCIM/one.jpg", 5000, 1'111'000'000, nullptr));
  found = 0;
  EXPECT_FALSE(*catalog_->source_unchanged("/card/DCIM/one.jpg", 5001, 1'111'000'000, &found));
  EXPECT_FALSE(*catalog_->source_unchanged("/card/DCIM/one.jpg", 5000, 1'111'000'001, &found));
  EXPECT_FALSE(*catalog_->source_unchanged("/card/DCIM/two.jpg", 5000, 1'111'000'000, &found));
  EXPECT_EQ(found, 0);

  // A duplicate, an unchanged re-sighting and a sidecar count; skipped and rejected do not.
  const std::int64_t run2 = *catalog_->begin_run("sari", {"/card2"});
  SourceRecord dup = source_at("/card2/one.jpg", 5000, 7, SourceOutcome::kDuplicate);
  dup.asset_id = id;
  ASSERT_TRUE(catalog_->add_source(dup, run2).ok());
  EXPECT_TRUE(*catalog_->source_unchanged("/card2/one.jpg", 5000, 7, &found));
  SourceRecord srt = source_at("/card2/one.srt", 90, 7, SourceOutcome::kSidecar);
  srt.asset_id = id;
  ASSERT_TRUE(catalog_->add_source(srt, run2).ok());
  EXPECT_TRUE(*catalog_->source_unchanged("/card2/one.srt", 90, 7, &found));
  SourceRecord skipped = source_at("/card2/notes.txt", 10, 7, SourceOutcome::kSkipped);
  skipped.reason = "not media";
  ASSERT_TRUE(catalog_->add_source(skipped, run2).ok());
  EXPECT_FALSE(*catalog_->source_unchanged("/card2/notes.txt", 10, 7, &found));
  SourceRecord rejected = source_at("/card2/bad.jpg", 10, 7, SourceOutcome::kRejected);
  rejected.reason = "truncated";
  ASSERT_TRUE(catalog_->add_source(rejected, run2).ok());
  EXPECT_FALSE(*catalog_->source_unchanged("/card2/bad.jpg", 10, 7, &found));

  // Once the asset is gone from the catalog, the source must be read again.
  {
    RawDb raw = raw_open(db_path_);
    raw_exec(raw.get(), "PRAGMA foreign_keys = ON");
    raw_exec(raw.get(), fmt::format("DELETE FROM assets WHERE id = {}", id));
  }
  EXPECT_FALSE(*catalog_->source_unchanged("/card/DCIM/one.jpg", 5000, 1'111'000'000, &found));
  EXPECT_FALSE(*catalog_->source_unchanged("/card2/one.jpg", 5000, 7, &found));
}

TEST_F(CatalogTest, SourcesOfAnAssetInOrder) {
  const std::int64_t id = *catalog_->add_asset(photo(1, "a/one.jpg", "", "", "", {}),
                                               source_at("/card/one.jpg", 1001, 11), run_);
  SourceRecord dup = source_at("/usb/copy of one.jpg", 1001, 22, SourceOutcome::kDuplicate);
  dup.asset_id = id;
  ASSERT_TRUE(catalog_->add_source(dup, run_).ok());
  Result<std::vector<SourceRecord>> s = catalog_->sources_of(id);
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  ASSERT_EQ(s->size(), 2u);
  EXPECT_EQ((*s)[0].path, "/card/one.jpg");
  EXPECT_EQ((*s)[0].outcome, SourceOutcome::kCopied);
  EXPECT_EQ((*s)[0].asset_id, id);
  EXPECT_EQ((*s)[0].size, 1001u);
  EXPECT_EQ((*s)[0].mtime_ns, 11);
  EXPECT_EQ((*s)[1].path, "/usb/copy of one.jpg");
  EXPECT_EQ((*s)[1].outcome, SourceOutcome::kDuplicate);
  EXPECT_TRUE(catalog_->sources_of(id + 100)->empty());
}

TEST_F(CatalogTest, AllLibraryPathsHoldsAssetsAndSidecars) {
  Asset a = photo(1, "b/one.mp4", "", "", "", {});
  a.sidecars = {"b/one.srt"};
  add(a);
  add(photo(2, "a/two.jpg", "", "", "", {}));
  EXPECT_EQ(*catalog_->all_library_paths(),
            (std::vector<std::string>{"a/two.jpg", "b/one.mp4", "b/one.srt"}));
}

TEST(SourceOutcomeName, StableNames) {
  EXPECT_STREQ(source_outcome_name(SourceOutcome::kCopied), "copied");
  EXPECT_STREQ(source_outcome_name(SourceOutcome::kDuplicate), "duplicate");
  EXPECT_STREQ(source_outcome_name(SourceOutcome::kSkipped), "skipped");
  EXPECT_STREQ(source_outcome_name(SourceOutcome::kRejected), "rejected");
  EXPECT_STREQ(source_outcome_name(SourceOutcome::kSidecar), "sidecar");
  EXPECT_STREQ(source_outcome_name(SourceOutcome::kUnchanged), "unchanged");
  EXPECT_STREQ(source_outcome_name(static_cast<SourceOutcome>(42)), "unknown");
}

// ---------------------------------------------------------------------------------------------
// Queries

constexpr GeoPoint kJakarta{-6.1754, 106.8272, std::nullopt};  // Monas
constexpr GeoPoint kBogor{-6.5971, 106.8060, std::nullopt};    // ~47 km south
constexpr GeoPoint kBandung{-6.9147, 107.6098, std::nullopt};  // ~118 km south-east
constexpr GeoPoint kFiji{-17.7134, 178.0650, std::nullopt};    // west of the 180th meridian
constexpr GeoPoint kSamoa{-13.8333, -171.7500, std::nullopt};  // east of it

class CatalogQueryTest : public CatalogTest {
 protected:
  void SetUp() override {
    CatalogTest::SetUp();
    run2_ = *catalog_->begin_run("sari", {"/media/usb"});
    add(photo(1, "2024/05-01/NIKON-D750/DSC_0001.JPG", "2024-05-01T09:00:00+07:00", "NIKON", "D750",
              DeviceClass::kCamera, kJakarta));
    Asset drone_video = photo(2, "2024/05-01/DJI-FC3411/DJI_0001.MP4", "2024-05-01T10:00:00Z",
                              "DJI", "FC3411", DeviceClass::kDrone, kBogor);
    drone_video.info.kind = MediaKind::kVideo;
    drone_video.info.container = "mp4";
    drone_video.info.duration_s = 30.5;
    add(drone_video);
    add(photo(3, "2024/05-02/samsung-SM-A546E/IMG_2001.jpg", "2024-05-02T08:00:00", "samsung",
              "SM-A546E", DeviceClass::kPhone, kBandung));
    Asset audio = photo(4, "unknown-date/unknown/rekaman.wav", "", "", "", DeviceClass::kUnknown);
    audio.info.kind = MediaKind::kAudio;
    audio.info.container = "wav";
    audio.info.picture.reset();
    add(audio, run2_);
    add(photo(5, "2024/06-10/DJI-Mavic3/DJI_0100.JPG", "2024-06-10T07:00:00+07:00", "DJI",
              "Mavic 3", DeviceClass::kDrone, kFiji),
        run2_);
    add(photo(6, "2024/06-11/Canon-EOS-R6/IMG_0001.JPG", "2024-06-11T07:00:00", "Canon", "EOS R6",
              DeviceClass::kCamera, kSamoa),
        run2_);
  }

  std::vector<std::string> list(const AssetQuery& q) {
    Result<std::vector<Asset>> r = catalog_->list_assets(q);
    EXPECT_TRUE(r.ok()) << r.error().to_string();
    return r.ok() ? paths_of(*r) : std::vector<std::string>{};
  }

  std::int64_t run2_ = 0;
};

TEST_F(CatalogQueryTest, NoFilterListsAllByCaptureTimeThenPathUnknownLast) {
  EXPECT_EQ(list({}), (std::vector<std::string>{
                          "2024/05-01/NIKON-D750/DSC_0001.JPG",
                          "2024/05-01/DJI-FC3411/DJI_0001.MP4",
                          "2024/05-02/samsung-SM-A546E/IMG_2001.jpg",
                          "2024/06-10/DJI-Mavic3/DJI_0100.JPG",
                          "2024/06-11/Canon-EOS-R6/IMG_0001.JPG",
                          "unknown-date/unknown/rekaman.wav",
                      }));
}

TEST_F(CatalogQueryTest, ByKind) {
  AssetQuery q;
  q.kind = MediaKind::kVideo;
  EXPECT_EQ(list(q), std::vector<std::string>{"2024/05-01/DJI-FC3411/DJI_0001.MP4"});
  q.kind = MediaKind::kAudio;
  EXPECT_EQ(list(q), std::vector<std::string>{"unknown-date/unknown/rekaman.wav"});
  q.kind = MediaKind::kPhoto;
  EXPECT_EQ(list(q).size(), 4u);
  q.kind = MediaKind::kTelemetry;
  EXPECT_TRUE(list(q).empty());
}

TEST_F(CatalogQueryTest, ByDeviceClass) {
  AssetQuery q;
  q.device_class = DeviceClass::kDrone;
  EXPECT_EQ(list(q), (std::vector<std::string>{"2024/05-01/DJI-FC3411/DJI_0001.MP4",
                                               "2024/06-10/DJI-Mavic3/DJI_0100.JPG"}));
  q.device_class = DeviceClass::kUnknown;
  EXPECT_EQ(list(q), std::vector<std::string>{"unknown-date/unknown/rekaman.wav"});
  q.device_class = DeviceClass::kPhone;
  EXPECT_EQ(list(q), std::vector<std::string>{"2024/05-02/samsung-SM-A546E/IMG_2001.jpg"});
}

TEST_F(CatalogQueryTest, ByDeviceTextCaseInsensitiveOverMakeAndModel) {
  AssetQuery q;
  q.device = "dji";
  EXPECT_EQ(list(q).size(), 2u);
  q.device = "MAVIC 3";
  EXPECT_EQ(list(q), std::vector<std::string>{"2024/06-10/DJI-Mavic3/DJI_0100.JPG"});
  q.device = "dji mavic";  // across make and model
  EXPECT_EQ(list(q), std::vector<std::string>{"2024/06-10/DJI-Mavic3/DJI_0100.JPG"});
  q.device = "Samsung SM-A546";
  EXPECT_EQ(list(q).size(), 1u);
  q.device = "Sony";
  EXPECT_TRUE(list(q).empty());
  q.device = "%";  // no wildcards
  EXPECT_TRUE(list(q).empty());
}

TEST_F(CatalogQueryTest, ByDateRangeInclusiveAndUnknownOutside) {
  AssetQuery q;
  q.from_date = "2024-05-02";
  EXPECT_EQ(list(q), (std::vector<std::string>{"2024/05-02/samsung-SM-A546E/IMG_2001.jpg",
                                               "2024/06-10/DJI-Mavic3/DJI_0100.JPG",
                                               "2024/06-11/Canon-EOS-R6/IMG_0001.JPG"}));
  q.to_date = "2024-06-10";
  EXPECT_EQ(list(q), (std::vector<std::string>{"2024/05-02/samsung-SM-A546E/IMG_2001.jpg",
                                               "2024/06-10/DJI-Mavic3/DJI_0100.JPG"}));
  q = {};
  q.to_date = "2024-05-01";
  EXPECT_EQ(list(q).size(), 2u);
  q.from_date = "2024-05-01";
  EXPECT_EQ(list(q).size(), 2u);
  q = {};
  q.from_date = "2025-01-01";
  EXPECT_TRUE(list(q).empty());
}

TEST_F(CatalogQueryTest, BadDateIsAnError) {
  AssetQuery q;
  q.from_date = "2024-5-1";
  Result<std::vector<Asset>> r = catalog_->list_assets(q);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find("YYYY-MM-DD"), std::string::npos);
  q.from_date = "2024-13-01";
  EXPECT_FALSE(catalog_->list_assets(q).ok());
  EXPECT_FALSE(catalog_->summarise(q).ok());
}

TEST_F(CatalogQueryTest, ByRun) {
  AssetQuery q;
  q.run = run_;
  EXPECT_EQ(list(q).size(), 3u);
  q.run = run2_;
  EXPECT_EQ(list(q), (std::vector<std::string>{"2024/06-10/DJI-Mavic3/DJI_0100.JPG",
                                               "2024/06-11/Canon-EOS-R6/IMG_0001.JPG",
                                               "unknown-date/unknown/rekaman.wav"}));
  q.run = 999;
  EXPECT_TRUE(list(q).empty());
}

TEST_F(CatalogQueryTest, ByTextInLibraryOrSourcePath) {
  AssetQuery q;
  q.text = "rekaman";
  EXPECT_EQ(list(q), std::vector<std::string>{"unknown-date/unknown/rekaman.wav"});
  q.text = "DSC_0001";
  EXPECT_EQ(list(q).size(), 1u);
  q.text = "/MEDIA/CARD/img_2001";  // source path, other case
  EXPECT_EQ(list(q), std::vector<std::string>{"2024/05-02/samsung-SM-A546E/IMG_2001.jpg"});
  // A duplicate's source path finds the asset too.
  const std::int64_t id = catalog_->find_asset_by_hash(hash_of(6))->value().id;
  SourceRecord dup =
      source_at("/media/usb/Kunjungan Bupati/foto.jpg", 1006, 3, SourceOutcome::kDuplicate);
  dup.asset_id = id;
  ASSERT_TRUE(catalog_->add_source(dup, run2_).ok());
  q.text = "kunjungan bupati";
  EXPECT_EQ(list(q), std::vector<std::string>{"2024/06-11/Canon-EOS-R6/IMG_0001.JPG"});
  q.text = "_";  // no wildcards: only names that hold an underscore (not rekaman.wav)
  EXPECT_EQ(list(q).size(), 5u);
  q.text = "nothing-like-this";
  EXPECT_TRUE(list(q).empty());
}

TEST_F(CatalogQueryTest, NearUsesGreatCircleDistance) {
  AssetQuery q;
  q.near_lat = kJakarta.latitude;
  q.near_lon = kJakarta.longitude;
  q.within_km = 10;
  EXPECT_EQ(list(q), std::vector<std::string>{"2024/05-01/NIKON-D750/DSC_0001.JPG"});
  q.within_km = 50;  // Bogor is ~47 km away
  EXPECT_EQ(list(q).size(), 2u);
  q.within_km = 45;
  EXPECT_EQ(list(q).size(), 1u);
  q.within_km = 130;  // Bandung ~118 km
  EXPECT_EQ(list(q).size(), 3u);
  // Near the 180th meridian: Fiji and Samoa are ~1,100 km apart across it.
  q.near_lat = kFiji.latitude;
  q.near_lon = kFiji.longitude;
  q.within_km = 1500;
  EXPECT_EQ(list(q), (std::vector<std::string>{"2024/06-10/DJI-Mavic3/DJI_0100.JPG",
                                               "2024/06-11/Canon-EOS-R6/IMG_0001.JPG"}));
  q.within_km = 500;
  EXPECT_EQ(list(q), std::vector<std::string>{"2024/06-10/DJI-Mavic3/DJI_0100.JPG"});
}

TEST_F(CatalogQueryTest, NearNeedsAllThreeValuesInRange) {
  AssetQuery q;
  q.near_lat = 1;
  q.near_lon = 2;
  Result<std::vector<Asset>> r = catalog_->list_assets(q);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  q.within_km = 5;
  EXPECT_TRUE(catalog_->list_assets(q).ok());
  q.near_lat = 91;
  EXPECT_FALSE(catalog_->list_assets(q).ok());
  q.near_lat = 1;
  q.within_km = 0;
  EXPECT_FALSE(catalog_->list_assets(q).ok());
}

TEST_F(CatalogQueryTest, InsideABox) {
  AssetQuery q;  // Java, west of Bandung
  q.box_south = -6.8;
  q.box_west = 106.0;
  q.box_north = -6.0;
  q.box_east = 107.0;
  EXPECT_EQ(list(q), (std::vector<std::string>{"2024/05-01/NIKON-D750/DSC_0001.JPG",
                                               "2024/05-01/DJI-FC3411/DJI_0001.MP4"}));
  q.box_east = 108.0;
  q.box_south = -7.0;
  EXPECT_EQ(list(q).size(), 3u);
  // A box across the 180th meridian (west > east).
  q.box_south = -20;
  q.box_north = -10;
  q.box_west = 170;
  q.box_east = -170;
  EXPECT_EQ(list(q).size(), 2u);
  q.box_east = -175;
  EXPECT_EQ(list(q), std::vector<std::string>{"2024/06-10/DJI-Mavic3/DJI_0100.JPG"});
  q.box_south = 0;  // south of north is fine, north of north is not
  EXPECT_FALSE(catalog_->list_assets(q).ok());
}

TEST_F(CatalogQueryTest, FiltersCombine) {
  AssetQuery q;
  q.device_class = DeviceClass::kDrone;
  q.kind = MediaKind::kPhoto;
  q.from_date = "2024-06-01";
  q.run = run2_;
  q.text = "dji_0100";
  EXPECT_EQ(list(q), std::vector<std::string>{"2024/06-10/DJI-Mavic3/DJI_0100.JPG"});
  q.kind = MediaKind::kVideo;
  EXPECT_TRUE(list(q).empty());
}

TEST_F(CatalogQueryTest, SummaryCountsByDayClassAndKind) {
  // A second photo on 2024-05-01 by the same camera.
  add(photo(7, "2024/05-01/NIKON-D750/DSC_0002.JPG", "2024-05-01T11:00:00+07:00", "NIKON", "D750",
            DeviceClass::kCamera));
  Result<std::vector<SummaryRow>> s = catalog_->summarise({});
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  ASSERT_EQ(s->size(), 6u);
  const SummaryRow& first = (*s)[0];
  EXPECT_EQ(first.day, "2024-05-01");
  EXPECT_EQ(first.device_class, DeviceClass::kCamera);
  EXPECT_EQ(first.kind, MediaKind::kPhoto);
  EXPECT_EQ(first.count, 2);
  EXPECT_EQ(first.bytes, 1001u + 1007u);
  EXPECT_EQ((*s)[1].day, "2024-05-01");
  EXPECT_EQ((*s)[1].device_class, DeviceClass::kDrone);
  EXPECT_EQ((*s)[1].kind, MediaKind::kVideo);
  EXPECT_EQ((*s)[1].count, 1);
  const SummaryRow& last = s->back();
  EXPECT_EQ(last.day, "unknown");
  EXPECT_EQ(last.device_class, DeviceClass::kUnknown);
  EXPECT_EQ(last.kind, MediaKind::kAudio);
  int total = 0;
  std::uint64_t bytes = 0;
  for (const SummaryRow& r : *s) {
    total += r.count;
    bytes += r.bytes;
  }
  EXPECT_EQ(total, 7);
  EXPECT_EQ(bytes, 1001u + 1002 + 1003 + 1004 + 1005 + 1006 + 1007);

  AssetQuery q;
  q.device_class = DeviceClass::kDrone;
  s = catalog_->summarise(q);
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->size(), 2u);
  EXPECT_EQ((*s)[0].day, "2024-05-01");
  EXPECT_EQ((*s)[1].day, "2024-06-10");
}

TEST_F(CatalogTest, EmptyCatalogListsAndSummarisesNothing) {
  EXPECT_TRUE(catalog_->list_assets({})->empty());
  EXPECT_TRUE(catalog_->summarise({})->empty());
  EXPECT_TRUE(catalog_->list_rejections(std::nullopt)->empty());
  EXPECT_TRUE(catalog_->all_library_paths()->empty());
}

// ---------------------------------------------------------------------------------------------
// Runs and rejections

TEST_F(CatalogTest, RunsNewestFirstWithCounts) {
  const std::int64_t second = *catalog_->begin_run("sari", {"/media/usb", "/home/sari/Unduhan"});
  IngestRun done;
  done.id = run_;
  done.copied = 10;
  done.duplicates = 2;
  done.skipped = 3;
  done.rejected = 1;
  done.unchanged = 4;
  done.bytes_copied = 5'000'000'000ull;
  ASSERT_TRUE(catalog_->finish_run(done).ok());
  Result<std::vector<IngestRun>> runs = catalog_->list_runs();
  ASSERT_TRUE(runs.ok()) << runs.error().to_string();
  ASSERT_EQ(runs->size(), 2u);
  const IngestRun& newest = (*runs)[0];
  EXPECT_EQ(newest.id, second);
  EXPECT_EQ(newest.operator_name, "sari");
  EXPECT_EQ(newest.sources, (std::vector<std::string>{"/media/usb", "/home/sari/Unduhan"}));
  EXPECT_TRUE(newest.finished_at.empty());  // still running, or killed
  EXPECT_EQ(newest.copied, 0);
  const IngestRun& first = (*runs)[1];
  EXPECT_EQ(first.id, run_);
  EXPECT_EQ(first.operator_name, "budi");
  EXPECT_EQ(first.sources, std::vector<std::string>{"/media/card"});
  EXPECT_EQ(first.copied, 10);
  EXPECT_EQ(first.duplicates, 2);
  EXPECT_EQ(first.skipped, 3);
  EXPECT_EQ(first.rejected, 1);
  EXPECT_EQ(first.unchanged, 4);
  EXPECT_EQ(first.bytes_copied, 5'000'000'000ull);
  // ISO 8601 UTC: 2025-03-14T09:30:12Z
  ASSERT_EQ(first.started_at.size(), 20u) << first.started_at;
  EXPECT_EQ(first.started_at[10], 'T');
  EXPECT_EQ(first.started_at.back(), 'Z');
  EXPECT_EQ(first.finished_at.size(), 20u) << first.finished_at;
  EXPECT_GE(first.finished_at, first.started_at);
}

TEST_F(CatalogTest, FinishingAnUnknownRunIsNotFound) {
  IngestRun r;
  r.id = 999;
  Status s = catalog_->finish_run(r);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kNotFound);
}

TEST_F(CatalogTest, RejectionsOfOneRunOrAll) {
  const std::int64_t run2 = *catalog_->begin_run("sari", {"/usb"});
  ASSERT_TRUE(catalog_
                  ->add_rejection({run_, "/media/card/broken.jpg", "corrupt",
                                   "the file ends before its picture does"})
                  .ok());
  ASSERT_TRUE(
      catalog_->add_rejection({run2, "/usb/bomb.avif", "limit_exceeded", "17000x17000"}).ok());
  Result<std::vector<Rejection>> all = catalog_->list_rejections(std::nullopt);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].run, run_);
  EXPECT_EQ((*all)[0].path, "/media/card/broken.jpg");
  EXPECT_EQ((*all)[0].code, "corrupt");
  EXPECT_EQ((*all)[0].reason, "the file ends before its picture does");
  Result<std::vector<Rejection>> second = catalog_->list_rejections(run2);
  ASSERT_EQ(second->size(), 1u);
  EXPECT_EQ((*second)[0].path, "/usb/bomb.avif");
  EXPECT_TRUE(catalog_->list_rejections(12345)->empty());
}

TEST_F(CatalogTest, ValuesAreBoundNeverPastedIntoSql) {
  Asset a = photo(1, "it's/a \"quoted\"; DROP TABLE assets;--.jpg", "", "O'Brien", "X'1",
                  DeviceClass::kCamera);
  add(a);
  AssetQuery q;
  q.text = "\"; DROP TABLE assets;--";
  EXPECT_EQ(catalog_->list_assets(q)->size(), 1u);
  q = {};
  q.device = "o'brien";
  EXPECT_EQ(catalog_->list_assets(q)->size(), 1u);
  EXPECT_TRUE(*catalog_->library_path_taken(a.library_path));
}

// ---------------------------------------------------------------------------------------------
// MediaInfo through JSON

TEST(MediaInfoJson, FullVideoRoundTripsThroughText) {
  const MediaInfo m = full_video_info();
  const std::string text = to_json(m).dump();
  Result<MediaInfo> back = media_info_from_json(nlohmann::json::parse(text));
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  expect_same_info(*back, m);
  EXPECT_EQ(to_json(*back), to_json(m));
}

TEST(MediaInfoJson, SparsePhotoRoundTrips) {
  MediaInfo m;
  m.path = "/card/DSC_0001.JPG";
  m.kind = MediaKind::kPhoto;
  m.container = "jpeg";
  m.size_bytes = 1;
  PictureInfo p;
  p.codec = "jpeg";
  p.width = p.upright_width = 640;
  p.height = p.upright_height = 480;
  m.picture = p;
  Result<MediaInfo> back = media_info_from_json(to_json(m));
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  expect_same_info(*back, m);
}

TEST(MediaInfoJson, AudioAndTelemetryRoundTrip) {
  MediaInfo audio;
  audio.path = "/rec/a.wav";
  audio.kind = MediaKind::kAudio;
  audio.container = "wav";
  audio.size_bytes = 44;
  audio.duration_s = 1.5;
  audio.audio = AudioInfo{"pcm_s24le", 1, "mono", 96000, 24};
  audio.audio_streams = 1;
  audio.meta.make = "ZOOM";
  audio.meta.model = "H5";
  Result<MediaInfo> back = media_info_from_json(to_json(audio));
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  expect_same_info(*back, audio);

  MediaInfo srt;
  srt.path = "/DJI/DJI_0001.SRT";
  srt.kind = MediaKind::kTelemetry;
  srt.container = "srt";
  srt.size_bytes = 9000;
  srt.duration_s = 10;
  srt.meta.make = "DJI";
  srt.meta.device_class = DeviceClass::kDrone;
  srt.telemetry = Telemetry{"dji-srt-v1", 10,           0,           10, "", "", std::nullopt,
                            std::nullopt, std::nullopt, std::nullopt};
  srt.telemetry_path = srt.path;
  back = media_info_from_json(to_json(srt));
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  expect_same_info(*back, srt);
}

TEST(MediaInfoJson, DamagedJsonIsAnErrorNotACrash) {
  nlohmann::json good = to_json(full_video_info());
  auto expect_corrupt = [](const nlohmann::json& j, const std::string& why) {
    Result<MediaInfo> r = media_info_from_json(j);
    ASSERT_FALSE(r.ok()) << why;
    EXPECT_EQ(r.error().code, ErrorCode::kCorrupt) << why;
    EXPECT_FALSE(r.error().message.empty());
  };
  expect_corrupt(nlohmann::json::array(), "not an object");
  nlohmann::json j = good;
  j.erase("kind");
  expect_corrupt(j, "missing kind");
  j = good;
  j["kind"] = "hologram";
  expect_corrupt(j, "unknown kind");
  j = good;
  j["device"]["class"] = "toaster";
  expect_corrupt(j, "unknown device class");
  j = good;
  j["size_bytes"] = "big";
  expect_corrupt(j, "wrong type");
  j = good;
  j["picture"]["pixel_aspect"] = "4/3";
  expect_corrupt(j, "bad pixel aspect");
  j = good;
  j["gps"].erase("latitude");
  expect_corrupt(j, "gps without latitude");
  j = good;
  j["telemetry"]["frames"] = nullptr;
  expect_corrupt(j, "telemetry frames null");
}

TEST(CatalogConnectorState, KeepsReplacesAndRemovesValuesPerChannel) {
  TempDir dir;
  Result<Catalog> c = Catalog::open(catalog_path(dir.path().string()));
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  EXPECT_FALSE(c->connector_state("youtube", "upload:a.mp4").value());
  ASSERT_TRUE(c->set_connector_state("youtube", "upload:a.mp4", "https://up/1").ok());
  ASSERT_TRUE(c->set_connector_state("x", "upload:a.mp4", "99").ok());
  EXPECT_EQ(c->connector_state("youtube", "upload:a.mp4").value().value(), "https://up/1");
  ASSERT_TRUE(c->set_connector_state("youtube", "upload:a.mp4", "https://up/2").ok());
  EXPECT_EQ(c->connector_state("youtube", "upload:a.mp4").value().value(), "https://up/2");
  ASSERT_TRUE(c->set_connector_state("youtube", "upload:a.mp4", "").ok());
  EXPECT_FALSE(c->connector_state("youtube", "upload:a.mp4").value());
  EXPECT_EQ(c->connector_state("x", "upload:a.mp4").value().value(), "99");
}

}  // namespace
}  // namespace saluran
