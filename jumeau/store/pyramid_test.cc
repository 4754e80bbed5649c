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

// Extreme samples (sums far beyond int32) and means exactly halfway between
// two integers, through both the vector reduction and its scalar tail.
TEST(PyramidTest, ExtremeValuesAndHalfwayMeans) {
  std::vector<PyramidBlock> blocks;
  PyramidBuilder builder([&](const PyramidBlock& b) {
    blocks.push_back(b);
    return Status::Ok();
  });
  std::vector<int32_t> x;
  // Bucket 0: all INT32_MAX. Bucket 1: all INT32_MIN. Bucket 2: min and max
  // alternating (mean -0.5 -> -1). Bucket 3: 64 ones then 64 zeros (mean
  // 0.5 -> 1). Bucket 4: 64 minus ones, 64 zeros (-0.5 -> -1). Bucket 5
  // (partial, 3 samples): 1, 2, 2 (mean 5/3 -> 2).
  x.insert(x.end(), 128, INT32_MAX);
  x.insert(x.end(), 128, INT32_MIN);
  for (int i = 0; i < 64; ++i) {
    x.push_back(INT32_MIN);
    x.push_back(INT32_MAX);
  }
  x.insert(x.end(), 64, 1);
  x.insert(x.end(), 64, 0);
  x.insert(x.end(), 64, -1);
  x.insert(x.end(), 64, 0);
  x.insert(x.end(), {1, 2, 2});
  // Odd piece sizes so that buckets straddle Add() calls.
  for (size_t pos = 0; pos < x.size();) {
    const size_t n = std::min<size_t>(37, x.size() - pos);
    ASSERT_TRUE(builder.Add(std::span<const int32_t>(x.data() + pos, n)).ok());
    pos += n;
  }
  ASSERT_TRUE(builder.Finish().ok());
  ASSERT_FALSE(blocks.empty());
  const PyramidBlock& b = blocks.front();
  ASSERT_EQ(b.level, 1);
  ASSERT_EQ(b.min.size(), 6u);
  EXPECT_EQ(b.min,
            (std::vector<int32_t>{INT32_MAX, INT32_MIN, INT32_MIN, 0, -1, 1}));
  EXPECT_EQ(b.max,
            (std::vector<int32_t>{INT32_MAX, INT32_MIN, INT32_MAX, 1, 0, 2}));
  EXPECT_EQ(b.mean, (std::vector<int32_t>{INT32_MAX, INT32_MIN, -1, 1, -1, 2}));
}

TEST(PyramidTest, DecodeRejectsGarbage) {
  PyramidBlock b;
  EXPECT_FALSE(DecodePyramidBlock("", &b).ok());
  EXPECT_FALSE(DecodePyramidBlock("\xff\xff\xff", &b).ok());
}

}  // namespace
}  // namespace jumeau::store
