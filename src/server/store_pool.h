// Connections to the store for the server's threads. A Store is used by one thread at a time
// (store/store.h), so each request borrows one for its duration and gives it back; connections
// are opened on demand and kept. With SQLite in WAL every connection reads its own snapshot, so
// a request never waits on a long comparison's write; writers take turns (the store's lock).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/thread_annotations.h"
#include "store/store.h"

namespace popreg::server {

class StorePool {
 public:
  explicit StorePool(std::string location) : location_(std::move(location)) {}

  class Lease {
   public:
    Lease(StorePool* pool, std::unique_ptr<store::Store> store)
        : pool_(pool), store_(std::move(store)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (store_) pool_->Return(std::move(store_));
    }
    store::Store& operator*() { return *store_; }
    store::Store* operator->() { return store_.get(); }

   private:
    StorePool* pool_;
    std::unique_ptr<store::Store> store_;
  };

  // A connection of this thread's own until the lease ends.
  Result<Lease> Borrow();
  const std::string& location() const { return location_; }

 private:
  void Return(std::unique_ptr<store::Store> store);

  const std::string location_;
  std::mutex mu_;
  std::vector<std::unique_ptr<store::Store>> idle_ POPREG_GUARDED_BY(mu_);
};

}  // namespace popreg::server
