// Store benchmarks: window queries on a 24-hour, 12-lead, 500 Hz record
// reduced to 2,000 points (goal p99 <= 2 ms warm), and raw decode of a window.
// The record is generated once (a beat template with respiratory RR
// modulation and noise — shape matters little for query cost) and cached in
// $TMPDIR/jumeau-bench-24h.jumeau.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <random>

#include <time.h>

#include "jumeau/store/sqlite_store.h"

namespace jumeau {
namespace {

constexpr int kLeads = 12;
constexpr int64_t kRate = 500;
constexpr int64_t kSamples = 24 * 3600 * kRate;

// A cheap ECG-like series: Gaussian P, QRS and T waves at a heart rate of
// ~70/min with respiratory modulation, plus noise and baseline wander.
void Generate(int lead, int64_t first, std::vector<int32_t>* out) {
  std::mt19937 rng(static_cast<uint32_t>(lead * 7919 + first));
  std::normal_distribution<double> noise(0.0, 3.0);
  for (size_t i = 0; i < out->size(); ++i) {
    const double t =
        static_cast<double>(first + static_cast<int64_t>(i)) / kRate;
    const double rr = 0.85 + 0.05 * std::sin(2 * M_PI * 0.25 * t);
    const double phase = std::fmod(t, rr) / rr;
    auto wave = [&](double c, double w, double a) {
      return a * std::exp(-0.5 * std::pow((phase - c) / w, 2));
    };
    const double gain = 1.0 + 0.1 * lead;
    const double mv = gain * (wave(0.2, 0.025, 0.15) - wave(0.33, 0.008, 0.1) +
                              wave(0.35, 0.01, 1.2) - wave(0.37, 0.008, 0.25) +
                              wave(0.6, 0.04, 0.3)) +
                      0.1 * std::sin(2 * M_PI * 0.15 * t);
    (*out)[i] = static_cast<int32_t>(std::lround(mv * 200 + noise(rng)));
  }
}

double ThreadCpuMicros() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) * 1e-3;
}

std::filesystem::path CachedStore() {
  const auto path =
      std::filesystem::temp_directory_path() / "jumeau-bench-24h.jumeau";
  if (std::filesystem::exists(path)) return path;
  const auto tmp = path.string() + ".tmp";
  std::filesystem::remove(tmp);
  auto store = *store::CreateSqliteStore(tmp);
  store::SourceDescription d;
  d.content_hash = "bench-24h";
  d.format = "SYNTHETIC";
  d.reader = "bench";
  d.reader_version = "1";
  d.patient_pseudonym = "bench";
  auto txn = std::move(store->BeginSource(d)).value();
  store::PatientIdentity identity;
  identity.keys = {"source:bench-24h"};
  const store::PatientId patient = *txn->Patient(identity);
  std::vector<store::StreamWriter*> writers;
  for (int lead = 0; lead < kLeads; ++lead) {
    Signal s;
    s.label = "lead" + std::to_string(lead);
    s.unit = "mV";
    s.rate = SampleRate(kRate, 1);
    s.start = *ParseIso8601("2020-01-01T00:00:00Z");
    s.scale = 1.0 / 200;
    s.bits = 16;
    writers.push_back(*txn->AddSignal(patient, s));
  }
  std::vector<int32_t> block(kRate * 60);
  for (int64_t first = 0; first < kSamples;
       first += static_cast<int64_t>(block.size())) {
    for (int lead = 0; lead < kLeads; ++lead) {
      Generate(lead, first, &block);
      (void)writers[lead]->Append(block);
    }
  }
  (void)txn->Commit();
  txn.reset();
  store.reset();
  std::filesystem::rename(tmp, path);
  for (const char* suffix : {"-wal", "-shm"})
    std::filesystem::remove(tmp + suffix);
  return path;
}

// Random windows of any length (10 ms to 24 h, log-uniform), 2,000 points.
void BM_WindowQuery2000Points(benchmark::State& state) {
  auto store = *store::OpenSqliteStore(CachedStore());
  const auto patient = *store->FindPatient("bench");
  const auto streams = *store->Streams(patient.id);
  const Time start = streams[0].signal.start;
  const double total_s = static_cast<double>(kSamples) / kRate;
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> log_len(std::log(0.01),
                                                 std::log(total_s));
  std::uniform_int_distribution<int> lead(0, kLeads - 1);
  std::vector<double> latencies_us;
  std::vector<double> cpu_us;  // thread CPU time: what the query costs on a
                               // quiet machine, whatever else runs here
  // Warm-up: touch the file once.
  for (int i = 0; i < 200; ++i) {
    const double len = std::exp(log_len(rng));
    (void)store->ReadWindow(streams[lead(rng)].id, start,
                            start + Duration{static_cast<int64_t>(len * 1e9)},
                            2000);
  }
  int64_t points = 0;
  for (auto _ : state) {
    const double len = std::exp(log_len(rng));
    std::uniform_real_distribution<double> at(0, total_s - len);
    const Time from = start + Duration{static_cast<int64_t>(at(rng) * 1e9)};
    const Time to = from + Duration{static_cast<int64_t>(len * 1e9)};
    const double c0 = ThreadCpuMicros();
    const auto t0 = std::chrono::steady_clock::now();
    auto w = store->ReadWindow(streams[lead(rng)].id, from, to, 2000);
    const auto t1 = std::chrono::steady_clock::now();
    cpu_us.push_back(ThreadCpuMicros() - c0);
    benchmark::DoNotOptimize(w);
    points +=
        static_cast<int64_t>(w->exact ? w->samples.size() : w->buckets.size());
    latencies_us.push_back(
        std::chrono::duration<double, std::micro>(t1 - t0).count());
  }
  std::sort(latencies_us.begin(), latencies_us.end());
  std::sort(cpu_us.begin(), cpu_us.end());
  state.counters["p99_cpu_us"] = cpu_us[static_cast<size_t>(0.99 * (cpu_us.size() - 1))];
  state.counters["p50_cpu_us"] = cpu_us[cpu_us.size() / 2];
  auto pct = [&](double p) {
    return latencies_us[static_cast<size_t>(p * (latencies_us.size() - 1))];
  };
  state.counters["p50_us"] = pct(0.50);
  state.counters["p99_us"] = pct(0.99);
  state.counters["max_us"] = latencies_us.back();
  state.counters["points_per_query"] =
      static_cast<double>(points) / static_cast<double>(latencies_us.size());
}
BENCHMARK(BM_WindowQuery2000Points)
    ->Iterations(5000)
    ->Unit(benchmark::kMicrosecond);

// Exact decode of 10 s windows (5,000 samples).
void BM_ExactWindow10s(benchmark::State& state) {
  auto store = *store::OpenSqliteStore(CachedStore());
  const auto patient = *store->FindPatient("bench");
  const auto streams = *store->Streams(patient.id);
  const Time start = streams[0].signal.start;
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int64_t> at(0, 24 * 3600 - 10);
  for (auto _ : state) {
    const Time from = start + Duration::Seconds(at(rng));
    auto w = store->ReadWindow(streams[0].id, from,
                               from + Duration::Seconds(10), 5000);
    benchmark::DoNotOptimize(w);
  }
  state.SetItemsProcessed(state.iterations() * 5000);
}
BENCHMARK(BM_ExactWindow10s)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace jumeau

BENCHMARK_MAIN();
