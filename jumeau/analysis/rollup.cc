// Calendar buckets in UTC and one pass over the series.
#include "jumeau/analysis/rollup.h"

#include <algorithm>
#include <cmath>

namespace jumeau::analysis {
namespace {

constexpr int64_t kNsPerSecond = 1000000000;

int64_t FloorTo(int64_t ns, int64_t step) {
  const int64_t q = ns / step;
  return (ns % step != 0 && ns < 0 ? q - 1 : q) * step;
}

int64_t StepNs(RollupScale scale) {
  switch (scale) {
    case RollupScale::kMinute:
      return 60 * kNsPerSecond;
    case RollupScale::kHour:
      return 3600 * kNsPerSecond;
    case RollupScale::kDay:
      return 86400 * kNsPerSecond;
    case RollupScale::kYear:
      return 0;
  }
  return 0;
}

}  // namespace

std::string_view RollupScaleName(RollupScale scale) {
  switch (scale) {
    case RollupScale::kMinute:
      return "minute";
    case RollupScale::kHour:
      return "hour";
    case RollupScale::kDay:
      return "day";
    case RollupScale::kYear:
      return "year";
  }
  return "day";
}

Time BucketStart(Time t, RollupScale scale) {
  if (scale != RollupScale::kYear)
    return Time{FloorTo(t.ns_since_epoch, StepNs(scale))};
  CivilTime c = ToCivil(t);
  return FromCivil(CivilTime{c.year, 1, 1, 0, 0, 0, 0});
}

Time NextBucketStart(Time bucket_start, RollupScale scale) {
  if (scale != RollupScale::kYear)
    return bucket_start + Duration{StepNs(scale)};
  const CivilTime c = ToCivil(bucket_start);
  return FromCivil(CivilTime{c.year + 1, 1, 1, 0, 0, 0, 0});
}

Result<std::vector<RollupBucket>> Rollup(std::span<const Time> times,
                                         std::span<const double> values,
                                         RollupScale scale) {
  if (times.size() != values.size())
    return InvalidArgumentError("rollup: one time per value expected");
  std::vector<RollupBucket> out;
  double sum = 0;
  for (size_t i = 0; i < times.size(); ++i) {
    if (i > 0 && times[i] < times[i - 1]) {
      return InvalidArgumentError("rollup: times must not decrease (index " +
                                  std::to_string(i) + ")");
    }
    const double v = values[i];
    if (!std::isfinite(v)) continue;
    const Time start = BucketStart(times[i], scale);
    if (out.empty() || out.back().start != start) {
      if (!out.empty())
        out.back().mean = sum / static_cast<double>(out.back().count);
      RollupBucket b;
      b.start = start;
      b.end = NextBucketStart(start, scale);
      b.min = b.max = v;
      out.push_back(b);
      sum = 0;
    }
    RollupBucket& b = out.back();
    b.min = std::min(b.min, v);
    b.max = std::max(b.max, v);
    sum += v;
    ++b.count;
  }
  if (!out.empty())
    out.back().mean = sum / static_cast<double>(out.back().count);
  return out;
}

}  // namespace jumeau::analysis
