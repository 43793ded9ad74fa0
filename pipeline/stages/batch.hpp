#pragma once
// The batch stage: the whole SOP over folders from one call. Each top folder is one story:
// ingest it into the library, take its story.toml (or --story, or draft one as `story new`
// does), plan, render every rendition the channels call for, check each file against its
// preset, and, when asked and the story is not a draft, publish and verify.
//
//   BatchRequest req;
//   req.folders = {"/media/usb/Liputan-Pasar"};
//   req.library = "/srv/liputan";
//   req.publish = true;
//   BatchResult r = run_batch(req);       // r.record is also written under the library
//   return batch_exit_code(r);
//
// Resumable: a rerun skips what is made (ingest's unchanged sources, render's manifest keyed by
// the content hash and the preset's hash, the publish ledger), so a batch killed at any moment
// and run again finishes with nothing lost and nothing made or posted twice.
//
// Sharding (`--shard I/N`, or Slurm array and Kubernetes Indexed Job variables): every shard
// goes through the same folders; a folder is ingested by the first shard that claims it (the
// others wait for it: the claimer is running, so this cannot deadlock); each render group is
// taken by the shard whose index is its source's content hash modulo N; a story is published
// by the shard whose index is its slug's hash modulo N, which first renders, under claims,
// whatever of the story no running shard has made yet. Claims live in the catalog
// (work_claims), so they hold across processes on one shared library.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/model/error.hpp"
#include "pipeline/run/cancel.hpp"
#include "pipeline/stages/batch_record.hpp"

namespace saluran {

/// This process's share of a batch: index I of N (0 <= I < N).
struct Shard {
  int index = 0;
  int count = 1;
};

/// "I/N" -> Shard; errors say the allowed form ("--shard 2/4: I must be below N").
Result<Shard> parse_shard(const std::string& text);

/// The shard from the scheduler's variables, nullopt when none is set: Slurm job arrays
/// (SLURM_ARRAY_TASK_ID minus SLURM_ARRAY_TASK_MIN, of SLURM_ARRAY_TASK_COUNT) or a Kubernetes
/// Indexed Job (JOB_COMPLETION_INDEX, of `completions` given as N; JOB_COMPLETIONS when set).
/// `env` reads a variable (getenv by default; tests pass their own).
Result<std::optional<Shard>> shard_from_environment(
    std::optional<int> completions = std::nullopt,
    const std::function<const char*(const char*)>& env = {});

/// The shard that owns an item keyed by `key` (a content hash or a story slug): a stable hash of
/// the text modulo `count`.
int shard_of(const std::string& key, int count);

/// What the batch is doing now, for a progress display.
struct BatchEvent {
  enum class Kind {
    kFolderStart,  ///< a folder begins (folder_index of folder_count)
    kStage,        ///< a stage of the folder begins: stage = "ingest", "story", "plan", ...
    kProgress,     ///< done of total within the stage (files, renditions, bytes)
    kItem,         ///< an item finished: item, outcome (outcome_name), message when failed
    kFolderDone,   ///< the folder is finished (message: its summary)
    kDone,         ///< the whole batch is finished
  };
  Kind kind = Kind::kProgress;
  std::string folder;
  std::size_t folder_index = 0;
  std::size_t folder_count = 0;
  std::string stage;  ///< "ingest", "story", "plan", "render", "check", "publish", "verify"
  std::string item;   ///< a file, a rendition ("C0001.MP4 -> youtube"), a channel
  std::string outcome;
  std::string message;
  double done = 0;   ///< units of the stage done (seconds of video encoded, bytes, files)
  double total = 0;  ///< 0 when unknown
  std::string unit;  ///< "files", "bytes", "s" (seconds of media), "renditions"
};

/// The stable name of an event kind in JSON lines: "folder-start", "stage", "progress", "item",
/// "folder-done", "done".
const char* batch_event_name(BatchEvent::Kind kind);

/// One batch run.
struct BatchRequest {
  std::vector<std::filesystem::path> folders;  ///< top folders, one story each
  std::string library;                         ///< created when missing
  std::filesystem::path out_dir;        ///< renditions and drafted stories; empty: <library>/batch
  std::filesystem::path channels_file;  ///< empty: the usual search (beside the story, ...)
  std::filesystem::path story_file;     ///< --story: one story for all the folders
  std::filesystem::path presets_dir;
  std::vector<std::string> only_channels;  ///< empty: the story's channels
  bool publish = false;                    ///< publish and verify (never a draft)
  bool update = false;                     ///< update posts of stories changed since
  int jobs = 0;                            ///< busy threads at most; 0: the machine's cores
  Shard shard{};
  std::string name;           ///< the batch run's name; empty: from Slurm or the start time
  std::string operator_name;  ///< who; default the OS user
  const CancelFlag* cancel = nullptr;
  std::function<void(const BatchEvent&)> on_event{};  ///< from one thread at a time
};

/// What a batch run did. The record is written under the library as it goes (after each
/// folder) and at the end.
struct BatchResult {
  BatchRecord record;
  std::size_t items_done = 0;    ///< renditions made or up to date, posts made or up to date
  std::size_t items_failed = 0;  ///< folders, files, renditions and channels that failed
  bool nothing_done = false;     ///< no folder could be used at all
  std::optional<Error> error;    ///< the library or catalog could not be used
};

/// Exit codes of `saluran batch` and `saluran watch`, documented in --help and the README.
inline constexpr int kBatchExitAllDone = 0;      ///< everything done
inline constexpr int kBatchExitSomeFailed = 1;   ///< some items failed; the rest is done
inline constexpr int kBatchExitNothingDone = 3;  ///< nothing could be done (library, folders)
// interrupted: 128 + the signal (130 for Ctrl-C, 143 for SIGTERM)

/// The exit code for a result (interrupted: 128 + the cancel flag's signal, 130 if none).
int batch_exit_code(const BatchResult& result, const CancelFlag* cancel = nullptr);

/// Runs the batch. Never throws for bad input: a folder that fails is recorded with its reason
/// and the others go on.
BatchResult run_batch(const BatchRequest& request);

}  // namespace saluran
