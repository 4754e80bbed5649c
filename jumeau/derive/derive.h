// Analyses run on a patient's stored record, their results stored back as
// derived sources. Each analysis has a name and a version; its results for a
// patient form one source (content key "derived:<name>/<version>:<patient>",
// reader "jumeau.analysis.<name>"), so that re-running the same version
// replaces them and a new version adds new ones beside the old. Layer: above
// analysis/ and store/, below the front ends (cli/, server/).
#ifndef JUMEAU_DERIVE_DERIVE_H_
#define JUMEAU_DERIVE_DERIVE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "jumeau/analysis/risk.h"
#include "jumeau/core/status.h"
#include "jumeau/store/store.h"

namespace jumeau::derive {

// The analyses, in the order they run (later ones read earlier results).
// "ecg": QRS detection on ECG streams (beats with their instantaneous heart
// rate, noisy segments, rhythm flags); "hrv": heart-rate variability per
// 5-minute window from the ecg beats; "eeg": band powers, alpha peak and
// spectral edge per window and per annotated segment; "abp": pressure beats
// of arterial-pressure streams; "risk": SCORE2 and Framingham 2008 from the
// record's latest inputs; "rollup": minute, hour, day and year summaries of
// the derived numeric series.
std::vector<std::string> AnalysisNames();

struct AnalyzeOptions {
  // Which analyses to run; empty: all of AnalysisNames().
  std::vector<std::string> what;
  // SCORE2 recalibration region. Default low (e.g. France, Spain, Belgium).
  analysis::Score2Region region = analysis::Score2Region::kLow;
  // The instant risk is computed for (the patient's age then, the latest
  // inputs before it). Unset: the time of the latest measured input
  // (systolic pressure, total or HDL cholesterol).
  std::optional<Time> as_of;
};

// What one analysis did.
struct AnalysisRun {
  std::string name;
  std::string version;
  int64_t streams = 0;  // derived streams stored
  int64_t events = 0;   // derived events stored
  // Headline results for people and --json ("SCORE2 4.2% (low-risk
  // region)"), and why something could not be computed.
  std::vector<std::string> results;
  std::vector<std::string> notes;
};

// Runs the selected analyses on `patient`, each in its own transaction.
// Returns kInvalidArgument for an unknown analysis name; store errors
// otherwise. An analysis with nothing to work on (no pressure stream) runs,
// stores nothing and says so in its notes.
Result<std::vector<AnalysisRun>> Analyze(store::Store& store,
                                         const store::PatientInfo& patient,
                                         const AnalyzeOptions& options = {});

}  // namespace jumeau::derive

#endif  // JUMEAU_DERIVE_DERIVE_H_
