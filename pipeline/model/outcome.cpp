#include "pipeline/model/outcome.hpp"

#include <fmt/format.h>

namespace saluran {

namespace {
constexpr std::array<Outcome, kOutcomeCount> kAll = {
    Outcome::kMade, Outcome::kUpToDate, Outcome::kCopied, Outcome::kSkipped, Outcome::kFailed};
}  // namespace

std::string_view outcome_name(Outcome o) {
  switch (o) {
    case Outcome::kMade:
      return "made";
    case Outcome::kUpToDate:
      return "up-to-date";
    case Outcome::kCopied:
      return "copied";
    case Outcome::kSkipped:
      return "skipped";
    case Outcome::kFailed:
      return "failed";
  }
  return "failed";
}

std::string_view outcome_words(Outcome o) {
  return o == Outcome::kUpToDate ? "up to date" : outcome_name(o);
}

std::optional<Outcome> parse_outcome(std::string_view name) {
  for (Outcome o : kAll) {
    if (outcome_name(o) == name) return o;
  }
  return std::nullopt;
}

std::size_t OutcomeCounts::total() const {
  std::size_t t = 0;
  for (std::size_t v : n) t += v;
  return t;
}

std::string OutcomeCounts::summary() const {
  std::string out;
  for (Outcome o : kAll) {
    if ((*this)[o] == 0) continue;
    if (!out.empty()) out += ", ";
    out += fmt::format("{} {}", (*this)[o], outcome_words(o));
  }
  return out.empty() ? "nothing" : out;
}

}  // namespace saluran
