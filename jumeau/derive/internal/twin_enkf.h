// The ensemble Kalman filter step of UpdateCardioTwin (jumeau/derive, used by
// twin.cc only): a parameters-only filter (assimilation/enkf.h) in its own
// translation unit, because enkf.h and calibration.h both declare
// assimilation::ObservationFunction (with different types).
#ifndef JUMEAU_DERIVE_INTERNAL_TWIN_ENKF_H_
#define JUMEAU_DERIVE_INTERNAL_TWIN_ENKF_H_

#include <Eigen/Dense>
#include <cstdint>
#include <functional>

#include "jumeau/core/status.h"

namespace jumeau::derive::internal {

// The model's predicted observations (resized by the callee) of one
// parameter vector in the transformed space. Returns Ok or the model's error.
using ParameterObservation = std::function<Status(
    const Eigen::Ref<const Eigen::VectorXd>& theta, Eigen::VectorXd* out)>;

// What the update produced.
struct ParameterUpdate {
  Eigen::VectorXd mean;        // analysis ensemble mean
  Eigen::MatrixXd covariance;  // analysis ensemble covariance (1/(N-1))
  Eigen::VectorXd innovation;  // y - forecast mean of h, per observation
  double normalized_innovation_rms = 0.0;
  double forecast_spread = 0.0;
  double analysis_spread = 0.0;
};

// Draws `ensemble_size` members from N(mean, covariance) (seeded) and moves
// them so that their sample mean and covariance are exactly mean and
// covariance, applies a persistence forecast with N(0, diag(jitter_sd^2))
// jitter, then one square-root (ETKF) analysis of y (error covariance r) with observation
// function h. Returns the analysis; the filter's errors otherwise
// (InvalidArgument for bad sizes or a covariance that is not positive
// semi-definite, h's error prefixed with the member).
Result<ParameterUpdate> EnkfParameterUpdate(
    const Eigen::VectorXd& mean, const Eigen::MatrixXd& covariance,
    const Eigen::VectorXd& jitter_sd, const Eigen::VectorXd& y,
    const Eigen::MatrixXd& r, int ensemble_size, uint64_t seed,
    const ParameterObservation& h);

}  // namespace jumeau::derive::internal

#endif  // JUMEAU_DERIVE_INTERNAL_TWIN_ENKF_H_
