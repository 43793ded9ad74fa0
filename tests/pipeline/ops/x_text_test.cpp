// X's weighted length (twitter-text v3) and the cut at a word boundary.

#include "pipeline/ops/x_text.hpp"

#include <gtest/gtest.h>

#include <string>

namespace saluran {
namespace {

TEST(XWeightedLength, LatinAndIndonesianTextWeighsOnePerCharacter) {
  EXPECT_EQ(x_weighted_length(""), 0u);
  EXPECT_EQ(x_weighted_length("Halo dunia"), 10u);
  EXPECT_EQ(x_weighted_length("caf\xC3\xA9"), 4u);  // é is U+00E9, inside 0-4351
}

TEST(XWeightedLength, RangeEdgesFollowConfigV3) {
  EXPECT_EQ(x_weighted_length("\xE1\x83\xBF"), 1u);  // U+10FF (4351): last light one
  EXPECT_EQ(x_weighted_length("\xE1\x84\x80"), 2u);  // U+1100 (4352): first heavy one
  EXPECT_EQ(x_weighted_length("\xE2\x80\x80"), 1u);  // U+2000 (8192)
  EXPECT_EQ(x_weighted_length("\xE2\x80\x8D"), 1u);  // U+200D (8205)
  EXPECT_EQ(x_weighted_length("\xE2\x80\x8E"), 2u);  // U+200E (8206)
  EXPECT_EQ(x_weighted_length("\xE2\x80\x90"), 1u);  // U+2010 (8208)
  EXPECT_EQ(x_weighted_length("\xE2\x80\x9F"), 1u);  // U+201F (8223)
  EXPECT_EQ(x_weighted_length("\xE2\x80\xA0"), 2u);  // U+2020 (8224)
  EXPECT_EQ(x_weighted_length("\xE2\x80\xB2"), 1u);  // U+2032 (8242)
  EXPECT_EQ(x_weighted_length("\xE2\x80\xB7"), 1u);  // U+2037 (8247)
  EXPECT_EQ(x_weighted_length("\xE2\x80\xB8"), 2u);  // U+2038 (8248)
  EXPECT_EQ(x_weighted_length("\xE2\x80\xA6"), 2u);  // the ellipsis U+2026 is heavy
}

TEST(XWeightedLength, CjkWeighsTwoPerCharacter) {
  EXPECT_EQ(x_weighted_length("\xE6\x97\xA5\xE6\x9C\xAC"), 4u);  // 日本
}

TEST(XWeightedLength, EmojiSequencesWeighTwoInAll) {
  EXPECT_EQ(x_weighted_length("\xF0\x9F\x98\x80"), 2u);                  // 😀
  EXPECT_EQ(x_weighted_length("\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD"), 2u);  // 👍🏽 skin tone
  EXPECT_EQ(x_weighted_length("\xF0\x9F\x87\xAE\xF0\x9F\x87\xA9"), 2u);  // 🇮🇩 flag
  // 👨‍👩‍👧 family: three emoji joined by two ZWJ
  EXPECT_EQ(x_weighted_length("\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F"
                              "\x91\xA7"),
            2u);
  EXPECT_EQ(x_weighted_length("1\xEF\xB8\x8F\xE2\x83\xA3"), 2u);  // 1️⃣ keycap
  EXPECT_EQ(x_weighted_length("a\xF0\x9F\x98\x80 b"), 5u);
}

TEST(XWeightedLength, EveryUrlWeighs23) {
  EXPECT_EQ(x_weighted_length("https://example.go.id/berita/2026/12/07/jembatan-baru-diresmikan"),
            23u);
  EXPECT_EQ(x_weighted_length("http://a.co"), 23u);
  EXPECT_EQ(x_weighted_length("Lihat https://example.go.id/a/b."), 6u + 23u + 1u);
  EXPECT_EQ(x_weighted_length("diskominfo.go.id"), 23u);  // no scheme, known domain
  EXPECT_EQ(x_weighted_length("a https://x.id b https://y.id"), 2u + 23u + 3u + 23u);
  EXPECT_EQ(x_weighted_length("end.Next"), 8u);        // not a domain
  EXPECT_EQ(x_weighted_length("user@mail.com"), 13u);  // an address is not a link
}

TEST(XCutAtWord, ShortTextIsKept) {
  EXPECT_EQ(x_cut_at_word("Halo dunia", 280), "Halo dunia");
  EXPECT_EQ(x_cut_at_word("Halo dunia", 10), "Halo dunia");
}

TEST(XCutAtWord, CutsAtAWordAndLeavesRoomForTheEllipsis) {
  const std::string cut = x_cut_at_word("Bupati meresmikan jembatan baru", 20);
  EXPECT_EQ(cut, "Bupati meresmikan\xE2\x80\xA6");
  EXPECT_LE(x_weighted_length(cut), 20u);
  EXPECT_EQ(x_cut_at_word("Satu, dua, tiga empat", 12), "Satu, dua\xE2\x80\xA6");
}

TEST(XCutAtWord, NeverCutsAUrl) {
  const std::string text = "Berita https://example.go.id/berita/panjang-sekali dan lainnya";
  const std::string cut = x_cut_at_word(text, 30);
  EXPECT_EQ(cut, "Berita\xE2\x80\xA6");
  EXPECT_EQ(x_cut_at_word(text, 33),
            "Berita https://example.go.id/berita/panjang-sekali\xE2\x80\xA6");
}

TEST(XCutAtWord, HeavyTextAndLongWords) {
  std::string cjk;
  for (int i = 0; i < 200; ++i) cjk += "\xE6\x97\xA5";  // 400 weighted, no spaces
  const std::string cut = x_cut_at_word(cjk, 280);
  EXPECT_EQ(x_weighted_length(cut), 280u);  // 139 characters (278) + the ellipsis
  std::string emoji;
  for (int i = 0; i < 5; ++i) emoji += "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD";
  EXPECT_EQ(x_cut_at_word(emoji, 7),
            "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD\xF0\x9F\x91\x8D\xF0\x9F\x8F"
            "\xBD\xE2\x80\xA6");
  EXPECT_EQ(x_cut_at_word("abc", 1), "");
}

TEST(XCutAtWord, ResultAlwaysFits) {
  const std::string text =
      "Pemerintah daerah meresmikan jembatan baru \xF0\x9F\x8C\x89 di desa https://example.go.id/x "
      "\xE6\x97\xA5\xE6\x9C\xAC dan warga menyambutnya dengan gembira hari ini.";
  for (std::size_t max = 2; max < x_weighted_length(text); ++max)
    EXPECT_LE(x_weighted_length(x_cut_at_word(text, max)), max) << max;
}

}  // namespace
}  // namespace saluran
