// "abp": every arterial-pressure stream of the patient (unit mm[Hg], at
// least 50 Hz) through analysis/abp.h; each beat gives three events at its
// onset, ending at the next: invasive systolic (LOINC 76215-4), diastolic
// (76214-7) and mean (76213-9) pressure, channel = the stream's name; and,
// when defined, its diastolic decay time constant (analysis/abp.h
// DiastolicDecayTime; urn:jumeau:analysis diastolic-decay-time, s).
#include <cmath>

#include "jumeau/analysis/abp.h"
#include "jumeau/core/event.h"
#include "jumeau/derive/internal/derived_source.h"

namespace jumeau::derive::internal {
namespace {

// Physical values of a stream; the most negative value of its bit width
// (WFDB's "invalid sample") becomes NaN.
std::vector<double> Physical(const std::vector<int32_t>& digital,
                             const Signal& s) {
  const int64_t invalid =
      s.bits >= 2 && s.bits <= 32 ? -(int64_t{1} << (s.bits - 1)) : INT64_MIN;
  std::vector<double> out;
  out.reserve(digital.size());
  for (int32_t d : digital) {
    out.push_back(d == invalid ? std::nan("") : d * s.scale + s.offset);
  }
  return out;
}

}  // namespace

Status RunAbp(store::Store& store, const store::PatientInfo& patient,
              const AnalyzeOptions&, AnalysisRun* run) {
  JUMEAU_ASSIGN_OR_RETURN(const auto streams, store.Streams(patient.id));
  JUMEAU_ASSIGN_OR_RETURN(DerivedSource out,
                          DerivedSource::Begin(store, patient, run));
  for (const auto& stream : streams) {
    const Signal& s = stream.signal;
    if (s.unit != "mm[Hg]" || !s.rate.valid()) continue;
    const double hz = static_cast<double>(s.rate.numerator()) /
                      static_cast<double>(s.rate.denominator());
    if (hz < 50) continue;
    JUMEAU_ASSIGN_OR_RETURN(
        const auto digital,
        store.ReadSamples(stream.id, 0, stream.sample_count));
    const std::vector<double> pressure = Physical(digital, s);
    JUMEAU_ASSIGN_OR_RETURN(const auto beats,
                            analysis::DetectPressureBeats(pressure, s.rate));
    std::vector<Event> events;
    events.reserve(4 * beats.size());
    double sbp = 0, dbp = 0, map = 0;
    for (const auto& b : beats) {
      const Time onset = s.TimeOfSample(b.onset);
      const Time end = s.TimeOfSample(b.end);
      const struct {
        const char* code;
        const char* display;
        double value;
      } parts[] = {
          {"76215-4", "Invasive Systolic blood pressure", b.systolic},
          {"76214-7", "Invasive Diastolic blood pressure", b.diastolic},
          {"76213-9", "Invasive Mean blood pressure", b.mean}};
      if (std::isfinite(b.decay_time_s)) {
        Event e;
        e.time = onset;
        e.end = end;
        e.code = Code{kJumeauAnalysis, "diastolic-decay-time",
                      "Arterial diastolic pressure decay time constant"};
        e.value = std::round(b.decay_time_s * 1e4) / 1e4;
        e.unit = "s";
        e.channel = stream.name;
        events.push_back(std::move(e));
      }
      for (const auto& part : parts) {
        Event e;
        e.time = onset;
        e.end = end;
        e.code = Code{code_system::kLoinc, part.code, part.display};
        e.value = std::round(part.value * 100) / 100;
        e.unit = "mm[Hg]";
        e.channel = stream.name;
        events.push_back(std::move(e));
      }
      sbp += b.systolic;
      dbp += b.diastolic;
      map += b.mean;
    }
    JUMEAU_RETURN_IF_ERROR(out.AddEvents(std::move(events)));
    if (!beats.empty()) {
      const double n = static_cast<double>(beats.size());
      char line[200];
      std::snprintf(line, sizeof line,
                    "%s: %zu beats, mean %.0f/%.0f mm[Hg] (mean arterial %.0f)",
                    stream.name.c_str(), beats.size(), sbp / n, dbp / n,
                    map / n);
      run->results.push_back(line);
    }
  }
  if (run->events == 0) run->notes.push_back("no arterial-pressure beats");
  return out.Commit();
}

}  // namespace jumeau::derive::internal
