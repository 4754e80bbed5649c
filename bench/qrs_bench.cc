// QRS detection throughput (analysis/qrs) on MIT-BIH records from the shared
// test data: one lead, two leads (gap filling), the streaming detector in
// 1-second blocks, and end to end with WFDB decoding (ReadWfdb + two-lead
// detection, comparable to running gqrs on the record). Samples/s counts
// the samples of one lead (as gqrs reads one signal).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "jumeau/analysis/qrs.h"
#include "jumeau/io/wfdb.h"

namespace {

std::filesystem::path DataRoot() {
  if (const char* env = std::getenv("JUMEAU_TEST_DATA"); env && *env)
    return env;
  return std::filesystem::path(__FILE__)
             .parent_path()
             .parent_path()
             .parent_path() /
         "shared" / "data";
}

std::filesystem::path RecordPath(const std::string& name) {
  return DataRoot() / "wfdb" / "mitdb" / name;
}

const jumeau::Recording& Record(const std::string& name) {
  static std::map<std::string, jumeau::Recording> cache;
  auto it = cache.find(name);
  if (it == cache.end()) {
    auto r = jumeau::io::ReadWfdb(RecordPath(name));
    if (!r.ok()) {
      std::fprintf(stderr, "%s\n", r.status().ToString().c_str());
      std::exit(1);
    }
    it = cache.emplace(name, std::move(*r)).first;
  }
  return it->second;
}

const char* const kRecords[] = {"100", "105", "108", "116"};

void BM_DetectQrsOneLead(benchmark::State& state) {
  const jumeau::Recording& rec = Record(kRecords[state.range(0)]);
  const jumeau::Signal& s = rec.signals[0];
  for (auto _ : state) {
    auto r = jumeau::analysis::DetectQrs(s.samples, s.scale, s.rate);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations() *
                          static_cast<int64_t>(s.samples.size()));
  state.SetLabel(kRecords[state.range(0)]);
}
BENCHMARK(BM_DetectQrsOneLead)->DenseRange(0, 3)->Unit(benchmark::kMillisecond);

void BM_DetectQrsTwoLeads(benchmark::State& state) {
  const jumeau::Recording& rec = Record(kRecords[state.range(0)]);
  const jumeau::analysis::QrsLead leads[2] = {
      {rec.signals[0].samples, rec.signals[0].scale},
      {rec.signals[1].samples, rec.signals[1].scale}};
  for (auto _ : state) {
    auto r = jumeau::analysis::DetectQrs(leads, rec.signals[0].rate);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations() *
                          static_cast<int64_t>(leads[0].samples.size()));
  state.SetLabel(kRecords[state.range(0)]);
}
BENCHMARK(BM_DetectQrsTwoLeads)
    ->DenseRange(0, 3)
    ->Unit(benchmark::kMillisecond);

void BM_StreamingOneSecondBlocks(benchmark::State& state) {
  const jumeau::Signal& s = Record("100").signals[0];
  const double scale = s.scale;
  const size_t block = 360;
  for (auto _ : state) {
    auto det = jumeau::analysis::QrsDetector::Create(
        s.rate, std::span<const double>(&scale, 1));
    size_t beats = 0;
    for (size_t i = 0; i < s.samples.size(); i += block) {
      const std::span<const int32_t> lead[1] = {
          std::span<const int32_t>(s.samples).subspan(
              i, std::min(block, s.samples.size() - i))};
      (void)(*det)->Push(lead);
      beats += (*det)->Take().beats.size();
    }
    (*det)->Finish();
    beats += (*det)->Take().beats.size();
    benchmark::DoNotOptimize(beats);
  }
  state.SetItemsProcessed(state.iterations() *
                          static_cast<int64_t>(s.samples.size()));
}
BENCHMARK(BM_StreamingOneSecondBlocks)->Unit(benchmark::kMillisecond);

// Decoding included: what `gqrs -r 100` does (WFDB gqrs: ~31 M samples/s
// on this machine, measured outside this binary).
void BM_ReadWfdbAndDetect(benchmark::State& state) {
  const std::filesystem::path path = RecordPath("100");
  int64_t samples = 0;
  for (auto _ : state) {
    auto rec = jumeau::io::ReadWfdb(path);
    const jumeau::analysis::QrsLead leads[2] = {
        {rec->signals[0].samples, rec->signals[0].scale},
        {rec->signals[1].samples, rec->signals[1].scale}};
    auto r = jumeau::analysis::DetectQrs(leads, rec->signals[0].rate);
    benchmark::DoNotOptimize(r);
    samples += static_cast<int64_t>(leads[0].samples.size());
  }
  state.SetItemsProcessed(samples);
}
BENCHMARK(BM_ReadWfdbAndDetect)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
