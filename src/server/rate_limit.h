// Attempts per client address in a sliding minute (signing in: a guesser from one address is
// slowed whatever accounts it tries; the per-account lockout is the store's). Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>

#include "base/thread_annotations.h"

namespace popreg::server {

class RateLimiter {
 public:
  explicit RateLimiter(int per_minute) : per_minute_(per_minute) {}
  // Counts an attempt of `address`; false (and not counted) when it already made `per_minute`
  // in the last 60 seconds. `retry_after` is then the seconds until one more is allowed.
  bool Allow(const std::string& address, int* retry_after = nullptr);

 private:
  const int per_minute_;
  std::mutex mu_;
  std::map<std::string, std::deque<std::chrono::steady_clock::time_point>> seen_
      POPREG_GUARDED_BY(mu_);
};

// At most `width` requests worked on at once, admitted in the order they arrived. The server
// keeps a thread per kept-alive connection (64), far more than the cores: without a gate fifty
// busy connections contend for the cores and the allocator's locks and the unlucky request waits
// ten times the median; behind it each waits its turn (bench/RESULTS.md, the load test).
class FairGate {
 public:
  explicit FairGate(int width) : width_(width < 1 ? 1 : width) {}

  // Holds a place until destroyed.
  class Pass {
   public:
    explicit Pass(FairGate* gate) : gate_(gate) {}
    Pass(Pass&& o) noexcept : gate_(o.gate_) { o.gate_ = nullptr; }
    Pass(const Pass&) = delete;
    Pass& operator=(const Pass&) = delete;
    Pass& operator=(Pass&&) = delete;
    ~Pass() {
      if (gate_ != nullptr) gate_->Leave();
    }

   private:
    FairGate* gate_;
  };

  // Waits for a place: places are handed on in the order of arrival.
  Pass Enter();
  // How many have arrived so far (for tests).
  uint64_t Arrived() {
    std::lock_guard lock(mu_);
    return arrived_;
  }

 private:
  // One who waits, woken alone when a place is handed to them (not every waiter at every leave:
  // fifty threads woken a thousand times a second would be the server's main work).
  struct Waiter {
    std::condition_variable turn;
    bool admitted = false;
  };
  void Leave();

  const int width_;
  std::mutex mu_;
  int inside_ POPREG_GUARDED_BY(mu_) = 0;
  uint64_t arrived_ POPREG_GUARDED_BY(mu_) = 0;
  std::deque<Waiter*> queue_ POPREG_GUARDED_BY(mu_);
};

}  // namespace popreg::server
