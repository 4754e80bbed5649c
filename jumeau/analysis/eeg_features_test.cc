// Tests of analysis/eeg_features on synthetic EEG with known spectral
// content: sines of known power in known bands, mains interference, and the
// window / segment bookkeeping on an integer-coded Signal. The comparison
// with MNE psd_array_welch is dsp_oracle_test.py.
#include "jumeau/analysis/eeg_features.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace jumeau::analysis {
namespace {

constexpr double kPi = 3.14159265358979323846;

// 6 Hz (amplitude 10), 10 Hz (20) and 50 Hz (5) sines plus N(0, 1) noise,
// at 160 Hz (the rate of the EEG motor-imagery EDFs).
std::vector<double> Synthetic(int n, double fs, bool mains) {
  std::mt19937_64 rng(11);
  std::normal_distribution<double> noise(0.0, 1.0);
  std::vector<double> x(n);
  for (int i = 0; i < n; ++i) {
    const double t = i / fs;
    x[i] = 10 * std::sin(2 * kPi * 6 * t) + 20 * std::sin(2 * kPi * 10 * t) +
           (mains ? 5 * std::sin(2 * kPi * 50 * t + 0.3) : 0.0) + noise(rng);
  }
  return x;
}

TEST(EegFeaturesTest, BandPowersPeakEdgeAndMains) {
  const double fs = 160;
  const auto x = Synthetic(160 * 60, fs, true);
  auto f = ComputeEegFeatures(x, SampleRate(160, 1));
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  // Sine powers: 6 Hz -> 50, 10 Hz -> 200 (A^2/2); white noise of variance
  // 1 spread over 0..80 Hz adds 1/80 per Hz.
  const double noise_density = 1.0 / 80.0;
  EXPECT_NEAR(f->absolute[1], 50 + 4 * noise_density, 1.0);   // theta
  EXPECT_NEAR(f->absolute[2], 200 + 5 * noise_density, 2.0);  // alpha
  EXPECT_NEAR(f->absolute[0], 3 * noise_density, 0.05);       // delta
  EXPECT_NEAR(f->absolute[3], 17 * noise_density, 0.1);       // beta
  // The bands tile [1, 45): absolute powers add to the total, relative to 1.
  double sum_abs = 0, sum_rel = 0;
  for (size_t b = 0; b < kEegBands.size(); ++b) {
    sum_abs += f->absolute[b];
    sum_rel += f->relative[b];
  }
  EXPECT_NEAR(sum_abs, f->total_power, 1e-9 * f->total_power);
  EXPECT_NEAR(sum_rel, 1.0, 1e-12);
  EXPECT_NEAR(f->relative[2], 200.0 / 250.5, 0.01);
  EXPECT_NEAR(f->alpha_peak_hz, 10.0, 0.05);
  // 95% of the power: 6 Hz holds ~20%, 10 Hz brings it to ~99.8%, so the
  // edge is the 10 Hz lobe (10 or 10.5 Hz with 0.5 Hz bins).
  EXPECT_GE(f->spectral_edge_hz, 10.0);
  EXPECT_LE(f->spectral_edge_hz, 11.0);
  EXPECT_EQ(f->line_noise_hz, 50.0);
  EXPECT_GT(f->line_noise_50_db, 20.0);
  EXPECT_LT(f->line_noise_60_db, 3.0);

  auto clean =
      ComputeEegFeatures(Synthetic(160 * 60, fs, false), SampleRate(160, 1));
  ASSERT_TRUE(clean.ok());
  EXPECT_EQ(clean->line_noise_hz, 0.0);
}

TEST(EegFeaturesTest, NoAlphaPeakAndLowRates) {
  // A 1/f spectrum (sines every 0.5 Hz from 1 to 40 Hz, amplitude 1/f): the
  // alpha-range maximum is at 8 Hz with a higher neighbour below, so there is
  // no alpha peak. At 100 Hz, 60 Hz mains is above Nyquist: NaN.
  std::vector<double> x(100 * 30, 0.0);
  for (int k = 2; k <= 80; ++k) {
    const double f = 0.5 * k;
    for (size_t i = 0; i < x.size(); ++i) {
      x[i] += std::sin(2 * kPi * f * i / 100.0 + 0.7 * k) / f;
    }
  }
  auto f = ComputeEegFeatures(x, SampleRate(100, 1));
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(std::isnan(f->alpha_peak_hz));
  EXPECT_TRUE(std::isnan(f->line_noise_60_db));
  EXPECT_TRUE(std::isnan(f->line_noise_50_db));  // 55 Hz reference > 50 Hz
  EXPECT_EQ(f->line_noise_hz, 0.0);
  // A flat zero signal: total 0, relative and edge NaN.
  std::vector<double> zero(1000, 0.0);
  auto z = ComputeEegFeatures(zero, SampleRate(100, 1));
  ASSERT_TRUE(z.ok());
  EXPECT_EQ(z->total_power, 0.0);
  EXPECT_TRUE(std::isnan(z->relative[0]));
  EXPECT_TRUE(std::isnan(z->spectral_edge_hz));
}

TEST(EegFeaturesTest, ErrorsAndShortSpans) {
  std::vector<double> one = {1.0};
  EXPECT_FALSE(ComputeEegFeatures(one, SampleRate(160, 1)).ok());
  std::vector<double> x(50, 1.0);
  EXPECT_FALSE(ComputeEegFeatures(x, SampleRate()).ok());
  EXPECT_FALSE(
      ComputeEegFeatures(x, SampleRate(160, 1), {.segment_seconds = 0}).ok());
  EXPECT_FALSE(
      ComputeEegFeatures(x, SampleRate(160, 1), {.overlap_fraction = 1.0})
          .ok());
  // Shorter than the 2 s segment: one segment of the whole span.
  auto s = EegSpectrum(x, SampleRate(160, 1));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->segments, 1);
  EXPECT_EQ(s->psd.size(), 26u);
}

Signal IntegerSignal(const std::vector<double>& x, double scale) {
  Signal s;
  s.label = "C3";
  s.unit = "uV";
  s.rate = SampleRate(160, 1);
  s.start = Time::FromNanoseconds(1'000'000'000'000'000'000);
  s.scale = scale;
  s.offset = 0.0;
  for (double v : x)
    s.samples.push_back(static_cast<int32_t>(std::lround(v / scale)));
  return s;
}

TEST(EegFeaturesTest, WindowsAndSegmentsOfASignal) {
  const auto x = Synthetic(160 * 20, 160, true);  // 20 s
  const Signal s = IntegerSignal(x, 0.01);
  auto windows = ComputeEegFeaturesPerWindow(s, Duration::Seconds(4),
                                             Duration::Seconds(2));
  ASSERT_TRUE(windows.ok()) << windows.status().ToString();
  // Windows start at 0, 2, ..., 16 s: 9 of them fit in 20 s.
  ASSERT_EQ(windows->size(), 9u);
  EXPECT_EQ((*windows)[8].start, s.start + Duration::Seconds(16));
  EXPECT_EQ((*windows)[8].end, s.start + Duration::Seconds(20));
  EXPECT_EQ((*windows)[8].first_sample, 16 * 160);
  EXPECT_EQ((*windows)[8].samples, 4 * 160);
  for (const auto& w : *windows) {
    EXPECT_NEAR(w.features.alpha_peak_hz, 10.0, 0.1);
    EXPECT_EQ(w.features.line_noise_hz, 50.0);
  }
  // The same 4 s as a segment gives the same numbers.
  auto seg = ComputeEegFeaturesForSegment(s, s.start + Duration::Seconds(2),
                                          s.start + Duration::Seconds(6));
  ASSERT_TRUE(seg.ok());
  EXPECT_EQ(seg->first_sample, 320);
  EXPECT_EQ(seg->samples, 640);
  for (size_t b = 0; b < kEegBands.size(); ++b) {
    EXPECT_DOUBLE_EQ(seg->features.absolute[b],
                     (*windows)[1].features.absolute[b]);
  }
  // The integer coding (0.01 uV steps) changes band powers negligibly.
  auto direct = ComputeEegFeatures(std::span<const double>(x).subspan(320, 640),
                                   SampleRate(160, 1));
  ASSERT_TRUE(direct.ok());
  EXPECT_NEAR(seg->features.absolute[2], direct->absolute[2],
              1e-4 * direct->absolute[2]);
  // A segment reaching past the end is clipped; one outside is an error.
  auto tail = ComputeEegFeaturesForSegment(s, s.start + Duration::Seconds(18),
                                           s.start + Duration::Seconds(30));
  ASSERT_TRUE(tail.ok());
  EXPECT_EQ(tail->samples, 320);
  EXPECT_FALSE(ComputeEegFeaturesForSegment(s, s.start + Duration::Seconds(40),
                                            s.start + Duration::Seconds(50))
                   .ok());
  EXPECT_FALSE(
      ComputeEegFeaturesPerWindow(s, Duration(), Duration::Seconds(1)).ok());
}

}  // namespace
}  // namespace jumeau::analysis
