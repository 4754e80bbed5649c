// "rollup": every numeric series derived by another analysis of the patient
// (events whose origin is "<analysis>/<version>", e.g. the per-beat
// pressures of "abp/1") summarised per UTC minute, hour, day and year
// (analysis/rollup.h) as derived streams named "<code> <stat>/<scale>"
// ("76215-4 mean/hour"), stat = mean, min, max, count. A stream holds a run
// of consecutive buckets; a gap (an empty bucket) starts a new stream, as an
// EDF+D discontinuity does. Minute, hour and day streams sample exactly at
// the bucket starts; year streams at the mean Gregorian year (365.2425 d)
// from January 1st of their first year, so their sample times drift from
// later January 1sts by up to about a day (the bucket values are exact).
#include <map>

#include "jumeau/analysis/rollup.h"
#include "jumeau/derive/internal/derived_source.h"

namespace jumeau::derive::internal {
namespace {

SampleRate RateOf(analysis::RollupScale scale) {
  switch (scale) {
    case analysis::RollupScale::kMinute:
      return SampleRate(1, 60);
    case analysis::RollupScale::kHour:
      return SampleRate(1, 3600);
    case analysis::RollupScale::kDay:
      return SampleRate(1, 86400);
    case analysis::RollupScale::kYear:
      return SampleRate(1, 31556952);
  }
  return SampleRate(1, 86400);
}

}  // namespace

Status RunRollup(store::Store& store, const store::PatientInfo& patient,
                 const AnalyzeOptions&, AnalysisRun* run) {
  JUMEAU_ASSIGN_OR_RETURN(const auto events,
                          store.Events(patient.id, store::EventQuery{}));
  // (origin, code) -> (times, values, unit): derived numeric series only.
  struct Series {
    std::vector<Time> times;
    std::vector<double> values;
    std::string unit;
  };
  std::map<std::pair<std::string, std::string>, Series> series;
  for (const auto& se : events) {
    const Event& e = se.event;
    const size_t slash = e.origin.find('/');
    if (!e.value || slash == std::string::npos ||
        e.origin.compare(0, slash, "rollup") == 0)
      continue;
    bool derived = false;
    for (const auto& name : AnalysisNames())
      derived = derived || e.origin.compare(0, slash, name) == 0;
    if (!derived) continue;
    Series& s = series[{e.origin, e.code.code}];
    s.times.push_back(e.time);
    s.values.push_back(*e.value);
    s.unit = e.unit;
  }
  JUMEAU_ASSIGN_OR_RETURN(DerivedSource out,
                          DerivedSource::Begin(store, patient, run));
  for (const auto& [key, s] : series) {
    for (auto scale :
         {analysis::RollupScale::kMinute, analysis::RollupScale::kHour,
          analysis::RollupScale::kDay, analysis::RollupScale::kYear}) {
      JUMEAU_ASSIGN_OR_RETURN(const auto buckets,
                              analysis::Rollup(s.times, s.values, scale));
      const std::string suffix =
          "/" + std::string(analysis::RollupScaleName(scale));
      size_t first = 0;
      while (first < buckets.size()) {
        size_t end = first + 1;
        while (end < buckets.size() &&
               buckets[end].start == buckets[end - 1].end)
          ++end;
        std::vector<double> mean, min, max, count;
        for (size_t b = first; b < end; ++b) {
          mean.push_back(buckets[b].mean);
          min.push_back(buckets[b].min);
          max.push_back(buckets[b].max);
          count.push_back(static_cast<double>(buckets[b].count));
        }
        const Time start = buckets[first].start;
        const SampleRate rate = RateOf(scale);
        const std::string& code = key.second;
        JUMEAU_RETURN_IF_ERROR(out.AddSeries(code + " mean" + suffix, s.unit,
                                             rate, start, mean, 0.001));
        JUMEAU_RETURN_IF_ERROR(out.AddSeries(code + " min" + suffix, s.unit,
                                             rate, start, min, 0.001));
        JUMEAU_RETURN_IF_ERROR(out.AddSeries(code + " max" + suffix, s.unit,
                                             rate, start, max, 0.001));
        JUMEAU_RETURN_IF_ERROR(out.AddSeries(code + " count" + suffix, "1",
                                             rate, start, count, 1));
        first = end;
      }
    }
    run->results.push_back(key.first + " " + key.second + ": " +
                           std::to_string(s.values.size()) +
                           " values rolled up");
  }
  if (series.empty()) run->notes.push_back("no derived numeric series");
  return out.Commit();
}

}  // namespace jumeau::derive::internal
