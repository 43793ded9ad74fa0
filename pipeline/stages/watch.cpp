// The watch loop: the kernel's events say which folders changed and which files are open for
// writing; snapshots say whether sizes and times stayed the same; the state file says what was
// done before. One batch at a time, in this thread; events that come while it runs wait in the
// kernel's queue (an overflow makes every folder be looked at again).

#include "pipeline/stages/watch.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <map>
#include <system_error>
#include <utility>

#include "pipeline/catalog/dates.hpp"
#include "pipeline/run/folder_events.hpp"
#include "pipeline/stages/folder_settle.hpp"
#include "pipeline/stages/watch_state.hpp"

namespace saluran {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

// One top folder of the inbox.
struct Tracked {
  explicit Tracked(double settle) : settling(settle) {}
  FolderSettling settling;
  bool pending = false;    ///< to be looked at: new, changed, or to be taken again
  bool announced = false;  ///< kFound was said (a done folder that only stirred is not)
  bool retry = false;      ///< taken again whatever its fingerprint (left half-way, failed)
  std::string last_wait;   ///< what the last kWaiting said, to say it once
};

// The batch run's name: the start time and the folder, so each folder's record stays apart.
std::string batch_name(const std::string& folder) {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
  std::string slug;
  for (const char c : folder) {
    const bool keep = std::isalnum(static_cast<unsigned char>(c)) != 0;
    if (keep) slug += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!keep && !slug.empty() && slug.back() != '-') slug += '-';
    if (slug.size() >= 40) break;
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  return slug.empty() ? std::string(stamp) : fmt::format("{}-{}", stamp, slug);
}

// `inner` is `outer` or lies under it.
bool is_within(const fs::path& inner, const fs::path& outer) {
  auto [o, i] = std::mismatch(outer.begin(), outer.end(), inner.begin(), inner.end());
  return o == outer.end();
}

fs::path absolute_path(const fs::path& p) {
  std::error_code ec;
  fs::path abs = fs::weakly_canonical(fs::absolute(p, ec), ec);
  return ec ? p : abs;
}

const char* status_of(int exit_code) {
  if (exit_code == kBatchExitAllDone) return "done";
  if (exit_code == kBatchExitSomeFailed) return "some-failed";
  return "failed";
}

class Watcher {
 public:
  explicit Watcher(const WatchOptions& opt) : opt_(opt), epoch_(Clock::now()) {}
  WatchResult run();

 private:
  double now() const { return std::chrono::duration<double>(Clock::now() - epoch_).count(); }
  void emit(WatchEvent ev) const {
    if (opt_.on_event) opt_.on_event(ev);
  }
  void emit(WatchEvent::Kind kind, const std::string& folder, const std::string& message) const {
    WatchEvent ev;
    ev.kind = kind;
    ev.folder = folder;
    ev.message = message;
    emit(std::move(ev));
  }
  bool fail(WatchFailure why, Error e) {
    result_.failure = why;
    result_.error = std::move(e);
    return false;
  }
  bool start();
  bool excluded(const fs::path& folder) const;
  void scan_top();
  void add_folder(const std::string& name);
  void drop_folder(const std::string& name);
  void apply(const FolderEvent& ev);
  void apply_inside(const FolderEvent& ev);
  void look_again_at_everything();
  bool run_ready();
  bool look_at(const std::string& name, Tracked& t);
  void run_one(const std::string& name, Tracked& t, const FolderSnapshot& snap);
  void record_end(const std::string& name, const BatchResult& br, int code);
  void save_state();
  void finish();

  const WatchOptions& opt_;
  Clock::time_point epoch_;
  WatchResult result_;
  std::optional<WatchLock> lock_;
  std::optional<FolderEvents> events_;
  fs::path dir_;
  std::vector<fs::path> outputs_;  // the library and output folders: never taken as stories
  fs::path state_file_;
  WatchState state_;
  std::map<std::string, Tracked> folders_;
};

bool Watcher::start() {
  dir_ = absolute_path(opt_.dir);
  std::error_code ec;
  if (!fs::is_directory(dir_, ec)) {
    return fail(WatchFailure::kCannotStart,
                make_error(ErrorCode::kNotFound, "no such folder to watch", dir_.string()));
  }
  if (opt_.batch.library.empty()) {
    return fail(WatchFailure::kCannotStart,
                make_error(ErrorCode::kInvalidArgument, "no library folder given"));
  }
  bool busy = false;
  auto lock = WatchLock::acquire(opt_.batch.library, &busy);
  if (!lock) {
    return fail(busy ? WatchFailure::kAlreadyRunning : WatchFailure::kCannotStart, lock.error());
  }
  lock_.emplace(std::move(*lock));
  outputs_ = {absolute_path(opt_.batch.library)};
  if (!opt_.batch.out_dir.empty()) outputs_.push_back(absolute_path(opt_.batch.out_dir));
  state_file_ = watch_state_file(opt_.batch.library, dir_);
  auto state = load_watch_state(state_file_);
  if (!state) return fail(WatchFailure::kCannotStart, state.error());
  state_ = std::move(*state);
  state_.dir = dir_.string();
  auto events = FolderEvents::open();
  if (!events) return fail(WatchFailure::kCannotStart, events.error());
  events_.emplace(std::move(*events));
  // The watch comes first, so a folder made while the inbox is listed is not missed.
  if (auto s = events_->watch_top(dir_); !s) return fail(WatchFailure::kCannotStart, s.error());
  return true;
}

bool Watcher::excluded(const fs::path& folder) const {
  const fs::path abs = absolute_path(folder);
  return std::any_of(outputs_.begin(), outputs_.end(),
                     [&](const fs::path& out) { return is_within(out, abs); });
}

// Every top folder of the inbox not known yet (at start, and after lost events).
void Watcher::scan_top() {
  std::error_code ec;
  for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    std::error_code de;
    if (!it->is_directory(de) || name.starts_with(".") || folders_.contains(name)) continue;
    add_folder(name);
  }
}

void Watcher::add_folder(const std::string& name) {
  const fs::path path = dir_ / name;
  if (excluded(path)) {
    emit(WatchEvent::Kind::kWarning, name,
         "holds the library or the output folder: not taken as a story");
    return;
  }
  if (auto s = events_->watch_tree(path); !s && s.error().code != ErrorCode::kNotFound)
    emit(WatchEvent::Kind::kWarning, name, s.error().to_string());
  auto snap = scan_folder(path);
  if (!snap) return;  // removed already
  Tracked& t = folders_.emplace(name, Tracked(opt_.settle_seconds)).first->second;
  t.settling.observe(*snap, now());
  const auto prev = state_.folders.find(name);
  const std::string fp = snapshot_fingerprint(*snap);
  if (prev != state_.folders.end() && prev->second.status == "done" &&
      prev->second.fingerprint == fp) {
    emit(WatchEvent::Kind::kSkipped, name,
         fmt::format("done before with the same {} files (batch {})", snap->size(),
                     prev->second.batch));
    return;
  }
  std::string why = "new folder";
  if (prev != state_.folders.end()) {
    const std::string& st = prev->second.status;
    t.retry = st != "done";
    why = st == "running"  ? "left half-way (stopped before its batch finished): taken again"
          : st == "done"   ? "changed since it was done: taken again"
          : st == "failed" ? "its last batch could do nothing: tried again"
                           : "some items failed in its last batch: tried again";
  }
  t.pending = true;
  t.announced = true;
  emit(WatchEvent::Kind::kFound, name, why);
}

void Watcher::drop_folder(const std::string& name) {
  const auto it = folders_.find(name);
  if (it == folders_.end()) return;
  events_->unwatch_tree(dir_ / name);
  if (it->second.pending && it->second.announced)
    emit(WatchEvent::Kind::kRemoved, name, "removed before it was complete: not taken");
  folders_.erase(it);
}

void Watcher::look_again_at_everything() {
  emit(WatchEvent::Kind::kWarning, dir_.string(),
       "too many changes at once (events lost): looking at every folder again");
  for (auto& [name, t] : folders_) {
    t.settling.forget_open_files();
    t.settling.on_changed("", now());
    t.pending = true;
  }
  scan_top();
}

void Watcher::apply(const FolderEvent& ev) {
  if (ev.kind == FolderEvent::Kind::kOverflow) return look_again_at_everything();
  if (ev.kind == FolderEvent::Kind::kGone && ev.path == dir_) {
    fail(WatchFailure::kDirGone,
         make_error(ErrorCode::kNotFound, "the watched folder was removed or unmounted",
                    dir_.string()));
    return;
  }
  if (ev.path.parent_path() != dir_) return apply_inside(ev);
  const std::string name = ev.path.filename().string();
  if (!ev.is_dir || name.starts_with(".")) return;  // files in the inbox itself are not stories
  if (ev.kind == FolderEvent::Kind::kRemoved) return drop_folder(name);
  if (ev.kind == FolderEvent::Kind::kCreated || ev.kind == FolderEvent::Kind::kMovedIn) {
    if (folders_.contains(name)) drop_folder(name);  // replaced by another of the same name
    add_folder(name);
  }
}

void Watcher::apply_inside(const FolderEvent& ev) {
  const fs::path rel = ev.path.lexically_relative(dir_);
  if (rel.empty() || *rel.begin() == "..") return;
  const auto it = folders_.find(rel.begin()->string());
  if (it == folders_.end()) return;
  Tracked& t = it->second;
  std::string file = rel.lexically_relative(*rel.begin()).string();
  if (file == ".") file.clear();  // the top folder itself
  if (ev.kind == FolderEvent::Kind::kWritten && !ev.is_dir) t.settling.on_written(file);
  if (ev.kind == FolderEvent::Kind::kClosed) t.settling.on_closed(file);
  if (ev.kind == FolderEvent::Kind::kRemoved) t.settling.on_removed(file);
  t.settling.on_changed(file, now());
  t.pending = true;
}

// Looks at one pending folder; runs its batch when it is complete. True when a batch ran.
bool Watcher::look_at(const std::string& name, Tracked& t) {
  auto snap = scan_folder(dir_ / name);
  if (!snap) return false;  // gone: its removal event follows
  Readiness r = t.settling.observe(*snap, now());
  if (r.ready) {
    // A file opened before the folder was watched and not written to since: only the kernel's
    // lease check tells (when the watcher may ask: the file's owner or CAP_LEASE).
    for (const auto& [file, stat] : *snap) {
      if (open_for_writing(dir_ / name / file).value_or(false)) t.settling.on_written(file);
    }
    r = t.settling.observe(*snap, now());
  }
  const auto prev = state_.folders.find(name);
  const bool same_as_last = prev != state_.folders.end() && prev->second.status != "running" &&
                            prev->second.fingerprint == snapshot_fingerprint(*snap);
  if (!t.announced) {
    // A folder done before that stirred (times touched, a file added and removed again).
    if (same_as_last && !t.retry) {
      if (r.ready) t.pending = false;
      return false;
    }
    t.announced = true;
    emit(WatchEvent::Kind::kFound, name, "changed since its last batch: taken again");
  }
  if (!r.ready) {
    const std::string key = fmt::format("{}|{}", static_cast<int>(r.wait), r.file);
    if (key != t.last_wait) {
      t.last_wait = key;
      WatchEvent ev;
      ev.kind = WatchEvent::Kind::kWaiting;
      ev.folder = name;
      ev.file = r.file;
      ev.message = r.message;
      emit(std::move(ev));
    }
    return false;
  }
  if (same_as_last && !t.retry) {
    t.pending = false;
    t.announced = false;
    return false;
  }
  run_one(name, t, *snap);
  return true;
}

bool Watcher::run_ready() {
  for (auto& [name, t] : folders_) {
    if (is_cancelled(opt_.cancel)) return false;
    // After a batch, events have piled up: read them before looking at the next folder.
    if (t.pending && look_at(name, t)) return true;
  }
  return false;
}

void Watcher::save_state() {
  if (auto s = save_watch_state(state_file_, state_); !s) {
    emit(WatchEvent::Kind::kWarning, state_file_.string(),
         "cannot save what was done (" + s.error().to_string() +
             "); a restart would take this folder again");
  }
}

void Watcher::run_one(const std::string& name, Tracked& t, const FolderSnapshot& snap) {
  WatchedFolder& rec = state_.folders[name];
  rec.fingerprint = snapshot_fingerprint(snap);
  rec.files = snap.size();
  rec.bytes = snapshot_bytes(snap);
  rec.status = "running";
  rec.runs += 1;
  rec.batch = batch_name(name);
  rec.error.clear();
  rec.started_at = now_utc_iso();
  rec.finished_at.clear();
  save_state();
  WatchEvent ready;
  ready.kind = WatchEvent::Kind::kReady;
  ready.folder = name;
  ready.files = rec.files;
  ready.bytes = rec.bytes;
  ready.message = "batch " + rec.batch;
  emit(std::move(ready));

  BatchRequest req = opt_.batch;
  req.folders = {dir_ / name};
  req.name = rec.batch;
  req.cancel = opt_.cancel;
  req.on_event = [this, &name](const BatchEvent& e) {
    WatchEvent ev;
    ev.kind = WatchEvent::Kind::kBatch;
    ev.folder = name;
    ev.batch = e;
    emit(std::move(ev));
  };
  const BatchResult br = opt_.run_folder ? opt_.run_folder(req) : run_batch(req);
  record_end(name, br, batch_exit_code(br, opt_.cancel));
  t.pending = false;
  t.announced = false;
  t.retry = false;
  t.last_wait.clear();
}

void Watcher::record_end(const std::string& name, const BatchResult& br, int code) {
  WatchedFolder& rec = state_.folders[name];
  WatchEvent done;
  done.kind = WatchEvent::Kind::kDone;
  done.folder = name;
  done.exit_code = code;
  if (is_cancelled(opt_.cancel)) {
    // Left "running": the next start takes it again and the batch finishes what is missing.
    result_.interrupted = true;
    done.message =
        cancel_reason(*opt_.cancel) + " before its batch finished: taken again at the next start";
    emit(std::move(done));
    return;
  }
  rec.status = status_of(code);
  rec.exit_code = code;
  rec.error = br.error ? br.error->to_string() : std::string();
  rec.finished_at = now_utc_iso();
  save_state();
  result_.folders_run += 1;
  if (code == kBatchExitSomeFailed) result_.folders_failed += 1;
  if (code != kBatchExitAllDone && code != kBatchExitSomeFailed) {
    result_.folders_failed += 1;
    result_.folders_nothing_done += 1;
  }
  done.message =
      fmt::format("{}: {} items done, {} failed", rec.status, br.items_done, br.items_failed);
  if (!rec.error.empty()) done.message += " (" + rec.error + ")";
  emit(std::move(done));
}

void Watcher::finish() {
  if (opt_.once && !is_cancelled(opt_.cancel)) {
    for (auto& [name, t] : folders_) {
      if (!t.pending || !t.announced) continue;
      result_.folders_not_ready += 1;
      emit(WatchEvent::Kind::kNotReady, name, "not complete yet: left for the next run");
    }
  }
  std::string why = "done";
  if (is_cancelled(opt_.cancel)) why = cancel_reason(*opt_.cancel);
  if (result_.error) why = result_.error->to_string();
  emit(WatchEvent::Kind::kStopped, dir_.string(), why);
}

WatchResult Watcher::run() {
  if (!start()) return result_;
  emit(WatchEvent::Kind::kWatching, dir_.string(),
       fmt::format("library {}, {} folders known, settle time {:g} s", opt_.batch.library,
                   state_.folders.size(), opt_.settle_seconds));
  scan_top();  // says, for each folder there, whether it was done before or is to be taken
  const double tick = std::clamp(opt_.settle_seconds / 5, 0.05, 0.5);
  const double once_until = now() + opt_.settle_seconds + tick;
  while (!is_cancelled(opt_.cancel) && result_.failure == WatchFailure::kNone) {
    for (const FolderEvent& ev : events_->wait(static_cast<int>(tick * 1000))) apply(ev);
    for (const Error& w : events_->take_warnings())
      emit(WatchEvent::Kind::kWarning, w.context.file, w.message);
    // The kernel does not always say the watched folder went (a removal through an open
    // handle, some file systems): a look each turn is cheap.
    std::error_code ec;
    if (result_.failure == WatchFailure::kNone && !fs::is_directory(dir_, ec)) {
      apply(FolderEvent{FolderEvent::Kind::kGone, dir_, true});
    }
    if (result_.failure != WatchFailure::kNone) break;
    const bool ran = run_ready();
    if (opt_.once && !ran && now() >= once_until) break;
  }
  finish();
  return result_;
}

}  // namespace

const char* watch_event_name(WatchEvent::Kind kind) {
  switch (kind) {
    case WatchEvent::Kind::kWatching:
      return "watching";
    case WatchEvent::Kind::kFound:
      return "found";
    case WatchEvent::Kind::kSkipped:
      return "skipped";
    case WatchEvent::Kind::kWaiting:
      return "waiting";
    case WatchEvent::Kind::kReady:
      return "ready";
    case WatchEvent::Kind::kBatch:
      return "batch";
    case WatchEvent::Kind::kDone:
      return "done";
    case WatchEvent::Kind::kRemoved:
      return "removed";
    case WatchEvent::Kind::kNotReady:
      return "not-ready";
    case WatchEvent::Kind::kWarning:
      return "warning";
    case WatchEvent::Kind::kStopped:
      return "stopped";
  }
  return "unknown";
}

WatchResult run_watch(const WatchOptions& opt) { return Watcher(opt).run(); }

int watch_exit_code(const WatchResult& result, const WatchOptions& opt) {
  if (result.failure != WatchFailure::kNone) return kBatchExitNothingDone;
  if (!opt.once) return kBatchExitAllDone;  // stopping is how a watcher ends: no failure
  if (result.interrupted) {
    const int sig = opt.cancel != nullptr ? opt.cancel->signal() : 0;
    return 128 + (sig != 0 ? sig : 2);
  }
  if (result.folders_run > 0 && result.folders_nothing_done == result.folders_run)
    return kBatchExitNothingDone;
  return result.folders_failed > 0 ? kBatchExitSomeFailed : kBatchExitAllDone;
}

}  // namespace saluran
