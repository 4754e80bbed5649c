// Simulated heartbeats per second of the Regazzoni et al. 2022 closed-loop
// circulation (jumeau/models/cardio.h) on one core, with the adaptive
// Dormand-Prince 5(4) solver. Issue 5 goal: >= 20,000 beats/s. The reference
// Python implementation (ComputationalPhysiology/circulation) is quoted in
// the issue, not measured here: 3.7 beats/s (explicit Euler, 1 ms), ~23
// beats/s (SciPy BDF); it is not installed on this machine.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "jumeau/models/cardio.h"

namespace {

using jumeau::models::CardioOptions;
using jumeau::models::DefaultParameters;
using jumeau::models::Regazzoni2022Cardio;

// The outputs of one steady beat solved at rtol = atol = 1e-11: the
// reference for the accuracy counter below.
const std::vector<double>& ReferenceBeat() {
  static const std::vector<double> beat = [] {
    const Regazzoni2022Cardio model;
    const std::vector<double> p = DefaultParameters(model);
    CardioOptions tight;
    tight.ode.relative_tolerance = tight.ode.absolute_tolerance = 1e-11;
    tight.steady_state_tolerance = 1e-10;
    auto sim = model.SimulateToSteadyState(p, tight);
    if (!sim.ok()) return std::vector<double>();
    auto beats = model.SimulateBeats(p, sim->beat_start, 1, tight);
    return beats.ok() ? beats->back().AsOutputs() : std::vector<double>();
  }();
  return beat;
}

// Beats from the periodic steady state, 100 per iteration; arg = -log10 rtol.
// Counter worst_rel_err: the largest relative error of the last beat's
// outputs (EDV, ESV, EF, CO, SV, pressures) against ReferenceBeat().
void BM_CardioBeatsAtSteadyState(benchmark::State& state) {
  const Regazzoni2022Cardio model;
  const std::vector<double> p = DefaultParameters(model);
  CardioOptions options;
  const double rtol = std::pow(10.0, -static_cast<double>(state.range(0)));
  options.ode.relative_tolerance = rtol;
  options.ode.absolute_tolerance = rtol;
  auto sim = model.SimulateToSteadyState(p);
  if (!sim.ok()) {
    state.SkipWithError(sim.status().ToString().c_str());
    return;
  }
  constexpr int kBeats = 100;
  std::vector<double> last;
  for (auto _ : state) {
    auto beats = model.SimulateBeats(p, sim->beat_start, kBeats, options);
    if (!beats.ok()) {
      state.SkipWithError(beats.status().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(beats->back().lv_end_diastolic_volume_ml);
    last = beats->back().AsOutputs();
  }
  const std::vector<double>& reference = ReferenceBeat();
  double worst = 0;
  for (std::size_t i = 0; i < reference.size() && i < last.size(); ++i)
    worst = std::max(worst, std::abs(last[i] - reference[i]) /
                                std::abs(reference[i]));
  state.counters["worst_rel_err"] = worst;
  state.SetItemsProcessed(state.iterations() * kBeats);
  state.counters["beats_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * kBeats),
      benchmark::Counter::kIsRate);
}
BENCHMARK(BM_CardioBeatsAtSteadyState)->DenseRange(4, 8)->Unit(benchmark::kMillisecond);

// From the default initial state to the periodic steady state (the cost of
// one forward model evaluation in calibration).
void BM_CardioToSteadyState(benchmark::State& state) {
  const Regazzoni2022Cardio model;
  const std::vector<double> p = DefaultParameters(model);
  int beats = 0;
  for (auto _ : state) {
    auto sim = model.SimulateToSteadyState(p);
    if (!sim.ok()) {
      state.SkipWithError(sim.status().ToString().c_str());
      return;
    }
    beats = sim->beats;
    benchmark::DoNotOptimize(sim->beat.stroke_volume_ml);
  }
  state.counters["beats"] = beats;
  state.counters["beats_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * beats,
      benchmark::Counter::kIsRate);
}
BENCHMARK(BM_CardioToSteadyState)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
