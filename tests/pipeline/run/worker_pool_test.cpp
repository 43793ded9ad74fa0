#include "pipeline/run/worker_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

namespace saluran {
namespace {

TEST(WorkerPool, RunsEverySubmittedTaskOnceBeforeWaitReturns) {
  WorkerPool pool(3);
  EXPECT_EQ(pool.threads(), 3);
  std::vector<std::atomic<int>> runs(100);
  for (auto& r : runs) pool.submit([&r] { ++r; });
  pool.wait();
  for (const auto& r : runs) EXPECT_EQ(r.load(), 1);
}

TEST(WorkerPool, RunsTasksConcurrentlyUpToItsThreads) {
  // Three tasks that each wait for the others can only finish on three threads at once.
  WorkerPool pool(3);
  std::atomic<int> arrived{0};
  std::atomic<int> finished{0};
  for (int i = 0; i < 3; ++i) {
    pool.submit([&] {
      ++arrived;
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
      while (arrived.load() < 3 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::yield();
      if (arrived.load() == 3) ++finished;
    });
  }
  pool.wait();
  EXPECT_EQ(finished.load(), 3);
}

TEST(WorkerPool, UsesNoMoreThreadsThanItHas) {
  WorkerPool pool(2);
  std::mutex m;
  std::set<std::thread::id> ids;
  std::atomic<int> busy{0};
  std::atomic<int> most{0};
  for (int i = 0; i < 40; ++i) {
    pool.submit([&] {
      const int now = ++busy;
      int seen = most.load();
      while (now > seen && !most.compare_exchange_weak(seen, now)) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      {
        std::lock_guard lock(m);
        ids.insert(std::this_thread::get_id());
      }
      --busy;
    });
  }
  pool.wait();
  EXPECT_LE(most.load(), 2);
  EXPECT_LE(ids.size(), 2u);
  EXPECT_EQ(ids.count(std::this_thread::get_id()), 0u);
}

TEST(WorkerPool, AtLeastOneThreadAndReusableAfterWait) {
  WorkerPool pool(0);
  EXPECT_EQ(pool.threads(), 1);
  int a = 0;
  pool.submit([&] { a = 1; });
  pool.wait();
  EXPECT_EQ(a, 1);
  pool.submit([&] { a = 2; });
  pool.wait();
  EXPECT_EQ(a, 2);
}

TEST(WorkerPool, WaitRethrowsAnEscapedExceptionOnceAndOtherTasksStillRun) {
  WorkerPool pool(2);
  std::atomic<int> ran{0};
  pool.submit([] { throw std::logic_error("broken invariant"); });
  for (int i = 0; i < 10; ++i) pool.submit([&] { ++ran; });
  EXPECT_THROW(pool.wait(), std::logic_error);
  EXPECT_EQ(ran.load(), 10);
  EXPECT_NO_THROW(pool.wait());
}

TEST(WorkerPool, DestructorWaitsForQueuedTasks) {
  std::atomic<int> ran{0};
  {
    WorkerPool pool(1);
    for (int i = 0; i < 20; ++i)
      pool.submit([&] {
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        ++ran;
      });
  }
  EXPECT_EQ(ran.load(), 20);
}

TEST(ParallelFor, CallsEachIndexExactlyOnce) {
  for (int threads : {1, 2, 7}) {
    std::vector<std::atomic<int>> calls(257);
    parallel_for(calls.size(), threads, [&](std::size_t i) { ++calls[i]; });
    for (std::size_t i = 0; i < calls.size(); ++i) EXPECT_EQ(calls[i].load(), 1) << i;
  }
}

TEST(ParallelFor, NothingToDoAndOneThreadRunsOnTheCaller) {
  bool called = false;
  parallel_for(0, 4, [&](std::size_t) { called = true; });
  EXPECT_FALSE(called);
  std::set<std::thread::id> ids;
  parallel_for(5, 1, [&](std::size_t) { ids.insert(std::this_thread::get_id()); });
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_EQ(*ids.begin(), std::this_thread::get_id());
}

TEST(ParallelFor, NeverMoreWorkersThanItemsOrThreads) {
  std::atomic<int> busy{0};
  std::atomic<int> most{0};
  parallel_for(30, 3, [&](std::size_t) {
    const int now = ++busy;
    int seen = most.load();
    while (now > seen && !most.compare_exchange_weak(seen, now)) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    --busy;
  });
  EXPECT_LE(most.load(), 3);
  EXPECT_GE(default_threads(), 1);
}

TEST(ParallelFor, AnExceptionFromTheBodyReachesTheCaller) {
  EXPECT_THROW(parallel_for(50, 2,
                            [](std::size_t i) {
                              if (i == 3) throw std::runtime_error("invariant");
                            }),
               std::runtime_error);
}

}  // namespace
}  // namespace saluran
