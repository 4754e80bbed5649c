// The lossless sample codec: integer prediction + entropy coding, tuned for
// physiological signals (ECG, EEG, arterial pressure). The store keeps every
// signal chunk and pyramid level through it. Self-describing: the first byte of
// an encoded chunk names the method, so older chunks stay readable.
#ifndef JUMEAU_STORE_CODEC_H_
#define JUMEAU_STORE_CODEC_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "jumeau/core/status.h"

namespace jumeau::store {

// The chunk length the store should use for raw signal samples: 65536
// samples (3 min of 360 Hz ECG, 4.3 min of 256 Hz EEG). Decoding one chunk
// takes about 0.15-0.2 ms on one core (a window query touches at most two
// at full resolution), and compresses within 0.4% of chunks twice as long
// (MIT-BIH: 3.78 bits/sample vs 3.77 at 131072, 3.84 at 16384).
// Any length works; below 4096 samples a chunk decodes on one rANS lane
// (slower) and below 2048 the adaptive Rice method is tried as well.
inline constexpr size_t kSamplesPerChunk = 65536;

// Appends the lossless encoding of `samples` to `*out`. Any int32 values are
// accepted (12-, 16- and 24-bit sources alike); an empty span encodes to a
// few bytes. About 170 M samples/s on one core for 65536-sample chunks
// (MIT-BIH ECG; noisier EEG about 190 M). Thread-safe (no shared state; each
// thread keeps its own scratch buffers between calls).
void EncodeSamples(std::span<const int32_t> samples, std::string* out);

// Decodes `encoded` (one whole output of EncodeSamples) into exactly
// `out.size()` samples. Returns kDataLoss when `encoded` is malformed,
// truncated, or holds a different number of samples; `out` is then
// unspecified. Never reads outside `encoded`. Thread-safe.
Status DecodeSamples(std::string_view encoded, std::span<int32_t> out);

}  // namespace jumeau::store

#endif  // JUMEAU_STORE_CODEC_H_
