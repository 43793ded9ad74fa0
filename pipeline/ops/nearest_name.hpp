#pragma once
// The known name a mistyped one was meant to be ("instagram-sqare" -> "instagram-square"), by
// edit distance. Pure: tested without files.
//
//   nearest_name("yuotube", catalog.names());   // "youtube"
//   nearest_name("tiktok", catalog.names());    // "": nothing near enough to be a slip

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace saluran {

/// The number of one-character insertions, deletions, substitutions and swaps of neighbours
/// that turn `a` into `b` (optimal string alignment distance), case-insensitive.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate nearest to `name` when it is near enough to be a typing slip (at most 2
/// edits, or a third of the name's length for longer names); the first of equals in order.
/// Empty when none is, or when `name` is itself a candidate.
std::string nearest_name(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace saluran
