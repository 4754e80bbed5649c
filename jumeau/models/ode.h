// ODE solving for the model layer: an adaptive, error-controlled explicit
// Runge-Kutta solver (the Dormand-Prince 5(4) pair, FSAL, with a cubic
// Hermite interpolant per step for output at any time), output at requested
// times, and detection of a periodic steady state (limit cycle).
// Models (model.h) supply the right-hand side; this file knows no model.
#ifndef JUMEAU_MODELS_ODE_H_
#define JUMEAU_MODELS_ODE_H_

#include <cstddef>
#include <cstdint>
#include <functional>
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

  const OdeSummary& summary() const { return summary_; }
  const OdeOptions& options() const { return options_; }
  std::size_t dimension() const { return n_; }
  // Forgets the step size and clears the counters.
  void Reset();

 private:
  double InitialStep(const OdeRhs& rhs, double t0, std::span<const double> y,
                     std::span<const double> f0, double span);

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

}  // namespace jumeau::models

#endif  // JUMEAU_MODELS_ODE_H_
