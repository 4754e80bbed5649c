// Disease-course models (issue 8): time per MCMC-SAEM iteration on a
// generated cohort of 524 subjects x ~6 visits (4..8) x 4 features (logistic,
// 2 sources), and personalising 200 patients (MCMC on the individual
// parameters: 300 burn-in + 200 kept draws, thinned by 2). Leaspy's own
// figures, quoted (Leaspy is not installed here): 1,000 iterations in
// 2 min 14 s for such a cohort (0.134 s/iteration); personalising 200
// patients in 29 s (scipy_minimize) or 1 s (mean of the posterior).
#include <benchmark/benchmark.h>

#include "jumeau/assimilation/saem.h"

namespace {

using jumeau::assimilation::CohortData;

jumeau::models::progression::PopulationParameters Truth() {
  jumeau::models::progression::PopulationParameters p;
  p.features = 4;
  p.sources = 2;
  p.g = {0.3, -0.4, 1.0, 0.0};
  p.log_v0 = {-2.6, -2.9, -2.4, -3.1};
  p.betas = {0.04, -0.06, 0.12, -0.12, 0.2, -0.18};
  p.tau_mean = 74;
  p.tau_std = 7;
  p.xi_std = 0.5;
  p.noise_std = {0.05, 0.05, 0.05, 0.05};
  return p;
}

const CohortData& Cohort() {
  static const CohortData d = [] {
    jumeau::assimilation::CohortSimulationOptions o;
    o.subjects = 524;
    o.min_visits = 4;
    o.max_visits = 8;
    o.seed = 5;
    return jumeau::assimilation::SimulateCohort(Truth(), o);
  }();
  return d;
}

constexpr int kIterations = 200;

void BM_SaemIteration524x6x4(benchmark::State& state) {
  const CohortData& d = Cohort();
  jumeau::assimilation::SaemOptions o;
  o.sources = 2;
  o.iterations = kIterations;
  for (auto _ : state) {
    auto r = jumeau::assimilation::FitSaem(d, o);
    benchmark::DoNotOptimize(r);
  }
  state.counters["visits"] = d.visits();
  state.counters["s_per_iteration"] = benchmark::Counter(
      static_cast<double>(kIterations) * state.iterations(),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["leaspy_s_per_iteration"] = 134.0 / 1000.0;
}
BENCHMARK(BM_SaemIteration524x6x4)->Unit(benchmark::kMillisecond);

void BM_Personalize200(benchmark::State& state) {
  const CohortData& all = Cohort();
  CohortData d;
  d.features = all.features;
  for (int i = 0; i < 200; ++i) {
    std::vector<double> t(all.times.begin() + all.offsets[i],
                          all.times.begin() + all.offsets[i + 1]);
    std::vector<double> y(all.values.begin() + all.offsets[i] * 4,
                          all.values.begin() + all.offsets[i + 1] * 4);
    d.AddSubject(all.subject_ids[i], t, y);
  }
  jumeau::assimilation::PersonalizeOptions o;
  o.burn_in = static_cast<int>(state.range(0));
  o.samples = static_cast<int>(state.range(1));
  for (auto _ : state) {
    auto r = jumeau::assimilation::Personalize(Truth(), d, o);
    benchmark::DoNotOptimize(r);
  }
  state.counters["leaspy_s"] = 29.0;  // scipy_minimize; 1 s with mean_real
}
BENCHMARK(BM_Personalize200)
    ->Args({300, 200})
    ->Args({100, 50})
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
