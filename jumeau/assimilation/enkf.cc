// Ensemble Kalman filter: forecast, perturbed-observation and square-root
// analyses, state augmentation. See enkf.h.
#include "jumeau/assimilation/enkf.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

namespace jumeau::assimilation {
namespace {

// Returns Ok when every entry of `m` is finite, else InvalidArgument naming
// `what` and the first offending entry.
Status CheckFinite(const Eigen::MatrixXd& m, const std::string& what) {
  for (Eigen::Index j = 0; j < m.cols(); ++j) {
    for (Eigen::Index i = 0; i < m.rows(); ++i) {
      if (!std::isfinite(m(i, j))) {
        return InvalidArgumentError(
            fmt::format("{} entry ({}, {}) is not finite", what, i, j));
      }
    }
  }
  return Status::Ok();
}

Status CheckEnsemble(const Eigen::MatrixXd& members) {
  if (members.rows() < 1) {
    return InvalidArgumentError("ensemble: the state has no component");
  }
  if (members.cols() < 2) {
    return InvalidArgumentError(fmt::format(
        "ensemble: {} member(s); at least 2 are needed for a covariance",
        members.cols()));
  }
  return CheckFinite(members, "ensemble");
}

Status CheckOptions(const EnkfOptions& options) {
  if (!std::isfinite(options.inflation) || options.inflation <= 0.0) {
    return InvalidArgumentError(fmt::format(
        "inflation {} is not a finite positive factor", options.inflation));
  }
  return Status::Ok();
}

// True when `m` is symmetric to a relative tolerance.
bool IsSymmetric(const Eigen::MatrixXd& m) {
  const double scale = std::max(1.0, m.cwiseAbs().maxCoeff());
  return (m - m.transpose()).cwiseAbs().maxCoeff() <= 1e-10 * scale;
}

// sqrt(trace(cov) / n) of an ensemble's anomalies (n x N).
double Spread(const Eigen::MatrixXd& anomalies) {
  const double n = static_cast<double>(anomalies.rows());
  const double dof = static_cast<double>(anomalies.cols() - 1);
  return std::sqrt(anomalies.squaredNorm() / (dof * n));
}

}  // namespace

std::string AnalysisSummary::BriefReport() const {
  return fmt::format(
      "{} observation(s), normalised innovation rms {:.3g}, spread {:.4g} -> "
      "{:.4g}",
      observation_count, normalized_innovation_rms, forecast_spread,
      analysis_spread);
}

Result<EnsembleKalmanFilter> EnsembleKalmanFilter::Create(
    Eigen::MatrixXd members, const EnkfOptions& options) {
  JUMEAU_RETURN_IF_ERROR(CheckOptions(options));
  JUMEAU_RETURN_IF_ERROR(CheckEnsemble(members));
  return EnsembleKalmanFilter(std::move(members), options);
}

Result<EnsembleKalmanFilter> EnsembleKalmanFilter::CreateGaussian(
    const Eigen::VectorXd& mean, const Eigen::MatrixXd& covariance,
    int ensemble_size, const EnkfOptions& options) {
  JUMEAU_RETURN_IF_ERROR(CheckOptions(options));
  const Eigen::Index n = mean.size();
  if (n < 1) return InvalidArgumentError("initial mean has no component");
  if (ensemble_size < 2) {
    return InvalidArgumentError(fmt::format(
        "ensemble size {}: at least 2 members are needed", ensemble_size));
  }
  if (covariance.rows() != n || covariance.cols() != n) {
    return InvalidArgumentError(
        fmt::format("initial covariance is {}x{}, expected {}x{}",
                    covariance.rows(), covariance.cols(), n, n));
  }
  JUMEAU_RETURN_IF_ERROR(CheckFinite(mean, "initial mean"));
  JUMEAU_RETURN_IF_ERROR(CheckFinite(covariance, "initial covariance"));
  if (!IsSymmetric(covariance)) {
    return InvalidArgumentError("initial covariance is not symmetric");
  }
  // A symmetric square root by eigendecomposition accepts singular (positive
  // semi-definite) covariances, unlike Cholesky.
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(covariance);
  if (eigen.info() != Eigen::Success) {
    return InvalidArgumentError(
        "initial covariance: eigendecomposition failed");
  }
  const Eigen::VectorXd values = eigen.eigenvalues();
  const double largest = std::max(0.0, values.maxCoeff());
  if (values.minCoeff() < -1e-10 * std::max(1.0, largest)) {
    return InvalidArgumentError(fmt::format(
        "initial covariance is not positive semi-definite (eigenvalue {})",
        values.minCoeff()));
  }
  const Eigen::MatrixXd root =
      eigen.eigenvectors() * values.cwiseMax(0.0).cwiseSqrt().asDiagonal();
  EnsembleKalmanFilter filter(Eigen::MatrixXd(n, ensemble_size), options);
  Eigen::VectorXd z(n);
  for (int i = 0; i < ensemble_size; ++i) {
    for (Eigen::Index k = 0; k < n; ++k) z[k] = filter.rng_.Normal();
    filter.members_.col(i) = mean + root * z;
  }
  return filter;
}

Status EnsembleKalmanFilter::SetMembers(Eigen::MatrixXd members) {
  JUMEAU_RETURN_IF_ERROR(CheckEnsemble(members));
  members_ = std::move(members);
  return Status::Ok();
}

Eigen::VectorXd EnsembleKalmanFilter::Mean() const {
  return members_.rowwise().mean();
}

Eigen::MatrixXd EnsembleKalmanFilter::Covariance() const {
  const Eigen::MatrixXd a = members_.colwise() - Mean();
  return a * a.transpose() / static_cast<double>(ensemble_size() - 1);
}

Eigen::VectorXd EnsembleKalmanFilter::StandardDeviation() const {
  const Eigen::MatrixXd a = members_.colwise() - Mean();
  return (a.rowwise().squaredNorm() / static_cast<double>(ensemble_size() - 1))
      .cwiseSqrt();
}

Status EnsembleKalmanFilter::Forecast(const Propagator& propagate) {
  Eigen::MatrixXd next = members_;
  for (int i = 0; i < ensemble_size(); ++i) {
    Eigen::VectorXd state = next.col(i);
    Status status = propagate(i, state);
    if (!status.ok()) return status.WithPrefix(fmt::format("member {}", i));
    if (!state.allFinite()) {
      return DataLossError(
          fmt::format("member {}: propagated state is not finite", i));
    }
    next.col(i) = state;
  }
  members_ = std::move(next);
  return Status::Ok();
}

Status EnsembleKalmanFilter::ForecastAugmented(
    int state_size, const ParametricPropagator& propagate,
    const Eigen::VectorXd& parameter_jitter_sd) {
  if (state_size < 0 || state_size > this->state_size()) {
    return InvalidArgumentError(
        fmt::format("augmented forecast: dynamic state size {} outside [0, {}]",
                    state_size, this->state_size()));
  }
  const int parameter_count = this->state_size() - state_size;
  if (parameter_jitter_sd.size() != parameter_count) {
    return InvalidArgumentError(fmt::format(
        "augmented forecast: {} jitter standard deviations for {} parameters",
        parameter_jitter_sd.size(), parameter_count));
  }
  for (int k = 0; k < parameter_count; ++k) {
    if (!std::isfinite(parameter_jitter_sd[k]) || parameter_jitter_sd[k] < 0) {
      return InvalidArgumentError(fmt::format(
          "augmented forecast: jitter standard deviation {} of parameter {} "
          "is not a finite non-negative number",
          parameter_jitter_sd[k], k));
    }
  }
  Eigen::MatrixXd next = members_;
  for (int i = 0; i < ensemble_size(); ++i) {
    const Eigen::VectorXd parameters = next.col(i).tail(parameter_count);
    Eigen::VectorXd state = next.col(i).head(state_size);
    if (state_size > 0) {
      Status status = propagate(i, state, parameters);
      if (!status.ok()) return status.WithPrefix(fmt::format("member {}", i));
      if (!state.allFinite()) {
        return DataLossError(
            fmt::format("member {}: propagated state is not finite", i));
      }
      next.col(i).head(state_size) = state;
    }
    for (int k = 0; k < parameter_count; ++k) {
      if (parameter_jitter_sd[k] > 0) {
        next(state_size + k, i) += parameter_jitter_sd[k] * rng_.Normal();
      }
    }
  }
  members_ = std::move(next);
  return Status::Ok();
}

Eigen::MatrixXd EnsembleKalmanFilter::InflatedMembers() const {
  if (options_.inflation == 1.0) return members_;
  const Eigen::VectorXd mean = Mean();
  return ((members_.colwise() - mean) * options_.inflation).colwise() + mean;
}

Result<AnalysisSummary> EnsembleKalmanFilter::Analyze(
    const Eigen::VectorXd& y, const Eigen::MatrixXd& h,
    const Eigen::MatrixXd& r) {
  if (h.rows() != y.size() || h.cols() != state_size()) {
    return InvalidArgumentError(
        fmt::format("observation operator is {}x{}, expected {}x{}", h.rows(),
                    h.cols(), y.size(), state_size()));
  }
  JUMEAU_RETURN_IF_ERROR(CheckFinite(h, "observation operator"));
  Eigen::MatrixXd forecast = InflatedMembers();
  const Eigen::MatrixXd observed = h * forecast;
  return Update(y, std::move(forecast), observed, r);
}

Result<AnalysisSummary> EnsembleKalmanFilter::Analyze(
    const Eigen::VectorXd& y, const ObservationFunction& h,
    const Eigen::MatrixXd& r) {
  Eigen::MatrixXd forecast = InflatedMembers();
  Eigen::MatrixXd observed(y.size(), ensemble_size());
  Eigen::VectorXd image;
  for (int i = 0; i < ensemble_size(); ++i) {
    image.resize(0);
    Status status = h(forecast.col(i), &image);
    if (!status.ok()) return status.WithPrefix(fmt::format("member {}", i));
    if (image.size() != y.size()) {
      return InvalidArgumentError(fmt::format(
          "member {}: observation function returned {} values for {} "
          "observations",
          i, image.size(), y.size()));
    }
    if (!image.allFinite()) {
      return InvalidArgumentError(fmt::format(
          "member {}: observation function returned a non-finite value", i));
    }
    observed.col(i) = image;
  }
  return Update(y, std::move(forecast), observed, r);
}

Result<AnalysisSummary> EnsembleKalmanFilter::Update(
    const Eigen::VectorXd& y, Eigen::MatrixXd forecast,
    const Eigen::MatrixXd& observed, const Eigen::MatrixXd& r) {
  const Eigen::Index m = y.size();
  const int n_members = ensemble_size();
  const double dof = static_cast<double>(n_members - 1);
  if (m < 1) return InvalidArgumentError("no observation to assimilate");
  JUMEAU_RETURN_IF_ERROR(CheckFinite(y, "observation vector"));
  if (r.rows() != m || r.cols() != m) {
    return InvalidArgumentError(
        fmt::format("observation error covariance is {}x{}, expected {}x{}",
                    r.rows(), r.cols(), m, m));
  }
  JUMEAU_RETURN_IF_ERROR(CheckFinite(r, "observation error covariance"));
  if (!IsSymmetric(r)) {
    return InvalidArgumentError(
        "observation error covariance is not symmetric");
  }
  const Eigen::LLT<Eigen::MatrixXd> r_chol(r);
  if (r_chol.info() != Eigen::Success) {
    return InvalidArgumentError(
        "observation error covariance is not positive definite");
  }

  const Eigen::VectorXd x_mean = forecast.rowwise().mean();
  const Eigen::MatrixXd anomalies = forecast.colwise() - x_mean;
  const Eigen::VectorXd y_mean = observed.rowwise().mean();
  const Eigen::MatrixXd y_anomalies = observed.colwise() - y_mean;

  AnalysisSummary summary;
  summary.observation_count = static_cast<int>(m);
  summary.innovation = y - y_mean;
  summary.forecast_spread = Spread(anomalies);
  const Eigen::VectorXd predicted_variance =
      y_anomalies.rowwise().squaredNorm() / dof + r.diagonal();
  summary.normalized_innovation_rms = std::sqrt(
      (summary.innovation.array().square() / predicted_variance.array())
          .mean());

  // Both variants move the members by X_a = X_f + A M and, consistently,
  // the observed ensemble by Y_a = Y_f + Y M (Y: observed anomalies), with
  // M an N x N ensemble-space matrix. The perturbed-observation update
  // never forms M (N may be large); the square-root update needs it.
  Eigen::MatrixXd observed_analysis;
  if (options_.variant == EnkfVariant::kPerturbedObservations) {
    // Burgers et al. (1998): x_i += P_xy P_yy^-1 (y + e_i - h(x_i)), with
    // P_xy = A Y^T / (N-1) and P_yy = Y Y^T / (N-1) + R.
    Eigen::MatrixXd perturbations(m, n_members);
    for (int i = 0; i < n_members; ++i) {
      for (Eigen::Index k = 0; k < m; ++k) perturbations(k, i) = rng_.Normal();
    }
    if (options_.center_perturbations) {
      const Eigen::VectorXd mean = perturbations.rowwise().mean();
      perturbations.colwise() -= mean;
      perturbations *= std::sqrt(static_cast<double>(n_members) / dof);
    }
    const Eigen::MatrixXd innovations =
        ((r_chol.matrixL() * perturbations).colwise() + y) - observed;
    const Eigen::MatrixXd p_yy_model =
        y_anomalies * y_anomalies.transpose() / dof;
    const Eigen::LLT<Eigen::MatrixXd> p_yy_chol(p_yy_model + r);
    if (p_yy_chol.info() != Eigen::Success) {
      return InternalError("innovation covariance is not positive definite");
    }
    const Eigen::MatrixXd weights = p_yy_chol.solve(innovations);  // m x N
    const Eigen::MatrixXd p_xy = anomalies * y_anomalies.transpose() / dof;
    forecast.noalias() += p_xy * weights;
    observed_analysis = observed + p_yy_model * weights;
  } else {
    // Hunt et al. (2007), eqs. 20-24, with S = L^-1 Y (R = L L^T):
    // C = (N-1) I + S^T S, w = C^-1 S^T L^-1 (y - y_mean),
    // W = [(N-1) C^-1]^(1/2) (symmetric root), X_a = x_mean + A (w 1^T + W),
    // i.e. M = w 1^T + W - I. Cost O(N^3) in the ensemble size.
    const Eigen::MatrixXd s = r_chol.matrixL().solve(y_anomalies);
    const Eigen::VectorXd d = r_chol.matrixL().solve(summary.innovation);
    Eigen::MatrixXd c = s.transpose() * s;
    c.diagonal().array() += dof;
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(c);
    if (eigen.info() != Eigen::Success) {
      return InternalError("ensemble transform: eigendecomposition failed");
    }
    const Eigen::MatrixXd& v = eigen.eigenvectors();
    const Eigen::VectorXd& lambda = eigen.eigenvalues();  // >= N-1 > 0
    const Eigen::VectorXd w = v * (lambda.cwiseInverse().asDiagonal() *
                                   (v.transpose() * (s.transpose() * d)));
    Eigen::MatrixXd transform =
        v * (dof * lambda.cwiseInverse()).cwiseSqrt().asDiagonal() *
        v.transpose();
    transform.colwise() += w;
    transform.diagonal().array() -= 1.0;
    forecast.noalias() += anomalies * transform;
    observed_analysis = observed + y_anomalies * transform;
  }
  if (!forecast.allFinite()) {
    return InternalError("analysis produced a non-finite state");
  }
  summary.residual = y - observed_analysis.rowwise().mean();
  summary.analysis_spread =
      Spread(forecast.colwise() - forecast.rowwise().mean());
  members_ = std::move(forecast);
  return summary;
}

}  // namespace jumeau::assimilation
