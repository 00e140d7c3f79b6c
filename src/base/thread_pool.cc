#include "base/thread_pool.h"

#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>
#include <tbb/task_arena.h>

#include <algorithm>

namespace popreg {

struct ThreadPool::Impl {
  explicit Impl(int threads) : arena(threads) {
    // oneTBB caps its worker threads at the hardware concurrency by default; a pool asked for more
    // raises the cap while it lives (the process-wide cap is the largest of the active requests).
    if (threads > tbb::info::default_concurrency()) {
      raised_limit = std::make_unique<tbb::global_control>(
          tbb::global_control::max_allowed_parallelism, static_cast<size_t>(threads));
    }
  }
  std::unique_ptr<tbb::global_control> raised_limit;
  tbb::task_arena arena;
};

ThreadPool::ThreadPool(int threads) {
  assert(threads >= 0);
  threads_ = threads > 0 ? threads : std::max(1, tbb::info::default_concurrency());
  impl_ = std::make_unique<Impl>(threads_);
}

ThreadPool::~ThreadPool() = default;

int64_t ThreadPool::ChunkCount(int64_t n, int64_t grain) {
  assert(grain > 0 && "ParallelFor grain must be positive");
  if (n <= 0 || grain <= 0) return 0;
  return n / grain + (n % grain != 0 ? 1 : 0);
}

void ThreadPool::ParallelFor(int64_t n, int64_t grain,
                             const std::function<void(int64_t, int64_t)>& fn) {
  const int64_t chunks = ChunkCount(n, grain);
  if (chunks == 0) return;
  if (chunks == 1) {
    fn(0, n);
    return;
  }
  // One TBB range element per chunk, and simple_partitioner with grain size 1 so TBB never merges
  // or splits our chunks: a chunk's bounds depend only on (n, grain).
  impl_->arena.execute([&] {
    tbb::parallel_for(
        tbb::blocked_range<int64_t>(0, chunks, 1),
        [&](const tbb::blocked_range<int64_t>& range) {
          for (int64_t c = range.begin(); c != range.end(); ++c) {
            const int64_t begin = c * grain;
            fn(begin, std::min(n, begin + grain));
          }
        },
        tbb::simple_partitioner());
  });
}

Status ThreadPool::ParallelTry(int64_t n, int64_t grain,
                               const std::function<Status(int64_t, int64_t)>& fn) {
  const std::vector<Status> results = ParallelChunks<Status>(n, grain, fn);
  for (const Status& status : results) {
    if (!status.ok()) return status;
  }
  return Status::Ok();
}

}  // namespace popreg
