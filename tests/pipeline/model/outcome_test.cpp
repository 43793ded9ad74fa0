#include "pipeline/model/outcome.hpp"

#include <gtest/gtest.h>

namespace saluran {
namespace {

TEST(Outcome, NamesRoundTripAndOtherTextIsRefused) {
  for (Outcome o : {Outcome::kMade, Outcome::kUpToDate, Outcome::kCopied, Outcome::kSkipped,
                    Outcome::kFailed}) {
    EXPECT_EQ(parse_outcome(outcome_name(o)), o);
  }
  EXPECT_EQ(outcome_name(Outcome::kUpToDate), "up-to-date");
  EXPECT_EQ(outcome_words(Outcome::kUpToDate), "up to date");
  EXPECT_EQ(outcome_words(Outcome::kMade), "made");
  EXPECT_FALSE(parse_outcome("up to date"));
  EXPECT_FALSE(parse_outcome(""));
  EXPECT_FALSE(parse_outcome("Made"));
}

TEST(Outcome, CountsSummariseTheNonZeroOnesInOrder) {
  OutcomeCounts c;
  EXPECT_EQ(c.summary(), "nothing");
  EXPECT_EQ(c.total(), 0u);
  c.add(Outcome::kFailed);
  c.add(Outcome::kMade);
  c.add(Outcome::kMade);
  c.add(Outcome::kUpToDate);
  EXPECT_EQ(c[Outcome::kMade], 2u);
  EXPECT_EQ(c.total(), 4u);
  EXPECT_EQ(c.summary(), "2 made, 1 up to date, 1 failed");
}

}  // namespace
}  // namespace saluran
