// EDF decoding throughput: our reader (to physical doubles and to digital
// int32) against EDFlib's edfread_physical_samples and a plain read() of the
// same bytes, on a 64-channel, 512 Hz, 1-hour EDF+C file generated once in
// /tmp with EDFlib's writer. MB/s counts the file's bytes.
#include <benchmark/benchmark.h>
#include <edflib.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "jumeau/io/edf.h"

namespace {

constexpr int kSignals = 64;
constexpr int kRate = 512;
constexpr int kSeconds = 3600;
const char kPath[] = "/tmp/jumeau_edf_bench_64ch_512hz_1h.edf";

// Size the finished file must have: header, then per 1 s record 64 signals
// of 512 samples plus EDFlib's annotation signal (114 bytes).
uint64_t ExpectedSize() {
  return 256ull * (kSignals + 2) +
         uint64_t{kSeconds} * (kSignals * kRate * 2 + 114);
}

// Writes the benchmark file with EDFlib unless it is already there.
const char* BenchFile() {
  static const bool ready = [] {
    std::error_code ec;
    if (std::filesystem::file_size(kPath, ec) == ExpectedSize() && !ec)
      return true;
    const int h =
        edfopen_file_writeonly(kPath, EDFLIB_FILETYPE_EDFPLUS, kSignals);
    if (h < 0) {
      std::fprintf(stderr, "cannot create %s (EDFlib %d)\n", kPath, h);
      return false;
    }
    for (int s = 0; s < kSignals; ++s) {
      edf_set_samplefrequency(h, s, kRate);
      edf_set_physical_maximum(h, s, 3276.7);
      edf_set_physical_minimum(h, s, -3276.8);
      edf_set_digital_maximum(h, s, 32767);
      edf_set_digital_minimum(h, s, -32768);
      edf_set_label(h, s, ("EEG " + std::to_string(s)).c_str());
      edf_set_physical_dimension(h, s, "uV");
    }
    std::vector<int> buf(kRate);
    uint32_t noise = 12345;
    for (int sec = 0; sec < kSeconds; ++sec) {
      for (int s = 0; s < kSignals; ++s) {
        for (int i = 0; i < kRate; ++i) {
          noise = noise * 1664525u + 1013904223u;
          const double t = sec + static_cast<double>(i) / kRate;
          buf[i] =
              static_cast<int>(8000 * std::sin(2 * M_PI * (1 + s % 20) * t)) +
              static_cast<int>(noise >> 22) - 512;
        }
        if (edfwrite_digital_samples(h, buf.data()) != 0) {
          std::fprintf(stderr, "EDFlib write failed\n");
          return false;
        }
      }
    }
    edfclose_file(h);
    return std::filesystem::file_size(kPath) == ExpectedSize();
  }();
  return ready ? kPath : nullptr;
}

uint64_t FileBytes() { return std::filesystem::file_size(kPath); }

// EDFlib, one data record (512 samples) of each signal in turn: its fastest
// sequential pattern. Annotations are not read at open (favours EDFlib).
void BM_EdflibPhysical(benchmark::State& state) {
  if (!BenchFile()) return state.SkipWithError("no benchmark file");
  std::vector<double> buf(kRate);
  for (auto _ : state) {
    edf_hdr_struct* hdr = new edf_hdr_struct;
    if (edfopen_file_readonly(kPath, hdr, EDFLIB_DO_NOT_READ_ANNOTATIONS) !=
        0) {
      delete hdr;
      return state.SkipWithError("EDFlib cannot open the file");
    }
    double sum = 0;
    for (int sec = 0; sec < kSeconds; ++sec) {
      for (int s = 0; s < kSignals; ++s) {
        edfread_physical_samples(hdr->handle, s, kRate, buf.data());
        sum += buf[0];
      }
    }
    benchmark::DoNotOptimize(sum);
    edfclose_file(hdr->handle);
    delete hdr;
  }
  state.SetBytesProcessed(
      static_cast<int64_t>(state.iterations() * FileBytes()));
}
BENCHMARK(BM_EdflibPhysical)->Unit(benchmark::kMillisecond)->UseRealTime();

// EDFlib, each signal whole in one call (it seeks once per record).
void BM_EdflibPhysicalWholeSignal(benchmark::State& state) {
  if (!BenchFile()) return state.SkipWithError("no benchmark file");
  std::vector<double> buf(static_cast<size_t>(kRate) * kSeconds);
  for (auto _ : state) {
    edf_hdr_struct* hdr = new edf_hdr_struct;
    if (edfopen_file_readonly(kPath, hdr, EDFLIB_DO_NOT_READ_ANNOTATIONS) !=
        0) {
      delete hdr;
      return state.SkipWithError("EDFlib cannot open the file");
    }
    double sum = 0;
    for (int s = 0; s < kSignals; ++s) {
      edfread_physical_samples(hdr->handle, s, static_cast<int>(buf.size()),
                               buf.data());
      sum += buf[0];
    }
    benchmark::DoNotOptimize(sum);
    edfclose_file(hdr->handle);
    delete hdr;
  }
  state.SetBytesProcessed(
      static_cast<int64_t>(state.iterations() * FileBytes()));
}
BENCHMARK(BM_EdflibPhysicalWholeSignal)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// Ours: stream blocks (~1 MB of records, TALs parsed) and convert each to
// physical doubles.
void BM_JumeauPhysical(benchmark::State& state) {
  if (!BenchFile()) return state.SkipWithError("no benchmark file");
  jumeau::io::SampleBlock block;
  std::vector<std::vector<double>> physical;
  for (auto _ : state) {
    auto reader = jumeau::io::OpenEdf(kPath);
    if (!reader.ok())
      return state.SkipWithError(reader.status().ToString().c_str());
    double sum = 0;
    while (true) {
      auto more = (*reader)->Next(&block);
      if (!more.ok() || !*more) break;
      jumeau::io::BlockToPhysical(block, (*reader)->header(), &physical);
      sum += physical[0][0];
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetBytesProcessed(
      static_cast<int64_t>(state.iterations() * FileBytes()));
}
BENCHMARK(BM_JumeauPhysical)->Unit(benchmark::kMillisecond)->UseRealTime();

// Ours: digital int32 blocks only.
void BM_JumeauDigital(benchmark::State& state) {
  if (!BenchFile()) return state.SkipWithError("no benchmark file");
  jumeau::io::SampleBlock block;
  for (auto _ : state) {
    auto reader = jumeau::io::OpenEdf(kPath);
    if (!reader.ok())
      return state.SkipWithError(reader.status().ToString().c_str());
    int64_t sum = 0;
    while (true) {
      auto more = (*reader)->Next(&block);
      if (!more.ok() || !*more) break;
      sum += block.samples[0][0];
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetBytesProcessed(
      static_cast<int64_t>(state.iterations() * FileBytes()));
}
BENCHMARK(BM_JumeauDigital)->Unit(benchmark::kMillisecond)->UseRealTime();

// The floor: read() the same bytes in 1 MiB chunks (page cache).
void BM_PlainRead(benchmark::State& state) {
  if (!BenchFile()) return state.SkipWithError("no benchmark file");
  std::vector<char> buf(1 << 20);
  for (auto _ : state) {
    const int fd = ::open(kPath, O_RDONLY);
    if (fd < 0) return state.SkipWithError("cannot open");
    int64_t total = 0;
    while (true) {
      const ssize_t got = ::read(fd, buf.data(), buf.size());
      if (got <= 0) break;
      total += got;
    }
    ::close(fd);
    benchmark::DoNotOptimize(total);
  }
  state.SetBytesProcessed(
      static_cast<int64_t>(state.iterations() * FileBytes()));
}
BENCHMARK(BM_PlainRead)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
