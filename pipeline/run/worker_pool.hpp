#pragma once
// The one worker pool of Saluran: a fixed set of threads that run submitted tasks. Probe,
// ingest, picture render and the transcoder's filter branches all run on it, so how many
// threads a stage uses is decided in one place (default_threads) and no stage joins threads of
// its own.
//
//   WorkerPool pool(3);
//   for (auto& b : branches) pool.submit([&b] { b.run(); });
//   pool.wait();                                   // every task done
//
//   parallel_for(files.size(), default_threads(), [&](std::size_t i) { probe(files[i]); });

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace saluran {

/// The threads a stage uses when the user does not say: the machine's cores (at least 1).
int default_threads();

/// Caps default_threads() for the whole process at `threads` (0: no cap): `saluran batch
/// --jobs N` keeps the busy threads of every stage within N.
void set_thread_budget(int threads);

/// From now on the calling thread, and every thread it starts, runs only on cores that would
/// otherwise be idle (Linux SCHED_IDLE): work beside a stage that already keeps the cores
/// busy fills its gaps without taking cores from it. False when the system refuses.
bool run_on_idle_cores_only();

/// Runs submitted tasks on `threads` threads. Tasks do not throw for bad input (errors are
/// values); an exception that escapes a task is a broken invariant, kept and rethrown by wait().
class WorkerPool {
 public:
  /// Starts `threads` threads (at least 1).
  explicit WorkerPool(int threads);
  /// Waits for every submitted task, then stops the threads.
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  /// Queues `task`; one of the threads runs it as soon as one is free. Tasks that wait on each
  /// other (a producer and its consumers) need a pool with a thread for each of them.
  void submit(std::function<void()> task);
  /// Blocks until every task submitted so far has finished; rethrows the first exception a
  /// task let escape.
  void wait();
  /// The number of threads.
  int threads() const { return static_cast<int>(threads_.size()); }

 private:
  void loop();

  std::mutex mutex_;
  std::condition_variable work_;  // a task was queued, or stop
  std::condition_variable idle_;  // a task finished
  std::deque<std::function<void()>> tasks_;
  std::size_t running_ = 0;
  bool stop_ = false;
  std::exception_ptr failure_;
  std::vector<std::thread> threads_;
};

/// Calls fn(i) for every i in [0, n), on up to `threads` threads (the calling thread is one of
/// them), taking indices in order; returns when all calls have returned. `fn` must be safe to
/// call concurrently for different i.
void parallel_for(std::size_t n, int threads, const std::function<void(std::size_t)>& fn);

}  // namespace saluran
