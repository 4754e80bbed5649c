// MinMaxSum: scalar and AVX2 (chosen at run time) reductions of samples.
// Moved from pyramid.cc, where the builder folds every sample into its
// buckets; the store's window read uses it for windows finer than the pyramid.
#include "jumeau/store/internal/min_max_sum.h"

#include <algorithm>

#include "jumeau/store/internal/cpu_features.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace jumeau::store::internal {
namespace {

#if defined(__x86_64__)
// MinMaxSumScalar with AVX2: eight samples a step, the sum in 64-bit lanes.
// The tail is done here too (not by a call into SSE code) and the vector
// state is folded to 128 bits before the end, so that the vzeroupper GCC
// puts at the return leaves no dirty upper halves for the SSE code after.
[[gnu::target("avx2")]] void MinMaxSumAvx2(const int32_t* samples, size_t n,
                                           int32_t* lo, int32_t* hi,
                                           int64_t* sum) {
  int32_t l = *lo, h = *hi;
  int64_t total = 0;
  size_t k = 0;
  if (n >= 8) {
    __m256i vlo = _mm256_set1_epi32(l), vhi = _mm256_set1_epi32(h);
    __m256i s0 = _mm256_setzero_si256(), s1 = _mm256_setzero_si256();
    for (; k + 8 <= n; k += 8) {
      const __m256i x =
          _mm256_loadu_si256(reinterpret_cast<const __m256i*>(samples + k));
      vlo = _mm256_min_epi32(vlo, x);
      vhi = _mm256_max_epi32(vhi, x);
      s0 = _mm256_add_epi64(s0,
                            _mm256_cvtepi32_epi64(_mm256_castsi256_si128(x)));
      s1 = _mm256_add_epi64(
          s1, _mm256_cvtepi32_epi64(_mm256_extracti128_si256(x, 1)));
    }
    const __m256i s01 = _mm256_add_epi64(s0, s1);
    const __m128i l4 = _mm_min_epi32(_mm256_castsi256_si128(vlo),
                                     _mm256_extracti128_si256(vlo, 1));
    const __m128i h4 = _mm_max_epi32(_mm256_castsi256_si128(vhi),
                                     _mm256_extracti128_si256(vhi, 1));
    const __m128i s2 = _mm_add_epi64(_mm256_castsi256_si128(s01),
                                     _mm256_extracti128_si256(s01, 1));
    alignas(16) int32_t alo[4], ahi[4];
    alignas(16) int64_t as[2];
    _mm_store_si128(reinterpret_cast<__m128i*>(alo), l4);
    _mm_store_si128(reinterpret_cast<__m128i*>(ahi), h4);
    _mm_store_si128(reinterpret_cast<__m128i*>(as), s2);
    for (int j = 0; j < 4; ++j) {
      l = std::min(l, alo[j]);
      h = std::max(h, ahi[j]);
    }
    total = as[0] + as[1];
  }
  for (; k < n; ++k) {
    const int32_t v = samples[k];
    l = std::min(l, v);
    h = std::max(h, v);
    total += v;
  }
  *lo = l;
  *hi = h;
  *sum += total;
}
#endif

}  // namespace

void MinMaxSumScalar(const int32_t* samples, size_t n, int32_t* lo, int32_t* hi,
                     int64_t* sum) {
  int32_t l = *lo, h = *hi;
  int64_t s = 0;
  for (size_t k = 0; k < n; ++k) {
    const int32_t v = samples[k];
    l = std::min(l, v);
    h = std::max(h, v);
    s += v;
  }
  *lo = l;
  *hi = h;
  *sum += s;
}

void MinMaxSum(const int32_t* samples, size_t n, int32_t* lo, int32_t* hi,
               int64_t* sum) {
#if defined(__x86_64__)
  if (UseAvx2()) return MinMaxSumAvx2(samples, n, lo, hi, sum);
#endif
  MinMaxSumScalar(samples, n, lo, hi, sum);
}

}  // namespace jumeau::store::internal
