// Disease-course mapping models: trajectories, mixing matrix and threshold
// crossings (see logistic.h for the equations and references).
#include "jumeau/models/progression/logistic.h"

#include <Eigen/Dense>
#include <cmath>
#include <limits>
#include <string>

namespace jumeau::models::progression {
namespace {

bool AllFinite(const std::vector<double>& v) {
  for (double x : v)
    if (!std::isfinite(x)) return false;
  return true;
}

}  // namespace

std::string_view CurveKindName(CurveKind kind) {
  return kind == CurveKind::kLinear ? "linear" : "logistic";
}

Result<CurveKind> ParseCurveKind(std::string_view name) {
  if (name == "logistic") return CurveKind::kLogistic;
  if (name == "linear") return CurveKind::kLinear;
  return InvalidArgumentError("unknown progression model '" +
                              std::string(name) +
                              "' (expected logistic or linear)");
}

Status PopulationParameters::Validate() const {
  const std::size_t k = features;
  if (features < 1) return InvalidArgumentError("features must be >= 1");
  if (sources < 0 || sources > features - 1) {
    return InvalidArgumentError("sources must be between 0 and features - 1 (" +
                                std::to_string(features - 1) + "), got " +
                                std::to_string(sources));
  }
  if (g.size() != k || log_v0.size() != k) {
    return InvalidArgumentError("g and log_v0 need one value per feature");
  }
  if (betas.size() != static_cast<std::size_t>((features - 1) * sources)) {
    return InvalidArgumentError(
        "betas must hold (features - 1) x sources values");
  }
  if (noise_std.size() != 1 && noise_std.size() != k) {
    return InvalidArgumentError("noise_std needs 1 or one value per feature");
  }
  if (!AllFinite(g) || !AllFinite(log_v0) || !AllFinite(betas) ||
      !std::isfinite(tau_mean)) {
    return InvalidArgumentError("population parameters must be finite");
  }
  if (!(tau_std > 0) || !(xi_std > 0) || !std::isfinite(tau_std) ||
      !std::isfinite(xi_std)) {
    return InvalidArgumentError("tau_std and xi_std must be finite and > 0");
  }
  for (double s : noise_std)
    if (!(s > 0) || !std::isfinite(s))
      return InvalidArgumentError("noise_std must be finite and > 0");
  return Status::Ok();
}

std::vector<double> MixingMatrix(const PopulationParameters& p) {
  const int k = p.features, ns = p.sources;
  if (ns == 0) return {};
  // u: the velocity of the average trajectory at rt = 0 weighted by the
  // squared metric, so that Euclidean orthogonality to u is orthogonality
  // to v for the metric's inner product.
  Eigen::VectorXd u(k);
  for (int j = 0; j < k; ++j) {
    const double v = std::exp(p.log_v0[j]);
    if (p.kind == CurveKind::kLinear) {
      u[j] = v;
    } else {
      const double g = std::exp(p.g[j]);
      const double c = (1 + g) * (1 + g) / g;
      u[j] = v * c * c;
    }
  }
  // Householder reflection H = I - 2 h h^T / (h^T h) with h = u - |u| e1
  // maps e1 to u/|u|; its columns 2..K are an orthonormal basis of u's
  // orthogonal complement.
  Eigen::VectorXd h = u;
  const double norm = u.norm();
  h[0] -= norm;
  Eigen::MatrixXd basis(k, k - 1);
  const double hh = h.squaredNorm();
  for (int c = 1; c < k; ++c) {
    Eigen::VectorXd e = Eigen::VectorXd::Zero(k);
    e[c] = 1.0;
    basis.col(c - 1) =
        hh > 0 ? Eigen::VectorXd(e - 2.0 * h * (h.dot(e) / hh)) : e;
  }
  Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic,
                                 Eigen::RowMajor>>
      betas(p.betas.data(), k - 1, ns);
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> a =
      basis * betas;
  return std::vector<double>(a.data(), a.data() + a.size());
}

ProgressionCurves::ProgressionCurves(const PopulationParameters& population)
    : population_(population) {
  const int k = population.features;
  g_.resize(k);
  c_.resize(k);
  position_.resize(k);
  velocity_.resize(k);
  for (int j = 0; j < k; ++j) {
    velocity_[j] = std::exp(population.log_v0[j]);
    position_[j] = population.g[j];
    g_[j] = std::exp(population.g[j]);
    c_[j] = population.kind == CurveKind::kLinear
                ? 1.0
                : (1 + g_[j]) * (1 + g_[j]) / g_[j];
  }
  mixing_ = MixingMatrix(population);
}

void ProgressionCurves::SpaceShifts(std::span<const double> s,
                                    std::span<double> w) const {
  const int k = features(), ns = sources();
  for (int j = 0; j < k; ++j) {
    double acc = 0.0;
    for (int m = 0; m < ns; ++m) acc += mixing_[j * ns + m] * s[m];
    w[j] = acc;
  }
}

void ProgressionCurves::Predict(const IndividualParameters& ind,
                                std::span<const double> times,
                                std::span<double> out) const {
  const int k = features();
  std::vector<double> w(k, 0.0);
  SpaceShifts(ind.sources, w);
  const double alpha = std::exp(ind.xi);
  for (std::size_t t = 0; t < times.size(); ++t) {
    const double rt = alpha * (times[t] - ind.tau);
    for (int j = 0; j < k; ++j) out[t * k + j] = Value(j, rt, w[j]);
  }
}

double ProgressionCurves::CrossingAge(const IndividualParameters& ind, int k,
                                      double level) const {
  std::vector<double> w(features(), 0.0);
  SpaceShifts(ind.sources, w);
  const double alpha = std::exp(ind.xi);
  double rt;
  if (population_.kind == CurveKind::kLinear) {
    rt = (level - position_[k] - w[k]) / velocity_[k];
  } else {
    if (!(level > 0.0 && level < 1.0))
      return std::numeric_limits<double>::quiet_NaN();
    // 1/(1 + g e^{-c (v rt + w)}) = level <=> c (v rt + w) = log(g
    // level/(1-level))
    rt =
        (std::log(g_[k] * level / (1.0 - level)) / c_[k] - w[k]) / velocity_[k];
  }
  return ind.tau + rt / alpha;
}

}  // namespace jumeau::models::progression
