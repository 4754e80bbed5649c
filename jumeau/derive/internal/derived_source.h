// The one way analyses store results: a derived source per (analysis,
// version, patient), replaced when recomputed. Internal to jumeau/derive.
#ifndef JUMEAU_DERIVE_INTERNAL_DERIVED_SOURCE_H_
#define JUMEAU_DERIVE_INTERNAL_DERIVED_SOURCE_H_

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "jumeau/core/event.h"
#include "jumeau/core/status.h"
#include "jumeau/derive/derive.h"
#include "jumeau/store/store.h"

namespace jumeau::derive::internal {

// Code system of results without a standard code ("SCORE2", "rr-interval").
inline constexpr char kJumeauAnalysis[] = "urn:jumeau:analysis";

class DerivedSource {
 public:
  // Opens the transaction of `run` for `patient`, replacing an earlier
  // result of the same analysis version.
  static Result<DerivedSource> Begin(store::Store& store,
                                     const store::PatientInfo& patient,
                                     AnalysisRun* run);

  // Events stamped with the analysis as origin ("abp/1").
  Status AddEvents(std::vector<Event> events);
  // A derived numeric series as a stream: values quantised to `resolution`
  // (in `unit`) as int32 samples with scale = resolution. Non-finite values
  // are refused (split the series instead). kOutOfRange when a value does
  // not fit at that resolution.
  Status AddSeries(const std::string& label, const std::string& unit,
                   SampleRate rate, Time start, std::span<const double> values,
                   double resolution);
  // A series of values at times `start + k * step` (`times` sorted, each
  // on that grid): stored as one stream per run of consecutive grid points
  // with finite values (a missing point or a NaN starts a new stream).
  Status AddGriddedSeries(const std::string& label, const std::string& unit,
                          Duration step, std::span<const Time> times,
                          std::span<const double> values, double resolution);
  Status Commit();

 private:
  DerivedSource(std::unique_ptr<store::SourceTransaction> txn,
                store::PatientId patient, AnalysisRun* run)
      : txn_(std::move(txn)), patient_(patient), run_(run) {}

  std::unique_ptr<store::SourceTransaction> txn_;
  store::PatientId patient_;
  AnalysisRun* run_;
};

// Per analysis (each file of jumeau/derive): runs it for `patient`.
Status RunAbp(store::Store& store, const store::PatientInfo& patient,
              const AnalyzeOptions& options, AnalysisRun* run);
Status RunRisk(store::Store& store, const store::PatientInfo& patient,
               const AnalyzeOptions& options, AnalysisRun* run);
Status RunEcg(store::Store& store, const store::PatientInfo& patient,
              const AnalyzeOptions& options, AnalysisRun* run);
Status RunHrv(store::Store& store, const store::PatientInfo& patient,
              const AnalyzeOptions& options, AnalysisRun* run);
Status RunEeg(store::Store& store, const store::PatientInfo& patient,
              const AnalyzeOptions& options, AnalysisRun* run);
Status RunRollup(store::Store& store, const store::PatientInfo& patient,
                 const AnalyzeOptions& options, AnalysisRun* run);

}  // namespace jumeau::derive::internal

#endif  // JUMEAU_DERIVE_INTERNAL_DERIVED_SOURCE_H_
