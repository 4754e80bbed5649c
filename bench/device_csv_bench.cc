// Device CSV and Challenge 2012 reading speed, rows per second, on generated
// in-memory files: our readers (RFC 4180 tokenizing, exact decimals, the
// regular/irregular classification, Signal/Event building) against a naive
// baseline in the same binary (split lines and fields at '\n' and ',',
// ParseIso8601 + strtod per field, no quoting, no output): the floor cost of
// touching every field once.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "jumeau/io/challenge2012.h"
#include "jumeau/io/device_csv.h"

namespace {

constexpr int kRows = 100000;

// Minute rows over ~70 days: heart rate, steps, SpO2 every 7th row, skin
// temperature with one decimal; local times with an offset.
const std::string& WearableText() {
  static const std::string text = [] {
    std::string s = "# generated for the benchmark\ntime,hr,steps,spo2,temp\n";
    s.reserve(kRows * 48);
    char line[96];
    for (int i = 0; i < kRows; ++i) {
      const int minute = i % 1440;
      const int day = i / 1440;
      std::snprintf(line, sizeof line,
                    "2019-%02d-%02dT%02d:%02d:00+01:00,%d,%d,%s,%d.%d\n",
                    3 + day / 28, 1 + day % 28, minute / 60, minute % 60,
                    55 + (i * 7) % 40, (i * 13) % 120, i % 7 == 0 ? "97" : "",
                    32 + i % 3, i % 10);
      s += line;
    }
    return s;
  }();
  return text;
}

jumeau::io::CsvColumnMapping WearableMapping() {
  jumeau::io::CsvColumnMapping m;
  m.time_column = "time";
  const char* names[] = {"hr", "steps", "spo2", "temp"};
  const char* codes[] = {"8867-4", "55423-8", "59408-5", "8310-5"};
  for (int i = 0; i < 4; ++i) {
    jumeau::io::CsvValueColumn c;
    c.column = names[i];
    c.code = jumeau::Code{jumeau::code_system::kLoinc, codes[i], ""};
    c.unit = "1";
    m.columns.push_back(c);
  }
  return m;
}

void BM_DeviceCsv_Ours(benchmark::State& state) {
  const std::string& text = WearableText();
  const jumeau::io::CsvColumnMapping mapping = WearableMapping();
  for (auto _ : state) {
    auto r = jumeau::io::ReadDeviceCsvFromMemory(text, "bench.csv", mapping);
    if (!r.ok()) state.SkipWithError(r.status().ToString().c_str());
    benchmark::DoNotOptimize(r);
  }
  state.counters["rows/s"] =
      benchmark::Counter(static_cast<double>(kRows) * state.iterations(),
                         benchmark::Counter::kIsRate);
  state.SetBytesProcessed(static_cast<int64_t>(text.size()) *
                          state.iterations());
}
BENCHMARK(BM_DeviceCsv_Ours)->Unit(benchmark::kMillisecond);

void BM_DeviceCsv_NaiveSplitStrtod(benchmark::State& state) {
  const std::string& text = WearableText();
  for (auto _ : state) {
    double sum = 0;
    int64_t times = 0;
    size_t pos = text.find("\ntime,") + 1;
    pos = text.find('\n', pos) + 1;  // past the header
    while (pos < text.size()) {
      const size_t end = text.find('\n', pos);
      std::string_view line(text.data() + pos, end - pos);
      size_t field_start = 0;
      for (int f = 0; f < 5; ++f) {
        const size_t comma = line.find(',', field_start);
        const std::string_view field =
            line.substr(field_start, comma == std::string_view::npos
                                         ? std::string_view::npos
                                         : comma - field_start);
        if (f == 0) {
          auto t = jumeau::ParseIso8601(field);
          if (t.ok()) times += t->ns_since_epoch;
        } else if (!field.empty()) {
          char buffer[32];
          const size_t n = field.copy(buffer, sizeof buffer - 1);
          buffer[n] = '\0';
          sum += std::strtod(buffer, nullptr);
        }
        field_start = comma + 1;
      }
      pos = end + 1;
    }
    benchmark::DoNotOptimize(sum);
    benchmark::DoNotOptimize(times);
  }
  state.counters["rows/s"] =
      benchmark::Counter(static_cast<double>(kRows) * state.iterations(),
                         benchmark::Counter::kIsRate);
  state.SetBytesProcessed(static_cast<int64_t>(text.size()) *
                          state.iterations());
}
BENCHMARK(BM_DeviceCsv_NaiveSplitStrtod)->Unit(benchmark::kMillisecond);

// One long synthetic ICU stay in the Challenge format (the real files have
// a few hundred rows each).
void BM_Challenge2012_Ours(benchmark::State& state) {
  static const std::string text = [] {
    std::string s = "Time,Parameter,Value\n00:00,RecordID,1\n00:00,Age,54\n";
    const char* params[] = {"HR", "NIMAP", "Temp", "Urine", "GCS", "Glucose"};
    char line[64];
    for (int i = 0; i < kRows; ++i) {
      std::snprintf(line, sizeof line, "%d:%02d,%s,%d.%d\n", i / 60, i % 60,
                    params[i % 6], 50 + i % 90, i % 10);
      s += line;
    }
    return s;
  }();
  for (auto _ : state) {
    auto r = jumeau::io::ReadChallenge2012FromMemory(text, "bench.txt");
    if (!r.ok()) state.SkipWithError(r.status().ToString().c_str());
    benchmark::DoNotOptimize(r);
  }
  state.counters["rows/s"] =
      benchmark::Counter(static_cast<double>(kRows) * state.iterations(),
                         benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Challenge2012_Ours)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
