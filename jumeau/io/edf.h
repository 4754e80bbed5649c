// EDF / EDF+ / BDF / BDF+ reader: parses a European Data Format file (or the
// same bytes in memory) into the core Signal/Recording/Event types, streaming
// a bounded number of data records per block. Part of io/: bytes in, core
// types out; never touches the store. Byte layout and edge
// cases: docs/formats.md.
#ifndef JUMEAU_IO_EDF_H_
#define JUMEAU_IO_EDF_H_

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string_view>
#include <vector>

#include "jumeau/core/signal.h"
#include "jumeau/core/status.h"
#include "jumeau/io/recording_reader.h"

namespace jumeau::io {

// Largest signal count we accept in a header (EDFlib accepts 640).
inline constexpr int kEdfMaxSignals = 4096;
// Largest data record we accept, in bytes (EDFlib: 10 MiB EDF, 15 MiB BDF).
inline constexpr int64_t kEdfMaxRecordBytes = int64_t{64} << 20;
// About this many bytes of data records are decoded per SampleBlock (always
// at least one record): 256 KiB of 16-bit data become 0.5 MB of int32 and
// 1 MB of physical doubles, which stay in a 1-2 MB L2 cache (measured 30%
// faster to physical values than 1 MiB blocks, bench/edf_bench.cc).
inline constexpr int64_t kEdfBlockBytes = int64_t{256} << 10;
// After PreferSignalBlocks(n), records are read in groups of at most this
// many bytes (always at least one record), enough for n samples of the
// fastest signal, and handed out one signal per block.
inline constexpr int64_t kEdfMaxGroupBytes = int64_t{16} << 20;

// Opens an EDF, EDF+ (C or D), BDF or BDF+ file for streaming. Reads and
// validates the header (and, for EDF+/BDF+, the first data record's
// time-keeping annotation, which gives the sub-second start).
//
// The returned reader's header() is the Recording with format ("EDF",
// "EDF+C", "EDF+D", "BDF", "BDF+C", "BDF+D"), start, source ids and one Signal
// per ordinary signal (annotation signals are not listed: their TALs arrive as
// Events through Next()). Next() decodes about kEdfBlockBytes of data records
// per call, every signal, with large sequential reads, or, after
// PreferSignalBlocks(), one signal of a group of records per call (the
// group's events come with its first block); a block or group never spans a
// gap of an EDF+D file.
// Warnings met while streaming (malformed annotations, timing oddities) are
// appended to header().warnings: read them after the last Next().
//
// Returns kNotFound when the file does not exist, kIoError when it cannot be
// read, kDataLoss with "<path> offset <byte>: <reason>" when the header is
// malformed or the data section is shorter than declared, kUnimplemented when
// a data record exceeds kEdfMaxRecordBytes. The caller owns the reader.
Result<std::unique_ptr<RecordingReader>> OpenEdf(
    const std::filesystem::path& path);

// Reads the whole file (OpenEdf + ReadAll), including the warnings found while
// streaming. EDF+D signals with gaps come back as one Signal per contiguous
// segment (see ReadAll). Same errors as OpenEdf and Next().
Result<Recording> ReadEdf(const std::filesystem::path& path);

// As OpenEdf, over `bytes` already in memory; `name` stands for the file in
// error messages. REQUIRES: `bytes` outlives the reader (nothing is copied).
// files() of the reader is empty.
Result<std::unique_ptr<RecordingReader>> OpenEdfFromMemory(
    std::string_view bytes, std::string_view name);

// As ReadEdf, over `bytes` in memory (the fuzz target's entry point).
Result<Recording> ReadEdfFromMemory(std::string_view bytes,
                                    std::string_view name);

// Converts digital samples to physical values: physical[i] = digital[i] *
// scale + offset (Signal's affine map), in a loop the compiler vectorises.
// Inputs: `digital` n samples. Outputs: `physical` n values in the signal's
// unit. REQUIRES: both arrays hold n elements (they may not overlap).
void DigitalToPhysical(const int32_t* digital, size_t n, double scale,
                       double offset, double* physical);

// Converts a whole block: (*physical)[s] receives block.samples[s] mapped with
// header.signals[s]'s scale and offset. Vectors are resized, their capacity
// reused. REQUIRES: block came from a reader whose header() is `header`.
void BlockToPhysical(const SampleBlock& block, const Recording& header,
                     std::vector<std::vector<double>>* physical);

}  // namespace jumeau::io

#endif  // JUMEAU_IO_EDF_H_
