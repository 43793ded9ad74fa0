#include "pipeline/stages/ingest.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <map>
#include <random>

#include <fmt/format.h>

#include "codecs/file_bytes.hpp"
#include "codecs/file_copy.hpp"
#include "pipeline/catalog/catalog.hpp"
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
  Status acquire(const std::string& path) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) return errno_error(errno, "open lock file", path);
    if (flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      return make_error(ErrorCode::kIo,
                        "another ingest is writing to this library; wait for it to finish", path);
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

/// Everything one run needs, so the per-file steps stay small.
class IngestRunner {
 public:
  IngestRunner(Catalog& catalog, const IngestOptions& options, std::string tmp_dir)
      : catalog_(catalog), options_(options), tmp_dir_(std::move(tmp_dir)) {}

  Result<IngestReport> run(const std::vector<std::string>& sources);

 private:
  struct Candidate {
    WalkEntry entry;
    SourceStat stat;
    std::vector<std::size_t> sidecars;  // indexes into candidates_
    bool is_sidecar = false;
    /// A readable regular file (not an error, not a skipped link).
    bool skipped_ok() const { return !entry.error && entry.skipped.empty(); }
  };

  Status ingest_one(Candidate& c);
  Status handle_sidecars(const Candidate& c, std::int64_t asset_id, const std::string& media_rel,
                         bool copy);
  Result<std::string> place_new(const std::string& tmp, const std::string& hash,
                                const std::string& folder_rel, const std::string& name,
                                bool* adopted);
  void record(SourceRecord rec, const std::string& detail, bool emit = true);
  void emit_bytes(std::uint64_t current);
  Status fatal_if_library_error(const Error& e);

  Catalog& catalog_;
  const IngestOptions& options_;
  std::string tmp_dir_;
  IngestReport report_;
  std::vector<Candidate> candidates_;
  std::size_t files_done_ = 0;
  std::uint64_t bytes_done_ = 0;
  std::uint64_t bytes_total_ = 0;
};

void IngestRunner::record(SourceRecord rec, const std::string& detail, bool emit) {
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
  bytes_done_ += rec.size;
  ++files_done_;
  if (emit && options_.on_event) {
    IngestEvent ev;
    ev.type = IngestEvent::Type::kFileDone;
    ev.files_done = files_done_;
    ev.files_total = candidates_.size();
    ev.bytes_done = bytes_done_;
    ev.bytes_total = bytes_total_;
    ev.path = rec.path;
    ev.outcome = rec.outcome;
    ev.detail = detail;
    options_.on_event(ev);
  }
  report_.sources.push_back(std::move(rec));
}

void IngestRunner::emit_bytes(std::uint64_t current) {
  if (!options_.on_event) return;
  IngestEvent ev;
  ev.type = IngestEvent::Type::kBytes;
  ev.files_done = files_done_;
  ev.files_total = candidates_.size();
  ev.bytes_done = bytes_done_ + current;
  ev.bytes_total = bytes_total_;
  options_.on_event(ev);
}

// A failure writing into the library (full disk, no permission, catalog error) would fail for
// every later file too: it stops the run. Failures reading a source are that file's alone.
Status IngestRunner::fatal_if_library_error(const Error& e) {
  if (e.context.file.rfind(options_.library, 0) == 0 || e.context.file.empty()) return e;
  return Ok{};
}

Result<std::string> IngestRunner::place_new(const std::string& tmp, const std::string& hash,
                                            const std::string& folder_rel, const std::string& name,
                                            bool* adopted) {
  *adopted = false;
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
        *adopted = true;
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
      if (!copied) {
        if (Status f = fatal_if_library_error(copied.error()); !f) return f;
        rec.outcome = SourceOutcome::kRejected;
        rec.reason = copied.error().message;
        (void)catalog_.add_rejection({report_.run.id, s.entry.path,
                                      std::string(error_code_name(copied.error().code)),
                                      copied.error().message});
        (void)catalog_.add_source(rec, report_.run.id);
        record(rec, rec.reason);
        continue;
      }
      const fs::path media(media_rel);
      const std::string name = media.stem().string() + fs::path(s.entry.path).extension().string();
      bool adopted = false;
      Result<std::string> rel =
          place_new(tmp, copied->hash, media.parent_path().string(), name, &adopted);
      if (!rel) {
        ::unlink(tmp.c_str());
        return rel.error();
      }
      if (Status st = catalog_.add_sidecar(asset_id, *rel); !st) return st;
      rec.reason = *rel;
    }
    if (Status st = catalog_.add_source(rec, report_.run.id); !st) return st;
    record(rec, rec.reason);
  }
  return Ok{};
}

Status IngestRunner::ingest_one(Candidate& c) {
  const std::string& path = c.entry.path;
  SourceRecord rec{path, c.stat.size, c.stat.mtime_ns, SourceOutcome::kCopied, 0, {}};

  std::int64_t known = 0;
  Result<bool> unchanged = catalog_.source_unchanged(path, c.stat.size, c.stat.mtime_ns, &known);
  if (!unchanged) return unchanged.error();
  if (*unchanged) {
    rec.outcome = SourceOutcome::kUnchanged;
    rec.asset_id = known;
    if (Status st = catalog_.add_source(rec, report_.run.id); !st) return st;
    record(rec, "already in the library");
    for (std::size_t idx : c.sidecars) {
      const Candidate& s = candidates_[idx];
      SourceRecord srec{s.entry.path, s.stat.size, s.stat.mtime_ns, SourceOutcome::kUnchanged,
                        known,        {}};
      if (Status st = catalog_.add_source(srec, report_.run.id); !st) return st;
      record(srec, "already in the library");
    }
    return Ok{};
  }

  // Identify by content first, so non-media is never copied.
  Result<MediaInfo> info = probe_file(path, options_.limits);
  if (!info) {
    const Error& e = info.error();
    const bool not_media = is_passed_over(e, c.entry.explicit_file);
    rec.outcome = not_media ? SourceOutcome::kSkipped : SourceOutcome::kRejected;
    rec.reason = not_media ? kNotMediaReason : e.message;
    if (!not_media) {
      if (Status st = catalog_.add_rejection(
              {report_.run.id, path, std::string(error_code_name(e.code)), e.message});
          !st)
        return st;
    }
    if (Status st = catalog_.add_source(rec, report_.run.id); !st) return st;
    record(rec, rec.reason);
    // Sidecars of a rejected file are not taken on their own either.
    for (std::size_t idx : c.sidecars) {
      const Candidate& s = candidates_[idx];
      SourceRecord srec{s.entry.path,
                        s.stat.size,
                        s.stat.mtime_ns,
                        SourceOutcome::kSkipped,
                        0,
                        "sidecar of a file that was not taken"};
      if (Status st = catalog_.add_source(srec, report_.run.id); !st) return st;
      record(srec, srec.reason);
    }
    return Ok{};
  }

  // One read: hash while copying into the library's temporary folder.
  const std::string tmp = tmp_dir_ + "/" + random_token() + ".part";
  Result<CopyResult> copied = copy_and_hash(path, tmp, [this](std::uint64_t n) { emit_bytes(n); });
  if (!copied) {
    if (Status f = fatal_if_library_error(copied.error()); !f) return f;
    rec.outcome = SourceOutcome::kRejected;
    rec.reason = copied.error().message;
    if (Status st = catalog_.add_rejection({report_.run.id, path,
                                            std::string(error_code_name(copied.error().code)),
                                            copied.error().message});
        !st)
      return st;
    if (Status st = catalog_.add_source(rec, report_.run.id); !st) return st;
    record(rec, rec.reason);
    return Ok{};
  }

  Result<std::optional<Asset>> existing = catalog_.find_asset_by_hash(copied->hash);
  if (!existing) {
    ::unlink(tmp.c_str());
    return existing.error();
  }
  if (existing->has_value()) {
    ::unlink(tmp.c_str());
    rec.outcome = SourceOutcome::kDuplicate;
    rec.asset_id = (*existing)->id;
    if (Status st = catalog_.add_source(rec, report_.run.id); !st) return st;
    record(rec, (*existing)->library_path);
    return handle_sidecars(c, rec.asset_id, (*existing)->library_path, false);
  }

  Asset asset;
  asset.hash = copied->hash;
  asset.info = std::move(info.value());
  asset.ingest_run = report_.run.id;
  const std::string folder = library_folder(asset.info, day_of_mtime(c.stat.mtime_ns));
  bool adopted = false;
  Result<std::string> rel =
      place_new(tmp, asset.hash, folder, safe_name(fs::path(path).filename().string()), &adopted);
  if (!rel) {
    ::unlink(tmp.c_str());
    return rel.error();
  }
  asset.library_path = *rel;
  Result<std::int64_t> id = catalog_.add_asset(asset, rec, report_.run.id);
  if (!id) return id.error();
  rec.asset_id = *id;
  record(rec, asset.library_path);
  return handle_sidecars(c, *id, asset.library_path, true);
}

Result<IngestReport> IngestRunner::run(const std::vector<std::string>& sources) {
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

  // Candidates, with sidecars attached to the media file of the same stem in the same folder.
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
  std::vector<std::string> paths;
  for (const Candidate& c : candidates_) paths.push_back(c.entry.path);
  auto sidecar = [&](std::size_t i) { return is_sidecar_ext(lower_extension(paths[i])); };
  for (const auto& [side, media] : pair_by_stem(
           paths, [&](std::size_t i) { return candidates_[i].skipped_ok() && !sidecar(i); },
           [&](std::size_t i) { return candidates_[i].skipped_ok() && sidecar(i); })) {
    candidates_[side].is_sidecar = true;
    candidates_[media].sidecars.push_back(side);
  }
  if (options_.on_event) {
    IngestEvent ev;
    ev.type = IngestEvent::Type::kStart;
    ev.files_total = candidates_.size();
    ev.bytes_total = bytes_total_;
    options_.on_event(ev);
  }

  for (Candidate& c : candidates_) {
    if (c.is_sidecar) continue;
    if (c.entry.error || !c.entry.skipped.empty()) {
      SourceRecord rec{c.entry.path,
                       c.stat.size,
                       c.stat.mtime_ns,
                       c.entry.error ? SourceOutcome::kRejected : SourceOutcome::kSkipped,
                       0,
                       c.entry.error ? c.entry.error->message : c.entry.skipped};
      if (c.entry.error) {
        if (Status st = catalog_.add_rejection({report_.run.id, c.entry.path,
                                                std::string(error_code_name(c.entry.error->code)),
                                                c.entry.error->message});
            !st)
          return st.error();
      }
      if (Status st = catalog_.add_source(rec, report_.run.id); !st) return st.error();
      record(rec, rec.reason);
      continue;
    }
    if (Status st = ingest_one(c); !st) {
      report_.run.finished_at.clear();
      (void)catalog_.finish_run(report_.run);
      return st.error();
    }
  }
  report_.run.finished_at = utc_now();
  if (Status st = catalog_.finish_run(report_.run); !st) return st.error();
  if (options_.on_event) {
    IngestEvent ev;
    ev.type = IngestEvent::Type::kFinish;
    ev.files_done = files_done_;
    ev.files_total = candidates_.size();
    ev.bytes_done = bytes_done_;
    ev.bytes_total = bytes_total_;
    options_.on_event(ev);
  }
  return report_;
}

}  // namespace

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

Result<IngestReport> ingest(const std::vector<std::string>& sources, const IngestOptions& options) {
  if (options.library.empty())
    return make_error(ErrorCode::kInvalidArgument, "no library folder given");
  if (sources.empty()) return make_error(ErrorCode::kInvalidArgument, "no source given");
  IngestOptions opts = options;
  std::error_code ec;
  opts.library = fs::absolute(options.library, ec).lexically_normal().string();
  while (opts.library.size() > 1 && opts.library.back() == '/') opts.library.pop_back();
  const std::string meta_dir = opts.library + "/.saluran";
  const std::string tmp_dir = meta_dir + "/tmp";
  fs::create_directories(tmp_dir, ec);
  if (ec) return errno_error(ec.value(), "create the library folder", tmp_dir);
  LibraryLock lock;
  if (Status st = lock.acquire(meta_dir + "/lock"); !st) return st.error();
  // Leftovers of a killed run: partial copies that were never placed.
  for (const auto& e : fs::directory_iterator(tmp_dir, ec)) fs::remove(e.path(), ec);
  Result<Catalog> catalog = Catalog::open(catalog_path(opts.library));
  if (!catalog) return catalog.error();
  IngestRunner runner(*catalog, opts, tmp_dir);
  return runner.run(sources);
}

}  // namespace saluran
