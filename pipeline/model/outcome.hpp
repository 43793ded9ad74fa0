#pragma once
// What became of one item of a stage: every stage's result lists its items, each with one of
// these outcomes, so plan, render, publish, verify and batch report and count them alike.
//
//   RenditionResult r = ...;
//   if (r.outcome == Outcome::kFailed) print(r.error->to_string());
//   counts.add(r.outcome);   // "2 made, 1 up to date, 1 failed"

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace saluran {

/// What a stage did with one item.
enum class Outcome {
  kMade,      ///< a new output was written
  kUpToDate,  ///< the output already existed with the same input and settings
  kCopied,    ///< the input was copied as it is (ingest, pass-through)
  kSkipped,   ///< nothing to do for this item (not media, not applicable), with the reason
  kFailed,    ///< the item could not be done; the error says why
};

inline constexpr std::size_t kOutcomeCount = 5;

/// Stable machine name, as written in manifests and JSON: "made", "up-to-date", "copied",
/// "skipped", "failed".
std::string_view outcome_name(Outcome o);
/// Words for people: "made", "up to date", "copied", "skipped", "failed".
std::string_view outcome_words(Outcome o);
/// The outcome of a machine name; nullopt for any other text.
std::optional<Outcome> parse_outcome(std::string_view name);

/// How many items ended each way.
struct OutcomeCounts {
  std::array<std::size_t, kOutcomeCount> n{};

  void add(Outcome o) { ++n[static_cast<std::size_t>(o)]; }
  std::size_t operator[](Outcome o) const { return n[static_cast<std::size_t>(o)]; }
  std::size_t total() const;
  /// "2 made, 1 up to date, 1 failed": the non-zero counts in enum order ("nothing" if none).
  std::string summary() const;
};

}  // namespace saluran
