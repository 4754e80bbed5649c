// DecodedCache: an LRU list and a hash index under one mutex; entries are
// shared_ptrs so readers use them outside the lock.
#include "jumeau/store/decoded_cache.h"

namespace jumeau::store {

DecodedCache::DecodedCache(size_t capacity_bytes) : capacity_(capacity_bytes) {}

std::shared_ptr<const DecodedCache::Entry> DecodedCache::Find(
    Kind kind, int64_t key, std::string_view encoded) {
  std::shared_ptr<const Entry> entry;
  {
    std::lock_guard lock(mutex_);
    auto it = index_.find(Key{kind, key});
    if (it == index_.end()) {
      ++misses_;
      return nullptr;
    }
    lru_.splice(lru_.begin(), lru_, it->second);
    entry = it->second->entry;
  }
  // Compared outside the lock: the entry is immutable.
  if (entry->encoded != encoded) {
    ++misses_;
    return nullptr;
  }
  ++hits_;
  return entry;
}

void DecodedCache::Insert(Kind kind, int64_t key,
                          std::shared_ptr<const Entry> entry) {
  if (!entry || entry->bytes() > capacity_) return;
  std::lock_guard lock(mutex_);
  const Key k{kind, key};
  if (auto it = index_.find(k); it != index_.end()) {
    bytes_ -= it->second->entry->bytes();
    lru_.erase(it->second);
    index_.erase(it);
  }
  bytes_ += entry->bytes();
  lru_.push_front(Item{k, std::move(entry)});
  index_.emplace(k, lru_.begin());
  EvictLocked();
}

void DecodedCache::EvictLocked() {
  while (bytes_ > capacity_ && !lru_.empty()) {
    const Item& last = lru_.back();
    bytes_ -= last.entry->bytes();
    index_.erase(last.key);
    lru_.pop_back();
  }
}

size_t DecodedCache::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

int64_t DecodedCache::hits() const { return hits_.load(); }

int64_t DecodedCache::misses() const { return misses_.load(); }

}  // namespace jumeau::store
