// Device CSV/TSV reader: time series exported by connected devices (watches,
// home blood-pressure cuffs, bedside monitors) described by a column mapping
// (which column is the time, how it is written, and which LOINC code and
// UCUM unit each value column carries). Regular columns become Signals,
// irregular ones Events. Part of io/: bytes in, core types out; never touches
// the store. Mapping file format, the regular/irregular rule and every edge
// case: docs/formats-csv.md.
#ifndef JUMEAU_IO_DEVICE_CSV_H_
#define JUMEAU_IO_DEVICE_CSV_H_

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "jumeau/core/event.h"
#include "jumeau/core/signal.h"
#include "jumeau/core/status.h"
#include "jumeau/core/time.h"

namespace jumeau::io {

// How the time column is written.
enum class CsvTimeFormat {
  // "2019-03-02T08:00:00+01:00", "2019-03-02 08:00:00.250Z", "2019-03-02";
  // a time without a zone takes CsvColumnMapping::utc_offset (an error when
  // that is unset). Mapping name: iso8601.
  kIso8601,
  // Seconds since 1970-01-01T00:00:00Z, decimals allowed ("1551513600.5").
  // Mapping name: epoch_s.
  kEpochSeconds,
  // Milliseconds since the epoch ("1551513600500"). Mapping name: epoch_ms.
  kEpochMilliseconds,
  // Elapsed clock "[H]H:MM[:SS[.f]]" (hours may exceed 24) after
  // CsvColumnMapping::origin. Mapping name: elapsed_hh:mm.
  kElapsedClock,
  // Elapsed seconds, decimals allowed, after `origin`. Mapping name:
  // elapsed_s.
  kElapsedSeconds,
};

// The mapping-file name of `format` ("iso8601", "epoch_s", ...).
std::string_view CsvTimeFormatName(CsvTimeFormat format);

// One mapped value column.
struct CsvValueColumn {
  // The column's name in the header, matched exactly (after trimming
  // spaces).
  std::string column;
  // What the values are: code.system (e.g. code_system::kLoinc), code.code
  // ("8867-4"); code.display is set to `label` by the parser when empty.
  Code code;
  // UCUM unit of the values ("/min", "%", "Cel", "{steps}"). Spellings known
  // to ToUcum ("bpm", "degC", "mmHg") are converted; anything else is kept
  // as written.
  std::string unit;
  // Human label of the resulting signals ("Heart rate"); defaults to the
  // column name.
  std::string label;
  // Extra field texts meaning "no value" for this column only (e.g. "-1",
  // "0" for a heart rate of a watch that was not worn).
  std::vector<std::string> missing;
};

// Describes one device export. Build it in code or load it with
// ReadCsvMapping / ParseCsvMapping (the file format is in
// docs/formats-csv.md; FormatCsvMapping writes it).
struct CsvColumnMapping {
  // Name of the time column. Required.
  std::string time_column;
  // Default kIso8601.
  CsvTimeFormat time_format = CsvTimeFormat::kIso8601;
  // Instant of elapsed time zero for kElapsedClock / kElapsedSeconds.
  // Default 1970-01-01T00:00:00Z; ignored by the other formats.
  Time origin;
  // Offset from UTC of ISO 8601 times written without a zone (local time of
  // the device), e.g. +1 h for "2019-03-02T09:00:00" meaning 08:00Z. Unset
  // (has_utc_offset = false, the default): such times are an error, never
  // silently taken as UTC. Valid: within +-18 hours.
  bool has_utc_offset = false;
  Duration utc_offset;
  // Field delimiter; 0 (the default) detects it from the header line: the
  // most frequent of ',', '\t', ';', '|' outside quotes.
  char delimiter = 0;
  // Decimal separator of the values: '.' (default) or ','.
  char decimal_point = '.';
  // Lines whose first byte is this are comments and skipped (the synthetic
  // label of generated files lives there). Default '#'; 0 for none.
  char comment = '#';
  // Field texts meaning "no value" in every column, besides the empty field
  // (always missing). Matched exactly after trimming. Default NA, N/A, NaN,
  // null.
  std::vector<std::string> missing = {"NA", "N/A", "NaN", "null"};
  // The regular rule (docs/formats-csv.md): a column is a signal when it has
  // at least min_signal_samples values with strictly increasing times and at
  // least min_regular_fraction of its successive intervals are one step
  // (the median interval) within regular_tolerance * step; every other
  // interval must be a gap (longer than a step). Defaults 0.01, 0.9, 3.
  // Valid: tolerance in [0, 0.25], fraction in [0.5, 1], samples >= 2.
  double regular_tolerance = 0.01;
  double min_regular_fraction = 0.9;
  int min_signal_samples = 3;
  // The value columns. At least one. Columns of the file not listed here are
  // ignored (with one warning naming them).
  std::vector<CsvValueColumn> columns;
};

// Returns ok when `mapping` is usable, else kInvalidArgument naming the
// field (empty time column, no value column, a column mapped twice or equal
// to the time column, an empty code, a delimiter that is '"', a space or a
// line break, a decimal point other than '.' or ',' or equal to the delimiter,
// values outside the valid ranges above).
Status ValidateCsvMapping(const CsvColumnMapping& mapping);

// Parses a mapping file (INI-like, see docs/formats-csv.md). `name` stands
// for the file in error messages. Returns kInvalidArgument "<name> line N:
// <reason>" for a syntax error, an unknown section or key, a bad value, or
// a mapping that fails ValidateCsvMapping.
Result<CsvColumnMapping> ParseCsvMapping(std::string_view text,
                                         std::string_view name);

// Reads and parses the mapping file at `path`. kNotFound / kIoError when it
// cannot be read; ParseCsvMapping's errors otherwise.
Result<CsvColumnMapping> ReadCsvMapping(const std::filesystem::path& path);

// The mapping-file text of `mapping`, which ParseCsvMapping reads back to an
// equal mapping. REQUIRES: ValidateCsvMapping(mapping).ok().
std::string FormatCsvMapping(const CsvColumnMapping& mapping);

// Where a mapping for `csv_path` is looked for by convention:
// "<folder>/<stem>.mapping.ini" ("wearable.csv" -> "wearable.mapping.ini").
std::filesystem::path DefaultCsvMappingPath(
    const std::filesystem::path& csv_path);

// What a device CSV holds.
struct DeviceCsv {
  // format "CSV" (or "TSV" when tab-delimited); start = the earliest time of
  // any kept value; signals: one per regular column segment (a regular column
  // with gaps gives several signals with the same label, later starts, like
  // EDF+D segments), in mapping order; events: the values of irregular
  // columns, sorted by time (ties in mapping order), each with the column's
  // code (display = label), value and unit; warnings: recoverable oddities
  // (unmapped columns, missing values skipped per column, why a column was
  // kept as events, values snapped to the grid). source_patient_id and
  // source_recording_id are empty (a CSV names nobody).
  Recording recording;
  // signal_codes[i] is the code of recording.signals[i] (Signal has no code
  // field); signal_columns[i] its column name.
  std::vector<Code> signal_codes;
  std::vector<std::string> signal_columns;
};

// Reads a device CSV/TSV held in memory. `name` stands for the file in
// messages.
//
// Signals keep each value exactly: samples are the values times 10^d (d =
// the most decimals any value of the column is written with, up to 9), so
// scale = 10^-d and offset = 0 (scale 0.1 for "36.6"); sample i of a segment
// is at start + i * step, the step being the column's median interval. A
// column whose values do not fit int32 at that precision is kept as events
// (with a warning).
//
// Returns kInvalidArgument when the mapping is invalid; kDataLoss
// "<name> line N column 'c': <reason>" when the header lacks the time column
// or a mapped column (line of the header), a row has a different number of
// fields than the header, a time is empty, malformed, without a zone (ISO
// 8601 with no utc_offset) or out of range, a value is not a number ("steps.csv
// line 17 column 'hr': 'abc' is not a number"), or quoting is malformed
// (RFC 4180); kDataLoss "<name>: no header line" for a file with no content
// line. A file with a header and no rows gives an empty Recording.
// Missing values (empty, the mapping's tokens) are skipped, never zero.
Result<DeviceCsv> ReadDeviceCsvFromMemory(std::string_view bytes,
                                          std::string_view name,
                                          const CsvColumnMapping& mapping);

// Reads the file at `path` (see ReadDeviceCsvFromMemory; messages name the
// file by its path as given). kNotFound / kIoError when it cannot be read.
Result<DeviceCsv> ReadDeviceCsv(const std::filesystem::path& path,
                                const CsvColumnMapping& mapping);

}  // namespace jumeau::io

#endif  // JUMEAU_IO_DEVICE_CSV_H_
