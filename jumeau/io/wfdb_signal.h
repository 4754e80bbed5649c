// WFDB signal file formats (8, 16, 24, 32, 61, 80, 160, 212, 310, 311): their
// byte layouts, and stateless decoders and encoders between packed bytes and
// int32 samples. Part of io/; wfdb.h uses these to stream records and
// wfdb_writer.h to write them. Byte layouts: docs/formats-wfdb.md.
#ifndef JUMEAU_IO_WFDB_SIGNAL_H_
#define JUMEAU_IO_WFDB_SIGNAL_H_

#include <cstdint>
#include <string>

#include "jumeau/core/status.h"

namespace jumeau::io {

// How one WFDB storage format packs samples. Samples come in packing units
// of `unit_samples` samples in `unit_bytes` bytes (212: 2 in 3; 310 and 311:
// 3 in 4; the others 1 sample in 1 to 4 bytes).
struct WfdbFormatInfo {
  int format = 0;
  int unit_samples = 1;
  int unit_bytes = 1;
  int bits = 16;            // width of one stored amplitude
  bool difference = false;  // format 8 stores first differences
  // The value WFDB reserves for "no sample" in this format (the most
  // negative amplitude: -2048 for 212, -32768 for 16). The reader keeps such
  // values as they are and uses this one to fill samples that do not exist.
  int32_t invalid_value = -32768;
  int32_t min_value = -32768;  // range an encoder accepts
  int32_t max_value = 32767;
};

// Returns the description of `format`, or nullptr when it is not one of the
// formats above (format 0, the null signal, is not a storage format).
const WfdbFormatInfo* FindWfdbFormat(int format);

// Bytes that `samples` consecutive samples occupy from a unit boundary,
// counting a final partial unit the way WFDB writes it (212: one leftover
// sample takes 2 bytes; 310/311: one leftover takes 2 bytes, two take 4).
// REQUIRES: samples >= 0.
int64_t WfdbBytesForSamples(const WfdbFormatInfo& info, int64_t samples);

// Whole samples decodable from `bytes` bytes starting at a unit boundary
// (the inverse of WfdbBytesForSamples, rounding down).
int64_t WfdbSamplesInBytes(const WfdbFormatInfo& info, int64_t bytes);

// Decodes `count` samples from `data`, which starts at a packing-unit
// boundary and holds at least WfdbBytesForSamples(info, count) bytes, into
// out[0..count). For format 8 the outputs are the signed 8-bit differences,
// not amplitudes (the caller sums them per signal). Does not allocate.
// REQUIRES: count >= 0; `out` has room for count values.
void DecodeWfdbSamples(const WfdbFormatInfo& info, const uint8_t* data,
                       int64_t count, int32_t* out);

// Format 212 with two interleaved signals of one sample per frame (the
// MIT-BIH layout): decodes `frames` 3-byte frames into a[i] and b[i].
// REQUIRES: data holds 3 * frames bytes.
void DecodeWfdb212Pairs(const uint8_t* data, int64_t frames, int32_t* a,
                        int32_t* b);

// Appends the encoding of in[0..count) to `*out`, count being a whole
// number of samples from a unit boundary (a final partial unit is written
// as WFDB does). For format 8, `in` holds the differences.
// Returns kOutOfRange naming the first sample index whose value does not fit
// the format; `*out` is then unspecified.
Status EncodeWfdbSamples(const WfdbFormatInfo& info, const int32_t* in,
                         int64_t count, std::string* out);

// The 16-bit WFDB checksum of sum: the low 16 bits as a signed value.
inline int32_t WfdbChecksum16(uint64_t sum) {
  return static_cast<int16_t>(static_cast<uint16_t>(sum & 0xFFFF));
}

}  // namespace jumeau::io

#endif  // JUMEAU_IO_WFDB_SIGNAL_H_
