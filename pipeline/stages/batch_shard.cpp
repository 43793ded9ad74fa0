// A batch's share of the work on a cluster: "I/N" from the command line or the scheduler's
// variables, and the stable owner of an item.

#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <fmt/format.h>

#include "codecs/content_hash.hpp"
#include "pipeline/stages/batch.hpp"

namespace saluran {
namespace {

std::optional<int> to_int(std::string_view text) {
  int v = 0;
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || p != end || text.empty()) return std::nullopt;
  return v;
}

Result<Shard> checked(int index, int count, const std::string& what) {
  if (count < 1 || count > 100000)
    return make_error(
        ErrorCode::kInvalidArgument,
        fmt::format("{}: the number of shards must be 1 to 100000, not {}", what, count));
  if (index < 0 || index >= count)
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("{}: the shard index must be 0 to {} (below the number of "
                                  "shards), not {}",
                                  what, count - 1, index));
  return Shard{index, count};
}

}  // namespace

Result<Shard> parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  const auto i = slash == std::string::npos ? std::nullopt : to_int(text.substr(0, slash));
  const auto n = slash == std::string::npos ? std::nullopt : to_int(text.substr(slash + 1));
  if (!i || !n)
    return make_error(
        ErrorCode::kInvalidArgument,
        fmt::format("--shard {}: write it as I/N, e.g. 0/4 for the first of four", text));
  return checked(*i, *n, "--shard " + text);
}

Result<std::optional<Shard>> shard_from_environment(
    std::optional<int> completions, const std::function<const char*(const char*)>& env) {
  auto get = [&](const char* name) -> std::optional<int> {
    const char* v = env ? env(name) : std::getenv(name);
    if (!v || !*v) return std::nullopt;
    return to_int(v);
  };
  if (auto task = get("SLURM_ARRAY_TASK_ID")) {
    const int min = get("SLURM_ARRAY_TASK_MIN").value_or(0);
    std::optional<int> count = get("SLURM_ARRAY_TASK_COUNT");
    if (!count) {
      if (auto max = get("SLURM_ARRAY_TASK_MAX")) count = *max - min + 1;
    }
    if (!count)
      return make_error(ErrorCode::kInvalidArgument,
                        "SLURM_ARRAY_TASK_ID is set but not SLURM_ARRAY_TASK_COUNT nor "
                        "SLURM_ARRAY_TASK_MAX: give --shard I/N");
    Result<Shard> s = checked(*task - min, *count, "Slurm job array");
    if (!s) return s.error();
    return std::optional<Shard>(*s);
  }
  if (auto index = get("JOB_COMPLETION_INDEX")) {
    std::optional<int> count = completions ? completions : get("JOB_COMPLETIONS");
    if (!count)
      return make_error(ErrorCode::kInvalidArgument,
                        "JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job): give the job's "
                        "completions with --shards N or JOB_COMPLETIONS");
    Result<Shard> s = checked(*index, *count, "Kubernetes Indexed Job");
    if (!s) return s.error();
    return std::optional<Shard>(*s);
  }
  return std::optional<Shard>();
}

const char* batch_event_name(BatchEvent::Kind kind) {
  switch (kind) {
    case BatchEvent::Kind::kFolderStart:
      return "folder-start";
    case BatchEvent::Kind::kStage:
      return "stage";
    case BatchEvent::Kind::kProgress:
      return "progress";
    case BatchEvent::Kind::kItem:
      return "item";
    case BatchEvent::Kind::kFolderDone:
      return "folder-done";
    case BatchEvent::Kind::kDone:
      return "done";
  }
  return "unknown";
}

int shard_of(const std::string& key, int count) {
  if (count <= 1) return 0;
  const std::uint64_t h = std::stoull(hash64_hex(key), nullptr, 16);
  return static_cast<int>(h % static_cast<std::uint64_t>(count));
}

}  // namespace saluran
