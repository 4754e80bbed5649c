// Tests for the codec's byte and bit readers/writers (internal/bit_io.h):
// round trips, and that readers stay in bounds and flag overruns.
#include "jumeau/store/internal/bit_io.h"

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace jumeau::store::internal {
namespace {

TEST(ZigZagTest, MapsSmallMagnitudesFirstAndInverts) {
  EXPECT_EQ(ZigZag(0), 0u);
  EXPECT_EQ(ZigZag(static_cast<uint32_t>(-1)), 1u);
  EXPECT_EQ(ZigZag(1), 2u);
  EXPECT_EQ(ZigZag(static_cast<uint32_t>(-2)), 3u);
  EXPECT_EQ(ZigZag(0x7FFFFFFFu), 0xFFFFFFFEu);
  EXPECT_EQ(ZigZag(0x80000000u), 0xFFFFFFFFu);
  for (uint32_t v : {0u, 1u, 2u, 0x7FFFFFFFu, 0x80000000u, 0xFFFFFFFFu, 12345u}) {
    EXPECT_EQ(UnZigZag(ZigZag(v)), v);
  }
}

TEST(VarintTest, RoundTripsAndRejectsOverlong) {
  std::string s;
  const std::vector<uint64_t> values = {0, 1, 127, 128, 300, 0xFFFFFFFFull, ~uint64_t{0}};
  for (uint64_t v : values) PutVarint(v, &s);
  ByteReader r(s);
  for (uint64_t v : values) EXPECT_EQ(r.Varint(), v);
  EXPECT_FALSE(r.overrun());
  EXPECT_EQ(r.remaining(), 0u);

  // Eleven continuation bytes, and a tenth byte with bits beyond 64.
  const std::string eleven(11, '\x80');
  ByteReader too_long(eleven);
  too_long.Varint();
  EXPECT_TRUE(too_long.overrun());
  std::string over(9, '\xFF');
  over.push_back('\x02');
  ByteReader beyond(over);
  beyond.Varint();
  EXPECT_TRUE(beyond.overrun());
  const std::string two("\x80\x80", 2);
  ByteReader truncated(two);
  truncated.Varint();
  EXPECT_TRUE(truncated.overrun());
}

TEST(ByteReaderTest, ReadsPastEndAreFlaggedAndZero) {
  const std::string bytes("\x01\x02\x03", 3);
  ByteReader r(bytes);
  EXPECT_EQ(r.U8(), 1);
  EXPECT_EQ(r.U32(), 0u);  // only 2 bytes left
  EXPECT_TRUE(r.overrun());
  EXPECT_EQ(r.U8(), 0);
  EXPECT_EQ(r.Take(1).size(), 0u);
}

TEST(BitIoTest, RoundTripsRandomFieldsAndExpGolomb) {
  std::mt19937 rng(7);
  std::vector<std::pair<uint32_t, int>> fields;
  BitWriter w;
  for (int i = 0; i < 5000; ++i) {
    const int count = static_cast<int>(rng() % 33);
    const uint32_t v = count == 0 ? 0 : static_cast<uint32_t>(rng()) >> (32 - count);
    fields.emplace_back(v, count);
    w.Put(v, count);
    const uint32_t g = static_cast<uint32_t>(rng()) >> (rng() % 32);
    const int k = static_cast<int>(rng() % 4);
    fields.emplace_back(g, -1 - k);
    w.PutExpGolomb(g, k);
  }
  std::string bytes;
  w.FlushTo(&bytes);
  BitReader r(bytes);
  for (const auto& [v, count] : fields) {
    if (count >= 0) {
      ASSERT_EQ(r.Get(count), v);
    } else {
      ASSERT_EQ(r.GetExpGolomb(-1 - count), v);
    }
  }
  EXPECT_FALSE(r.overrun());
  EXPECT_TRUE(r.AtPaddedEnd());
}

TEST(BitReaderTest, OverrunAndPaddingAreDetected) {
  BitWriter w;
  w.Put(0x5, 3);
  std::string bytes;
  w.FlushTo(&bytes);
  ASSERT_EQ(bytes.size(), 1u);
  {
    BitReader r(bytes);
    EXPECT_EQ(r.Get(3), 0x5u);
    EXPECT_TRUE(r.AtPaddedEnd());
    EXPECT_FALSE(r.overrun());
    r.Get(5);  // the padding
    EXPECT_FALSE(r.overrun());
    r.Get(1);  // one bit too many
    EXPECT_TRUE(r.overrun());
    EXPECT_FALSE(r.AtPaddedEnd());
  }
  {
    BitReader r(bytes);
    EXPECT_EQ(r.Get(2), 0x1u);
    EXPECT_FALSE(r.AtPaddedEnd());  // a one bit is still unread
  }
  {
    // A whole extra byte after the data is not padding, even a zero one.
    const std::string longer = bytes + std::string(1, '\0');
    BitReader r(longer);
    r.Get(3);
    EXPECT_FALSE(r.AtPaddedEnd());
  }
  {
    // Long reads far past the end of an empty input stay flagged.
    BitReader r{std::string_view()};
    for (int i = 0; i < 100; ++i) EXPECT_EQ(r.Get(32), 0u);
    EXPECT_TRUE(r.overrun());
  }
  {
    // An exp-Golomb code of all zeros never ends.
    const std::string zeros(16, '\0');
    BitReader r(zeros);
    r.GetExpGolomb(0);
    EXPECT_TRUE(r.overrun());
  }
}

TEST(BitReaderTest, BytesConsumedCountsPartialBytes) {
  std::string bytes(20, '\xAB');
  BitReader r(bytes);
  EXPECT_EQ(r.BytesConsumed(), 0u);
  r.Get(1);
  EXPECT_EQ(r.BytesConsumed(), 1u);
  r.Get(7);
  EXPECT_EQ(r.BytesConsumed(), 1u);
  r.Get(32);
  r.Get(9);
  EXPECT_EQ(r.BytesConsumed(), 7u);  // 49 bits
}

}  // namespace
}  // namespace jumeau::store::internal
