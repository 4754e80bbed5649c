// Dormand-Prince 5(4) with standard step-size control, cubic Hermite output,
// output at requested times, and periodic steady state detection.
#include "jumeau/models/ode.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

#include "fmt/format.h"

namespace jumeau::models {
namespace {

// Dormand & Prince (1980) coefficients, the pair used by DOPRI5 and
// MATLAB's ode45. Row i of A gives stage i+1 from stages 1..i.
constexpr double kC2 = 1.0 / 5, kC3 = 3.0 / 10, kC4 = 4.0 / 5, kC5 = 8.0 / 9;
constexpr double kA21 = 1.0 / 5;
constexpr double kA31 = 3.0 / 40, kA32 = 9.0 / 40;
constexpr double kA41 = 44.0 / 45, kA42 = -56.0 / 15, kA43 = 32.0 / 9;
constexpr double kA51 = 19372.0 / 6561, kA52 = -25360.0 / 2187,
                 kA53 = 64448.0 / 6561, kA54 = -212.0 / 729;
constexpr double kA61 = 9017.0 / 3168, kA62 = -355.0 / 33,
                 kA63 = 46732.0 / 5247, kA64 = 49.0 / 176,
                 kA65 = -5103.0 / 18656;
// Fifth-order weights (also row 7: first same as last).
constexpr double kB1 = 35.0 / 384, kB3 = 500.0 / 1113, kB4 = 125.0 / 192,
                 kB5 = -2187.0 / 6784, kB6 = 11.0 / 84;
// Error weights: fifth-order minus fourth-order weights.
constexpr double kE1 = 71.0 / 57600, kE3 = -71.0 / 16695, kE4 = 71.0 / 1920,
                 kE5 = -17253.0 / 339200, kE6 = 22.0 / 525, kE7 = -1.0 / 40;

constexpr double kSafety = 0.9;
constexpr double kMinFactor = 0.2;
constexpr double kMaxFactor = 10.0;

// Hermite basis on s in [0, 1] for step length h.
inline double Hermite(double y0, double y1, double f0, double f1, double h,
                      double s) {
  const double s2 = s * s, s3 = s2 * s;
  return (2 * s3 - 3 * s2 + 1) * y0 + (s3 - 2 * s2 + s) * h * f0 +
         (-2 * s3 + 3 * s2) * y1 + (s3 - s2) * h * f1;
}

}  // namespace

std::string OdeSummary::BriefReport() const {
  return fmt::format("{} steps accepted, {} rejected, {} rhs evaluations",
                     accepted_steps, rejected_steps, rhs_evaluations);
}

double OdeStep::Interpolate(std::size_t i, double t) const {
  const double h = t1 - t0;
  return Hermite(y0[i], y1[i], f0[i], f1[i], h, (t - t0) / h);
}

void OdeStep::Interpolate(double t, std::span<double> out) const {
  const double h = t1 - t0;
  const double s = (t - t0) / h;
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = Hermite(y0[i], y1[i], f0[i], f1[i], h, s);
  }
}

double OdeStep::Integral(std::size_t i) const {
  const double h = t1 - t0;
  return h * (0.5 * (y0[i] + y1[i]) + h * (f0[i] - f1[i]) / 12.0);
}

std::pair<double, double> OdeStep::Range(std::size_t i) const {
  const double h = t1 - t0;
  double lo = std::min(y0[i], y1[i]);
  double hi = std::max(y0[i], y1[i]);
  // d/ds of the Hermite cubic: a s^2 + b s + c.
  const double d = y0[i] - y1[i];
  const double a = 6 * d + 3 * h * (f0[i] + f1[i]);
  const double b = -6 * d - h * (4 * f0[i] + 2 * f1[i]);
  const double c = h * f0[i];
  auto consider = [&](double s) {
    if (s > 0.0 && s < 1.0) {
      const double v = Hermite(y0[i], y1[i], f0[i], f1[i], h, s);
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  };
  const double scale = std::abs(a) + std::abs(b) + std::abs(c);
  if (scale == 0.0) return {lo, hi};
  if (std::abs(a) <= 1e-14 * scale) {
    if (b != 0.0) consider(-c / b);
  } else {
    const double disc = b * b - 4 * a * c;
    if (disc >= 0.0) {
      // Numerically stable roots.
      const double q = -0.5 * (b + std::copysign(std::sqrt(disc), b));
      consider(q / a);
      if (q != 0.0) consider(c / q);
    }
  }
  return {lo, hi};
}

DormandPrince54::DormandPrince54(std::size_t dimension, OdeOptions options)
    : n_(dimension), options_(options) {
  assert(dimension > 0);
  for (auto& k : k_) k.assign(n_, 0.0);
  y_new_.assign(n_, 0.0);
  y_stage_.assign(n_, 0.0);
}

void DormandPrince54::Reset() {
  last_step_ = 0.0;
  summary_ = OdeSummary{};
}

double DormandPrince54::InitialStep(const OdeRhs& rhs, double t0,
                                    std::span<const double> y,
                                    std::span<const double> f0, double span) {
  // Hairer, Norsett & Wanner, Solving ODEs I, II.4 "Starting step size".
  const double rtol = options_.relative_tolerance;
  const double atol = options_.absolute_tolerance;
  double d0 = 0, d1 = 0;
  for (std::size_t i = 0; i < n_; ++i) {
    const double sc = atol + rtol * std::abs(y[i]);
    d0 += (y[i] / sc) * (y[i] / sc);
    d1 += (f0[i] / sc) * (f0[i] / sc);
  }
  d0 = std::sqrt(d0 / n_);
  d1 = std::sqrt(d1 / n_);
  double h0 = (d0 < 1e-5 || d1 < 1e-5) ? 1e-6 : 0.01 * d0 / d1;
  h0 = std::min(h0, span);
  for (std::size_t i = 0; i < n_; ++i) y_stage_[i] = y[i] + h0 * f0[i];
  std::vector<double>& f1 = k_[1];  // scratch; overwritten by the first step
  rhs(t0 + h0, y_stage_, f1);
  ++summary_.rhs_evaluations;
  double d2 = 0;
  for (std::size_t i = 0; i < n_; ++i) {
    const double sc = atol + rtol * std::abs(y[i]);
    const double diff = (f1[i] - f0[i]) / sc;
    d2 += diff * diff;
  }
  d2 = std::sqrt(d2 / n_) / h0;
  const double dmax = std::max(d1, d2);
  const double h1 = dmax <= 1e-15 ? std::max(1e-6, h0 * 1e-3)
                                  : std::pow(0.01 / dmax, 1.0 / 5.0);
  return std::min({100 * h0, h1, span});
}

Status DormandPrince54::Integrate(const OdeRhs& rhs, double t0, double t1,
                                  std::span<double> y,
                                  const OdeStepObserver& observer) {
  if (y.size() != n_) {
    return InvalidArgumentError(fmt::format(
        "ode: state has {} values, the solver was built for {}", y.size(), n_));
  }
  if (!(t1 > t0) || !std::isfinite(t0) || !std::isfinite(t1)) {
    return InvalidArgumentError(
        fmt::format("ode: interval [{}, {}] is empty or not finite", t0, t1));
  }
  for (std::size_t i = 0; i < n_; ++i) {
    if (!std::isfinite(y[i])) {
      return InvalidArgumentError(
          fmt::format("ode: initial state component {} is not finite", i));
    }
  }
  const double rtol = options_.relative_tolerance;
  const double atol = options_.absolute_tolerance;
  const double max_step = options_.max_step > 0 ? options_.max_step : t1 - t0;
  std::vector<double>& k1 = k_[0];
  std::vector<double>& k2 = k_[1];
  std::vector<double>& k3 = k_[2];
  std::vector<double>& k4 = k_[3];
  std::vector<double>& k5 = k_[4];
  std::vector<double>& k6 = k_[5];
  std::vector<double>& k7 = k_[6];
  double* ys = y_stage_.data();
  double* yn = y_new_.data();

  rhs(t0, y, k1);
  ++summary_.rhs_evaluations;
  double h = options_.initial_step > 0 ? options_.initial_step : last_step_;
  if (!(h > 0)) h = InitialStep(rhs, t0, y, k1, t1 - t0);
  h = std::min(h, max_step);

  double t = t0;
  bool last_rejected = false;
  std::int64_t steps = 0;
  while (t < t1) {
    if (++steps > options_.max_steps) {
      return OutOfRangeError(fmt::format(
          "ode: more than {} steps between t={} and t={} (stopped at t={})",
          options_.max_steps, t0, t1, t));
    }
    bool final_step = false;
    const double h_proposed = h;
    if (t + 1.01 * h >= t1) {  // do not leave a sliver
      h = t1 - t;
      final_step = true;
    }
    if (h <= 16 * std::numeric_limits<double>::epsilon() * std::abs(t)) {
      return OutOfRangeError(
          fmt::format("ode: step size underflow at t={} (h={})", t, h));
    }
    for (std::size_t i = 0; i < n_; ++i) ys[i] = y[i] + h * kA21 * k1[i];
    rhs(t + kC2 * h, y_stage_, k2);
    for (std::size_t i = 0; i < n_; ++i)
      ys[i] = y[i] + h * (kA31 * k1[i] + kA32 * k2[i]);
    rhs(t + kC3 * h, y_stage_, k3);
    for (std::size_t i = 0; i < n_; ++i)
      ys[i] = y[i] + h * (kA41 * k1[i] + kA42 * k2[i] + kA43 * k3[i]);
    rhs(t + kC4 * h, y_stage_, k4);
    for (std::size_t i = 0; i < n_; ++i)
      ys[i] = y[i] + h * (kA51 * k1[i] + kA52 * k2[i] + kA53 * k3[i] +
                          kA54 * k4[i]);
    rhs(t + kC5 * h, y_stage_, k5);
    for (std::size_t i = 0; i < n_; ++i)
      ys[i] = y[i] + h * (kA61 * k1[i] + kA62 * k2[i] + kA63 * k3[i] +
                          kA64 * k4[i] + kA65 * k5[i]);
    const double t_new = final_step ? t1 : t + h;
    rhs(t_new, y_stage_, k6);
    for (std::size_t i = 0; i < n_; ++i)
      yn[i] = y[i] + h * (kB1 * k1[i] + kB3 * k3[i] + kB4 * k4[i] +
                          kB5 * k5[i] + kB6 * k6[i]);
    rhs(t_new, y_new_, k7);
    summary_.rhs_evaluations += 6;

    double err = 0;
    bool finite = true;
    for (std::size_t i = 0; i < n_; ++i) {
      const double e = h * (kE1 * k1[i] + kE3 * k3[i] + kE4 * k4[i] +
                            kE5 * k5[i] + kE6 * k6[i] + kE7 * k7[i]);
      const double sc =
          atol + rtol * std::max(std::abs(y[i]), std::abs(yn[i]));
      err += (e / sc) * (e / sc);
      finite = finite && std::isfinite(yn[i]) && std::isfinite(k7[i]);
    }
    err = std::sqrt(err / n_);
    if (!finite) err = std::numeric_limits<double>::infinity();

    if (err <= 1.0) {
      ++summary_.accepted_steps;
      if (observer) {
        OdeStep step{t, t_new, y, y_new_, k1, k7};
        observer(step);
      }
      std::copy(y_new_.begin(), y_new_.end(), y.begin());
      std::swap(k1, k7);  // first same as last
      t = t_new;
      double factor =
          err == 0.0 ? kMaxFactor : kSafety * std::pow(err, -1.0 / 5.0);
      factor = std::clamp(factor, kMinFactor, last_rejected ? 1.0 : kMaxFactor);
      const double h_next = std::min(h * factor, max_step);
      // After a final step shortened to reach t1, remember the step the
      // controller had proposed, not the sliver.
      last_step_ = final_step ? std::max(h_next, std::min(h_proposed, h_next * 10))
                              : h_next;
      h = h_next;
      last_rejected = false;
    } else {
      ++summary_.rejected_steps;
      if (!std::isfinite(err)) {
        h *= kMinFactor;
      } else {
        h *= std::max(kMinFactor, kSafety * std::pow(err, -1.0 / 5.0));
      }
      last_rejected = true;
    }
  }
  // k1/k7 may have been swapped an odd number of times: harmless, both are
  // scratch between calls.
  return Status::Ok();
}

Result<std::vector<double>> SolveAtTimes(const OdeRhs& rhs, double t0,
                                         std::span<const double> y0,
                                         std::span<const double> times,
                                         const OdeOptions& options) {
  const std::size_t n = y0.size();
  if (n == 0) return InvalidArgumentError("ode: empty state");
  for (std::size_t j = 0; j < times.size(); ++j) {
    if (!(times[j] >= t0) || (j > 0 && times[j] < times[j - 1])) {
      return InvalidArgumentError(fmt::format(
          "ode: output time {} (index {}) is before t0={} or out of order",
          times[j], j, t0));
    }
  }
  std::vector<double> out(times.size() * n);
  std::vector<double> y(y0.begin(), y0.end());
  std::size_t next = 0;
  while (next < times.size() && times[next] == t0) {
    std::copy(y.begin(), y.end(), out.begin() + next * n);
    ++next;
  }
  if (next == times.size()) return out;
  DormandPrince54 solver(n, options);
  auto observer = [&](const OdeStep& step) {
    while (next < times.size() && times[next] <= step.t1) {
      step.Interpolate(times[next], std::span<double>(out).subspan(next * n, n));
      ++next;
    }
  };
  JUMEAU_RETURN_IF_ERROR(solver.Integrate(rhs, t0, times.back(), y, observer));
  return out;
}

Result<PeriodicSteadyStateSummary> FindPeriodicSteadyState(
    DormandPrince54& solver, const OdeRhs& rhs, double t0, std::span<double> y,
    const PeriodicSteadyStateOptions& options, const OdeStepObserver& observer,
    const std::function<void(int)>& on_period_end) {
  if (!(options.period > 0) || !std::isfinite(options.period)) {
    return InvalidArgumentError(
        fmt::format("periodic steady state: period {} is not positive",
                    options.period));
  }
  if (!options.absolute_floor.empty() &&
      options.absolute_floor.size() != y.size()) {
    return InvalidArgumentError(
        "periodic steady state: absolute_floor must have one value per state");
  }
  std::vector<double> previous(y.begin(), y.end());
  PeriodicSteadyStateSummary summary;
  for (int k = 0; k < options.max_periods; ++k) {
    const double start = t0 + k * options.period;
    JUMEAU_RETURN_IF_ERROR(
        solver.Integrate(rhs, start, start + options.period, y, observer));
    if (on_period_end) on_period_end(k);
    double change = 0;
    for (std::size_t i = 0; i < y.size(); ++i) {
      const double floor =
          options.absolute_floor.empty() ? 1.0 : options.absolute_floor[i];
      change = std::max(change, std::abs(y[i] - previous[i]) /
                                    std::max(std::abs(y[i]), floor));
    }
    summary.periods = k + 1;
    summary.relative_change = change;
    if (change <= options.relative_tolerance) return summary;
    std::copy(y.begin(), y.end(), previous.begin());
  }
  return OutOfRangeError(fmt::format(
      "periodic steady state: not reached after {} periods (last relative "
      "change {:.3g}, tolerance {:.3g})",
      options.max_periods, summary.relative_change,
      options.relative_tolerance));
}

}  // namespace jumeau::models
