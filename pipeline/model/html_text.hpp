#pragma once
// Plain text as HTML, the one way every page Saluran writes does it (the plan's website body,
// the local site's pages, the WordPress post blocks).
//
//   html_paragraphs("Satu.\n\nDua <b>")   // "<p>Satu.</p>\n<p>Dua &lt;b&gt;</p>"

#include <string>
#include <string_view>
#include <vector>

namespace saluran {

/// `text` with &, <, >, " and ' written as HTML entities.
std::string html_escape(std::string_view text);

/// The entities html_escape writes, and those WordPress writes in names (&#039;, &#038;), back
/// to their characters.
std::string html_unescape(std::string text);

/// The paragraphs of plain text (separated by blank lines), each trimmed; empty ones dropped.
std::vector<std::string> text_paragraphs(std::string_view text);

/// One paragraph's HTML content: escaped, single line breaks as "<br>\n".
std::string paragraph_html(std::string_view paragraph);

/// Plain text with blank lines between paragraphs as HTML paragraphs (<p>...</p>, one a line).
std::string html_paragraphs(std::string_view text);

}  // namespace saluran
