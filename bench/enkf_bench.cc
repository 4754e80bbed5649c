// Throughput of the ensemble Kalman filter (jumeau/assimilation/enkf.h):
// analysis steps per second for the Lorenz-63 setup of Sakov et al. (2012)
// (3 variables, 3 observations, 10 members) and for a 20-parameter augmented
// state with 10 observations and 100 members, both analysis variants; plus
// one full L63 cycle (25 RK4 steps per member, then the analysis).
#include <benchmark/benchmark.h>

#include <cmath>

#include "jumeau/assimilation/enkf.h"

namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;
using jumeau::assimilation::EnkfOptions;
using jumeau::assimilation::EnkfVariant;
using jumeau::assimilation::EnsembleKalmanFilter;

EnkfVariant VariantOf(const benchmark::State& state) {
  return state.range(0) == 0 ? EnkfVariant::kPerturbedObservations
                             : EnkfVariant::kSquareRoot;
}

// Analysis only: the ensemble is reset before each analysis (a copy of a
// small matrix, included in the time) so every step sees the same spread.
void RunAnalysis(benchmark::State& state, int state_size, int observations,
                 int members) {
  EnkfOptions options;
  options.variant = VariantOf(state);
  options.inflation = 1.02;
  auto filter = EnsembleKalmanFilter::CreateGaussian(
      VectorXd::Zero(state_size), MatrixXd::Identity(state_size, state_size),
      members, options);
  if (!filter.ok()) {
    state.SkipWithError(filter.status().ToString().c_str());
    return;
  }
  const MatrixXd prior = filter->members();
  MatrixXd h = MatrixXd::Zero(observations, state_size);
  for (int i = 0; i < observations; ++i) {
    for (int j = 0; j < state_size; ++j) h(i, j) = std::cos(0.3 * i + 0.7 * j);
  }
  const MatrixXd r = 2.0 * MatrixXd::Identity(observations, observations);
  const VectorXd y = VectorXd::Constant(observations, 0.5);
  for (auto _ : state) {
    if (!filter->SetMembers(prior).ok()) state.SkipWithError("SetMembers");
    auto summary = filter->Analyze(y, h, r);
    if (!summary.ok()) state.SkipWithError("Analyze");
    benchmark::DoNotOptimize(summary);
  }
  state.counters["analyses_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_AnalysisL63(benchmark::State& state) { RunAnalysis(state, 3, 3, 10); }
BENCHMARK(BM_AnalysisL63)->Arg(0)->Arg(1)->ArgName("sqrt");

void BM_Analysis20Params100Members(benchmark::State& state) {
  RunAnalysis(state, 20, 10, 100);
}
BENCHMARK(BM_Analysis20Params100Members)->Arg(0)->Arg(1)->ArgName("sqrt");

// One full L63 assimilation cycle: forecast (10 members x 25 RK4 steps) and
// analysis.
void BM_CycleL63(benchmark::State& state) {
  EnkfOptions options;
  options.variant = VariantOf(state);
  options.inflation = state.range(0) == 0 ? 1.04 : 1.02;
  VectorXd x0(3);
  x0 << 1.509, -1.531, 25.46;
  const MatrixXd r = 2.0 * MatrixXd::Identity(3, 3);
  auto filter = EnsembleKalmanFilter::CreateGaussian(x0, r, 10, options);
  if (!filter.ok()) {
    state.SkipWithError(filter.status().ToString().c_str());
    return;
  }
  const auto propagate = [](int, Eigen::Ref<VectorXd> x) {
    Eigen::Vector3d s = x;
    auto rhs = [](const Eigen::Vector3d& v) {
      return Eigen::Vector3d(10.0 * (v[1] - v[0]), v[0] * (28.0 - v[2]) - v[1],
                             v[0] * v[1] - 8.0 / 3.0 * v[2]);
    };
    constexpr double dt = 0.01;
    for (int k = 0; k < 25; ++k) {
      const Eigen::Vector3d k1 = rhs(s);
      const Eigen::Vector3d k2 = rhs(s + 0.5 * dt * k1);
      const Eigen::Vector3d k3 = rhs(s + 0.5 * dt * k2);
      const Eigen::Vector3d k4 = rhs(s + dt * k3);
      s += dt / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4);
    }
    x = s;
    return jumeau::Status::Ok();
  };
  const MatrixXd h = MatrixXd::Identity(3, 3);
  for (auto _ : state) {
    if (!filter->Forecast(propagate).ok()) state.SkipWithError("Forecast");
    // Observe the ensemble's own first member: keeps the cycle on the
    // attractor without a separate truth run.
    const VectorXd y = filter->members().col(0);
    auto summary = filter->Analyze(y, h, r);
    if (!summary.ok()) state.SkipWithError("Analyze");
    benchmark::DoNotOptimize(summary);
  }
  state.counters["cycles_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_CycleL63)->Arg(0)->Arg(1)->ArgName("sqrt");

}  // namespace

BENCHMARK_MAIN();
