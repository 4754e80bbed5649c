// FHIR ingest speed, one core: the shared 10-patient Bulk Data export
// (bulk_ndjson_10patients, 2,501 resources, 2.6 MB) replicated in memory to
// about a million resources, every UUID rewritten per copy (the last six hex
// digits XOR the copy number) so that ids stay unique and references still
// resolve. Ours (FhirReader streaming to a sink, and ReadFhirNdjson
// collecting) against references in the same run: simdjson parsing alone
// (the floor under any simdjson-based reader) and nlohmann::json parsing
// alone (the usual C++ JSON library; no FHIR extraction at all).
// With JUMEAU_BENCH_FHIR_DIR=<Bulk Data folder> (bench/ingest_clinical.sh
// sets it to the make_fhir_bulk.py output), two more run on that folder's
// files as they are on disk: FhirReader::AddFolder into a counting sink, and
// simdjson's load_many over every .ndjson file.
#include <benchmark/benchmark.h>
#include <simdjson.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "jumeau/io/fhir.h"

namespace {

std::filesystem::path DataRoot() {
  if (const char* env = std::getenv("JUMEAU_TEST_DATA"); env && *env) {
    return env;
  }
  // bench/fhir_bench.cc -> <source>/../shared/data
  return std::filesystem::path(__FILE__)
             .parent_path()
             .parent_path()
             .parent_path() /
         "shared" / "data";
}

bool IsHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

// The export as one NDJSON text (Patient file first, log.ndjson left out),
// and the offsets of the last six hex digits of every UUID in it.
struct Export {
  std::string ndjson;
  std::vector<size_t> uuid_tails;
  int64_t resources = 0;
};

const Export& BaseExport() {
  static const Export base = [] {
    Export e;
    const auto dir = DataRoot() / "fhir" / "bulk_ndjson_10patients";
    std::vector<std::filesystem::path> files;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
      const auto name = entry.path().filename().string();
      if (entry.path().extension() == ".ndjson" && name != "log.ndjson") {
        files.push_back(entry.path());
      }
    }
    std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) {
      const bool pa = a.filename().string().rfind("Patient", 0) == 0;
      const bool pb = b.filename().string().rfind("Patient", 0) == 0;
      return pa != pb ? pa : a < b;
    });
    for (const auto& f : files) {
      std::ifstream in(f, std::ios::binary);
      std::string bytes((std::istreambuf_iterator<char>(in)),
                        std::istreambuf_iterator<char>());
      if (!bytes.empty() && bytes.back() != '\n') bytes.push_back('\n');
      e.ndjson += bytes;
    }
    for (const char c : e.ndjson) e.resources += c == '\n';
    // 8-4-4-4-12 hex digits.
    const std::string& s = e.ndjson;
    static constexpr int kGroups[] = {8, 4, 4, 4, 12};
    for (size_t i = 0; i + 36 <= s.size(); ++i) {
      size_t p = i;
      bool ok = true;
      for (int g = 0; g < 5 && ok; ++g) {
        for (int k = 0; k < kGroups[g] && ok; ++k) ok = IsHex(s[p++]);
        if (g < 4 && ok) ok = s[p++] == '-';
      }
      if (ok && (i == 0 || !IsHex(s[i - 1])) &&
          (p == s.size() || !IsHex(s[p]))) {
        e.uuid_tails.push_back(i + 30);
        i += 35;
      }
    }
    return e;
  }();
  return base;
}

// Copy `k` of the export into *out: every UUID's last six hex digits XOR k.
void MakeCopy(const Export& base, uint32_t k, std::string* out) {
  *out = base.ndjson;
  static constexpr char kDigits[] = "0123456789abcdef";
  for (const size_t at : base.uuid_tails) {
    uint32_t v = 0;
    for (int d = 0; d < 6; ++d) {
      const char c = base.ndjson[at + d];
      v = v * 16 + static_cast<uint32_t>(c <= '9' ? c - '0' : c - 'a' + 10);
    }
    v ^= k & 0xFFFFFF;
    for (int d = 5; d >= 0; --d) {
      (*out)[at + d] = kDigits[v & 15];
      v >>= 4;
    }
  }
}

double MaxRssMb() {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

double CurrentRssMb() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return static_cast<double>(resident) * 4096.0 / (1024.0 * 1024.0);
}

class CountingSink final : public jumeau::io::FhirSink {
 public:
  jumeau::Status OnPatient(jumeau::io::FhirPatient) override {
    ++patients;
    return jumeau::Status::Ok();
  }
  jumeau::Status OnEvent(jumeau::io::FhirEvent e) override {
    ++events;
    unresolved += e.patient_resolved ? 0 : 1;
    return jumeau::Status::Ok();
  }
  int64_t patients = 0, events = 0, unresolved = 0;
};

// Ours, streaming: FhirReader -> sink, one copy of the export at a time.
void BM_FhirReaderSink(benchmark::State& state) {
  const Export& base = BaseExport();
  if (base.resources == 0) {
    state.SkipWithError("shared/data/fhir/bulk_ndjson_10patients missing");
    return;
  }
  const auto copies = static_cast<uint32_t>(state.range(0));
  std::string copy;
  double rss_early = 0, rss_end = 0;
  CountingSink sink;
  for (auto _ : state) {
    sink = CountingSink();
    jumeau::io::FhirReader reader(&sink);
    for (uint32_t k = 0; k < copies; ++k) {
      state.PauseTiming();
      MakeCopy(base, k, &copy);
      state.ResumeTiming();
      const jumeau::Status s = reader.AddNdjson(copy, "bulk.ndjson");
      if (!s.ok()) {
        state.SkipWithError(s.ToString().c_str());
        return;
      }
      if (k == copies / 10) rss_early = CurrentRssMb();
    }
    const auto summary = reader.Finish();
    benchmark::DoNotOptimize(summary);
    rss_end = CurrentRssMb();
  }
  const int64_t resources = base.resources * copies;
  state.SetItemsProcessed(state.iterations() * resources);
  state.SetBytesProcessed(state.iterations() * copies *
                          static_cast<int64_t>(base.ndjson.size()));
  state.counters["resources"] = static_cast<double>(resources);
  state.counters["events"] = static_cast<double>(sink.events);
  state.counters["unresolved"] = static_cast<double>(sink.unresolved);
  state.counters["rss_at_10pct_MB"] = rss_early;
  state.counters["rss_end_MB"] = rss_end;
  state.counters["maxrss_MB"] = MaxRssMb();
}
BENCHMARK(BM_FhirReaderSink)
    ->Arg(400)
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();

// Reference: simdjson's DOM parser alone over the same lines (no FHIR).
void BM_SimdjsonParseOnly(benchmark::State& state) {
  const Export& base = BaseExport();
  if (base.resources == 0) {
    state.SkipWithError("test data missing");
    return;
  }
  const auto copies = static_cast<uint32_t>(state.range(0));
  std::string copy;
  simdjson::dom::parser parser;
  int64_t objects = 0;
  for (auto _ : state) {
    for (uint32_t k = 0; k < copies; ++k) {
      state.PauseTiming();
      MakeCopy(base, k, &copy);
      state.ResumeTiming();
      size_t pos = 0;
      while (pos < copy.size()) {
        size_t end = copy.find('\n', pos);
        if (end == std::string::npos) end = copy.size();
        simdjson::dom::element root;
        if (parser.parse(copy.data() + pos, end - pos, true).get(root) ==
            simdjson::SUCCESS) {
          ++objects;
        }
        pos = end + 1;
      }
    }
  }
  benchmark::DoNotOptimize(objects);
  state.SetItemsProcessed(state.iterations() * base.resources * copies);
  state.SetBytesProcessed(state.iterations() * copies *
                          static_cast<int64_t>(base.ndjson.size()));
}
BENCHMARK(BM_SimdjsonParseOnly)
    ->Arg(400)
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();

// Reference: nlohmann::json parsing alone (fewer copies: it is slower).
void BM_NlohmannParseOnly(benchmark::State& state) {
  const Export& base = BaseExport();
  if (base.resources == 0) {
    state.SkipWithError("test data missing");
    return;
  }
  const auto copies = static_cast<uint32_t>(state.range(0));
  std::string copy;
  int64_t objects = 0;
  for (auto _ : state) {
    for (uint32_t k = 0; k < copies; ++k) {
      state.PauseTiming();
      MakeCopy(base, k, &copy);
      state.ResumeTiming();
      size_t pos = 0;
      while (pos < copy.size()) {
        size_t end = copy.find('\n', pos);
        if (end == std::string::npos) end = copy.size();
        const auto j = nlohmann::json::parse(copy.begin() + pos,
                                             copy.begin() + end, nullptr,
                                             /*allow_exceptions=*/false);
        objects += j.is_object();
        pos = end + 1;
      }
    }
  }
  benchmark::DoNotOptimize(objects);
  state.SetItemsProcessed(state.iterations() * base.resources * copies);
  state.SetBytesProcessed(state.iterations() * copies *
                          static_cast<int64_t>(base.ndjson.size()));
}
BENCHMARK(BM_NlohmannParseOnly)
    ->Arg(40)
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();

// Ours, collecting: ReadFhirNdjson over 40 copies in one buffer (100k
// resources): the result vectors grow with the data.
void BM_ReadFhirNdjsonCollect(benchmark::State& state) {
  const Export& base = BaseExport();
  if (base.resources == 0) {
    state.SkipWithError("test data missing");
    return;
  }
  const auto copies = static_cast<uint32_t>(state.range(0));
  std::string all, copy;
  for (uint32_t k = 0; k < copies; ++k) {
    MakeCopy(base, k, &copy);
    all += copy;
  }
  const double rss_before = CurrentRssMb();
  double rss_after = 0;
  size_t events = 0;
  for (auto _ : state) {
    auto r = jumeau::io::ReadFhirNdjson(all, "bulk.ndjson");
    if (!r.ok()) {
      state.SkipWithError(r.status().ToString().c_str());
      return;
    }
    events = r->events.size();
    rss_after = CurrentRssMb();
  }
  state.SetItemsProcessed(state.iterations() * base.resources * copies);
  state.SetBytesProcessed(state.iterations() *
                          static_cast<int64_t>(all.size()));
  state.counters["events"] = static_cast<double>(events);
  state.counters["result_MB"] = rss_after - rss_before;
}
BENCHMARK(BM_ReadFhirNdjsonCollect)
    ->Arg(40)
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();

// Ours on a folder on disk: FhirReader::AddFolder streaming to a sink, the
// reader part of `jumeau ingest` without the store.
void BM_FhirReaderFolder(benchmark::State& state,
                         const std::filesystem::path& dir) {
  CountingSink sink;
  int64_t resources = 0;
  for (auto _ : state) {
    sink = CountingSink();
    jumeau::io::FhirReader reader(&sink);
    const jumeau::Status s = reader.AddFolder(dir);
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      return;
    }
    const auto summary = reader.Finish();
    resources = 0;
    for (const auto& [type, n] : summary.resources_by_type) resources += n;
  }
  state.SetItemsProcessed(state.iterations() * resources);
  state.counters["resources"] = static_cast<double>(resources);
  state.counters["events"] = static_cast<double>(sink.events);
  state.counters["maxrss_MB"] = MaxRssMb();
}

// Reference on the same files: simdjson's NDJSON API (load_many: the file
// read whole into memory, then every document parsed), no FHIR extraction.
void BM_SimdjsonFolder(benchmark::State& state,
                       const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".ndjson" &&
        entry.path().filename() != "log.ndjson") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  int64_t documents = 0;
  for (auto _ : state) {
    documents = 0;
    simdjson::dom::parser parser;
    for (const auto& f : files) {
      simdjson::dom::document_stream stream;
      if (parser.load_many(f.string()).get(stream) != simdjson::SUCCESS) {
        state.SkipWithError(("simdjson cannot load " + f.string()).c_str());
        return;
      }
      for (auto doc : stream) {
        simdjson::dom::element root;
        if (doc.get(root) == simdjson::SUCCESS) ++documents;
      }
    }
  }
  state.SetItemsProcessed(state.iterations() * documents);
  state.counters["resources"] = static_cast<double>(documents);
  state.counters["maxrss_MB"] = MaxRssMb();
}

}  // namespace

int main(int argc, char** argv) {
  if (const char* dir = std::getenv("JUMEAU_BENCH_FHIR_DIR"); dir && *dir) {
    const std::filesystem::path folder(dir);
    benchmark::RegisterBenchmark("BM_FhirReaderFolder", BM_FhirReaderFolder,
                                 folder)
        ->Iterations(1)
        ->Unit(benchmark::kSecond)
        ->UseRealTime();
    benchmark::RegisterBenchmark("BM_SimdjsonFolder", BM_SimdjsonFolder,
                                 folder)
        ->Iterations(1)
        ->Unit(benchmark::kSecond)
        ->UseRealTime();
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
