// Dormand-Prince 5(4) entry points (the stepping loop is the template at the
// end of ode.h), cubic Hermite output, output at requested times, and
// periodic steady state detection.
#include "jumeau/models/ode.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

#include "fmt/format.h"

namespace jumeau::models {
namespace {

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

Status DormandPrince54::CheckArguments(double t0, double t1,
                                       std::span<const double> y) const {
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
  return Status::Ok();
}

Status DormandPrince54::TooManySteps(std::int64_t max_steps, double t0,
                                     double t1, double t) {
  return OutOfRangeError(fmt::format(
      "ode: more than {} steps between t={} and t={} (stopped at t={})",
      max_steps, t0, t1, t));
}

Status DormandPrince54::StepUnderflow(double t, double h) {
  return OutOfRangeError(
      fmt::format("ode: step size underflow at t={} (h={})", t, h));
}

Status DormandPrince54::Integrate(const OdeRhs& rhs, double t0, double t1,
                                  std::span<double> y,
                                  const OdeStepObserver& observer) {
  const std::size_t n = n_;
  return IntegrateInline(
      [&rhs, n](double t, const double* yy, double* dydt) {
        rhs(t, std::span<const double>(yy, n), std::span<double>(dydt, n));
      },
      t0, t1, y,
      [&observer](const OdeStep& step) {
        if (observer) observer(step);
      });
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

Status CheckPeriodicSteadyStateOptions(const PeriodicSteadyStateOptions& options,
                                       std::size_t dimension) {
  if (!(options.period > 0) || !std::isfinite(options.period)) {
    return InvalidArgumentError(
        fmt::format("periodic steady state: period {} is not positive",
                    options.period));
  }
  if (!options.absolute_floor.empty() &&
      options.absolute_floor.size() != dimension) {
    return InvalidArgumentError(
        "periodic steady state: absolute_floor must have one value per state");
  }
  return Status::Ok();
}

Status PeriodicSteadyStateNotReached(const PeriodicSteadyStateOptions& options,
                                     const PeriodicSteadyStateSummary& last) {
  return OutOfRangeError(fmt::format(
      "periodic steady state: not reached after {} periods (last relative "
      "change {:.3g}, tolerance {:.3g})",
      options.max_periods, last.relative_change, options.relative_tolerance));
}

Result<PeriodicSteadyStateSummary> FindPeriodicSteadyState(
    DormandPrince54& solver, const OdeRhs& rhs, double t0, std::span<double> y,
    const PeriodicSteadyStateOptions& options, const OdeStepObserver& observer,
    const std::function<void(int)>& on_period_end) {
  const std::size_t n = y.size();
  return FindPeriodicSteadyStateInline(
      solver,
      [&rhs, n](double t, const double* yy, double* dydt) {
        rhs(t, std::span<const double>(yy, n), std::span<double>(dydt, n));
      },
      t0, y, options,
      [&observer](const OdeStep& step) {
        if (observer) observer(step);
      },
      [&on_period_end](int k) {
        if (on_period_end) on_period_end(k);
      });
}

}  // namespace jumeau::models
