// Shards of a batch: "I/N", the scheduler's variables, and a stable owner per item.

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "pipeline/stages/batch.hpp"

namespace saluran {
namespace {

std::function<const char*(const char*)> env_of(const std::map<std::string, std::string>& vars) {
  return [vars](const char* name) -> const char* {
    auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  };
}

TEST(BatchShard, ParsesIOfNAndSaysTheFormOnMistakes) {
  Result<Shard> s = parse_shard("2/4");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->index, 2);
  EXPECT_EQ(s->count, 4);
  for (const char* bad : {"4/4", "-1/4", "1/0", "x/4", "1-4", "", "1/", "/4", "1/4/2"}) {
    Result<Shard> r = parse_shard(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_NE(r.error().message.find("--shard"), std::string::npos) << r.error().message;
  }
}

TEST(BatchShard, ReadsSlurmArraysFromTheirFirstTask) {
  auto s = shard_from_environment(std::nullopt, env_of({{"SLURM_ARRAY_TASK_ID", "5"},
                                                        {"SLURM_ARRAY_TASK_MIN", "2"},
                                                        {"SLURM_ARRAY_TASK_COUNT", "4"}}));
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->has_value());
  EXPECT_EQ((*s)->index, 3);
  EXPECT_EQ((*s)->count, 4);
  auto by_max = shard_from_environment(
      std::nullopt, env_of({{"SLURM_ARRAY_TASK_ID", "0"}, {"SLURM_ARRAY_TASK_MAX", "3"}}));
  ASSERT_TRUE(by_max && by_max->has_value());
  EXPECT_EQ((*by_max)->count, 4);
  EXPECT_FALSE(shard_from_environment(std::nullopt, env_of({{"SLURM_ARRAY_TASK_ID", "1"}})));
}

TEST(BatchShard, ReadsKubernetesIndexedJobsWithTheirCompletions) {
  auto s = shard_from_environment(3, env_of({{"JOB_COMPLETION_INDEX", "1"}}));
  ASSERT_TRUE(s && s->has_value());
  EXPECT_EQ((*s)->index, 1);
  EXPECT_EQ((*s)->count, 3);
  auto from_env = shard_from_environment(
      std::nullopt, env_of({{"JOB_COMPLETION_INDEX", "0"}, {"JOB_COMPLETIONS", "2"}}));
  ASSERT_TRUE(from_env && from_env->has_value());
  EXPECT_EQ((*from_env)->count, 2);
  auto missing = shard_from_environment(std::nullopt, env_of({{"JOB_COMPLETION_INDEX", "0"}}));
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("--shards"), std::string::npos);
  auto none = shard_from_environment(std::nullopt, env_of({}));
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
}

TEST(BatchShard, EachKeyHasOneStableOwnerAndTheWorkIsSpread) {
  std::map<int, int> per_shard;
  for (int i = 0; i < 400; ++i) {
    const std::string key = "asset-" + std::to_string(i);
    const int owner = shard_of(key, 4);
    EXPECT_EQ(owner, shard_of(key, 4));
    ASSERT_GE(owner, 0);
    ASSERT_LT(owner, 4);
    ++per_shard[owner];
    EXPECT_EQ(shard_of(key, 1), 0);
  }
  for (auto& [shard, n] : per_shard) EXPECT_GT(n, 60) << "shard " << shard;
}

}  // namespace
}  // namespace saluran
