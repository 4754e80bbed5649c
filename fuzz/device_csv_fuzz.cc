// Fuzz target for the device CSV reader and mapping files
// (jumeau/io/device_csv.h). The input is read as a CSV under three fixed
// mappings (ISO 8601 with auto delimiter; epoch seconds with ';' and decimal
// commas; elapsed H:MM, tab-separated, with a UTC offset), and as a mapping
// file; an input "MAPPING\n%%\nCSV" reads CSV with its own MAPPING. A mapping
// that parses must format and parse back (checked: a violation traps).
// Under GCC it is a replay program over fuzz/corpus/device_csv_fuzz/.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "jumeau/core/event.h"
#include "jumeau/io/device_csv.h"

namespace {

using jumeau::io::CsvColumnMapping;
using jumeau::io::CsvTimeFormat;
using jumeau::io::CsvValueColumn;

CsvColumnMapping Base(CsvTimeFormat format, char delimiter, char decimal) {
  CsvColumnMapping m;
  m.time_column = "time";
  m.time_format = format;
  m.delimiter = delimiter;
  m.decimal_point = decimal;
  const char* names[] = {"hr", "steps", "spo2", "temp"};
  const char* codes[] = {"8867-4", "55423-8", "59408-5", "8310-5"};
  for (int i = 0; i < 4; ++i) {
    CsvValueColumn c;
    c.column = names[i];
    c.code = jumeau::Code{jumeau::code_system::kLoinc, codes[i], ""};
    c.unit = i == 3 ? "Cel" : "/min";
    if (i == 0) c.missing = {"-1"};
    m.columns.push_back(c);
  }
  return m;
}

void Read(std::string_view bytes, const CsvColumnMapping& mapping) {
  auto r = jumeau::io::ReadDeviceCsvFromMemory(bytes, "fuzz.csv", mapping);
  if (!r.ok()) return;
  double sink = 0;
  for (const jumeau::Signal& s : r->recording.signals) {
    for (size_t i = 0; i < s.samples.size(); ++i) sink += s.Physical(i);
    if (!s.samples.empty()) {
      sink += static_cast<double>(
          s.TimeOfSample(static_cast<int64_t>(s.samples.size()) - 1)
              .ns_since_epoch);
    }
  }
  for (const jumeau::Event& e : r->recording.events) sink += *e.value;
  volatile double keep = sink;
  (void)keep;
}

void TryMapping(std::string_view text, std::string_view csv) {
  auto m = jumeau::io::ParseCsvMapping(text, "fuzz.ini");
  if (!m.ok()) return;
  const std::string again = jumeau::io::FormatCsvMapping(*m);
  auto back = jumeau::io::ParseCsvMapping(again, "again.ini");
  if (!back.ok() || back->columns.size() != m->columns.size() ||
      back->time_column != m->time_column || back->missing != m->missing) {
    __builtin_trap();
  }
  Read(csv, *m);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  static const CsvColumnMapping kIso = Base(CsvTimeFormat::kIso8601, 0, '.');
  static const CsvColumnMapping kEpoch =
      Base(CsvTimeFormat::kEpochSeconds, ';', ',');
  static const CsvColumnMapping kElapsed = [] {
    CsvColumnMapping m = Base(CsvTimeFormat::kElapsedClock, '\t', '.');
    m.has_utc_offset = true;
    m.utc_offset = jumeau::Duration::Hours(1);
    m.origin = jumeau::Time{1325376000LL * 1000000000LL};
    return m;
  }();
  Read(bytes, kIso);
  Read(bytes, kEpoch);
  Read(bytes, kElapsed);
  const size_t split = bytes.find("\n%%\n");
  if (split != std::string_view::npos) {
    TryMapping(bytes.substr(0, split + 1), bytes.substr(split + 4));
  } else {
    TryMapping(bytes, bytes);
  }
  return 0;
}
