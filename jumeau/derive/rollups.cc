// "rollup": the derived numeric series of the patient summarised per UTC
// minute, hour, day and year (analysis/rollup.h) as derived streams named
// "<series> <stat>/<scale>" ("heart rate mean/hour"), stat = mean, min,
// max, count. The series: the heart rate of the "ecg" beats, the per-beat
// pressures of "abp" (SBP, DBP, MAP), and the 5-minute streams of "hrv"
// ("MLII SDNN"; rolled up to hours and coarser only). A stream holds a run
// of consecutive buckets; a gap (an empty bucket) starts a new stream, as an
// EDF+D discontinuity does. Minute, hour and day streams sample exactly at
// the bucket starts; year streams at the mean Gregorian year (365.2425 d)
// from January 1st of their first year, so their sample times drift from
// later January 1sts by up to about a day (the bucket values are exact).
#include <algorithm>
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
  struct Series {
    std::vector<Time> times;
    std::vector<double> values;
    std::string unit;
    Duration step;  // the series' own spacing, for stream series
  };
  std::map<std::string, Series> series;
  // Per-beat series from events.
  const struct {
    const char* origin;
    const char* code;
    const char* name;
  } kEventSeries[] = {{"ecg/1", "Q", "heart rate"},
                      {"abp/1", "76215-4", "SBP"},
                      {"abp/1", "76214-7", "DBP"},
                      {"abp/1", "76213-9", "MAP"}};
  for (const auto& wanted : kEventSeries) {
    store::EventQuery q;
    q.origin = wanted.origin;
    q.code = wanted.code;
    q.limit = INT64_MAX;
    JUMEAU_ASSIGN_OR_RETURN(const auto events, store.Events(patient.id, q));
    for (const auto& se : events) {
      if (!se.event.value) continue;
      // One series per channel when a patient has several recordings.
      Series& s =
          series[std::string(wanted.name) +
                 (se.event.channel.empty() ? ""
                                           : " (" + se.event.channel + ")")];
      s.times.push_back(se.event.time);
      s.values.push_back(*se.event.value);
      s.unit = se.event.unit;
    }
  }
  // Window series from the hrv analysis's streams.
  JUMEAU_ASSIGN_OR_RETURN(const auto sources, store.Sources(patient.id));
  JUMEAU_ASSIGN_OR_RETURN(const auto streams, store.Streams(patient.id));
  for (const auto& src : sources) {
    if (src.reader != "jumeau.analysis.hrv") continue;
    for (const auto& st : streams) {
      if (st.source_id != src.id) continue;
      JUMEAU_ASSIGN_OR_RETURN(const auto digital,
                              store.ReadSamples(st.id, 0, st.sample_count));
      Series& s = series[st.name];
      s.unit = st.signal.unit;
      s.step = st.signal.rate.OffsetOfSample(1);
      for (size_t i = 0; i < digital.size(); ++i) {
        s.times.push_back(st.signal.TimeOfSample(static_cast<int64_t>(i)));
        s.values.push_back(digital[i] * st.signal.scale + st.signal.offset);
      }
    }
  }
  JUMEAU_ASSIGN_OR_RETURN(DerivedSource out,
                          DerivedSource::Begin(store, patient, run));
  for (auto& [name, s] : series) {
    // Streams of one series may interleave (segments): sort by time.
    std::vector<size_t> order(s.times.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return s.times[a] < s.times[b];
    });
    std::vector<Time> times;
    std::vector<double> values;
    for (size_t i : order) {
      times.push_back(s.times[i]);
      values.push_back(s.values[i]);
    }
    for (auto scale :
         {analysis::RollupScale::kMinute, analysis::RollupScale::kHour,
          analysis::RollupScale::kDay, analysis::RollupScale::kYear}) {
      const SampleRate rate = RateOf(scale);
      if (s.step.ns > 0 && rate.OffsetOfSample(1) <= s.step) continue;
      JUMEAU_ASSIGN_OR_RETURN(const auto buckets,
                              analysis::Rollup(times, values, scale));
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
        JUMEAU_RETURN_IF_ERROR(out.AddSeries(name + " mean" + suffix, s.unit,
                                             rate, start, mean, 0.001));
        JUMEAU_RETURN_IF_ERROR(out.AddSeries(name + " min" + suffix, s.unit,
                                             rate, start, min, 0.001));
        JUMEAU_RETURN_IF_ERROR(out.AddSeries(name + " max" + suffix, s.unit,
                                             rate, start, max, 0.001));
        JUMEAU_RETURN_IF_ERROR(out.AddSeries(name + " count" + suffix, "1",
                                             rate, start, count, 1));
        first = end;
      }
    }
    run->results.push_back(name + ": " + std::to_string(values.size()) +
                           " values rolled up");
  }
  if (series.empty()) run->notes.push_back("no derived numeric series");
  return out.Commit();
}

}  // namespace jumeau::derive::internal
