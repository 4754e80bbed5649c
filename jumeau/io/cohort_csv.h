// Reader of longitudinal cohort tables in long format (io/, parse only): a
// CSV whose header is `ID,TIME,<feature>...` (Leaspy's layout), one row per
// visit, into a CohortTable of subjects with their sorted visits. The
// progression twin (jumeau/derive/progression_twin.h) fits models on it.
#ifndef JUMEAU_IO_COHORT_CSV_H_
#define JUMEAU_IO_COHORT_CSV_H_

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "jumeau/core/status.h"

namespace jumeau::io {

// A cohort in long format, grouped by subject (in order of first
// appearance), each subject's visits in file order (strictly increasing
// TIME). Plain data.
struct CohortTable {
  std::vector<std::string> features;     // header columns after ID, TIME
  std::vector<std::string> subject_ids;  // N
  std::vector<int> offsets = {0};  // subject i: rows [offsets[i], offsets[i+1])
  std::vector<double> times;       // per row (TIME, e.g. age in years)
  std::vector<double> values;      // rows x features; NaN = empty/NA
  std::vector<int64_t> lines;      // per row: 1-based line in the file
};

// Parses `text` (the file's bytes; `name` names it in messages).
// The first non-empty line is the header: ID and TIME (any case) first,
// then at least one feature name. A cell that is empty, "NA", "NaN" or
// "nan" is a missing value. Returns the table, or kDataLoss
// "<name> line N: <reason>" for: a missing or malformed header, a duplicated
// feature name, a row with a different number of fields, an empty ID, a
// TIME or value that is not a finite number, a subject whose visits are not
// strictly increasing in TIME (unsorted or duplicated visits; the message
// names the earlier line), rows of a subject split by another subject's
// rows, a subject with no measured value, or no data row at all.
Result<CohortTable> ParseCohortCsv(std::string_view text,
                                   std::string_view name);

// Reads and parses the file at `path`. kNotFound when it cannot be opened,
// otherwise as ParseCohortCsv.
Result<CohortTable> ReadCohortCsv(const std::filesystem::path& path);

}  // namespace jumeau::io

#endif  // JUMEAU_IO_COHORT_CSV_H_
