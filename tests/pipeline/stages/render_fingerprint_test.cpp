// Rendition fingerprints: equal for the same file and settings, different when either changes,
// and an error naming the file (never a fingerprint of zeros) when the input cannot be looked at.

#include "pipeline/stages/render_fingerprint.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "pipeline/presets/preset_catalog.hpp"
#include "tests/support/builtin_preset.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {
namespace fs = std::filesystem;

using test::builtin;

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

TEST(RenderFingerprint, SameFileAndSettingsGiveTheSameDigestAndAChangeAnother) {
  test::TempDir dir("fingerprint");
  const std::string input = dir / "IMG_0001.jpg";
  write_text(input, "not really a photo");
  const Preset web = builtin("web-thumb");
  auto a = picture_fingerprint(web, input, "IMG_0001.web-thumb.jpg", std::nullopt);
  ASSERT_TRUE(a.ok()) << a.error().to_string();
  EXPECT_EQ(a->size(), 16u);
  EXPECT_EQ(*a, *picture_fingerprint(web, input, "IMG_0001.web-thumb.jpg", std::nullopt));
  EXPECT_NE(*a, *picture_fingerprint(web, input, "IMG_0001.web-thumb.webp", std::nullopt));
  EXPECT_NE(*a, *picture_fingerprint(web, input, "IMG_0001.web-thumb.jpg", FocusPoint{0.3, 0.4}));
  Preset better = web;
  better.image->quality += 5;
  EXPECT_NE(*a, *picture_fingerprint(better, input, "IMG_0001.web-thumb.jpg", std::nullopt));
  write_text(input, "a different photo now");  // other size and modification time
  EXPECT_NE(*a, *picture_fingerprint(web, input, "IMG_0001.web-thumb.jpg", std::nullopt));

  RenditionPlan plan;
  plan.preset = builtin("radio-clip");
  plan.duration_s = 10;
  auto m = media_fingerprint(plan, input);
  ASSERT_TRUE(m.ok()) << m.error().to_string();
  plan.duration_s = 11;
  EXPECT_NE(*m, *media_fingerprint(plan, input));
}

TEST(RenderFingerprint, AnInputThatCannotBeLookedAtIsAnErrorNamingTheFileAndWhy) {
  test::TempDir dir("fingerprint-gone");
  const std::string gone = dir / "C0001.MP4";
  RenditionPlan plan;
  plan.preset = builtin("radio-clip");
  auto m = media_fingerprint(plan, gone);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(m.error().context.file, gone);
  EXPECT_NE(m.error().to_string().find("no such file"), std::string::npos) << m.error().to_string();
  auto p = picture_fingerprint(builtin("web-thumb"), gone, "C0001.web-thumb.jpg", std::nullopt);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().context.file, gone);
  EXPECT_NE(p.error().to_string().find("no such file"), std::string::npos) << p.error().to_string();
}

}  // namespace
}  // namespace saluran
