// Fuzz target for the long-format cohort CSV reader (jumeau/io/cohort_csv.h):
// parses the input from memory; a table that parses must be consistent
// (offsets cover the rows, one value per feature per row, times strictly
// increasing per subject; checked: a violation traps).
// Under GCC it is a replay program over fuzz/corpus/cohort_csv_fuzz/.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "jumeau/io/cohort_csv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto t = jumeau::io::ParseCohortCsv(text, "fuzz.csv");
  if (!t.ok()) return 0;
  const std::size_t rows = t->times.size();
  if (t->offsets.size() != t->subject_ids.size() + 1 ||
      static_cast<std::size_t>(t->offsets.back()) != rows ||
      t->values.size() != rows * t->features.size() ||
      t->lines.size() != rows) {
    __builtin_trap();
  }
  for (std::size_t i = 0; i + 1 < t->offsets.size(); ++i) {
    if (t->offsets[i + 1] <= t->offsets[i]) __builtin_trap();
    for (int r = t->offsets[i] + 1; r < t->offsets[i + 1]; ++r)
      if (!(t->times[r] > t->times[r - 1])) __builtin_trap();
  }
  return 0;
}
