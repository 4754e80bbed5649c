// Throughput of analysis/dsp, hrv and eeg_features on one core: Welch over
// 64 channels x 1 h x 512 Hz, EEG features per 4 s window, HRV per 5-minute
// window of a 24 h RR series, zero-phase Butterworth and 360 -> 250 Hz
// resampling. scipy's side of the comparison: bench/dsp_scipy_bench.py.
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <vector>

#include "jumeau/analysis/dsp.h"
#include "jumeau/analysis/eeg_features.h"
#include "jumeau/analysis/hrv.h"

namespace {

using namespace jumeau;            // NOLINT
using namespace jumeau::analysis;  // NOLINT

constexpr double kPi = 3.14159265358979323846;

// One hour of EEG-like signal at `rate_hz` (alpha + noise), deterministic.
const std::vector<double>& Hour(int rate_hz) {
  static std::vector<double> x;
  if (x.empty()) {
    std::mt19937_64 rng(5);
    std::normal_distribution<double> noise(0.0, 5.0);
    x.resize(static_cast<size_t>(rate_hz) * 3600);
    for (size_t i = 0; i < x.size(); ++i) {
      x[i] = 20 * std::sin(2 * kPi * 10 * i / rate_hz) + noise(rng);
    }
  }
  return x;
}

// Welch (Hann, 2 s = 1024-sample segments, 50% overlap) on 64 channels of
// 1 h at 512 Hz. The same hour is used for each channel to keep memory small
// (15 MB instead of 1 GB); the work is identical.
void BM_Welch64x1hx512(benchmark::State& state) {
  const auto& x = Hour(512);
  WelchOptions o;
  o.segment_length = 1024;
  for (auto _ : state) {
    for (int ch = 0; ch < 64; ++ch) {
      auto s = Welch(x, SampleRate(512, 1), o);
      benchmark::DoNotOptimize(s->psd.data());
    }
  }
  state.SetItemsProcessed(state.iterations() * 64 *
                          static_cast<int64_t>(x.size()));
  state.SetLabel("items = samples");
}
BENCHMARK(BM_Welch64x1hx512)->Unit(benchmark::kMillisecond)->MinTime(2.0);

// EEG features per 4 s window (no overlap) of one 1 h channel at 512 Hz held
// as int32 samples + scale, as a Signal.
void BM_EegFeaturesPerWindow(benchmark::State& state) {
  const auto& x = Hour(512);
  Signal s;
  s.rate = SampleRate(512, 1);
  s.scale = 0.01;
  s.samples.reserve(x.size());
  for (double v : x)
    s.samples.push_back(static_cast<int32_t>(std::lround(v * 100)));
  for (auto _ : state) {
    auto w = ComputeEegFeaturesPerWindow(s, Duration::Seconds(4),
                                         Duration::Seconds(4));
    benchmark::DoNotOptimize(w->data());
  }
  state.SetItemsProcessed(state.iterations() *
                          static_cast<int64_t>(s.samples.size()));
  state.SetLabel("items = samples");
}
BENCHMARK(BM_EegFeaturesPerWindow)->Unit(benchmark::kMillisecond);

// HRV per 5-minute window over 24 h of beats (~100k RR intervals).
void BM_Hrv24hPer5Min(benchmark::State& state) {
  std::vector<RrInterval> rr;
  const Time t0 = Time::FromNanoseconds(0);
  double t = 0.0;
  std::mt19937_64 rng(9);
  std::normal_distribution<double> noise(0.0, 20.0);
  while (t < 86400.0) {
    const double r = 850 + 40 * std::sin(2 * kPi * 0.1 * t) +
                     20 * std::sin(2 * kPi * 0.25 * t) + noise(rng);
    t += r / 1000;
    rr.push_back({t0 + Duration::Nanoseconds(std::llround(t * 1e9)), r});
  }
  for (auto _ : state) {
    auto w = ComputeHrvWindows(rr, t0, t0 + Duration::Hours(24));
    benchmark::DoNotOptimize(w->data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(rr.size()));
  state.SetLabel("items = RR intervals");
}
BENCHMARK(BM_Hrv24hPer5Min)->Unit(benchmark::kMillisecond);

// Zero-phase 4th-order Butterworth band-pass 0.5-40 Hz on 1 h at 512 Hz.
void BM_SosFiltFilt(benchmark::State& state) {
  const auto& x = Hour(512);
  auto sos =
      DesignButterworth(FilterType::kBandPass, 4, 0.5, 40, SampleRate(512, 1));
  for (auto _ : state) {
    auto y = SosFiltFilt(*sos, x);
    benchmark::DoNotOptimize(y->data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(x.size()));
  state.SetLabel("items = samples");
}
BENCHMARK(BM_SosFiltFilt)->Unit(benchmark::kMillisecond);

// 360 -> 250 Hz (up 25, down 36) on 1 h at 512 Hz worth of samples.
void BM_Resample360To250(benchmark::State& state) {
  const auto& x = Hour(512);
  for (auto _ : state) {
    auto y = Resample(x, SampleRate(360, 1), SampleRate(250, 1));
    benchmark::DoNotOptimize(y->data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(x.size()));
  state.SetLabel("items = input samples");
}
BENCHMARK(BM_Resample360To250)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
