#pragma once
// Post text for channels with limits: counting and cutting UTF-8 by code points (never inside a
// character or an emoji sequence), hashtags from tags, and HTML paragraphs for websites. Pure.
//
//   cut_at_word("Bupati meresmikan jembatan baru", 20)   // "Bupati meresmikan…" (18 + 1)
//   hashtag_of("jembatan baru")                          // "#JembatanBaru"
//   paragraphs_html("Satu.\n\nDua & tiga.")              // "<p>Satu.</p>\n<p>Dua &amp; tiga.</p>"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace saluran {

/// The ellipsis cut_at_word ends a cut text with (one code point).
inline constexpr std::string_view kEllipsis = "\xE2\x80\xA6";

/// Decodes the code point starting at `at` in `s` and advances `at` past it. A malformed or
/// truncated sequence decodes as U+FFFD and advances one byte.
char32_t next_code_point(std::string_view s, std::size_t& at);

/// Code points in `s` (what the channels' character limits count).
std::size_t count_code_points(std::string_view s);

/// True for code points that join onto the one before and must not be cut from it: combining
/// marks, variation selectors, emoji skin-tone modifiers, tag characters and U+200D (ZWJ).
bool joins_previous(char32_t c);

/// `text` when it has at most `max_chars` code points; otherwise its longest start that ends at
/// a word boundary (before a space or a line break) and leaves room for the ellipsis, trailing
/// blanks and punctuation dropped, then the ellipsis. A single word longer than the limit is cut
/// between characters (never inside one, nor inside an emoji sequence). 0 gives "".
std::string cut_at_word(std::string_view text, std::size_t max_chars);

/// A hashtag from a tag: '#' and each word with its first letter in capitals, spaces and
/// punctuation dropped ("jembatan baru" -> "#JembatanBaru", "#Diskominfo" -> "#Diskominfo").
/// Letters outside ASCII are kept as they are. "" when nothing is left.
std::string hashtag_of(std::string_view tag);

/// The hashtags of `tags` then `extra` (each through hashtag_of), without repeats (ignoring
/// ASCII case), in that order.
std::vector<std::string> hashtags_of(const std::vector<std::string>& tags,
                                     const std::vector<std::string>& extra);

/// `text` with &, <, > and " written as HTML entities.
std::string escape_html(std::string_view text);

/// Plain text with blank lines between paragraphs as HTML paragraphs (<p>...</p>, one a line);
/// single line breaks inside a paragraph become <br>.
std::string paragraphs_html(std::string_view text);

/// The first paragraph of `text` (up to the first blank line), trimmed.
std::string first_paragraph(std::string_view text);

}  // namespace saluran
