// The brain network engine (jumeau/models/brain/) on TVB's 76-region
// connectome, in the configurations of the TVB speed anchors quoted in
// issue 7 (TVB 2.x with numba on this machine): Jansen-Rit, 1 s simulated,
// dt = 0.0625 ms, linear coupling with delays (TVB ~2.5 s wall); the
// Epileptor, 10 s simulated (TVB ~25 s wall). TVB is not installed here, so
// its figures are quoted as counters next to ours (tvb_wall_s).
// Run: build/bench/brain_bench [--benchmark_repetitions=3]
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "jumeau/assimilation/ensemble_inversion.h"
#include "jumeau/derive/brain_twin.h"
#include "jumeau/io/connectome.h"
#include "jumeau/models/brain/network.h"

namespace {

using jumeau::models::brain::Connectivity;
using jumeau::models::brain::CouplingKind;
using jumeau::models::brain::NetworkConfig;
using jumeau::models::brain::NormalizeWeightsToMax;
using jumeau::models::brain::NeuralMassKind;

const Connectivity* LoadOnce() {
  static Connectivity* conn = []() -> Connectivity* {
    const char* env = std::getenv("JUMEAU_TEST_DATA");
    const std::filesystem::path root = env ? env : "../shared/data";
    auto c = jumeau::io::ReadConnectome(root / "connectome/connectivity_76");
    if (!c.ok()) {
      std::fprintf(stderr, "brain_bench: %s (set JUMEAU_TEST_DATA)\n",
                   c.status().message().c_str());
      return nullptr;
    }
    return new Connectivity{c->labels, c->weights, c->tract_lengths_mm,
                            c->centres_mm};
  }();
  return conn;
}

void Run(benchmark::State& state, const Connectivity& conn,
         const NetworkConfig& cfg, double tvb_wall_s) {
  for (auto _ : state) {
    auto trace = jumeau::models::brain::SimulateNetwork(conn, cfg);
    if (!trace.ok()) {
      state.SkipWithError(trace.status().message().c_str());
      return;
    }
    benchmark::DoNotOptimize(trace->values[0].data());
  }
  state.counters["simulated_s_per_cpu_s"] = benchmark::Counter(
      cfg.duration_ms / 1000.0, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["tvb_wall_s"] = tvb_wall_s;
}

void BM_JansenRit76_1s_Delays(benchmark::State& state) {
  const Connectivity* conn = LoadOnce();
  if (conn == nullptr) return state.SkipWithError("connectome missing");
  NetworkConfig cfg;  // TVB reference case (a): linear coupling 1e-4.
  cfg.model = NeuralMassKind::kJansenRit;
  cfg.coupling.kind = CouplingKind::kLinear;
  cfg.coupling.a = 1e-4;
  cfg.speed_mm_per_ms = 3.0;
  cfg.dt_ms = 0.0625;
  cfg.duration_ms = 1000;
  if (state.range(0) == 1) cfg.noise_nsig = {0, 0, 0, 5.28125e-4, 0, 0};
  Run(state, *conn, cfg, 2.5);
}
BENCHMARK(BM_JansenRit76_1s_Delays)
    ->Arg(0)
    ->Arg(1)
    ->ArgName("noise")
    ->Unit(benchmark::kMillisecond);

void BM_Epileptor76_10s_Delays(benchmark::State& state) {
  const Connectivity* conn = LoadOnce();
  if (conn == nullptr) return state.SkipWithError("connectome missing");
  Connectivity c = *conn;
  NetworkConfig cfg;
  cfg.model = NeuralMassKind::kEpileptor;
  cfg.duration_ms = 10000;
  cfg.region_x0.assign(76, -2.4);
  for (int r : {2, 9, 24}) cfg.region_x0[r] = -1.6;
  if (state.range(0) == 1) {  // reference epileptor_ks: recruitment
    NormalizeWeightsToMax(&c);
    cfg.epileptor.Ks = -2;
    cfg.coupling.kind = CouplingKind::kDifference;
    cfg.coupling.a = 1;
  }
  Run(state, c, cfg, 25.0);
}
BENCHMARK(BM_Epileptor76_10s_Delays)
    ->Arg(0)
    ->Arg(1)
    ->ArgName("ks")
    ->Unit(benchmark::kMillisecond);

void BM_Epileptor2D76_10s_Delays(benchmark::State& state) {
  const Connectivity* conn = LoadOnce();
  if (conn == nullptr) return state.SkipWithError("connectome missing");
  Connectivity c = *conn;
  NormalizeWeightsToMax(&c);
  NetworkConfig cfg;
  cfg.model = NeuralMassKind::kEpileptor2D;
  cfg.duration_ms = 10000;
  cfg.region_x0.assign(76, -2.4);
  for (int r : {2, 9, 24}) cfg.region_x0[r] = -1.6;
  cfg.epileptor.Ks = -2;
  cfg.coupling.kind = CouplingKind::kDifference;
  cfg.coupling.a = 1;
  Run(state, c, cfg, 0.0);
}
BENCHMARK(BM_Epileptor2D76_10s_Delays)->Unit(benchmark::kMillisecond);

// Personalisation of one synthetic patient as `twin build --model brain`
// does it (derive/brain_twin.h): 24-member ES-MDA, 4 assimilations, 97
// Jansen-Rit simulations of 3 s at dt = 0.125 ms with EEG features.
void BM_PersonaliseJansenRitOnePatient(benchmark::State& state) {
  const Connectivity* conn = LoadOnce();
  if (conn == nullptr) return state.SkipWithError("connectome missing");
  const jumeau::derive::BrainTwinOptions o;
  auto proj = jumeau::models::brain::DistanceProjection1020(*conn);
  const std::vector<double> truth = {1.5e-4, 3.0, 0.2};
  auto observed = jumeau::derive::SimulatedEegFeatures(
      *conn, jumeau::derive::JansenRitTwinConfig(truth, o), *proj,
      o.transient_ms);
  if (!proj.ok() || !observed.ok()) return state.SkipWithError("simulation");
  const std::vector<double> sd = {0.5, 0.05, 0.05, 0.05, 0.05};
  jumeau::assimilation::InversionOptions io;
  io.ensemble_size = o.ensemble_size;
  io.iterations = o.iterations;
  for (auto _ : state) {
    auto fit = jumeau::assimilation::InvertEnsemble(
        jumeau::derive::JansenRitTwinParameters(), *observed, sd,
        [&](std::span<const double> p) {
          return jumeau::derive::SimulatedEegFeatures(
              *conn, jumeau::derive::JansenRitTwinConfig(p, o), *proj,
              o.transient_ms);
        },
        io);
    if (!fit.ok()) return state.SkipWithError(fit.status().message().c_str());
    state.counters["simulations"] = fit->evaluations;
  }
}
BENCHMARK(BM_PersonaliseJansenRitOnePatient)
    ->Unit(benchmark::kSecond)
    ->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
