// ES-MDA on the ensemble Kalman filter (ensemble_inversion.h). Each
// assimilation evaluates the forward function once per member (replacing a
// failed member by the nearest successful one), then runs one perturbed-
// observation analysis with the observation error covariance inflated by
// the number of assimilations, the filter reading the cached predictions.
#include "jumeau/assimilation/ensemble_inversion.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "jumeau/assimilation/enkf.h"

namespace jumeau::assimilation {
namespace {

bool LogSpace(const models::ParameterSpec& s) {
  return s.prior.kind == models::PriorKind::kLogNormal;
}

double ToValue(const models::ParameterSpec& s, double t) {
  return LogSpace(s) ? std::exp(t) : t;
}

// Projects a transformed value onto the spec's bounds.
double Clamp(const models::ParameterSpec& s, double t) {
  if (LogSpace(s)) {
    const double lo = s.lower > 0 ? std::log(s.lower) : -1e300;
    const double hi = s.upper > 0 ? std::log(s.upper) : 1e300;
    return std::clamp(t, lo, hi);
  }
  return std::clamp(t, s.lower, s.upper);
}

// Inverse of the standard normal CDF (Acklam's rational approximation,
// relative error < 1.2e-9), for the credible interval's quantile.
double NormalQuantile(double p) {
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                             -2.759285104469687e+02, 1.383577518672690e+02,
                             -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                             -1.556989798598866e+02, 6.680131188771972e+01,
                             -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                             -2.400758277161838e+00, -2.549732539343734e+00,
                             4.374664141464968e+00,  2.938163982698783e+00};
  static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                             2.445134137142996e+00, 3.754408661907416e+00};
  const double lo = 0.02425;
  if (p < lo) {
    const double q = std::sqrt(-2 * std::log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q +
            c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - lo) return -NormalQuantile(1 - p);
  const double q = p - 0.5, r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) *
         q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

}  // namespace

std::string InversionResult::BriefReport() const {
  std::string out = fmt::format(
      "ensemble inversion: {} evaluations ({} failed), rms standardized "
      "residual {:.3g}\n",
      evaluations, failed_evaluations, rms_standardized);
  for (const auto& e : estimates) {
    out += fmt::format("  {:<16} {:.4g} [{:.4g}, {:.4g}] {} (prior {:.4g}){}\n",
                       e.name, e.estimate, e.lower, e.upper, e.unit,
                       e.prior_median, e.informed ? "" : " not informed");
  }
  return out;
}

Result<InversionResult> InvertEnsemble(
    std::span<const models::ParameterSpec> specs,
    std::span<const double> observed, std::span<const double> sd,
    const ForwardFunction& forward, const InversionOptions& options) {
  const int p = static_cast<int>(specs.size());
  const int m = static_cast<int>(observed.size());
  const int n = options.ensemble_size;
  if (p == 0) return InvalidArgumentError("no parameters to estimate");
  if (m == 0 || static_cast<int>(sd.size()) != m)
    return InvalidArgumentError(fmt::format(
        "{} observations with {} standard deviations", m, sd.size()));
  for (int k = 0; k < m; ++k)
    if (!std::isfinite(observed[k]) || !(sd[k] > 0) || !std::isfinite(sd[k]))
      return InvalidArgumentError(fmt::format(
          "observation {} = {} (sd {}) is not finite or has sd <= 0", k,
          observed[k], sd[k]));
  if (n < 2 || n > 10000)
    return InvalidArgumentError("ensemble size must be within 2..10000");
  if (options.iterations < 1 || options.iterations > 50)
    return InvalidArgumentError("iterations must be within 1..50");
  if (!(options.credible_level > 0 && options.credible_level < 1))
    return InvalidArgumentError("credible level must be within (0, 1)");

  Eigen::VectorXd mean(p);
  Eigen::MatrixXd cov = Eigen::MatrixXd::Zero(p, p);
  for (int i = 0; i < p; ++i) {
    mean(i) = specs[i].prior.location;
    cov(i, i) = specs[i].prior.scale * specs[i].prior.scale;
  }
  EnkfOptions enkf;
  enkf.variant = EnkfVariant::kPerturbedObservations;
  enkf.seed = options.seed;
  JUMEAU_ASSIGN_OR_RETURN(
      auto filter, EnsembleKalmanFilter::CreateGaussian(mean, cov, n, enkf));

  InversionResult result;
  const auto evaluate =
      [&](const Eigen::VectorXd& t) -> Result<std::vector<double>> {
    std::vector<double> params(p);
    for (int i = 0; i < p; ++i)
      params[i] = ToValue(specs[i], Clamp(specs[i], t(i)));
    ++result.evaluations;
    Result<std::vector<double>> y = forward(params);
    if (y.ok() && static_cast<int>(y->size()) != m)
      return InvalidArgumentError(fmt::format(
          "the forward function returned {} values for {} observations",
          y->size(), m));
    if (y.ok())
      for (double v : *y)
        if (!std::isfinite(v)) return OutOfRangeError("non-finite prediction");
    if (!y.ok()) ++result.failed_evaluations;
    return y;
  };

  Eigen::VectorXd y(m);
  Eigen::MatrixXd r = Eigen::MatrixXd::Zero(m, m);
  for (int k = 0; k < m; ++k) {
    y(k) = observed[k];
    r(k, k) = sd[k] * sd[k] * options.iterations;
  }
  for (int it = 0; it < options.iterations; ++it) {
    Eigen::MatrixXd members = filter.members();
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < p; ++i)
        members(i, j) = Clamp(specs[i], members(i, j));
    Eigen::MatrixXd predicted(m, n);
    std::vector<bool> ok(n, false);
    int good = 0;
    Status last_error;
    for (int j = 0; j < n; ++j) {
      auto pred = evaluate(members.col(j));
      if (!pred.ok()) {
        last_error = pred.status();
        continue;
      }
      for (int k = 0; k < m; ++k) predicted(k, j) = (*pred)[k];
      ok[j] = true;
      ++good;
    }
    if (2 * good < n)
      return OutOfRangeError(fmt::format(
          "assimilation {}: the forward model failed for {} of {} members "
          "(last: {})",
          it + 1, n - good, n, last_error.message()));
    // Replace failed members by the successful member nearest in
    // prior-scaled distance.
    for (int j = 0; j < n; ++j) {
      if (ok[j]) continue;
      int best = -1;
      double best_d = 1e300;
      for (int q = 0; q < n; ++q) {
        if (!ok[q]) continue;
        double d = 0;
        for (int i = 0; i < p; ++i) {
          const double z =
              (members(i, j) - members(i, q)) / specs[i].prior.scale;
          d += z * z;
        }
        if (d < best_d) best_d = d, best = q;
      }
      members.col(j) = members.col(best);
      predicted.col(j) = predicted.col(best);
    }
    JUMEAU_RETURN_IF_ERROR(filter.SetMembers(members));
    int next = 0;
    const ObservationFunction cached =
        [&](const Eigen::Ref<const Eigen::VectorXd>&,
            Eigen::VectorXd* out) -> Status {
      *out = predicted.col(next++ % n);
      return Status::Ok();
    };
    JUMEAU_ASSIGN_OR_RETURN(auto summary, filter.Analyze(y, cached, r));
    (void)summary;
  }

  Eigen::MatrixXd members = filter.members();
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < p; ++i) members(i, j) = Clamp(specs[i], members(i, j));
  result.members = members;
  const Eigen::VectorXd post_mean = members.rowwise().mean();
  const Eigen::MatrixXd anomalies = members.colwise() - post_mean;
  result.covariance = anomalies * anomalies.transpose() / (n - 1);
  const double z = NormalQuantile(0.5 + 0.5 * options.credible_level);
  for (int i = 0; i < p; ++i) {
    const auto& s = specs[i];
    InversionEstimate e;
    e.name = s.name;
    e.unit = s.unit;
    e.log_space = LogSpace(s);
    e.prior_median = ToValue(s, s.prior.location);
    const double sdp = std::sqrt(std::max(0.0, result.covariance(i, i)));
    e.estimate = ToValue(s, post_mean(i));
    e.lower = ToValue(s, Clamp(s, post_mean(i) - z * sdp));
    e.upper = ToValue(s, Clamp(s, post_mean(i) + z * sdp));
    e.prior_sd = s.prior.scale;
    e.posterior_sd = sdp;
    e.informed = sdp <= options.informed_sd_ratio * s.prior.scale;
    result.parameters.push_back(e.estimate);
    result.estimates.push_back(e);
  }
  std::vector<double> final_t(p);
  for (int i = 0; i < p; ++i) final_t[i] = post_mean(i);
  auto pred = evaluate(Eigen::Map<Eigen::VectorXd>(final_t.data(), p));
  if (!pred.ok())
    return OutOfRangeError(
        fmt::format("the forward model failed at the posterior mean: {}",
                    pred.status().message()));
  result.predicted = *pred;
  double ss = 0;
  for (int k = 0; k < m; ++k) {
    const double zk = (observed[k] - result.predicted[k]) / sd[k];
    result.standardized.push_back(zk);
    ss += zk * zk;
  }
  result.rms_standardized = std::sqrt(ss / m);
  return result;
}

}  // namespace jumeau::assimilation
