#include "jumeau/core/time.h"

#include <gtest/gtest.h>

namespace jumeau {
namespace {

TEST(TimeTest, CivilRoundTrip) {
  for (int64_t s : {int64_t{0}, int64_t{951782400}, int64_t{-2208988800},
                    int64_t{4102444799}}) {
    const Time t{s * 1000000000 + 123};
    EXPECT_EQ(FromCivil(ToCivil(t)), t);
  }
  const CivilTime c = ToCivil(Time{0});
  EXPECT_EQ(c.year, 1970);
  EXPECT_EQ(c.month, 1);
  EXPECT_EQ(c.day, 1);
}

TEST(TimeTest, Iso8601) {
  auto t = ParseIso8601("2019-03-02T10:15:00Z");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(FormatIso8601(*t), "2019-03-02T10:15:00Z");
  EXPECT_EQ(*ParseIso8601("2019-03-02T11:15:00+01:00"), *t);
  EXPECT_EQ(FormatIso8601(*ParseIso8601("2000-02-29T00:00:00.0025Z")),
            "2000-02-29T00:00:00.0025Z");
  EXPECT_EQ(*ParseIso8601("1970-01-02"), Time{86400LL * 1000000000});
  EXPECT_FALSE(ParseIso8601("2019-02-29T00:00:00Z").ok());
  EXPECT_FALSE(ParseIso8601("yesterday").ok());
  // Outside the span of int64 nanoseconds: refused, never overflowed.
  EXPECT_FALSE(ParseIso8601("9999-01-01T00:00:00Z").ok());
  EXPECT_FALSE(ParseIso8601("1589-01-01").ok());
  EXPECT_TRUE(ParseIso8601("2261-12-31T23:59:59Z").ok());
  EXPECT_EQ(FormatIso8601(Time{-1}), "1969-12-31T23:59:59.999999999Z");
}

TEST(TimeTest, Offsets) {
  EXPECT_EQ(*ParseOffset("+00:05:00"), Duration::Minutes(5));
  EXPECT_EQ(*ParseOffset("-01:00:00.5"),
            -(Duration::Hours(1) + Duration::Milliseconds(500)));
  EXPECT_EQ(*ParseOffset("+90s"), Duration::Seconds(90));
  EXPECT_EQ(*ParseOffset("+250ms"), Duration::Milliseconds(250));
  EXPECT_EQ(*ParseOffset("+1.5h"), Duration::Minutes(90));
  EXPECT_EQ(*ParseOffset("+05:00"), Duration::Minutes(5));
  EXPECT_FALSE(ParseOffset("+5 parsecs").ok());
  EXPECT_EQ(FormatOffset(Duration::Seconds(3725)), "+01:02:05");
  EXPECT_EQ(FormatOffset(-Duration::Milliseconds(1500)), "-00:00:01.5");
}

TEST(SampleRateTest, ExactSampleTimes) {
  const SampleRate r = *SampleRate::FromDecimal("360");
  EXPECT_EQ(r.OffsetOfSample(360), Duration::Seconds(1));
  EXPECT_EQ(r.OffsetOfSample(1).ns, 2777777);
  // 650000 samples at 360 Hz: exactly 1805.555… s, no drift.
  EXPECT_EQ(r.OffsetOfSample(650000).ns, 1805555555555);
  const SampleRate half = *SampleRate::FromDecimal("128.5");
  EXPECT_EQ(half.numerator(), 257);
  EXPECT_EQ(half.denominator(), 2);
  EXPECT_EQ(half.ToString(), "128.5");
  EXPECT_EQ(r.SampleAtOrAfter(Duration::Seconds(1)), 360);
  EXPECT_EQ(r.SampleAtOrAfter(Duration{1}), 1);
  EXPECT_EQ(r.SamplesIn(Duration::Seconds(2)), 720);
  const SampleRate edf = *SampleRate::FromSamplesPer(160, Duration::Seconds(1));
  EXPECT_EQ(edf, SampleRate(160, 1));
  EXPECT_EQ(SampleRate(1000, 3).ToString(), "1000/3");
  EXPECT_FALSE(SampleRate::FromDecimal("0").ok());
  EXPECT_FALSE(SampleRate::FromDecimal("-5").ok());
  EXPECT_FALSE(SampleRate::FromDecimal("abc").ok());
}

}  // namespace
}  // namespace jumeau
