// Attempts per client address in a sliding minute (signing in: a guesser from one address is
// slowed whatever accounts it tries; the per-account lockout is the store's). Thread-safe.
#pragma once

#include <chrono>
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

}  // namespace popreg::server
