// StorePool: connections opened up front, lent under a mutex.
#include "jumeau/server/store_pool.h"

#include "jumeau/store/sqlite_store.h"

namespace jumeau::server {

Result<std::unique_ptr<StorePool>> StorePool::Open(
    const std::filesystem::path& path, int size, const Clock& clock,
    std::shared_ptr<store::DecodedCache> decoded_cache) {
  if (size < 1) return InvalidArgumentError("store pool size must be >= 1");
  std::unique_ptr<StorePool> pool(new StorePool());
  for (int i = 0; i < size; ++i) {
    JUMEAU_ASSIGN_OR_RETURN(auto store,
                            store::OpenSqliteStore(path, clock, decoded_cache));
    pool->free_.push_back(store.get());
    pool->stores_.push_back(std::move(store));
  }
  return pool;
}

StorePool::Lease StorePool::Acquire() {
  std::unique_lock lock(mutex_);
  freed_.wait(lock, [this] { return !free_.empty(); });
  store::Store* s = free_.back();
  free_.pop_back();
  return Lease(this, s);
}

void StorePool::Release(store::Store* store) {
  {
    std::lock_guard lock(mutex_);
    free_.push_back(store);
  }
  freed_.notify_one();
}

}  // namespace jumeau::server
