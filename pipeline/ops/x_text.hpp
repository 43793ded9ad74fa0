#pragma once
// Post text as X counts it (twitter-text configuration v3): each code point in 0-4351,
// 8192-8205, 8208-8223 or 8242-8247 weighs 1, every other code point 2, an emoji sequence
// (skin tone, ZWJ family, flag, keycap) 2 in all, and every URL 23 whatever its length
// (X shortens it to a t.co link). A post may weigh 280. Pure: tested without files.
//
//   x_weighted_length("Halo dunia")                        // 10
//   x_weighted_length("Lihat https://example.go.id/a/b")   // 6 + 23 = 29
//   x_weighted_length("日本")                               // 4
//   x_cut_at_word("Bupati meresmikan jembatan baru", 20)   // "Bupati meresmikan…" (17 + 2)

#include <cstddef>
#include <string>
#include <string_view>

namespace saluran {

/// The most a post's text may weigh on X.
inline constexpr std::size_t kXMaxWeightedLength = 280;
/// What every URL weighs, however long (twitter-text's transformedURLLength).
inline constexpr std::size_t kXUrlWeight = 23;

/// The weight of `text` as X counts it (see above). Malformed UTF-8 counts as U+FFFD (2).
std::size_t x_weighted_length(std::string_view text);

/// `text` when it weighs at most `max_weighted`; otherwise its longest start that ends at a word
/// boundary (before a space or a line break) and leaves room for the ellipsis (which weighs 2),
/// trailing blanks and punctuation dropped, then the ellipsis. A URL is never cut: a cut that
/// would fall inside one falls before it. A single word heavier than the limit is cut between
/// characters (never inside one, nor inside an emoji sequence). A limit under 2 gives "".
std::string x_cut_at_word(std::string_view text, std::size_t max_weighted);

}  // namespace saluran
