// ODE solving for the model layer: an adaptive, error-controlled explicit
// Runge-Kutta solver (the Dormand-Prince 5(4) pair, FSAL, with a cubic
// Hermite interpolant per step for output at any time), output at requested
// times, and detection of a periodic steady state (limit cycle).
// Models (model.h) supply the right-hand side; this file knows no model.
#ifndef JUMEAU_MODELS_ODE_H_
#define JUMEAU_MODELS_ODE_H_

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "jumeau/core/status.h"

namespace jumeau::models {

// dy/dt = f(t, y). Inputs: t, y (n values). Outputs: dydt (n values).
// Must not keep references to y or dydt beyond the call.
using OdeRhs =
    std::function<void(double t, std::span<const double> y, std::span<double> dydt)>;

struct OdeOptions {
  // Per component, a step is accepted when the local error estimate e_i
  // satisfies the RMS norm of e_i / (absolute + relative * |y_i|) <= 1.
  double relative_tolerance = 1e-6;  // default 1e-6
  double absolute_tolerance = 1e-8;  // default 1e-8, in each state's unit
  // First step size; 0 (default) picks one from the problem (Hairer's rule).
  double initial_step = 0.0;
  // Upper bound on the step size; 0 (default) means none.
  double max_step = 0.0;
  // Steps (accepted + rejected) allowed in one Integrate call; default 10^6.
  std::int64_t max_steps = 1'000'000;
};

// Counters over the solver's lifetime (or since Reset()).
struct OdeSummary {
  std::int64_t accepted_steps = 0;
  std::int64_t rejected_steps = 0;
  std::int64_t rhs_evaluations = 0;
  // "412 steps accepted, 9 rejected, 2536 rhs evaluations"
  std::string BriefReport() const;
};

// One accepted step [t0, t1] with states and derivatives at both ends. Its
// interpolant is the cubic Hermite polynomial through (y0, f0) and (y1, f1):
// third order, continuous in value and derivative across steps.
// A view: valid only during the observer call that receives it.
struct OdeStep {
  double t0 = 0.0;
  double t1 = 0.0;
  std::span<const double> y0, y1, f0, f1;

  // Component i of the interpolant at t. REQUIRES: t0 <= t <= t1.
  double Interpolate(std::size_t i, double t) const;
  // All components at t into out (size n). REQUIRES: t0 <= t <= t1.
  void Interpolate(double t, std::span<double> out) const;
  // The integral of component i's interpolant over [t0, t1].
  double Integral(std::size_t i) const;
  // {min, max} of component i's interpolant over [t0, t1] (exact for the
  // cubic: endpoints and interior critical points).
  std::pair<double, double> Range(std::size_t i) const;
};
using OdeStepObserver = std::function<void(const OdeStep&)>;

// A DormandPrince54 integrates an ODE system of fixed dimension with the
// Dormand-Prince 5(4) embedded pair (Dormand & Prince, J. Comput. Appl.
// Math. 6:19-26, 1980; step control after Hairer, Norsett & Wanner, Solving
// ODEs I, 2nd ed., II.4). It keeps its last step size between calls so that
// successive intervals (heartbeats) start with a good step.
// Thread-compatible: one instance per thread; it owns its work arrays.
// A right-hand side with a discontinuity or a steep smooth switch (a valve)
// is handled by step rejection: the error estimate shrinks the step there.
class DormandPrince54 {
 public:
  // REQUIRES: dimension > 0.
  explicit DormandPrince54(std::size_t dimension, OdeOptions options = {});

  // Advances y from t0 to t1 (> t0), calling observer (if set) after each
  // accepted step, in time order; the last step ends exactly at t1.
  // Returns Ok with y = y(t1). Returns InvalidArgument when y has the wrong
  // size, is not finite, or t1 <= t0; OutOfRange when the step size
  // underflows, max_steps is exceeded, or the solution becomes non-finite
  // (the message gives t); y is then the last accepted state.
  Status Integrate(const OdeRhs& rhs, double t0, double t1, std::span<double> y,
                   const OdeStepObserver& observer = nullptr);

  // The same integration with the right-hand side and the observer as
  // template arguments, so that a hot loop (a model simulated for many
  // beats) pays no std::function call per evaluation. Gives bit-identical
  // results to Integrate for the same rhs.
  // rhs(double t, const double* y, double* dydt): y, dydt hold dimension()
  // values; must not keep the pointers. observer(const OdeStep&), called
  // after each accepted step. Returns as Integrate.
  template <typename Rhs, typename Observer>
  Status IntegrateInline(Rhs&& rhs, double t0, double t1, std::span<double> y,
                         Observer&& observer);

  const OdeSummary& summary() const { return summary_; }
  const OdeOptions& options() const { return options_; }
  std::size_t dimension() const { return n_; }
  // Forgets the step size and clears the counters.
  void Reset();

 private:
  // Hairer's starting step; uses y_stage_ and k_[1] as scratch.
  template <typename Rhs>
  double InitialStep(Rhs& rhs, double t0, const double* y, const double* f0,
                     double span);
  // Checks sizes and finiteness for Integrate*.
  Status CheckArguments(double t0, double t1, std::span<const double> y) const;
  static Status TooManySteps(std::int64_t max_steps, double t0, double t1,
                             double t);
  static Status StepUnderflow(double t, double h);

  std::size_t n_;
  OdeOptions options_;
  OdeSummary summary_;
  double last_step_ = 0.0;  // 0: choose anew
  // Work arrays, n_ each: stages k1..k7, the trial state, the error.
  std::vector<double> k_[7];
  std::vector<double> y_new_, y_stage_;
};

// Solves y' = f(t, y), y(t0) = y0 and returns the state at each of `times`
// (sorted, each >= t0), row-major: result[j * n + i] = y_i(times[j]).
// Returns InvalidArgument for unsorted or early times and the errors of
// DormandPrince54::Integrate.
Result<std::vector<double>> SolveAtTimes(const OdeRhs& rhs, double t0,
                                         std::span<const double> y0,
                                         std::span<const double> times,
                                         const OdeOptions& options = {});

struct PeriodicSteadyStateOptions {
  // The period of the forcing (a heartbeat), in the rhs time unit. > 0.
  double period = 1.0;
  // Converged when, for every component i, the change of the state at the
  // start of consecutive periods satisfies
  //   |y_i(k+1) - y_i(k)| <= relative_tolerance * max(|y_i(k+1)|, floor_i)
  // with floor_i = absolute_floor[i] (or 1.0 when absolute_floor is empty:
  // one unit of the state). Default 1e-5.
  double relative_tolerance = 1e-5;
  std::vector<double> absolute_floor;
  // Periods simulated before giving up; default 2000.
  int max_periods = 2000;
};

struct PeriodicSteadyStateSummary {
  int periods = 0;             // periods simulated
  double relative_change = 0;  // the last period's max scaled change
};

// Simulates period by period from t0 and y until the periodic steady state
// criterion holds. On success y holds the state at the start of the next
// period, t0 + periods * period (i.e. the end of the last, converged period),
// and the last period simulated is the converged one.
// observer sees every accepted step; on_period_end(k) is called after period
// k (0-based) is simulated, before the convergence test.
// Returns OutOfRange when max_periods pass without convergence (the message
// gives the last change) and the errors of DormandPrince54::Integrate.
Result<PeriodicSteadyStateSummary> FindPeriodicSteadyState(
    DormandPrince54& solver, const OdeRhs& rhs, double t0, std::span<double> y,
    const PeriodicSteadyStateOptions& options,
    const OdeStepObserver& observer = nullptr,
    const std::function<void(int)>& on_period_end = nullptr);

// Used by the template below: InvalidArgument for a non-positive period or
// an absolute_floor of the wrong size; the OutOfRange status returned when
// max_periods pass without convergence.
Status CheckPeriodicSteadyStateOptions(const PeriodicSteadyStateOptions& options,
                                       std::size_t dimension);
Status PeriodicSteadyStateNotReached(const PeriodicSteadyStateOptions& options,
                                     const PeriodicSteadyStateSummary& last);

// The same with rhs, observer and on_period_end as template arguments (see
// DormandPrince54::IntegrateInline for rhs); bit-identical results.
template <typename Rhs, typename Observer, typename OnPeriodEnd>
Result<PeriodicSteadyStateSummary> FindPeriodicSteadyStateInline(
    DormandPrince54& solver, Rhs&& rhs, double t0, std::span<double> y,
    const PeriodicSteadyStateOptions& options, Observer&& observer,
    OnPeriodEnd&& on_period_end);

// The same loop with the integration of one period supplied by the caller:
// integrate_period(double start, double end, std::span<double> y) -> Status
// advances y from start to end (a model may compile its period integrator
// for several instruction sets). on_period_end as above.
template <typename IntegratePeriod, typename OnPeriodEnd>
Result<PeriodicSteadyStateSummary> FindPeriodicSteadyStateWith(
    IntegratePeriod&& integrate_period, double t0, std::span<double> y,
    const PeriodicSteadyStateOptions& options, OnPeriodEnd&& on_period_end);

// ---------------------------------------------------------------------------
// Implementation of the templates above. Not part of the API.

namespace ode_internal {

// Dormand & Prince (1980) coefficients, the pair used by DOPRI5 and
// MATLAB's ode45. Row i of A gives stage i+1 from stages 1..i.
inline constexpr double kC2 = 1.0 / 5, kC3 = 3.0 / 10, kC4 = 4.0 / 5,
                        kC5 = 8.0 / 9;
inline constexpr double kA21 = 1.0 / 5;
inline constexpr double kA31 = 3.0 / 40, kA32 = 9.0 / 40;
inline constexpr double kA41 = 44.0 / 45, kA42 = -56.0 / 15, kA43 = 32.0 / 9;
inline constexpr double kA51 = 19372.0 / 6561, kA52 = -25360.0 / 2187,
                        kA53 = 64448.0 / 6561, kA54 = -212.0 / 729;
inline constexpr double kA61 = 9017.0 / 3168, kA62 = -355.0 / 33,
                        kA63 = 46732.0 / 5247, kA64 = 49.0 / 176,
                        kA65 = -5103.0 / 18656;
// Fifth-order weights (also row 7: first same as last).
inline constexpr double kB1 = 35.0 / 384, kB3 = 500.0 / 1113,
                        kB4 = 125.0 / 192, kB5 = -2187.0 / 6784,
                        kB6 = 11.0 / 84;
// Error weights: fifth-order minus fourth-order weights.
inline constexpr double kE1 = 71.0 / 57600, kE3 = -71.0 / 16695,
                        kE4 = 71.0 / 1920, kE5 = -17253.0 / 339200,
                        kE6 = 22.0 / 525, kE7 = -1.0 / 40;

// Hermite basis on s in [0, 1] for step length h.
inline double Hermite(double y0, double y1, double f0, double f1, double h,
                      double s) {
  const double s2 = s * s, s3 = s2 * s;
  return (2 * s3 - 3 * s2 + 1) * y0 + (s3 - 2 * s2 + s) * h * f0 +
         (-2 * s3 + 3 * s2) * y1 + (s3 - s2) * h * f1;
}

inline constexpr double kSafety = 0.9;
inline constexpr double kMinFactor = 0.2;
inline constexpr double kMaxFactor = 10.0;

}  // namespace ode_internal

inline double OdeStep::Interpolate(std::size_t i, double t) const {
  const double h = t1 - t0;
  return ode_internal::Hermite(y0[i], y1[i], f0[i], f1[i], h, (t - t0) / h);
}

inline void OdeStep::Interpolate(double t, std::span<double> out) const {
  const double h = t1 - t0;
  const double s = (t - t0) / h;
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = ode_internal::Hermite(y0[i], y1[i], f0[i], f1[i], h, s);
  }
}

inline double OdeStep::Integral(std::size_t i) const {
  const double h = t1 - t0;
  return h * (0.5 * (y0[i] + y1[i]) + h * (f0[i] - f1[i]) / 12.0);
}

inline std::pair<double, double> OdeStep::Range(std::size_t i) const {
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
      const double v = ode_internal::Hermite(y0[i], y1[i], f0[i], f1[i], h, s);
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

template <typename Rhs>
double DormandPrince54::InitialStep(Rhs& rhs, double t0, const double* y,
                                    const double* f0, double span) {
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
  double* ys = y_stage_.data();
  for (std::size_t i = 0; i < n_; ++i) ys[i] = y[i] + h0 * f0[i];
  double* f1 = k_[1].data();  // scratch; overwritten by the first step
  rhs(t0 + h0, static_cast<const double*>(ys), f1);
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

template <typename Rhs, typename Observer>
Status DormandPrince54::IntegrateInline(Rhs&& rhs, double t0, double t1,
                                        std::span<double> y,
                                        Observer&& observer) {
  using namespace ode_internal;  // NOLINT: the tableau, local to this body
  JUMEAU_RETURN_IF_ERROR(CheckArguments(t0, t1, y));
  const std::size_t n = n_;
  const double rtol = options_.relative_tolerance;
  const double atol = options_.absolute_tolerance;
  const double max_step = options_.max_step > 0 ? options_.max_step : t1 - t0;
  double* k1 = k_[0].data();
  double* k2 = k_[1].data();
  double* k3 = k_[2].data();
  double* k4 = k_[3].data();
  double* k5 = k_[4].data();
  double* k6 = k_[5].data();
  double* k7 = k_[6].data();
  double* ys = y_stage_.data();
  double* yn = y_new_.data();
  double* yy = y.data();

  rhs(t0, static_cast<const double*>(yy), k1);
  ++summary_.rhs_evaluations;
  double h = options_.initial_step > 0 ? options_.initial_step : last_step_;
  if (!(h > 0)) h = InitialStep(rhs, t0, yy, k1, t1 - t0);
  h = std::min(h, max_step);

  double t = t0;
  bool last_rejected = false;
  std::int64_t steps = 0;
  while (t < t1) {
    if (++steps > options_.max_steps) {
      return TooManySteps(options_.max_steps, t0, t1, t);
    }
    bool final_step = false;
    const double h_proposed = h;
    if (t + 1.01 * h >= t1) {  // do not leave a sliver
      h = t1 - t;
      final_step = true;
    }
    if (h <= 16 * std::numeric_limits<double>::epsilon() * std::abs(t)) {
      return StepUnderflow(t, h);
    }
    const double* cys = ys;
    for (std::size_t i = 0; i < n; ++i) ys[i] = yy[i] + h * kA21 * k1[i];
    rhs(t + kC2 * h, cys, k2);
    for (std::size_t i = 0; i < n; ++i)
      ys[i] = yy[i] + h * (kA31 * k1[i] + kA32 * k2[i]);
    rhs(t + kC3 * h, cys, k3);
    for (std::size_t i = 0; i < n; ++i)
      ys[i] = yy[i] + h * (kA41 * k1[i] + kA42 * k2[i] + kA43 * k3[i]);
    rhs(t + kC4 * h, cys, k4);
    for (std::size_t i = 0; i < n; ++i)
      ys[i] = yy[i] + h * (kA51 * k1[i] + kA52 * k2[i] + kA53 * k3[i] +
                           kA54 * k4[i]);
    rhs(t + kC5 * h, cys, k5);
    for (std::size_t i = 0; i < n; ++i)
      ys[i] = yy[i] + h * (kA61 * k1[i] + kA62 * k2[i] + kA63 * k3[i] +
                           kA64 * k4[i] + kA65 * k5[i]);
    const double t_new = final_step ? t1 : t + h;
    rhs(t_new, cys, k6);
    for (std::size_t i = 0; i < n; ++i)
      yn[i] = yy[i] + h * (kB1 * k1[i] + kB3 * k3[i] + kB4 * k4[i] +
                           kB5 * k5[i] + kB6 * k6[i]);
    rhs(t_new, static_cast<const double*>(yn), k7);
    summary_.rhs_evaluations += 6;

    double err = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double e = h * (kE1 * k1[i] + kE3 * k3[i] + kE4 * k4[i] +
                            kE5 * k5[i] + kE6 * k6[i] + kE7 * k7[i]);
      const double sc =
          atol + rtol * std::max(std::abs(yy[i]), std::abs(yn[i]));
      err += (e / sc) * (e / sc);
    }
    // A non-finite yn or k7 makes err NaN or infinite.
    err = std::sqrt(err / n);
    if (!std::isfinite(err)) err = std::numeric_limits<double>::infinity();

    if (err <= 1.0) {
      ++summary_.accepted_steps;
      observer(OdeStep{t, t_new, std::span<const double>(yy, n),
                       std::span<const double>(yn, n),
                       std::span<const double>(k1, n),
                       std::span<const double>(k7, n)});
      std::copy(yn, yn + n, yy);
      std::swap(k1, k7);  // first same as last
      t = t_new;
      double factor =
          err == 0.0 ? kMaxFactor : kSafety * std::pow(err, -1.0 / 5.0);
      factor = std::clamp(factor, kMinFactor, last_rejected ? 1.0 : kMaxFactor);
      const double h_next = std::min(h * factor, max_step);
      // After a final step shortened to reach t1, remember the step the
      // controller had proposed, not the sliver.
      last_step_ = final_step
                       ? std::max(h_next, std::min(h_proposed, h_next * 10))
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
  // k1 may now point at the array of k_[6] and vice versa: both are scratch
  // between calls, and the next call starts by evaluating k_[0].
  return Status::Ok();
}

template <typename IntegratePeriod, typename OnPeriodEnd>
Result<PeriodicSteadyStateSummary> FindPeriodicSteadyStateWith(
    IntegratePeriod&& integrate_period, double t0, std::span<double> y,
    const PeriodicSteadyStateOptions& options, OnPeriodEnd&& on_period_end) {
  JUMEAU_RETURN_IF_ERROR(CheckPeriodicSteadyStateOptions(options, y.size()));
  std::vector<double> previous(y.begin(), y.end());
  PeriodicSteadyStateSummary summary;
  for (int k = 0; k < options.max_periods; ++k) {
    const double start = t0 + k * options.period;
    JUMEAU_RETURN_IF_ERROR(integrate_period(start, start + options.period, y));
    on_period_end(k);
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
  return PeriodicSteadyStateNotReached(options, summary);
}

template <typename Rhs, typename Observer, typename OnPeriodEnd>
Result<PeriodicSteadyStateSummary> FindPeriodicSteadyStateInline(
    DormandPrince54& solver, Rhs&& rhs, double t0, std::span<double> y,
    const PeriodicSteadyStateOptions& options, Observer&& observer,
    OnPeriodEnd&& on_period_end) {
  return FindPeriodicSteadyStateWith(
      [&](double start, double end, std::span<double> yy) {
        return solver.IntegrateInline(rhs, start, end, yy, observer);
      },
      t0, y, options, on_period_end);
}

}  // namespace jumeau::models

#endif  // JUMEAU_MODELS_ODE_H_
