// "ecg": QRS detection (analysis/qrs.h) on every ECG recording of the
// patient: streams in mV at 100-2000 Hz whose label is not another kind of
// signal (RESP, PLETH, ABP...), grouped by source, rate, start and
// length (the leads of one record), the first two leads used (the second
// fills the first's gaps). Stores:
//   - one event per beat: WFDB code "Q" (a beat, not classified), value =
//     the instantaneous heart rate 60000 / RR in /min (no value for the
//     first beat of a recording), channel = the first lead;
//   - noisy segments: code urn:jumeau:analysis "ecg-noise", with an end;
//   - rhythm flags per 5-minute window (merged when consecutive), from RR
//     intervals of 0.25-2.5 s: "bradycardia" (mean below 50 /min),
//     "tachycardia" (above 100 /min), "irregular-rr" (RMSSD above 10% of
//     the mean RR and coefficient of variation above 10%: suggestive of
//     atrial fibrillation, not a diagnosis).
// Memory: the samples of two leads of one recording (a 24-hour 500 Hz
// record: about 350 MB).
#include <cctype>
#include <cmath>
#include <map>
#include <tuple>

#include "jumeau/analysis/qrs.h"
#include "jumeau/derive/internal/derived_source.h"

namespace jumeau::derive::internal {
namespace {

// Labels of signals recorded in mV that are not ECG leads (WFDB's default
// unit is mV, so a respiration or plethysmograph channel may claim it).
bool NotAnEcgLead(std::string label) {
  for (char& c : label)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const char* other :
       {"RESP", "PLETH", "PPG", "SPO2", "ABP", "ART", "PAP", "CVP", "ICP",
        "CO2", "EEG", "EMG", "EOG", "PULSE"}) {
    if (label.find(other) != std::string::npos) return true;
  }
  return false;
}

struct Flag {
  const char* code;
  const char* display;
};
constexpr Flag kBradycardia = {"bradycardia",
                               "Bradycardia (mean heart rate below 50 /min)"};
constexpr Flag kTachycardia = {"tachycardia",
                               "Tachycardia (mean heart rate above 100 /min)"};
constexpr Flag kIrregular = {
    "irregular-rr",
    "Irregular RR intervals (suggestive of atrial fibrillation)"};

// Rhythm flags of the beats at `times`, per window of `window` from `start`.
std::vector<Event> RhythmFlags(const std::vector<Time>& times, Time start,
                               Duration window, const std::string& channel) {
  std::vector<Event> flags;
  std::map<int64_t, std::vector<double>> rr_by_window;
  for (size_t i = 1; i < times.size(); ++i) {
    const double rr = (times[i] - times[i - 1]).seconds();
    if (rr < 0.25 || rr > 2.5) continue;
    rr_by_window[(times[i] - start).ns / window.ns].push_back(rr);
  }
  for (const auto& [k, rr] : rr_by_window) {
    if (rr.size() < 20) continue;
    double mean = 0;
    for (double r : rr) mean += r;
    mean /= static_cast<double>(rr.size());
    double var = 0, ssd = 0;
    for (size_t i = 0; i < rr.size(); ++i) {
      var += (rr[i] - mean) * (rr[i] - mean);
      if (i > 0) ssd += (rr[i] - rr[i - 1]) * (rr[i] - rr[i - 1]);
    }
    const double sd = std::sqrt(var / static_cast<double>(rr.size() - 1));
    const double rmssd = std::sqrt(ssd / static_cast<double>(rr.size() - 1));
    const double hr = 60.0 / mean;
    const Time from = start + Duration{k * window.ns};
    const Time to = from + window;
    auto add = [&](const Flag& f) {
      // Merge with the previous flag of the same kind when consecutive.
      for (auto it = flags.rbegin(); it != flags.rend(); ++it) {
        if (it->code.code == f.code) {
          if (*it->end == from) {
            it->end = to;
            return;
          }
          break;
        }
      }
      Event e;
      e.time = from;
      e.end = to;
      e.code = Code{kJumeauAnalysis, f.code, f.display};
      e.channel = channel;
      flags.push_back(e);
    };
    if (hr < 50) add(kBradycardia);
    if (hr > 100) add(kTachycardia);
    if (rmssd > 0.1 * mean && sd > 0.1 * mean) add(kIrregular);
  }
  return flags;
}

}  // namespace

Status RunEcg(store::Store& store, const store::PatientInfo& patient,
              const AnalyzeOptions&, AnalysisRun* run) {
  JUMEAU_ASSIGN_OR_RETURN(const auto streams, store.Streams(patient.id));
  JUMEAU_ASSIGN_OR_RETURN(const auto sources, store.Sources(patient.id));
  std::map<store::SourceId, bool> derived;
  for (const auto& s : sources) derived[s.id] = s.format == "derived";
  // The leads of each recording, in stream order.
  std::map<std::tuple<store::SourceId, int64_t, int64_t, int64_t, int64_t>,
           std::vector<const store::StreamInfo*>>
      recordings;
  for (const auto& s : streams) {
    const Signal& sig = s.signal;
    if (derived[s.source_id] || sig.unit != "mV" || !sig.rate.valid() ||
        NotAnEcgLead(sig.label))
      continue;
    const double hz = static_cast<double>(sig.rate.numerator()) /
                      static_cast<double>(sig.rate.denominator());
    if (hz < 100 || hz > 2000 || s.sample_count < 2 * static_cast<int64_t>(hz))
      continue;
    recordings[{s.source_id, sig.rate.numerator(), sig.rate.denominator(),
                sig.start.ns_since_epoch, s.sample_count}]
        .push_back(&s);
  }
  JUMEAU_ASSIGN_OR_RETURN(DerivedSource out,
                          DerivedSource::Begin(store, patient, run));
  for (const auto& [key, leads] : recordings) {
    const store::StreamInfo& first = *leads.front();
    std::vector<std::vector<int32_t>> samples;
    std::vector<analysis::QrsLead> qrs_leads;
    for (size_t l = 0; l < leads.size() && l < 2; ++l) {
      JUMEAU_ASSIGN_OR_RETURN(
          auto lead,
          store.ReadSamples(leads[l]->id, 0, leads[l]->sample_count));
      samples.push_back(std::move(lead));
    }
    for (size_t l = 0; l < samples.size(); ++l)
      qrs_leads.push_back({samples[l], leads[l]->signal.scale});
    JUMEAU_ASSIGN_OR_RETURN(const auto result,
                            analysis::DetectQrs(qrs_leads, first.signal.rate));
    std::vector<Event> events;
    std::vector<Time> times;
    events.reserve(result.beats.size());
    for (size_t b = 0; b < result.beats.size(); ++b) {
      Event e;
      e.time = first.signal.TimeOfSample(result.beats[b]);
      e.code = Code{code_system::kWfdbAnnotation, "Q",
                    "Beat (detected, not classified)"};
      if (b > 0) {
        e.value =
            std::round(6000.0 / (e.time - times.back()).seconds()) / 100.0;
        e.unit = "/min";
      }
      e.channel = first.name;
      times.push_back(e.time);
      events.push_back(std::move(e));
    }
    for (const auto& n : result.noisy) {
      Event e;
      e.time = first.signal.TimeOfSample(n.begin);
      e.end = first.signal.TimeOfSample(n.end);
      e.code = Code{kJumeauAnalysis, "ecg-noise", "Noisy ECG segment"};
      e.channel = first.name;
      events.push_back(std::move(e));
    }
    std::vector<Event> flags = RhythmFlags(times, first.signal.start,
                                           Duration::Minutes(5), first.name);
    const size_t flag_count = flags.size();
    events.insert(events.end(), flags.begin(), flags.end());
    JUMEAU_RETURN_IF_ERROR(out.AddEvents(std::move(events)));
    const double minutes = (first.end() - first.signal.start).seconds() / 60;
    char line[240];
    std::snprintf(line, sizeof line,
                  "%s%s: %zu beats (mean %.0f /min), %zu noisy segments, %zu "
                  "rhythm flags",
                  first.name.c_str(), leads.size() > 1 ? " (+1 lead)" : "",
                  result.beats.size(),
                  minutes > 0 ? result.beats.size() / minutes : 0.0,
                  result.noisy.size(), flag_count);
    run->results.push_back(line);
  }
  if (recordings.empty())
    run->notes.push_back("no ECG streams (mV, 100-2000 Hz)");
  return out.Commit();
}

}  // namespace jumeau::derive::internal
