// End-to-end ingest of a 1-hour, 64-channel, 512 Hz EDF (generated once with
// EDFlib by bench/make_edf into $TMPDIR): open, hash, decode, compress, build
// the pyramid, commit. Reports MB/s of source bytes on one core. Two parts of
// it are also timed alone, for where the time goes: the BLAKE2b content hash
// and the streaming EDF decode.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>

#include "jumeau/ingest/ingest.h"
#include "jumeau/io/content_hash.h"
#include "jumeau/io/edf.h"
#include "jumeau/store/sqlite_store.h"

namespace jumeau {
namespace {

std::filesystem::path EdfFile() {
  const auto path =
      std::filesystem::temp_directory_path() / "jumeau-bench-64ch-512hz-1h.edf";
  if (!std::filesystem::exists(path)) {
    const std::string cmd =
        std::string(JUMEAU_MAKE_EDF) + " " + path.string() + ".tmp 64 512 3600";
    if (std::system(cmd.c_str()) != 0) std::abort();
    std::filesystem::rename(path.string() + ".tmp", path);
  }
  return path;
}

void BM_IngestEdf64ch512Hz1h(benchmark::State& state) {
  const auto edf = EdfFile();
  const auto bytes = std::filesystem::file_size(edf);
  const auto store_path =
      std::filesystem::temp_directory_path() / "jumeau-bench-ingest.jumeau";
  for (auto _ : state) {
    state.PauseTiming();
    for (const char* suffix : {"", "-wal", "-shm"})
      std::filesystem::remove(store_path.string() + suffix);
    auto store = std::move(store::CreateSqliteStore(store_path)).value();
    state.ResumeTiming();
    ingest::IngestOptions options;
    options.patient = "bench";
    auto report =
        ingest::IngestSource(*store, {ingest::SourceKind::kEdf, edf}, options);
    if (!report.ok()) {
      state.SkipWithError(report.status().ToString().c_str());
      break;
    }
    state.PauseTiming();
    const auto stored = std::filesystem::file_size(store_path);
    state.counters["store_MB"] = static_cast<double>(stored) / 1e6;
    store.reset();
    state.ResumeTiming();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_IngestEdf64ch512Hz1h)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->UseRealTime();

// The content hash alone (io::ContentHash, SHA-256 over the whole file, read
// from the page cache: what a source that may be stored already costs first).
void BM_HashSource(benchmark::State& state) {
  const auto edf = EdfFile();
  for (auto _ : state) {
    auto hash = io::ContentHash({edf});
    if (!hash.ok()) {
      state.SkipWithError(hash.status().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(hash->data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(
      state.iterations() * std::filesystem::file_size(edf)));
}
BENCHMARK(BM_HashSource)->Unit(benchmark::kMillisecond)->Iterations(3);

// The streaming EDF decode alone (io::OpenEdf, Next() to the end).
void BM_DecodeSource(benchmark::State& state) {
  const auto edf = EdfFile();
  for (auto _ : state) {
    auto reader = io::OpenEdf(edf);
    if (!reader.ok()) {
      state.SkipWithError(reader.status().ToString().c_str());
      break;
    }
    io::SampleBlock block;
    while (true) {
      auto more = (*reader)->Next(&block);
      if (!more.ok()) {
        state.SkipWithError(more.status().ToString().c_str());
        return;
      }
      if (!*more) break;
      benchmark::DoNotOptimize(block.samples.data());
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(
      state.iterations() * std::filesystem::file_size(edf)));
}
BENCHMARK(BM_DecodeSource)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace jumeau

BENCHMARK_MAIN();
