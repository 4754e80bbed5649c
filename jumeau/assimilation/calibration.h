// Batch calibration of the twin (jumeau/assimilation, above models/): the
// maximum a posteriori estimate of a chosen subset of a Model's parameters
// from observations (code, value, sd) and the model's priors, by Levenberg-
// Marquardt on the negative log posterior with finite-difference Jacobians,
// then a Laplace posterior covariance, credible intervals and a report of
// which parameters the data do not inform (identifiability).
#ifndef JUMEAU_ASSIMILATION_CALIBRATION_H_
#define JUMEAU_ASSIMILATION_CALIBRATION_H_

#include <Eigen/Dense>
#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "jumeau/core/event.h"
#include "jumeau/core/status.h"
#include "jumeau/models/cardio.h"
#include "jumeau/models/model.h"

namespace jumeau::assimilation {

// One measurement of a model output: the code it carries (matched to
// Model::outputs() by system and code), its value and the standard
// deviation of its measurement error (Gaussian, independent). The same code
// may appear several times (repeated readings).
struct Observation {
  Code code;           // {code_system::kLoinc, "8480-6", ...}
  double value = 0.0;  // in `unit`
  double sd = 0.0;     // > 0, in `unit`
  std::string unit;    // UCUM; empty = the model output's unit
};

// Observation operator: parameters (Model::parameters() order, units) to one
// value per Model::outputs() entry. Model::Observe is one; a stateful one
// (warm-started, MakeWarmStartedCardioObservation) may keep a cache, so an
// instance is used from one thread at a time.
using ObservationFunction =
    std::function<Result<std::vector<double>>(std::span<const double>)>;

// Options of Calibrate; defaults in brackets.
struct CalibrationOptions {
  // Names of the parameters to estimate (Model::parameters() names). All
  // others keep their value in `base_parameters` (e.g. heart rate, an input
  // taken from the data). REQUIRES: non-empty, unique, known.
  std::vector<std::string> estimate;
  // Levenberg-Marquardt iterations (accepted or rejected steps). [60]
  int max_iterations = 60;
  // Stop when the step in the transformed space (log for log-normal priors,
  // in units of the prior sd) is below this. [1e-4]
  double step_tolerance = 1e-4;
  // Stop when the cost decreases by less than this (absolute, cost =
  // negative log posterior up to a constant). [1e-7]
  double cost_tolerance = 1e-7;
  // Forward-difference step, in units of each parameter's prior scale in
  // the transformed space (0.1 x a log-sd of 0.3: a 3% change). It must
  // dwarf the steady-state tolerance of the observation: a warm-started
  // steady state stops within ~tolerance / (1 - contraction per beat) of the
  // limit cycle, so a tiny step sees mostly that error. Measured on the
  // cardio model (WarmStartedCardioOptions): Jacobian entries within 4% of
  // a tight-tolerance reference at 0.1, up to 12% off (and c_ven_sys's
  // column lost) at 0.03. [0.1]
  double finite_difference_step = 0.1;
  // Initial damping, relative to the diagonal of J^T J. [1e-3]
  double initial_damping = 1e-3;
  // Two-sided credible level of the intervals. [0.9]
  double credible_level = 0.9;
  // A parameter is reported as not informed when its posterior sd exceeds
  // this fraction of its prior sd (both in the transformed space). [0.5]
  double informed_sd_ratio = 0.5;
  // A direction of the Fisher information, scaled by the prior sds, whose
  // eigenvalue is below this (the data say less than the prior there) is
  // reported as weakly informed. [1.0]
  double weak_direction_eigenvalue = 1.0;
};

// The posterior of one estimated parameter.
struct ParameterEstimate {
  std::string name;
  std::string unit;
  std::size_t index = 0;      // in Model::parameters()
  bool log_space = false;     // estimated as log(value) (log-normal prior)
  double prior_median = 0.0;  // in unit
  double map = 0.0;           // the MAP estimate, in unit
  double lower = 0.0;         // credible interval, in unit
  double upper = 0.0;
  double prior_sd = 0.0;      // transformed space (log units if log_space)
  double posterior_sd = 0.0;  // transformed space
  bool informed = false;      // posterior_sd <= informed_sd_ratio * prior_sd
};

// One observation at the MAP.
struct ObservationResidual {
  std::string output;     // model output name
  double observed = 0.0;  // in the output's unit
  double predicted = 0.0;
  double standardized = 0.0;  // (observed - predicted) / sd
};

// A direction of the prior-scaled Fisher information with a small
// eigenvalue: the combination of parameters the data barely constrain.
struct WeakDirection {
  double eigenvalue = 0.0;
  std::vector<double> vector;  // unit-norm, in estimate order (prior-scaled)
  std::string description;     // "0.71 c_ar_sys - 0.70 r_ar_sys"
};

// The result of Calibrate. `parameters` holds the full parameter vector at
// the MAP (fixed ones unchanged); `covariance` is the Laplace posterior
// covariance of the estimated parameters in the transformed space, in
// `estimates` order.
struct CalibrationSummary {
  std::vector<ParameterEstimate> estimates;
  std::vector<double> parameters;
  Eigen::MatrixXd covariance;
  std::vector<ObservationResidual> residuals;
  std::vector<WeakDirection> weak_directions;
  std::vector<std::string> not_informed;  // names of uninformed parameters
  double initial_cost = 0.0;  // negative log posterior (up to a constant)
  double final_cost = 0.0;
  int iterations = 0;
  int evaluations = 0;     // calls of the observation function
  bool converged = false;  // a tolerance was met before max_iterations
  // Several lines: estimates with intervals, residuals, identifiability.
  std::string BriefReport() const;
};

// Computes the MAP estimate of options.estimate given `observations`, with
// the other parameters fixed at `base_parameters`, starting from the prior
// medians of the estimated parameters.
// Log-normal priors are estimated in log space, normal priors in their unit;
// steps are projected onto the parameter bounds.
// `observe` defaults to model.Observe.
// Returns the summary on success (also when max_iterations is reached:
// converged = false). Returns InvalidArgument for no observations, an
// observation with an unknown code, a unit different from the output's, a
// non-finite value or sd <= 0, an unknown or repeated parameter name, or
// base_parameters failing ValidateParameters; OutOfRange when the
// observation function fails at the starting point or in every direction
// of a finite difference (the message carries the model's error), or the
// posterior precision is singular.
// REQUIRES: base_parameters.size() == model.parameters().size().
Result<CalibrationSummary> Calibrate(
    const models::Model& model, std::span<const Observation> observations,
    std::span<const double> base_parameters, const CalibrationOptions& options,
    const ObservationFunction& observe = nullptr);

// The solver options of MakeWarmStartedCardioObservation: rtol = atol =
// 1e-7 and steady-state tolerance 1e-5. Measured: warm restarts take 8-17
// beats (2-4 ms) where the model defaults (1e-6, 1e-6) sit at the solver's
// noise floor and may take hundreds of beats or fail to converge; outputs
// differ from the defaults' by < 1e-4 relative (0.01 mmHg).
models::CardioOptions WarmStartedCardioOptions();

// A warm-started observation operator for the Regazzoni model: each call
// starts the steady-state search from the previous call's converged state,
// with the systemic venous pressure shifted so that the circulating blood
// volume equals that of the model's default initial state under the new
// parameters (the volume Observe would simulate), so the result agrees with
// model.Observe within the steady-state tolerance at a few times less cost.
// The returned function owns its cache and refers to `model`, which must
// outlive it; use one instance per thread.
ObservationFunction MakeWarmStartedCardioObservation(
    const models::Regazzoni2022Cardio& model,
    const models::CardioOptions& options = WarmStartedCardioOptions());

// The parameters of the Regazzoni model that cuff pressures, ejection
// fraction and cardiac output inform (see calibration.cc for the reasoning):
// r_ar_sys, c_ar_sys, e_active_lv, r_ven_sys.
std::vector<std::string> CardioCalibrationParameters();

}  // namespace jumeau::assimilation

#endif  // JUMEAU_ASSIMILATION_CALIBRATION_H_
