// The long-term (progression) twin: a disease-course model fitted on a cohort
// (assimilation/saem.h) kept as a population-model JSON file, cohorts and
// visits gathered from the store (events of chosen codes, ages from the
// birth date, values normalised to each feature's range), a patient's
// personalisation stored as a twin snapshot with observed points, the
// forecast trajectory with its credible band and threshold crossings.
// Layer: derive (above store/, models/, assimilation/), below cli/.
#ifndef JUMEAU_DERIVE_PROGRESSION_TWIN_H_
#define JUMEAU_DERIVE_PROGRESSION_TWIN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jumeau/assimilation/saem.h"
#include "jumeau/core/event.h"
#include "jumeau/core/status.h"
#include "jumeau/core/time.h"
#include "jumeau/models/progression/logistic.h"
#include "jumeau/store/store.h"

namespace jumeau::derive {

// One feature of a progression model: the code of its events and its
// range. normalised = (value - low) / (high - low); low > high declares a
// feature that decreases with the disease (a cognitive score).
struct ProgressionFeature {
  std::string code;    // "8480-6" (or a CSV column name)
  std::string system;  // "http://loinc.org" ("" for CSV columns)
  std::string unit;    // UCUM of the raw values ("mm[Hg]"; "" if none)
  double low = 0.0;    // raw value mapped to 0
  double high = 1.0;   // raw value mapped to 1
  double Normalise(double v) const { return (v - low) / (high - low); }
  double Raw(double y) const { return low + y * (high - low); }
};

// A fitted population model as written by `jumeau cohort fit --out`.
struct ProgressionModel {
  models::progression::PopulationParameters population;
  std::vector<ProgressionFeature> features;  // population.features of them
  std::string data_source;  // "store cohort.db (12 patients)", "csv x.csv"
  int subjects = 0;
  int visits = 0;
  int iterations = 0;
  int burn_in = 0;
  uint64_t seed = 0;
  double log_likelihood = 0.0;
  bool converged = false;
  std::vector<std::string> warnings;
  std::vector<std::pair<std::string, double>> drift;
  double acceptance_tau = 0, acceptance_xi = 0, acceptance_sources = 0,
         acceptance_population = 0;

  // The model file's JSON document.
  std::string ToJson() const;
  // Parses a model file. kDataLoss "<name>: <reason>" for malformed JSON, a
  // missing field or parameters failing Validate().
  static Result<ProgressionModel> FromJson(std::string_view text,
                                           std::string_view name);
};

// The model of `fit` with its features and provenance.
ProgressionModel MakeProgressionModel(const assimilation::SaemResult& fit,
                                      std::vector<ProgressionFeature> features,
                                      std::string data_source, int subjects,
                                      int visits);

// Options of GatherCohort.
struct CohortGatherOptions {
  std::vector<std::string> codes;  // REQUIRED: feature codes (any system)
  // Declared ranges (same order as codes; unset: from the data, the
  // observed [min, max] widened by 10% of its span on each side).
  std::vector<std::optional<std::pair<double, double>>> ranges;
  std::vector<std::string> patients;  // pseudonyms; empty = every patient
};

// A cohort read from the store.
struct GatheredCohort {
  assimilation::CohortData data;  // normalised values, ages in years
  std::vector<ProgressionFeature> features;
  std::vector<std::string> warnings;  // skipped patients and why
};

// Gathers the events of options.codes of the chosen patients: one visit per
// calendar day (values of one code on one day averaged), at the patient's
// age in years (birth date from the store: a year is taken as its 1 July).
// Patients with no birth date or no event of the codes are skipped with a
// warning. Returns kInvalidArgument for no codes, a code with no value in
// the cohort, a unit that differs between events of one code, a declared
// range with low == high, a value outside its declared range (naming the
// patient, code, value and time), fewer than 2 patients left, or an unknown
// patient (kNotFound); store errors otherwise.
Result<GatheredCohort> GatherCohort(store::Store& store,
                                    const CohortGatherOptions& options);

// Options of BuildProgressionTwin / SimulateProgressionTwin.
struct ProgressionTwinOptions {
  int samples = 200;  // posterior draws kept [200]; 10..5000
  int burn_in = 300;  // MCMC burn-in [300]
  uint64_t seed = 1;  // [1]
  // Forecast until this instant (unset: 20 years after the last visit).
  std::optional<Time> until;
  int points = 41;  // trajectory points per feature [41]; 2..2000
  // Thresholds "CODE:VALUE" in the feature's raw unit (e.g. "8480-6:140").
  std::vector<std::string> thresholds;
};

// A point of a forecast band, in the feature's raw unit.
struct ProgressionBandPoint {
  Time time;
  double age = 0.0;
  double p5 = 0.0, median = 0.0, p95 = 0.0;
};

// The forecast of one feature.
struct ProgressionFeatureForecast {
  std::string code, unit;
  std::vector<ProgressionBandPoint> points;
};

// When a threshold is crossed, over the posterior draws.
struct ThresholdCrossing {
  std::string code, unit;
  double value = 0.0;                  // raw threshold
  double probability = 0.0;            // share of draws crossing before `until`
  double age_median = 0.0;             // NaN when fewer than half cross
  double age_p5 = 0.0, age_p95 = 0.0;  // NaN when undefined
  std::optional<Time> date_median;
  bool already = false;  // the median crossing is before the last visit
};

// One observed value with the personalised prediction.
struct ProgressionObservation {
  std::string code, unit;
  Time time;
  double age = 0.0;
  double value = 0.0;      // raw
  double predicted = 0.0;  // raw, at the posterior mean
};

// A progression twin: what its snapshot holds.
struct ProgressionTwinReport {
  int64_t snapshot_id = 0;
  Time created;
  std::string model;                  // "logistic_progression"
  std::string model_version;          // "1.0.0"
  std::string population_model_hash;  // hex BLAKE2b-256 of the model file
  ProgressionModel population;        // the population model used
  Time birth;
  Time data_from, data_to;
  models::progression::IndividualParameters mean;
  double tau_sd = 0, xi_sd = 0;
  std::vector<double> sources_sd;
  std::vector<models::progression::IndividualParameters> samples;
  uint64_t seed = 0;
  double acceptance = 0;
  std::vector<ProgressionObservation> observed;
  std::vector<ProgressionFeatureForecast> forecast;
  std::vector<ThresholdCrossing> thresholds;

  std::string ToJson() const;
  static Result<ProgressionTwinReport> FromSnapshot(
      const store::TwinSnapshot& snapshot);
};

// Personalises `model` to `patient`'s visits (gathered as GatherCohort does,
// normalised with the model's ranges), forecasts each feature and the
// threshold crossings, and stores a twin snapshot (model
// "logistic_progression" or "linear_progression").
// Returns the stored twin; nothing is stored on failure: kInvalidArgument
// for bad options, a patient with no birth date or no visit of the model's
// codes ("patient X has no event of 8480-6, ..."), a value outside the
// model's range, a malformed threshold or one on an unknown code; store
// errors otherwise.
Result<ProgressionTwinReport> BuildProgressionTwin(
    store::Store& store, const store::PatientInfo& patient,
    const ProgressionModel& model, std::string model_hash,
    const ProgressionTwinOptions& options = {});

// Recomputes the forecast of the patient's latest progression snapshot from
// its stored posterior draws until options.until (thresholds from options).
// Stores nothing. kFailedPrecondition when the patient has no progression
// twin; kInvalidArgument for bad options or until before the last visit;
// kDataLoss for a malformed snapshot.
Result<ProgressionTwinReport> SimulateProgressionTwin(
    store::Store& store, const store::PatientInfo& patient,
    const ProgressionTwinOptions& options);

// Pure: the forecast bands of `model` over `samples` from age `from_age` to
// `to_age` (points ages, equally spaced), times from `birth`.
std::vector<ProgressionFeatureForecast> ForecastBands(
    const ProgressionModel& model,
    const std::vector<models::progression::IndividualParameters>& samples,
    Time birth, double from_age, double to_age, int points);

// True when `model_name` names a progression twin snapshot.
bool IsProgressionModel(std::string_view model_name);

}  // namespace jumeau::derive

#endif  // JUMEAU_DERIVE_PROGRESSION_TWIN_H_
