// The bounded queue between the threads of a run: order, capacity that holds the producer
// back, close that lets consumers drain and refuses later pushes, and many producers and
// consumers losing and duplicating nothing.

#include "pipeline/run/bounded_queue.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <numeric>
#include <thread>
#include <vector>

namespace saluran {
namespace {

using namespace std::chrono_literals;

/// Waits (up to 20 s) until `done` holds; false if it never did.
template <class Pred>
bool eventually(Pred done) {
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

TEST(BoundedQueue, FirstInFirstOut) {
  BoundedQueue<int> q(4);
  for (int i = 1; i <= 3; ++i) EXPECT_TRUE(q.push(i));
  EXPECT_EQ(q.pop(), 1);
  EXPECT_EQ(q.pop(), 2);
  EXPECT_TRUE(q.push(4));
  EXPECT_EQ(q.pop(), 3);
  EXPECT_EQ(q.pop(), 4);
}

TEST(BoundedQueue, CapacityOfZeroHoldsOne) {
  BoundedQueue<int> q(0);
  EXPECT_EQ(q.capacity(), 1u);
  EXPECT_EQ(BoundedQueue<int>(8).capacity(), 8u);
}

TEST(BoundedQueue, AFullQueueBlocksTheProducerUntilAConsumerTakesOne) {
  BoundedQueue<int> q(2);
  std::atomic<int> pushed{0};
  std::thread producer([&] {
    for (int i = 0; i < 3; ++i) {
      q.push(i);
      ++pushed;
    }
  });
  ASSERT_TRUE(eventually([&] { return pushed.load() == 2; }));
  // The third push waits for room: give it time to (wrongly) get through.
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(pushed.load(), 2);
  EXPECT_EQ(q.pop(), 0);
  EXPECT_TRUE(eventually([&] { return pushed.load() == 3; }));
  producer.join();
  EXPECT_EQ(q.pop(), 1);
  EXPECT_EQ(q.pop(), 2);
}

TEST(BoundedQueue, CloseLetsConsumersDrainThenEnds) {
  BoundedQueue<std::unique_ptr<int>> q(4);  // move-only items
  q.push(std::make_unique<int>(7));
  q.push(std::make_unique<int>(8));
  q.close();
  auto a = q.pop();
  ASSERT_TRUE(a && *a);
  EXPECT_EQ(**a, 7);
  auto b = q.pop();
  ASSERT_TRUE(b && *b);
  EXPECT_EQ(**b, 8);
  EXPECT_FALSE(q.pop());
  EXPECT_FALSE(q.pop());  // and stays ended
}

TEST(BoundedQueue, PushAfterCloseIsRefused) {
  BoundedQueue<int> q(4);
  q.close();
  EXPECT_FALSE(q.push(1));
  EXPECT_FALSE(q.pop());
}

TEST(BoundedQueue, CloseWakesAWaitingConsumer) {
  BoundedQueue<int> q(1);
  std::atomic<bool> ended{false};
  std::thread consumer([&] {
    EXPECT_FALSE(q.pop());
    ended = true;
  });
  std::this_thread::sleep_for(20ms);
  EXPECT_FALSE(ended.load());
  q.close();
  EXPECT_TRUE(eventually([&] { return ended.load(); }));
  consumer.join();
}

TEST(BoundedQueue, CloseReleasesAProducerWaitingForRoom) {
  BoundedQueue<int> q(1);
  ASSERT_TRUE(q.push(1));
  std::atomic<int> result{-1};
  std::thread producer([&] { result = q.push(2) ? 1 : 0; });
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(result.load(), -1);  // still waiting for room
  q.close();
  EXPECT_TRUE(eventually([&] { return result.load() != -1; }));
  producer.join();
  EXPECT_EQ(result.load(), 0);  // given up, item dropped
  EXPECT_EQ(q.pop(), 1);        // what was in stays for the consumers
  EXPECT_FALSE(q.pop());
}

TEST(BoundedQueue, ManyProducersAndConsumersLoseAndRepeatNothing) {
  constexpr int kProducers = 4;
  constexpr int kConsumers = 3;
  constexpr int kEach = 2000;
  BoundedQueue<int> q(3);
  std::vector<std::atomic<int>> seen(kProducers * kEach);
  std::atomic<long long> sum{0};
  std::vector<std::thread> consumers;
  for (int c = 0; c < kConsumers; ++c) {
    consumers.emplace_back([&] {
      while (auto v = q.pop()) {
        ++seen[static_cast<std::size_t>(*v)];
        sum += *v;
      }
    });
  }
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p) {
    producers.emplace_back([&, p] {
      for (int i = 0; i < kEach; ++i) EXPECT_TRUE(q.push(p * kEach + i));
    });
  }
  for (std::thread& t : producers) t.join();
  q.close();
  for (std::thread& t : consumers) t.join();
  for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i].load(), 1) << i;
  const long long n = kProducers * kEach;
  EXPECT_EQ(sum.load(), n * (n - 1) / 2);
}

TEST(BoundedQueue, OneProducerKeepsItsOrderForOneConsumer) {
  BoundedQueue<int> q(2);
  std::thread producer([&] {
    for (int i = 0; i < 500; ++i) q.push(i);
    q.close();
  });
  std::vector<int> got;
  while (auto v = q.pop()) got.push_back(*v);
  producer.join();
  std::vector<int> expected(500);
  std::iota(expected.begin(), expected.end(), 0);
  EXPECT_EQ(got, expected);
}

}  // namespace
}  // namespace saluran
