#pragma once
// story.toml: read into a validated Story (parse_story) and written back (write_story, for
// `saluran story new`). Every mistake is an error naming the file, the line and the key, found
// before anything is rendered or sent. The keys are documented in README.md ("Stories and
// plans"); keep the two in step.
//
//   Result<Story> s = parse_story("story.toml");
//   if (!s) std::cerr << s.error().to_string();  // "story.toml: unknown key media.rol ... (line
//   9)" std::string text = write_story(*s);           // parse_story_text(text) gives it back

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "pipeline/model/error.hpp"
#include "pipeline/model/story.hpp"

namespace saluran {

/// The largest story.toml read (1 MiB): a story is pages of text, not a video renamed .toml.
inline constexpr std::size_t kMaxStoryFileBytes = 1 << 20;

/// Marks text the operator still has to write ("TODO: judul"); `plan` reports it as blocking.
inline constexpr std::string_view kTodoMarker = "TODO";

/// Reads and validates `file`. kNotFound / kPermission / kIo when it cannot be read,
/// kInvalidArgument for anything wrong in it (file, line and key in the message and detail).
Result<Story> parse_story(const std::filesystem::path& file);

/// Validates story.toml text; `file` names it in errors and becomes Story::file.
Result<Story> parse_story_text(std::string_view text, const std::filesystem::path& file);

/// The story as story.toml text, in the order of the README's example; parse_story_text of it
/// gives the same Story back (media lines and the file aside). UTF-8 text is written as is.
std::string write_story(const Story& story);

/// A stable ASCII slug of `title`: lower case, words joined by hyphens, Latin letters with
/// diacritics transliterated ("Péresmian Jembatan Cikapundung 🌉" -> "peresmian-jembatan-
/// cikapundung"), other characters dropped, at most 60 characters cut at a hyphen; "story"
/// when nothing is left.
std::string story_slug(std::string_view title);

/// True when `text` still holds the TODO marker (case-sensitive).
bool has_todo(std::string_view text);

}  // namespace saluran
