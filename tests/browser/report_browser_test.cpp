// The run report in Debian's headless Chromium (through chromedriver): the page loads from
// file:// with no console error and no broken image, loads nothing but file: and data:, shows
// the counts its JSON twin has, has no sideways scrolling at phone width, and screenshots at
// desktop and phone sizes are PNG pictures of those sizes. Suite ReportBrowser: needs chromium.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "codecs/image/photo_decode.hpp"
#include "pipeline/stages/report.hpp"
#include "tests/support/report_record.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/webdriver.hpp"

namespace saluran {
namespace {

namespace fs = std::filesystem;

nlohmann::json read_json(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream s;
  s << in.rdbuf();
  return nlohmann::json::parse(s.str());
}

// What the page shows, read from its DOM by the browser.
constexpr const char* kPageFacts = R"js(
const counts = {};
for (const el of document.querySelectorAll('[class~=stat]'))
  for (const a of el.attributes)
    if (a.name.startsWith('data-count-')) counts[a.name.slice(11)] = Number(a.value);
const images = Array.from(document.images);
return {
  counts: counts,
  images: images.length,
  broken: images.filter(i => !i.complete || i.naturalWidth === 0).map(i => i.alt),
  missing: document.querySelectorAll('[data-missing]').length,
  scrollWidth: document.documentElement.scrollWidth,
  innerWidth: window.innerWidth,
  innerHeight: window.innerHeight,
  resources: performance.getEntriesByType('resource').map(e => e.name)
    .filter(n => !n.startsWith('data:') && !n.startsWith('file:')),
  url: location.href
};)js";

// A report of two stories (one rendition file missing) written in `dir`; its HTML file.
Result<ReportResult> write_report(const test::TempDir& dir, ReportLanguage lang) {
  FolderRecord a = test::report_folder("pasar", "Pasar Baru diresmikan");
  FolderRecord b = test::report_folder("jembatan-cikapundung-yang-sangat-panjang-namanya",
                                       "Jembatan Cikapundung");
  b.renditions[1].file = dir / "gone.jpg";
  b.rejections[0].path = "/media/usb/" + std::string(120, 'x') + ".jpg";  // one long word
  const BatchRecord run = test::report_batch("20261207-101500", "2026-12-07T03:15:00Z", {a, b});
  if (Status st = write_batch_record(dir / "lib", run); !st) return st.error();
  ReportRequest req;
  req.library = dir / "lib";
  req.language = lang;
  return make_report(req);
}

// Opens the page at a size; checks what it shows and the screenshot.
void check_at_size(test::Browser& browser, const ReportResult& report, int width, int height,
                   bool phone, const fs::path& shot) {
  SCOPED_TRACE(phone ? "phone" : "desktop");
  ASSERT_TRUE(browser.set_screen(width, height, phone));
  ASSERT_TRUE(browser.open("file://" + fs::absolute(report.html).string()));
  std::optional<nlohmann::json> facts = browser.run(kPageFacts);
  ASSERT_TRUE(facts.has_value());
  EXPECT_EQ((*facts)["innerWidth"], width);
  EXPECT_EQ((*facts)["innerHeight"], height);
  EXPECT_GT((*facts)["images"].get<int>(), 0);
  EXPECT_TRUE((*facts)["broken"].empty()) << (*facts)["broken"].dump();
  EXPECT_EQ((*facts)["missing"], 1);
  EXPECT_TRUE((*facts)["resources"].empty()) << (*facts)["resources"].dump();
  EXPECT_LE((*facts)["scrollWidth"].get<int>(), width) << "the page scrolls sideways";
  const nlohmann::json summary = read_json(report.json)["summary"];
  const nlohmann::json& counts = (*facts)["counts"];
  ASSERT_FALSE(counts.empty());
  for (const auto& [name, value] : counts.items()) EXPECT_EQ(value, summary[name]) << name;
  for (const char* name : {"assets", "channels", "findings"}) EXPECT_TRUE(counts.contains(name));
  const std::vector<std::uint8_t> png = browser.screenshot();
  ASSERT_GT(png.size(), 8u);
  EXPECT_EQ(std::string(png.begin(), png.begin() + 8), "\x89PNG\r\n\x1a\n");
  std::ofstream(shot, std::ios::binary)
      .write(reinterpret_cast<const char*>(png.data()), static_cast<std::streamsize>(png.size()));
  Result<DecodedPhoto> pic = decode_photo(png, shot.string(), InputLimits{});
  ASSERT_TRUE(pic.ok()) << pic.error().to_string();
  EXPECT_EQ(pic->picture.width, width);
  EXPECT_EQ(pic->picture.height, height);
}

TEST(ReportBrowser, LoadsCleanShowsTheJsonCountsAtDesktopAndPhoneSizes) {
  if (const std::string why = test::Browser::missing(); !why.empty()) GTEST_SKIP() << why;
  SKIP_WITHOUT_SAMPLES();
  test::TempDir dir("report-browser");
  std::vector<pid_t> leftovers;
  {
    test::Browser browser;
    ASSERT_TRUE(browser.problem().empty()) << browser.problem();
    for (ReportLanguage lang : {ReportLanguage::kIndonesian, ReportLanguage::kEnglish}) {
      Result<ReportResult> report = write_report(dir, lang);
      ASSERT_TRUE(report.ok()) << report.error().to_string();
      const std::string code(report_language_code(lang));
      check_at_size(browser, *report, 1280, 900, false, dir / ("desktop-" + code + ".png"));
      check_at_size(browser, *report, 390, 844, true, dir / ("phone-" + code + ".png"));
      nlohmann::json errors = nlohmann::json::array();
      for (const nlohmann::json& m : browser.console())
        if (m.value("level", "") == "SEVERE") errors.push_back(m);
      EXPECT_TRUE(errors.empty()) << errors.dump(1);
    }
    browser.stop();
    leftovers = browser.profile_processes();
  }
  EXPECT_TRUE(leftovers.empty()) << leftovers.size() << " Chromium processes left";
}

}  // namespace
}  // namespace saluran
