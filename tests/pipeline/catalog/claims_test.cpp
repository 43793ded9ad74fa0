// Work claims: of several processes on one library, exactly one does each unit of work.

#include <gtest/gtest.h>

#include "pipeline/catalog/catalog.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {

TEST(WorkClaims, OneOwnerAtATimeADeadOneIsReplacedAndDoneStaysDone) {
  test::TempDir dir("claims");
  const std::string db = (dir.path() / "catalog.db").string();
  Result<Catalog> a = Catalog::open(db);
  Result<Catalog> b = Catalog::open(db);  // a second process's connection
  ASSERT_TRUE(a && b);
  auto alive = [](const std::string&) { return true; };
  auto dead = [](const std::string&) { return false; };
  EXPECT_EQ(*a->claim_work("render:x", "host:1", alive), ClaimState::kTaken);
  EXPECT_EQ(*a->claim_work("render:x", "host:1", alive), ClaimState::kTaken);  // its own
  EXPECT_EQ(*b->claim_work("render:x", "host:2", alive), ClaimState::kHeld);
  std::string owner;
  EXPECT_EQ(*b->work_state("render:x", &owner), ClaimState::kTaken);
  EXPECT_EQ(owner, "host:1");
  EXPECT_EQ(*b->claim_work("render:x", "host:2", dead), ClaimState::kTaken);  // host:1 is gone
  ASSERT_TRUE(b->finish_work("render:x", "host:2"));
  EXPECT_EQ(*a->claim_work("render:x", "host:1", dead), ClaimState::kDone);
  EXPECT_FALSE(a->work_state("render:y")->has_value());
  EXPECT_EQ(*a->claim_work("render:y", "host:1", alive), ClaimState::kTaken);
  ASSERT_TRUE(a->release_work("render:y", "host:1"));  // failed: another may take it
  EXPECT_EQ(*b->claim_work("render:y", "host:2", alive), ClaimState::kTaken);
}

}  // namespace
}  // namespace saluran
