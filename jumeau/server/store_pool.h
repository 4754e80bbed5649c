// StorePool: a fixed set of open connections to one store, lent to the
// server's worker threads. A store::Store is for one thread at a time
// (store.h); SQLite in WAL mode lets many connections read beside one writer,
// so each worker borrows its own connection instead of sharing one behind a
// lock. Layer: server/.
#ifndef JUMEAU_SERVER_STORE_POOL_H_
#define JUMEAU_SERVER_STORE_POOL_H_

#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

#include "jumeau/core/status.h"
#include "jumeau/core/time.h"
#include "jumeau/store/decoded_cache.h"
#include "jumeau/store/store.h"

namespace jumeau::server {

// A StorePool is a set of connections to one store file. Safe for concurrent
// use from many threads: Acquire() hands each caller a connection no other
// thread holds until the lease is returned.
class StorePool {
 public:
  // A borrowed connection, given back when the lease is destroyed.
  class Lease {
   public:
    Lease(StorePool* pool, store::Store* store) : pool_(pool), store_(store) {}
    Lease(Lease&& o) noexcept : pool_(o.pool_), store_(o.store_) {
      o.store_ = nullptr;
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (store_) pool_->Release(store_);
    }
    store::Store& operator*() const { return *store_; }
    store::Store* operator->() const { return store_; }

   private:
    StorePool* pool_;
    store::Store* store_;
  };

  // Opens `size` connections to the store at `path` (migrating it once, by
  // the first). Returns the store's open errors (kNotFound when absent,
  // kFailedPrecondition when not a store), kInvalidArgument when size < 1.
  // `clock` must outlive the pool. With a `decoded_cache`, every connection
  // shares it (decoded chunks and pyramid blocks; see store::DecodedCache).
  static Result<std::unique_ptr<StorePool>> Open(
      const std::filesystem::path& path, int size,
      const Clock& clock = Clock::Real(),
      std::shared_ptr<store::DecodedCache> decoded_cache = nullptr);

  // A free connection, waiting for one when all are lent.
  Lease Acquire();

 private:
  StorePool() = default;
  void Release(store::Store* store);

  std::vector<std::unique_ptr<store::Store>> stores_;
  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<store::Store*> free_;  // Guarded by mutex_
};

}  // namespace jumeau::server

#endif  // JUMEAU_SERVER_STORE_POOL_H_
