// The `saluran inventory` command as a user and a script see it: a catalog built through the
// Catalog API in a temporary library, then listed, filtered and summarised by the CLI.

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "pipeline/catalog/catalog.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {

namespace fs = std::filesystem;
using test::cli_path;
using test::run_command;
using test::shell_quote;

/// A fresh library folder under the system temp folder, removed at the end of the test.
class TempLibrary {
 public:
  TempLibrary() { fs::create_directories(root_.path() / "library"); }
  /// The folder holding the library (a command run here finds ./library).
  const fs::path& root() const { return root_.path(); }
  std::string library() const { return root_ / "library"; }

 private:
  test::TempDir root_{"saluran-inventory-test"};
};

Asset make_asset(int n, MediaKind kind, const std::string& library_path,
                 const std::string& capture_time, const std::string& make, const std::string& model,
                 DeviceClass device_class, std::optional<GeoPoint> gps = std::nullopt) {
  Asset a;
  a.hash = fmt::format("{:032x}", n);
  a.library_path = library_path;
  MediaInfo& m = a.info;
  m.path = "/media/card/" + fs::path(library_path).filename().string();
  m.kind = kind;
  m.size_bytes = 1'000'000 * static_cast<std::uint64_t>(n);
  if (kind != MediaKind::kAudio) {
    PictureInfo p;
    p.codec = kind == MediaKind::kPhoto ? "jpeg" : "h264";
    p.width = p.upright_width = 4000;
    p.height = p.upright_height = 3000;
    m.picture = p;
  }
  m.container = kind == MediaKind::kPhoto ? "jpeg" : kind == MediaKind::kVideo ? "mp4" : "wav";
  if (kind != MediaKind::kPhoto) m.duration_s = 75.5;
  if (kind == MediaKind::kVideo) {
    m.frame_rate = 29.97;
    m.video_streams = 1;
    m.audio_streams = 1;
  }
  m.meta.capture_time = capture_time;
  if (!capture_time.empty()) m.meta.capture_time_source = "exif";
  m.meta.make = make;
  m.meta.model = model;
  m.meta.device_class = device_class;
  m.meta.gps = gps;
  return a;
}

SourceRecord source_of(const Asset& a) {
  SourceRecord s;
  s.path = a.info.path;
  s.size = a.info.size_bytes;
  s.mtime_ns = 1'700'000'000'000'000'000;
  return s;
}

/// Two runs, six assets (one with a duplicate source and a sidecar), two rejections.
void build_sample_catalog(const std::string& library) {
  Result<Catalog> c = Catalog::open(catalog_path(library));
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  const std::int64_t run1 = *c->begin_run("budi", {"/media/card"});
  const std::int64_t run2 = *c->begin_run("sari", {"/media/usb", "/home/sari/Unduhan"});
  const GeoPoint jakarta{-6.1754, 106.8272, 12.0};
  const GeoPoint bogor{-6.5971, 106.8060, std::nullopt};
  const GeoPoint bandung{-6.9147, 107.6098, 768.5};

  Asset drone =
      make_asset(1, MediaKind::kVideo, "2024/05-01/DJI-FC3411/DJI_0001.MP4",
                 "2024-05-01T10:00:00+07:00", "DJI", "FC3411", DeviceClass::kDrone, bogor);
  drone.sidecars = {"2024/05-01/DJI-FC3411/DJI_0001.SRT"};
  const std::int64_t drone_id = *c->add_asset(drone, source_of(drone), run1);
  ASSERT_TRUE(
      c->add_asset(
           make_asset(2, MediaKind::kPhoto, "2024/05-01/NIKON-D750/DSC_0001.JPG",
                      "2024-05-01T09:00:00+07:00", "NIKON", "D750", DeviceClass::kCamera, jakarta),
           source_of(make_asset(2, MediaKind::kPhoto, "x/DSC_0001.JPG", "", "", "", {})), run1)
          .ok());
  Asset phone =
      make_asset(3, MediaKind::kPhoto, "2024/05-02/samsung-SM-A546E/IMG, \"pawai\".jpg",
                 "2024-05-02T08:00:00", "samsung", "SM-A546E", DeviceClass::kPhone, bandung);
  ASSERT_TRUE(c->add_asset(phone, source_of(phone), run1).ok());
  Asset audio = make_asset(4, MediaKind::kAudio, "unknown-date/unknown/rekaman.wav", "", "", "",
                           DeviceClass::kUnknown);
  ASSERT_TRUE(c->add_asset(audio, source_of(audio), run2).ok());
  Asset mavic =
      make_asset(5, MediaKind::kPhoto, "2024/06-10/DJI-Mavic3/DJI_0100.JPG",
                 "2024-06-10T07:00:00+07:00", "DJI", "Mavic 3", DeviceClass::kDrone, bandung);
  ASSERT_TRUE(c->add_asset(mavic, source_of(mavic), run2).ok());
  Asset canon = make_asset(6, MediaKind::kPhoto, "2024/06-11/Canon-EOS-R6/IMG_0001.JPG",
                           "2024-06-11T07:00:00", "Canon", "EOS R6", DeviceClass::kCamera);
  ASSERT_TRUE(c->add_asset(canon, source_of(canon), run2).ok());

  SourceRecord dup;
  dup.path = "/media/usb/Kunjungan Bupati/DJI_0001.MP4";
  dup.size = drone.info.size_bytes;
  dup.mtime_ns = 5;
  dup.outcome = SourceOutcome::kDuplicate;
  dup.asset_id = drone_id;
  ASSERT_TRUE(c->add_source(dup, run2).ok());

  ASSERT_TRUE(c->add_rejection({run1, "/media/card/broken.jpg", "corrupt",
                                "the file ends before its picture does"})
                  .ok());
  ASSERT_TRUE(c->add_rejection({run2, "/media/usb/bomb.avif", "limit_exceeded",
                                "17000x17000 is beyond 16384 px a side"})
                  .ok());
  IngestRun done;
  done.id = run1;
  done.copied = 3;
  done.rejected = 1;
  done.bytes_copied = 6'000'000;
  ASSERT_TRUE(c->finish_run(done).ok());
}

class CliInventory : public ::testing::Test {
 protected:
  void SetUp() override { build_sample_catalog(lib_.library()); }

  /// Runs `saluran inventory --library LIB ARGS` (stderr to /dev/null unless ARGS redirect it).
  test::CommandResult inventory(const std::string& args) {
    return run_command(cli_path() + " inventory --library " + shell_quote(lib_.library()) + " " +
                       args);
  }

  /// Library paths listed by `--json` with these filters.
  std::vector<std::string> listed(const std::string& filters) {
    const auto r = inventory("--json " + filters + " 2>&1");
    EXPECT_EQ(r.exit_code, 0) << r.out;
    std::vector<std::string> out;
    if (r.exit_code != 0) return out;
    const nlohmann::json j = nlohmann::json::parse(r.out);
    for (const auto& a : j["assets"]) out.push_back(a["library_path"]);
    return out;
  }

  TempLibrary lib_;
};

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(CliInventoryBasics, HelpExplainsAndExitsZero) {
  const auto r = run_command(cli_path() + " inventory --help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* word : {"--summary", "--near", "--within", "--bbox", "--runs", "--rejected",
                           "--csv", "SALURAN_LIBRARY", "Exit code"}) {
    EXPECT_TRUE(contains(r.out, word)) << word;
  }
}

TEST(CliInventoryBasics, MissingCatalogExitsThreeAndSaysWhatToDo) {
  TempLibrary lib;
  const auto r =
      run_command(cli_path() + " inventory --library " + shell_quote(lib.library()) + " 2>&1");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_TRUE(contains(r.out, fmt::format("no catalog in {0}: run 'saluran ingest SRC --library "
                                          "{0}' first",
                                          lib.library())))
      << r.out;
  const auto missing = run_command(cli_path() + " inventory --library /nonexistent/lib 2>&1");
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_TRUE(contains(missing.out, "no catalog in /nonexistent/lib")) << missing.out;
  EXPECT_FALSE(fs::exists("/nonexistent/lib"));
  // Looking does not create a catalog.
  EXPECT_FALSE(fs::exists(catalog_path(lib.library())));
}

TEST(CliInventoryBasics, CatalogFromANewerSaluranExitsThree) {
  TempLibrary lib;
  { ASSERT_TRUE(Catalog::open(catalog_path(lib.library())).ok()); }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(catalog_path(lib.library()).c_str(), &db), SQLITE_OK);
  sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  const auto r =
      run_command(cli_path() + " inventory --library " + shell_quote(lib.library()) + " 2>&1");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_TRUE(contains(r.out, "newer version of Saluran")) << r.out;
}

TEST(CliInventoryBasics, LibraryFromEnvironmentThenDotLibrary) {
  TempLibrary lib;
  build_sample_catalog(lib.library());
  auto r = run_command("SALURAN_LIBRARY=" + shell_quote(lib.library()) + " " + cli_path() +
                       " inventory --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(nlohmann::json::parse(r.out)["assets"].size(), 6u);
  r = run_command("cd " + shell_quote(lib.root().string()) + " && env -u SALURAN_LIBRARY " +
                  cli_path() + " inventory --summary");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "total: 6 files")) << r.out;
  // --library wins over the environment.
  r = run_command("SALURAN_LIBRARY=/nonexistent " + cli_path() + " inventory --library " +
                  shell_quote(lib.library()));
  EXPECT_EQ(r.exit_code, 0) << r.out;
}

TEST_F(CliInventory, TableHasOneRowPerAssetAndATotal) {
  const auto r = inventory("2>&1");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "LIBRARY PATH")) << r.out;
  EXPECT_TRUE(contains(r.out, "2024/05-01/DJI-FC3411/DJI_0001.MP4")) << r.out;
  EXPECT_TRUE(contains(r.out, "4000x3000 1:16")) << r.out;  // upright size and length
  // A DJI camera code is shown with the drone's product name.
  EXPECT_TRUE(contains(r.out, "DJI Air 2S FC3411 (drone)")) << r.out;
  EXPECT_TRUE(contains(r.out, "-6.59710,106.80600")) << r.out;
  EXPECT_TRUE(contains(r.out, "2 (1 dup)")) << r.out;
  EXPECT_TRUE(contains(r.out, "video+1")) << r.out;  // one sidecar
  EXPECT_TRUE(contains(r.out, "unknown-date/unknown/rekaman.wav")) << r.out;
  EXPECT_TRUE(contains(r.out, "6 assets, 21.0 MB: 1 audio, 4 photos, 1 video")) << r.out;
  // Capture order: the Nikon at 09:00 before the drone at 10:00; unknown time last.
  EXPECT_LT(r.out.find("DSC_0001.JPG"), r.out.find("DJI_0001.MP4"));
  EXPECT_GT(r.out.find("rekaman.wav"), r.out.find("IMG_0001.JPG"));
}

TEST_F(CliInventory, JsonHasEveryFactSourcesAndSidecars) {
  const auto r = inventory("--json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["saluran_inventory"], 1);
  EXPECT_EQ(j["library"], lib_.library());
  ASSERT_EQ(j["assets"].size(), 6u);
  EXPECT_EQ(j["counts"]["assets"], 6);
  EXPECT_EQ(j["counts"]["bytes"], 21'000'000);
  const nlohmann::json* drone = nullptr;
  for (const auto& a : j["assets"]) {
    if (a["library_path"] == "2024/05-01/DJI-FC3411/DJI_0001.MP4") drone = &a;
    EXPECT_TRUE(a.contains("id"));
    EXPECT_EQ(a["hash"].get<std::string>().size(), 32u);
    EXPECT_TRUE(a["run"].is_number_integer());
    EXPECT_TRUE(a["sidecars"].is_array());
    EXPECT_GE(a["sources"].size(), 1u);
  }
  ASSERT_NE(drone, nullptr);
  const nlohmann::json& d = *drone;
  EXPECT_EQ(d["kind"], "video");
  EXPECT_EQ(d["container"], "mp4");
  EXPECT_EQ(d["frame_rate"], 29.97);
  EXPECT_EQ(d["duration_s"], 75.5);
  EXPECT_EQ(d["picture"]["codec"], "h264");
  EXPECT_EQ(d["device"]["class"], "drone");
  EXPECT_EQ(d["device"]["model"], "FC3411");
  EXPECT_EQ(d["capture_time"], "2024-05-01T10:00:00+07:00");
  EXPECT_EQ(d["gps"]["latitude"], -6.5971);
  EXPECT_EQ(d["sidecars"], nlohmann::json::array({"2024/05-01/DJI-FC3411/DJI_0001.SRT"}));
  ASSERT_EQ(d["sources"].size(), 2u);
  EXPECT_EQ(d["sources"][0]["outcome"], "copied");
  EXPECT_EQ(d["sources"][0]["path"], "/media/card/DJI_0001.MP4");
  EXPECT_EQ(d["sources"][1]["outcome"], "duplicate");
  EXPECT_EQ(d["sources"][1]["path"], "/media/usb/Kunjungan Bupati/DJI_0001.MP4");
  EXPECT_EQ(d["sources"][1]["mtime_ns"], 5);
}

TEST_F(CliInventory, FiltersNarrowTheList) {
  EXPECT_EQ(listed("--kind video"), std::vector<std::string>{"2024/05-01/DJI-FC3411/DJI_0001.MP4"});
  EXPECT_EQ(listed("--kind audio"), std::vector<std::string>{"unknown-date/unknown/rekaman.wav"});
  EXPECT_EQ(listed("--device-class drone").size(), 2u);
  EXPECT_EQ(listed("--device-class unknown"),
            std::vector<std::string>{"unknown-date/unknown/rekaman.wav"});
  EXPECT_EQ(listed("--device MAVIC"),
            std::vector<std::string>{"2024/06-10/DJI-Mavic3/DJI_0100.JPG"});
  EXPECT_EQ(listed("--device 'eos r6'").size(), 1u);
  EXPECT_EQ(listed("--from 2024-05-02").size(), 3u);
  EXPECT_EQ(listed("--to 2024-05-01").size(), 2u);
  EXPECT_EQ(listed("--from 2024-05-02 --to 2024-06-10").size(), 2u);
  EXPECT_EQ(listed("--from 2024-05-01 --to 2024-05-01").size(), 2u);
  EXPECT_EQ(listed("--run 1").size(), 3u);
  EXPECT_EQ(listed("--run 2").size(), 3u);
  EXPECT_TRUE(listed("--run 3").empty());
  EXPECT_EQ(listed("--name 'kunjungan bupati'"),
            std::vector<std::string>{"2024/05-01/DJI-FC3411/DJI_0001.MP4"});
  EXPECT_EQ(listed("--name REKAMAN").size(), 1u);
  // Jakarta: the Nikon at Monas only; 50 km reaches Bogor; 130 km reaches Bandung.
  EXPECT_EQ(listed("--near -6.1754,106.8272 --within 1"),
            std::vector<std::string>{"2024/05-01/NIKON-D750/DSC_0001.JPG"});
  EXPECT_EQ(listed("--near -6.1754,106.8272 --within 50").size(), 2u);
  EXPECT_EQ(listed("--near=-6.1754,106.8272 --within=130").size(), 4u);
  EXPECT_EQ(listed("--bbox -7.0,107.0,-6.5,108.0").size(), 2u);  // around Bandung
  EXPECT_EQ(listed("--bbox -6.8,106.0,-6.0,107.0").size(), 2u);  // Jakarta and Bogor
  EXPECT_EQ(listed("--kind photo --device-class drone --bbox -7.0,107.0,-6.5,108.0"),
            std::vector<std::string>{"2024/06-10/DJI-Mavic3/DJI_0100.JPG"});
  EXPECT_TRUE(listed("--kind video --from 2024-06-01").empty());
}

TEST_F(CliInventory, EmptyResultIsNotAnError) {
  const auto r = inventory("--kind audio --device-class drone");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "0 assets, 0 B")) << r.out;
}

TEST_F(CliInventory, CsvQuotesAsRfc4180) {
  const auto r = inventory("--csv");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(
      r.out.rfind("id,library_path,kind,container,size_bytes,upright_width,upright_height,"
                  "duration_s,capture_time,make,model,device_class,latitude,longitude,altitude_m,"
                  "hash,run,sources,duplicates,first_source\r\n",
                  0),
      0u)
      << r.out;
  // A comma and quotes in a name: the field is quoted and the quotes doubled.
  EXPECT_TRUE(contains(r.out, "\"2024/05-02/samsung-SM-A546E/IMG, \"\"pawai\"\".jpg\"")) << r.out;
  EXPECT_TRUE(contains(r.out,
                       ",video,mp4,1000000,4000,3000,75.5,2024-05-01T10:00:00+07:00,DJI,"
                       "FC3411,drone,-6.5971,106.806,,"))
      << r.out;
  std::size_t lines = 0;
  for (std::size_t p = 0; (p = r.out.find("\r\n", p)) != std::string::npos; p += 2) ++lines;
  EXPECT_EQ(lines, 7u);  // header + 6 assets
  const auto filtered = inventory("--csv --kind audio");
  EXPECT_TRUE(contains(filtered.out, "rekaman.wav")) << filtered.out;
  EXPECT_FALSE(contains(filtered.out, "DJI_0001")) << filtered.out;
}

TEST_F(CliInventory, SummaryByDayDeviceClassAndKind) {
  auto r = inventory("--summary");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "DAY")) << r.out;
  EXPECT_TRUE(contains(r.out, "2024-05-01  camera   photo  1      2.0 MB")) << r.out;
  EXPECT_TRUE(contains(r.out, "undated     unknown  audio  1      4.0 MB")) << r.out;
  EXPECT_TRUE(contains(r.out, "by kind:          audio 1 (4.0 MB), photo 4 (16.0 MB), video 1"))
      << r.out;
  EXPECT_TRUE(contains(r.out, "by device class:  camera 2 (8.0 MB), drone 2 (6.0 MB)")) << r.out;
  // Undated files are counted apart, not as a day.
  EXPECT_TRUE(contains(r.out, "total: 6 files, 21.0 MB, over 4 days, and 1 undated file (4.0 MB)"))
      << r.out;

  r = inventory("--summary --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["saluran_inventory"], 1);
  ASSERT_EQ(j["summary"].size(), 6u);
  EXPECT_EQ(j["summary"][0], (nlohmann::json{{"day", "2024-05-01"},
                                             {"device_class", "camera"},
                                             {"kind", "photo"},
                                             {"count", 1},
                                             {"bytes", 2'000'000}}));
  EXPECT_EQ(j["totals"]["all"]["count"], 6);
  EXPECT_EQ(j["totals"]["all"]["bytes"], 21'000'000);
  EXPECT_EQ(j["totals"]["by_kind"]["photo"]["count"], 4);
  EXPECT_EQ(j["totals"]["by_device_class"]["drone"]["count"], 2);
  EXPECT_EQ(j["totals"]["by_day"]["2024-05-01"]["count"], 2);
  EXPECT_FALSE(j["totals"]["by_day"].contains("unknown"));
  EXPECT_EQ(j["totals"]["by_day"].size(), 4u);
  EXPECT_EQ(j["totals"]["undated"], (nlohmann::json{{"count", 1}, {"bytes", 4'000'000}}));

  r = inventory("--summary --csv --device-class drone");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out,
            "day,device_class,kind,count,bytes\r\n"
            "2024-05-01,drone,video,1,1000000\r\n"
            "2024-06-10,drone,photo,1,5000000\r\n");
}

TEST_F(CliInventory, RunsNewestFirst) {
  auto r = inventory("--runs");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "OPERATOR")) << r.out;
  EXPECT_TRUE(contains(r.out, "(not finished)")) << r.out;
  EXPECT_TRUE(contains(r.out, "/media/usb, /home/sari/Unduhan")) << r.out;
  EXPECT_TRUE(contains(r.out, "2 ingest runs")) << r.out;
  EXPECT_LT(r.out.find("sari"), r.out.find("budi"));

  r = inventory("--runs --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["runs"].size(), 2u);
  EXPECT_EQ(j["runs"][0]["operator"], "sari");
  EXPECT_TRUE(j["runs"][0]["finished_at"].is_null());
  EXPECT_EQ(j["runs"][1]["operator"], "budi");
  EXPECT_EQ(j["runs"][1]["counts"]["copied"], 3);
  EXPECT_EQ(j["runs"][1]["counts"]["rejected"], 1);
  EXPECT_EQ(j["runs"][1]["bytes_copied"], 6'000'000);
  EXPECT_EQ(j["runs"][1]["sources"], nlohmann::json::array({"/media/card"}));
  EXPECT_TRUE(j["runs"][1]["finished_at"].is_string());

  r = inventory("--runs --csv");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "/media/usb;/home/sari/Unduhan")) << r.out;
}

TEST_F(CliInventory, RejectedWithReasons) {
  auto r = inventory("--rejected");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "/media/card/broken.jpg")) << r.out;
  EXPECT_TRUE(contains(r.out, "the file ends before its picture does")) << r.out;
  EXPECT_TRUE(contains(r.out, "limit_exceeded")) << r.out;
  EXPECT_TRUE(contains(r.out, "2 rejected files")) << r.out;

  r = inventory("--rejected --run 2 --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["rejected"].size(), 1u);
  EXPECT_EQ(j["rejected"][0], (nlohmann::json{{"run", 2},
                                              {"path", "/media/usb/bomb.avif"},
                                              {"code", "limit_exceeded"},
                                              {"reason", "17000x17000 is beyond 16384 px a side"},
                                              {"runs", 1}}));
}

TEST(CliInventoryDevices, MakeOnceAndDjiDronesByProductName) {
  TempLibrary lib;
  {
    Result<Catalog> c = Catalog::open(catalog_path(lib.library()));
    ASSERT_TRUE(c.ok()) << c.error().to_string();
    const std::int64_t run = *c->begin_run("budi", {"/media/card"});
    int n = 0;
    for (const auto& [file, make, model, device_class] :
         {std::tuple{"a/DJI_0001.JPG", "DJI", "FC3170", DeviceClass::kDrone},
          std::tuple{"a/DJI_0002.JPG", "DJI", "FC3411", DeviceClass::kDrone},
          std::tuple{"a/IMG_0001.JPG", "Canon", "Canon PowerShot S40", DeviceClass::kCamera},
          std::tuple{"a/DSC_0001.JPG", "NIKON CORPORATION", "NIKON D70", DeviceClass::kCamera},
          std::tuple{"a/DSCN0001.JPG", "NIKON", "COOLPIX P6000", DeviceClass::kCamera}}) {
      const Asset a = make_asset(++n, MediaKind::kPhoto, file, "2024-05-01T10:00:00", make, model,
                                 device_class);
      ASSERT_TRUE(c->add_asset(a, source_of(a), run).ok());
    }
  }
  const std::string inventory =
      cli_path() + " inventory --library " + shell_quote(lib.library()) + " ";
  auto r = run_command(inventory + "2>&1");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "  Canon PowerShot S40 (camera)")) << r.out;
  EXPECT_TRUE(contains(r.out, "  NIKON D70 (camera)")) << r.out;
  EXPECT_TRUE(contains(r.out, "  NIKON COOLPIX P6000 (camera)")) << r.out;
  EXPECT_TRUE(contains(r.out, "  DJI Mavic Air 2 FC3170 (drone)")) << r.out;
  EXPECT_FALSE(contains(r.out, "Canon Canon")) << r.out;
  // The --help example: a DJI Mavic by its product name, though the file says FC3170.
  r = run_command(inventory + "--device mavic 2>&1");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "DJI_0001.JPG")) << r.out;
  EXPECT_FALSE(contains(r.out, "DJI_0002.JPG")) << r.out;  // an Air 2S
  EXPECT_TRUE(contains(r.out, "1 asset,")) << r.out;
  r = run_command(inventory + "--device 'air 2s' 2>&1");
  EXPECT_TRUE(contains(r.out, "DJI_0002.JPG")) << r.out;
  EXPECT_TRUE(contains(r.out, "1 asset,")) << r.out;
  r = run_command(inventory + "--device dji 2>&1");
  EXPECT_TRUE(contains(r.out, "2 assets,")) << r.out;
}

TEST_F(CliInventory, BadArgumentsAreUsageErrorsNamingTheOption) {
  struct Case {
    std::string args;
    std::string expected;  ///< in the message
  };
  const std::vector<Case> cases = {
      {"--from 2024-13-01", "--from '2024-13-01' is not a date: write it as YYYY-MM-DD"},
      {"--to 2023-02-29", "--to '2023-02-29' is not a date"},
      {"--from 1/5/2024", "YYYY-MM-DD"},
      {"--from 2024-06-01 --to 2024-05-01", "--from 2024-06-01 is after --to 2024-05-01"},
      {"--near 95,106 --within 5", "latitude -90..90 and longitude -180..180"},
      {"--near -6.1,200 --within 5", "--near '-6.1,200' is not a place"},
      {"--near jakarta --within 5", "--near 'jakarta'"},
      {"--within 5", "--within needs --near"},
      {"--near -6.1,106.8", "--near needs --within"},
      {"--near -6.1,106.8 --within 0", "--within 0 is out of range"},
      {"--near -6.1,106.8 --within -3", "--within -3 is out of range"},
      {"--bbox 1,2,3", "--bbox '1,2,3' is not a box: write SOUTH,WEST,NORTH,EAST"},
      {"--bbox -6,106,-7,107", "SOUTH <= NORTH"},
      {"--kind hologram", "--kind"},
      {"--device-class toaster", "--device-class"},
      {"--run 0", "--run"},
      {"--run abc", "--run"},
      {"--json --csv", "--csv"},
      {"--summary --runs", "--runs"},
      {"--no-such-option", "no-such-option"},
  };
  for (const Case& c : cases) {
    const auto r = inventory(c.args + " 2>&1");
    EXPECT_EQ(r.exit_code, 2) << c.args << "\n" << r.out;
    EXPECT_TRUE(contains(r.out, c.expected)) << c.args << "\n" << r.out;
  }
}

// Measures nothing (speed is bench/'s job) but proves a library of 5,000 assets lists whole.
TEST(CliInventoryLarge, FiveThousandAssetsAsJson) {
  constexpr int kCount = 5000;
  TempLibrary lib;
  {
    Result<Catalog> c = Catalog::open(catalog_path(lib.library()));
    ASSERT_TRUE(c.ok()) << c.error().to_string();
    const std::int64_t run = *c->begin_run("budi", {"/media/card"});
    for (int i = 0; i < kCount; ++i) {
      const Asset a = make_asset(
          i + 1, i % 5 == 0 ? MediaKind::kVideo : MediaKind::kPhoto,
          fmt::format("2024/{:02}-{:02}/cam/IMG_{:05}.JPG", i % 12 + 1, i % 28 + 1, i),
          fmt::format("2024-{:02}-{:02}T10:{:02}:00+07:00", i % 12 + 1, i % 28 + 1, i % 60),
          "NIKON", "D750", DeviceClass::kCamera, GeoPoint{-6.9 + i * 1e-4, 107.6, 700.0});
      ASSERT_TRUE(c->add_asset(a, source_of(a), run).ok()) << i;
    }
  }
  auto r = run_command(cli_path() + " inventory --json --library " + shell_quote(lib.library()));
  ASSERT_EQ(r.exit_code, 0);
  const nlohmann::json j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["assets"].size(), static_cast<std::size_t>(kCount));
  EXPECT_EQ(j["counts"]["assets"], kCount);
  std::string previous;
  for (const auto& a : j["assets"]) {
    const std::string t = a["capture_time"];
    EXPECT_LE(previous, t);
    previous = t;
  }
  r = run_command(cli_path() + " inventory --summary --json --library " +
                  shell_quote(lib.library()));
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(r.out)["totals"]["all"]["count"], kCount);
}

}  // namespace
}  // namespace saluran
