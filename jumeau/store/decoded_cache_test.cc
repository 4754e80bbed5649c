// Tests for DecodedCache: hits only for the same bytes, LRU eviction within
// the capacity, replacement, and concurrent use.
#include "jumeau/store/decoded_cache.h"

#include <gtest/gtest.h>

#include <thread>

namespace jumeau::store {
namespace {

std::shared_ptr<const DecodedCache::Entry> MakeEntry(const std::string& bytes,
                                                     size_t values) {
  auto e = std::make_shared<DecodedCache::Entry>();
  e->encoded = bytes;
  e->values.assign(values, static_cast<int32_t>(bytes.size()));
  return e;
}

using Kind = DecodedCache::Kind;

TEST(DecodedCacheTest, HitsOnlyForTheSameKindKeyAndBytes) {
  DecodedCache cache(1 << 20);
  cache.Insert(Kind::kChunk, 7, MakeEntry("abc", 10));
  EXPECT_NE(cache.Find(Kind::kChunk, 7, "abc"), nullptr);
  EXPECT_EQ(cache.Find(Kind::kChunk, 7, "abd"), nullptr);  // rewritten
  EXPECT_EQ(cache.Find(Kind::kChunk, 7, "ab"), nullptr);
  EXPECT_EQ(cache.Find(Kind::kPyramid, 7, "abc"), nullptr);
  EXPECT_EQ(cache.Find(Kind::kChunk, 8, "abc"), nullptr);
  EXPECT_EQ(cache.hits(), 1);
  EXPECT_EQ(cache.misses(), 4);
  // A newer decoding replaces the older one.
  cache.Insert(Kind::kChunk, 7, MakeEntry("xyz", 10));
  EXPECT_EQ(cache.Find(Kind::kChunk, 7, "abc"), nullptr);
  EXPECT_NE(cache.Find(Kind::kChunk, 7, "xyz"), nullptr);
  EXPECT_EQ(cache.bytes(), 3u + 40u);
}

TEST(DecodedCacheTest, EvictsLeastRecentlyUsedWithinCapacity) {
  // Each entry: 4 bytes encoded + 24 values = 100 bytes.
  DecodedCache cache(300);
  cache.Insert(Kind::kChunk, 1, MakeEntry("aaaa", 24));
  cache.Insert(Kind::kChunk, 2, MakeEntry("bbbb", 24));
  cache.Insert(Kind::kChunk, 3, MakeEntry("cccc", 24));
  EXPECT_EQ(cache.bytes(), 300u);
  ASSERT_NE(cache.Find(Kind::kChunk, 1, "aaaa"), nullptr);  // 1 is now newest
  cache.Insert(Kind::kChunk, 4, MakeEntry("dddd", 24));     // evicts 2
  EXPECT_EQ(cache.bytes(), 300u);
  EXPECT_EQ(cache.Find(Kind::kChunk, 2, "bbbb"), nullptr);
  EXPECT_NE(cache.Find(Kind::kChunk, 1, "aaaa"), nullptr);
  EXPECT_NE(cache.Find(Kind::kChunk, 3, "cccc"), nullptr);
  EXPECT_NE(cache.Find(Kind::kChunk, 4, "dddd"), nullptr);
  // Larger than the whole cache: not kept, nothing evicted.
  cache.Insert(Kind::kChunk, 5, MakeEntry("eeee", 100));
  EXPECT_EQ(cache.Find(Kind::kChunk, 5, "eeee"), nullptr);
  EXPECT_EQ(cache.bytes(), 300u);
  // An entry held by a reader outlives its eviction.
  auto held = cache.Find(Kind::kChunk, 1, "aaaa");
  DecodedCache none(0);
  none.Insert(Kind::kChunk, 1, held);
  EXPECT_EQ(none.Find(Kind::kChunk, 1, "aaaa"), nullptr);
  EXPECT_EQ(held->values.size(), 24u);
}

TEST(DecodedCacheTest, ConcurrentReadersAndWritersStayWithinCapacity) {
  DecodedCache cache(50 * 1000);
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5000; ++i) {
        const int64_t key = (i * 7 + t) % 200;
        const std::string bytes = "k" + std::to_string(key);
        auto e = cache.Find(Kind::kChunk, key, bytes);
        if (e && e->encoded != bytes) ++wrong;
        if (!e) cache.Insert(Kind::kChunk, key, MakeEntry(bytes, 100));
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_LE(cache.bytes(), 50u * 1000u);
  EXPECT_GT(cache.hits(), 0);
}

}  // namespace
}  // namespace jumeau::store
