// WFDB (PhysioNet) header files (.hea): the parsed record line, signal lines,
// segment lines and info strings, and the parser that builds them from text.
// Part of io/: bytes → core types; wfdb.h turns a WfdbHeader into a reader.
// The grammar and every edge case are described in docs/formats-wfdb.md.
#ifndef JUMEAU_IO_WFDB_HEADER_H_
#define JUMEAU_IO_WFDB_HEADER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jumeau/core/status.h"
#include "jumeau/core/time.h"

namespace jumeau::io {

// One signal specification line of a single-segment header, with every
// optional field resolved to the value WFDB assumes when it is absent.
struct WfdbSignalSpec {
  std::string file_name;      // "100.dat"; "~" for a null signal
  int format = 0;             // 8, 16, 24, 32, 61, 80, 160, 212, 310, 311, 0
  int samples_per_frame = 1;  // the "x4" modifier
  int64_t skew = 0;           // the ":4" modifier, in frames
  int64_t byte_offset = 0;    // the "+24" modifier, in bytes
  // ADC units per physical unit as written; 0 when absent or written as 0
  // (uncalibrated; readers then use 200 as WFDB does, see `gain_for_scale`).
  double adc_gain = 0.0;
  bool gain_present = false;
  int64_t baseline = 0;  // ADC units for 0 physical units (default adc_zero)
  bool baseline_present = false;
  std::string units;       // as written ("mV", "mmHg"); empty when absent
  int adc_resolution = 0;  // bits as written; 0 when absent
  int resolved_adc_resolution = 12;  // with the WFDB default applied
  int64_t adc_zero = 0;
  int64_t initial_value = 0;  // default adc_zero
  bool initial_value_present = false;
  std::optional<int64_t> checksum;  // 16-bit checksum of all samples
  int64_t block_size = 0;
  std::string description;  // the signal name, e.g. "MLII"; may be empty
  int line = 0;             // 1-based line number in the header

  // The gain to divide by: adc_gain, or 200 when it is 0 (uncalibrated).
  double gain_for_scale() const { return adc_gain == 0.0 ? 200.0 : adc_gain; }
};

// One segment line of a multi-segment header.
struct WfdbSegmentSpec {
  std::string record_name;  // "100s"; "~" for a null segment
  int64_t samples = 0;      // samples per signal (frames) in the segment
  int line = 0;
  bool is_null() const { return record_name == "~"; }
};

// A parsed .hea file: the record line plus signal lines (single-segment) or
// segment lines (multi-segment), and the comments ("info strings").
struct WfdbHeader {
  std::string record_name;
  // Set for a multi-segment record ("multi/3"); then `segments` is filled and
  // `signals` is empty.
  std::optional<int> number_of_segments;
  int number_of_signals = 0;
  // Frame frequency: exact, 250 when absent (frequency_present false).
  SampleRate frequency{250, 1};
  bool frequency_present = false;
  std::string frequency_text;               // as written: "360", "128.5"
  std::optional<double> counter_frequency;  // "360/720": 720
  double base_counter = 0.0;                // "360/720(3)": 3
  // Samples per signal, i.e. frames; absent or 0 means unspecified (then
  // signal lengths come from the file sizes and checksums are not checked).
  int64_t samples_per_signal = 0;
  bool samples_per_signal_present = false;
  // Base time of day ("17:27:45" or with a fraction) and date ("15/08/1994").
  bool base_time_present = false;
  int base_hour = 0, base_minute = 0, base_second = 0;
  int64_t base_nanosecond = 0;
  bool base_date_present = false;
  int base_year = 1970, base_month = 1, base_day = 1;

  std::vector<WfdbSignalSpec> signals;
  std::vector<WfdbSegmentSpec> segments;
  // Comment lines without the leading '#' and surrounding blanks, in order.
  std::vector<std::string> info;
  // Recoverable oddities met while parsing (extra fields, extra lines).
  std::vector<std::string> warnings;

  // The record start: base date and time taken as UTC; 1970-01-01 when the
  // date is absent, 00:00:00 when the time is absent (see docs).
  Time StartTime() const;
};

// Parses the text of a .hea file.
// Returns the header on success; kDataLoss with "<file_name> line N: <reason>"
// for a malformed record, signal or segment line (missing or non-numeric
// field, unknown format, impossible frequency, out-of-range value, control
// or non-ASCII bytes outside descriptions and comments, invalid UTF-8, too
// few signal or segment lines); kUnimplemented for valid features we do not
// read (FLAC formats 508/516/524, signal file "-" meaning standard input).
// `file_name` is used only in messages.
Result<WfdbHeader> ParseWfdbHeader(std::string_view text,
                                   std::string_view file_name);

// The ADC resolution WFDB assumes for `format` when the header gives none or
// 0: 10 for formats 8, 310 and 311, 8 for format 80, 12 otherwise.
int DefaultWfdbAdcResolution(int format);

}  // namespace jumeau::io

#endif  // JUMEAU_IO_WFDB_HEADER_H_
