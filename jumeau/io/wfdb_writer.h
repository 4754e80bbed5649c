// Writing WFDB records: a .hea header and one .dat signal file holding all
// signals frame-interleaved, with checksums and initial values. Used by the
// example generator (synth/) and by round-trip tests. Part of io/; the
// layout written is described in docs/formats-wfdb.md.
#ifndef JUMEAU_IO_WFDB_WRITER_H_
#define JUMEAU_IO_WFDB_WRITER_H_

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "jumeau/core/signal.h"
#include "jumeau/core/status.h"

namespace jumeau::io {

// How WriteWfdb stores a recording.
struct WfdbWriteOptions {
  // Storage format of every signal: 212 (default: 12-bit, -2048..2047), 16
  // and 61 (16-bit little/big-endian), 160 (16-bit offset binary), 80
  // (8-bit offset binary, -128..127), 24, 32, 310 and 311 (10-bit,
  // -512..511). Format 8 (differences) is not written.
  int format = 212;
  // When a signal's baseline (-offset/scale) is not a whole number of ADC
  // units: false (default) fails with kOutOfRange; true rounds it, so the
  // physical values read back differ by less than half an ADC unit.
  bool round_baseline = false;
  // Info strings written as "# text" comment lines after the signal lines.
  std::vector<std::string> info;
};

// Writes <dir>/<record_name>.hea and, when there are signals,
// <dir>/<record_name>.dat. The frame frequency is the greatest common
// divisor of the signal rates (each signal gets rate/frame-frequency samples
// per frame); base time and date come from recording.start (UTC). Each
// signal line carries gain = 1/scale, baseline = -offset/scale, units =
// source_unit (else unit), ADC resolution = bits, ADC zero from
// digital_min/max, initial value = first sample, the checksum, block size 0
// and description = label.
// Returns Ok; kInvalidArgument for a bad record name (letters, digits, '_'
// and '-' only), an unknown or unwritable format, signals with different
// starts or durations, an empty/zero scale, or a label or unit with control
// characters (units also without blanks); kOutOfRange when a sample does not
// fit the format (naming the signal and sample), a rate has no exact
// decimal form or the signal rates have no common frame frequency, or a
// baseline is not whole (see round_baseline); kIoError naming the file when
// writing fails. Existing files are replaced.
Status WriteWfdb(const Recording& recording, const std::filesystem::path& dir,
                 std::string_view record_name,
                 const WfdbWriteOptions& options = {});

}  // namespace jumeau::io

#endif  // JUMEAU_IO_WFDB_WRITER_H_
