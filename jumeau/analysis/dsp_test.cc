// Tests of analysis/dsp: Butterworth design against scipy's coefficients,
// zero-phase filtering, FIR design, resampling, Welch (Parseval, sinusoid
// power) and Lomb-Scargle against values printed by scipy 1.10. The
// exhaustive comparison with scipy/MNE is dsp_oracle_test.py.
#include "jumeau/analysis/dsp.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <random>

namespace jumeau::analysis {
namespace {

constexpr double kPi = 3.14159265358979323846;

// Frequency response of a cascade at f_hz.
std::complex<double> Response(const std::vector<Biquad>& sos, double f_hz,
                              double fs) {
  const std::complex<double> z1 =
      std::exp(std::complex<double>(0.0, -2.0 * kPi * f_hz / fs));
  std::complex<double> h = 1.0;
  for (const Biquad& s : sos) {
    h *= (s.b0 + s.b1 * z1 + s.b2 * z1 * z1) /
         (1.0 + s.a1 * z1 + s.a2 * z1 * z1);
  }
  return h;
}

std::vector<double> Sine(int n, double f_hz, double fs, double amplitude) {
  std::vector<double> x(n);
  for (int i = 0; i < n; ++i)
    x[i] = amplitude * std::sin(2 * kPi * f_hz * i / fs);
  return x;
}

TEST(ButterworthTest, LowPassOrder2MatchesScipyCoefficients) {
  // scipy.signal.butter(2, 10, fs=100, output='ba').
  auto sos =
      DesignButterworth(FilterType::kLowPass, 2, 10, 0, SampleRate(100, 1));
  ASSERT_TRUE(sos.ok()) << sos.status().ToString();
  ASSERT_EQ(sos->size(), 1u);
  const Biquad& s = (*sos)[0];
  EXPECT_NEAR(s.b0, 0.06745527388907192, 1e-15);
  EXPECT_NEAR(s.b1, 0.13491054777814385, 1e-15);
  EXPECT_NEAR(s.b2, 0.06745527388907192, 1e-15);
  EXPECT_NEAR(s.a1, -1.1429805025399011, 1e-14);
  EXPECT_NEAR(s.a2, 0.41280159809618877, 1e-14);
}

TEST(ButterworthTest, HighPassOrder3MatchesScipySections) {
  // scipy.signal.butter(3, 10, btype='high', fs=100, output='sos'): the
  // first-order section first, with the gain.
  auto sos =
      DesignButterworth(FilterType::kHighPass, 3, 10, 0, SampleRate(100, 1));
  ASSERT_TRUE(sos.ok());
  ASSERT_EQ(sos->size(), 2u);
  EXPECT_NEAR((*sos)[0].b0, 0.5276243825019432, 1e-14);
  EXPECT_NEAR((*sos)[0].b1, -0.5276243825019432, 1e-14);
  EXPECT_EQ((*sos)[0].b2, 0.0);
  EXPECT_NEAR((*sos)[0].a1, -0.5095254494944288, 1e-14);
  EXPECT_EQ((*sos)[0].a2, 0.0);
  EXPECT_NEAR((*sos)[1].b0, 1.0, 1e-15);
  EXPECT_NEAR((*sos)[1].b1, -2.0, 1e-15);
  EXPECT_NEAR((*sos)[1].b2, 1.0, 1e-15);
  EXPECT_NEAR((*sos)[1].a1, -1.2505164308487402, 1e-14);
  EXPECT_NEAR((*sos)[1].a2, 0.5457233155094579, 1e-14);
  EXPECT_EQ(DefaultFiltFiltPadding(*sos), 12);  // 3 * (2*2 + 1 - 1)
}

TEST(ButterworthTest, BandPassResponseMatchesScipy) {
  // scipy: sosfreqz(butter(2, [5, 15], 'band', fs=100, output='sos'),
  // worN=[2, 10, 20], fs=100). Our zero pairing differs from scipy's, the
  // transfer function does not.
  auto sos =
      DesignButterworth(FilterType::kBandPass, 2, 5, 15, SampleRate(100, 1));
  ASSERT_TRUE(sos.ok());
  EXPECT_EQ(sos->size(), 2u);
  const double f[] = {2.0, 10.0, 20.0};
  const double re[] = {-0.07548355991168831, 0.9503308466119638,
                       -0.19851716819925214};
  const double im[] = {0.03350678737666667, -0.3076003004234643,
                       -0.23747000973203838};
  for (int i = 0; i < 3; ++i) {
    const auto h = Response(*sos, f[i], 100.0);
    EXPECT_NEAR(h.real(), re[i], 1e-12) << f[i];
    EXPECT_NEAR(h.imag(), im[i], 1e-12) << f[i];
  }
}

TEST(ButterworthTest, HighOrderIsHalfPowerAtCutoff) {
  for (int order : {1, 4, 7, 10}) {
    auto lp = DesignButterworth(FilterType::kLowPass, order, 40, 0,
                                SampleRate(250, 1));
    ASSERT_TRUE(lp.ok());
    EXPECT_NEAR(std::abs(Response(*lp, 0.0, 250)), 1.0, 1e-12);
    EXPECT_NEAR(std::abs(Response(*lp, 40.0, 250)), std::sqrt(0.5), 1e-12);
    auto hp = DesignButterworth(FilterType::kHighPass, order, 0.5, 0,
                                SampleRate(250, 1));
    ASSERT_TRUE(hp.ok());
    EXPECT_NEAR(std::abs(Response(*hp, 125.0, 250)), 1.0, 1e-12);
    EXPECT_NEAR(std::abs(Response(*hp, 0.5, 250)), std::sqrt(0.5), 1e-9);
  }
}

TEST(ButterworthTest, RejectsBadArguments) {
  const SampleRate fs(100, 1);
  EXPECT_FALSE(DesignButterworth(FilterType::kLowPass, 0, 10, 0, fs).ok());
  EXPECT_FALSE(DesignButterworth(FilterType::kLowPass, 33, 10, 0, fs).ok());
  EXPECT_FALSE(DesignButterworth(FilterType::kLowPass, 2, 50, 0, fs).ok());
  EXPECT_FALSE(DesignButterworth(FilterType::kLowPass, 2, 0, 0, fs).ok());
  EXPECT_FALSE(DesignButterworth(FilterType::kLowPass, 2, NAN, 0, fs).ok());
  EXPECT_FALSE(DesignButterworth(FilterType::kBandPass, 2, 10, 5, fs).ok());
  EXPECT_FALSE(DesignButterworth(FilterType::kBandPass, 2, 10, 60, fs).ok());
  EXPECT_FALSE(
      DesignButterworth(FilterType::kLowPass, 2, 10, 0, SampleRate()).ok());
}

TEST(SosFiltFiltTest, MatchesScipyOnShortSignal) {
  // x = sin(0.3 n) + 0.1 n, n < 50; scipy.signal.sosfiltfilt(butter(4, 8,
  // fs=100, output='sos'), x)[[0, 1, 25, 48, 49]].
  std::vector<double> x(50);
  for (int i = 0; i < 50; ++i) x[i] = std::sin(0.3 * i) + 0.1 * i;
  auto sos =
      DesignButterworth(FilterType::kLowPass, 4, 8, 0, SampleRate(100, 1));
  ASSERT_TRUE(sos.ok());
  auto y = SosFiltFilt(*sos, x);
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  ASSERT_EQ(y->size(), 50u);
  EXPECT_NEAR((*y)[0], -0.007122652050840426, 1e-12);
  EXPECT_NEAR((*y)[1], 0.38512754273981337, 1e-12);
  EXPECT_NEAR((*y)[25], 3.4265070110337845, 1e-12);
  EXPECT_NEAR((*y)[48], 5.648863827546193, 1e-12);
  EXPECT_NEAR((*y)[49], 5.724940193798512, 1e-12);
}

TEST(SosFiltFiltTest, PassbandUntouchedStopbandRemovedNoPhaseShift) {
  const double fs = 500;
  auto x = Sine(5000, 5.0, fs, 1.0);
  const auto noise = Sine(5000, 100.0, fs, 1.0);
  std::vector<double> mixed(x.size());
  for (size_t i = 0; i < x.size(); ++i) mixed[i] = x[i] + noise[i];
  auto sos =
      DesignButterworth(FilterType::kLowPass, 6, 30, 0, SampleRate(500, 1));
  ASSERT_TRUE(sos.ok());
  auto y = SosFiltFilt(*sos, mixed);
  ASSERT_TRUE(y.ok());
  double max_err = 0.0;
  for (size_t i = 500; i < 4500; ++i)
    max_err = std::max(max_err, std::abs((*y)[i] - x[i]));
  EXPECT_LT(max_err, 1e-3);
}

TEST(SosFiltFiltTest, RejectsSignalNotLongerThanPadding) {
  auto sos =
      DesignButterworth(FilterType::kLowPass, 4, 8, 0, SampleRate(100, 1));
  ASSERT_TRUE(sos.ok());
  std::vector<double> x(15, 1.0);  // padding is 3 * (2*2 + 1) = 15
  EXPECT_EQ(SosFiltFilt(*sos, x).status().code(), StatusCode::kInvalidArgument);
  x.push_back(1.0);
  auto y = SosFiltFilt(*sos, x);
  ASSERT_TRUE(y.ok());
  for (double v : *y) EXPECT_NEAR(v, 1.0, 1e-12);  // DC passes unchanged
  EXPECT_FALSE(SosFiltFilt({}, x).ok());
}

TEST(SosFilterTest, ImpulseResponseOfFirstSectionIsItsNumeratorStart) {
  std::vector<Biquad> sos = {{0.5, 0.25, 0.0, 0.0, 0.0}};
  std::vector<double> x = {1, 0, 0};
  EXPECT_THAT(SosFilter(sos, x), ::testing::ElementsAre(0.5, 0.25, 0.0));
}

TEST(FirTest, LowPassMatchesScipyFirwin) {
  // scipy.signal.firwin(5, 10, fs=100).
  auto h = DesignFir(FilterType::kLowPass, 5, 10, 0, SampleRate(100, 1));
  ASSERT_TRUE(h.ok());
  const double want[] = {0.02840647001501133, 0.23700821359070315,
                         0.469170632788571, 0.23700821359070315,
                         0.02840647001501133};
  for (int i = 0; i < 5; ++i) EXPECT_NEAR((*h)[i], want[i], 1e-15);
}

TEST(FirTest, HighAndBandPassGainsAndErrors) {
  const SampleRate fs(200, 1);
  auto hp = DesignFir(FilterType::kHighPass, 101, 20, 0, fs);
  ASSERT_TRUE(hp.ok());
  double nyquist_gain = 0.0, dc_gain = 0.0;
  for (size_t i = 0; i < hp->size(); ++i) {
    nyquist_gain += (*hp)[i] * (i % 2 == 0 ? 1 : -1);
    dc_gain += (*hp)[i];
  }
  EXPECT_NEAR(nyquist_gain, 1.0, 1e-12);
  EXPECT_NEAR(dc_gain, 0.0, 5e-3);  // Hamming stopband, about -50 dB
  EXPECT_FALSE(DesignFir(FilterType::kHighPass, 100, 20, 0, fs).ok());
  EXPECT_FALSE(DesignFir(FilterType::kLowPass, 0, 20, 0, fs).ok());
  EXPECT_FALSE(DesignFir(FilterType::kBandPass, 51, 30, 20, fs).ok());
  auto bp = DesignFir(FilterType::kBandPass, 201, 8, 12, fs,
                      {.window = FirWindow::kKaiser, .kaiser_beta = 8.0});
  ASSERT_TRUE(bp.ok());
  // A 10 Hz sine passes a centred band-pass unchanged in the middle.
  const auto x = Sine(2000, 10.0, 200, 1.0);
  const auto y = ApplyFir(*bp, x, FirAlignment::kCentered);
  for (int i = 300; i < 1700; i += 37) EXPECT_NEAR(y[i], x[i], 2e-3) << i;
}

TEST(FirTest, ApplyCausalIsLfilter) {
  std::vector<double> taps = {1, 2, 3};
  std::vector<double> x = {1, 0, 0, 1};
  EXPECT_THAT(ApplyFir(taps, x), ::testing::ElementsAre(1, 2, 3, 1));
  EXPECT_THAT(ApplyFir(taps, x, FirAlignment::kCentered),
              ::testing::ElementsAre(2, 3, 1, 2));
}

TEST(ResampleTest, MatchesScipyResamplePoly) {
  // scipy.signal.resample_poly(arange(10.0)**2, 2, 3).
  std::vector<double> x(10);
  for (int i = 0; i < 10; ++i) x[i] = i * i;
  auto y = ResamplePoly(x, 2, 3);
  ASSERT_TRUE(y.ok());
  const double want[] = {-0.3475578420081389, 2.7843991625669493,
                         8.158072800449064,   21.59770956702009,
                         33.81411445032777,   60.587097007618354,
                         65.87732774744072};
  ASSERT_EQ(y->size(), 7u);
  for (int i = 0; i < 7; ++i) EXPECT_NEAR((*y)[i], want[i], 1e-11) << i;
}

TEST(ResampleTest, Rate360To250KeepsASineAndTheLength) {
  const auto x = Sine(3600, 7.0, 360, 1.0);  // 10 s
  auto y = Resample(x, SampleRate(360, 1), SampleRate(250, 1));
  ASSERT_TRUE(y.ok());
  ASSERT_EQ(y->size(), 2500u);
  const auto want = Sine(2500, 7.0, 250, 1.0);
  for (int i = 100; i < 2400; ++i) ASSERT_NEAR((*y)[i], want[i], 2e-3) << i;
  EXPECT_FALSE(ResamplePoly(x, 0, 3).ok());
  EXPECT_FALSE(ResamplePoly(x, 5000, 4999).ok());
  auto same = ResamplePoly(x, 7, 7);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(*same, x);
  EXPECT_FALSE(
      Resample(x, SampleRate(1000003, 1), SampleRate(1000033, 1)).ok());
}

TEST(WelchTest, WhiteNoiseIntegratesToVarianceAndSineToHalfSquaredAmplitude) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal(0.0, 2.0);
  std::vector<double> x(64 * 1024);
  for (double& v : x) v = normal(rng);
  auto s = Welch(x, SampleRate(256, 1), {.segment_length = 512});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->psd.size(), 257u);
  EXPECT_EQ(s->segments, (65536 - 256) / 256);
  EXPECT_DOUBLE_EQ(s->frequency_step_hz, 0.5);
  double total = 0.0;
  for (double p : s->psd) total += p * s->frequency_step_hz;
  EXPECT_NEAR(total, 4.0, 0.1);
  // A 3 V amplitude sine at 40 Hz has power 4.5 V^2; the Hann main lobe
  // spreads it over +-2 bins.
  const auto sine = Sine(64 * 1024, 40.0, 256, 3.0);
  auto t = Welch(sine, SampleRate(256, 1),
                 {.segment_length = 512, .window = SpectralWindow::kHamming});
  ASSERT_TRUE(t.ok());
  EXPECT_NEAR(BandPower(*t, 39.0, 41.01), 4.5, 0.01);
  EXPECT_LT(BandPower(*t, 0.0, 35.0), 1e-3);
}

TEST(WelchTest, OddFftLengthAndZeroPadding) {
  const auto sine = Sine(3000, 10.0, 100, 1.0);
  auto odd = Welch(sine, SampleRate(100, 1), {.segment_length = 101});
  ASSERT_TRUE(odd.ok());
  EXPECT_EQ(odd->psd.size(), 51u);
  EXPECT_NEAR(BandPower(*odd, 7, 13), 0.5, 0.01);
  auto padded = Welch(sine, SampleRate(100, 1),
                      {.segment_length = 100, .fft_length = 400});
  ASSERT_TRUE(padded.ok());
  EXPECT_EQ(padded->psd.size(), 201u);
  EXPECT_NEAR(BandPower(*padded, 7, 13), 0.5, 0.01);
}

TEST(WelchTest, RejectsBadOptions) {
  std::vector<double> x(100, 0.0);
  const SampleRate fs(100, 1);
  EXPECT_FALSE(Welch(x, fs, {.segment_length = 1}).ok());
  EXPECT_FALSE(Welch(x, fs, {.segment_length = 50, .overlap = 50}).ok());
  EXPECT_FALSE(Welch(x, fs, {.segment_length = 50, .fft_length = 40}).ok());
  EXPECT_FALSE(Welch(x, fs, {.segment_length = 101}).ok());
  EXPECT_FALSE(Welch(x, SampleRate(), {.segment_length = 50}).ok());
  auto ok = Welch(x, fs, {.segment_length = 100});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->segments, 1);
}

TEST(LombScargleTest, MatchesScipyOnUnevenPoints) {
  // scipy.signal.lombscargle([0, 1, 2.5, 4, 4.5, 6], [1, 3, 2, -1, .5, 2],
  // 2*pi*[0.1, 0.25], precenter=True).
  const std::vector<double> t = {0, 1, 2.5, 4, 4.5, 6};
  const std::vector<double> y = {1, 3, 2, -1, 0.5, 2};
  const std::vector<double> f = {0.1, 0.25};
  auto p = LombScargle(t, y, f);
  ASSERT_TRUE(p.ok());
  EXPECT_NEAR((*p)[0], 1.2671159905056542, 1e-12);
  EXPECT_NEAR((*p)[1], 3.2148113794914805, 1e-12);
  EXPECT_FALSE(LombScargle(t, f, f).ok());
  EXPECT_FALSE(LombScargle({}, {}, f).ok());
  const std::vector<double> bad_f = {0.0};
  EXPECT_FALSE(LombScargle(t, y, bad_f).ok());
}

TEST(LombScargleTest, FindsTheFrequencyOfAnUnevenSine) {
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> jitter(-0.2, 0.2);
  std::vector<double> t, y;
  for (int i = 0; i < 300; ++i) {
    t.push_back(i * 0.8 + jitter(rng));
    y.push_back(2.0 * std::sin(2 * kPi * 0.12 * t.back()) + 5.0);
  }
  std::vector<double> f;
  for (int k = 1; k <= 300; ++k) f.push_back(k * 0.002);
  auto p = LombScargle(t, y, f);
  ASSERT_TRUE(p.ok());
  const size_t best = std::max_element(p->begin(), p->end()) - p->begin();
  EXPECT_NEAR(f[best], 0.12, 0.002);
  EXPECT_NEAR((*p)[best], 300 * 4.0 / 4, 300 * 0.1);  // n A^2 / 4
}

TEST(ToPhysicalTest, AppliesScaleAndOffset) {
  const std::vector<int32_t> d = {-2, 0, 5};
  EXPECT_THAT(ToPhysical(d, 0.5, 1.0), ::testing::ElementsAre(0.0, 1.0, 3.5));
}

}  // namespace
}  // namespace jumeau::analysis
