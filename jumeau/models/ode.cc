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

std::string OdeSummary::BriefReport() const {
  return fmt::format("{} steps accepted, {} rejected, {} rhs evaluations",
                     accepted_steps, rejected_steps, rhs_evaluations);
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
