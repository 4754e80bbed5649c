// Maximum a posteriori calibration with a Laplace posterior (calibration.h).
//
// Parameter choice for the Regazzoni model (CardioCalibrationParameters):
// with cuff systolic/diastolic pressure, heart rate as an input, and
// optionally echo ejection fraction and cardiac output, four parameters are
// estimated, one per physiological lever the data see:
//   r_ar_sys    systemic arterial resistance: mean pressure / cardiac output;
//   c_ar_sys    systemic arterial compliance: pulse pressure for a stroke;
//   e_active_lv LV active elastance (contractility): ejection fraction;
//   r_ven_sys   systemic venous resistance (resistance to venous return):
//               in this model it sets preload (EDV) and so cardiac output;
//               it is the "volume-like" lever the data see. The model's
//               blood volume is fixed by its initial state, and the venous
//               compliance c_ven_sys, the obvious candidate, barely moves the
//               outputs (x1.3 at the defaults: CO +0.014 L/min, SBP +0.3
//               mmHg, far below measurement noise; r_ven_sys x1.3: CO -0.54
//               L/min, SBP -7 mmHg), so c_ven_sys is not estimated; the
//               identifiability test shows it reported as not informed.
// Sensitivities at the defaults (x1.3): r_ar_sys SBP/DBP +16.7/+16.6,
// EF -3.7; c_ar_sys SBP/DBP -3.9/+4.0; e_active_lv EF +5.5.
// With pressures only (2 observations) the four are not all identifiable;
// the summary says which are not informed.
#include "jumeau/assimilation/calibration.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <utility>

namespace jumeau::assimilation {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;

// The standard normal quantile, by bisection on erfc (accurate to ~1e-12).
double NormalQuantile(double p) {
  double lo = -40, hi = 40;
  for (int i = 0; i < 200 && hi - lo > 1e-13; ++i) {
    const double mid = 0.5 * (lo + hi);
    const double cdf = 0.5 * std::erfc(-mid / std::sqrt(2.0));
    (cdf < p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

// One estimated parameter: where it sits and how it is transformed.
struct Coordinate {
  std::size_t index;
  bool log_space;
  double prior_mean;    // transformed space
  double prior_sd;      // transformed space
  double lower, upper;  // transformed bounds
};

double ToValue(const Coordinate& c, double theta) {
  return c.log_space ? std::exp(theta) : theta;
}

// The calibration problem: observation rows, coordinates, the base vector.
class Problem {
 public:
  Problem(std::vector<Coordinate> coords, std::vector<std::size_t> rows,
          VectorXd y, VectorXd sd, std::vector<double> base,
          const ObservationFunction& observe)
      : coords_(std::move(coords)),
        rows_(std::move(rows)),
        y_(std::move(y)),
        sd_(std::move(sd)),
        base_(std::move(base)),
        observe_(observe) {}

  std::size_t n() const { return coords_.size(); }
  std::size_t m() const { return rows_.size(); }
  int evaluations() const { return evaluations_; }
  const std::vector<Coordinate>& coords() const { return coords_; }

  std::vector<double> Parameters(const VectorXd& theta) const {
    std::vector<double> p = base_;
    for (std::size_t i = 0; i < n(); ++i) {
      p[coords_[i].index] = ToValue(coords_[i], theta[i]);
    }
    return p;
  }

  // Predicted observations h(theta) (m values).
  Result<VectorXd> Predict(const VectorXd& theta) {
    ++evaluations_;
    const std::vector<double> p = Parameters(theta);
    JUMEAU_ASSIGN_OR_RETURN(std::vector<double> out, observe_(p));
    VectorXd h(m());
    for (std::size_t k = 0; k < m(); ++k) {
      if (rows_[k] >= out.size()) {
        return InternalError(
            "calibration: observation function returned too few outputs");
      }
      h[k] = out[rows_[k]];
      if (!std::isfinite(h[k])) {
        return OutOfRangeError("calibration: model output is not finite");
      }
    }
    return h;
  }

  // Stacked whitened residual [ (h - y) / sd ; (theta - mu) / s ].
  VectorXd Residual(const VectorXd& theta, const VectorXd& h) const {
    VectorXd r(m() + n());
    r.head(m()) = (h - y_).cwiseQuotient(sd_);
    for (std::size_t i = 0; i < n(); ++i) {
      r[m() + i] = (theta[i] - coords_[i].prior_mean) / coords_[i].prior_sd;
    }
    return r;
  }

  // Whitened Jacobian of h (m x n) by forward differences (backward when
  // the forward point fails or leaves the bounds).
  Result<MatrixXd> Jacobian(const VectorXd& theta, const VectorXd& h,
                            double step) {
    MatrixXd j(m(), n());
    for (std::size_t i = 0; i < n(); ++i) {
      const Coordinate& c = coords_[i];
      double d = step * c.prior_sd;
      if (theta[i] + d > c.upper) d = -d;
      VectorXd t = theta;
      t[i] += d;
      Result<VectorXd> hi = Predict(t);
      if (!hi.ok()) {
        d = -d;
        t[i] = theta[i] + d;
        hi = Predict(t);
      }
      if (!hi.ok()) {
        return hi.status().WithPrefix(fmt::format(
            "calibration: finite difference of parameter {} failed", i));
      }
      j.col(i) = (*hi - h).cwiseQuotient(sd_) / d;
    }
    return j;
  }

  const VectorXd& y() const { return y_; }
  const VectorXd& sd() const { return sd_; }
  const std::vector<std::size_t>& rows() const { return rows_; }

 private:
  std::vector<Coordinate> coords_;
  std::vector<std::size_t> rows_;
  VectorXd y_, sd_;
  std::vector<double> base_;
  const ObservationFunction& observe_;
  int evaluations_ = 0;
};

VectorXd Project(const std::vector<Coordinate>& coords, VectorXd theta) {
  for (std::size_t i = 0; i < coords.size(); ++i) {
    theta[i] = std::clamp(theta[i], coords[i].lower, coords[i].upper);
  }
  return theta;
}

std::string DescribeDirection(const std::vector<ParameterEstimate>& est,
                              const VectorXd& v) {
  std::vector<std::size_t> order(static_cast<std::size_t>(v.size()));
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return std::abs(v[a]) > std::abs(v[b]);
  });
  std::string s;
  for (std::size_t i : order) {
    if (std::abs(v[i]) < 0.1) continue;
    s += fmt::format("{}{:.2f} {}", s.empty() ? "" : (v[i] < 0 ? " - " : " + "),
                     s.empty() ? v[i] : std::abs(v[i]), est[i].name);
  }
  return s;
}

}  // namespace

Result<CalibrationSummary> Calibrate(const models::Model& model,
                                     std::span<const Observation> observations,
                                     std::span<const double> base_parameters,
                                     const CalibrationOptions& options,
                                     const ObservationFunction& observe) {
  const auto& specs = model.parameters();
  const auto& outputs = model.outputs();
  if (base_parameters.size() != specs.size()) {
    return InvalidArgumentError(
        fmt::format("calibration: {} base parameters, model {} declares {}",
                    base_parameters.size(), model.name(), specs.size()));
  }
  JUMEAU_RETURN_IF_ERROR(models::ValidateParameters(model, base_parameters));
  if (observations.empty()) {
    return InvalidArgumentError("calibration: no usable observations");
  }
  if (options.estimate.empty()) {
    return InvalidArgumentError("calibration: no parameter to estimate");
  }
  if (!(options.credible_level > 0 && options.credible_level < 1)) {
    return InvalidArgumentError(
        "calibration: credible_level must be in (0, 1)");
  }
  // Observations -> output rows.
  std::vector<std::size_t> rows;
  VectorXd y(observations.size()), sd(observations.size());
  for (std::size_t k = 0; k < observations.size(); ++k) {
    const Observation& o = observations[k];
    std::size_t row = outputs.size();
    for (std::size_t j = 0; j < outputs.size(); ++j) {
      if (outputs[j].code == o.code) row = j;
    }
    if (row == outputs.size()) {
      return InvalidArgumentError(fmt::format(
          "calibration: observation {}: code {}|{} is not an output of {}", k,
          o.code.system, o.code.code, model.name()));
    }
    if (!o.unit.empty() && o.unit != outputs[row].unit) {
      return InvalidArgumentError(fmt::format(
          "calibration: observation {} ({}): unit '{}' differs from the "
          "model output's '{}'",
          k, outputs[row].name, o.unit, outputs[row].unit));
    }
    if (!std::isfinite(o.value) || !std::isfinite(o.sd) || o.sd <= 0) {
      return InvalidArgumentError(fmt::format(
          "calibration: observation {} ({}): value {} with sd {} (need a "
          "finite value and sd > 0)",
          k, outputs[row].name, o.value, o.sd));
    }
    rows.push_back(row);
    y[k] = o.value;
    sd[k] = o.sd;
  }
  // Estimated parameters -> coordinates.
  std::vector<Coordinate> coords;
  std::vector<ParameterEstimate> estimates;
  for (const std::string& name : options.estimate) {
    const auto idx = models::FindParameter(model, name);
    if (!idx) {
      return InvalidArgumentError(fmt::format(
          "calibration: {} has no parameter '{}'", model.name(), name));
    }
    for (const Coordinate& c : coords) {
      if (c.index == *idx) {
        return InvalidArgumentError(
            fmt::format("calibration: parameter '{}' listed twice", name));
      }
    }
    const models::ParameterSpec& s = specs[*idx];
    Coordinate c;
    c.index = *idx;
    c.log_space = s.prior.kind == models::PriorKind::kLogNormal;
    c.prior_mean = s.prior.location;
    c.prior_sd = s.prior.scale;
    if (c.log_space) {
      if (s.upper <= 0) {
        return InvalidArgumentError(fmt::format(
            "calibration: parameter '{}' has a log-normal prior but upper "
            "bound {}",
            name, s.upper));
      }
      c.lower = s.lower > 0 ? std::log(s.lower)
                            : -std::numeric_limits<double>::infinity();
      c.upper = std::log(s.upper);
    } else {
      c.lower = s.lower;
      c.upper = s.upper;
    }
    coords.push_back(c);
    ParameterEstimate e;
    e.name = s.name;
    e.unit = s.unit;
    e.index = *idx;
    e.log_space = c.log_space;
    e.prior_median = c.log_space ? std::exp(c.prior_mean) : c.prior_mean;
    e.prior_sd = c.prior_sd;
    estimates.push_back(std::move(e));
  }
  const ObservationFunction default_observe =
      [&model](std::span<const double> p) { return model.Observe(p); };
  Problem problem(
      coords, rows, y, sd,
      std::vector<double>(base_parameters.begin(), base_parameters.end()),
      observe ? observe : default_observe);
  const std::size_t n = problem.n();
  const std::size_t m = problem.m();

  // Levenberg-Marquardt on 0.5 |r|^2 (the negative log posterior).
  VectorXd theta(n);
  for (std::size_t i = 0; i < n; ++i) theta[i] = coords[i].prior_mean;
  theta = Project(coords, theta);
  Result<VectorXd> h0 = problem.Predict(theta);
  if (!h0.ok()) {
    return h0.status().WithPrefix("calibration: at the prior median");
  }
  VectorXd h = *h0;
  VectorXd r = problem.Residual(theta, h);
  double cost = 0.5 * r.squaredNorm();
  CalibrationSummary summary;
  summary.initial_cost = cost;
  double lambda = options.initial_damping;
  MatrixXd jh;
  bool need_jacobian = true;
  MatrixXd prior_precision = MatrixXd::Zero(n, n);
  VectorXd prior_sd(n);
  for (std::size_t i = 0; i < n; ++i) {
    prior_precision(i, i) = 1 / (coords[i].prior_sd * coords[i].prior_sd);
    prior_sd[i] = coords[i].prior_sd;
  }
  int it = 0;
  for (; it < options.max_iterations; ++it) {
    if (need_jacobian) {
      JUMEAU_ASSIGN_OR_RETURN(
          jh, problem.Jacobian(theta, h, options.finite_difference_step));
      need_jacobian = false;
    }
    MatrixXd j(m + n, n);
    j.topRows(m) = jh;
    j.bottomRows(n) = prior_sd.cwiseInverse().asDiagonal();
    const MatrixXd jtj = j.transpose() * j;
    const VectorXd g = j.transpose() * r;
    MatrixXd a = jtj;
    a.diagonal() += lambda * jtj.diagonal();
    const VectorXd delta = -a.ldlt().solve(g);
    const VectorXd trial = Project(coords, theta + delta);
    const VectorXd moved = trial - theta;
    const double step_norm = moved.cwiseQuotient(prior_sd).norm();
    Result<VectorXd> ht = problem.Predict(trial);
    double trial_cost = std::numeric_limits<double>::infinity();
    VectorXd rt;
    if (ht.ok()) {
      rt = problem.Residual(trial, *ht);
      trial_cost = 0.5 * rt.squaredNorm();
    }
    if (trial_cost < cost) {
      const double decrease = cost - trial_cost;
      theta = trial;
      h = *ht;
      r = rt;
      cost = trial_cost;
      lambda = std::max(lambda / 3, 1e-9);
      need_jacobian = true;
      if (step_norm < options.step_tolerance ||
          decrease < options.cost_tolerance) {
        summary.converged = true;
        ++it;
        break;
      }
    } else {
      lambda *= 4;
      if (step_norm < options.step_tolerance || lambda > 1e10) {
        // No decrease even for a tiny step: at a minimum to tolerance.
        summary.converged = step_norm < options.step_tolerance ||
                            g.cwiseProduct(prior_sd).norm() < 1e-3;
        break;
      }
    }
  }
  summary.iterations = it;
  summary.final_cost = cost;
  if (need_jacobian) {
    JUMEAU_ASSIGN_OR_RETURN(
        jh, problem.Jacobian(theta, h, options.finite_difference_step));
  }

  // Laplace posterior: (J^T R^-1 J + prior precision)^-1, J whitened.
  const MatrixXd fisher = jh.transpose() * jh;
  const MatrixXd precision = fisher + prior_precision;
  Eigen::LDLT<MatrixXd> ldlt(precision);
  if (ldlt.info() != Eigen::Success || !ldlt.isPositive()) {
    return OutOfRangeError("calibration: posterior precision is singular");
  }
  summary.covariance = ldlt.solve(MatrixXd::Identity(n, n));
  const double z = NormalQuantile(0.5 + 0.5 * options.credible_level);
  for (std::size_t i = 0; i < n; ++i) {
    ParameterEstimate& e = estimates[i];
    const double s = std::sqrt(std::max(summary.covariance(i, i), 0.0));
    e.posterior_sd = s;
    e.map = ToValue(coords[i], theta[i]);
    e.lower = ToValue(coords[i], theta[i] - z * s);
    e.upper = ToValue(coords[i], theta[i] + z * s);
    e.informed = s <= options.informed_sd_ratio * e.prior_sd;
    if (!e.informed) summary.not_informed.push_back(e.name);
  }
  // Identifiability: eigen-directions of the prior-scaled Fisher information.
  const MatrixXd scaled =
      prior_sd.asDiagonal() * fisher * prior_sd.asDiagonal();
  Eigen::SelfAdjointEigenSolver<MatrixXd> eig(scaled);
  for (std::size_t i = 0; i < n; ++i) {
    const double lambda_i = eig.eigenvalues()[static_cast<Eigen::Index>(i)];
    if (lambda_i >= options.weak_direction_eigenvalue) continue;
    WeakDirection w;
    w.eigenvalue = lambda_i;
    const VectorXd v = eig.eigenvectors().col(static_cast<Eigen::Index>(i));
    w.vector.assign(v.data(), v.data() + v.size());
    w.description = DescribeDirection(estimates, v);
    summary.weak_directions.push_back(std::move(w));
  }
  for (std::size_t k = 0; k < m; ++k) {
    ObservationResidual res;
    res.output = outputs[rows[k]].name;
    res.observed = y[k];
    res.predicted = h[k];
    res.standardized = (y[k] - h[k]) / sd[k];
    summary.residuals.push_back(std::move(res));
  }
  summary.estimates = std::move(estimates);
  summary.parameters = problem.Parameters(theta);
  summary.evaluations = problem.evaluations();
  return summary;
}

std::string CalibrationSummary::BriefReport() const {
  std::string s = fmt::format(
      "MAP after {} iterations ({} model evaluations, {}): cost {:.4g} -> "
      "{:.4g}\n",
      iterations, evaluations, converged ? "converged" : "NOT converged",
      initial_cost, final_cost);
  for (const ParameterEstimate& e : estimates) {
    s += fmt::format(
        "  {:<14} {:.4g} {} (credible interval {:.4g} .. {:.4g}; prior "
        "median {:.4g}; posterior/prior sd {:.2f}){}\n",
        e.name, e.map, e.unit, e.lower, e.upper, e.prior_median,
        e.posterior_sd / e.prior_sd, e.informed ? "" : "  NOT INFORMED");
  }
  for (const ObservationResidual& r : residuals) {
    s +=
        fmt::format("  {:<24} observed {:.4g}, predicted {:.4g} ({:+.2f} sd)\n",
                    r.output, r.observed, r.predicted, r.standardized);
  }
  if (not_informed.empty() && weak_directions.empty()) {
    s += "  all estimated parameters are informed by the data\n";
  }
  for (const WeakDirection& w : weak_directions) {
    s += fmt::format(
        "  weakly informed direction (Fisher eigenvalue {:.3g} in "
        "prior-sd units): {}\n",
        w.eigenvalue, w.description);
  }
  return s;
}

ObservationFunction MakeWarmStartedCardioObservation(
    const models::Regazzoni2022Cardio& model,
    const models::CardioOptions& options) {
  using models::kCardioStateCount;
  const auto ar_sys = *models::FindParameter(model, "c_ar_sys");
  const auto ven_sys = *models::FindParameter(model, "c_ven_sys");
  const auto ar_pul = *models::FindParameter(model, "c_ar_pul");
  const auto ven_pul = *models::FindParameter(model, "c_ven_pul");
  // Circulating volume (mL): chamber volumes plus C p of each compartment.
  auto volume = [=](std::span<const double> y, std::span<const double> p) {
    return y[models::kVLa] + y[models::kVLv] + y[models::kVRa] +
           y[models::kVRv] + p[ar_sys] * y[models::kPArSys] +
           p[ven_sys] * y[models::kPVenSys] + p[ar_pul] * y[models::kPArPul] +
           p[ven_pul] * y[models::kPVenPul];
  };
  auto cache = std::make_shared<std::vector<double>>();
  return [&model, options, cache, volume,
          ven_sys](std::span<const double> p) -> Result<std::vector<double>> {
    if (p.size() != model.parameters().size()) {
      return InvalidArgumentError("cardio observation: wrong parameter count");
    }
    std::vector<double> start;
    if (!cache->empty()) {
      std::vector<double> y0(kCardioStateCount);
      model.InitialState(p, y0);
      start = *cache;
      if (p[ven_sys] > 0) {
        start[models::kPVenSys] +=
            (volume(y0, p) - volume(start, p)) / p[ven_sys];
      }
    }
    Result<models::CardioSimulation> sim =
        model.SimulateToSteadyState(p, options, start);
    if (!sim.ok() && !start.empty()) {
      sim = model.SimulateToSteadyState(p, options);  // cold start
    }
    if (!sim.ok()) return sim.status();
    *cache = sim->beat_start;
    return sim->beat.AsOutputs();
  };
}

models::CardioOptions WarmStartedCardioOptions() {
  models::CardioOptions o;
  o.ode.relative_tolerance = 1e-7;
  o.ode.absolute_tolerance = 1e-7;
  o.steady_state_tolerance = 1e-5;
  return o;
}

std::vector<std::string> CardioCalibrationParameters() {
  return {"r_ar_sys", "c_ar_sys", "e_active_lv", "r_ven_sys"};
}

}  // namespace jumeau::assimilation
