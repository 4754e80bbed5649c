// The entropy stage of the sample codec (jumeau/store/codec.cc): prediction
// residuals coded with static-per-block rANS over "hybrid" tokens (small
// values exactly, large ones as a log bucket plus raw bits), the table chosen
// by a context built from the previous tokens. Segments (segment_layout.h)
// are decoded in lockstep, so decoding runs several independent dependency
// chains at once.
//
// Block layout (values v = zigzag(residual); bit fields LSB first):
//   header bits: u3 direct D (0..7), u2 mantissa M (0..min(D, 2)), u1
//     context mode C, u1 B (a decoding-speed hint: many values carry raw
//     bits; it does not change what decodes), u4 tables K - 1, then K - 1
//     context-map starts as
//     EG2(start[g] - start[g - 1] - 1) (start[0] = 0), then K frequency
//     tables (WalkTableCodes in rans_coder.cc), zero padding to a byte;
//   varint: byte length of the rANS word stream (even);
//   S x u32: initial decoder states (little-endian), one per segment;
//   the rANS word stream (16-bit little-endian words);
//   the raw-bit stream (LSB first, zero-padded) to the end of the block.
// Tokens: v < 2^D is token v; otherwise, with n the top bit of v, token
// 2^D + ((n - D) << M) + (the M bits of v below bit n), followed by the
// n - M low bits of v in the raw stream. Context of a value: its segment's
// previous token t1 (C = 0) or 2 t1 + t2 (C = 1), zero at a segment start;
// table g serves contexts [start[g], start[g + 1]). Frequencies: 11-bit
// (sum 2048), sent as 3-significant-bit codes and renormalised with
// NormalizeFreqs. rANS: 32-bit states in [2^16, 2^32), 16-bit
// renormalisation, encoder final states = decoder initial states, decoder
// final states must equal 2^16. Values are decoded row by row: row t holds
// value t of segments 0 .. S-1 in order, which is also the order of the raw
// bits.
#ifndef JUMEAU_STORE_INTERNAL_RANS_CODER_H_
#define JUMEAU_STORE_INTERNAL_RANS_CODER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
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
  // Context modes to try (bit i set: try mode i; 0 means mode 0 only); the
  // cheapest is kept. Mode 0: context = previous token; mode 1: 2 * previous
  // + the one before. Each mode tried costs a histogram pass and a context
  // clustering; on MIT-BIH, trying both saves 0.0015 bits/sample over mode 1
  // alone, so mode 1 alone is the default.
  unsigned context_modes = 0b10;
};

// Appends the coding of `residuals` (arbitrary 32-bit values read as two's
// complement; small magnitudes code best) to `*out`.
// REQUIRES: IsValidSegmentCount(options.segments).
void RansEncode(std::span<const uint32_t> residuals, const RansEncodeOptions& options,
                std::string* out);

// Decodes one RansEncode block incrementally, in rows of the lockstep order
// (row t holds value t of every segment), so callers can consume values in
// small cache-resident batches. Decoding garbage is safe: reads stay inside
// the block, and Init or Finish report kDataLoss. Not thread-safe; its
// tables and a copy of the raw bits live in thread-local scratch, so use one
// decoder at a time per thread.
class RansDecoder {
 public:
  RansDecoder();
  ~RansDecoder();
  RansDecoder(const RansDecoder&) = delete;
  RansDecoder& operator=(const RansDecoder&) = delete;

  // Parses the block's header and builds its tables. Returns kDataLoss when
  // the header is malformed or truncated; the decoder is then unusable.
  // REQUIRES: IsValidSegmentCount(layout.segments); `block` outlives the
  // decoding.
  Status Init(std::string_view block, const SegmentLayout& layout);

  // Decodes rows [row, row + rows): value of segment j in row t goes to
  // out[(t - row) * segments + j]; slots of segments shorter than t + 1 are
  // left untouched. Call with consecutive row ranges from 0.
  // REQUIRES: Init succeeded; row + rows <= layout.length.
  void DecodeRows(size_t row, size_t rows, uint32_t* out);

  // After every row: returns kDataLoss unless the block was consumed exactly
  // (stream lengths, final rANS states, raw-bit padding).
  Status Finish();

 private:
  struct Lanes;
  std::unique_ptr<Lanes> lanes_;
  SegmentLayout layout_{0, 1};
  const uint32_t* tables_ = nullptr;
  const uint8_t* wp_ = nullptr;
  const uint8_t* wend_ = nullptr;
  const uint8_t* raw_ = nullptr;  // padded thread-local copy of the raw bits
  size_t raw_size_ = 0;
  size_t raw_pos_ = 0;  // bits consumed
  size_t min_len_ = 0;
  int mode_ = 0;
  bool branchless_ = false;
  bool overrun_ = false;
  bool ready_ = false;
};

}  // namespace jumeau::store::internal

#endif  // JUMEAU_STORE_INTERNAL_RANS_CODER_H_
