// Post text: counting code points, cutting at word boundaries without breaking a character or
// an emoji sequence, hashtags and HTML paragraphs.

#include "pipeline/ops/post_text.hpp"

#include <gtest/gtest.h>

#include <string>

namespace saluran {
namespace {

const std::string kE = std::string(kEllipsis);

bool valid_utf8(const std::string& s) {
  for (std::size_t at = 0; at < s.size();) {
    if (next_code_point(s, at) == 0xFFFD) return false;
  }
  return true;
}

TEST(PostText, CountsCodePointsNotBytes) {
  EXPECT_EQ(count_code_points(""), 0u);
  EXPECT_EQ(count_code_points("abc"), 3u);
  EXPECT_EQ(count_code_points("é"), 1u);
  EXPECT_EQ(count_code_points("🌉"), 1u);
  EXPECT_EQ(count_code_points("👍🏽"), 2u);
  EXPECT_EQ(count_code_points("Jembatan — baru"), 15u);
}

TEST(PostText, MalformedBytesCountAsOneEach) {
  std::size_t at = 0;
  EXPECT_EQ(next_code_point("\xE2\x80", at), 0xFFFDu);
  EXPECT_EQ(at, 1u);
  EXPECT_EQ(count_code_points("\xFF\xFE"), 2u);
}

TEST(CutAtWord, ShortTextIsUntouched) {
  EXPECT_EQ(cut_at_word("Bupati meresmikan", 17), "Bupati meresmikan");
  EXPECT_EQ(cut_at_word("🌉🌉🌉", 3), "🌉🌉🌉");
  EXPECT_EQ(cut_at_word("", 0), "");
}

TEST(CutAtWord, CutsBeforeAWordAndAddsTheEllipsis) {
  EXPECT_EQ(cut_at_word("Bupati meresmikan jembatan baru", 20), "Bupati meresmikan" + kE);
  EXPECT_EQ(cut_at_word("Bupati meresmikan jembatan baru", 18), "Bupati meresmikan" + kE);
  EXPECT_EQ(cut_at_word("Bupati meresmikan jembatan baru", 17), "Bupati" + kE);
  EXPECT_EQ(cut_at_word("satu dua\ntiga empat", 12), "satu dua" + kE);
}

TEST(CutAtWord, ResultNeverExceedsTheLimit) {
  const std::string text =
      "Warga Desa Sukamaju menyambut peresmian jembatan 🌉 dengan gembira 🎉, kata Pak Édi.";
  for (std::size_t n = 0; n <= count_code_points(text) + 1; ++n) {
    const std::string cut = cut_at_word(text, n);
    EXPECT_LE(count_code_points(cut), n) << n;
    EXPECT_TRUE(valid_utf8(cut)) << n;
  }
}

TEST(CutAtWord, DropsDanglingPunctuation) {
  EXPECT_EQ(cut_at_word("Jembatan baru, kata warga desa", 16), "Jembatan baru" + kE);
  EXPECT_EQ(cut_at_word("Jembatan — baru sekali", 13), "Jembatan" + kE);
}

TEST(CutAtWord, LongWordIsCutBetweenCharacters) {
  EXPECT_EQ(cut_at_word("abcdefghij", 5), "abcd" + kE);
  EXPECT_EQ(cut_at_word("ééééé", 3), "éé" + kE);
}

TEST(CutAtWord, NeverSplitsAnEmojiSequence) {
  // Family (man ZWJ woman ZWJ girl) is 5 code points; cutting inside it must back off.
  const std::string family = "👨‍👩‍👧";
  const std::string text = "ab" + family + family;
  for (std::size_t n = 1; n < count_code_points(text); ++n) {
    const std::string cut = cut_at_word(text, n);
    const std::string kept = cut.substr(0, cut.size() - kE.size());
    EXPECT_TRUE(kept.empty() || kept == "a" || kept == "ab" || kept == "ab" + family)
        << n << ": " << kept;
  }
  // A skin tone stays with its hand.
  EXPECT_EQ(cut_at_word("👍🏽👍🏽👍🏽", 4), "👍🏽" + kE);
  // A decomposed accent stays with its letter.
  EXPECT_EQ(cut_at_word("e\xCC\x81"
                        "e\xCC\x81"
                        "e\xCC\x81",
                        3),
            "e\xCC\x81" + kE);
}

TEST(Hashtags, FromTags) {
  EXPECT_EQ(hashtag_of("infrastruktur"), "#Infrastruktur");
  EXPECT_EQ(hashtag_of("jembatan baru"), "#JembatanBaru");
  EXPECT_EQ(hashtag_of("#Diskominfo"), "#Diskominfo");
  EXPECT_EQ(hashtag_of("hari-ulang tahun ke-80"), "#HariUlangTahunKe80");
  EXPECT_EQ(hashtag_of("pésta"), "#Pésta");
  EXPECT_EQ(hashtag_of("!!"), "");
  EXPECT_EQ(hashtags_of({"jembatan", "Desa"}, {"#Jembatan", "#Diskominfo"}),
            (std::vector<std::string>{"#Jembatan", "#Desa", "#Diskominfo"}));
}

TEST(Html, ParagraphsAndEscapes) {
  EXPECT_EQ(paragraphs_html("Satu.\n\nDua & <tiga>."),
            "<p>Satu.</p>\n<p>Dua &amp; &lt;tiga&gt;.</p>");
  EXPECT_EQ(paragraphs_html("Baris\nkedua\n\n\n  \nAkhir 🎉\n"),
            "<p>Baris<br>\nkedua</p>\n<p>Akhir 🎉</p>");
  EXPECT_EQ(paragraphs_html(""), "");
  EXPECT_EQ(first_paragraph("\n  Pertama\nmasih.\n\nKedua"), "Pertama\nmasih.");
}

}  // namespace
}  // namespace saluran
