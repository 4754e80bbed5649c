// The lossless sample codec: integer prediction + entropy coding, tuned for
// physiological signals (ECG, EEG, arterial pressure). The store keeps every
// signal chunk and pyramid level through it. Self-describing: the first byte of
// an encoded chunk names the method, so older chunks stay readable.
#ifndef JUMEAU_STORE_CODEC_H_
#define JUMEAU_STORE_CODEC_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "jumeau/core/status.h"

namespace jumeau::store {

// Appends the lossless encoding of `samples` to `*out`. Any int32 values are
// accepted (12-, 16- and 24-bit sources alike); an empty span encodes to a
// few bytes. Thread-safe (no shared state).
void EncodeSamples(std::span<const int32_t> samples, std::string* out);

// Decodes `encoded` (one whole output of EncodeSamples) into exactly
// `out.size()` samples. Returns kDataLoss when `encoded` is malformed,
// truncated, or holds a different number of samples; `out` is then
// unspecified. Never reads outside `encoded`. Thread-safe.
Status DecodeSamples(std::string_view encoded, std::span<int32_t> out);

}  // namespace jumeau::store

#endif  // JUMEAU_STORE_CODEC_H_
