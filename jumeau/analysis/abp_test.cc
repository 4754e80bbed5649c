// Unit tests of analysis/abp.h on synthetic waveforms whose answer is known:
// the diastolic decay time constant of an exact exponential, of a noisy
// beat train through DetectPressureBeats, of a Windkessel draining into a
// venous pressure, and the cases where it is not defined. Real records:
// tests/cardio/abp_test.cc.
#include "jumeau/analysis/abp.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "jumeau/core/random.h"

namespace jumeau::analysis {
namespace {

constexpr double kPi = std::numbers::pi;

// One beat at `hz`: a 0.1 s half-cosine rise from `foot` to `peak`, then
// asymptote + (peak - asymptote) exp(-(t - 0.1) / tau) until `period_s`.
std::vector<double> Beat(double hz, double period_s, double foot, double peak,
                         double tau, double asymptote = 0.0) {
  std::vector<double> p;
  const int n = static_cast<int>(std::lround(period_s * hz));
  for (int i = 0; i < n; ++i) {
    const double t = i / hz;
    if (t < 0.1) {
      p.push_back(foot + (peak - foot) * 0.5 * (1 - std::cos(kPi * t / 0.1)));
    } else {
      p.push_back(asymptote + (peak - asymptote) * std::exp(-(t - 0.1) / tau));
    }
  }
  return p;
}

TEST(DiastolicDecayTimeTest, RecoversTheTimeConstantOfAnExponential) {
  for (const double tau : {0.6, 1.2, 2.5}) {
    for (const double hz : {125.0, 250.0, 1000.0}) {
      const double foot = 120 * std::exp(-0.7 / tau);
      const std::vector<double> beat = Beat(hz, 0.8, foot, 120, tau);
      // ln p is exactly linear over the window: only rounding remains.
      EXPECT_NEAR(DiastolicDecayTime(beat, 1 / hz), tau, 1e-9 * tau)
          << "tau " << tau << " at " << hz << " Hz";
    }
  }
}

TEST(DiastolicDecayTimeTest, WindkesselIntoVenousPressure) {
  // p = p_v + A exp(-t / RC): the fit to ln p (towards 0) gives about
  // RC mean(p) / (mean(p) - p_v) (abp.h); with RC = 0.96 s and p_v = 29
  // mm[Hg] (the cardio model's defaults) that is ~1.5 s, not 0.96 s.
  const double rc = 0.96, pv = 29.0, hz = 250;
  const std::vector<double> beat = Beat(hz, 0.8, 0, 110, rc, pv);
  std::vector<double> b = beat;
  const double foot = b.back();
  for (int i = 0; i < 25; ++i) {  // rise from the previous beat's foot
    b[i] = foot + (110 - foot) * 0.5 * (1 - std::cos(kPi * i / 25.0));
  }
  const double tau = DiastolicDecayTime(b, 1 / hz);
  // The window: p from foot + (110 - foot) / 2 down to the foot.
  double sum = 0;
  int count = 0;
  const double threshold = foot + (110 - foot) / 2;
  for (int i = 26; i < static_cast<int>(b.size()); ++i) {
    if (b[i] <= threshold || count > 0) {
      sum += b[i];
      ++count;
    }
  }
  const double mean = sum / count;
  EXPECT_NEAR(tau, rc * mean / (mean - pv), 0.02 * tau);
  EXPECT_GT(tau, 1.4 * rc);
}

TEST(DiastolicDecayTimeTest, NoisyBeatTrainThroughTheDetector) {
  // 40 beats at 75 /min, 250 Hz, tau 1.2 s, white noise of sd 1 mm[Hg].
  const double hz = 250, tau = 1.2;
  std::vector<double> p;
  double foot = 120 * std::exp(-0.7 / tau);
  for (int k = 0; k < 40; ++k) {
    const std::vector<double> beat = Beat(hz, 0.8, foot, 120, tau);
    p.insert(p.end(), beat.begin(), beat.end());
  }
  Rng rng(3);
  for (double& v : p) v += rng.Normal();
  const auto beats = DetectPressureBeats(p, SampleRate(250, 1));
  ASSERT_TRUE(beats.ok());
  ASSERT_GE(beats->size(), 37u);
  double sum = 0;
  for (const PressureBeat& b : *beats) {
    ASSERT_TRUE(std::isfinite(b.decay_time_s));
    // One beat: ~110 samples over a 15% fall of ln p; noise of 1 mm[Hg]
    // gives a few % of scatter; the detected foot may be a sample off.
    EXPECT_NEAR(b.decay_time_s, tau, 0.12 * tau);
    sum += b.decay_time_s;
  }
  EXPECT_NEAR(sum / static_cast<double>(beats->size()), tau, 0.02 * tau);
}

TEST(DiastolicDecayTimeTest, UndefinedCases) {
  const double hz = 250;
  EXPECT_TRUE(std::isnan(DiastolicDecayTime({}, 1 / hz)));
  const std::vector<double> flat(200, 80.0);
  EXPECT_TRUE(std::isnan(DiastolicDecayTime(flat, 1 / hz)));
  std::vector<double> rising(200);
  for (int i = 0; i < 200; ++i) rising[i] = 60 + 0.2 * i;
  EXPECT_TRUE(std::isnan(DiastolicDecayTime(rising, 1 / hz)));
  std::vector<double> beat = Beat(hz, 0.8, 67, 120, 1.2);
  beat[150] = std::nan("");
  EXPECT_TRUE(std::isnan(DiastolicDecayTime(beat, 1 / hz)));
  // A window shorter than 0.1 s: a 0.15 s beat.
  const std::vector<double> short_beat = Beat(hz, 0.15, 110, 120, 1.2);
  EXPECT_TRUE(std::isnan(DiastolicDecayTime(short_beat, 1 / hz)));
  // Non-positive pressure in the window (a zeroed transducer).
  std::vector<double> zeroed = Beat(hz, 0.8, 0, 40, 0.2);
  zeroed.back() = 0;
  EXPECT_TRUE(std::isnan(DiastolicDecayTime(zeroed, 1 / hz)));
}

}  // namespace
}  // namespace jumeau::analysis
