// Batch records: written atomically, read back, and the shards of one run merged.

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <fstream>

#include "pipeline/stages/batch_record.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {

RenditionRecord rendition(const std::string& file, bool checked) {
  RenditionRecord r;
  r.channel = "site";
  r.preset = "web";
  r.file = file;
  r.outcome = checked ? "made" : "";
  r.checked = checked;
  r.check_ok = checked;
  return r;
}

BatchRecord shard(int i, int n) {
  BatchRecord b;
  b.name = "run1";
  b.shard = i;
  b.shards = n;
  b.host = "node";
  b.started_at = i == 0 ? "2026-12-07T10:00:05Z" : "2026-12-07T10:00:01Z";
  b.finished_at = i == 0 ? "2026-12-07T10:03:00Z" : "2026-12-07T10:04:00Z";
  b.exit_code = i;
  b.peak_memory_bytes = 100u * (i + 1);
  FolderRecord f;
  f.folder = "/cards/a";
  f.slug = "cerita";
  if (i == 0) {
    f.ingest_run = 7;
    f.copied = 3;
  }
  f.renditions = {rendition(fmt::format("/out/{}.jpg", i), true),
                  rendition("/out/shared.jpg", i == 1)};
  f.times.render = 10.0 * (i + 1);
  if (i == 1) {
    f.publisher = true;
    PostRecord post;
    post.channel = "site";
    post.state = "published";
    post.url = "file:///site/cerita";
    f.posts.push_back(post);
  }
  b.folders.push_back(f);
  return b;
}

TEST(BatchRecord, ShardsMergeIntoOneRunWithEachRenditionOnce) {
  test::TempDir dir("batch-record");
  const std::string lib = dir.path().string();
  ASSERT_TRUE(write_batch_record(lib, shard(0, 2)));
  ASSERT_TRUE(write_batch_record(lib, shard(1, 2)));
  EXPECT_TRUE(std::filesystem::exists(batches_dir(lib) / "run1" / "shard-1-of-2.json"));
  Result<BatchRecord> all = load_batch(lib, "run1");
  ASSERT_TRUE(all) << all.error().to_string();
  EXPECT_EQ(all->shards, 2);
  EXPECT_EQ(all->started_at, "2026-12-07T10:00:01Z");
  EXPECT_EQ(all->finished_at, "2026-12-07T10:04:00Z");
  EXPECT_EQ(all->exit_code, 1);
  EXPECT_EQ(all->peak_memory_bytes, 200u);
  ASSERT_EQ(all->folders.size(), 1u);
  const FolderRecord& f = all->folders[0];
  EXPECT_EQ(f.ingest_run, 7);
  EXPECT_EQ(f.copied, 3);
  EXPECT_EQ(f.renditions.size(), 3u);  // 0.jpg, shared.jpg (the checked copy), 1.jpg
  for (const RenditionRecord& r : f.renditions) EXPECT_TRUE(r.checked) << r.file;
  ASSERT_EQ(f.posts.size(), 1u);
  EXPECT_TRUE(f.publisher);
  EXPECT_DOUBLE_EQ(f.times.render, 20.0);
  Result<std::vector<std::string>> names = list_batches(lib);
  ASSERT_TRUE(names);
  EXPECT_EQ(*names, std::vector<std::string>{"run1"});
  EXPECT_FALSE(load_batch(lib, "nope"));
}

TEST(BatchRecord, AnUnfinishedShardLeavesTheRunUnfinished) {
  BatchRecord a = shard(0, 2), b = shard(1, 2);
  b.finished_at.clear();
  EXPECT_TRUE(merge_batch_records({a, b}).finished_at.empty());
}

TEST(BatchRecord, ABrokenRecordFileIsNamed) {
  test::TempDir dir("batch-record-bad");
  const auto f = dir.path() / "shard-0-of-1.json";
  std::ofstream(f) << "{\"shard\": \"zero\"}";
  Result<BatchRecord> r = read_batch_record(f);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().to_string().find("shard-0-of-1.json"), std::string::npos);
}

}  // namespace
}  // namespace saluran
