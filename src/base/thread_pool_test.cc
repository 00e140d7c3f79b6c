#include "base/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <numeric>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "base/env.h"

namespace popreg {
namespace {

TEST(ThreadPoolTest, ThreadCount) {
  EXPECT_EQ(ThreadPool(1).threads(), 1);
  EXPECT_EQ(ThreadPool(4).threads(), 4);
  EXPECT_GE(ThreadPool(0).threads(), 1);
}

TEST(ThreadPoolTest, ChunkCount) {
  EXPECT_EQ(ThreadPool::ChunkCount(0, 10), 0);
  EXPECT_EQ(ThreadPool::ChunkCount(-5, 10), 0);
  EXPECT_EQ(ThreadPool::ChunkCount(1, 10), 1);
  EXPECT_EQ(ThreadPool::ChunkCount(10, 10), 1);
  EXPECT_EQ(ThreadPool::ChunkCount(11, 10), 2);
  EXPECT_EQ(ThreadPool::ChunkCount(100, 1), 100);
}

TEST(ThreadPoolTest, CoversEveryIndexExactlyOnceInFixedChunks) {
  for (int threads : {1, 2, 4}) {
    ThreadPool pool(threads);
    for (int64_t n : {0, 1, 7, 100, 1000, 1001}) {
      for (int64_t grain : {1, 3, 64, 1000, 5000}) {
        SCOPED_TRACE("threads=" + std::to_string(threads) + " n=" + std::to_string(n) +
                     " grain=" + std::to_string(grain));
        std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
        std::mutex mu;
        std::set<std::pair<int64_t, int64_t>> chunks;
        pool.ParallelFor(n, grain, [&](int64_t begin, int64_t end) {
          for (int64_t i = begin; i < end; ++i) hits[static_cast<size_t>(i)]++;
          std::lock_guard lock(mu);
          chunks.emplace(begin, end);
        });
        for (int64_t i = 0; i < n; ++i) ASSERT_EQ(hits[static_cast<size_t>(i)].load(), 1) << i;
        // The chunks are exactly [c*grain, min(n, (c+1)*grain)).
        std::set<std::pair<int64_t, int64_t>> expected;
        for (int64_t b = 0; b < n; b += grain) expected.emplace(b, std::min(n, b + grain));
        EXPECT_EQ(chunks, expected);
        EXPECT_EQ(static_cast<int64_t>(chunks.size()), ThreadPool::ChunkCount(n, grain));
      }
    }
  }
}

// A floating-point reduction whose result depends on the order of additions, with random numbers
// drawn per chunk: identical bits with 1 and 4 threads, and equal to the sequential computation.
double ChunkedSum(ThreadPool& pool, int64_t n, int64_t grain) {
  const Rng root(2024);
  const std::vector<double> sums =
      pool.ParallelChunks<double>(n, grain, [&](int64_t begin, int64_t end) {
        Rng rng = root.Fork(static_cast<uint64_t>(begin / grain));
        double s = 0;
        for (int64_t i = begin; i < end; ++i) s += rng.Normal(0, 1) / static_cast<double>(i + 1);
        return s;
      });
  return std::accumulate(sums.begin(), sums.end(), 0.0);
}

TEST(ThreadPoolTest, ResultsAreIdenticalWhateverTheThreadCount) {
  const int64_t n = 100003, grain = 997;
  ThreadPool one(1), four(4);
  const double with_one = ChunkedSum(one, n, grain);
  const double with_four = ChunkedSum(four, n, grain);
  EXPECT_EQ(with_one, with_four);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(ChunkedSum(four, n, grain), with_one);

  // The same computation written as a plain loop.
  const Rng root(2024);
  double sequential = 0;
  for (int64_t b = 0; b < n; b += grain) {
    Rng rng = root.Fork(static_cast<uint64_t>(b / grain));
    double s = 0;
    for (int64_t i = b; i < std::min(n, b + grain); ++i) {
      s += rng.Normal(0, 1) / static_cast<double>(i + 1);
    }
    sequential += s;
  }
  EXPECT_EQ(with_one, sequential);
  EXPECT_TRUE(std::isfinite(sequential));
  EXPECT_NE(sequential, 0.0);
}

TEST(ThreadPoolTest, ParallelChunksKeepsChunkOrder) {
  ThreadPool pool(4);
  const std::vector<std::pair<int64_t, int64_t>> bounds =
      pool.ParallelChunks<std::pair<int64_t, int64_t>>(
          25, 10, [](int64_t begin, int64_t end) { return std::make_pair(begin, end); });
  EXPECT_EQ(bounds, (std::vector<std::pair<int64_t, int64_t>>{{0, 10}, {10, 20}, {20, 25}}));
  EXPECT_TRUE(pool.ParallelChunks<int>(0, 10, [](int64_t, int64_t) { return 1; }).empty());
}

TEST(ThreadPoolTest, RunsChunksConcurrently) {
  // Two chunks that each wait for the other: this finishes only if they run at the same time.
  ThreadPool pool(2);
  std::mutex mu;
  std::condition_variable cv;
  int arrived = 0;
  std::atomic<int> met{0};
  pool.ParallelFor(2, 1, [&](int64_t, int64_t) {
    std::unique_lock lock(mu);
    ++arrived;
    cv.notify_all();
    if (cv.wait_for(lock, std::chrono::seconds(10), [&] { return arrived == 2; })) met++;
  });
  EXPECT_EQ(met.load(), 2);
}

TEST(ThreadPoolTest, NestedLoops) {
  ThreadPool pool(3);
  std::vector<std::atomic<int>> hits(size_t{40} * 30);
  pool.ParallelFor(40, 4, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) {
      pool.ParallelFor(30, 7, [&](int64_t b2, int64_t e2) {
        for (int64_t j = b2; j < e2; ++j) hits[static_cast<size_t>(i * 30 + j)]++;
      });
    }
  });
  for (const auto& h : hits) ASSERT_EQ(h.load(), 1);
}

TEST(ThreadPoolTest, ParallelTryReturnsTheFirstFailingChunk) {
  ThreadPool pool(4);
  for (int round = 0; round < 20; ++round) {
    std::atomic<int> ran{0};
    const Status s = pool.ParallelTry(100, 10, [&](int64_t begin, int64_t) {
      ran++;
      if (begin == 30 || begin == 70) return InvalidArgument("chunk " + std::to_string(begin));
      return Status::Ok();
    });
    EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(s.message(), "chunk 30");
    EXPECT_EQ(ran.load(), 10);  // all chunks ran
  }
  EXPECT_TRUE(pool.ParallelTry(100, 10, [](int64_t, int64_t) { return Status::Ok(); }).ok());
}

// The contract says the callable must not throw; this pins what happens if it does anyway.
TEST(ThreadPoolTest, AThrowingCallableRethrowsInTheCaller) {
  ThreadPool pool(2);
  EXPECT_THROW(pool.ParallelFor(100, 10,
                                [](int64_t begin, int64_t) {
                                  if (begin == 50) throw std::runtime_error("boom");
                                }),
               std::runtime_error);
  // The pool still works afterwards.
  std::atomic<int64_t> sum{0};
  pool.ParallelFor(10, 3, [&](int64_t b, int64_t e) { sum += e - b; });
  EXPECT_EQ(sum.load(), 10);
}

}  // namespace
}  // namespace popreg
