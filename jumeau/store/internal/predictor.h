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

// Returns the predictor kind whose residuals over all segments of `samples`
// have the smallest total bit length (a cheap stand-in for their coded size).
int ChoosePredictor(std::span<const int32_t> samples, const SegmentLayout& layout);

// Inverts ComputeResiduals for every segment: reads residual t of segment j
// at lockstep[layout.segments * t + j] and writes the samples in natural
// order to out[0..layout.count). Returns SampleChecksum of the samples.
// `lockstep` may alias `out` only when layout.segments == 1.
// REQUIRES: IsValidPredictor(kind), layout.segments is 1 or 4.
uint32_t Reconstruct(const uint32_t* lockstep, const SegmentLayout& layout, int kind,
                     uint32_t* out);

// A Fletcher-style checksum of `samples` in order: s1 = sum of the samples,
// s2 = sum of the running s1 (both modulo 2^32), combined non-linearly into 32
// bits. Position-dependent, so swaps and shifts change it too.
uint32_t SampleChecksum(std::span<const int32_t> samples);

}  // namespace jumeau::store::internal

#endif  // JUMEAU_STORE_INTERNAL_PREDICTOR_H_
