// fit and blur-pad pictures through the render stage, on photos made here: a landscape photo
// as a 9:16 story (blur-pad: the built-in instagram-story-fit; fit: a user preset with a white
// background), a small photo kept at its scale, a portrait photo in a landscape frame, an odd
// size. Every file passes its check; the manifest says the mode and where the picture sits.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>

#include "codecs/file_bytes.hpp"
#include "codecs/file_copy.hpp"
#include "codecs/image/photo_decode.hpp"
#include "codecs/image/photo_encode.hpp"
#include "codecs/image/picture_ops.hpp"
#include "pipeline/presets/preset_catalog.hpp"
#include "pipeline/stages/render.hpp"
#include "tests/support/builtin_preset.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {
namespace fs = std::filesystem;

// A warm photo (red over green over blue) with a gradient and soft bands, as a JPEG.
std::string make_photo(const test::TempDir& dir, const std::string& name, int width, int height) {
  Picture p{width, height, std::vector<std::uint8_t>(static_cast<std::size_t>(width) * height * 3)};
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      std::uint8_t* px = p.pixel(x, y);
      const int band = static_cast<int>(30 * std::sin(x * 0.02) * std::cos(y * 0.015));
      px[0] = static_cast<std::uint8_t>(180 + band + 40 * x / width);
      px[1] = static_cast<std::uint8_t>(100 + band / 2 + 40 * y / height);
      px[2] = static_cast<std::uint8_t>(40 + band / 4);
    }
  }
  EncodeOptions eo;
  eo.quality = 95;
  auto bytes = encode_picture(p, eo);
  EXPECT_TRUE(bytes.ok());
  const std::string path = dir / name;
  EXPECT_TRUE(bytes && write_file_synced(path, *bytes).ok());
  return path;
}

using test::builtin;

// A user preset file's text, parsed: `[image]` lines after a JPEG picture preset's head.
Preset user_preset(const std::string& name, const std::string& image_lines) {
  const std::string text = "kind = \"image\"\n[image]\nformats = [\"jpeg\"]\n" + image_lines;
  auto p = parse_preset({name, "presets/" + name + ".toml", text}, {});
  EXPECT_TRUE(p.ok()) << (p ? "" : p.error().to_string());
  return p ? *p : Preset{};
}

std::map<std::string, RenditionResult> render_photo(const std::string& input,
                                                    const std::vector<Preset>& presets,
                                                    const fs::path& out) {
  RenderOptions opt;
  opt.out_dir = out.string();
  opt.presets = presets;
  std::map<std::string, RenditionResult> by_preset;
  for (InputReport& r : render({{input}, opt}).reports) {
    for (RenditionResult& x : r.renditions) by_preset[x.preset] = std::move(x);
  }
  return by_preset;
}

std::string why(const RenditionResult& r) {
  if (r.error) return r.error->to_string();
  return r.check ? r.check->failures() : std::string("no check");
}

Picture decode(const std::string& path) {
  auto data = read_file_bytes(path, 1ull << 30);
  EXPECT_TRUE(data.ok()) << path;
  if (!data) return {};
  auto photo = decode_photo(*data, path, InputLimits{});
  EXPECT_TRUE(photo.ok()) << path;
  return photo ? photo->picture : Picture{};
}

// Mean of each colour over a window.
std::array<double, 3> mean_colour(const Picture& p, Rect r) {
  std::array<double, 3> sum{};
  for (int y = r.y; y < r.y + r.height; ++y)
    for (int x = r.x; x < r.x + r.width; ++x)
      for (int c = 0; c < 3; ++c) sum[c] += p.pixel(x, y)[c];
  for (double& s : sum) s /= static_cast<double>(r.width) * r.height;
  return sum;
}

double window_diff(const Picture& p, Rect r, const Picture& q) {
  double sum = 0;
  for (int y = 0; y < r.height; ++y)
    for (int x = 0; x < r.width * 3; ++x)
      sum += std::abs(p.pixel(r.x, r.y + y)[x] - q.pixel(0, y)[x]);
  return sum / (3.0 * r.width * r.height);
}

nlohmann::json manifest_image(const fs::path& out, const std::string& output) {
  std::ifstream in(out / kRenderManifestName);
  const nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  const std::string name = fs::path(output).filename().string();
  if (j.is_discarded() || !j["outputs"].contains(name)) return {};
  return j["outputs"][name]["image"];
}

TEST(RenderPictureFrame, ALandscapePhotoBecomesA9x16StoryWithBarsOrABlurredCopy) {
  test::TempDir dir("render-fit");
  const std::string photo = make_photo(dir, "wide.jpg", 1600, 900);
  const fs::path out = dir / "out";
  auto results = render_photo(
      photo,
      {builtin("instagram-story-fit"), user_preset("story-white",
                                                   "width = 1080\nheight = 1920\naspect = \"fit\"\n"
                                                   "background = \"#FFFFFF\"\n")},
      out);
  const Picture source_band = resize_picture(decode(photo), 1080, 608);
  const Rect band{0, 656, 1080, 608};
  for (const char* name : {"instagram-story-fit", "story-white"}) {
    const RenditionResult& r = results[name];
    ASSERT_EQ(r.outcome, Outcome::kMade) << name << ": " << why(r);
    ASSERT_TRUE(r.check && r.check->passed()) << why(r);
    EXPECT_FALSE(r.enlarged_from) << name;
    const Picture made = decode(r.output);
    ASSERT_EQ(made.width, 1080);
    ASSERT_EQ(made.height, 1920);
    // The photo's own pixels in the middle band (JPEG twice: a few levels apart).
    EXPECT_LT(window_diff(made, band, source_band), 4) << name;
    const nlohmann::json m = manifest_image(out, r.output);
    EXPECT_EQ(m["aspect"], std::string(name) == "story-white" ? "fit" : "blur-pad");
    EXPECT_EQ(m["place"], nlohmann::json({0, 656, 1080, 608})) << m.dump();
  }
  // fit: the bars are the preset's white; blur-pad: the photo's warm colours, darker.
  const Picture fit = decode(results["story-white"].output);
  const Picture pad = decode(results["instagram-story-fit"].output);
  const auto photo_colour = mean_colour(source_band, {0, 0, 1080, 608});
  for (const Rect bar : {Rect{0, 0, 1080, 640}, Rect{0, 1280, 1080, 640}}) {
    for (double c : mean_colour(fit, bar)) EXPECT_GT(c, 252);
    const auto blurred = mean_colour(pad, bar);
    EXPECT_GT(blurred[0], blurred[1] + 30);
    EXPECT_GT(blurred[1], blurred[2] + 20);
    for (int c = 0; c < 3; ++c) {
      EXPECT_LT(blurred[c], photo_colour[c]) << c;
      EXPECT_GT(blurred[c], 0.5 * photo_colour[c]) << c;
    }
  }
}

TEST(RenderPictureFrame, ASmallPhotoKeepsItsScaleUnlessThePresetEnlarges) {
  test::TempDir dir("render-fit-small");
  const std::string photo = make_photo(dir, "small.jpg", 640, 360);
  auto results =
      render_photo(photo,
                   {builtin("instagram-story-fit"),
                    user_preset("story-fit", "width = 1080\nheight = 1920\naspect = \"fit\"\n")},
                   dir / "out");
  const RenditionResult& kept = results["story-fit"];
  ASSERT_EQ(kept.outcome, Outcome::kMade) << why(kept);
  ASSERT_TRUE(kept.image);
  EXPECT_EQ(kept.image->width, 640);  // the 9:16 frame at the photo's scale
  EXPECT_EQ(kept.image->height, 1138);
  EXPECT_EQ(kept.image->place, (Rect{0, 388, 640, 360}));
  EXPECT_FALSE(kept.enlarged_from);
  const RenditionResult& enlarged = results["instagram-story-fit"];
  ASSERT_EQ(enlarged.outcome, Outcome::kMade) << why(enlarged);
  EXPECT_EQ(enlarged.image->width, 1080);
  EXPECT_EQ(enlarged.image->height, 1920);
  EXPECT_EQ(enlarged.enlarged_from, std::make_pair(640, 360));
}

TEST(RenderPictureFrame, PortraitInALandscapeFrameAndAnOddSize) {
  test::TempDir dir("render-fit-portrait");
  const Preset wide =
      user_preset("wide-pad", "width = 1920\nheight = 1080\naspect = \"blur-pad\"\n");
  auto results = render_photo(make_photo(dir, "tall.jpg", 900, 1600), {wide}, dir / "out");
  const RenditionResult& r = results["wide-pad"];
  ASSERT_EQ(r.outcome, Outcome::kMade) << why(r);
  EXPECT_EQ(r.image->width, 1920);
  EXPECT_EQ(r.image->height, 1080);
  EXPECT_EQ(r.image->place, (Rect{656, 0, 608, 1080}));
  // Odd sizes in and out: the frame is exact, the photo inside it.
  const Preset odd = user_preset(
      "odd-fit", "width = 1081\nheight = 1921\naspect = \"fit\"\nenlarge = \"to-frame\"\n");
  results = render_photo(make_photo(dir, "odd.jpg", 1001, 667), {odd}, dir / "out2");
  const RenditionResult& o = results["odd-fit"];
  ASSERT_EQ(o.outcome, Outcome::kMade) << why(o);
  EXPECT_EQ(o.image->width, 1081);
  EXPECT_EQ(o.image->height, 1921);
  ASSERT_TRUE(o.image->place);
  EXPECT_LE(o.image->place->y + o.image->place->height, 1921);
  EXPECT_EQ(o.image->place->width, 1081);
}

}  // namespace
}  // namespace saluran
