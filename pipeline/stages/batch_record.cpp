// Batch records as JSON files under the library, and the merge of a batch run's shards.

#include "pipeline/stages/batch_record.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <system_error>

#include "codecs/file_copy.hpp"

namespace saluran {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(CheckLine, rule, ok, expected, found)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(RenditionRecord, channel, preset, source, asset,
                                                kind, file, outcome, error, bytes, width, height,
                                                seconds, checked, check_ok, checks)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(FindingRecord, what, expected, found, pending)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(PostRecord, channel, kind, state, url, error,
                                                verified, findings, seconds, verify_seconds)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(RejectRecord, path, reason)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(AssetRecord, library_path, hash, kind, device,
                                                captured_at, width, height, seconds)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(StageTimes, ingest, story, plan, render, check,
                                                publish, verify, hooks)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(FolderRecord, folder, story_file, slug, title,
                                                draft, publisher, error, ingest_run, copied,
                                                duplicates, unchanged, skipped, rejected,
                                                rejections, assets, renditions, posts, problems,
                                                times)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(BatchRecord, name, shard, shards, host, started_at,
                                                finished_at, library, out_dir, channels, publish,
                                                interrupted, exit_code, jobs, peak_memory_bytes,
                                                seconds, folders)

namespace fs = std::filesystem;

fs::path batches_dir(const std::string& library) {
  return fs::path(library) / ".saluran" / "batches";
}

std::string batch_record_json(const BatchRecord& record) { return nlohmann::json(record).dump(1); }

Status write_batch_record(const std::string& library, const BatchRecord& record) {
  const fs::path dir = batches_dir(library) / record.name;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    return make_error(ErrorCode::kIo, "cannot make the folder: " + ec.message(), dir.string());
  const fs::path file =
      dir / fmt::format("shard-{}-of-{}.json", record.shard, std::max(1, record.shards));
  return write_file_atomically(file.string(), batch_record_json(record) + "\n");
}

Result<BatchRecord> read_batch_record(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return make_error(ErrorCode::kNotFound, "cannot open the batch record", file.string());
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json j = nlohmann::json::parse(text.str(), nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return make_error(ErrorCode::kCorrupt, "the batch record is not a JSON object", file.string());
  try {
    return j.get<BatchRecord>();
  } catch (const nlohmann::json::exception& e) {
    return make_error(ErrorCode::kCorrupt,
                      fmt::format("the batch record has a wrong value: {}", e.what()),
                      file.string());
  }
}

namespace {

Result<std::vector<BatchRecord>> read_shards(const std::string& library, const std::string& name) {
  const fs::path dir = batches_dir(library) / name;
  std::error_code ec;
  if (name.empty() || name.find('/') != std::string::npos || !fs::is_directory(dir, ec))
    return make_error(ErrorCode::kNotFound,
                      fmt::format("no batch run named '{}' in this library", name), dir.string());
  std::vector<BatchRecord> shards;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    const std::string f = e.path().filename().string();
    if (f.rfind("shard-", 0) != 0 || e.path().extension() != ".json") continue;
    Result<BatchRecord> r = read_batch_record(e.path());
    if (!r) return r.error();
    shards.push_back(std::move(*r));
  }
  if (ec)
    return make_error(ErrorCode::kIo, "cannot read the folder: " + ec.message(), dir.string());
  if (shards.empty())
    return make_error(ErrorCode::kNotFound, fmt::format("batch run '{}' has no record yet", name),
                      dir.string());
  return shards;
}

void merge_times(StageTimes& a, const StageTimes& b) {
  a.ingest = std::max(a.ingest, b.ingest);
  a.story = std::max(a.story, b.story);
  a.plan = std::max(a.plan, b.plan);
  a.render = std::max(a.render, b.render);
  a.check = std::max(a.check, b.check);
  a.publish = std::max(a.publish, b.publish);
  a.verify = std::max(a.verify, b.verify);
  a.hooks = std::max(a.hooks, b.hooks);
}

// One folder seen by several shards: the ingesting shard's counts, every shard's renditions
// (one each, by file), the publishing shard's posts.
void merge_folder(FolderRecord& a, const FolderRecord& b) {
  if (b.ingest_run != 0 && a.ingest_run == 0) {
    a.ingest_run = b.ingest_run;
    a.copied = b.copied;
    a.duplicates = b.duplicates;
    a.unchanged = b.unchanged;
    a.skipped = b.skipped;
    a.rejected = b.rejected;
    a.rejections = b.rejections;
  }
  if (a.assets.empty()) a.assets = b.assets;
  if (a.story_file.empty()) a.story_file = b.story_file;
  if (a.slug.empty()) a.slug = b.slug;
  if (a.title.empty()) a.title = b.title;
  a.draft = a.draft || b.draft;
  if (a.error.empty()) a.error = b.error;
  if (b.publisher) {
    a.publisher = true;
    a.posts = b.posts;
  }
  for (const RenditionRecord& r : b.renditions) {
    auto same = [&](const RenditionRecord& x) {
      return x.file == r.file && x.channel == r.channel && x.preset == r.preset;
    };
    auto it = std::find_if(a.renditions.begin(), a.renditions.end(), same);
    if (it == a.renditions.end())
      a.renditions.push_back(r);
    else if (!it->checked && r.checked)  // the shard that made and checked it knows more
      *it = r;
  }
  for (const std::string& p : b.problems)
    if (std::find(a.problems.begin(), a.problems.end(), p) == a.problems.end())
      a.problems.push_back(p);
  merge_times(a.times, b.times);
}

}  // namespace

BatchRecord merge_batch_records(std::vector<BatchRecord> shards) {
  BatchRecord out;
  if (shards.empty()) return out;
  std::sort(shards.begin(), shards.end(),
            [](const BatchRecord& a, const BatchRecord& b) { return a.shard < b.shard; });
  out = shards.front();
  out.shard = 0;
  out.shards = static_cast<int>(shards.size());
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < out.folders.size(); ++i) index[out.folders[i].folder] = i;
  for (std::size_t s = 1; s < shards.size(); ++s) {
    const BatchRecord& b = shards[s];
    out.started_at = std::min(out.started_at, b.started_at);
    if (out.finished_at.empty() || b.finished_at.empty())
      out.finished_at.clear();
    else
      out.finished_at = std::max(out.finished_at, b.finished_at);
    out.interrupted = out.interrupted || b.interrupted;
    out.exit_code = std::max(out.exit_code, b.exit_code);
    out.peak_memory_bytes = std::max(out.peak_memory_bytes, b.peak_memory_bytes);
    out.seconds = std::max(out.seconds, b.seconds);
    if (out.host != b.host && out.host.find(b.host) == std::string::npos) out.host += ", " + b.host;
    for (const FolderRecord& f : b.folders) {
      auto it = index.find(f.folder);
      if (it == index.end()) {
        index[f.folder] = out.folders.size();
        out.folders.push_back(f);
      } else {
        merge_folder(out.folders[it->second], f);
      }
    }
  }
  return out;
}

Result<std::vector<std::string>> list_batches(const std::string& library) {
  const fs::path dir = batches_dir(library);
  std::vector<std::pair<std::string, std::string>> found;  // started_at, name
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return std::vector<std::string>{};
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    if (!e.is_directory()) continue;
    const std::string name = e.path().filename().string();
    Result<std::vector<BatchRecord>> shards = read_shards(library, name);
    if (!shards) continue;  // a batch that has not written its first record yet
    std::string started = shards->front().started_at;
    for (const BatchRecord& r : *shards) started = std::min(started, r.started_at);
    found.emplace_back(started, name);
  }
  if (ec)
    return make_error(ErrorCode::kIo, "cannot read the folder: " + ec.message(), dir.string());
  std::sort(found.rbegin(), found.rend());
  std::vector<std::string> names;
  for (auto& [started, name] : found) names.push_back(name);
  return names;
}

Result<BatchRecord> load_batch(const std::string& library, const std::string& name) {
  Result<std::vector<BatchRecord>> shards = read_shards(library, name);
  if (!shards) return shards.error();
  return merge_batch_records(std::move(*shards));
}

}  // namespace saluran
