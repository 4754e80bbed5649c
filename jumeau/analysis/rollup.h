// Roll-ups: a numeric series summarised over calendar buckets (UTC minute,
// hour, day, year) as mean, minimum, maximum and count, so that a decade of
// nightly heart-rate variability and a single beat share one timeline.
#ifndef JUMEAU_ANALYSIS_ROLLUP_H_
#define JUMEAU_ANALYSIS_ROLLUP_H_

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "jumeau/core/status.h"
#include "jumeau/core/time.h"

namespace jumeau::analysis {

enum class RollupScale { kMinute, kHour, kDay, kYear };
// "minute", "hour", "day", "year".
std::string_view RollupScaleName(RollupScale scale);

// One calendar bucket [start, end) holding `count` values (>= 1).
struct RollupBucket {
  Time start;
  Time end;
  double mean = 0;
  double min = 0;
  double max = 0;
  int64_t count = 0;
};

// The start of the UTC calendar bucket holding `t` (minute, hour and day
// floor the time; year is January 1st 00:00 UTC).
Time BucketStart(Time t, RollupScale scale);
// The start of the next bucket.
Time NextBucketStart(Time bucket_start, RollupScale scale);

// Summarises `values` at `times` over the buckets of `scale`; buckets
// without values are left out; non-finite values are skipped. Returns the
// buckets in time order. kInvalidArgument when the sizes differ or the times
// are not in non-decreasing order.
Result<std::vector<RollupBucket>> Rollup(std::span<const Time> times,
                                         std::span<const double> values,
                                         RollupScale scale);

}  // namespace jumeau::analysis

#endif  // JUMEAU_ANALYSIS_ROLLUP_H_
