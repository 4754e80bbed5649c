// The patient's brain twin: a network of neural masses (models/brain/) on
// the patient's structural connectome, projected to 10-20 EEG sensors,
// personalised to the EEG features of the stored record (analysis/
// eeg_features.h) by ensemble Kalman inversion (assimilation/
// ensemble_inversion.h), stored as a twin snapshot that carries the
// connectome it used; what-if scenarios (resection, disconnection,
// stimulation) are simulations from the snapshot. Layer: derive (above
// store/, analysis/, models/, assimilation/), below cli/.
#ifndef JUMEAU_DERIVE_BRAIN_TWIN_H_
#define JUMEAU_DERIVE_BRAIN_TWIN_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "jumeau/core/status.h"
#include "jumeau/core/time.h"
#include "jumeau/models/brain/network.h"
#include "jumeau/models/brain/sensors.h"
#include "jumeau/models/model.h"
#include "jumeau/store/store.h"

namespace jumeau::derive {

// Snapshot model names of the brain twins.
inline constexpr char kJansenRitNetworkModel[] = "jansen_rit_network";
inline constexpr char kEpileptorNetworkModel[] = "epileptor_network";
inline constexpr char kBrainTwinVersion[] = "1.0.0";
// The source format of the EEG a Jansen-Rit twin simulates at its estimate
// (stored as a source of the patient, content hash
// "derived:brain-twin-eeg/<version>:<pseudonym>", replaced by each build).
// Real-EEG consumers that must not see it (the twin's own fit) skip it;
// `jumeau analyze --what eeg` analyses it like any EEG.
inline constexpr char kSimulatedEegFormat[] = "simulated EEG";
bool IsBrainTwinModel(std::string_view model);

// The EEG features the Jansen-Rit twin is fitted to, each the mean over
// EEG channels of analysis::ComputeEegFeatures (Welch, 2 s Hann segments):
// alpha peak frequency (Hz; where a channel has no local maximum in 8-13 Hz,
// the frequency of its largest 8-13 Hz bin) and the relative power in the
// delta, theta, alpha and beta bands (gamma is 1 minus their sum).
std::vector<std::string> BrainFeatureNames();

// Options of BuildBrainTwin; defaults in brackets.
struct BrainTwinOptions {
  // "jansen_rit" (personalised to EEG) or "epileptor" (a hypothesis of the
  // epileptogenic zone, no fit). ["jansen_rit"]
  std::string neural_mass = "jansen_rit";
  // Jansen-Rit simulations of the personalisation: step [0.125 ms],
  // simulated time [3000 ms] of which the first transient_ms [1000] are
  // discarded; EEG sampled at 1 kHz (1 ms temporal average).
  double dt_ms = 0.125;
  double duration_ms = 3000.0;
  double transient_ms = 1000.0;
  // ES-MDA: members [24], assimilations [4], seed [1].
  int ensemble_size = 24;
  int iterations = 4;
  uint64_t seed = 1;
  // Measurement sds of the features: alpha peak [0.5 Hz], relative band
  // powers [0.05].
  double alpha_peak_sd_hz = 0.5;
  double relative_power_sd = 0.05;
  // Patient EEG analysed: the first `eeg_span` of each stored EEG channel
  // (unit uV) [120 s].
  Duration eeg_span = Duration::Seconds(120);
  // Epileptor: hypothesised epileptogenic zone (region labels; x0 = ez_x0
  // there, healthy_x0 elsewhere), permittivity coupling Ks [-2] with
  // Difference coupling a [1] on max-normalised weights, simulated time
  // [10000 ms] at dt [0.0625 ms].
  std::vector<std::string> ez_regions;
  double ez_x0 = -1.6;
  double healthy_x0 = -2.4;
  double epileptor_ks = -2.0;
  double epileptor_duration_ms = 10000.0;
  // The EEG forward model: a gain matrix (e.g. read by io::ReadSensorGain;
  // regions must match the connectivity), or, when empty, the 10-20
  // distance approximation of models/brain/sensors.h. Stored in the snapshot.
  models::brain::SensorProjection sensors;
  // Jansen-Rit: after the fit, the EEG simulated at the estimate (at the
  // sensors, simulated_eeg_seconds [10] after the transient, 1 ms model
  // output averaged over simulated_eeg_decimation [4] samples: 250 Hz) is
  // stored as a source of the patient when store_simulated_eeg [true].
  bool store_simulated_eeg = true;
  double simulated_eeg_seconds = 10.0;
  int simulated_eeg_decimation = 4;
  // Where the connectome came from (path) and its content hash, recorded in
  // the snapshot.
  std::string connectome_source;
  std::string connectome_hash;
};

// The patient's EEG features (BrainFeatureNames order) and what they came
// from.
struct PatientEegFeatures {
  std::vector<double> values;
  std::vector<std::string> channels;  // stream names used
  Time from;
  Time to;
};

// Gathers the features from every stored EEG stream of the patient (unit
// uV, not derived, at least 64 Hz). Returns them; kFailedPrecondition when
// the record has no usable EEG ("no EEG in the record"); store errors.
Result<PatientEegFeatures> GatherPatientEegFeatures(
    store::Store& store, const store::PatientInfo& patient,
    const BrainTwinOptions& options = {});

// The features of a simulated network: y1 - y2 projected to the sensors,
// samples after `transient_ms`. Returns BrainFeatureNames() values;
// simulation errors (OutOfRange when it diverges); InvalidArgument when
// fewer than 2 s remain after the transient.
Result<std::vector<double>> SimulatedEegFeatures(
    const models::brain::Connectivity& connectivity,
    const models::brain::NetworkConfig& config,
    const models::brain::SensorProjection& projection, double transient_ms);

// The Jansen-Rit network configuration of the twin for parameters
// {global coupling (linear a), conduction speed (mm/ms), mu (/ms)}.
models::brain::NetworkConfig JansenRitTwinConfig(
    std::span<const double> parameters, const BrainTwinOptions& options);

// The personalised parameters and their priors: global_coupling (1,
// log-normal, median 1e-4), conduction_speed (mm/ms, log-normal, median 3),
// mu (/ms, normal 0.22 sd 0.03).
std::vector<models::ParameterSpec> JansenRitTwinParameters();

// One seizure-propagation map: per region, whether and when it seizes.
struct PropagationMap {
  std::vector<std::string> seizing;  // labels, by first onset
  std::vector<double> onset_ms;      // same order
  std::vector<int> episodes;         // same order
};

// What a brain twin snapshot holds (its data_json), read back.
struct BrainTwinReport {
  int64_t snapshot_id = 0;
  Time created;
  std::string model;  // kJansenRitNetworkModel or kEpileptorNetworkModel
  std::string model_version = kBrainTwinVersion;
  std::string method;  // "ensemble_kalman_inversion" or "hypothesis"
  Time data_from;
  Time data_to;
  std::string connectome_source;
  std::string connectome_hash;
  models::brain::Connectivity connectivity;
  // The EEG forward model used ("10-20 distance approximation" or "gain
  // file"), with its sensors and gain.
  std::string sensor_model;
  models::brain::SensorProjection sensors;
  // Estimated parameters (Jansen-Rit) with 90% intervals.
  struct Parameter {
    std::string name, unit;
    double estimate = 0, lower = 0, upper = 0, prior_median = 0;
    bool log_space = false, informed = false;
    double prior_sd = 0, posterior_sd = 0;
  };
  std::vector<Parameter> parameters;
  std::vector<std::vector<double>> covariance;  // transformed space
  // Observations (features) with prediction and standardized residual.
  struct Observation {
    std::string feature;
    double value = 0, sd = 0, predicted = 0, standardized = 0;
  };
  std::vector<Observation> observations;
  std::vector<std::string> eeg_channels;
  double rms_standardized = 0;  // fit quality
  // Jansen-Rit: the stored simulated EEG (kSimulatedEegFormat) and its
  // features (BrainFeatureNames order, mean over sensors) computed from the
  // stored series before quantisation. Empty source_hash: none stored.
  struct SimulatedEeg {
    std::string source_hash;
    double rate_hz = 0;
    double seconds = 0;
    Time start;
    std::vector<std::string> channels;  // stream labels
    std::vector<double> features;
  };
  SimulatedEeg simulated_eeg;
  int evaluations = 0;
  double fit_seconds = 0;
  // Epileptor: the hypothesis and its propagation map.
  std::vector<std::string> ez_regions;
  double ez_x0 = -1.6, healthy_x0 = -2.4, epileptor_ks = -2.0;
  double epileptor_duration_ms = 10000.0;
  PropagationMap propagation;

  std::string ToJson() const;
  static Result<BrainTwinReport> FromSnapshot(const store::TwinSnapshot& s);
};

// Builds the brain twin of `patient` on `connectivity` and stores a
// snapshot. Jansen-Rit: personalised to GatherPatientEegFeatures. Epileptor:
// the options' hypothesis (ez_regions required) and its propagation map.
// Jansen-Rit also stores the EEG simulated at the estimate (see
// BrainTwinOptions::store_simulated_eeg), replacing the previous one.
// Returns the stored twin; kInvalidArgument for an unknown neural mass, a
// bad connectivity, an unknown EZ region; kFailedPrecondition for no EEG;
// kOutOfRange when the fit fails; store errors. Nothing stored on failure.
Result<BrainTwinReport> BuildBrainTwin(
    store::Store& store, const store::PatientInfo& patient,
    const models::brain::Connectivity& connectivity,
    const BrainTwinOptions& options = {});

// The patient's latest brain twin. kFailedPrecondition when none.
Result<BrainTwinReport> LatestBrainTwin(store::Store& store,
                                        const store::PatientInfo& patient);

// A what-if scenario on a brain twin:
//   "resect:R1,R2"          the regions removed (no dynamics, no edges);
//   "disconnect:R1-R2,..."  the edges between the pairs cut, both ways;
//   "stimulate:R1,R2:A[:F]" a current A (JR: /ms added to the y4 input;
//                           Epileptor: added to Iext) on the regions, as
//                           1 ms pulses at F Hz, or constant without F.
struct BrainScenario {
  std::string text;
  std::vector<int> resect;
  std::vector<std::pair<int, int>> disconnect;
  models::brain::Stimulus stimulus;
  std::string description;
};
// Returns the scenario; kInvalidArgument naming the bad part.
Result<BrainScenario> ParseBrainScenario(std::string_view text,
                                         const models::brain::Connectivity& c);
bool IsBrainScenario(std::string_view text);

// The result of SimulateBrainTwin (nothing is stored).
struct BrainSimulation {
  int64_t snapshot_id = 0;
  std::string model;
  std::string scenario;
  std::string description;
  // Jansen-Rit: features at the estimate (baseline, scenario), and 5-95%
  // bands over posterior samples.
  std::vector<std::string> features;
  std::vector<double> baseline, scenario_values;
  std::vector<double> baseline_p5, baseline_p95, scenario_p5, scenario_p95;
  int samples = 0;
  int failed_samples = 0;
  // Epileptor: propagation maps.
  PropagationMap baseline_map, scenario_map;
  std::vector<std::string> no_longer_seizing, newly_seizing;
};

struct BrainSimulationOptions {
  std::string scenario;  // REQUIRED
  int samples = 10;      // posterior samples for JR bands (0: none)
  uint64_t seed = 1;
};

// Simulates the latest brain twin under baseline and the scenario.
// Returns the simulation; kFailedPrecondition when there is no brain twin;
// kInvalidArgument for a bad scenario; kOutOfRange when the simulation
// fails at the estimate; kDataLoss for a malformed snapshot.
Result<BrainSimulation> SimulateBrainTwin(
    store::Store& store, const store::PatientInfo& patient,
    const BrainSimulationOptions& options);

// The Epileptor propagation map of `connectivity` (weights normalised to
// their maximum) with x0 per region, under an optional scenario.
Result<PropagationMap> EpileptorPropagation(
    const models::brain::Connectivity& connectivity,
    const std::vector<double>& region_x0, double ks, double duration_ms,
    const BrainScenario* scenario = nullptr);

// Personalisation of the Epileptor's excitability x0 per region (the VEP's
// question: which regions are epileptogenic) from region-level seizure
// data: the fraction of time each region spends in seizure. The forward
// model is the Epileptor2D network (Proix et al. 2014) with permittivity
// coupling Ks on max-normalised weights (Difference, a = 1), deterministic
// Heun; x0 is estimated for `candidate_regions` (others fixed at
// healthy_x0) by ES-MDA. Not yet wired to the record: the store holds no
// SEEG; the input is an array, e.g. from a synthetic patient.
struct EpileptorFitOptions {
  std::vector<std::string> candidate_regions;  // REQUIRED, labels
  double prior_mean = -2.2;  // x0 prior N(mean, sd^2), bounds [-3, -1.2]
  double prior_sd = 0.4;
  double healthy_x0 = -2.4;
  double ks = -2.0;
  double dt_ms = 0.25;
  double duration_ms = 10000.0;
  double fraction_sd = 0.05;  // measurement sd of each fraction
  int ensemble_size = 24;
  int iterations = 4;
  uint64_t seed = 1;
};

// The fraction of `duration_ms` each region spends in seizure (x1 > 0,
// 1 ms averages) in the Epileptor2D network with x0 per region.
// Returns n fractions in [0, 1]; simulation errors.
Result<std::vector<double>> EpileptorSeizureFractions(
    const models::brain::Connectivity& connectivity,
    const std::vector<double>& region_x0, const EpileptorFitOptions& options);

// One estimated x0 per candidate region (label, estimate, 90% interval).
struct EpileptorFit {
  std::vector<std::string> regions;
  std::vector<double> x0, lower, upper;
  double rms_standardized = 0.0;
  int evaluations = 0;
};

// Fits x0 of options.candidate_regions to `observed_fractions` (one per
// region). Returns the fit; kInvalidArgument for an unknown region or a
// wrong number of fractions; kOutOfRange when the fit fails.
Result<EpileptorFit> FitEpileptorExcitability(
    const models::brain::Connectivity& connectivity,
    const std::vector<double>& observed_fractions,
    const EpileptorFitOptions& options);

}  // namespace jumeau::derive

#endif  // JUMEAU_DERIVE_BRAIN_TWIN_H_
