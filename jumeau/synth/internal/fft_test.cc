// Tests of the internal radix-2 FFT (jumeau/synth/internal/fft.h) against a
// direct DFT.
#include "jumeau/synth/internal/fft.h"

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <numbers>
#include <vector>

namespace jumeau::synth::internal {
namespace {

std::vector<std::complex<double>> DirectDft(
    const std::vector<std::complex<double>>& x, bool inverse) {
  const size_t n = x.size();
  std::vector<std::complex<double>> out(n);
  const double sign = inverse ? 1.0 : -1.0;
  for (size_t k = 0; k < n; ++k) {
    for (size_t i = 0; i < n; ++i) {
      out[k] += x[i] * std::polar(1.0, sign * 2.0 * std::numbers::pi *
                                           static_cast<double>(k * i % n) /
                                           static_cast<double>(n));
    }
  }
  return out;
}

TEST(FftTest, MatchesDirectDft) {
  for (size_t n : {1u, 2u, 4u, 8u, 64u, 256u}) {
    std::vector<std::complex<double>> x(n);
    for (size_t i = 0; i < n; ++i) {
      x[i] = {std::sin(0.3 * i) + 0.1 * i, std::cos(1.7 * i)};
    }
    for (bool inverse : {false, true}) {
      std::vector<std::complex<double>> fast = x;
      Fft(&fast, inverse);
      const std::vector<std::complex<double>> slow = DirectDft(x, inverse);
      for (size_t k = 0; k < n; ++k) {
        EXPECT_NEAR(fast[k].real(), slow[k].real(), 1e-9 * n) << n << " " << k;
        EXPECT_NEAR(fast[k].imag(), slow[k].imag(), 1e-9 * n) << n << " " << k;
      }
    }
  }
}

TEST(FftTest, InverseOfForwardIsNTimesInput) {
  std::vector<std::complex<double>> x(1024);
  for (size_t i = 0; i < x.size(); ++i) x[i] = {std::sin(0.01 * i * i), 0.0};
  std::vector<std::complex<double>> y = x;
  Fft(&y, false);
  Fft(&y, true);
  for (size_t i = 0; i < x.size(); ++i) {
    EXPECT_NEAR(y[i].real() / 1024.0, x[i].real(), 1e-12);
    EXPECT_NEAR(y[i].imag() / 1024.0, 0.0, 1e-12);
  }
}

TEST(FftTest, PowersOfTwo) {
  EXPECT_TRUE(IsPowerOfTwo(1));
  EXPECT_TRUE(IsPowerOfTwo(4096));
  EXPECT_FALSE(IsPowerOfTwo(0));
  EXPECT_FALSE(IsPowerOfTwo(12));
  EXPECT_EQ(NextPowerOfTwo(0), 1u);
  EXPECT_EQ(NextPowerOfTwo(5), 8u);
  EXPECT_EQ(NextPowerOfTwo(4096), 4096u);
  EXPECT_EQ(NextPowerOfTwo(4097), 8192u);
}

}  // namespace
}  // namespace jumeau::synth::internal
