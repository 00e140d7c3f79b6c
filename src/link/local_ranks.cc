#include "link/local_ranks.h"

#include <barrier>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace popreg::link {
namespace {

// What the ranks share: a mailbox per (sender, receiver) and a barrier that separates writing
// the mailboxes from reading them, and reading from the next call's writing.
struct Board {
  explicit Board(int n) : size(n), mail(static_cast<size_t>(n) * n), sync(n) {}
  int size;
  std::vector<std::string> mail;  // mail[from * size + to]
  std::barrier<> sync;
};

class LocalRank final : public Partition {
 public:
  LocalRank(Board& board, int rank) : board_(board), rank_(rank) {}
  int rank() const override { return rank_; }
  int size() const override { return board_.size; }

  void Sum(std::span<int64_t> values) override {
    std::string mine(reinterpret_cast<const char*>(values.data()), values.size_bytes());
    const std::vector<std::string> all = Gather(mine);
    std::fill(values.begin(), values.end(), 0);
    for (const std::string& r : all) {
      const auto* v = reinterpret_cast<const int64_t*>(r.data());
      for (size_t i = 0; i < values.size(); ++i) values[i] += v[i];
    }
  }

  std::vector<std::string> Gather(std::string_view bytes) override {
    std::vector<std::string> to(static_cast<size_t>(board_.size), std::string(bytes));
    return Exchange(std::move(to));
  }

  std::vector<std::string> Exchange(std::vector<std::string> to) override {
    const auto n = static_cast<size_t>(board_.size);
    const auto me = static_cast<size_t>(rank_);
    for (size_t r = 0; r < n; ++r) board_.mail[me * n + r] = std::move(to[r]);
    board_.sync.arrive_and_wait();
    std::vector<std::string> from(n);
    for (size_t r = 0; r < n; ++r) from[r] = std::move(board_.mail[r * n + me]);
    board_.sync.arrive_and_wait();
    return from;
  }

 private:
  Board& board_;
  int rank_;
};

}  // namespace

void RunLocalRanks(int ranks, const std::function<void(Partition&)>& body) {
  Board board(ranks);
  std::mutex mu;
  std::exception_ptr first;
  std::vector<std::thread> threads;
  for (int r = 0; r < ranks; ++r) {
    threads.emplace_back([&, r] {
      LocalRank rank(board, r);
      try {
        body(rank);
      } catch (...) {
        const std::lock_guard lock(mu);
        if (!first) first = std::current_exception();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  if (first) std::rethrow_exception(first);
}

}  // namespace popreg::link
