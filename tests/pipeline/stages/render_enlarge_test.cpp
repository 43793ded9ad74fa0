// Renditions that add nothing (issue 12), through the render stage on small inputs made with
// the ffmpeg CLI: a small clip keeps its size and gets no more bits than it holds; a preset
// whose channel requires its size enlarges, and says so (RenditionResult::enlarged_from and
// the manifest); every output passes its check.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "codecs/av/av_probe.hpp"
#include "pipeline/presets/preset_catalog.hpp"
#include "pipeline/stages/render.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {
namespace fs = std::filesystem;

std::vector<Preset> presets(std::initializer_list<const char*> names) {
  auto catalog = PresetCatalog::load("/nonexistent-user-presets");
  EXPECT_TRUE(catalog.ok());
  std::vector<Preset> out;
  for (const char* n : names) {
    auto p = catalog->get(n);
    EXPECT_TRUE(p.ok()) << n;
    if (p) out.push_back(*p);
  }
  return out;
}

// Makes a small input with the ffmpeg CLI (installed by scripts/install-deps).
std::string make_input(const test::TempDir& dir, const std::string& name, const std::string& args) {
  const std::string path = dir / name;
  const std::string cmd = "ffmpeg -v error -y " + args + " " + path;
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  return path;
}

std::map<std::string, const RenditionResult*> by_preset(const InputReport& r) {
  std::map<std::string, const RenditionResult*> m;
  for (const auto& x : r.renditions) m[x.preset] = &x;
  return m;
}

std::string why(const RenditionResult* r) {
  if (r == nullptr) return "not rendered";
  if (r->error) return r->error->to_string();
  return r->check ? r->check->failures() : std::string();
}

nlohmann::json manifest_entry(const std::string& out_dir, const std::string& output) {
  std::ifstream in(fs::path(out_dir) / kRenderManifestName);
  const nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  const std::string name = fs::path(output).filename().string();
  if (j.is_discarded() || !j.contains("outputs") || !j["outputs"].contains(name)) return {};
  return j["outputs"][name];
}

// The clip: 640x360 at about 400 kbps, 4 s (long enough for the Reels).
class SmallClip : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<test::TempDir>("render-small-clip");
    input_ = make_input(*dir_, "small.mp4",
                        "-f lavfi -i testsrc2=s=640x360:r=30:d=4 -f lavfi -i "
                        "sine=f=440:d=4:r=48000 -c:v libx264 -preset veryfast -b:v 400k "
                        "-pix_fmt yuv420p -c:a aac -b:a 64k -shortest");
    RenderOptions opt;
    opt.out_dir = *dir_ / "out";
    opt.presets = presets({"x-video", "instagram-feed-video", "facebook-reel", "youtube"});
    // A fixed window: the reframing analysis is not what this tests.
    opt.overrides.focus = FocusPoint{0.5, 0.5};
    reports_ = render({{input_}, opt}).reports;
  }
  static void TearDownTestSuite() { dir_.reset(); }

  static inline std::unique_ptr<test::TempDir> dir_;
  static inline std::string input_;
  static inline std::vector<InputReport> reports_;
};

TEST_F(SmallClip, EveryRenditionIsMadeAndPassesItsCheck) {
  ASSERT_EQ(reports_.size(), 1u);
  for (const RenditionResult& r : reports_[0].renditions) {
    EXPECT_EQ(r.outcome, Outcome::kMade) << r.preset << ": " << why(&r);
    ASSERT_TRUE(r.check) << r.preset;
    EXPECT_TRUE(r.check->passed()) << r.preset << ": " << r.check->failures();
  }
}

TEST_F(SmallClip, XVideoKeepsTheSizeAndAddsNoBytes) {
  auto src = probe_av(input_, InputLimits{});
  ASSERT_TRUE(src.ok());
  ASSERT_TRUE(src->picture->bit_rate);
  const auto m = by_preset(reports_[0]);
  const RenditionResult* x = m.at("x-video");
  ASSERT_EQ(x->outcome, Outcome::kMade) << why(x);
  auto out = probe_av(x->output, InputLimits{});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->picture->width, 640);
  EXPECT_EQ(out->picture->height, 360);
  EXPECT_FALSE(x->enlarged_from);
  // At most 1.5x the source's picture bitrate (not the preset's 5 Mbps) ...
  const int src_kbps = static_cast<int>(*src->picture->bit_rate / 1000);
  EXPECT_LE(x->plan->video->bitrate_kbps, src_kbps * 3 / 2 + 1);
  // ... so the file is at most about twice the source's bytes (the sound is 128 kbps, the
  // source's 64).
  EXPECT_LE(fs::file_size(x->output), 2 * fs::file_size(input_))
      << fs::file_size(x->output) << " bytes from " << fs::file_size(input_);
}

TEST_F(SmallClip, FeedVideoIsCroppedTo4x5AtTheSourcesScale) {
  const RenditionResult* f = by_preset(reports_[0]).at("instagram-feed-video");
  ASSERT_EQ(f->outcome, Outcome::kMade) << why(f);
  auto out = probe_av(f->output, InputLimits{});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->picture->width, 288);
  EXPECT_EQ(out->picture->height, 360);
  EXPECT_FALSE(f->enlarged_from);
  // 8 Mbps is for 1080x1350 at 30 fps; this is 7% of its pixels and no more than the source.
  EXPECT_LE(f->plan->video->bitrate_kbps, 600);
}

TEST_F(SmallClip, AReelIsEnlargedToTheRequiredFrameAndSaysSo) {
  const RenditionResult* r = by_preset(reports_[0]).at("facebook-reel");
  ASSERT_EQ(r->outcome, Outcome::kMade) << why(r);
  auto out = probe_av(r->output, InputLimits{});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->picture->width, 1080);
  EXPECT_EQ(out->picture->height, 1920);
  ASSERT_TRUE(r->enlarged_from);
  EXPECT_EQ(*r->enlarged_from, std::make_pair(640, 360));
  // Enlarged pixels carry no more than the source held.
  EXPECT_LE(r->plan->video->bitrate_kbps, 700);
  const nlohmann::json e = manifest_entry((dir_->path() / "out").string(), r->output);
  ASSERT_TRUE(e.contains("enlarged_from")) << e.dump();
  EXPECT_EQ(e["enlarged_from"]["width"], 640);
  EXPECT_EQ(e["enlarged_from"]["height"], 360);
}

TEST_F(SmallClip, YouTubeLadderIsCappedNearTheSource) {
  const RenditionResult* y = by_preset(reports_[0]).at("youtube");
  ASSERT_EQ(y->outcome, Outcome::kMade) << why(y);
  EXPECT_LT(y->plan->video->bitrate_kbps, 1000);  // the 360p step, capped
  EXPECT_LE(fs::file_size(y->output), 2 * fs::file_size(input_));
}

TEST(RenderEnlarge, ASmallPhotoIsEnlargedOnlyWhereTheChannelRequiresItsSize) {
  test::TempDir dir("render-small-photo");
  const std::string in = make_input(dir, "small.jpg", "-f lavfi -i testsrc2=s=450x300 -frames:v 1");
  RenderOptions opt;
  opt.out_dir = dir / "out";
  opt.presets = presets({"instagram-feed-4x5", "web-thumb", "web", "youtube-thumbnail"});
  auto reports = render({{in}, opt}).reports;
  ASSERT_EQ(reports.size(), 1u);
  const auto m = by_preset(reports[0]);
  for (const RenditionResult& r : reports[0].renditions) {
    if (r.outcome == Outcome::kSkipped) continue;  // web widths above 450
    EXPECT_EQ(r.outcome, Outcome::kMade) << r.output << ": " << why(&r);
  }
  // Instagram: 1080x1350, enlarged from the 450x300 photo.
  const RenditionResult* ig = m.at("instagram-feed-4x5");
  ASSERT_TRUE(ig->image);
  EXPECT_EQ(ig->image->width, 1080);
  EXPECT_EQ(ig->image->height, 1350);
  ASSERT_TRUE(ig->enlarged_from);
  EXPECT_EQ(*ig->enlarged_from, std::make_pair(450, 300));
  const nlohmann::json e = manifest_entry(opt.out_dir, ig->output);
  ASSERT_TRUE(e.contains("enlarged_from")) << e.dump();
  EXPECT_EQ(e["enlarged_from"]["width"], 450);
  // YouTube's thumbnail: 1280x720 (at least 640 wide).
  const RenditionResult* yt = m.at("youtube-thumbnail");
  ASSERT_TRUE(yt->image);
  EXPECT_EQ(yt->image->width, 1280);
  EXPECT_TRUE(yt->enlarged_from);
  // The website's card keeps the photo's pixels: its 16:9 window, 450x253.
  const RenditionResult* card = m.at("web-thumb");
  ASSERT_TRUE(card->image);
  EXPECT_EQ(card->image->width, 450);
  EXPECT_EQ(card->image->height, 253);
  EXPECT_FALSE(card->enlarged_from);
  ASSERT_TRUE(card->check);
  EXPECT_TRUE(card->check->passed()) << card->check->failures();
}

}  // namespace
}  // namespace saluran
