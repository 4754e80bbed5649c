// Fixed integer predictors of the sample codec (see predictor.h). The
// reconstruction runs the segments in the lanes of one SSE2 register when
// there are four, four time steps per iteration, and transposes the results
// back to per-segment runs.
#include "jumeau/store/internal/predictor.h"

#include <algorithm>
#include <array>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "jumeau/store/internal/bit_io.h"

namespace jumeau::store::internal {
namespace {

// Combines the two Fletcher sums. Not a linear combination: with
// s1 + K * s2, flipping a top bit cancels out when K * (n - i) is odd.
inline uint32_t CombineSums(uint32_t s1, uint32_t s2) {
  return s1 ^ ((s2 << 16) | (s2 >> 16));
}

// The damped-slope prediction of the next first difference from d1.
template <int kA>
inline uint32_t DampedSlope(uint32_t d1) {
  return static_cast<uint32_t>(static_cast<int32_t>(kA * d1 + 2) >> 2);
}

// Prediction of `kind` from the previous samples (newest first).
inline uint32_t Predict(int kind, uint32_t x1, uint32_t x2, uint32_t x3) {
  switch (kind) {
    case 0: return 0;
    case 1: return x1;
    case 2: return 2 * x1 - x2;
    case 3: return 3 * x1 - 3 * x2 + x3;
    case 4: return x1 + DampedSlope<1>(x1 - x2);
    case 5: return x1 + DampedSlope<2>(x1 - x2);
    default: return x1 + DampedSlope<3>(x1 - x2);
  }
}

constexpr size_t WarmUpLength(int kind) { return kind <= 3 ? static_cast<size_t>(kind) : 2; }

template <int kKind>
void ResidualsOf(std::span<const int32_t> x, uint32_t* r) {
  const size_t n = x.size();
  const size_t warm = std::min(WarmUpLength(kKind), n);
  const uint32_t* p = reinterpret_cast<const uint32_t*>(x.data());
  uint32_t x1 = 0, x2 = 0, x3 = 0;
  for (size_t u = 0; u < warm; ++u) {
    r[u] = p[u] - Predict(static_cast<int>(u), x1, x2, x3);
    x3 = x2;
    x2 = x1;
    x1 = p[u];
  }
  for (size_t u = warm; u < n; ++u) {
    if constexpr (kKind == 0) {
      r[u] = p[u];
    } else if constexpr (kKind == 1) {
      r[u] = p[u] - p[u - 1];
    } else if constexpr (kKind == 2) {
      r[u] = p[u] - 2 * p[u - 1] + p[u - 2];
    } else if constexpr (kKind == 3) {
      r[u] = p[u] - 3 * p[u - 1] + 3 * p[u - 2] - p[u - 3];
    } else {
      r[u] = p[u] - p[u - 1] - DampedSlope<kKind - 3>(p[u - 1] - p[u - 2]);
    }
  }
}

// Reconstruction state of one segment: the last sample and its first and
// second differences, plus the segment's running checksum sums.
struct LaneState {
  uint32_t x = 0, d = 0, dd = 0;
  uint32_t p1 = 0, p2 = 0;
};

// One steady-state step of the inverse of predictor kKind.
template <int kKind>
[[gnu::always_inline]] inline uint32_t Integrate(LaneState& s, uint32_t r) {
  if constexpr (kKind == 0) {
    s.x = r;
  } else if constexpr (kKind == 1) {
    s.x += r;
  } else if constexpr (kKind == 2) {
    s.d += r;
    s.x += s.d;
  } else if constexpr (kKind == 3) {
    s.dd += r;
    s.d += s.dd;
    s.x += s.d;
  } else {
    s.d = r + DampedSlope<kKind - 3>(s.d);
    s.x += s.d;
  }
  s.p1 += s.x;
  s.p2 += s.p1;
  return s.x;
}

// Reconstructs a segment's warm-up ramp from residuals in[0], in[stride], ...
// into out[0..) and leaves `s` ready for Integrate. Returns the samples done.
template <int kKind>
size_t WarmUp(const uint32_t* in, size_t stride, size_t len, uint32_t* out, LaneState& s) {
  const size_t warm = std::min(WarmUpLength(kKind), len);
  uint32_t x1 = 0, x2 = 0, x3 = 0;
  for (size_t u = 0; u < warm; ++u) {
    const uint32_t v = in[u * stride] + Predict(static_cast<int>(u), x1, x2, x3);
    out[u] = v;
    s.p1 += v;
    s.p2 += s.p1;
    x3 = x2;
    x2 = x1;
    x1 = v;
  }
  s.x = x1;
  s.d = x1 - x2;
  s.dd = (x1 - x2) - (x2 - x3);
  return warm;
}

#if defined(__SSE2__)
// Integrate for four lanes at once.
struct VectorState {
  __m128i x, d, dd, p1, p2;
};

template <int kKind>
[[gnu::always_inline]] inline __m128i IntegrateVector(VectorState& s, __m128i r) {
  if constexpr (kKind == 0) {
    s.x = r;
  } else if constexpr (kKind == 1) {
    s.x = _mm_add_epi32(s.x, r);
  } else if constexpr (kKind == 2) {
    s.d = _mm_add_epi32(s.d, r);
    s.x = _mm_add_epi32(s.x, s.d);
  } else if constexpr (kKind == 3) {
    s.dd = _mm_add_epi32(s.dd, r);
    s.d = _mm_add_epi32(s.d, s.dd);
    s.x = _mm_add_epi32(s.x, s.d);
  } else {
    __m128i ad;  // a * d for a = 1, 2, 3
    if constexpr (kKind == 4) {
      ad = s.d;
    } else if constexpr (kKind == 5) {
      ad = _mm_add_epi32(s.d, s.d);
    } else {
      ad = _mm_add_epi32(s.d, _mm_add_epi32(s.d, s.d));
    }
    const __m128i slope = _mm_srai_epi32(_mm_add_epi32(ad, _mm_set1_epi32(2)), 2);
    s.d = _mm_add_epi32(r, slope);
    s.x = _mm_add_epi32(s.x, s.d);
  }
  s.p1 = _mm_add_epi32(s.p1, s.x);
  s.p2 = _mm_add_epi32(s.p2, s.p1);
  return s.x;
}

// Four segments in the four lanes, four steps per iteration, for t in
// [from, to); a 4x4 transpose turns lane-major results into runs per
// segment. Returns the t reached.
template <int kKind>
size_t ReconstructFourLanes(const uint32_t* lockstep, const SegmentLayout& layout, size_t from,
                            size_t to, uint32_t* out, std::array<LaneState, 4>& lanes) {
  auto gather = [&](uint32_t LaneState::*field) {
    return _mm_setr_epi32(static_cast<int>(lanes[0].*field), static_cast<int>(lanes[1].*field),
                          static_cast<int>(lanes[2].*field), static_cast<int>(lanes[3].*field));
  };
  VectorState s{gather(&LaneState::x), gather(&LaneState::d), gather(&LaneState::dd),
                gather(&LaneState::p1), gather(&LaneState::p2)};
  uint32_t* o0 = out + layout.Begin(0);
  uint32_t* o1 = out + layout.Begin(1);
  uint32_t* o2 = out + layout.Begin(2);
  uint32_t* o3 = out + layout.Begin(3);
  size_t t = from;
  for (; t + 4 <= to; t += 4) {
    __m128i v[4];
    for (int i = 0; i < 4; ++i) {
      const __m128i r = _mm_loadu_si128(reinterpret_cast<const __m128i*>(lockstep + 4 * (t + i)));
      v[i] = IntegrateVector<kKind>(s, r);
    }
    const __m128i a = _mm_unpacklo_epi32(v[0], v[1]);  // s0t0 s0t1 s1t0 s1t1
    const __m128i b = _mm_unpackhi_epi32(v[0], v[1]);  // s2t0 s2t1 s3t0 s3t1
    const __m128i c = _mm_unpacklo_epi32(v[2], v[3]);  // s0t2 s0t3 s1t2 s1t3
    const __m128i e = _mm_unpackhi_epi32(v[2], v[3]);  // s2t2 s2t3 s3t2 s3t3
    _mm_storeu_si128(reinterpret_cast<__m128i*>(o0 + t), _mm_unpacklo_epi64(a, c));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(o1 + t), _mm_unpackhi_epi64(a, c));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(o2 + t), _mm_unpacklo_epi64(b, e));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(o3 + t), _mm_unpackhi_epi64(b, e));
  }
  alignas(16) uint32_t tmp[5][4];
  _mm_store_si128(reinterpret_cast<__m128i*>(tmp[0]), s.x);
  _mm_store_si128(reinterpret_cast<__m128i*>(tmp[1]), s.d);
  _mm_store_si128(reinterpret_cast<__m128i*>(tmp[2]), s.dd);
  _mm_store_si128(reinterpret_cast<__m128i*>(tmp[3]), s.p1);
  _mm_store_si128(reinterpret_cast<__m128i*>(tmp[4]), s.p2);
  for (int j = 0; j < 4; ++j) {
    lanes[j] = LaneState{tmp[0][j], tmp[1][j], tmp[2][j], tmp[3][j], tmp[4][j]};
  }
  return t;
}
#endif

template <int kKind>
uint32_t ReconstructKind(const uint32_t* lockstep, const SegmentLayout& layout, uint32_t* out) {
  const int s_count = layout.segments;
  std::array<LaneState, 4> lanes{};
  std::array<size_t, 4> done{};
  size_t min_len = layout.length;
  for (int j = 0; j < s_count; ++j) {
    done[j] = WarmUp<kKind>(lockstep + j, static_cast<size_t>(s_count), layout.Length(j),
                            out + layout.Begin(j), lanes[j]);
    min_len = std::min(min_len, layout.Length(j));
  }
#if defined(__SSE2__)
  if (s_count == 4 && min_len > WarmUpLength(kKind)) {
    const size_t t = ReconstructFourLanes<kKind>(lockstep, layout, WarmUpLength(kKind), min_len,
                                                 out, lanes);
    done.fill(t);
  }
#endif
  uint32_t s1 = 0, s2 = 0;
  const uint32_t n = static_cast<uint32_t>(layout.count);
  for (int j = 0; j < s_count; ++j) {
    const size_t b = layout.Begin(j), len = layout.Length(j);
    uint32_t* o = out + b;
    const uint32_t* in = lockstep + j;
    LaneState& s = lanes[j];
    for (size_t u = done[j]; u < len; ++u) o[u] = Integrate<kKind>(s, in[u * s_count]);
    // Per-segment sums to whole-series sums: a segment of length m starting
    // at b contributes p1 to s1 and p2 + (n - b - m) p1 to s2.
    s1 += s.p1;
    s2 += s.p2 + (n - static_cast<uint32_t>(b) - static_cast<uint32_t>(len)) * s.p1;
  }
  return CombineSums(s1, s2);
}

}  // namespace

void ComputeResiduals(std::span<const int32_t> x, int kind, uint32_t* r) {
  switch (kind) {
    case 0: ResidualsOf<0>(x, r); break;
    case 1: ResidualsOf<1>(x, r); break;
    case 2: ResidualsOf<2>(x, r); break;
    case 3: ResidualsOf<3>(x, r); break;
    case 4: ResidualsOf<4>(x, r); break;
    case 5: ResidualsOf<5>(x, r); break;
    default: ResidualsOf<6>(x, r); break;
  }
}

int ChoosePredictor(std::span<const int32_t> samples, const SegmentLayout& layout) {
  std::array<uint64_t, kPredictorCount> bits{};
  // Bit length of zigzag(r) (0 for r = 0), branch-free.
  auto bit_length = [](uint32_t r) -> uint64_t {
    return static_cast<uint64_t>(63 - __builtin_clzll(2 * uint64_t{ZigZag(r)} + 1));
  };
  for (int j = 0; j < layout.segments; ++j) {
    // The warm-up ramp is ignored: the first samples count as if preceded by
    // zeros, which overstates every kind but the first by a few bits only.
    uint32_t x1 = 0, d1 = 0, dd1 = 0;
    for (size_t i = layout.Begin(j); i < layout.End(j); ++i) {
      const uint32_t x = static_cast<uint32_t>(samples[i]);
      const uint32_t d = x - x1, dd = d - d1, ddd = dd - dd1;
      bits[0] += bit_length(x);
      bits[1] += bit_length(d);
      bits[2] += bit_length(dd);
      bits[3] += bit_length(ddd);
      bits[4] += bit_length(d - DampedSlope<1>(d1));
      bits[5] += bit_length(d - DampedSlope<2>(d1));
      bits[6] += bit_length(d - DampedSlope<3>(d1));
      x1 = x;
      d1 = d;
      dd1 = dd;
    }
  }
  return static_cast<int>(std::min_element(bits.begin(), bits.end()) - bits.begin());
}

uint32_t Reconstruct(const uint32_t* lockstep, const SegmentLayout& layout, int kind,
                     uint32_t* out) {
  switch (kind) {
    case 0: return ReconstructKind<0>(lockstep, layout, out);
    case 1: return ReconstructKind<1>(lockstep, layout, out);
    case 2: return ReconstructKind<2>(lockstep, layout, out);
    case 3: return ReconstructKind<3>(lockstep, layout, out);
    case 4: return ReconstructKind<4>(lockstep, layout, out);
    case 5: return ReconstructKind<5>(lockstep, layout, out);
    default: return ReconstructKind<6>(lockstep, layout, out);
  }
}

uint32_t SampleChecksum(std::span<const int32_t> samples) {
  uint32_t s1 = 0, s2 = 0;
  for (int32_t v : samples) {
    s1 += static_cast<uint32_t>(v);
    s2 += s1;
  }
  return CombineSums(s1, s2);
}

}  // namespace jumeau::store::internal
