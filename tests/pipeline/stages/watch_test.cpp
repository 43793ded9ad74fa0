// The watch stage with an injected batch runner: when a folder is taken (complete and stable,
// not half-way through a copy), what a restart takes again, the same folder dropped twice, two
// watchers on one library. The fake batch makes one output per file content and skips what it
// made before, as the real batch's manifest and ledger do, and counts its calls per folder
// fingerprint, so "nothing made twice" and "not run again" are both seen.

#include "pipeline/stages/watch.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "codecs/file_copy.hpp"
#include "pipeline/stages/folder_settle.hpp"
#include "pipeline/stages/watch_state.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Kind = WatchEvent::Kind;

/// The watcher's events, collected from its thread.
class Recorder {
 public:
  void add(const WatchEvent& ev) {
    std::lock_guard lock(m_);
    events_.push_back(ev);
  }
  /// An event of `kind` about `folder` whose message holds `text`.
  bool saw(Kind kind, const std::string& folder, const std::string& text = "") {
    std::lock_guard lock(m_);
    for (const WatchEvent& e : events_)
      if (e.kind == kind && e.folder == folder && e.message.find(text) != std::string::npos)
        return true;
    return false;
  }
  /// How many events of `kind` about `folder` came.
  int count(Kind kind, const std::string& folder) {
    std::lock_guard lock(m_);
    int n = 0;
    for (const WatchEvent& e : events_) n += e.kind == kind && e.folder == folder ? 1 : 0;
    return n;
  }
  std::string dump() {
    std::lock_guard lock(m_);
    std::string s;
    for (const WatchEvent& e : events_)
      s += std::string(watch_event_name(e.kind)) + " " + e.folder + ": " + e.message + "\n";
    return s;
  }

 private:
  std::mutex m_;
  std::vector<WatchEvent> events_;
};

/// A batch that makes one output per file content (skipping those made before) and counts.
class FakeBatch {
 public:
  /// Called for each file before it is made; a test stops the batch from here.
  std::function<void(const std::string& folder, std::size_t index)> before_file;

  BatchResult operator()(const BatchRequest& req) {
    EXPECT_EQ(req.folders.size(), 1u);
    const fs::path folder = req.folders.at(0);
    auto snap = scan_folder(folder);
    EXPECT_TRUE(snap);
    BatchResult r;
    {
      std::lock_guard lock(m_);
      calls_.push_back(folder.filename().string());
      per_fingerprint_[snapshot_fingerprint(*snap)] += 1;
      sizes_seen_[folder.filename().string()] = snapshot_bytes(*snap);
    }
    std::size_t index = 0;
    for (const auto& [name, stat] : *snap) {
      if (before_file) before_file(folder.filename().string(), index++);
      if (is_cancelled(req.cancel)) {
        r.record.interrupted = true;
        return r;
      }
      auto hash = hash_file((folder / name).string());
      if (!hash) {  // removed meanwhile: a failed item, as the real batch records it
        r.items_failed += 1;
        continue;
      }
      std::lock_guard lock(m_);
      if (made_.insert(hash.value()).second) made_count_[hash.value()] += 1;
      r.items_done += 1;
    }
    return r;
  }
  FolderRunner runner() {
    return [this](const BatchRequest& r) { return (*this)(r); };
  }
  std::size_t calls() {
    std::lock_guard lock(m_);
    return calls_.size();
  }
  std::vector<std::string> call_list() {
    std::lock_guard lock(m_);
    return calls_;
  }
  std::map<std::string, int> per_fingerprint() {
    std::lock_guard lock(m_);
    return per_fingerprint_;
  }
  std::uint64_t size_seen(const std::string& folder) {
    std::lock_guard lock(m_);
    return sizes_seen_[folder];
  }
  /// How many times each distinct content was made (each must be 1).
  std::map<std::string, int> made() {
    std::lock_guard lock(m_);
    return made_count_;
  }

 private:
  std::mutex m_;
  std::vector<std::string> calls_;
  std::map<std::string, int> per_fingerprint_;
  std::map<std::string, std::uint64_t> sizes_seen_;
  std::set<std::string> made_;
  std::map<std::string, int> made_count_;
};

bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds limit = 5000ms) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

void write_file(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

/// An inbox, a library and a fake batch, with a watcher run in the foreground or a thread.
struct Inbox {
  test::TempDir tmp{"watch"};
  fs::path inbox = tmp.path() / "inbox";
  fs::path library = tmp.path() / "library";
  FakeBatch batch;
  Recorder log;

  Inbox() { fs::create_directories(inbox); }

  WatchOptions options(double settle, const CancelFlag* cancel, bool once = false) {
    WatchOptions opt;
    opt.dir = inbox;
    opt.batch.library = library.string();
    opt.settle_seconds = settle;
    opt.once = once;
    opt.cancel = cancel;
    opt.run_folder = batch.runner();
    opt.on_event = [this](const WatchEvent& e) { log.add(e); };
    return opt;
  }
  WatchResult once(double settle = 0.2) {
    CancelFlag never;
    return run_watch(options(settle, &never, true));
  }
  WatchState state() { return load_watch_state(watch_state_file(library.string(), inbox)).value(); }
};

/// A watcher running in a thread until stop().
class Background {
 public:
  Background(Inbox& s, double settle) : opt_(s.options(settle, &flag_)) {
    thread_ = std::thread([this] { result_ = run_watch(opt_); });
  }
  ~Background() { stop(); }
  WatchResult stop() {
    flag_.cancel(SIGTERM);
    if (thread_.joinable()) thread_.join();
    return result_;
  }

 private:
  CancelFlag flag_;
  WatchOptions opt_;
  WatchResult result_;
  std::thread thread_;
};

TEST(Watch, AFileStillBeingWrittenIsNotTakenUntilClosedAndStable) {
  Inbox s;
  Background w(s, 0.4);
  ASSERT_TRUE(wait_until([&] { return s.log.saw(Kind::kWatching, s.inbox.string()); }));
  fs::create_directory(s.inbox / "Liputan-Pasar");
  const std::string half(64 * 1024, 'a');
  {
    std::ofstream clip(s.inbox / "Liputan-Pasar/C0001.MP4", std::ios::binary);
    clip << half << std::flush;
    std::this_thread::sleep_for(1200ms);  // three settle times with the file held open
    EXPECT_EQ(s.batch.calls(), 0u) << s.log.dump();
    EXPECT_TRUE(s.log.saw(Kind::kWaiting, "Liputan-Pasar", "C0001.MP4 is still being written"))
        << s.log.dump();
    clip << half;
  }
  const auto closed = std::chrono::steady_clock::now();
  ASSERT_TRUE(wait_until([&] { return s.batch.calls() == 1; })) << s.log.dump();
  EXPECT_GE(std::chrono::steady_clock::now() - closed, 350ms);  // the settle time, after close
  EXPECT_EQ(s.batch.size_seen("Liputan-Pasar"), 2 * half.size());
  EXPECT_TRUE(wait_until([&] { return s.log.saw(Kind::kDone, "Liputan-Pasar", "done: 1 items"); }))
      << s.log.dump();
  w.stop();
  EXPECT_EQ(s.state().folders.at("Liputan-Pasar").status, "done");
}

TEST(Watch, AFileThatKeepsGrowingKeepsTheFolderWaiting) {
  Inbox s;
  Background w(s, 0.5);
  ASSERT_TRUE(wait_until([&] { return s.log.saw(Kind::kWatching, s.inbox.string()); }));
  const fs::path clip = s.inbox / "Kunjungan/DCIM/C0002.MP4";
  fs::create_directories(clip.parent_path());
  std::uint64_t size = 0;
  for (int i = 0; i < 10; ++i) {  // appended and closed every 150 ms, as a slow copy with gaps
    write_file(s.inbox / "Kunjungan/photo.jpg", "jpeg");
    std::ofstream(clip, std::ios::binary | std::ios::app) << std::string(4096, 'v');
    size += 4096;
    std::this_thread::sleep_for(150ms);
    ASSERT_EQ(s.batch.calls(), 0u) << "taken half-way at step " << i << "\n" << s.log.dump();
  }
  EXPECT_TRUE(s.log.saw(Kind::kWaiting, "Kunjungan", "must stay unchanged")) << s.log.dump();
  ASSERT_TRUE(wait_until([&] { return s.batch.calls() == 1; })) << s.log.dump();
  EXPECT_EQ(s.batch.size_seen("Kunjungan"), size + 4);
}

TEST(Watch, FoldersThereBeforeTheStartAreTakenAndNotAgainAfterARestart) {
  Inbox s;
  write_file(s.inbox / "A/a.jpg", "a1");
  write_file(s.inbox / "B/b.jpg", "b1");
  fs::create_directory(s.inbox / ".partial");  // hidden: never a story
  write_file(s.inbox / "loose.jpg", "x");      // a file in the inbox itself: not a story
  WatchResult r = s.once();
  EXPECT_EQ(r.folders_run, 2u);
  EXPECT_EQ(s.batch.call_list(), (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(s.state().folders.at("A").status, "done");
  EXPECT_EQ(s.state().folders.at("B").files, 1u);

  r = s.once();  // a restart: nothing new
  EXPECT_EQ(r.folders_run, 0u);
  EXPECT_TRUE(s.log.saw(Kind::kSkipped, "A", "done before with the same 1 files"));

  write_file(s.inbox / "B/b2.jpg", "b2");  // more material added to B later
  r = s.once();
  EXPECT_EQ(r.folders_run, 1u);
  EXPECT_EQ(s.batch.call_list().back(), "B");
  EXPECT_TRUE(s.log.saw(Kind::kFound, "B", "changed since it was done"));
  for (const auto& [content, times] : s.batch.made()) EXPECT_EQ(times, 1) << content;
  EXPECT_EQ(s.batch.made().size(), 3u);
  EXPECT_EQ(watch_exit_code(r, s.options(0.2, nullptr, true)), 0);
}

TEST(Watch, StoppedInTheMiddleOfAFolderItIsTakenAgainAndNothingIsMadeTwice) {
  Inbox s;
  write_file(s.inbox / "A/1.jpg", "a1");
  for (int i = 0; i < 4; ++i)
    write_file(s.inbox / ("B/" + std::to_string(i) + ".jpg"), "b" + std::to_string(i));
  CancelFlag sigterm;
  s.batch.before_file = [&](const std::string& folder, std::size_t index) {
    if (folder == "B" && index == 2) sigterm.cancel(SIGTERM);  // SIGTERM half-way through B
  };
  WatchOptions opt = s.options(0.2, &sigterm, true);
  WatchResult r = run_watch(opt);
  EXPECT_TRUE(r.interrupted);
  EXPECT_EQ(watch_exit_code(r, opt), 143);
  EXPECT_EQ(s.state().folders.at("A").status, "done");
  EXPECT_EQ(s.state().folders.at("B").status, "running");
  EXPECT_TRUE(s.log.saw(Kind::kDone, "B", "taken again at the next start")) << s.log.dump();

  s.batch.before_file = nullptr;
  r = s.once();  // the restart
  EXPECT_EQ(r.folders_run, 1u);
  EXPECT_TRUE(s.log.saw(Kind::kFound, "B", "left half-way"));
  EXPECT_EQ(s.batch.call_list(), (std::vector<std::string>{"A", "B", "B"}));
  const auto fingerprints = s.batch.per_fingerprint();
  ASSERT_EQ(fingerprints.size(), 2u);  // A once; B twice: stopped, then finished
  std::multiset<int> counts;
  for (const auto& [fp, n] : fingerprints) counts.insert(n);
  EXPECT_EQ(counts, (std::multiset<int>{1, 2}));
  EXPECT_EQ(s.batch.made().size(), 5u);
  for (const auto& [content, times] : s.batch.made()) EXPECT_EQ(times, 1) << content;
  EXPECT_EQ(s.state().folders.at("B").status, "done");
  EXPECT_EQ(s.state().folders.at("B").runs, 2);
}

TEST(Watch, KilledInTheMiddleOfAFolderItIsTakenAgainAtTheNextStart) {
  Inbox s;
  write_file(s.inbox / "A/1.jpg", "a1");
  write_file(s.inbox / "B/1.jpg", "b1");
  const pid_t pid = fork();
  if (pid == 0) {  // a watcher killed while B's batch runs (power cut, kill -9)
    s.batch.before_file = [](const std::string& folder, std::size_t) {
      if (folder == "B") ::_exit(137);
    };
    try {
      s.once();
    } catch (...) {
      ::_exit(1);  // never back into the test runner from the child
    }
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_EQ(WEXITSTATUS(status), 137);
  EXPECT_EQ(s.state().folders.at("A").status, "done");
  EXPECT_EQ(s.state().folders.at("B").status, "running");
  WatchResult r = s.once();
  EXPECT_EQ(r.folders_run, 1u);
  EXPECT_EQ(s.batch.call_list(), std::vector<std::string>{"B"});  // this process's calls
  EXPECT_EQ(s.state().folders.at("B").status, "done");
}

TEST(Watch, TheSameFolderDroppedTwiceIsNotRunTwiceWhenUnchangedAndMakesNothingTwice) {
  Inbox s;
  const fs::path outside = s.tmp.path() / "card";
  write_file(outside / "DCIM/1.jpg", "one");
  write_file(outside / "DCIM/2.jpg", "two");
  Background w(s, 0.3);
  ASSERT_TRUE(wait_until([&] { return s.log.saw(Kind::kWatching, s.inbox.string()); }));
  fs::copy(outside, s.inbox / "Acara", fs::copy_options::recursive);
  ASSERT_TRUE(wait_until([&] { return s.log.saw(Kind::kDone, "Acara", "done: 2 items"); }))
      << s.log.dump();

  // Moved out and back in: the same files, times and all.
  fs::rename(s.inbox / "Acara", s.tmp.path() / "Acara");
  std::this_thread::sleep_for(300ms);
  fs::rename(s.tmp.path() / "Acara", s.inbox / "Acara");
  ASSERT_TRUE(wait_until([&] { return s.log.saw(Kind::kSkipped, "Acara", "done before"); }))
      << s.log.dump();
  std::this_thread::sleep_for(600ms);
  EXPECT_EQ(s.batch.calls(), 1u);

  // Removed, then copied in again (new times), and the same card under another name: the batch
  // runs, and makes (posts) nothing it made before.
  fs::remove_all(s.inbox / "Acara");
  std::this_thread::sleep_for(200ms);
  fs::copy(outside, s.inbox / "Acara", fs::copy_options::recursive);
  fs::copy(outside, s.inbox / "Acara-lagi", fs::copy_options::recursive);
  ASSERT_TRUE(wait_until([&] {
    return s.log.count(Kind::kDone, "Acara") == 2 && s.log.count(Kind::kDone, "Acara-lagi") == 1;
  })) << s.log.dump();
  EXPECT_EQ(s.batch.calls(), 3u);
  w.stop();
  EXPECT_EQ(s.batch.made().size(), 2u);
  for (const auto& [content, times] : s.batch.made()) EXPECT_EQ(times, 1) << content;
}

TEST(Watch, ASecondWatcherOnTheSameLibraryStopsNamingTheFirst) {
  Inbox s;
  Background first(s, 0.2);
  ASSERT_TRUE(wait_until([&] { return s.log.saw(Kind::kWatching, s.inbox.string()); }));
  CancelFlag never;
  Inbox other;  // another inbox, the same library
  WatchOptions opt = other.options(0.2, &never, true);
  opt.batch.library = s.library.string();
  const WatchResult r = run_watch(opt);
  EXPECT_EQ(r.failure, WatchFailure::kAlreadyRunning);
  ASSERT_TRUE(r.error);
  EXPECT_NE(r.error->message.find("another saluran watch is running on this library (pid " +
                                  std::to_string(::getpid()) + ")"),
            std::string::npos)
      << r.error->message;
  EXPECT_EQ(watch_exit_code(r, opt), 3);
  first.stop();
  EXPECT_EQ(run_watch(opt).failure, WatchFailure::kNone);  // free once the first stopped
}

TEST(Watch, OnceLeavesAFolderStillBeingWrittenForTheNextRun) {
  Inbox s;
  write_file(s.inbox / "Done/a.jpg", "a");
  fs::create_directory(s.inbox / "Empty");
  fs::create_directories(s.inbox / "Copying");
  std::ofstream clip(s.inbox / "Copying/C0001.MP4", std::ios::binary);
  CancelFlag never;
  WatchOptions opt = s.options(0.3, &never, true);
  std::thread writer([&] {
    for (int i = 0; i < 8; ++i) {
      clip << std::string(1024, 'x') << std::flush;
      std::this_thread::sleep_for(100ms);
    }
  });
  const WatchResult r = run_watch(opt);
  writer.join();
  EXPECT_EQ(s.batch.call_list(), std::vector<std::string>{"Done"}) << s.log.dump();
  EXPECT_EQ(r.folders_not_ready, 2u);
  EXPECT_TRUE(s.log.saw(Kind::kNotReady, "Copying", "left for the next run"));
  EXPECT_TRUE(s.log.saw(Kind::kWaiting, "Empty", "no files in it yet"));
  EXPECT_EQ(watch_exit_code(r, opt), 0);
}

TEST(Watch, TheLibraryInsideTheInboxIsNeverTakenAndAGoneInboxStopsTheWatcher) {
  Inbox s;
  CancelFlag never;
  WatchOptions opt = s.options(0.2, &never);
  opt.batch.library = (s.inbox / "library").string();
  write_file(s.inbox / "library/catalog.db", "x");
  std::thread remover([&] {
    std::this_thread::sleep_for(700ms);
    fs::remove_all(s.inbox);
  });
  const WatchResult r = run_watch(opt);
  remover.join();
  EXPECT_EQ(s.batch.calls(), 0u) << s.log.dump();
  EXPECT_TRUE(s.log.saw(Kind::kWarning, "library", "not taken as a story"));
  EXPECT_EQ(r.failure, WatchFailure::kDirGone);
  EXPECT_EQ(watch_exit_code(r, opt), 3);
}

TEST(Watch, CannotStartWithoutTheFolder) {
  Inbox s;
  CancelFlag never;
  WatchOptions opt = s.options(0.2, &never, true);
  opt.dir = s.tmp.path() / "missing";
  const WatchResult r = run_watch(opt);
  EXPECT_EQ(r.failure, WatchFailure::kCannotStart);
  EXPECT_EQ(r.error->code, ErrorCode::kNotFound);
  EXPECT_EQ(watch_exit_code(r, opt), 3);
}

TEST(WatchExitCode, OnceReportsFailedFoldersAndADaemonStopIsClean) {
  WatchOptions once;
  once.once = true;
  WatchResult r;
  r.folders_run = 2;
  EXPECT_EQ(watch_exit_code(r, once), 0);
  r.folders_failed = 1;
  EXPECT_EQ(watch_exit_code(r, once), 1);
  r.folders_failed = 2;
  r.folders_nothing_done = 2;
  EXPECT_EQ(watch_exit_code(r, once), 3);
  WatchOptions daemon;
  r.interrupted = true;
  EXPECT_EQ(watch_exit_code(r, daemon), 0);  // systemd's stop is no failure
}

}  // namespace
}  // namespace saluran
