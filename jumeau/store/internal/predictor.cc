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
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "jumeau/store/internal/bit_io.h"
#include "jumeau/store/internal/cpu_features.h"

namespace jumeau::store::internal {
namespace {

// The damped-slope prediction of the next first difference from d1.
template <int kA>
inline uint32_t DampedSlope(uint32_t d1) {
  return static_cast<uint32_t>(static_cast<int32_t>(kA * d1 + 2) >> 2);
}

// Prediction of `kind` from the previous samples (newest first).
inline uint32_t Predict(int kind, uint32_t x1, uint32_t x2, uint32_t x3) {
  switch (kind) {
    case 0:
      return 0;
    case 1:
      return x1;
    case 2:
      return 2 * x1 - x2;
    case 3:
      return 3 * x1 - 3 * x2 + x3;
    case 4:
      return x1 + DampedSlope<1>(x1 - x2);
    case 5:
      return x1 + DampedSlope<2>(x1 - x2);
    default:
      return x1 + DampedSlope<3>(x1 - x2);
  }
}

constexpr size_t WarmUpLength(int kind) {
  return kind <= 3 ? static_cast<size_t>(kind) : 2;
}

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
  size_t u = warm;
#if defined(__SSE2__)
  // Four residuals per step from unaligned loads of the shifted series.
  auto load = [&](size_t at) {
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + at));
  };
  for (; u + 4 <= n && u >= WarmUpLength(kKind); u += 4) {
    const __m128i x0 = load(u);
    __m128i res;
    if constexpr (kKind == 0) {
      res = x0;
    } else {
      const __m128i x1 = load(u - 1);
      const __m128i d = _mm_sub_epi32(x0, x1);
      if constexpr (kKind == 1) {
        res = d;
      } else {
        const __m128i d1 = _mm_sub_epi32(x1, load(u - 2));
        if constexpr (kKind == 2) {
          res = _mm_sub_epi32(d, d1);
        } else if constexpr (kKind == 3) {
          const __m128i d2 = _mm_sub_epi32(load(u - 2), load(u - 3));
          res = _mm_sub_epi32(_mm_sub_epi32(d, d1), _mm_sub_epi32(d1, d2));
        } else {
          __m128i ad;  // a * d1 for a = 1, 2, 3
          if constexpr (kKind == 4) {
            ad = d1;
          } else if constexpr (kKind == 5) {
            ad = _mm_add_epi32(d1, d1);
          } else {
            ad = _mm_add_epi32(d1, _mm_add_epi32(d1, d1));
          }
          res = _mm_sub_epi32(
              d, _mm_srai_epi32(_mm_add_epi32(ad, _mm_set1_epi32(2)), 2));
        }
      }
    }
    _mm_storeu_si128(reinterpret_cast<__m128i*>(r + u), res);
  }
#endif
  for (; u < n; ++u) {
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

using Lane = Reconstructor::Lane;

// One steady-state step of the inverse of predictor kKind.
template <int kKind>
[[gnu::always_inline]] inline uint32_t Integrate(Lane& s, uint32_t r) {
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

// One step of the warm-up ramp (sample u of a segment predicted with kind u).
inline uint32_t IntegrateRamp(Lane& s, size_t u, uint32_t r) {
  const uint32_t x1 = s.x, x2 = s.x - s.d, x3 = x2 - (s.d - s.dd);
  const uint32_t v = r + Predict(static_cast<int>(u), x1, x2, x3);
  s.dd = (v - x1) - s.d;
  s.d = v - x1;
  s.x = v;
  s.p1 += v;
  s.p2 += s.p1;
  return v;
}

#if defined(__SSE2__)
// Integrate for four lanes at once.
struct VectorState {
  __m128i x, d, dd, p1, p2;
};

template <int kKind>
[[gnu::always_inline]] inline __m128i IntegrateVector(VectorState& s,
                                                      __m128i r) {
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
    const __m128i slope =
        _mm_srai_epi32(_mm_add_epi32(ad, _mm_set1_epi32(2)), 2);
    s.d = _mm_add_epi32(r, slope);
    s.x = _mm_add_epi32(s.x, s.d);
  }
  s.p1 = _mm_add_epi32(s.p1, s.x);
  s.p2 = _mm_add_epi32(s.p2, s.p1);
  return s.x;
}

// Rows [from, to) of four active segments, one per SSE lane, four rows per
// iteration; a 4x4 transpose turns lane-major results into runs per
// segment. `r` points at row `from`. Returns the row reached (a multiple of
// 4 rows past `from`).
template <int kKind>
size_t IntegrateFourLanes(const SegmentLayout& layout, size_t from, size_t to,
                          const uint32_t* r, uint32_t* out, Lane* lanes) {
  auto gather = [&](uint32_t Lane::*field) {
    return _mm_setr_epi32(
        static_cast<int>(lanes[0].*field), static_cast<int>(lanes[1].*field),
        static_cast<int>(lanes[2].*field), static_cast<int>(lanes[3].*field));
  };
  VectorState s{gather(&Lane::x), gather(&Lane::d), gather(&Lane::dd),
                gather(&Lane::p1), gather(&Lane::p2)};
  uint32_t* o0 = out + layout.Begin(0);
  uint32_t* o1 = out + layout.Begin(1);
  uint32_t* o2 = out + layout.Begin(2);
  uint32_t* o3 = out + layout.Begin(3);
  size_t t = from;
  for (; t + 4 <= to; t += 4, r += 16) {
    __m128i v[4];
    for (int i = 0; i < 4; ++i) {
      v[i] = IntegrateVector<kKind>(
          s, _mm_loadu_si128(reinterpret_cast<const __m128i*>(r + 4 * i)));
    }
    const __m128i a = _mm_unpacklo_epi32(v[0], v[1]);  // s0t0 s0t1 s1t0 s1t1
    const __m128i b = _mm_unpackhi_epi32(v[0], v[1]);  // s2t0 s2t1 s3t0 s3t1
    const __m128i c = _mm_unpacklo_epi32(v[2], v[3]);  // s0t2 s0t3 s1t2 s1t3
    const __m128i e = _mm_unpackhi_epi32(v[2], v[3]);  // s2t2 s2t3 s3t2 s3t3
    _mm_storeu_si128(reinterpret_cast<__m128i*>(o0 + t),
                     _mm_unpacklo_epi64(a, c));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(o1 + t),
                     _mm_unpackhi_epi64(a, c));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(o2 + t),
                     _mm_unpacklo_epi64(b, e));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(o3 + t),
                     _mm_unpackhi_epi64(b, e));
  }
  alignas(16) uint32_t tmp[5][4];
  _mm_store_si128(reinterpret_cast<__m128i*>(tmp[0]), s.x);
  _mm_store_si128(reinterpret_cast<__m128i*>(tmp[1]), s.d);
  _mm_store_si128(reinterpret_cast<__m128i*>(tmp[2]), s.dd);
  _mm_store_si128(reinterpret_cast<__m128i*>(tmp[3]), s.p1);
  _mm_store_si128(reinterpret_cast<__m128i*>(tmp[4]), s.p2);
  for (int j = 0; j < 4; ++j) {
    lanes[j] = Lane{tmp[0][j], tmp[1][j], tmp[2][j], tmp[3][j], tmp[4][j]};
  }
  return t;
}
#endif

}  // namespace

void ComputeResiduals(std::span<const int32_t> x, int kind, uint32_t* r) {
  switch (kind) {
    case 0:
      ResidualsOf<0>(x, r);
      break;
    case 1:
      ResidualsOf<1>(x, r);
      break;
    case 2:
      ResidualsOf<2>(x, r);
      break;
    case 3:
      ResidualsOf<3>(x, r);
      break;
    case 4:
      ResidualsOf<4>(x, r);
      break;
    case 5:
      ResidualsOf<5>(x, r);
      break;
    default:
      ResidualsOf<6>(x, r);
      break;
  }
}

namespace {

#if defined(__x86_64__)
// The SSE2 loop of AddProxyBits below, eight samples a step with AVX2 (same
// sums). Returns the first sample not done (fewer than 8 remain).
[[gnu::target("avx2")]] inline __m256i BitLength8(__m256i r) {
  const __m256i z =
      _mm256_xor_si256(_mm256_slli_epi32(r, 1), _mm256_srai_epi32(r, 31));
  const __m256i exponent = _mm256_and_si256(
      _mm256_srli_epi32(_mm256_castps_si256(_mm256_cvtepi32_ps(z)), 23),
      _mm256_set1_epi32(0xFF));
  return _mm256_subs_epu16(exponent, _mm256_set1_epi32(126));
}

[[gnu::target("avx2")]] size_t AddProxyBitsAvx2(
    const uint32_t* p, size_t lo, size_t hi,
    std::array<uint64_t, kPredictorCount>& bits) {
  size_t i = lo;
  while (i + 8 <= hi) {
    __m256i acc[kPredictorCount];
    for (__m256i& a : acc) a = _mm256_setzero_si256();
    for (size_t steps = 0; steps < (size_t{1} << 20) && i + 8 <= hi;
         ++steps, i += 8) {
      const __m256i x0 =
          _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
      const __m256i x1 =
          _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i - 1));
      const __m256i x2 =
          _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i - 2));
      const __m256i x3 =
          _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i - 3));
      const __m256i d = _mm256_sub_epi32(x0, x1), d1 = _mm256_sub_epi32(x1, x2);
      const __m256i dd = _mm256_sub_epi32(d, d1);
      const __m256i dd1 = _mm256_sub_epi32(d1, _mm256_sub_epi32(x2, x3));
      const __m256i two = _mm256_set1_epi32(2);
      const __m256i d1x2 = _mm256_add_epi32(d1, d1);
      acc[0] = _mm256_add_epi32(acc[0], BitLength8(x0));
      acc[1] = _mm256_add_epi32(acc[1], BitLength8(d));
      acc[2] = _mm256_add_epi32(acc[2], BitLength8(dd));
      acc[3] = _mm256_add_epi32(acc[3], BitLength8(_mm256_sub_epi32(dd, dd1)));
      acc[4] = _mm256_add_epi32(
          acc[4], BitLength8(_mm256_sub_epi32(
                      d, _mm256_srai_epi32(_mm256_add_epi32(d1, two), 2))));
      acc[5] = _mm256_add_epi32(
          acc[5], BitLength8(_mm256_sub_epi32(
                      d, _mm256_srai_epi32(_mm256_add_epi32(d1x2, two), 2))));
      acc[6] = _mm256_add_epi32(
          acc[6],
          BitLength8(_mm256_sub_epi32(
              d, _mm256_srai_epi32(
                     _mm256_add_epi32(_mm256_add_epi32(d1x2, d1), two), 2))));
    }
    for (int k = 0; k < kPredictorCount; ++k) {
      alignas(32) uint32_t lanes[8];
      _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), acc[k]);
      uint64_t sum = 0;
      for (uint32_t lane : lanes) sum += lane;
      bits[k] += sum;
    }
  }
  return i;
}
#endif

// Adds to bits[k] the proxy cost of predictor k over samples [lo, hi) of p:
// the bit length of zigzag(residual), each kind's residual taken as if there
// were no segments and no warm-up ramp. REQUIRES: lo >= 3.
void AddProxyBits(const uint32_t* p, size_t lo, size_t hi,
                  std::array<uint64_t, kPredictorCount>& bits) {
  size_t i = lo;
#if defined(__x86_64__)
  if (UseAvx2()) i = AddProxyBitsAvx2(p, i, hi, bits);
#endif
#if defined(__SSE2__)
  // Four samples per step; a bit length read off the exponent of a float
  // conversion: max(exponent - 126, 0).
  auto bit_length4 = [](__m128i r) {
    // zigzag(r); values >= 2^31 convert as negative numbers, whose exponent
    // is still about right for a cost estimate.
    const __m128i z =
        _mm_xor_si128(_mm_slli_epi32(r, 1), _mm_srai_epi32(r, 31));
    const __m128i exponent =
        _mm_and_si128(_mm_srli_epi32(_mm_castps_si128(_mm_cvtepi32_ps(z)), 23),
                      _mm_set1_epi32(0xFF));
    return _mm_subs_epu16(exponent, _mm_set1_epi32(126));
  };
  while (i + 4 <= hi) {
    // 32-bit lane sums: at most 33 per sample, flushed every 2^20 steps.
    __m128i acc[kPredictorCount];
    for (__m128i& a : acc) a = _mm_setzero_si128();
    for (size_t steps = 0; steps < (size_t{1} << 20) && i + 4 <= hi;
         ++steps, i += 4) {
      auto load = [&](size_t at) {
        return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + at));
      };
      const __m128i x0 = load(i), x1 = load(i - 1), x2 = load(i - 2),
                    x3 = load(i - 3);
      const __m128i d = _mm_sub_epi32(x0, x1), d1 = _mm_sub_epi32(x1, x2);
      const __m128i dd = _mm_sub_epi32(d, d1);
      const __m128i dd1 = _mm_sub_epi32(d1, _mm_sub_epi32(x2, x3));
      const __m128i two = _mm_set1_epi32(2);
      const __m128i d1x2 = _mm_add_epi32(d1, d1);
      acc[0] = _mm_add_epi32(acc[0], bit_length4(x0));
      acc[1] = _mm_add_epi32(acc[1], bit_length4(d));
      acc[2] = _mm_add_epi32(acc[2], bit_length4(dd));
      acc[3] = _mm_add_epi32(acc[3], bit_length4(_mm_sub_epi32(dd, dd1)));
      acc[4] = _mm_add_epi32(
          acc[4], bit_length4(_mm_sub_epi32(
                      d, _mm_srai_epi32(_mm_add_epi32(d1, two), 2))));
      acc[5] = _mm_add_epi32(
          acc[5], bit_length4(_mm_sub_epi32(
                      d, _mm_srai_epi32(_mm_add_epi32(d1x2, two), 2))));
      acc[6] = _mm_add_epi32(
          acc[6], bit_length4(_mm_sub_epi32(
                      d, _mm_srai_epi32(
                             _mm_add_epi32(_mm_add_epi32(d1x2, d1), two), 2))));
    }
    for (int k = 0; k < kPredictorCount; ++k) {
      alignas(16) uint32_t lanes[4];
      _mm_store_si128(reinterpret_cast<__m128i*>(lanes), acc[k]);
      bits[k] += uint64_t{lanes[0]} + lanes[1] + lanes[2] + lanes[3];
    }
  }
#endif
  auto bit_length = [](uint32_t r) -> uint64_t {
    return static_cast<uint64_t>(63 -
                                 __builtin_clzll(2 * uint64_t{ZigZag(r)} + 1));
  };
  for (; i < hi; ++i) {
    const uint32_t d = p[i] - p[i - 1], d1 = p[i - 1] - p[i - 2];
    const uint32_t dd = d - d1, dd1 = d1 - (p[i - 2] - p[i - 3]);
    bits[0] += bit_length(p[i]);
    bits[1] += bit_length(d);
    bits[2] += bit_length(dd);
    bits[3] += bit_length(dd - dd1);
    bits[4] += bit_length(d - DampedSlope<1>(d1));
    bits[5] += bit_length(d - DampedSlope<2>(d1));
    bits[6] += bit_length(d - DampedSlope<3>(d1));
  }
}

}  // namespace

int ChoosePredictor(std::span<const int32_t> samples,
                    const SegmentLayout& layout) {
  (void)layout;
  const size_t n = samples.size();
  if (n < 4) {
    // Too short to compare: the first samples of a ramp are the same for
    // every kind; pick the cheapest-to-decode one.
    return n <= 1 ? 0 : 1;
  }
  std::array<uint64_t, kPredictorCount> bits{};
  const uint32_t* p = reinterpret_cast<const uint32_t*>(samples.data());
  if (n <= kPredictorSampleWindows * kPredictorWindowLength) {
    AddProxyBits(p, 3, n, bits);
  } else {
    // Evenly spaced windows, the last one ending at the end.
    const size_t span = n - kPredictorWindowLength;
    for (size_t w = 0; w < kPredictorSampleWindows; ++w) {
      const size_t lo = span * w / (kPredictorSampleWindows - 1);
      AddProxyBits(p, std::max<size_t>(lo, 3), lo + kPredictorWindowLength,
                   bits);
    }
  }
  return static_cast<int>(std::min_element(bits.begin(), bits.end()) -
                          bits.begin());
}

Reconstructor::Reconstructor(const SegmentLayout& layout, int kind,
                             uint32_t* out)
    : layout_(layout), kind_(kind), out_(out), min_len_(layout.length) {
  for (int j = 0; j < layout.segments; ++j)
    min_len_ = std::min(min_len_, layout.Length(j));
}

template <int kKind>
void Reconstructor::AddRowsOf(size_t row, size_t rows,
                              const uint32_t* residuals) {
  const int s_count = layout_.segments;
  const size_t warm = WarmUpLength(kKind);
  const size_t end = row + rows;
  size_t t = row;
  const uint32_t* r = residuals;
  // Rows where some segment is in its warm-up ramp or past its end: lane by
  // lane.
  auto scalar_row = [&](size_t t, const uint32_t* r) {
    for (int j = 0; j < s_count; ++j) {
      if (t >= layout_.Length(j)) continue;
      uint32_t* o = out_ + layout_.Begin(j);
      o[t] = t < warm ? IntegrateRamp(lanes_[j], t, r[j])
                      : Integrate<kKind>(lanes_[j], r[j]);
    }
  };
  for (; t < end && t < warm; ++t, r += s_count) scalar_row(t, r);
#if defined(__SSE2__)
  if (s_count == 4 && t < min_len_) {
    const size_t reached = IntegrateFourLanes<kKind>(
        layout_, t, std::min(end, min_len_), r, out_, lanes_);
    r += 4 * (reached - t);
    t = reached;
  }
#endif
  if (s_count == 1) {
    uint32_t* o = out_;
    Lane& lane = lanes_[0];
    for (; t < end; ++t, ++r) o[t] = Integrate<kKind>(lane, *r);
    return;
  }
  for (; t < end; ++t, r += s_count) scalar_row(t, r);
}

void Reconstructor::AddRows(size_t row, size_t rows,
                            const uint32_t* residuals) {
  switch (kind_) {
    case 0:
      AddRowsOf<0>(row, rows, residuals);
      break;
    case 1:
      AddRowsOf<1>(row, rows, residuals);
      break;
    case 2:
      AddRowsOf<2>(row, rows, residuals);
      break;
    case 3:
      AddRowsOf<3>(row, rows, residuals);
      break;
    case 4:
      AddRowsOf<4>(row, rows, residuals);
      break;
    case 5:
      AddRowsOf<5>(row, rows, residuals);
      break;
    default:
      AddRowsOf<6>(row, rows, residuals);
      break;
  }
}

uint32_t Reconstructor::Checksum() const {
  // Segment sums to whole-series sums: a segment of length m starting at b
  // contributes p1 to s1 and p2 + (n - b - m) p1 to s2.
  uint32_t s1 = 0, s2 = 0;
  const uint32_t n = static_cast<uint32_t>(layout_.count);
  for (int j = 0; j < layout_.segments; ++j) {
    const uint32_t b = static_cast<uint32_t>(layout_.Begin(j));
    const uint32_t m = static_cast<uint32_t>(layout_.Length(j));
    s1 += lanes_[j].p1;
    s2 += lanes_[j].p2 + (n - b - m) * lanes_[j].p1;
  }
  return CombineSums(s1, s2);
}

uint32_t Reconstruct(const uint32_t* lockstep, const SegmentLayout& layout,
                     int kind, uint32_t* out) {
  Reconstructor r(layout, kind, out);
  r.AddRows(0, layout.length, lockstep);
  return r.Checksum();
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
