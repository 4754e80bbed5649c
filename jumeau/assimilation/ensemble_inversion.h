// Derivative-free Bayesian calibration by ensemble Kalman inversion
// (jumeau/assimilation, above models/): the ensemble smoother with multiple
// data assimilation (ES-MDA; Emerick & Reynolds 2013, Comput. Geosci.
// 55:3-15) run on the EnsembleKalmanFilter of enkf.h with the parameters as
// the state. For expensive, noisy or non-smooth observation operators
// (network simulations summarised by EEG features) where finite-difference
// Jacobians (calibration.h) are unreliable. For a linear-Gaussian problem
// the final ensemble samples the exact posterior; otherwise it is an
// approximation whose mean and spread are reported as estimate and
// uncertainty.
#ifndef JUMEAU_ASSIMILATION_ENSEMBLE_INVERSION_H_
#define JUMEAU_ASSIMILATION_ENSEMBLE_INVERSION_H_

#include <Eigen/Dense>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "jumeau/core/status.h"
#include "jumeau/models/model.h"

namespace jumeau::assimilation {

// Maps a full parameter vector (specs order, units) to the predicted
// observations (same order as the data). May fail (the simulation diverged);
// a failing member is replaced (see InversionOptions). Called sequentially.
using ForwardFunction =
    std::function<Result<std::vector<double>>(std::span<const double>)>;

// Options of InvertEnsemble; defaults in brackets.
struct InversionOptions {
  int ensemble_size = 32;  // [32] REQUIRES 2..10000
  // ES-MDA assimilations, each with the observation error inflated by
  // `iterations` (sum of 1/alpha = 1). [4] REQUIRES 1..50
  int iterations = 4;
  uint64_t seed = 1;
  double credible_level = 0.9;  // [0.9] two-sided
  // A parameter is "informed" when its posterior sd is at most this
  // fraction of its prior sd (transformed space). [0.5]
  double informed_sd_ratio = 0.5;
};

struct InversionEstimate {
  std::string name;
  std::string unit;
  bool log_space = false;     // estimated as log(value)
  double prior_median = 0.0;  // unit
  double estimate = 0.0;      // posterior mean in the transformed space,
                              // back-transformed (a median for log space)
  double lower = 0.0;         // credible interval (normal approximation in
  double upper = 0.0;         // the transformed space), unit
  double prior_sd = 0.0;      // transformed space
  double posterior_sd = 0.0;  // transformed space
  bool informed = false;
};

struct InversionResult {
  std::vector<InversionEstimate> estimates;  // one per spec
  std::vector<double> parameters;            // the estimates, spec order
  Eigen::MatrixXd covariance;                // transformed space, spec order
  Eigen::MatrixXd members;        // final ensemble, transformed space (p x N)
  std::vector<double> predicted;  // forward(parameters)
  std::vector<double> standardized;  // (observed - predicted) / sd
  double rms_standardized = 0.0;     // fit quality: ~1 when consistent
  int evaluations = 0;
  int failed_evaluations = 0;
  std::string BriefReport() const;
};

// Estimates the parameters `specs` (priors: normal, or log-normal estimated
// in log space; members are projected onto [lower, upper]) from
// `observed` with independent Gaussian errors `sd`.
// Returns the result; InvalidArgument for sizes that disagree, sd <= 0,
// non-finite data or bad options; OutOfRange when the forward function
// fails at more than half the members of an assimilation, or at the final
// estimate.
Result<InversionResult> InvertEnsemble(
    std::span<const models::ParameterSpec> specs,
    std::span<const double> observed, std::span<const double> sd,
    const ForwardFunction& forward, const InversionOptions& options = {});

}  // namespace jumeau::assimilation

#endif  // JUMEAU_ASSIMILATION_ENSEMBLE_INVERSION_H_
