// DecodedCache: decoded signal chunks and pyramid blocks kept in memory and
// shared by a server's store connections, so that windows at fine zoom do not
// decode the same 65,536-sample chunks again for every request. Layer: store/
// (SqliteStore consults it when opened with one; see OpenSqliteStore).
#ifndef JUMEAU_STORE_DECODED_CACHE_H_
#define JUMEAU_STORE_DECODED_CACHE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace jumeau::store {

// A DecodedCache is a bounded least-recently-used map from a stored block
// (a signal chunk or a pyramid block, by its key) to its decoded values.
// Each entry keeps the encoded bytes it was decoded from, and Find() hands an
// entry back only when the caller's freshly read bytes are the same: a hit is
// always the decoding of exactly the bytes in the store now, whatever was
// deleted, re-ingested or rolled back since, by this process or another. So
// it never needs invalidating. Memory: at most `capacity_bytes` of encoded
// and decoded bytes (plus bookkeeping of about 100 bytes an entry); entries in
// use by a reader stay alive until it drops them. Safe for concurrent use
// from many threads (one mutex, held for the map and list updates only).
class DecodedCache {
 public:
  // What is cached for one stored block. Immutable once inserted.
  struct Entry {
    std::string encoded;          // the stored bytes it was decoded from
    std::vector<int32_t> values;  // decoded: samples, or min|max|mean
    size_t bytes() const {
      return encoded.size() + values.size() * sizeof(int32_t);
    }
  };
  // Which table a key is of.
  enum class Kind : uint8_t { kChunk, kPyramid };

  // REQUIRES: capacity_bytes >= 0; 0 caches nothing.
  explicit DecodedCache(size_t capacity_bytes);
  DecodedCache(const DecodedCache&) = delete;
  DecodedCache& operator=(const DecodedCache&) = delete;

  // The entry of (kind, key) if it was decoded from bytes equal to `encoded`
  // (and marks it most recently used), else nullptr.
  std::shared_ptr<const Entry> Find(Kind kind, int64_t key,
                                    std::string_view encoded);

  // Keeps `entry` for (kind, key), replacing any older one, and evicts the
  // least recently used entries beyond the capacity. An entry larger than the
  // whole capacity is not kept.
  void Insert(Kind kind, int64_t key, std::shared_ptr<const Entry> entry);

  size_t capacity_bytes() const { return capacity_; }
  // Bytes held now (encoded + decoded), <= capacity_bytes().
  size_t bytes() const;
  // Lookups answered from memory and not, since construction.
  int64_t hits() const;
  int64_t misses() const;

 private:
  struct Key {
    Kind kind;
    int64_t key;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const {
      return std::hash<int64_t>()(k.key * 2 + static_cast<int64_t>(k.kind));
    }
  };
  struct Item {
    Key key;
    std::shared_ptr<const Entry> entry;
  };
  void EvictLocked();

  const size_t capacity_;
  mutable std::mutex mutex_;
  std::list<Item> lru_;  // most recently used first. Guarded by mutex_
  std::unordered_map<Key, std::list<Item>::iterator, KeyHash>
      index_;         // Guarded by mutex_
  size_t bytes_ = 0;  // Guarded by mutex_
  std::atomic<int64_t> hits_{0};
  std::atomic<int64_t> misses_{0};
};

}  // namespace jumeau::store

#endif  // JUMEAU_STORE_DECODED_CACHE_H_
