#include "pipeline/run/worker_pool.hpp"

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <utility>

namespace saluran {

namespace {
std::atomic<int> thread_budget{0};
}  // namespace

int default_threads() {
  const int machine = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int budget = thread_budget.load();
  return budget > 0 ? std::min(machine, budget) : machine;
}

void set_thread_budget(int threads) { thread_budget.store(std::max(0, threads)); }

bool run_on_idle_cores_only() {
  sched_param none{};
  none.sched_priority = 0;
  // Threads started later inherit the policy (PTHREAD_INHERIT_SCHED is the default).
  return pthread_setschedparam(pthread_self(), SCHED_IDLE, &none) == 0;
}

WorkerPool::WorkerPool(int threads) {
  const int n = std::max(1, threads);
  threads_.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) threads_.emplace_back([this] { loop(); });
}

WorkerPool::~WorkerPool() {
  {
    std::unique_lock lock(mutex_);
    idle_.wait(lock, [&] { return tasks_.empty() && running_ == 0; });
    stop_ = true;
  }
  work_.notify_all();
  for (std::thread& t : threads_) t.join();
}

void WorkerPool::submit(std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    tasks_.push_back(std::move(task));
  }
  work_.notify_one();
}

void WorkerPool::wait() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [&] { return tasks_.empty() && running_ == 0; });
  if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
}

void WorkerPool::loop() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(mutex_);
      work_.wait(lock, [&] { return stop_ || !tasks_.empty(); });
      if (tasks_.empty()) return;  // stop_ and nothing left
      task = std::move(tasks_.front());
      tasks_.pop_front();
      ++running_;
    }
    std::exception_ptr thrown;
    try {
      task();
    } catch (...) {
      thrown = std::current_exception();
    }
    task = nullptr;  // destroy captures before counting the task finished
    {
      std::lock_guard lock(mutex_);
      if (thrown && !failure_) failure_ = thrown;
      --running_;
    }
    idle_.notify_all();
  }
}

void parallel_for(std::size_t n, int threads, const std::function<void(std::size_t)>& fn) {
  if (n == 0) return;
  const std::size_t workers =
      std::min<std::size_t>(n, static_cast<std::size_t>(std::max(1, threads)));
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < n; i = next++) fn(i);
  };
  if (workers == 1) {
    work();
    return;
  }
  WorkerPool pool(static_cast<int>(workers - 1));
  for (std::size_t t = 1; t < workers; ++t) pool.submit(work);
  std::exception_ptr thrown;
  try {
    work();
  } catch (...) {
    thrown = std::current_exception();
    next = n;  // the others stop taking indices
  }
  pool.wait();
  if (thrown) std::rethrow_exception(thrown);
}

}  // namespace saluran
