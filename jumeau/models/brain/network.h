// A network of neural masses (neural_mass.h) wired by a structural
// connectome: long-range coupling through the weights (linear, sigmoidal
// Jansen-Rit, or difference), conduction delays from tract lengths and a
// speed (held in a ring buffer of past states), additive noise, and the Heun
// (deterministic or stochastic) or Euler-Maruyama integrator, with a
// temporal-average monitor. The conventions are The Virtual Brain's (TVB
// 2.x), so the same configuration gives the same trajectories; see
// docs/brain.md. Pure (jumeau/models/brain/): no io, no store.
#ifndef JUMEAU_MODELS_BRAIN_NETWORK_H_
#define JUMEAU_MODELS_BRAIN_NETWORK_H_

#include <cstdint>
#include <string>
#include <vector>

#include "jumeau/core/status.h"
#include "jumeau/models/brain/neural_mass.h"

namespace jumeau::models::brain {

// A structural connectome: region labels, weights W (row i = target, column
// j = source: region i receives W[i][j] times region j's output, TVB's
// convention), tract lengths in mm, and optionally region centres in mm
// (x anterior, y left, z superior for TVB's default connectivity).
struct Connectivity {
  std::vector<std::string> labels;       // n
  std::vector<double> weights;           // n*n, row-major
  std::vector<double> tract_lengths_mm;  // n*n, row-major
  std::vector<double> centres_mm;        // n*3 or empty
  int regions() const { return static_cast<int>(labels.size()); }
};

// Returns Ok when sizes agree (n >= 1), weights and lengths are finite and
// >= 0, and centres are finite; else InvalidArgument naming the first
// problem ("weights[3][7] = -1 is negative").
Status ValidateConnectivity(const Connectivity& connectivity);

// Index of the region labelled `label` (exact match), or -1.
int FindRegion(const Connectivity& connectivity, const std::string& label);

// Scales the weights so that the largest is 1 (TVB's "normalised by the
// maximum", used with the Epileptor's difference coupling); all-zero
// weights are left as they are.
void NormalizeWeightsToMax(Connectivity* connectivity);

// The long-range coupling function (TVB's coupling classes):
//   kLinear:  c_i = a sum_j W_ij x_j(t - d_ij) + b
//   kSigmoidalJansenRit (JR only, x = y1 - y2):
//             c_i = a sum_j W_ij (cmin + (cmax - cmin) / (1 + exp(r (midpoint -
//             x_j(t - d_ij)))))
//   kDifference: c_i = a sum_j W_ij (x_j(t - d_ij) - x_i(t))
// The coupled variables are TVB's: y1 for JR (linear) or y1 - y2
// (sigmoidal); x1 and x2 for the Epileptor; x1 for the Epileptor2D.
enum class CouplingKind { kLinear, kSigmoidalJansenRit, kDifference };

struct Coupling {
  CouplingKind kind = CouplingKind::kLinear;
  double a = 0.00390625;  // TVB Linear default 2^-8 (global coupling)
  double b = 0.0;
  double cmin = 0.0, cmax = 0.005, midpoint = 6.0, r = 0.56;  // sigmoidal
};

enum class IntegratorKind {
  // X~ = X + dt f(X, c) + e;  X' = X + dt/2 (f(X, c) + f(X~, c)) + e.
  kHeun,
  // X' = X + dt f(X, c) + e.
  kEulerMaruyama,
};

// A stimulus: a current added to the listed regions (JR: inside the y4
// equation, in /ms like mu; Epileptor: to Iext) during [start_ms,
// start_ms + duration_ms); pulsed at frequency_hz with pulse_width_ms wide
// pulses when frequency_hz > 0, constant otherwise.
struct Stimulus {
  std::vector<int> regions;
  double amplitude = 0.0;
  double start_ms = 0.0;
  double duration_ms = 0.0;
  double frequency_hz = 0.0;
  double pulse_width_ms = 1.0;
};

// Everything a network simulation needs besides the connectivity.
// Defaults in brackets.
struct NetworkConfig {
  NeuralMassKind model = NeuralMassKind::kJansenRit;
  JansenRitConstants jansen_rit;
  EpileptorConstants epileptor;
  // Per-region excitability: JR mu (empty: jansen_rit.mu everywhere);
  // Epileptor x0 (empty: -2.4 everywhere). Size n when set.
  std::vector<double> region_mu;
  std::vector<double> region_x0;
  Coupling coupling;
  // Conduction speed [3 mm/ms]; delays d_ij = rint(L_ij / speed / dt)
  // steps (round half to even, as numpy.rint). speed <= 0 or infinite:
  // no delays.
  double speed_mm_per_ms = 3.0;
  IntegratorKind integrator = IntegratorKind::kHeun;
  double dt_ms = 0.0625;  // [2^-4 ms]
  double duration_ms = 1000.0;
  // Additive noise: per state variable, TVB's nsig (D); each step adds
  // sqrt(dt) N(0,1) sqrt(2 nsig) (the same draw in Heun's predictor and
  // corrector). Empty or all zero: deterministic.
  std::vector<double> noise_nsig;
  uint64_t seed = 42;
  // Constant initial history, one value per state variable (empty: the
  // model's default: zeros for JR; the resting point of an isolated
  // Epileptor with x0 = -2.4 (TVB reference runs) for the Epileptors).
  std::vector<double> initial_state;
  // Temporal-average monitor period [1 ms]: sample k is the mean of the
  // states after steps m k + 1 .. m k + m, m = round(period / dt).
  double monitor_period_ms = 1.0;
  // Regions removed (virtual resection): they are not integrated, and
  // neither send nor receive coupling; their outputs are NaN. Size n or
  // empty.
  std::vector<bool> removed;
  std::vector<Stimulus> stimuli;
};

// The monitored outputs of a simulation: `observables` names (JR: "y1-y2"
// in mV; Epileptor: "x2-x1", "z"; Epileptor2D: "x1", "z"), each a
// samples x regions row-major array. Sample k is stamped (k + 0.5) * period.
struct NetworkTrace {
  int regions = 0;
  int samples = 0;
  double period_ms = 1.0;
  std::vector<std::string> observables;
  std::vector<std::string> units;
  std::vector<std::vector<double>> values;  // [observable][sample * n + region]
  int64_t steps = 0;
  int max_delay_steps = 0;

  double at(int observable, int sample, int region) const {
    return values[observable]
                 [static_cast<std::size_t>(sample) * regions + region];
  }
};

// Simulates the network for config.duration_ms.
// Returns the trace; InvalidArgument when the connectivity fails
// ValidateConnectivity, a per-region vector has the wrong size, dt,
// duration or the monitor period are not positive and finite (or the
// period is not a whole number of steps within 1e-9), noise or initial
// state have the wrong size, a stimulus names an unknown region, or the
// delays need more than 2^24 steps of history; OutOfRange when the state
// becomes non-finite (the message names the region and time).
Result<NetworkTrace> SimulateNetwork(const Connectivity& connectivity,
                                     const NetworkConfig& config);

// The number of state variables of `kind` (6, 6, 2).
int StateCount(NeuralMassKind kind);

// Seizures in an Epileptor trace, by the rule of the TVB reference
// (docs/brain.md): a region seizes when its x2 - x1 (x1 for the 2D model:
// x1 > 0 there) crosses the threshold; onsets are the first sample of each
// episode, episodes split by gaps longer than `gap_ms`.
struct RegionSeizures {
  int region = 0;
  bool seizes = false;
  double onset_ms = 0.0;  // first onset (stamp of the first sample)
  std::vector<double> onsets_ms;
  double ms_in_seizure = 0.0;
};
// REQUIRES: trace from an Epileptor model.
std::vector<RegionSeizures> DetectSeizures(const NetworkTrace& trace,
                                           NeuralMassKind kind,
                                           double gap_ms = 200.0);

}  // namespace jumeau::models::brain

#endif  // JUMEAU_MODELS_BRAIN_NETWORK_H_
