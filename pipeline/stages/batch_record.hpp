#pragma once
// The record of a batch run: what `saluran batch` did to each folder, stage by stage, written
// as JSON under the library so `saluran report` can show it later (and merge the shards of one
// batch run on a cluster). One file per shard:
//
//   <library>/.saluran/batches/<name>/shard-<I>-of-<N>.json
//
//   BatchRecord rec = ...;                       // filled by run_batch
//   write_batch_record(library, rec);            // atomic: temporary name, then rename
//   Result<BatchRecord> all = load_batch(library, "20261207-101500");   // shards merged
//
// The JSON keys are the member names below; times are seconds (double), dates ISO 8601 UTC.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/model/error.hpp"

namespace saluran {

/// One check rule's result for a rendition (from check_output / check_image_output).
struct CheckLine {
  std::string rule;  ///< "container", "video.profile", "audio.loudness", ...
  bool ok = true;
  std::string expected;  ///< the channel's limit, in words
  std::string found;     ///< what the file has, in words
};

/// One rendition of one asset for one channel's preset.
struct RenditionRecord {
  std::string channel;  ///< the channel that takes it ("" when made for no channel)
  std::string preset;   ///< "youtube", "instagram-feed-4x5", "radio-clip", ...
  std::string source;   ///< library path of the asset it is made from
  std::string asset;    ///< the asset's content hash
  std::string kind;     ///< "photo", "video" or "audio" (of the rendition)
  std::string file;     ///< absolute path of the rendition
  std::string outcome;  ///< outcome_name: "made", "up-to-date", "copied", "skipped", "failed"
  std::string error;    ///< why it failed, in words
  std::uint64_t bytes = 0;
  int width = 0;
  int height = 0;
  double seconds = 0;     ///< length of a video or sound rendition
  bool checked = false;   ///< check ran (false: it failed to render, or belongs to another shard)
  bool check_ok = false;  ///< every rule passed
  std::vector<CheckLine> checks;
};

/// What a verify step found different on a channel.
struct FindingRecord {
  std::string what;
  std::string expected;
  std::string found;
  bool pending = false;  ///< the platform is still processing; not a fault
};

/// One channel's post of a story.
struct PostRecord {
  std::string channel;
  std::string kind;   ///< channel_kind_name: "wordpress", "folder", "youtube", ...
  std::string state;  ///< channel_state_name: "published", "up-to-date", "blocked", ...
  std::string url;
  std::string error;
  bool verified = false;
  std::vector<FindingRecord> findings;
  double seconds = 0;         ///< the whole channel
  double verify_seconds = 0;  ///< of which reading back
};

/// A file ingest could not take.
struct RejectRecord {
  std::string path;
  std::string reason;
};

/// An asset of the folder as the catalog knows it.
struct AssetRecord {
  std::string library_path;  ///< relative to the library
  std::string hash;          ///< content hash
  std::string kind;          ///< "photo", "video" or "audio"
  std::string device;        ///< "make model", may be empty
  std::string captured_at;   ///< ISO 8601, may be empty
  int width = 0;
  int height = 0;
  double seconds = 0;
};

/// Seconds spent in each stage for one folder (0 for a stage that did not run).
struct StageTimes {
  double ingest = 0;   ///< SOP 1: inventory
  double story = 0;    ///< SOP 3: choosing the content (reading or drafting the story)
  double plan = 0;     ///< SOP 2-3: channels read and the plan made
  double render = 0;   ///< SOP 4: entering the data (the channels' files)
  double check = 0;    ///< SOP 5: looking at each file against the channel's limits
  double publish = 0;  ///< SOP 4: sending (without the read-back)
  double verify = 0;   ///< SOP 5: reading each post back
  double hooks = 0;    ///< SOP 6: the publish hooks
};

/// One top folder of a batch: one story.
struct FolderRecord {
  std::string folder;      ///< absolute path as given
  std::string story_file;  ///< the story.toml used (the folder's own, --story, or the draft)
  std::string slug;
  std::string title;
  bool draft = false;      ///< the story was drafted by the batch: nothing is published from it
  bool publisher = false;  ///< this shard published the story (one shard does)
  std::string error;       ///< the folder failed as a whole (gone, story unusable), in words
  std::int64_t ingest_run = 0;  ///< 0 when another shard ingested it
  int copied = 0;
  int duplicates = 0;
  int unchanged = 0;
  int skipped = 0;
  int rejected = 0;
  std::vector<RejectRecord> rejections;
  std::vector<AssetRecord> assets;
  std::vector<RenditionRecord> renditions;  ///< this shard's share (all of them when N = 1)
  std::vector<PostRecord> posts;            ///< filled by the publishing shard
  std::vector<std::string> problems;        ///< the plan's problems and notes, in words
  StageTimes times;
};

/// One shard's record of a batch run (shard 0 of 1 for a run in one process).
struct BatchRecord {
  std::string name;  ///< the batch run's name: --name, the Slurm array job, or the start time
  int shard = 0;
  int shards = 1;
  std::string host;
  std::string started_at;   ///< ISO 8601 UTC
  std::string finished_at;  ///< empty while running or when killed
  std::string library;
  std::string out_dir;
  std::vector<std::string> channels;  ///< the channels asked for (empty: each story's own)
  bool publish = false;
  bool interrupted = false;
  int exit_code = 0;
  int jobs = 0;
  std::uint64_t peak_memory_bytes = 0;  ///< the process's peak resident set
  double seconds = 0;
  std::vector<FolderRecord> folders;
};

/// "<library>/.saluran/batches".
std::filesystem::path batches_dir(const std::string& library);

/// The record as the JSON text its file holds (the report's JSON twin embeds it).
std::string batch_record_json(const BatchRecord& record);

/// Writes `record` to batches_dir/<name>/shard-<I>-of-<N>.json through a temporary file and a
/// rename, so a reader never sees half a record.
Status write_batch_record(const std::string& library, const BatchRecord& record);

/// Reads one record file. Errors name the file and what is wrong with it.
Result<BatchRecord> read_batch_record(const std::filesystem::path& file);

/// The names of the batch runs recorded in the library, newest first (by started_at).
Result<std::vector<std::string>> list_batches(const std::string& library);

/// The batch run `name` with its shards merged into one record: folders joined by path (the
/// renditions of every shard, the posts of the publishing shard, the largest stage times),
/// shard = 0, shards = the count, started_at the earliest, finished_at the latest ("" when a
/// shard has not finished), peak memory the largest, exit code the worst. kNotFound when no
/// such batch.
Result<BatchRecord> load_batch(const std::string& library, const std::string& name);

/// Merges shard records as load_batch does (pure; for tests).
BatchRecord merge_batch_records(std::vector<BatchRecord> shards);

}  // namespace saluran
