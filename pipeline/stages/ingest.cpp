#include "pipeline/stages/ingest.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <utility>

#include <fmt/format.h>

#include "codecs/file_bytes.hpp"
#include "codecs/file_copy.hpp"
#include "pipeline/catalog/catalog.hpp"
#include "pipeline/run/worker_pool.hpp"
#include "pipeline/stages/probe.hpp"
#include "pipeline/stages/walk.hpp"

namespace saluran {
namespace {

namespace fs = std::filesystem;

bool is_sidecar_ext(const std::string& ext) {
  return ext == ".srt" || ext == ".thm" || ext == ".xmp";
}

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string day_of_mtime(std::int64_t mtime_ns) {
  const std::time_t t = static_cast<std::time_t>(mtime_ns / 1'000'000'000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

std::string os_user() {
  if (const passwd* pw = getpwuid(geteuid()); pw != nullptr && pw->pw_name != nullptr)
    return pw->pw_name;
  if (const char* u = std::getenv("USER")) return u;
  return "unknown";
}

std::string random_token() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return fmt::format("{:016x}", rng());
}

/// Exclusive lock on the library for the lifetime of the object.
class LibraryLock {
 public:
  LibraryLock() = default;
  LibraryLock(const LibraryLock&) = delete;
  LibraryLock& operator=(const LibraryLock&) = delete;
  ~LibraryLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  /// Takes the lock, waiting up to `wait_s` seconds while another process holds it.
  Status acquire(const std::string& path, double wait_s) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) return errno_error(errno, "open lock file", path);
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::milliseconds(static_cast<long long>(wait_s * 1000));
    while (flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      if (std::chrono::steady_clock::now() >= deadline) {
        return make_error(ErrorCode::kIo,
                          "another ingest is writing to this library; wait for it to finish", path);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return Ok{};
  }

 private:
  int fd_ = -1;
};

struct SourceStat {
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
};

std::optional<SourceStat> stat_source(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return SourceStat{
      static_cast<std::uint64_t>(st.st_size),
      static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
}

/// What a worker learns about one file before the ingesting thread decides on it: its probe
/// facts and, for media, its copy in the temporary folder with the content hash.
struct Prepared {
  std::optional<Result<MediaInfo>> info;
  std::optional<Result<CopyResult>> copied;  ///< set when `info` is ok
  std::string tmp;                           ///< the temporary copy, when `copied` is ok
  std::uint64_t bytes_read = 0;              ///< already counted in the progress
};

/// Everything one run needs, so the per-file steps stay small. Workers probe and copy the next
/// few files while this thread, in source order, decides on each (duplicate or new), places it
/// and commits it: the catalog is only ever touched from this thread.
class IngestRunner {
 public:
  IngestRunner(Catalog& catalog, const IngestOptions& options, std::string tmp_dir)
      : catalog_(catalog), options_(options), tmp_dir_(std::move(tmp_dir)) {}
  IngestRunner(const IngestRunner&) = delete;
  IngestRunner& operator=(const IngestRunner&) = delete;
  ~IngestRunner() { stop_workers(); }

  Result<IngestReport> run(const std::vector<std::string>& sources);

 private:
  struct Candidate {
    WalkEntry entry;
    SourceStat stat;
    std::vector<std::size_t> sidecars;  // indexes into candidates_
    bool is_sidecar = false;
    std::optional<std::int64_t> unchanged_asset;  // ingested before, unchanged
    /// A readable regular file (not an error, not a skipped link).
    bool skipped_ok() const { return !entry.error && entry.skipped.empty(); }
  };

  // Before the workers start.
  Status begin_run(const std::vector<std::string>& sources);
  void collect_candidates();
  void pair_sidecars();
  Status plan_work();

  // Worker side.
  void start_workers();
  void stop_workers();
  void worker_loop();
  void prepare(const Candidate& c, Prepared& p);
  Prepared& wait_prepared(std::size_t work_index);

  // Ingesting-thread side.
  Status ingest_all();
  Status ingest_candidate(const Candidate& c, std::size_t& next_work);
  Status finish_one(const Candidate& c, Prepared& p);
  Status record_unchanged(const Candidate& c);
  Status reject(SourceRecord rec, const Error& e, std::uint64_t already_counted = 0);
  Status handle_sidecars(const Candidate& c, std::int64_t asset_id, const std::string& media_rel,
                         bool copy);
  Result<std::string> place_new(const std::string& tmp, const std::string& hash,
                                const std::string& folder_rel, const std::string& name);
  /// Counts a source, reports it and (unless add_asset already did) writes its source row.
  Status record(SourceRecord rec, const std::string& detail, std::uint64_t already_counted = 0,
                bool source_written = false);
  void emit(const IngestEvent& ev);
  IngestEvent progress_event(IngestEvent::Type type) const;
  Status fatal_if_library_error(const Error& e);

  Catalog& catalog_;
  const IngestOptions& options_;
  std::string tmp_dir_;
  IngestReport report_;
  std::vector<Candidate> candidates_;
  std::vector<Prepared> prepared_;  // by candidate index
  std::vector<std::size_t> work_;   // candidate indexes the workers prepare, in order
  std::atomic<std::size_t> files_done_{0};
  std::atomic<std::uint64_t> bytes_done_{0};
  std::atomic<std::uint64_t> bytes_read_{0};
  std::uint64_t bytes_total_ = 0;

  std::mutex mutex_;  // guards the fields below
  std::condition_variable changed_;
  std::size_t next_work_ = 0;  // next item a worker takes
  std::size_t consumed_ = 0;   // items the ingesting thread has taken
  std::vector<bool> ready_;    // by work index
  bool stop_ = false;
  std::unique_ptr<WorkerPool> pool_;  // the workers, while they run
  std::mutex event_mutex_;            // on_event is called from one thread at a time
};

void IngestRunner::emit(const IngestEvent& ev) {
  if (!options_.on_event) return;
  std::lock_guard lock(event_mutex_);
  options_.on_event(ev);
}

IngestEvent IngestRunner::progress_event(IngestEvent::Type type) const {
  IngestEvent ev;
  ev.type = type;
  ev.files_done = files_done_;
  ev.files_total = candidates_.size();
  ev.bytes_done = std::min(bytes_done_.load(), bytes_total_);
  ev.bytes_total = bytes_total_;
  ev.bytes_read = bytes_read_;
  return ev;
}

Status IngestRunner::record(SourceRecord rec, const std::string& detail,
                            std::uint64_t already_counted, bool source_written) {
  if (!source_written) {
    if (Status st = catalog_.add_source(rec, report_.run.id); !st) return st;
  }
  IngestRun& run = report_.run;
  switch (rec.outcome) {
    case SourceOutcome::kCopied:
      ++run.copied;
      run.bytes_copied += rec.size;
      break;
    case SourceOutcome::kDuplicate:
      ++run.duplicates;
      break;
    case SourceOutcome::kSkipped:
      ++run.skipped;
      break;
    case SourceOutcome::kRejected:
      ++run.rejected;
      break;
    case SourceOutcome::kUnchanged:
      ++run.unchanged;
      break;
    case SourceOutcome::kSidecar:
      break;
  }
  bytes_done_ += rec.size - std::min(rec.size, already_counted);
  ++files_done_;
  IngestEvent ev = progress_event(IngestEvent::Type::kFileDone);
  ev.path = rec.path;
  ev.outcome = rec.outcome;
  ev.detail = detail;
  emit(ev);
  report_.sources.push_back(std::move(rec));
  return Ok{};
}

Status IngestRunner::reject(SourceRecord rec, const Error& e, std::uint64_t already_counted) {
  rec.outcome = SourceOutcome::kRejected;
  rec.reason = e.message;
  if (Status st = catalog_.add_rejection(
          {report_.run.id, rec.path, std::string(error_code_name(e.code)), e.message});
      !st)
    return st;
  return record(std::move(rec), e.message, already_counted);
}

// A failure writing into the library (full disk, no permission, catalog error) would fail for
// every later file too: it stops the run. Failures reading a source are that file's alone.
Status IngestRunner::fatal_if_library_error(const Error& e) {
  if (e.context.file.rfind(options_.library, 0) == 0 || e.context.file.empty()) return e;
  return Ok{};
}

void IngestRunner::prepare(const Candidate& c, Prepared& p) {
  // Identify by content first, so non-media is never copied.
  p.info = probe_file(c.entry.path, options_.limits);
  if (!*p.info) return;
  // One read: hash while copying into the library's temporary folder.
  p.tmp = tmp_dir_ + "/" + random_token() + ".part";
  std::uint64_t counted = 0;
  p.copied = copy_and_hash(c.entry.path, p.tmp, [&](std::uint64_t n) {
    bytes_done_ += n - counted;
    bytes_read_ += n - counted;
    counted = n;
    emit(progress_event(IngestEvent::Type::kBytes));
  });
  p.bytes_read = counted;
}

void IngestRunner::worker_loop() {
  std::unique_lock lock(mutex_);
  // A few files ahead of the ingesting thread at most: bounded temporary space and memory.
  const std::size_t window = static_cast<std::size_t>(options_.jobs) + 2;
  for (;;) {
    changed_.wait(lock, [&] {
      return stop_ || next_work_ >= work_.size() || next_work_ < consumed_ + window;
    });
    if (stop_ || next_work_ >= work_.size()) return;
    const std::size_t k = next_work_++;
    lock.unlock();
    prepare(candidates_[work_[k]], prepared_[work_[k]]);
    lock.lock();
    ready_[k] = true;
    changed_.notify_all();
  }
}

void IngestRunner::start_workers() {
  ready_.assign(work_.size(), false);
  const std::size_t jobs =
      std::min(static_cast<std::size_t>(std::clamp(options_.jobs, 1, 16)), work_.size());
  if (jobs == 0) return;
  // Each worker takes files in turn until none is left (worker_loop), so the pool holds one
  // thread per worker: a worker waiting for the window to move never holds up another.
  pool_ = std::make_unique<WorkerPool>(static_cast<int>(jobs));
  for (std::size_t i = 0; i < jobs; ++i) pool_->submit([this] { worker_loop(); });
}

void IngestRunner::stop_workers() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  if (std::unique_ptr<WorkerPool> pool = std::move(pool_)) pool->wait();
  // Copies prepared but never placed (the run stopped early) are not left behind.
  for (Prepared& p : prepared_) {
    if (!p.tmp.empty()) ::unlink(p.tmp.c_str());
    p.tmp.clear();
  }
}

Prepared& IngestRunner::wait_prepared(std::size_t work_index) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return ready_[work_index]; });
  consumed_ = work_index + 1;
  changed_.notify_all();
  return prepared_[work_[work_index]];
}

Result<std::string> IngestRunner::place_new(const std::string& tmp, const std::string& hash,
                                            const std::string& folder_rel,
                                            const std::string& name) {
  const fs::path folder = fs::path(options_.library) / folder_rel;
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) return errno_error(ec.value(), "create folder", folder.string());
  const fs::path base(name);
  const std::string stem = base.stem().string();
  const std::string ext = base.extension().string();
  for (int n = 1; n < 10000; ++n) {
    const std::string candidate = n == 1 ? name : fmt::format("{}-{}{}", stem, n, ext);
    const std::string rel = (fs::path(folder_rel) / candidate).string();
    const fs::path abs = folder / candidate;
    Result<bool> taken = catalog_.library_path_taken(rel);
    if (!taken) return taken.error();
    if (*taken) continue;
    if (fs::exists(abs)) {
      // A file in place but not in the catalog: a run killed between its rename and its
      // commit. Same content: adopt it instead of making a second copy.
      Result<std::string> there = hash_file(abs.string());
      if (there && *there == hash) {
        ::unlink(tmp.c_str());
        return rel;
      }
      continue;
    }
    Result<bool> placed = place_file(tmp, abs.string());
    if (!placed) return placed.error();
    if (*placed) return rel;  // else the name was taken a moment ago: try the next one
  }
  return make_error(ErrorCode::kIo, "too many files with the same name", folder.string());
}

Status IngestRunner::handle_sidecars(const Candidate& c, std::int64_t asset_id,
                                     const std::string& media_rel, bool copy) {
  for (std::size_t idx : c.sidecars) {
    const Candidate& s = candidates_[idx];
    SourceRecord rec{s.entry.path, s.stat.size, s.stat.mtime_ns, SourceOutcome::kSidecar,
                     asset_id,     {}};
    if (copy) {
      const std::string tmp = tmp_dir_ + "/" + random_token() + ".part";
      Result<CopyResult> copied = copy_and_hash(s.entry.path, tmp);
      if (copied) bytes_read_ += s.stat.size;
      if (!copied) {
        if (Status f = fatal_if_library_error(copied.error()); !f) return f;
        if (Status st = reject(rec, copied.error()); !st) return st;
        continue;
      }
      const fs::path media(media_rel);
      const std::string name = media.stem().string() + fs::path(s.entry.path).extension().string();
      Result<std::string> rel = place_new(tmp, copied->hash, media.parent_path().string(), name);
      if (!rel) {
        ::unlink(tmp.c_str());
        return rel.error();
      }
      if (Status st = catalog_.add_sidecar(asset_id, *rel); !st) return st;
      rec.reason = *rel;
    }
    if (Status st = record(rec, rec.reason); !st) return st;
  }
  return Ok{};
}

Status IngestRunner::record_unchanged(const Candidate& c) {
  const std::int64_t known = *c.unchanged_asset;
  if (Status st =
          record({c.entry.path, c.stat.size, c.stat.mtime_ns, SourceOutcome::kUnchanged, known, {}},
                 "already in the library");
      !st)
    return st;
  for (std::size_t idx : c.sidecars) {
    const Candidate& s = candidates_[idx];
    if (Status st = record(
            {s.entry.path, s.stat.size, s.stat.mtime_ns, SourceOutcome::kUnchanged, known, {}},
            "already in the library");
        !st)
      return st;
  }
  return Ok{};
}

Status IngestRunner::finish_one(const Candidate& c, Prepared& p) {
  const std::string& path = c.entry.path;
  SourceRecord rec{path, c.stat.size, c.stat.mtime_ns, SourceOutcome::kCopied, 0, {}};
  if (!*p.info) {
    const Error& e = p.info->error();
    if (!is_passed_over(e, c.entry.explicit_file)) {
      if (Status st = reject(rec, e); !st) return st;
    } else {
      rec.outcome = SourceOutcome::kSkipped;
      rec.reason = kNotMediaReason;
      if (Status st = record(rec, rec.reason); !st) return st;
    }
    // Sidecars of a file that was not taken are not taken on their own either.
    for (std::size_t idx : c.sidecars) {
      const Candidate& s = candidates_[idx];
      const std::string why = "sidecar of a file that was not taken";
      if (Status st = record(
              {s.entry.path, s.stat.size, s.stat.mtime_ns, SourceOutcome::kSkipped, 0, why}, why);
          !st)
        return st;
    }
    return Ok{};
  }
  if (!*p.copied) {
    if (Status f = fatal_if_library_error(p.copied->error()); !f) return f;
    return reject(rec, p.copied->error(), p.bytes_read);
  }
  const std::string tmp = std::exchange(p.tmp, std::string());
  const CopyResult& copied = p.copied->value();

  Result<std::optional<Asset>> existing = catalog_.find_asset_by_hash(copied.hash);
  if (!existing) {
    ::unlink(tmp.c_str());
    return existing.error();
  }
  if (existing->has_value()) {
    ::unlink(tmp.c_str());
    rec.outcome = SourceOutcome::kDuplicate;
    rec.asset_id = (*existing)->id;
    if (Status st = record(rec, (*existing)->library_path, p.bytes_read); !st) return st;
    return handle_sidecars(c, rec.asset_id, (*existing)->library_path, false);
  }

  Asset asset;
  asset.hash = copied.hash;
  asset.info = std::move(p.info->value());
  asset.ingest_run = report_.run.id;
  const std::string folder = library_folder(asset.info, day_of_mtime(c.stat.mtime_ns));
  Result<std::string> rel =
      place_new(tmp, asset.hash, folder, safe_name(fs::path(path).filename().string()));
  if (!rel) {
    ::unlink(tmp.c_str());
    return rel.error();
  }
  asset.library_path = *rel;
  // add_asset writes the asset and its source row in one transaction.
  Result<std::int64_t> id = catalog_.add_asset(asset, rec, report_.run.id);
  if (!id) return id.error();
  rec.asset_id = *id;
  if (Status st = record(rec, asset.library_path, p.bytes_read, /*source_written=*/true); !st)
    return st;
  return handle_sidecars(c, *id, asset.library_path, true);
}

Status IngestRunner::begin_run(const std::vector<std::string>& sources) {
  report_.run.started_at = utc_now();
  report_.run.operator_name = options_.operator_name.empty() ? os_user() : options_.operator_name;
  for (const std::string& s : sources) {
    std::error_code ec;
    const fs::path abs = fs::absolute(s, ec);
    report_.run.sources.push_back(ec ? s : abs.lexically_normal().string());
  }
  Result<std::int64_t> run_id = catalog_.begin_run(report_.run.operator_name, report_.run.sources);
  if (!run_id) return run_id.error();
  report_.run.id = *run_id;
  return Ok{};
}

void IngestRunner::collect_candidates() {
  const fs::path library_abs = fs::absolute(options_.library).lexically_normal();
  for (WalkEntry& w : walk_paths(report_.run.sources)) {
    // Never ingest the library into itself.
    if (fs::path(w.path).lexically_normal().string().rfind(library_abs.string() + "/", 0) == 0)
      continue;
    Candidate c;
    c.entry = std::move(w);
    if (!c.entry.error && c.entry.skipped.empty()) {
      if (auto st = stat_source(c.entry.path)) {
        c.stat = *st;
      } else {
        c.entry.error = errno_error(errno, "read file status", c.entry.path);
      }
    }
    bytes_total_ += c.stat.size;
    candidates_.push_back(std::move(c));
  }
}

// Sidecars are attached to the media file of the same stem in the same folder.
void IngestRunner::pair_sidecars() {
  std::vector<std::string> paths;
  for (const Candidate& c : candidates_) paths.push_back(c.entry.path);
  auto sidecar = [&](std::size_t i) { return is_sidecar_ext(lower_extension(paths[i])); };
  for (const auto& [side, media] : pair_by_stem(
           paths, [&](std::size_t i) { return candidates_[i].skipped_ok() && !sidecar(i); },
           [&](std::size_t i) { return candidates_[i].skipped_ok() && sidecar(i); })) {
    candidates_[side].is_sidecar = true;
    candidates_[media].sidecars.push_back(side);
  }
}

// Sources ingested before and unchanged since are not read again; the rest is work.
Status IngestRunner::plan_work() {
  for (std::size_t i = 0; i < candidates_.size(); ++i) {
    Candidate& c = candidates_[i];
    if (c.is_sidecar || !c.skipped_ok()) continue;
    std::int64_t known = 0;
    Result<bool> unchanged =
        catalog_.source_unchanged(c.entry.path, c.stat.size, c.stat.mtime_ns, &known);
    if (!unchanged) return unchanged.error();
    if (*unchanged) {
      c.unchanged_asset = known;
    } else {
      work_.push_back(i);
    }
  }
  prepared_.resize(candidates_.size());
  return Ok{};
}

Status IngestRunner::ingest_candidate(const Candidate& c, std::size_t& next_work) {
  if (c.entry.error) {
    return reject({c.entry.path, c.stat.size, c.stat.mtime_ns, SourceOutcome::kRejected, 0, {}},
                  *c.entry.error);
  }
  if (!c.entry.skipped.empty()) {
    return record(
        {c.entry.path, c.stat.size, c.stat.mtime_ns, SourceOutcome::kSkipped, 0, c.entry.skipped},
        c.entry.skipped);
  }
  if (c.unchanged_asset) return record_unchanged(c);
  return finish_one(c, wait_prepared(next_work++));
}

// In source order, while the workers prepare the next few files.
Status IngestRunner::ingest_all() {
  std::size_t next_work = 0;
  for (const Candidate& c : candidates_) {
    if (c.is_sidecar) continue;
    if (Status st = ingest_candidate(c, next_work); !st) return st;
  }
  return Ok{};
}

Result<IngestReport> IngestRunner::run(const std::vector<std::string>& sources) {
  if (Status st = begin_run(sources); !st) return st.error();
  collect_candidates();
  pair_sidecars();
  if (Status st = plan_work(); !st) return st.error();
  emit(progress_event(IngestEvent::Type::kStart));
  start_workers();
  if (Status st = ingest_all(); !st) {
    stop_workers();
    report_.run.finished_at.clear();
    (void)catalog_.finish_run(report_.run);
    return st.error();
  }
  stop_workers();
  report_.run.finished_at = utc_now();
  if (Status st = catalog_.finish_run(report_.run); !st) return st.error();
  emit(progress_event(IngestEvent::Type::kFinish));
  return report_;
}

}  // namespace

Outcome outcome_of(SourceOutcome outcome) {
  switch (outcome) {
    case SourceOutcome::kCopied:
      return Outcome::kCopied;
    case SourceOutcome::kDuplicate:
    case SourceOutcome::kUnchanged:
      return Outcome::kUpToDate;
    case SourceOutcome::kSkipped:
    case SourceOutcome::kSidecar:
      return Outcome::kSkipped;
    case SourceOutcome::kRejected:
      return Outcome::kFailed;
  }
  return Outcome::kFailed;
}

OutcomeCounts outcome_counts(const IngestReport& report) {
  OutcomeCounts counts;
  for (const SourceRecord& s : report.sources) counts.add(outcome_of(s.outcome));
  return counts;
}

std::string safe_name(const std::string& name) {
  std::string out;
  for (unsigned char ch : name) {
    const bool ok = std::isalnum(ch) || ch == '.' || ch == '_' || ch == '-' || ch >= 0x80;
    out += ok ? static_cast<char>(ch) : '_';
  }
  while (!out.empty() && out.front() == '.') out.erase(out.begin());  // no hidden files
  if (out.empty()) out = "unnamed";
  return out;
}

std::string library_folder(const MediaInfo& info, const std::string& fallback_day) {
  const std::string& t = info.meta.capture_time;
  const std::string day = t.size() >= 10 ? t.substr(0, 10) : fallback_day;
  std::string device = info.meta.make;
  if (!info.meta.model.empty()) {
    // "Canon" + "Canon EOS 90D" reads better as "Canon-EOS-90D".
    std::string model = info.meta.model;
    if (!device.empty() && model.rfind(device, 0) == 0) model = model.substr(device.size());
    device += (device.empty() ? "" : " ") + model;
  }
  std::string dev;
  for (unsigned char ch : device) {
    if (std::isalnum(ch) || ch == '.' || ch == '_') {
      dev += static_cast<char>(ch);
    } else if (!dev.empty() && dev.back() != '-') {
      dev += '-';
    }
  }
  // Some cameras write long model strings ("Digimax i50 MP3 / Samsung #1 MP3"): keep folders short.
  if (dev.size() > 40) dev.resize(40);
  while (!dev.empty() && (dev.back() == '-' || dev.back() == '.')) dev.pop_back();
  if (dev.empty()) dev = "unknown-device";
  return fmt::format("{}/{}/{}", day.substr(0, 4), day.substr(5, 5), dev);
}

std::vector<std::string> missing_sources(const std::vector<std::string>& sources) {
  std::vector<std::string> missing;
  for (const std::string& s : sources) {
    std::error_code ec;
    // symlink_status: a link is a source of its own (walk skips it), even when it dangles.
    if (!fs::exists(fs::symlink_status(s, ec))) missing.push_back(s);
  }
  return missing;
}

namespace {

// Before anything is created: a library that cannot be one, or nothing to ingest at all.
Status check_before_start(const std::vector<std::string>& sources, const std::string& library) {
  std::error_code ec;
  if (fs::exists(library, ec) && !fs::is_directory(library, ec)) {
    return make_error(ErrorCode::kInvalidArgument,
                      "the library must be a folder, and this is a file: give --library a "
                      "folder (a new one is made when it does not exist)",
                      library);
  }
  const std::vector<std::string> missing = missing_sources(sources);
  if (missing.size() == sources.size()) {
    std::string names;
    for (const std::string& m : missing) names += (names.empty() ? "" : ", ") + m;
    return make_error(ErrorCode::kNotFound,
                      fmt::format("no source exists ({}): nothing was ingested; check the path, "
                                  "and that the card or disk is plugged in and mounted",
                                  names));
  }
  return Ok{};
}

}  // namespace

Result<IngestReport> ingest(const std::vector<std::string>& sources, const IngestOptions& options) {
  if (options.library.empty())
    return make_error(ErrorCode::kInvalidArgument, "no library folder given");
  if (sources.empty()) return make_error(ErrorCode::kInvalidArgument, "no source given");
  IngestOptions opts = options;
  std::error_code ec;
  opts.library = fs::absolute(options.library, ec).lexically_normal().string();
  while (opts.library.size() > 1 && opts.library.back() == '/') opts.library.pop_back();
  if (Status st = check_before_start(sources, opts.library); !st) return st.error();
  const std::string meta_dir = opts.library + "/.saluran";
  const std::string tmp_dir = meta_dir + "/tmp";
  fs::create_directories(tmp_dir, ec);
  if (ec) return errno_error(ec.value(), "create the library folder", tmp_dir);
  LibraryLock lock;
  if (Status st = lock.acquire(meta_dir + "/lock", options.wait_for_library_s); !st)
    return st.error();
  // Leftovers of a killed run: partial copies that were never placed.
  for (const auto& e : fs::directory_iterator(tmp_dir, ec)) fs::remove(e.path(), ec);
  Result<Catalog> catalog = Catalog::open(catalog_path(opts.library));
  if (!catalog) return catalog.error();
  IngestRunner runner(*catalog, opts, tmp_dir);
  return runner.run(sources);
}

}  // namespace saluran
