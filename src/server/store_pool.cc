#include "server/store_pool.h"

namespace popreg::server {

Result<StorePool::Lease> StorePool::Borrow() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      std::unique_ptr<store::Store> s = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(s));
    }
  }
  ASSIGN_OR_RETURN(std::unique_ptr<store::Store> s, store::OpenStore(location_));
  return Lease(this, std::move(s));
}

void StorePool::Return(std::unique_ptr<store::Store> store) {
  std::lock_guard lock(mu_);
  idle_.push_back(std::move(store));
}

}  // namespace popreg::server
