// WFDB signal decoding speed: our format 212 and 16 decoders (decode only,
// from bytes already in memory) and end-to-end ReadWfdb, against a
// getvec-style decoder re-implemented here as the in-run reference (the WFDB
// C library is not packaged for Debian). Data: MIT-BIH record 100 (212) and
// Challenge 2015 v131l (16+24) from the shared test data.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "jumeau/io/wfdb.h"
#include "jumeau/io/wfdb_signal.h"

namespace {

using jumeau::io::DecodeWfdb212Pairs;
using jumeau::io::DecodeWfdbSamples;
using jumeau::io::FindWfdbFormat;

std::filesystem::path DataRoot() {
  if (const char* env = std::getenv("JUMEAU_TEST_DATA"); env && *env)
    return env;
  // bench/wfdb_bench.cc → <source>/../shared/data
  return std::filesystem::path(__FILE__)
             .parent_path()
             .parent_path()
             .parent_path() /
         "shared" / "data";
}

const std::string& FileBytes(const std::string& relative) {
  static std::string cache[2];
  static std::string names[2];
  for (int i = 0; i < 2; ++i) {
    if (names[i] == relative) return cache[i];
    if (names[i].empty()) {
      std::ifstream in(DataRoot() / relative, std::ios::binary);
      names[i] = relative;
      cache[i].assign(std::istreambuf_iterator<char>(in),
                      std::istreambuf_iterator<char>());
      return cache[i];
    }
  }
  static std::string empty;
  return empty;
}

// ---- The reference: a getvec-style decoder, re-implemented after the WFDB
// library's approach (not its code): a buffered byte reader with a refill
// check per byte (the r8 macro), a per-group state machine that yields one
// 12-bit sample per call (r212), and a per-frame getvec() that calls it once
// per signal, each call going through a function that is not inlined.
struct GetvecGroup {
  const uint8_t* data = nullptr;
  size_t size = 0;
  size_t pos = 0;
  uint8_t buf[1024];
  size_t bp = 0, be = 0;
  int count = 0;
  int word = 0;
  int stat = 1;
};

inline int R8(GetvecGroup* g) {
  if (g->bp < g->be) return g->buf[g->bp++];
  // Refill, as WFDB does with fread() into its group buffer.
  const size_t n = std::min(sizeof g->buf, g->size - g->pos);
  std::memcpy(g->buf, g->data + g->pos, n);
  g->pos += n;
  g->bp = 0;
  g->be = n;
  if (n == 0) {
    g->stat = -1;
    return 0;
  }
  return g->buf[g->bp++];
}

inline int R16(GetvecGroup* g) {
  const int l = R8(g);
  const int h = R8(g);
  return static_cast<int>(static_cast<int16_t>((h << 8) | (l & 0xff)));
}

__attribute__((noinline)) int R212(GetvecGroup* g) {
  int v;
  switch (g->count++) {
    case 0:
      v = g->word = R16(g);
      break;
    default:
      g->count = 0;
      v = ((g->word >> 4) & 0xf00) | (R8(g) & 0xff);
      break;
  }
  if (v & 0x800)
    v |= ~0xfff;
  else
    v &= 0xfff;
  return v;
}

__attribute__((noinline)) int GetSample16(GetvecGroup* g) { return R16(g); }

// One frame of `nsig` signals into vector[]; returns nsig, or -1 at the end.
__attribute__((noinline)) int Getvec(GetvecGroup* g, int nsig, int format,
                                     int* vector) {
  for (int s = 0; s < nsig; ++s)
    vector[s] = format == 212 ? R212(g) : GetSample16(g);
  return g->stat < 0 ? -1 : nsig;
}

int64_t GetvecDecodeAll(const std::string& bytes, size_t skip, int nsig,
                        int format, std::vector<int32_t>* out) {
  GetvecGroup g;
  g.data = reinterpret_cast<const uint8_t*>(bytes.data()) + skip;
  g.size = bytes.size() - skip;
  int vec[8];
  int64_t n = 0;
  out->clear();
  while (Getvec(&g, nsig, format, vec) > 0) {
    for (int s = 0; s < nsig; ++s) out->push_back(vec[s]);
    n += nsig;
  }
  return n;
}

// ---- Benchmarks ----

void BM_Decode212_Ours(benchmark::State& state) {
  const std::string& bytes = FileBytes("wfdb/mitdb/100.dat");
  if (bytes.size() != 1950000) {
    state.SkipWithError("missing wfdb/mitdb/100.dat (set JUMEAU_TEST_DATA)");
    return;
  }
  const int64_t n = 1300000;
  std::vector<int32_t> out(n);
  for (auto _ : state) {
    DecodeWfdbSamples(*FindWfdbFormat(212),
                      reinterpret_cast<const uint8_t*>(bytes.data()), n,
                      out.data());
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_Decode212_Ours)->Unit(benchmark::kMillisecond);

void BM_Decode212Pairs_Ours(benchmark::State& state) {
  const std::string& bytes = FileBytes("wfdb/mitdb/100.dat");
  if (bytes.size() != 1950000) {
    state.SkipWithError("missing wfdb/mitdb/100.dat (set JUMEAU_TEST_DATA)");
    return;
  }
  std::vector<int32_t> a(650000), b(650000);
  for (auto _ : state) {
    DecodeWfdb212Pairs(reinterpret_cast<const uint8_t*>(bytes.data()), 650000,
                       a.data(), b.data());
    benchmark::DoNotOptimize(a.data());
    benchmark::DoNotOptimize(b.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * 1300000);
}
BENCHMARK(BM_Decode212Pairs_Ours)->Unit(benchmark::kMillisecond);

void BM_Decode212_GetvecStyle(benchmark::State& state) {
  const std::string& bytes = FileBytes("wfdb/mitdb/100.dat");
  if (bytes.size() != 1950000) {
    state.SkipWithError("missing wfdb/mitdb/100.dat (set JUMEAU_TEST_DATA)");
    return;
  }
  std::vector<int32_t> out;
  out.reserve(1300002);
  int64_t n = 0;
  for (auto _ : state) {
    n = GetvecDecodeAll(bytes, 0, 2, 212, &out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_Decode212_GetvecStyle)->Unit(benchmark::kMillisecond);

void BM_ReadWfdb212_EndToEnd(benchmark::State& state) {
  const auto path = DataRoot() / "wfdb/mitdb/100";
  for (auto _ : state) {
    auto rec = jumeau::io::ReadWfdb(path);
    if (!rec.ok()) {
      state.SkipWithError(rec.status().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(rec->signals[0].samples.data());
  }
  state.SetItemsProcessed(state.iterations() * 1300000);
}
BENCHMARK(BM_ReadWfdb212_EndToEnd)->Unit(benchmark::kMillisecond);

void BM_Decode16_Ours(benchmark::State& state) {
  const std::string& bytes = FileBytes("wfdb/other/v131l.mat");
  if (bytes.size() != 660024) {
    state.SkipWithError("missing wfdb/other/v131l.mat (set JUMEAU_TEST_DATA)");
    return;
  }
  const int64_t n = 330000;
  std::vector<int32_t> out(n);
  for (auto _ : state) {
    DecodeWfdbSamples(*FindWfdbFormat(16),
                      reinterpret_cast<const uint8_t*>(bytes.data()) + 24, n,
                      out.data());
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_Decode16_Ours)->Unit(benchmark::kMicrosecond);

void BM_Decode16_GetvecStyle(benchmark::State& state) {
  const std::string& bytes = FileBytes("wfdb/other/v131l.mat");
  if (bytes.size() != 660024) {
    state.SkipWithError("missing wfdb/other/v131l.mat (set JUMEAU_TEST_DATA)");
    return;
  }
  std::vector<int32_t> out;
  out.reserve(330004);
  int64_t n = 0;
  for (auto _ : state) {
    n = GetvecDecodeAll(bytes, 24, 4, 16, &out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_Decode16_GetvecStyle)->Unit(benchmark::kMicrosecond);

void BM_ReadWfdb16_EndToEnd(benchmark::State& state) {
  const auto path = DataRoot() / "wfdb/other/v131l";
  for (auto _ : state) {
    auto rec = jumeau::io::ReadWfdb(path);
    if (!rec.ok()) {
      state.SkipWithError(rec.status().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(rec->signals[0].samples.data());
  }
  state.SetItemsProcessed(state.iterations() * 330000);
}
BENCHMARK(BM_ReadWfdb16_EndToEnd)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
