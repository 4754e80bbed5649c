#include "jumeau/store/pyramid.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace jumeau::store {
namespace {

TEST(PyramidTest, LayoutArithmetic) {
  EXPECT_EQ(PyramidBucketSamples(1), 128);
  EXPECT_EQ(PyramidBucketSamples(2), 1024);
  EXPECT_EQ(PyramidBucketCount(1, 129), 2);
  EXPECT_EQ(PyramidLevelCount(0), 0);
  EXPECT_EQ(PyramidLevelCount(128), 1);
  EXPECT_EQ(PyramidLevelCount(129), 2);
  EXPECT_EQ(PyramidLevelCount(650000),
            6);  // level 6 (4194304 samples) has one bucket
}

TEST(PyramidTest, BuilderMatchesBruteForce) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int32_t> dist(-3000, 3000);
  std::vector<int32_t> x(1000003);
  for (auto& v : x) v = dist(rng);
  std::map<std::pair<int, int64_t>, PyramidBlock> blocks;
  PyramidBuilder builder([&](const PyramidBlock& b) {
    std::string enc;
    EncodePyramidBlock(b, &enc);
    PyramidBlock decoded;
    Status s = DecodePyramidBlock(enc, &decoded);
    EXPECT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(decoded.min, b.min);
    EXPECT_EQ(decoded.mean, b.mean);
    blocks[{b.level, b.block_index}] = b;
    return Status::Ok();
  });
  // Feed in odd-sized pieces.
  size_t pos = 0, step = 1;
  while (pos < x.size()) {
    const size_t n = std::min(step, x.size() - pos);
    ASSERT_TRUE(builder.Add(std::span<const int32_t>(x.data() + pos, n)).ok());
    pos += n;
    step = step * 3 % 10007 + 1;
  }
  ASSERT_TRUE(builder.Finish().ok());
  const int levels = PyramidLevelCount(static_cast<int64_t>(x.size()));
  for (int level = 1; level <= levels; ++level) {
    const int64_t b = PyramidBucketSamples(level);
    const int64_t count =
        PyramidBucketCount(level, static_cast<int64_t>(x.size()));
    for (int64_t k = 0; k < count; k += 97) {
      const auto& blk = blocks.at({level, k / kPyramidBlockBuckets});
      const size_t i = static_cast<size_t>(k % kPyramidBlockBuckets);
      int32_t lo = INT32_MAX, hi = INT32_MIN;
      int64_t sum = 0, n = 0;
      for (int64_t s = k * b; s < std::min<int64_t>((k + 1) * b, x.size());
           ++s) {
        lo = std::min(lo, x[s]);
        hi = std::max(hi, x[s]);
        sum += x[s];
        ++n;
      }
      EXPECT_EQ(blk.min[i], lo) << level << " " << k;
      EXPECT_EQ(blk.max[i], hi);
      EXPECT_NEAR(blk.mean[i], static_cast<double>(sum) / n, 0.5 + 1e-9);
    }
  }
  EXPECT_FALSE(blocks.count({levels + 1, 0}));
}

TEST(PyramidTest, DecodeRejectsGarbage) {
  PyramidBlock b;
  EXPECT_FALSE(DecodePyramidBlock("", &b).ok());
  EXPECT_FALSE(DecodePyramidBlock("\xff\xff\xff", &b).ok());
}

}  // namespace
}  // namespace jumeau::store
