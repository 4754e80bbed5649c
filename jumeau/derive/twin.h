// The patient's twin built from the stored record: observations gathered
// from the record (cuff or invasive pressures, heart rate, ejection fraction,
// cardiac output), a calibration of the model (jumeau/assimilation/), and a
// twin snapshot stored with its posterior, residuals and outputs. Layer:
// derive (above store/, models/ and assimilation/), below cli/ and server/.
#ifndef JUMEAU_DERIVE_TWIN_H_
#define JUMEAU_DERIVE_TWIN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "jumeau/core/event.h"
#include "jumeau/core/status.h"
#include "jumeau/core/time.h"
#include "jumeau/store/store.h"

namespace jumeau::derive {

// Options of BuildCardioTwin; defaults in brackets.
struct TwinOptions {
  // The model: only "cardio" (Regazzoni et al. 2022) for now. ["cardio"]
  std::string model = "cardio";
  // Use only observations at or before this instant. Unset: all. [unset]
  std::optional<Time> as_of;
  // Invasive pressures (abp analysis beats) are averaged over this much time
  // ending at the latest beat. [5 min]
  Duration abp_window = Duration::Seconds(300);
  // Measurement sds (Gaussian errors) given to the calibration:
  // one cuff systolic or diastolic reading (the ISO 81060-2 limit is a mean
  // error <= 5 mmHg with sd <= 8 mmHg; we take 5) [5 mm[Hg]];
  double cuff_pressure_sd_mmhg = 5.0;
  // an invasive pressure averaged over many beats (transducer zero and
  // calibration dominate, not beat-to-beat noise) [2 mm[Hg]];
  double invasive_pressure_sd_mmhg = 2.0;
  // an echo ejection fraction (inter-observer spread) [5 %];
  double ejection_fraction_sd_percent = 5.0;
  // a cardiac output (thermodilution or echo) [0.5 L/min];
  double cardiac_output_sd_l_per_min = 0.5;
  // the arterial diastolic decay time constant (the median of the abp
  // analysis's beats over abp_window), as a fraction of its value; 0 leaves
  // it out [0.05: the median's standard error over a 5-minute window is
  // ~1.5% (per-beat IQR/median ~0.3) and two consecutive windows of
  // 03700181 have means 0.8% apart; the rest is room for line damping].
  double decay_time_relative_sd = 0.05;
  // UpdateCardioTwin only: ensemble members [40], seed of the filter's
  // random stream [1], and the persistence forecast's jitter on each
  // parameter, as a fraction of its prior sd in the transformed space
  // [0.05]. REQUIRES (checked): 2 <= ensemble_size <= 10000, jitter finite
  // and >= 0.
  int ensemble_size = 40;
  uint64_t seed = 1;
  double parameter_jitter = 0.05;
};

// One estimated parameter of a twin, at the maximum a posteriori.
struct TwinParameter {
  std::string name;
  std::string unit;
  double map = 0.0;    // in unit
  double lower = 0.0;  // 90% credible interval, in unit
  double upper = 0.0;
  double prior_median = 0.0;  // in unit
  bool log_space = false;     // sds below are of log(value) when true
  double prior_sd = 0.0;
  double posterior_sd = 0.0;
  bool informed = false;  // the data narrowed the prior (see Calibrate)
};

// One observation used by a twin, with its residual at the MAP.
struct TwinObservation {
  std::string output;  // model output: "systolic_pressure"
  Code code;           // the code in the record: LOINC 8480-6 or 76215-4
  double value = 0.0;  // observed (a mean for averaged beats), in unit
  std::string unit;    // the model output's unit
  double sd = 0.0;     // measurement sd given to the calibration
  Time from;           // time of the (first) event used
  Time to;             // time of the last event used
  int64_t count = 1;   // events averaged
  std::string source;  // "source 3 (jumeau.io.fhir) Observation/17" or
                       // "abp/1 (derived, channel ABP)"
  double predicted = 0.0;
  double standardized = 0.0;  // (value - predicted) / sd
};

// One model output at the MAP.
struct TwinOutput {
  std::string name;  // "lv_end_diastolic_volume"
  std::string unit;
  double value = 0.0;
};

// How a sequential update (UpdateCardioTwin) moved a twin: the ensemble
// Kalman filter's settings and its residuals before and after the analysis.
struct TwinUpdate {
  int64_t prior_snapshot_id = 0;  // the snapshot the ensemble started from
  int ensemble_size = 0;
  uint64_t seed = 0;
  double parameter_jitter = 0.0;  // fraction of the prior sd
  // Per observation (TwinReport::observations order), in its unit:
  // observed - forecast ensemble mean of the predictions, and observed -
  // the model's prediction at the posterior mean.
  std::vector<double> innovation;
  std::vector<double> residual;
  double normalized_innovation_rms = 0.0;  // ~1 when the filter is consistent
  double forecast_spread = 0.0;  // rms ensemble sd, transformed space
  double analysis_spread = 0.0;
};

// A twin: what a snapshot holds, readable back from the store.
struct TwinReport {
  int64_t snapshot_id = 0;  // 0 until stored
  Time created;             // when stored
  // "calibration" (BuildCardioTwin: MAP and Laplace covariance) or "enkf"
  // (UpdateCardioTwin: ensemble mean and covariance; `map` then holds the
  // back-transformed ensemble mean, the median for log-space parameters).
  std::string method = "calibration";
  std::optional<TwinUpdate> update;  // set when method is "enkf"
  std::string model;        // "regazzoni2022_cardio"
  std::string model_version;
  Time data_from;
  Time data_to;
  double heart_rate_per_min = 0.0;  // the input taken from the record
  std::string heart_rate_source;
  std::vector<TwinParameter> parameters;  // the estimated ones
  // Laplace posterior covariance, parameters order, in the transformed
  // space (log of the value for log_space parameters).
  std::vector<std::vector<double>> covariance;
  std::vector<TwinObservation> observations;
  std::vector<TwinOutput> outputs;  // all model outputs at the MAP
  std::vector<std::string> not_informed;
  std::vector<std::string> weak_directions;  // "0.71 c_ar_sys - 0.70 r_ar_sys"
  bool converged = false;
  int iterations = 0;

  // The JSON document stored as TwinSnapshot::data_json (and printed by
  // `jumeau twin ... --json`, with the snapshot fields added).
  std::string ToJson() const;
  // Reads a stored snapshot back. Returns kDataLoss naming the snapshot
  // when its JSON is malformed or lacks a field.
  static Result<TwinReport> FromSnapshot(const store::TwinSnapshot& snapshot);
};

// Builds the cardiovascular twin of `patient` and stores it as a snapshot.
// Observations: when the record holds abp analysis beats (origin "abp/1",
// LOINC 76215-4/76214-7/76213-9), their systolic, diastolic and mean
// pressures averaged over options.abp_window ending at the latest beat, and
// the heart rate from those beats' durations; otherwise the latest cuff
// systolic (8480-6) and diastolic (8462-4) pressures and the latest heart
// rate (8867-4). The latest ejection fraction (10230-1) and cardiac output
// (8741-1) are added when present. The heart rate is an input (fixed), with
// the chambers' activation timings scaled to it (durations by sqrt(T/T0),
// onsets by T/T0, T0 = 0.8 s), and the parameters of
// assimilation::CardioCalibrationParameters() are estimated.
// Returns the stored twin on success. Nothing is stored on failure:
// kInvalidArgument for an unknown model, no systolic/diastolic pressure in
// the record ("no systolic/diastolic pressure in the record"), no heart
// rate, a value whose unit does not convert to the model's (the message
// names the code, the unit and the source), a heart rate outside the model's
// bounds; kOutOfRange when the solver fails (the model's message); store
// errors otherwise.
Result<TwinReport> BuildCardioTwin(store::Store& store,
                                   const store::PatientInfo& patient,
                                   const TwinOptions& options = {});

// Updates the patient's latest twin with the observations newer than its
// data window, visit by visit in time order: the cuff pressures, ejection
// fractions and cardiac outputs after the window end and at or before
// options.as_of are grouped into visits (readings within kTwinVisitSpan of
// a visit's first one), and each visit is one analysis of an ensemble
// Kalman filter on the estimated parameters, from the twin the previous
// visit left: options.ensemble_size members drawn from its estimate and
// covariance in the transformed space (log for log-space parameters), a
// persistence forecast with options.parameter_jitter, the warm-started
// steady-state outputs as observation function, the heart rate input from
// the visit's data (else the previous twin's). New invasive beats (abp
// analysis) are one analysis of their window. Returns the new snapshots
// (method "enkf"), oldest first, each naming its prior snapshot; they are
// stored only once every analysis has succeeded.
// Nothing is stored on failure: kFailedPrecondition when the patient has no
// twin ("no twin yet; run `jumeau twin build` first") or when there is no
// new observation ("no new observations since <data end>");
// kInvalidArgument for bad options or as BuildCardioTwin; kDataLoss for a
// malformed snapshot; kOutOfRange when the solver or the filter fails;
// store errors otherwise.
inline constexpr Duration kTwinVisitSpan = Duration::Hours(1);
Result<std::vector<TwinReport>> UpdateCardioTwin(
    store::Store& store, const store::PatientInfo& patient,
    const TwinOptions& options = {});

// The patient's stored cardiovascular twins, oldest first, read back from
// their snapshots (brain and progression twins are read by brain_twin.h and
// progression_twin.h).
// Returns kDataLoss for a malformed snapshot; store errors otherwise.
Result<std::vector<TwinReport>> TwinHistory(store::Store& store,
                                            const store::PatientInfo& patient);

// Options of SimulateCardioTwin; defaults in brackets.
struct TwinSimulationOptions {
  // One scenario (REQUIRED): "hr=+20" / "hr=-10" (heart rate change, /min)
  // or "hr=110" (heart rate, /min); "resistance=-20%" (systemic arterial
  // resistance r_ar_sys scaled, e.g. an antihypertensive);
  // "contractility=-30%" (LV active elastance e_active_lv scaled, e.g.
  // heart failure); "volume=-500" (mL of circulating blood added (+) or
  // lost (-), taken from the systemic veins' initial pressure).
  std::string scenario;
  // Posterior samples for the uncertainty bands [30] and their seed [1].
  // REQUIRES (checked): 2 <= samples <= 1000.
  int samples = 30;
  uint64_t seed = 1;
  // Also sample one steady beat of the scenario at the MAP (the PV loop),
  // at this many equally spaced instants including both ends (0: none) [0].
  // REQUIRES (checked): 0 or 3..100000.
  int waveform_points = 0;
};

// A steady-state output's value at the MAP (posterior median for an "enkf"
// snapshot) and its 5th, 50th and 95th percentiles over the samples.
struct TwinBand {
  double map = 0.0;
  double p5 = 0.0;
  double median = 0.0;
  double p95 = 0.0;
};

// One model output (models::CardioOutput order) under baseline and scenario.
struct TwinSimulatedOutput {
  std::string name;  // "mean_arterial_pressure"
  std::string unit;
  TwinBand baseline;
  TwinBand scenario;
};

// The result of SimulateCardioTwin; nothing of it is stored.
struct TwinSimulation {
  int64_t snapshot_id = 0;  // the snapshot simulated
  std::string scenario;     // as given
  std::string description;  // "r_ar_sys x 0.8"
  double baseline_heart_rate_per_min = 0.0;
  double scenario_heart_rate_per_min = 0.0;
  int samples = 0;         // requested
  int failed_samples = 0;  // whose baseline or scenario did not simulate
  uint64_t seed = 0;
  std::vector<TwinSimulatedOutput> outputs;
  // One steady beat of the scenario at the MAP when requested: seconds
  // from the beat start, LV pressure (mm[Hg]), LV volume (mL), aortic
  // pressure (mm[Hg]). Empty otherwise.
  std::vector<double> time_s, lv_pressure, lv_volume, aortic_pressure;
};

// Simulates the patient's latest twin snapshot at its steady state under
// the baseline (the snapshot's parameters and heart rate input) and under
// options.scenario, at the MAP and for options.samples draws from the
// snapshot's posterior (its estimate and covariance in the transformed
// space: log for log-space parameters; the same draws for baseline and
// scenario), with the chambers' timings scaled to the heart rate as
// BuildCardioTwin does. Stores nothing.
// Returns the simulation on success; kFailedPrecondition when the patient
// has no twin; kInvalidArgument for an unknown or malformed scenario, bad
// options, a scenario outside the model's bounds (heart rate, a parameter,
// or a blood loss that empties the systemic veins); kDataLoss for a malformed
// snapshot; kOutOfRange when the MAP does not simulate or every sample
// fails; store errors otherwise.
Result<TwinSimulation> SimulateCardioTwin(store::Store& store,
                                          const store::PatientInfo& patient,
                                          const TwinSimulationOptions& options);

}  // namespace jumeau::derive

#endif  // JUMEAU_DERIVE_TWIN_H_
