// "hrv": heart-rate variability (analysis/hrv.h, Task Force 1996) from the
// beats of the "ecg" analysis, per recording (the beats' channel): SDNN,
// RMSSD, pNN50, LF, HF, LF/HF, SD1 and SD2 per 5-minute window (windows
// from the first beat's minute) as derived streams "<lead> SDNN" ...; the
// whole recording's metrics (with SDANN when it spans two windows or more)
// as one event per metric. The intervals are between all detected beats
// (ectopic beats are not excluded: RR, not strictly NN).
#include <cmath>
#include <map>

#include "jumeau/analysis/hrv.h"
#include "jumeau/analysis/rollup.h"
#include "jumeau/derive/internal/derived_source.h"

namespace jumeau::derive::internal {

Status RunHrv(store::Store& store, const store::PatientInfo& patient,
              const AnalyzeOptions&, AnalysisRun* run) {
  store::EventQuery q;
  q.origin = "ecg/1";
  q.code = "Q";
  q.limit = INT64_MAX;
  JUMEAU_ASSIGN_OR_RETURN(const auto beats, store.Events(patient.id, q));
  std::map<std::string, std::vector<Time>> by_lead;
  for (const auto& b : beats) by_lead[b.event.channel].push_back(b.event.time);
  JUMEAU_ASSIGN_OR_RETURN(DerivedSource out,
                          DerivedSource::Begin(store, patient, run));
  const Duration window = Duration::Minutes(5);
  for (const auto& [lead, times] : by_lead) {
    const auto rr = analysis::RrIntervalsFromBeats(times);
    if (rr.size() < 10) continue;
    const Time start =
        analysis::BucketStart(times.front(), analysis::RollupScale::kMinute);
    const Time end =
        start +
        Duration{((times.back() - start).ns / window.ns + 1) * window.ns};
    JUMEAU_ASSIGN_OR_RETURN(const auto windows, analysis::ComputeHrvWindows(
                                                    rr, start, end, window));
    std::vector<Time> t;
    struct Column {
      const char* name;
      const char* unit;
      double resolution;
      std::vector<double> values;
    };
    std::vector<Column> columns = {
        {"SDNN", "ms", 0.001, {}}, {"RMSSD", "ms", 0.001, {}},
        {"pNN50", "%", 0.001, {}}, {"LF", "ms2", 0.001, {}},
        {"HF", "ms2", 0.001, {}},  {"LF/HF", "1", 0.0001, {}},
        {"SD1", "ms", 0.001, {}},  {"SD2", "ms", 0.001, {}}};
    for (const auto& w : windows) {
      t.push_back(w.start);
      const auto& m = w.metrics;
      const double lf_hf = m.hf_ms2 > 0 ? m.lf_ms2 / m.hf_ms2 : std::nan("");
      const double v[] = {m.sdnn_ms, m.rmssd_ms, m.pnn50_percent, m.lf_ms2,
                          m.hf_ms2,  lf_hf,      m.sd1_ms,        m.sd2_ms};
      for (size_t c = 0; c < columns.size(); ++c)
        columns[c].values.push_back(v[c]);
    }
    for (const auto& c : columns) {
      JUMEAU_RETURN_IF_ERROR(out.AddGriddedSeries(
          lead + " " + c.name, c.unit, window, t, c.values, c.resolution));
    }
    JUMEAU_ASSIGN_OR_RETURN(const auto whole, analysis::ComputeHrv(rr));
    const struct {
      const char* code;
      const char* unit;
      double value;
    } overall[] = {
        {"SDNN", "ms", whole.sdnn_ms},       {"RMSSD", "ms", whole.rmssd_ms},
        {"pNN50", "%", whole.pnn50_percent}, {"SDANN", "ms", whole.sdann_ms},
        {"LF", "ms2", whole.lf_ms2},         {"HF", "ms2", whole.hf_ms2}};
    std::vector<Event> events;
    for (const auto& o : overall) {
      if (!std::isfinite(o.value)) continue;
      Event e;
      e.time = times.front();
      e.end = times.back();
      e.code = Code{kJumeauAnalysis, std::string("hrv-") + o.code,
                    std::string("HRV ") + o.code + " of the recording"};
      e.value = std::round(o.value * 1000) / 1000;
      e.unit = o.unit;
      e.channel = lead;
      events.push_back(e);
    }
    JUMEAU_RETURN_IF_ERROR(out.AddEvents(std::move(events)));
    char line[200];
    std::snprintf(
        line, sizeof line,
        "%s: %zu windows; SDNN %.1f ms, RMSSD %.1f ms, LF/HF %.2f",
        lead.c_str(), windows.size(), whole.sdnn_ms, whole.rmssd_ms,
        whole.hf_ms2 > 0 ? whole.lf_ms2 / whole.hf_ms2 : std::nan(""));
    run->results.push_back(line);
  }
  if (by_lead.empty())
    run->notes.push_back("no beats from the ecg analysis (run it first)");
  return out.Commit();
}

}  // namespace jumeau::derive::internal
