// Analyze(): dispatch, and the derived source every analysis writes through.
#include "jumeau/derive/derive.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "jumeau/derive/internal/derived_source.h"

namespace jumeau::derive {
namespace internal {

Result<DerivedSource> DerivedSource::Begin(store::Store& store,
                                           const store::PatientInfo& patient,
                                           AnalysisRun* run) {
  const std::string key =
      "derived:" + run->name + "/" + run->version + ":" + patient.pseudonym;
  store::SourceDescription d;
  d.content_hash = key;
  d.format = "derived";
  d.reader = "jumeau.analysis." + run->name;
  d.reader_version = run->version;
  d.patient_pseudonym = patient.pseudonym;
  d.replace_existing = true;
  JUMEAU_ASSIGN_OR_RETURN(auto txn, store.BeginSource(d));
  store::PatientIdentity identity;
  identity.keys = {key};
  JUMEAU_ASSIGN_OR_RETURN(const store::PatientId id, txn->Patient(identity));
  return DerivedSource(std::move(txn), id, run);
}

Status DerivedSource::AddEvents(std::vector<Event> events) {
  const std::string origin = run_->name + "/" + run_->version;
  for (Event& e : events) e.origin = origin;
  JUMEAU_RETURN_IF_ERROR(txn_->AddEvents(patient_, events));
  run_->events += static_cast<int64_t>(events.size());
  return Status::Ok();
}

Status DerivedSource::AddSeries(const std::string& label,
                                const std::string& unit, SampleRate rate,
                                Time start, std::span<const double> values,
                                double resolution) {
  Signal s;
  s.label = label;
  s.unit = unit;
  s.source_unit = unit;
  s.rate = rate;
  s.start = start;
  s.scale = resolution;
  s.bits = 32;
  s.digital_min = std::numeric_limits<int32_t>::min();
  s.digital_max = std::numeric_limits<int32_t>::max();
  s.samples.reserve(values.size());
  for (double v : values) {
    const double q = std::round(v / resolution);
    if (!std::isfinite(q) || std::abs(q) > 2147483647.0) {
      return OutOfRangeError(label + ": value " + std::to_string(v) +
                             " does not fit at resolution " +
                             std::to_string(resolution));
    }
    s.samples.push_back(static_cast<int32_t>(q));
  }
  s.physical_min = s.digital_min * resolution;
  s.physical_max = s.digital_max * resolution;
  JUMEAU_RETURN_IF_ERROR(txn_->AddSignal(patient_, s).status());
  ++run_->streams;
  return Status::Ok();
}

Status DerivedSource::AddGriddedSeries(const std::string& label,
                                       const std::string& unit, Duration step,
                                       std::span<const Time> times,
                                       std::span<const double> values,
                                       double resolution) {
  if (step.ns <= 0 || times.size() != values.size())
    return InvalidArgumentError(label + ": malformed series");
  const SampleRate rate(1000000000, step.ns);
  size_t first = 0;
  while (first < times.size()) {
    if (!std::isfinite(values[first])) {
      ++first;
      continue;
    }
    size_t end = first + 1;
    while (end < times.size() && std::isfinite(values[end]) &&
           times[end] - times[end - 1] == step)
      ++end;
    JUMEAU_RETURN_IF_ERROR(AddSeries(label, unit, rate, times[first],
                                     values.subspan(first, end - first),
                                     resolution));
    first = end;
  }
  return Status::Ok();
}

Status DerivedSource::Commit() { return txn_->Commit(); }

}  // namespace internal

std::vector<std::string> AnalysisNames() {
  return {"ecg", "hrv", "eeg", "abp", "risk", "rollup"};
}

Result<std::vector<AnalysisRun>> Analyze(store::Store& store,
                                         const store::PatientInfo& patient,
                                         const AnalyzeOptions& options) {
  const std::vector<std::string> all = AnalysisNames();
  for (const auto& w : options.what) {
    if (std::find(all.begin(), all.end(), w) == all.end()) {
      std::string known;
      for (const auto& a : all) known += (known.empty() ? "" : ", ") + a;
      return InvalidArgumentError("unknown analysis '" + w +
                                  "' (known: " + known + ")");
    }
  }
  std::vector<AnalysisRun> runs;
  for (const auto& name : all) {
    if (!options.what.empty() &&
        std::find(options.what.begin(), options.what.end(), name) ==
            options.what.end())
      continue;
    AnalysisRun run;
    run.name = name;
    run.version = "1";
    if (name == "ecg") {
      JUMEAU_RETURN_IF_ERROR(internal::RunEcg(store, patient, options, &run));
    } else if (name == "hrv") {
      JUMEAU_RETURN_IF_ERROR(internal::RunHrv(store, patient, options, &run));
    } else if (name == "eeg") {
      JUMEAU_RETURN_IF_ERROR(internal::RunEeg(store, patient, options, &run));
    } else if (name == "abp") {
      JUMEAU_RETURN_IF_ERROR(internal::RunAbp(store, patient, options, &run));
    } else if (name == "risk") {
      JUMEAU_RETURN_IF_ERROR(internal::RunRisk(store, patient, options, &run));
    } else if (name == "rollup") {
      JUMEAU_RETURN_IF_ERROR(
          internal::RunRollup(store, patient, options, &run));
    }
    runs.push_back(std::move(run));
  }
  return runs;
}

}  // namespace jumeau::derive
