// VCF genotype read throughput: our reader (whole table, streaming batches,
// one selected sample) against `bcftools view` reading the same file (timed
// around the command from this binary, process start included), on
// tiny1000G.vcf.gz (1004 variants x 3202 samples) and on a 16x larger copy
// generated once in /tmp (each record written 16 times, ids made distinct).
// Counters: genotypes/s = variants x samples read per wall-clock second;
// genotypes/cpu_s the same per CPU second (getrusage: this process for ours,
// its children for bcftools), which holds up when the cores are shared.
#include <benchmark/benchmark.h>
#include <htslib/bgzf.h>
#include <htslib/hts.h>
#include <htslib/kstring.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "jumeau/io/vcf.h"

namespace {

constexpr int kCopies = 16;
constexpr int64_t kTinyVariants = 1004;
constexpr int64_t kTinySamples = 3202;
const char kLargePath[] = "/tmp/jumeau_vcf_bench_tiny1000G_x16_v3.vcf.gz";

std::filesystem::path DataRoot() {
  if (const char* env = std::getenv("JUMEAU_TEST_DATA"); env && *env)
    return env;
  // bench/vcf_bench.cc -> <source>/../shared/data
  return std::filesystem::path(__FILE__)
             .parent_path()
             .parent_path()
             .parent_path() /
         "shared" / "data";
}

std::string TinyPath() {
  return (DataRoot() / "vcf" / "tiny1000G.vcf.gz").string();
}

// Writes the 16x file (bgzipped) unless it is already there: every record of
// tiny1000G 16 times at its position (still sorted), ids suffixed :0..:15.
const char* LargePath() {
  static const bool ready = [] {
    std::error_code ec;
    if (std::filesystem::exists(kLargePath, ec)) return true;
    htsFile* in = hts_open(TinyPath().c_str(), "r");
    if (in == nullptr) return false;
    const std::string tmp = std::string(kLargePath) + ".tmp";
    BGZF* out = bgzf_open(tmp.c_str(), "w6");
    kstring_t line = {0, 0, nullptr};
    bool ok = out != nullptr;
    while (ok && hts_getline(in, '\n', &line) >= 0) {
      std::string text(line.s, line.l);
      if (text[0] == '#') {
        text += '\n';
        if (text.rfind("##fileformat", 0) == 0) {
          // bcftools needs every contig declared to write BCF (for
          // tiny1000G it finds them in the .tbi index).
          for (int c = 1; c <= 23; ++c) {
            text +=
                "##contig=<ID=" + (c == 23 ? "X" : std::to_string(c)) + ">\n";
          }
        }
        ok = bgzf_write(out, text.data(), text.size()) >= 0;
        continue;
      }
      // CHROM POS ID REF ALT ...
      const size_t t1 = text.find('\t');
      const size_t t2 = text.find('\t', t1 + 1);
      const size_t t3 = text.find('\t', t2 + 1);
      const size_t t4 = text.find('\t', t3 + 1);
      const size_t t5 = text.find('\t', t4 + 1);
      const std::string chrom = text.substr(0, t1);
      const int64_t pos = std::stoll(text.substr(t1 + 1, t2 - t1 - 1));
      const std::string ref = text.substr(t3 + 1, t4 - t3 - 1);
      const std::string alt = text.substr(t4 + 1, t5 - t4 - 1);
      const std::string rest = text.substr(t3);  // from the tab before REF
      for (int r = 0; r < kCopies && ok; ++r) {
        const std::string p = std::to_string(pos);
        const std::string record = chrom + "\t" + p + "\t" + chrom + ":" + p +
                                   ":" + ref + ":" + alt + ":" +
                                   std::to_string(r) + rest + "\n";
        ok = bgzf_write(out, record.data(), record.size()) >= 0;
      }
    }
    ks_free(&line);
    hts_close(in);
    if (out != nullptr && bgzf_close(out) != 0) ok = false;
    if (ok) std::filesystem::rename(tmp, kLargePath, ec);
    return ok && !ec;
  }();
  return ready ? kLargePath : nullptr;
}

// File and shape for the benchmark argument: 0 = tiny1000G, 1 = 16x copy.
struct Input {
  std::string path;
  int64_t variants = 0;
};

bool GetInput(benchmark::State& state, Input* input) {
  if (state.range(0) == 0) {
    input->path = TinyPath();
    input->variants = kTinyVariants;
  } else {
    const char* large = LargePath();
    if (large == nullptr) {
      state.SkipWithError("cannot write the 16x VCF in /tmp");
      return false;
    }
    input->path = large;
    input->variants = kTinyVariants * kCopies;
  }
  if (!std::filesystem::exists(input->path)) {
    state.SkipWithError("missing vcf/tiny1000G.vcf.gz (set JUMEAU_TEST_DATA)");
    return false;
  }
  return true;
}

// CPU seconds (user + system) used so far by this process (`who` =
// RUSAGE_SELF) or by its finished children (RUSAGE_CHILDREN: bcftools).
double CpuSeconds(int who) {
  struct rusage u;
  getrusage(who, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

// Sets genotypes/s (wall clock) and genotypes/cpu_s (over `cpu_seconds` of
// CPU for all iterations: robust when other jobs share the cores).
void SetCounters(benchmark::State& state, const Input& input, int64_t samples,
                 double cpu_seconds) {
  const double genotypes = static_cast<double>(input.variants) *
                           static_cast<double>(samples) *
                           static_cast<double>(state.iterations());
  state.counters["genotypes/s"] =
      benchmark::Counter(genotypes, benchmark::Counter::kIsRate);
  if (cpu_seconds > 0) {
    state.counters["genotypes/cpu_s"] = genotypes / cpu_seconds;
  }
  state.counters["file_MB"] =
      static_cast<double>(std::filesystem::file_size(input.path)) / 1e6;
}

// Ours: the whole file into one GenotypeTable.
void BM_JumeauReadVcf(benchmark::State& state) {
  Input input;
  if (!GetInput(state, &input)) return;
  size_t bytes = 0;
  const double cpu0 = CpuSeconds(RUSAGE_SELF);
  for (auto _ : state) {
    auto table = jumeau::io::ReadVcf(input.path);
    if (!table.ok() ||
        static_cast<int64_t>(table->variant_count()) != input.variants) {
      state.SkipWithError(table.status().ToString().c_str());
      return;
    }
    bytes = table->memory_bytes();
    benchmark::DoNotOptimize(table->alt_count_row(0));
  }
  SetCounters(state, input, kTinySamples, CpuSeconds(RUSAGE_SELF) - cpu0);
  state.counters["table_MB"] = static_cast<double>(bytes) / 1e6;
}
BENCHMARK(BM_JumeauReadVcf)
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// Ours, streaming batches of 4096 variants (memory bounded by the batch).
void BM_JumeauStreamVcf(benchmark::State& state) {
  Input input;
  if (!GetInput(state, &input)) return;
  const double cpu0 = CpuSeconds(RUSAGE_SELF);
  for (auto _ : state) {
    auto reader = jumeau::io::OpenVcf(input.path);
    if (!reader.ok()) {
      state.SkipWithError(reader.status().ToString().c_str());
      return;
    }
    jumeau::GenotypeTable batch;
    int64_t variants = 0;
    while (true) {
      auto more = (*reader)->Next(&batch);
      if (!more.ok() || !*more) break;
      variants += static_cast<int64_t>(batch.variant_count());
      benchmark::DoNotOptimize(batch.alt_count_row(0));
    }
    if (variants != input.variants) {
      state.SkipWithError("short read");
      return;
    }
  }
  SetCounters(state, input, kTinySamples, CpuSeconds(RUSAGE_SELF) - cpu0);
}
BENCHMARK(BM_JumeauStreamVcf)
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// Ours, one patient's sample out of 3202 (what a single-patient ingest does).
void BM_JumeauReadVcfOneSample(benchmark::State& state) {
  Input input;
  if (!GetInput(state, &input)) return;
  jumeau::io::VcfOptions options;
  options.samples = {"HG00096"};
  const double cpu0 = CpuSeconds(RUSAGE_SELF);
  for (auto _ : state) {
    auto table = jumeau::io::ReadVcf(input.path, options);
    if (!table.ok() || table->sample_count() != 1) {
      state.SkipWithError(table.status().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(table->alt_count_row(0));
  }
  SetCounters(state, input, 1, CpuSeconds(RUSAGE_SELF) - cpu0);
}
BENCHMARK(BM_JumeauReadVcfOneSample)
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// bcftools view reading the same file and writing uncompressed BCF to
// /dev/null (its cheapest output), timed around the command.
void RunBcftools(benchmark::State& state, const std::string& extra,
                 int64_t samples) {
  if (std::system("command -v bcftools > /dev/null 2>&1") != 0) {
    state.SkipWithError("bcftools not installed (Debian package bcftools)");
    return;
  }
  Input input;
  if (!GetInput(state, &input)) return;
  const std::string command =
      "bcftools view " + extra + " -Ou -o /dev/null '" + input.path + "'";
  const double cpu0 = CpuSeconds(RUSAGE_CHILDREN);
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    const int rc = std::system(command.c_str());
    const auto end = std::chrono::steady_clock::now();
    if (rc != 0) {
      state.SkipWithError("bcftools view failed");
      return;
    }
    state.SetIterationTime(std::chrono::duration<double>(end - start).count());
  }
  SetCounters(state, input, samples, CpuSeconds(RUSAGE_CHILDREN) - cpu0);
}

void BM_BcftoolsView(benchmark::State& state) {
  RunBcftools(state, "", kTinySamples);
}
BENCHMARK(BM_BcftoolsView)
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->UseManualTime();

void BM_BcftoolsViewOneSample(benchmark::State& state) {
  RunBcftools(state, "-s HG00096", 1);
}
BENCHMARK(BM_BcftoolsViewOneSample)
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->UseManualTime();

}  // namespace

BENCHMARK_MAIN();
