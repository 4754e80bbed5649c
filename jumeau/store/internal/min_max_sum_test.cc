// Tests for MinMaxSum: the dispatched (AVX2) reduction equals the scalar one
// for every length around the vector width and for extreme values.
#include "jumeau/store/internal/min_max_sum.h"

#include <gtest/gtest.h>

#include <climits>
#include <random>
#include <vector>

namespace jumeau::store::internal {
namespace {

TEST(MinMaxSumTest, MatchesScalarForEveryLengthAndExtremes) {
  std::mt19937 rng(4);
  for (size_t n = 0; n < 100; ++n) {
    for (int trial = 0; trial < 20; ++trial) {
      std::vector<int32_t> v(n);
      for (auto& x : v) {
        const uint32_t r = rng();
        x = trial % 4 == 0 ? (r % 2 ? INT32_MAX : INT32_MIN)
                           : static_cast<int32_t>(r);
      }
      int32_t lo = n ? v[0] : 0, hi = lo, slo = lo, shi = lo;
      int64_t sum = 5, ssum = 5;
      MinMaxSum(v.data(), n, &lo, &hi, &sum);
      MinMaxSumScalar(v.data(), n, &slo, &shi, &ssum);
      ASSERT_EQ(lo, slo) << n;
      ASSERT_EQ(hi, shi) << n;
      ASSERT_EQ(sum, ssum) << n;
      int64_t want = 5;
      for (int32_t x : v) want += x;
      ASSERT_EQ(sum, want);
    }
  }
}

}  // namespace
}  // namespace jumeau::store::internal
