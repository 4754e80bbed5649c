#include "jumeau/analysis/rollup.h"

#include <gtest/gtest.h>

#include <cmath>

namespace jumeau::analysis {
namespace {

Time At(const char* iso) { return *ParseIso8601(iso); }

TEST(RollupTest, CalendarBucketsInUtc) {
  EXPECT_EQ(BucketStart(At("2019-03-02T08:17:45.5Z"), RollupScale::kMinute),
            At("2019-03-02T08:17:00Z"));
  EXPECT_EQ(BucketStart(At("2019-03-02T08:17:45Z"), RollupScale::kHour),
            At("2019-03-02T08:00:00Z"));
  EXPECT_EQ(BucketStart(At("2019-03-02T08:17:45Z"), RollupScale::kDay),
            At("2019-03-02T00:00:00Z"));
  EXPECT_EQ(BucketStart(At("2019-03-02T08:17:45Z"), RollupScale::kYear),
            At("2019-01-01T00:00:00Z"));
  EXPECT_EQ(NextBucketStart(At("2020-01-01T00:00:00Z"), RollupScale::kYear),
            At("2021-01-01T00:00:00Z"));
  // Before 1970 the floor goes down, not towards zero.
  EXPECT_EQ(BucketStart(At("1958-05-02T12:00:00Z"), RollupScale::kDay),
            At("1958-05-02T00:00:00Z"));
}

TEST(RollupTest, MeanMinMaxCountPerBucketSkippingGapsAndNan) {
  const std::vector<Time> t = {
      At("2019-03-02T08:00:10Z"), At("2019-03-02T08:00:50Z"),
      At("2019-03-02T08:01:00Z"), At("2019-03-02T08:03:59Z"),
      At("2019-03-02T08:03:59.5Z")};
  const std::vector<double> v = {60, 70, 80, std::nan(""), 90};
  auto r = Rollup(t, v, RollupScale::kMinute);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 3u);  // 08:00, 08:01, 08:03 (08:02 empty)
  EXPECT_EQ((*r)[0].count, 2);
  EXPECT_DOUBLE_EQ((*r)[0].mean, 65);
  EXPECT_DOUBLE_EQ((*r)[0].min, 60);
  EXPECT_DOUBLE_EQ((*r)[0].max, 70);
  EXPECT_EQ((*r)[1].start, At("2019-03-02T08:01:00Z"));
  EXPECT_EQ((*r)[2].count, 1);
  EXPECT_DOUBLE_EQ((*r)[2].mean, 90);
  EXPECT_EQ((*r)[2].end, At("2019-03-02T08:04:00Z"));
  auto hours = Rollup(t, v, RollupScale::kHour);
  ASSERT_EQ(hours->size(), 1u);
  EXPECT_EQ((*hours)[0].count, 4);
  EXPECT_DOUBLE_EQ((*hours)[0].mean, 75);
  const std::vector<Time> backwards = {t[1], t[0]};
  const std::vector<double> two = {1, 2};
  EXPECT_FALSE(Rollup(backwards, two, RollupScale::kDay).ok());
}

}  // namespace
}  // namespace jumeau::analysis
