// The WFDB (PhysioNet) record reader: a RecordingReader over a .hea header
// and its signal files (single- and fixed-layout multi-segment records,
// multi-frequency frames, skew, byte offsets, checksums), plus helpers to
// find a record's annotation files. Part of io/: bytes → core types; the
// format and our conventions are documented in docs/formats-wfdb.md.
#ifndef JUMEAU_IO_WFDB_H_
#define JUMEAU_IO_WFDB_H_

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "jumeau/core/signal.h"
#include "jumeau/core/status.h"
#include "jumeau/io/recording_reader.h"
#include "jumeau/io/wfdb_annotation.h"
#include "jumeau/io/wfdb_header.h"

namespace jumeau::io {

// Frames decoded per RecordingReader::Next() call at most (fewer when a
// frame holds many samples: a block holds at most about 4 M samples).
inline constexpr int64_t kWfdbFramesPerBlock = 65536;

// The header file of a record path: `path` itself when it ends in ".hea",
// else `path` + ".hea" ("data/100" → "data/100.hea").
std::filesystem::path WfdbHeaderPath(const std::filesystem::path& path);

// Reads and parses the header of the record at `path` (see WfdbHeaderPath).
// Returns kNotFound / kIoError when unreadable, else as ParseWfdbHeader.
Result<WfdbHeader> ReadWfdbHeader(const std::filesystem::path& path);

// Opens a record for streaming; `path` is the .hea file or the record path
// without extension. Signal files are looked up beside the header.
// header(): format "WFDB"; start = base date and time as UTC (Time{0}, i.e.
// 1970-01-01, plus a warning when the header has neither; the date alone
// missing gives 1970-01-01 at the base time, also with a warning);
// source_recording_id = record name; one Signal per signal line with label =
// description (or "sig N", N from 0), unit = ToUcum(units) ("mV" when
// absent), source_unit = units as written, scale = 1/gain and offset =
// -baseline/gain (gain 0 or absent: 200, with a warning), digital_min/max =
// adc_zero -/+ 2^(resolution-1) (max minus one), bits = ADC resolution, rate
// = frame frequency x samples per frame (exact). Skewed signals are
// realigned as WFDB's getvec does; samples needed past the end of a file
// because of skew are the format's invalid value (warning). Null segments of
// multi-segment records are gaps: the next block's start jumps past them
// (ReadAll then splits each signal there). events is empty: read annotation
// files with ReadWfdbAnnotations (FindWfdbAnnotationFiles lists them).
// Next() returns at most kWfdbFramesPerBlock frames; at the end of the
// record it verifies every signal's checksum when the header declares the
// length, returning kDataLoss "<file>: checksum mismatch for signal N
// (<label>): <record>.hea says X, computed Y"; after an error Next() keeps
// failing.
// Returns the reader, or kNotFound / kIoError for a missing or unreadable
// file, kDataLoss for a malformed header (see ParseWfdbHeader), inconsistent
// signal lines (signals of one file not consecutive or with different
// formats or byte offsets), or a signal file shorter than the header
// declares ("<file> offset <size>: truncated: ..."), kUnimplemented for
// variable-layout multi-segment records whose segments differ from the
// layout, and nested multi-segment records. The reader owns its open files.
Result<std::unique_ptr<RecordingReader>> OpenWfdb(
    const std::filesystem::path& path);

// Files of a record held in memory, by file name ("r.hea", "r.dat").
using WfdbMemoryFiles = std::map<std::string, std::string, std::less<>>;

// OpenWfdb over files held in memory (fuzzing, tests, data from archives):
// `record` is the record name or header file name; files are looked up by
// file name only. Returns and errors as OpenWfdb. The reader owns `files`.
Result<std::unique_ptr<RecordingReader>> OpenWfdbInMemory(
    std::string_view record, WfdbMemoryFiles files);

// The whole record in memory (no annotations): the same Recording as
// ReadAll(OpenWfdb(path)), errors included; single-segment records are
// decoded straight into each signal's final vector.
Result<Recording> ReadWfdb(const std::filesystem::path& path);

// The annotation files beside the record whose header is `header` (a .hea
// path or record path): files named "<record>.<annotator>" that are neither
// the header nor one of its signal files, whose annotator name is letters,
// digits, '_' or '-', and whose bytes parse as an MIT annotation file
// (.atr, .qrs, .event, .gqrsh, .sqrs, .wabp2, ...). Sorted by name; empty
// when the header cannot be read.
std::vector<std::filesystem::path> FindWfdbAnnotationFiles(
    const std::filesystem::path& header);

}  // namespace jumeau::io

#endif  // JUMEAU_IO_WFDB_H_
