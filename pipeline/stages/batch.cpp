// The batch stage: each folder ingested, its story read or drafted, planned, rendered, checked,
// and (asked for, not a draft) published and verified; a record written after each folder.

#include "pipeline/stages/batch.hpp"

#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <thread>

#include "codecs/content_hash.hpp"
#include "codecs/file_copy.hpp"
#include "pipeline/catalog/catalog.hpp"
#include "pipeline/catalog/dates.hpp"
#include "pipeline/config/channels_config.hpp"
#include "pipeline/model/enum_names.hpp"
#include "pipeline/run/worker_pool.hpp"
#include "pipeline/stages/batch_work.hpp"
#include "pipeline/stages/ingest.hpp"
#include "pipeline/stages/story_new.hpp"

namespace saluran {
namespace batch_detail {

namespace fs = std::filesystem;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void BatchWork::emit(BatchEvent e) {
  if (!req.on_event) return;
  std::lock_guard lock(event_mutex);
  req.on_event(e);
}

std::string BatchWork::claim_key(const std::string& what) const {
  return result.record.name + "|" + what;
}

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  return buf;
}

bool owner_alive(const std::string& owner) {
  const auto colon = owner.rfind(':');
  if (colon == std::string::npos || owner.substr(0, colon) != host_name()) return true;
  const pid_t pid = static_cast<pid_t>(std::atoll(owner.c_str() + colon + 1));
  return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM);
}

namespace {

// An event with the fields that matter set, the rest empty.
BatchEvent event(BatchEvent::Kind kind, const std::string& folder, const std::string& stage = {},
                 const std::string& item = {}, const std::string& outcome = {},
                 const std::string& message = {}) {
  BatchEvent e;
  e.kind = kind;
  e.folder = folder;
  e.stage = stage;
  e.item = item;
  e.outcome = outcome;
  e.message = message;
  return e;
}

std::uint64_t peak_memory_bytes() {
  struct rusage ru {};
  ::getrusage(RUSAGE_SELF, &ru);
  return static_cast<std::uint64_t>(ru.ru_maxrss) * 1024;
}

std::string default_name() {
  if (const char* job = std::getenv("SLURM_ARRAY_JOB_ID"); job && *job)
    return fmt::format("slurm-{}", job);
  std::string t = now_utc_iso();  // 2026-12-07T10:15:00Z -> 20261207-101500
  std::erase_if(t, [](char c) { return c == '-' || c == ':' || c == 'Z'; });
  std::replace(t.begin(), t.end(), 'T', '-');
  return t.substr(0, 15);
}

// Where a folder's drafted story and renditions go: <out>/<folder name>-<6 hex of its path>, so
// two cards that both hold "DCIM" never share one.
fs::path folder_out(const BatchWork& work, const fs::path& folder) {
  const std::string name = folder.filename().empty() ? folder.parent_path().filename().string()
                                                     : folder.filename().string();
  return work.out_dir / fmt::format("{}-{}", name, hash64_hex(folder.string()).substr(0, 6));
}

void count_sources(FolderRecord& rec, const IngestReport& report) {
  rec.ingest_run = report.run.id;
  for (const SourceRecord& s : report.sources) {
    switch (s.outcome) {
      case SourceOutcome::kCopied:
        ++rec.copied;
        break;
      case SourceOutcome::kDuplicate:
        ++rec.duplicates;
        break;
      case SourceOutcome::kUnchanged:
        ++rec.unchanged;
        break;
      case SourceOutcome::kRejected:
        ++rec.rejected;
        rec.rejections.push_back({s.path, s.reason});
        break;
      default:
        ++rec.skipped;
        break;
    }
  }
}

IngestOptions ingest_options(BatchWork& work, const std::string& folder) {
  IngestOptions o;
  o.library = work.req.library;
  o.operator_name = work.req.operator_name;
  o.jobs = std::clamp(work.jobs + 1, 1, 3);
  // Shards of one batch share the library: one waits while another ingests its own folder.
  o.wait_for_library_s = work.sharded() ? 3600 : 0;
  o.on_event = [&work, folder](const IngestEvent& e) {
    if (e.type != IngestEvent::Type::kFileDone) return;
    BatchEvent b;
    b.kind = BatchEvent::Kind::kProgress;
    b.folder = folder;
    b.stage = "ingest";
    b.item = e.path;
    b.outcome = source_outcome_name(e.outcome);
    b.message = e.detail;
    b.done = static_cast<double>(e.files_done);
    b.total = static_cast<double>(e.files_total);
    b.unit = "files";
    work.emit(std::move(b));
  };
  return o;
}

// Ingests the folder, or, when shards share the library, waits for the shard that claimed it.
Status ingest_folder(BatchWork& work, FolderRecord& rec) {
  const auto start = Clock::now();
  work.emit(event(BatchEvent::Kind::kStage, rec.folder, "ingest"));
  std::optional<Catalog> claims;
  const std::string key = work.claim_key("ingest:" + rec.folder);
  if (work.sharded()) {
    Result<Catalog> c = Catalog::open(catalog_path(work.req.library));
    if (!c) return c.error();
    claims.emplace(std::move(*c));
    for (;;) {
      Result<ClaimState> s = claims->claim_work(key, work.owner, owner_alive);
      if (!s) return s.error();
      if (*s == ClaimState::kDone) return Ok{};
      if (*s == ClaimState::kTaken) break;
      if (work.cancelled()) return cancelled_error(rec.folder);
      std::this_thread::sleep_for(std::chrono::milliseconds(500));  // a live shard is at it
    }
  }
  Result<IngestReport> report = ingest({rec.folder}, ingest_options(work, rec.folder));
  rec.times.ingest = seconds_since(start);
  if (!report) {
    if (claims) (void)claims->release_work(key, work.owner);
    return report.error();
  }
  count_sources(rec, *report);
  if (claims) return claims->finish_work(key, work.owner);
  return Ok{};
}

Status list_folder_assets(BatchWork& work, FolderRecord& rec, std::vector<Asset>& assets) {
  Result<Catalog> cat = Catalog::open(catalog_path(work.req.library));
  if (!cat) return cat.error();
  AssetQuery q;
  q.text = rec.folder + "/";
  Result<std::vector<Asset>> found = cat->list_assets(q);
  if (!found) return found.error();
  assets = std::move(*found);
  for (const Asset& a : assets) {
    AssetRecord r;
    r.library_path = a.library_path;
    r.hash = a.hash;
    r.kind = media_kind_name(a.info.kind);
    r.device =
        a.info.meta.make.empty() ? a.info.meta.model : a.info.meta.make + " " + a.info.meta.model;
    r.captured_at = a.info.meta.capture_time;
    if (a.info.picture)
      std::tie(r.width, r.height) =
          std::pair(a.info.picture->upright_width, a.info.picture->upright_height);
    r.seconds = a.info.duration_s.value_or(0);
    rec.assets.push_back(std::move(r));
  }
  return Ok{};
}

std::vector<std::string> channel_names(const BatchWork& work, const fs::path& near) {
  if (!work.req.only_channels.empty()) return work.req.only_channels;
  fs::path file = work.req.channels_file;
  if (file.empty()) file = find_channels_file(near).value_or(fs::path());
  std::vector<std::string> names;
  if (file.empty()) return names;
  if (Result<std::vector<ChannelConfig>> ch = load_channels(file); ch)
    for (const ChannelConfig& c : *ch) names.push_back(c.name);
  return names;
}

// The folder's story: --story, the folder's story.toml, a draft made earlier, or a new draft.
Result<fs::path> choose_story(BatchWork& work, FolderRecord& rec,
                              const std::vector<Asset>& assets) {
  if (!work.req.story_file.empty()) return fs::absolute(work.req.story_file);
  const fs::path own = fs::path(rec.folder) / "story.toml";
  std::error_code ec;
  if (fs::is_regular_file(own, ec)) return own;
  const fs::path dir = folder_out(work, rec.folder);
  const fs::path draft = dir / "story.toml";
  rec.draft = true;
  if (fs::is_regular_file(draft, ec)) return draft;  // drafted by an earlier run: kept as is
  Result<StoryDraft> d =
      draft_story_from(work.req.library, assets, channel_names(work, dir), "folder " + rec.folder);
  if (!d) return d.error();
  fs::create_directories(dir, ec);
  if (ec)
    return make_error(ErrorCode::kIo, "cannot make the folder: " + ec.message(), dir.string());
  if (Status s = write_file_atomically(draft.string(), d->text); !s) return s.error();
  return draft;
}

void fail_folder(BatchWork& work, FolderRecord& rec, const Error& e) {
  rec.error = rec.error.empty() ? e.to_string() : rec.error + "; " + e.to_string();
  work.emit(event(BatchEvent::Kind::kItem, rec.folder, "folder", rec.folder, "failed", rec.error));
}

PublishStoryRequest story_request(BatchWork& work, const fs::path& story,
                                  const fs::path& render_dir, const std::string& folder) {
  PublishStoryRequest p;
  p.story_file = story;
  p.library = work.req.library;
  p.render_dir = render_dir;
  p.channels_file = work.req.channels_file;
  p.presets_dir = work.req.presets_dir;
  p.only_channels = work.req.only_channels;
  p.options = {.dry_run = false, .update = work.req.update, .verify = true};
  p.on_event = [&work, folder](const PublishEvent& e) {
    BatchEvent b = event(BatchEvent::Kind::kProgress, folder,
                         e.step == "verify" ? "verify" : "publish", e.channel, {}, e.step);
    b.done = static_cast<double>(e.sent);
    b.total = static_cast<double>(e.total);
    b.unit = "bytes";
    work.emit(std::move(b));
  };
  return p;
}

void note_problems(FolderRecord& rec, const PublishPlan& plan) {
  for (const PlanProblem& p : plan.problems) rec.problems.push_back(p.message);
  for (const ChannelPlan& ch : plan.channels)
    for (const PlanProblem& p : ch.problems)
      rec.problems.push_back(fmt::format("{}: {}", ch.channel.name, p.message));
}

void record_posts(FolderRecord& rec, const PublishResult& result, double wall) {
  double verify = 0, hooks = 0;
  for (const ChannelReport& c : result.channels) {
    PostRecord p;
    p.channel = c.channel;
    p.kind = channel_kind_name(c.kind);
    p.state = channel_state_name(c.state);
    p.url = c.post.url;
    if (c.error) p.error = c.error->message;
    p.verified = c.verified;
    for (const Finding& f : c.findings)
      p.findings.push_back({f.what, f.expected, f.found, f.pending});
    p.seconds = c.seconds;
    p.verify_seconds = c.verify_seconds;
    verify = std::max(verify, c.verify_seconds);
    for (const HookOutcome& h : c.hooks) hooks += h.seconds;
    rec.posts.push_back(std::move(p));
  }
  rec.times.verify = verify;
  rec.times.hooks = hooks;
  rec.times.publish = std::max(0.0, wall - verify - hooks);
}

void publish_story_of(BatchWork& work, FolderRecord& rec, PreparedStory& story,
                      const PublishStoryRequest& preq) {
  work.emit(event(BatchEvent::Kind::kStage, rec.folder, "publish"));
  const auto start = Clock::now();
  PublishResult r = send_story(story, preq);
  rec.publisher = true;
  record_posts(rec, r, seconds_since(start));
}

void story_stages(BatchWork& work, FolderRecord& rec, const std::vector<Asset>& assets) {
  auto start = Clock::now();
  work.emit(event(BatchEvent::Kind::kStage, rec.folder, "story"));
  Result<fs::path> story = choose_story(work, rec, assets);
  rec.times.story = seconds_since(start);
  if (!story) return fail_folder(work, rec, story.error());
  rec.story_file = story->string();
  work.emit(event(BatchEvent::Kind::kStage, rec.folder, "plan"));
  const PublishStoryRequest preq =
      story_request(work, *story, folder_out(work, rec.folder) / "renditions", rec.folder);
  Result<PreparedStory> prepared = prepare_story(preq);
  if (!prepared) return fail_folder(work, rec, prepared.error());
  rec.times.plan = prepared->seconds;
  rec.slug = prepared->plan.story.slug;
  rec.title = prepared->plan.story.title;
  note_problems(rec, prepared->plan);
  const bool publisher = work.req.publish && !rec.draft &&
                         shard_of(rec.slug, work.req.shard.count) == work.req.shard.index;
  work.emit(event(BatchEvent::Kind::kStage, rec.folder, "render"));
  start = Clock::now();
  const std::vector<InputReport> rendered = render_story(work, *prepared, rec.folder, publisher);
  rec.times.render = seconds_since(start);
  work.emit(event(BatchEvent::Kind::kStage, rec.folder, "check"));
  start = Clock::now();
  rec.renditions = rendition_records(work, *prepared, rendered, publisher);
  rec.times.check = seconds_since(start);
  if (work.req.publish && rec.draft)
    rec.problems.push_back(fmt::format(
        "not published: the story was drafted by the batch ({}); write its TODO parts, then run "
        "the batch again with --story {}",
        rec.story_file, rec.story_file));
  if (publisher && !work.cancelled()) publish_story_of(work, rec, *prepared, preq);
}

void count_folder(BatchResult& result, const FolderRecord& rec) {
  if (!rec.error.empty()) ++result.items_failed;
  result.items_failed += static_cast<std::size_t>(rec.rejected);
  for (const RenditionRecord& r : rec.renditions) {
    const bool bad = r.outcome == "failed" || (r.checked && !r.check_ok);
    ++(bad ? result.items_failed : result.items_done);
  }
  for (const PostRecord& p : rec.posts) {
    const bool findings = std::any_of(p.findings.begin(), p.findings.end(),
                                      [](const FindingRecord& f) { return !f.pending; });
    const bool bad = p.state == "failed" || p.state == "blocked" || p.state == "changed";
    ++(bad || findings ? result.items_failed : result.items_done);
  }
}

}  // namespace
}  // namespace batch_detail
}  // namespace saluran

namespace saluran {
namespace {

using namespace batch_detail;  // NOLINT(google-build-using-namespace): the stage's own parts

BatchRecord start_record(const BatchRequest& req, int jobs, const fs::path& out_dir) {
  BatchRecord rec;
  rec.name = req.name.empty() ? default_name() : req.name;
  rec.shard = req.shard.index;
  rec.shards = req.shard.count;
  rec.host = host_name();
  rec.started_at = now_utc_iso();
  rec.library = fs::absolute(req.library).string();
  rec.out_dir = out_dir.string();
  rec.channels = req.only_channels;
  rec.publish = req.publish;
  rec.jobs = jobs;
  return rec;
}

std::vector<std::string> folders_of(const BatchRequest& req) {
  std::vector<std::string> out;
  for (const fs::path& f : req.folders) {
    std::string abs = fs::absolute(f).lexically_normal().string();
    while (abs.size() > 1 && abs.back() == '/') abs.pop_back();
    if (std::find(out.begin(), out.end(), abs) == out.end()) out.push_back(abs);
  }
  return out;
}

// Ingests one folder and lists its assets; false when the folder failed as a whole.
bool take_folder(BatchWork& work, FolderRecord& rec, std::vector<Asset>& assets) {
  std::error_code ec;
  if (!fs::is_directory(rec.folder, ec)) {
    fail_folder(
        work, rec,
        make_error(ErrorCode::kNotFound,
                   "the folder is gone or is not a folder (a card pulled out?)", rec.folder));
    return false;
  }
  if (Status s = ingest_folder(work, rec); !s) {
    fail_folder(work, rec, s.error());
    return false;
  }
  if (Status s = list_folder_assets(work, rec, assets); !s) {
    fail_folder(work, rec, s.error());
    return false;
  }
  return true;
}

void finish(BatchWork& work, const Clock::time_point start) {
  BatchRecord& rec = work.result.record;
  BatchResult& r = work.result;
  r.nothing_done =
      !rec.folders.empty() && std::all_of(rec.folders.begin(), rec.folders.end(),
                                          [](const FolderRecord& f) { return !f.error.empty(); });
  if (rec.folders.empty()) r.nothing_done = true;
  rec.interrupted = work.cancelled();
  rec.finished_at = rec.interrupted ? "" : now_utc_iso();
  rec.seconds = seconds_since(start);
  rec.peak_memory_bytes = peak_memory_bytes();
  rec.exit_code = batch_exit_code(r, work.req.cancel);
  if (Status s = write_batch_record(work.req.library, rec); !s && !r.error) r.error = s.error();
  work.emit(event(BatchEvent::Kind::kDone, {}, {}, {}, {},
                  fmt::format("{} done, {} failed", r.items_done, r.items_failed)));
}

}  // namespace

BatchResult run_batch(const BatchRequest& req) {
  const auto start = Clock::now();
  BatchResult result;
  const int jobs = req.jobs > 0 ? req.jobs : default_threads();
  if (req.jobs > 0) set_thread_budget(req.jobs);
  const fs::path out_dir =
      fs::absolute(req.out_dir.empty() ? fs::path(req.library) / "batch" : req.out_dir);
  result.record = start_record(req, jobs, out_dir);
  BatchWork work{req, result, fmt::format("{}:{}", host_name(), ::getpid()), out_dir, jobs, {}};
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) {
    result.error = make_error(ErrorCode::kIo, "cannot make the output folder: " + ec.message(),
                              out_dir.string());
    result.nothing_done = true;
    result.record.exit_code = kBatchExitNothingDone;
    return result;
  }
  const std::vector<std::string> folders = folders_of(req);
  std::vector<Asset> all_assets;
  for (std::size_t i = 0; i < folders.size() && !work.cancelled(); ++i) {
    BatchEvent start_event = event(BatchEvent::Kind::kFolderStart, folders[i]);
    start_event.folder_index = i;
    start_event.folder_count = folders.size();
    work.emit(std::move(start_event));
    FolderRecord rec;
    rec.folder = folders[i];
    std::vector<Asset> assets;
    const bool taken = take_folder(work, rec, assets);
    const bool one_story = !req.story_file.empty();
    if (taken && !one_story && !work.cancelled()) story_stages(work, rec, assets);
    all_assets.insert(all_assets.end(), assets.begin(), assets.end());
    if (!one_story || i > 0) count_folder(result, rec);  // the first: once its story is done
    result.record.folders.push_back(std::move(rec));
    (void)write_batch_record(req.library, result.record);  // after each folder: visible at once
    work.emit(event(BatchEvent::Kind::kFolderDone, folders[i]));
  }
  if (!req.story_file.empty() && !result.record.folders.empty()) {
    FolderRecord& first = result.record.folders.front();  // one story for every folder
    if (!work.cancelled()) story_stages(work, first, all_assets);
    count_folder(result, first);
  }
  finish(work, start);
  return result;
}

int batch_exit_code(const BatchResult& result, const CancelFlag* cancel) {
  if (is_cancelled(cancel)) return 128 + (cancel->signal() ? cancel->signal() : SIGINT);
  if (result.nothing_done || result.error) return kBatchExitNothingDone;
  return result.items_failed ? kBatchExitSomeFailed : kBatchExitAllDone;
}

}  // namespace saluran
