// Tests for the codec's prediction stage (internal/predictor.h): residuals
// invert exactly for every kind and layout, wrap-around included, and the
// fused checksum equals SampleChecksum.
#include "jumeau/store/internal/predictor.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "jumeau/store/internal/cpu_features.h"

namespace jumeau::store::internal {
namespace {

// Residuals of every segment, in lockstep order.
std::vector<uint32_t> LockstepResiduals(const std::vector<int32_t>& x,
                                        const SegmentLayout& layout, int kind) {
  std::vector<uint32_t> natural(x.size());
  for (int j = 0; j < layout.segments; ++j) {
    ComputeResiduals(
        std::span<const int32_t>(x).subspan(layout.Begin(j), layout.Length(j)),
        kind, natural.data() + layout.Begin(j));
  }
  std::vector<uint32_t> lockstep(layout.LockstepSize(), 0xDEADBEEF);
  for (int j = 0; j < layout.segments; ++j) {
    for (size_t t = 0; t < layout.Length(j); ++t) {
      lockstep[layout.segments * t + j] = natural[layout.Begin(j) + t];
    }
  }
  return lockstep;
}

std::vector<int32_t> Series(size_t n, int shape, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<int32_t> x(n);
  for (size_t i = 0; i < n; ++i) {
    switch (shape) {
      case 0:  // smooth
        x[i] = static_cast<int32_t>(1000 *
                                    std::sin(0.01 * static_cast<double>(i)));
        break;
      case 1:  // full-range noise
        x[i] = static_cast<int32_t>(rng());
        break;
      default:  // extremes
        x[i] = (rng() & 1) ? std::numeric_limits<int32_t>::max()
                           : std::numeric_limits<int32_t>::min();
        break;
    }
  }
  return x;
}

TEST(PredictorTest, EveryKindAndLayoutInvertsExactly) {
  for (size_t n : {0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 33, 100, 1001}) {
    for (int shape = 0; shape < 3; ++shape) {
      const std::vector<int32_t> x = Series(n, shape, static_cast<uint32_t>(n));
      for (int segments : {1, 4}) {
        const SegmentLayout layout(n, segments);
        for (int kind = 0; kind < kPredictorCount; ++kind) {
          const std::vector<uint32_t> lockstep =
              LockstepResiduals(x, layout, kind);
          std::vector<uint32_t> out(n, 0x12345678);
          const uint32_t checksum =
              Reconstruct(lockstep.data(), layout, kind, out.data());
          for (size_t i = 0; i < n; ++i) {
            ASSERT_EQ(static_cast<int32_t>(out[i]), x[i])
                << "n=" << n << " shape=" << shape << " segments=" << segments
                << " kind=" << kind << " i=" << i;
          }
          EXPECT_EQ(checksum, SampleChecksum(x));
        }
      }
    }
  }
}

TEST(PredictorTest, IncrementalRowsMatchWholeChunk) {
  for (size_t n : {1, 5, 17, 1000, 4099}) {
    const std::vector<int32_t> x = Series(n, 0, 3);
    for (int segments : {1, 4}) {
      const SegmentLayout layout(n, segments);
      for (int kind = 0; kind < kPredictorCount; ++kind) {
        const std::vector<uint32_t> lockstep =
            LockstepResiduals(x, layout, kind);
        std::vector<uint32_t> out(n);
        Reconstructor r(layout, kind, out.data());
        for (size_t row = 0, step = 1; row < layout.length;
             row += step, step = step * 3 % 7 + 1) {
          const size_t rows = std::min(step, layout.length - row);
          r.AddRows(row, rows, lockstep.data() + row * segments);
        }
        for (size_t i = 0; i < n; ++i)
          ASSERT_EQ(static_cast<int32_t>(out[i]), x[i]) << i;
        EXPECT_EQ(r.Checksum(), SampleChecksum(x));
      }
    }
  }
}

TEST(PredictorTest, InPlaceWithOneSegment) {
  const std::vector<int32_t> x = Series(500, 0, 1);
  const SegmentLayout layout(x.size(), 1);
  for (int kind = 0; kind < kPredictorCount; ++kind) {
    std::vector<uint32_t> buf = LockstepResiduals(x, layout, kind);
    Reconstruct(buf.data(), layout, kind, buf.data());
    for (size_t i = 0; i < x.size(); ++i)
      ASSERT_EQ(static_cast<int32_t>(buf[i]), x[i]);
  }
}

TEST(PredictorTest, ResidualsOfPolynomialsVanish) {
  // A line leaves zero second differences after the warm-up ramp; a
  // parabola zero third differences.
  std::vector<int32_t> line(50), parabola(50);
  for (int i = 0; i < 50; ++i) {
    line[i] = 7 * i - 100;
    parabola[i] = 3 * i * i - 5 * i + 2;
  }
  std::vector<uint32_t> r(50);
  ComputeResiduals(line, 2, r.data());
  for (int i = 2; i < 50; ++i) EXPECT_EQ(r[i], 0u) << i;
  ComputeResiduals(parabola, 3, r.data());
  for (int i = 3; i < 50; ++i) EXPECT_EQ(r[i], 0u) << i;
}

TEST(PredictorTest, ChoosesTheObviousKind) {
  std::vector<int32_t> constant(1000, 42), line(1000), parabola(1000);
  for (int i = 0; i < 1000; ++i) {
    line[i] = 12345 + 17 * i;
    parabola[i] = i * i;
  }
  EXPECT_EQ(ChoosePredictor(constant, SegmentLayout(1000, 4)), 1);
  EXPECT_EQ(ChoosePredictor(line, SegmentLayout(1000, 4)), 2);
  EXPECT_EQ(ChoosePredictor(parabola, SegmentLayout(1000, 1)), 3);
  std::vector<int32_t> zeros(1000, 0);
  EXPECT_EQ(ChoosePredictor(zeros, SegmentLayout(1000, 1)), 0);
}

TEST(PredictorTest, ChoosesOnWindowsOfLongSeries) {
  // Longer than kPredictorSampleWindows windows: the choice is made on the
  // windows, which still see what dominates the series, and a series only
  // just longer still works (the last window ends at the end).
  for (size_t n : {kPredictorSampleWindows * kPredictorWindowLength + 1,
                   size_t{65536}, size_t{200001}}) {
    std::vector<int32_t> line(n), parabola(n);
    for (size_t i = 0; i < n; ++i) {
      line[i] = static_cast<int32_t>(12345 + 17 * i);
      parabola[i] = static_cast<int32_t>((i % 4096) * (i % 4096));
    }
    EXPECT_EQ(ChoosePredictor(line, SegmentLayout(n, 4)), 2) << n;
    EXPECT_EQ(ChoosePredictor(parabola, SegmentLayout(n, 4)), 3) << n;
  }
}

// The choice equals the smallest total exact bit length of the residuals
// (as the scalar tail computes them) on series whose residuals convert to
// float exactly, so the vector loops (AVX2 where the CPU has it, else SSE2)
// count what the scalar loop counts (both the AVX2 and the SSE2 loops are
// run); lengths not a multiple of 8 exercise the tails.
TEST(PredictorTest, ChoiceMatchesExactBitLengths) {
  std::mt19937 rng(7);
  for (size_t n : {size_t{11}, size_t{1003}, size_t{4099}, size_t{8192}}) {
    for (int order = 0; order < 4; ++order) {
      // Noise integrated `order` times, with a damped-slope flavour at 3.
      std::vector<int32_t> x(n);
      int32_t v = 0, dv = 0;
      for (size_t i = 0; i < n; ++i) {
        const int32_t e = static_cast<int32_t>(rng() % 2001) - 1000;
        switch (order) {
          case 0:
            v = e;
            break;
          case 1:
            v += e;
            break;
          case 2:
            dv += e / 8;
            v += dv;
            break;
          default:
            dv = dv / 2 + e;
            v += dv;
            break;
        }
        x[i] = v;
      }
      std::array<uint64_t, kPredictorCount> exact{};
      for (int kind = 0; kind < kPredictorCount; ++kind) {
        for (size_t i = 3; i < n; ++i) {
          const uint32_t x1 = static_cast<uint32_t>(x[i - 1]);
          const uint32_t x2 = static_cast<uint32_t>(x[i - 2]);
          const uint32_t x3 = static_cast<uint32_t>(x[i - 3]);
          const uint32_t d1 = x1 - x2;
          uint32_t pred = 0;
          switch (kind) {
            case 0:
              pred = 0;
              break;
            case 1:
              pred = x1;
              break;
            case 2:
              pred = 2 * x1 - x2;
              break;
            case 3:
              pred = 3 * x1 - 3 * x2 + x3;
              break;
            default: {
              const uint32_t a = static_cast<uint32_t>(kind - 3);
              pred = x1 + static_cast<uint32_t>(
                              static_cast<int32_t>(a * d1 + 2) >> 2);
            }
          }
          const uint32_t r = static_cast<uint32_t>(x[i]) - pred;
          const uint32_t z = (r << 1) ^ (0u - (r >> 31));
          exact[kind] += static_cast<uint64_t>(std::bit_width(z));
        }
      }
      const int want = static_cast<int>(
          std::min_element(exact.begin(), exact.end()) - exact.begin());
      for (bool baseline : {false, true}) {
        DisableAvx2ForTesting(baseline);
        EXPECT_EQ(ChoosePredictor(x, SegmentLayout(n, n >= 4096 ? 4 : 1)), want)
            << "n " << n << " order " << order << " baseline " << baseline;
      }
      DisableAvx2ForTesting(false);
    }
  }
}

TEST(PredictorTest, ChecksumSeesSingleChanges) {
  std::vector<int32_t> x = Series(300, 1, 5);
  const uint32_t c = SampleChecksum(x);
  for (size_t i = 0; i < x.size(); i += 7) {
    std::vector<int32_t> y = x;
    y[i] ^= 1 << (i % 32);
    EXPECT_NE(SampleChecksum(y), c) << i;
  }
  // Swapping two different samples changes it too (position-weighted sum).
  std::swap(x[10], x[20]);
  EXPECT_NE(SampleChecksum(x), c);
}

}  // namespace
}  // namespace jumeau::store::internal
