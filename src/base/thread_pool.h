// The project's thread pool: a fixed set of worker threads (a oneTBB task arena) and loops over
// index ranges that give the same result whatever the number of threads.
//
// Determinism: ParallelFor cuts [0, n) into chunks of exactly `grain` indices (the last one may be
// shorter). The chunks depend only on n and grain, never on the thread count or on timing, so a
// caller that keeps one result per chunk and combines them in chunk order gets the same bits with
// 1 thread or 64 (floating-point sums included). ParallelChunks does exactly that:
//
//   std::vector<double> sums = pool.ParallelChunks<double>(n, 4096, [&](int64_t b, int64_t e) {
//     double s = 0;
//     for (int64_t i = b; i < e; ++i) s += weight[i];
//     return s;
//   });
//   double total = std::accumulate(sums.begin(), sums.end(), 0.0);  // same bits every run
//
// A chunk's index is begin / grain. Random numbers in a chunk come from `rng.Fork(begin / grain)`
// (see base/env.h), never from an Rng shared between chunks.
//
// The callable must not throw: report failures through a Status (see ParallelTry). If it throws
// anyway, oneTBB cancels the chunks not yet started and rethrows the exception from the call;
// which chunks have run by then is unspecified.
#pragma once

#include <cassert>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "base/status.h"

namespace popreg {

class ThreadPool {
 public:
  // A pool of `threads` threads, the calling thread included; 0 means the hardware concurrency
  // (as oneTBB sees it, which respects the process's CPU affinity mask). More threads than cores
  // is allowed (oversubscription: useful in tests, rarely faster). Requires threads >= 0.
  // Pools are independent: each has its own threads, and several may exist at once.
  explicit ThreadPool(int threads = 0);
  ~ThreadPool();

  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // The number of threads that may run chunks at the same time.
  int threads() const { return threads_; }

  // The number of chunks [0, n) is cut into: ceil(n / grain), 0 when n <= 0. Requires grain > 0.
  static int64_t ChunkCount(int64_t n, int64_t grain);

  // Calls fn(begin, end) once for every chunk [c * grain, min(n, (c + 1) * grain)) of [0, n), in
  // parallel and in no particular order, and returns when all calls have returned. Does nothing
  // when n <= 0. Requires grain > 0. Calls for different chunks may run at the same time, so fn
  // must only write to per-chunk or per-index state. May be called from several threads at once
  // and from inside fn (nested loops share the same threads).
  void ParallelFor(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn);

  // Like ParallelFor, but keeps what fn returns for each chunk: result[c] is fn's value for chunk
  // c, in chunk order. R must be default-constructible and move-assignable.
  template <typename R>
  std::vector<R> ParallelChunks(int64_t n, int64_t grain,
                                const std::function<R(int64_t, int64_t)>& fn) {
    std::vector<R> results(static_cast<size_t>(ChunkCount(n, grain)));
    ParallelFor(n, grain, [&](int64_t begin, int64_t end) {
      results[static_cast<size_t>(begin / grain)] = fn(begin, end);
    });
    return results;
  }

  // Runs fn on every chunk like ParallelFor, and returns the error of the lowest-numbered chunk
  // that failed (so the same error whatever the thread count), or OK. All chunks run even when one
  // fails.
  Status ParallelTry(int64_t n, int64_t grain, const std::function<Status(int64_t, int64_t)>& fn);

 private:
  struct Impl;  // holds the tbb::task_arena, kept out of this header
  std::unique_ptr<Impl> impl_;
  int threads_;
};

}  // namespace popreg
