// Iterative radix-2 decimation-in-time FFT (bit reversal, then butterflies).
// See fft.h.
#include "jumeau/synth/internal/fft.h"

#include <cassert>
#include <cmath>
#include <numbers>
#include <utility>

namespace jumeau::synth::internal {

bool IsPowerOfTwo(size_t n) { return n != 0 && (n & (n - 1)) == 0; }

size_t NextPowerOfTwo(size_t n) {
  size_t p = 1;
  while (p < n) p <<= 1;
  return p;
}

void Fft(std::vector<std::complex<double>>* data, bool inverse) {
  std::vector<std::complex<double>>& a = *data;
  const size_t n = a.size();
  assert(IsPowerOfTwo(n));
  if (n <= 1) return;

  // Bit-reversal permutation.
  for (size_t i = 1, j = 0; i < n; ++i) {
    size_t bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) std::swap(a[i], a[j]);
  }

  // Twiddle table w[k] = exp(sign 2 pi i k / n), k < n/2, computed directly.
  const double sign = inverse ? 1.0 : -1.0;
  std::vector<std::complex<double>> twiddle(n / 2);
  for (size_t k = 0; k < n / 2; ++k) {
    const double angle = sign * 2.0 * std::numbers::pi *
                         static_cast<double>(k) / static_cast<double>(n);
    twiddle[k] = {std::cos(angle), std::sin(angle)};
  }

  for (size_t len = 2; len <= n; len <<= 1) {
    const size_t half = len / 2;
    const size_t stride = n / len;
    for (size_t start = 0; start < n; start += len) {
      for (size_t k = 0; k < half; ++k) {
        const std::complex<double> t =
            twiddle[k * stride] * a[start + k + half];
        const std::complex<double> u = a[start + k];
        a[start + k] = u + t;
        a[start + k + half] = u - t;
      }
    }
  }
}

}  // namespace jumeau::synth::internal
