// EnkfParameterUpdate: the parameters-only ensemble Kalman filter step of
// UpdateCardioTwin over assimilation::EnsembleKalmanFilter.
#include "jumeau/derive/internal/twin_enkf.h"

#include <algorithm>
#include <cmath>

#include "jumeau/assimilation/enkf.h"

namespace jumeau::derive::internal {
namespace {

// The symmetric square root (power 0.5) or inverse square root (-0.5) of a
// symmetric positive semi-definite matrix; eigenvalues below `floor` are
// treated as zero (their directions dropped for -0.5).
Eigen::MatrixXd SymmetricPower(const Eigen::MatrixXd& m, double power,
                               double floor) {
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(m);
  Eigen::VectorXd d = eig.eigenvalues();
  for (Eigen::Index i = 0; i < d.size(); ++i)
    d(i) = d(i) > floor ? std::pow(d(i), power) : 0.0;
  return eig.eigenvectors() * d.asDiagonal() * eig.eigenvectors().transpose();
}

// `members` moved so that their sample mean is `mean` and their sample
// covariance `covariance` exactly (where the sample spans the space): the
// anomalies are whitened by their own covariance and coloured by the
// target's. Removes the sampling error of a small ensemble's start.
Eigen::MatrixXd MatchMoments(const Eigen::MatrixXd& members,
                             const Eigen::VectorXd& mean,
                             const Eigen::MatrixXd& covariance) {
  const Eigen::VectorXd sample_mean = members.rowwise().mean();
  const Eigen::MatrixXd anomalies = members.colwise() - sample_mean;
  const Eigen::MatrixXd sample_cov =
      anomalies * anomalies.transpose() /
      static_cast<double>(members.cols() - 1);
  const double floor = 1e-12 * std::max(1.0, sample_cov.trace());
  const Eigen::MatrixXd transform = SymmetricPower(covariance, 0.5, 0.0) *
                                    SymmetricPower(sample_cov, -0.5, floor);
  return (transform * anomalies).colwise() + mean;
}

}  // namespace

Result<ParameterUpdate> EnkfParameterUpdate(
    const Eigen::VectorXd& mean, const Eigen::MatrixXd& covariance,
    const Eigen::VectorXd& jitter_sd, const Eigen::VectorXd& y,
    const Eigen::MatrixXd& r, int ensemble_size, uint64_t seed,
    const ParameterObservation& h) {
  assimilation::EnkfOptions options;
  options.seed = seed;
  // Deterministic analysis: the analysis covariance is the Kalman filter's
  // for the ensemble's forecast covariance, so it never exceeds it.
  options.variant = assimilation::EnkfVariant::kSquareRoot;
  JUMEAU_ASSIGN_OR_RETURN(
      auto filter, assimilation::EnsembleKalmanFilter::CreateGaussian(
                       mean, covariance, ensemble_size, options));
  JUMEAU_RETURN_IF_ERROR(
      filter.SetMembers(MatchMoments(filter.members(), mean, covariance)));
  // Persistence: state_size 0, the parameters only move by the jitter.
  JUMEAU_RETURN_IF_ERROR(filter.ForecastAugmented(
      0,
      [](int, Eigen::Ref<Eigen::VectorXd>,
         const Eigen::Ref<const Eigen::VectorXd>&) { return Status::Ok(); },
      jitter_sd));
  JUMEAU_ASSIGN_OR_RETURN(const assimilation::AnalysisSummary summary,
                          filter.Analyze(y, h, r));
  ParameterUpdate u;
  u.mean = filter.Mean();
  u.covariance = filter.Covariance();
  u.innovation = summary.innovation;
  u.normalized_innovation_rms = summary.normalized_innovation_rms;
  u.forecast_spread = summary.forecast_spread;
  u.analysis_spread = summary.analysis_spread;
  return u;
}

}  // namespace jumeau::derive::internal
