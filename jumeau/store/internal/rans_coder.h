// The entropy stage of the sample codec (jumeau/store/codec.cc): prediction
// residuals coded with static-per-block rANS over "hybrid" tokens (small
// values exactly, large ones as a log bucket plus raw bits), with the table
// chosen by a context built from the previous tokens. The block is split into
// interleaved segments decoded in lockstep, so decoding runs several
// independent dependency chains at once. Byte layout: docs/formats.md, section
// "Sample codec".
#ifndef JUMEAU_STORE_INTERNAL_RANS_CODER_H_
#define JUMEAU_STORE_INTERNAL_RANS_CODER_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "jumeau/core/status.h"
#include "jumeau/store/internal/segment_layout.h"

namespace jumeau::store::internal {

// Segment counts the coder accepts: 1 and 4.
bool IsValidSegmentCount(int segments);

// Tuning knobs of RansEncode; the decoder reads every choice from the block.
struct RansEncodeOptions {
  // Segments decoded in lockstep: 1 or 4. More segments decode faster (more
  // independent chains) and cost 4 bytes of state each.
  int segments = 4;
  // Context modes to try (bit i set: try mode i); the cheapest is kept.
  // Mode 0: context = previous token; mode 1: 2 * previous + the one before.
  unsigned context_modes = 0b11;
};

// Appends the coding of `residuals` (arbitrary 32-bit values read as two's
// complement; small magnitudes code best) to `*out`.
// REQUIRES: IsValidSegmentCount(options.segments).
void RansEncode(std::span<const uint32_t> residuals, const RansEncodeOptions& options,
                std::string* out);

// Decodes `layout.count` values from `block`, which must be exactly one
// output of RansEncode with the same count and segments, into `lockstep` in
// decoding order: value t of segment j at lockstep[segments * t + j] (slots
// past a short segment's end are left untouched). With one segment that is
// the natural order. Returns kDataLoss when the block is malformed, truncated
// or has trailing bytes; `lockstep` is then unspecified.
// REQUIRES: IsValidSegmentCount(layout.segments) and
// lockstep.size() >= layout.segments * layout.length.
Status RansDecode(std::string_view block, const SegmentLayout& layout,
                  std::span<uint32_t> lockstep);

}  // namespace jumeau::store::internal

#endif  // JUMEAU_STORE_INTERNAL_RANS_CODER_H_
