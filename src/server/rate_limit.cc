#include "server/rate_limit.h"

namespace popreg::server {

bool RateLimiter::Allow(const std::string& address, int* retry_after) {
  const auto now = std::chrono::steady_clock::now();
  const auto window = std::chrono::seconds(60);
  std::lock_guard lock(mu_);
  auto& times = seen_[address];
  while (!times.empty() && now - times.front() >= window) times.pop_front();
  if (static_cast<int>(times.size()) >= per_minute_) {
    if (retry_after != nullptr) {
      *retry_after = static_cast<int>(
          std::chrono::ceil<std::chrono::seconds>(times.front() + window - now).count());
    }
    return false;
  }
  times.push_back(now);
  // Addresses that went quiet are forgotten, so the map holds only the last minute's clients.
  if (seen_.size() > 10000) {
    for (auto it = seen_.begin(); it != seen_.end();) {
      it = (it->second.empty() || now - it->second.back() >= window) ? seen_.erase(it)
                                                                     : std::next(it);
    }
  }
  return true;
}

FairGate::Pass FairGate::Enter() {
  std::unique_lock lock(mu_);
  ++arrived_;
  if (inside_ < width_ && queue_.empty()) {
    ++inside_;
    return Pass(this);
  }
  Waiter me;
  queue_.push_back(&me);
  me.turn.wait(lock, [&] { return me.admitted; });
  return Pass(this);  // the place of the one who left, handed on
}

void FairGate::Leave() {
  std::lock_guard lock(mu_);
  if (queue_.empty()) {
    --inside_;
    return;
  }
  Waiter* next = queue_.front();
  queue_.pop_front();
  next->admitted = true;
  next->turn.notify_one();  // under the lock: `next` lives until it sees `admitted`
}

}  // namespace popreg::server
