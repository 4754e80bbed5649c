// The prediction stage of the sample codec (jumeau/store/codec.cc): fixed
// integer predictors, the residuals they leave, the choice among them, and
// the inverse (reconstruction) fused with the chunk checksum. All arithmetic
// wraps modulo 2^32, so every int32 series round-trips exactly.
#ifndef JUMEAU_STORE_INTERNAL_PREDICTOR_H_
#define JUMEAU_STORE_INTERNAL_PREDICTOR_H_

#include <cstddef>
#include <cstdint>
#include <span>

#include "jumeau/store/internal/segment_layout.h"

namespace jumeau::store::internal {

// Predictor kinds, as stored in a chunk. With x1, x2, x3 the previous samples
// (newest first) and d1 = x1 - x2:
//   0: 0                       (residual = sample)
//   1: x1                      (first difference)
//   2: 2 x1 - x2               (second difference)
//   3: 3 x1 - 3 x2 + x3        (third difference)
//   4, 5, 6: x1 + ((a d1 + 2) >> 2) with a = 1, 2, 3: the previous slope
//      damped to a quarter, half, three quarters (">>" arithmetic on the
//      wrapped 32-bit value read as signed).
// Each segment starts with a warm-up ramp: its sample u < WarmUpLength(kind)
// is predicted with kind u (0: zero, 1: previous sample, 2: linear).
constexpr int kPredictorCount = 7;

inline bool IsValidPredictor(int kind) { return kind >= 0 && kind < kPredictorCount; }

// Writes the residuals of `x` (one segment) under `kind` to r[0..x.size()).
// REQUIRES: IsValidPredictor(kind).
void ComputeResiduals(std::span<const int32_t> x, int kind, uint32_t* r);

// Returns the predictor kind whose residuals have the smallest total bit
// length (a cheap stand-in for their coded size; segment starts are ignored)
// over `samples`, or, for series longer than kPredictorSampleWindows *
// kPredictorWindowLength, over that many evenly spaced windows of
// kPredictorWindowLength samples (MIT-BIH in chunks of 65536: 1/8 of the
// samples, 4.4x faster encoding of this stage, +0.000x bits/sample).
inline constexpr size_t kPredictorSampleWindows = 8;
inline constexpr size_t kPredictorWindowLength = 1024;
int ChoosePredictor(std::span<const int32_t> samples, const SegmentLayout& layout);

// Inverts ComputeResiduals for all segments of a chunk, fed incrementally in
// rows of the lockstep order (row t holds residual t of every segment, as
// RansDecoder::DecodeRows writes them), and computes SampleChecksum of the
// samples on the way. A plain value type; not thread-safe.
class Reconstructor {
 public:
  // Samples go to out[0 .. layout.count), which the caller owns.
  // REQUIRES: IsValidPredictor(kind), layout.segments is 1 or 4.
  Reconstructor(const SegmentLayout& layout, int kind, uint32_t* out);

  // Integrates rows [row, row + rows): residual of segment j in row t at
  // residuals[(t - row) * segments + j] (slots past a segment's end are
  // ignored). Call with consecutive ranges from row 0. With one segment,
  // `residuals` may be out + row (in place).
  void AddRows(size_t row, size_t rows, const uint32_t* residuals);

  // SampleChecksum of the samples, once every row was added.
  uint32_t Checksum() const;

  // Segment state: the last sample, its first and second differences, and
  // the Fletcher sums of the segment so far.
  struct Lane {
    uint32_t x = 0, d = 0, dd = 0;
    uint32_t p1 = 0, p2 = 0;
  };

 private:
  template <int kKind>
  void AddRowsOf(size_t row, size_t rows, const uint32_t* residuals);

  SegmentLayout layout_;
  int kind_;
  uint32_t* out_;
  size_t min_len_;
  Lane lanes_[4];
};

// Reconstructs a whole chunk from residuals in lockstep order (see
// Reconstructor); returns the checksum. With one segment `lockstep` may be
// `out` (in place).
uint32_t Reconstruct(const uint32_t* lockstep, const SegmentLayout& layout, int kind,
                     uint32_t* out);

// Combines the two Fletcher sums of SampleChecksum. Not a linear
// combination: with s1 + K * s2, flipping a top bit cancels out when
// K * (n - i) is odd.
inline uint32_t CombineSums(uint32_t s1, uint32_t s2) {
  return s1 ^ ((s2 << 16) | (s2 >> 16));
}

// A Fletcher-style checksum of `samples` in order: s1 = sum of the samples,
// s2 = sum of the running s1 (both modulo 2^32), combined non-linearly into 32
// bits. Position-dependent, so swaps and shifts change it too.
uint32_t SampleChecksum(std::span<const int32_t> samples);

}  // namespace jumeau::store::internal

#endif  // JUMEAU_STORE_INTERNAL_PREDICTOR_H_
