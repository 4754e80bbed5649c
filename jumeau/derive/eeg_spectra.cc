// "eeg": spectral features (analysis/eeg_features.h: Welch, 2 s Hann
// segments) of every EEG stream of the patient (unit uV, at least 64 Hz):
//   - per 10-second window, derived streams "<channel> <band> relative"
//     (fraction of the 1-45 Hz power, for delta, theta, alpha, beta, gamma),
//     "<channel> alpha peak" (Hz) and "<channel> SEF95" (Hz);
//   - per annotated segment (EDF+ annotations with a duration that lie
//     within the channel, e.g. the T0/T1/T2 runs), one event per feature
//     (code urn:jumeau:analysis "eeg-alpha-relative"...), text = the
//     segment's annotation;
//   - line noise: an event per channel where 50 or 60 Hz stands out (10 dB
//     over its neighbours) in most windows.
#include <cmath>
#include <map>

#include "jumeau/analysis/eeg_features.h"
#include "jumeau/derive/internal/derived_source.h"

namespace jumeau::derive::internal {

Status RunEeg(store::Store& store, const store::PatientInfo& patient,
              const AnalyzeOptions&, AnalysisRun* run) {
  JUMEAU_ASSIGN_OR_RETURN(const auto streams, store.Streams(patient.id));
  JUMEAU_ASSIGN_OR_RETURN(const auto sources, store.Sources(patient.id));
  std::map<store::SourceId, bool> derived;
  for (const auto& s : sources) derived[s.id] = s.format == "derived";
  store::EventQuery annotations_query;
  annotations_query.code_system = code_system::kEdfAnnotation;
  JUMEAU_ASSIGN_OR_RETURN(const auto annotations,
                          store.Events(patient.id, annotations_query));
  JUMEAU_ASSIGN_OR_RETURN(DerivedSource out,
                          DerivedSource::Begin(store, patient, run));
  const Duration window = Duration::Seconds(10);
  int channels = 0;
  int64_t segments = 0;
  int noisy = 0;
  for (const auto& stream : streams) {
    const Signal& meta = stream.signal;
    if (derived[stream.source_id] || meta.unit != "uV" || !meta.rate.valid())
      continue;
    const double hz = static_cast<double>(meta.rate.numerator()) /
                      static_cast<double>(meta.rate.denominator());
    if (hz < 64) continue;
    Signal signal = meta;
    JUMEAU_ASSIGN_OR_RETURN(
        signal.samples, store.ReadSamples(stream.id, 0, stream.sample_count));
    JUMEAU_ASSIGN_OR_RETURN(
        const auto windows,
        analysis::ComputeEegFeaturesPerWindow(signal, window, window));
    if (windows.empty()) continue;
    ++channels;
    std::vector<Time> t;
    std::vector<std::vector<double>> relative(analysis::kEegBands.size());
    std::vector<double> peak, edge;
    int line_noise = 0;
    double line_hz = 0;
    for (const auto& w : windows) {
      t.push_back(w.start);
      for (size_t b = 0; b < analysis::kEegBands.size(); ++b)
        relative[b].push_back(w.features.relative[b]);
      peak.push_back(w.features.alpha_peak_hz);
      edge.push_back(w.features.spectral_edge_hz);
      if (w.features.line_noise_hz > 0) {
        ++line_noise;
        line_hz = w.features.line_noise_hz;
      }
    }
    for (size_t b = 0; b < analysis::kEegBands.size(); ++b) {
      JUMEAU_RETURN_IF_ERROR(out.AddGriddedSeries(
          stream.name + " " + std::string(analysis::kEegBands[b].name) +
              " relative",
          "1", window, t, relative[b], 1e-5));
    }
    JUMEAU_RETURN_IF_ERROR(out.AddGriddedSeries(stream.name + " alpha peak",
                                                "Hz", window, t, peak, 1e-4));
    JUMEAU_RETURN_IF_ERROR(out.AddGriddedSeries(stream.name + " SEF95", "Hz",
                                                window, t, edge, 1e-4));
    std::vector<Event> events;
    if (2 * line_noise > static_cast<int>(windows.size())) {
      ++noisy;
      Event e;
      e.time = meta.start;
      e.end = stream.end();
      e.code = Code{kJumeauAnalysis, "eeg-line-noise", "Line noise"};
      e.value = line_hz;
      e.unit = "Hz";
      e.channel = stream.name;
      events.push_back(e);
    }
    for (const auto& a : annotations) {
      const Event& seg = a.event;
      if (!seg.end || seg.time < meta.start || *seg.end > stream.end() ||
          *seg.end - seg.time < Duration::Seconds(2))
        continue;
      auto features =
          analysis::ComputeEegFeaturesForSegment(signal, seg.time, *seg.end);
      if (!features.ok()) continue;
      ++segments;
      auto add = [&](const std::string& code, const std::string& display,
                     double value, const char* unit) {
        if (!std::isfinite(value)) return;
        Event e;
        e.time = seg.time;
        e.end = seg.end;
        e.code = Code{kJumeauAnalysis, code, display};
        e.value = value;
        e.unit = unit;
        e.text = seg.text.empty() ? seg.code.code : seg.text;
        e.channel = stream.name;
        events.push_back(e);
      };
      for (size_t b = 0; b < analysis::kEegBands.size(); ++b) {
        const std::string band(analysis::kEegBands[b].name);
        add("eeg-" + band + "-relative", "EEG relative " + band + " power",
            features->features.relative[b], "1");
      }
      add("eeg-alpha-peak", "EEG alpha peak frequency",
          features->features.alpha_peak_hz, "Hz");
    }
    JUMEAU_RETURN_IF_ERROR(out.AddEvents(std::move(events)));
  }
  if (channels == 0) {
    run->notes.push_back("no EEG streams (uV, at least 64 Hz)");
  } else {
    run->results.push_back(std::to_string(channels) + " channels; " +
                           std::to_string(segments) +
                           " channel-segments of annotations; line noise on " +
                           std::to_string(noisy) + " channels");
  }
  return out.Commit();
}

}  // namespace jumeau::derive::internal
