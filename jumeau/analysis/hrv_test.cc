// Tests of analysis/hrv on constructed RR series whose expected values are
// computed by hand (time domain, SDANN) or by the numpy/scipy lines quoted in
// the comments (spectral power), which implement the rules of hrv.h.
#include "jumeau/analysis/hrv.h"

#include <gtest/gtest.h>

#include <cmath>

namespace jumeau::analysis {
namespace {

constexpr double kPi = 3.14159265358979323846;
const Time kT0 = Time::FromNanoseconds(1'600'000'000'000'000'000);

// Contiguous intervals of the given lengths starting at kT0.
std::vector<RrInterval> Contiguous(const std::vector<double>& ms) {
  std::vector<RrInterval> rr;
  Time t = kT0;
  for (double m : ms) {
    t = t + Duration::Nanoseconds(std::llround(m * 1e6));
    rr.push_back({t, m});
  }
  return rr;
}

TEST(HrvTest, TimeDomainOfASevenIntervalSeries) {
  // RR = 800 850 780 900 820 760 840 ms.
  // mean = 5750/7 = 821.428571; deviations^2 sum = 13285.714 -> SDNN =
  //   sqrt(13285.714/6) = 47.0562;
  // successive differences 50 -70 120 -80 -60 80: squares 38200 / 6 ->
  //   RMSSD = sqrt(6366.667) = 79.7914;
  // |d| > 50: 70 120 80 60 80 -> NN50 = 5 (50 itself does not count),
  //   pNN50 = 5/6 = 83.333 %;
  // SD1 = SD(d/sqrt2, ddof 1) = 61.5900; SD2 = SD((x+y)/sqrt2, ddof 1) =
  //   36.5148 (numpy: np.std(..., ddof=1)).
  auto m = ComputeHrv(Contiguous({800, 850, 780, 900, 820, 760, 840}));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->count, 7);
  EXPECT_NEAR(m->mean_nn_ms, 821.4285714285714, 1e-9);
  EXPECT_NEAR(m->sdnn_ms, 47.05619740571601, 1e-9);
  EXPECT_NEAR(m->rmssd_ms, 79.79139469057216, 1e-9);
  EXPECT_EQ(m->nn50, 5);
  EXPECT_NEAR(m->pnn50_percent, 100.0 * 5 / 6, 1e-9);
  EXPECT_NEAR(m->sd1_ms, 61.59004248523727, 1e-9);
  EXPECT_NEAR(m->sd2_ms, 36.51483716701104, 1e-9);
  // 5.75 s of data: too short for a 64 s spectrum and for SDANN.
  EXPECT_TRUE(std::isnan(m->lf_ms2));
  EXPECT_TRUE(std::isnan(m->hf_ms2));
  EXPECT_TRUE(std::isnan(m->sdann_ms));
}

TEST(HrvTest, GapBreaksSuccessiveDifferences) {
  // 800 850 | gap of 2 s | 780 900: successive pairs (800, 850) and
  // (780, 900) only: d = 50, 120 -> RMSSD = sqrt((2500 + 14400)/2) =
  // 91.9239, NN50 = 1, pNN50 = 50 %. SDNN still uses all four.
  auto rr = Contiguous({800, 850});
  Time t = rr.back().end + Duration::Seconds(2);
  t = t + Duration::Milliseconds(780);
  rr.push_back({t, 780});
  t = t + Duration::Milliseconds(900);
  rr.push_back({t, 900});
  auto m = ComputeHrv(rr);
  ASSERT_TRUE(m.ok());
  EXPECT_NEAR(m->rmssd_ms, std::sqrt((2500.0 + 14400.0) / 2), 1e-9);
  EXPECT_EQ(m->nn50, 1);
  EXPECT_NEAR(m->pnn50_percent, 50.0, 1e-12);
  EXPECT_NEAR(m->mean_nn_ms, 832.5, 1e-12);
}

TEST(HrvTest, SdannOfThreeFiveMinuteSegments) {
  // 374 x 800 ms end at 0.8 .. 299.2 s (segment 0, mean 800); 300 x 1000 ms
  // end at 300.2 .. 599.2 s (segment 1, mean 1000); 334 x 900 ms end at
  // 600.1 .. 899.8 s (segment 2, mean 900). SDANN = SD(800, 1000, 900) = 100;
  // each segment is constant, so the SDNN index is 0.
  std::vector<double> ms(374, 800.0);
  ms.insert(ms.end(), 300, 1000.0);
  ms.insert(ms.end(), 334, 900.0);
  auto rr = Contiguous(ms);
  auto m = ComputeHrv(rr);
  ASSERT_TRUE(m.ok());
  EXPECT_NEAR(m->sdann_ms, 100.0, 1e-9);
  EXPECT_NEAR(m->sdnn_index_ms, 0.0, 1e-9);
  // The per-window API: three 5-minute windows from kT0, each constant.
  auto w = ComputeHrvWindows(rr, kT0, kT0 + Duration::Minutes(15));
  ASSERT_TRUE(w.ok());
  ASSERT_EQ(w->size(), 3u);
  EXPECT_EQ((*w)[0].metrics.count, 374);
  EXPECT_EQ((*w)[1].metrics.count, 300);
  EXPECT_EQ((*w)[2].metrics.count, 334);
  EXPECT_NEAR((*w)[1].metrics.mean_nn_ms, 1000.0, 1e-9);
  EXPECT_NEAR((*w)[1].metrics.sdnn_ms, 0.0, 1e-9);
  EXPECT_EQ((*w)[2].start, kT0 + Duration::Minutes(10));
  EXPECT_EQ((*w)[2].end, kT0 + Duration::Minutes(15));
  EXPECT_TRUE(std::isnan((*w)[0].metrics.sdann_ms));
  // A single 15-minute window computes SDANN inside it.
  auto whole = ComputeHrvWindows(rr, kT0, kT0 + Duration::Minutes(15),
                                 Duration::Minutes(15));
  ASSERT_TRUE(whole.ok());
  ASSERT_EQ(whole->size(), 1u);
  EXPECT_NEAR((*whole)[0].metrics.sdann_ms, 100.0, 1e-9);
}

TEST(HrvTest, LfAndHfOfAModulatedSeries) {
  // RR(t) = 1000 + 40 sin(2 pi 0.1 t) + 20 sin(2 pi 0.25 t) ms at the time t
  // (s) of the beat that starts the interval, for 300 s (301 intervals).
  // Expected, with the rules of hrv.h:
  //   t=0.; ends=[]; rrs=[]
  //   while t < 300.0:
  //     r=1000+40*np.sin(2*np.pi*0.1*t)+20*np.sin(2*np.pi*0.25*t)
  //     t+=r/1000; ends.append(t); rrs.append(r)
  //   tt=np.arange(0, np.floor((ends[-1]-ends[0])*4)+1)/4.0   # 1199 samples
  //   x=np.interp(tt, ends-ends[0], rrs)
  //   f,p=scipy.signal.welch(x, fs=4.0, window='hann', nperseg=256,
  //                          noverlap=128, nfft=1024, detrend='constant')
  //   lf=p[(f>=0.04)&(f<0.15)].sum()*(f[1]-f[0])   # 748.7175579811354
  //   hf=p[(f>=0.15)&(f<0.4)].sum()*(f[1]-f[0])    # 131.48043459813255
  // The sine powers are 800 and 200 ms^2; linear interpolation of ~1 Hz
  // beats scales power by sinc(f)^4: 0.935 at 0.1 Hz, 0.66 at 0.25 Hz.
  std::vector<RrInterval> rr;
  double t = 0.0;
  while (t < 300.0) {
    const double r = 1000 + 40 * std::sin(2 * kPi * 0.1 * t) +
                     20 * std::sin(2 * kPi * 0.25 * t);
    t += r / 1000;
    rr.push_back({kT0 + Duration::Nanoseconds(std::llround(t * 1e9)), r});
  }
  ASSERT_EQ(rr.size(), 301u);
  auto m = ComputeHrv(rr);
  ASSERT_TRUE(m.ok());
  EXPECT_NEAR(m->lf_ms2, 748.7175579811354, 748.7 * 1e-6);
  EXPECT_NEAR(m->hf_ms2, 131.48043459813255, 131.5 * 1e-6);
  EXPECT_NEAR(m->lf_hf, 5.694516908691217, 5.69 * 1e-6);
  EXPECT_NEAR(m->lf_ms2, 800 * 0.935, 10);
}

TEST(HrvTest, RrFromBeatsAndErrors) {
  const std::vector<Time> beats = {kT0, kT0 + Duration::Milliseconds(800),
                                   kT0 + Duration::Milliseconds(1650)};
  const auto rr = RrIntervalsFromBeats(beats);
  ASSERT_EQ(rr.size(), 2u);
  EXPECT_EQ(rr[1].end, beats[2]);
  EXPECT_DOUBLE_EQ(rr[0].ms, 800.0);
  EXPECT_DOUBLE_EQ(rr[1].ms, 850.0);
  EXPECT_TRUE(RrIntervalsFromBeats({}).empty());

  EXPECT_EQ(ComputeHrv({}).status().code(), StatusCode::kInvalidArgument);
  std::vector<RrInterval> bad = {{kT0, 800}, {kT0, -1}};
  EXPECT_FALSE(ComputeHrv(bad).ok());
  bad = {{kT0 + Duration::Seconds(1), 800}, {kT0, 800}};
  EXPECT_FALSE(ComputeHrv(bad).ok());
  bad = {{kT0, NAN}};
  EXPECT_FALSE(ComputeHrv(bad).ok());
  EXPECT_FALSE(ComputeHrvWindows(rr, kT0, kT0).ok());
  EXPECT_FALSE(
      ComputeHrvWindows(rr, kT0, kT0 + Duration::Seconds(5), Duration()).ok());
  // A single interval: SDNN and the rest are NaN, no crash.
  std::vector<RrInterval> one = {{kT0, 800}};
  auto m = ComputeHrv(one);
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(std::isnan(m->sdnn_ms));
  EXPECT_TRUE(std::isnan(m->rmssd_ms));
}

}  // namespace
}  // namespace jumeau::analysis
