// EDF+ / BDF+ writer: writes a Recording as an EDF+C (16-bit) or BDF+C
// (24-bit) file with its events in an "EDF Annotations" signal. Used by
// `jumeau export` and the example generator; io/ layer, bytes out only.
// Byte layout and the choices made here: docs/formats-edf.md.
#ifndef JUMEAU_IO_EDF_WRITER_H_
#define JUMEAU_IO_EDF_WRITER_H_

#include <filesystem>
#include <optional>
#include <string>

#include "jumeau/core/signal.h"
#include "jumeau/core/status.h"
#include "jumeau/core/time.h"

namespace jumeau::io {

// How WriteEdf lays out the file.
struct EdfWriteOptions {
  // false (default): EDF+C, 16-bit samples, "EDF Annotations".
  // true: BDF+C, 24-bit samples, "BDF Annotations".
  bool bdf = false;
  // Data record duration. Unset (default): the shortest whole number of
  // seconds in which every signal has an integer number of samples (1 s for
  // integer rates; 3 s for 1000/3 Hz), divided by the smallest integer that
  // keeps a record under 10 MiB (EDFlib's limit); then, if the signals do not
  // fill whole records, the longest shorter duration (that divisor times 2,
  // 3, ...; records of at least 128 bytes of samples) in which they do, so
  // nothing is padded (0.5 s for 1000.5 s of 256 Hz). When set it must be > 0,
  // printable in 8 characters as a plain decimal ("0.5", "10"), and give
  // every signal an integer number of samples.
  std::optional<Duration> record_duration;
  // The EDF+ patient field: "code sex birthdate name", printable ASCII, at most
  // 80 characters. Default "X X X X" (all unknown): the source's patient text
  // is never written unless the caller puts it here.
  std::string patient = "X X X X";
  // The EDF+ recording field after "Startdate dd-MMM-yyyy ": "admincode
  // technician equipment [more]", printable ASCII, single spaces. Default
  // "X X jumeau".
  std::string recording_additional = "X X jumeau";
};

// Writes `recording` as EDF+C (or BDF+C when options.bdf) with its events as
// an "EDF Annotations" signal. The digital samples are written exactly.
//
// Layout: every signal must start at the same instant (the file's start; the
// sub-second part goes into the time-keeping annotations, the header keeps
// whole seconds). Signals shorter than the others are padded at the end with
// 0 (clamped into the digital range) up to whole data records. A label that
// appears again on a later Signal with the same rate and scale is a later
// segment of the same channel (what ReadAll makes of an EDF+D file): the file
// is then EDF+D (BDF+D), each segment starting a new data record with its own
// time-keeping annotation; every channel must have segments starting at the
// same instants, and a segment must not overlap the previous one's records.
// Each signal's digital range is its digital_min/digital_max (the format's full
// range when those are unset) widened to cover every sample, and its physical
// range is the same affine map (scale, offset) applied to that digital range,
// written with at most 8 characters: exactly when 8 characters suffice (always
// for values read from EDF), otherwise rounded to the nearest 8-character
// decimal, so physical values re-read may differ by up to ~1e-7 of the range
// while the digital samples stay exact. Events are written sorted by time, with
// onsets and durations in exact nanoseconds (as many decimals as needed), text
// = event.text or, when empty, event.code.code; 0x00/0x14/0x15 bytes in the
// text become spaces; an end before the time is dropped. Event codes, channels
// and values are not kept (EDF+ has only text). The file is written to
// "<path>.partial" and renamed over `path` when complete.
//
// Returns OK, or:
//   kOutOfRange      a sample does not fit 16 bits (24 with bdf); the start
//                    is outside 1985..2084 (the EDF date range); a label
//                    longer than 16, unit longer than 8 or
//                    transducer/prefilter longer than 80 characters or not
//                    printable ASCII; a record too large or too long;
//   kInvalidArgument signals (or their segments) start at different instants,
//                    segments overlap; a signal has no
//                    valid rate or a zero/non-finite scale; bad options (record
//                    duration not giving integer samples, patient/recording
//                    text not printable ASCII or too long);
//   kIoError         the file cannot be created, written or renamed.
Status WriteEdf(const Recording& recording, const std::filesystem::path& path,
                const EdfWriteOptions& options = {});

// Formats `value` in at most 8 characters for an EDF header: the shortest
// text that parses back to exactly `value` when one fits, otherwise the
// 8-character decimal nearest to it. Exposed for tests.
std::string FormatEdfNumber(double value);

}  // namespace jumeau::io

#endif  // JUMEAU_IO_EDF_WRITER_H_
