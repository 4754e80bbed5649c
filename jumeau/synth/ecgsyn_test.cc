// Tests of the ECGSYN generator (jumeau/synth/ecgsyn.h): heart-rate
// statistics of the true R peaks, LF/HF of the RR series, morphology and
// amplitudes, determinism and block streaming.
#include "jumeau/synth/ecgsyn.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <numeric>
#include <vector>

namespace jumeau::synth {
namespace {

std::vector<double> RrIntervalsS(const std::vector<int64_t>& peaks, int rate) {
  std::vector<double> rr;
  for (size_t i = 1; i < peaks.size(); ++i) {
    rr.push_back(static_cast<double>(peaks[i] - peaks[i - 1]) / rate);
  }
  return rr;
}

double Mean(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0) /
         static_cast<double>(v.size());
}

double StdDev(const std::vector<double>& v) {
  const double m = Mean(v);
  double s = 0.0;
  for (double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / static_cast<double>(v.size() - 1));
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// LF (0.04-0.15 Hz) / HF (0.15-0.4 Hz) power of the RR series: RR values
// placed at their R times, linearly resampled at 4 Hz, mean removed, direct
// DFT periodogram.
double LfHfOfRr(const std::vector<int64_t>& peaks, int rate) {
  std::vector<double> t, rr;
  for (size_t i = 1; i < peaks.size(); ++i) {
    t.push_back(static_cast<double>(peaks[i]) / rate);
    rr.push_back(static_cast<double>(peaks[i] - peaks[i - 1]) / rate);
  }
  const double fs = 4.0;
  std::vector<double> even;
  size_t j = 0;
  for (double tt = t.front(); tt <= t.back(); tt += 1.0 / fs) {
    while (j + 1 < t.size() && t[j + 1] < tt) ++j;
    const double frac = (tt - t[j]) / (t[j + 1] - t[j]);
    even.push_back(rr[j] + frac * (rr[j + 1] - rr[j]));
  }
  const double m = Mean(even);
  for (double& v : even) v -= m;
  const size_t n = even.size();
  double lf = 0.0, hf = 0.0;
  for (size_t k = 1; k < n / 2; ++k) {
    const double f = static_cast<double>(k) * fs / static_cast<double>(n);
    if (f < 0.04 || f >= 0.4) continue;
    std::complex<double> sum = 0.0;
    for (size_t i = 0; i < n; ++i) {
      sum += even[i] * std::polar(1.0, -2.0 * std::numbers::pi *
                                           static_cast<double>(k * i % n) /
                                           static_cast<double>(n));
    }
    (f < 0.15 ? lf : hf) += std::norm(sum);
  }
  return lf / hf;
}

EcgSynOptions FiveMinutes() {
  EcgSynOptions o;
  o.heart_rate_mean_bpm = 72.0;
  o.heart_rate_std_bpm = 3.0;
  o.sample_rate_hz = 360;
  o.duration = Duration::Minutes(5);
  o.noise_std_mv = 0.01;
  o.seed = 7;
  return o;
}

TEST(EcgSynTest, MeanHeartRateWithinTwoPercent) {
  for (double hr : {50.0, 72.0, 110.0}) {
    EcgSynOptions o = FiveMinutes();
    o.heart_rate_mean_bpm = hr;
    o.heart_rate_std_bpm = hr / 24.0;
    Result<EcgSynOutput> out = GenerateEcgSyn(o);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    const std::vector<double> rr = RrIntervalsS(out->r_peaks, 360);
    ASSERT_GT(rr.size(), 100u);
    EXPECT_NEAR(60.0 / Mean(rr), hr, 0.02 * hr);
    // Beats fill the record: about duration * rate of them.
    EXPECT_NEAR(static_cast<double>(out->r_peaks.size()), 5.0 * hr,
                0.03 * 5.0 * hr);
  }
}

TEST(EcgSynTest, RrStandardDeviationCloseToRequested) {
  for (double hr_std : {1.0, 3.0, 6.0}) {
    EcgSynOptions o = FiveMinutes();
    o.heart_rate_std_bpm = hr_std;
    Result<EcgSynOutput> out = GenerateEcgSyn(o);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    const double expected = 60.0 * hr_std / (72.0 * 72.0);
    const double measured = StdDev(RrIntervalsS(out->r_peaks, 360));
    // Sample resolution (1/360 s) adds ~0.8 ms rms of rounding noise.
    const double rounding = 1.0 / 360.0 / std::sqrt(6.0);
    EXPECT_NEAR(measured, std::hypot(expected, rounding), 0.15 * expected)
        << "hr_std " << hr_std;
  }
}

TEST(EcgSynTest, ZeroHeartRateStdGivesConstantRr) {
  EcgSynOptions o = FiveMinutes();
  o.heart_rate_std_bpm = 0.0;
  Result<EcgSynOutput> out = GenerateEcgSyn(o);
  ASSERT_TRUE(out.ok());
  for (double rr : RrIntervalsS(out->r_peaks, 360)) {
    EXPECT_NEAR(rr, 60.0 / 72.0, 1.5 / 360.0);
  }
}

TEST(EcgSynTest, LfHfRatioRoughlyAsRequested) {
  // The spectral peaks are 0.01 Hz wide, so a short record sees only a few
  // independent frequency bins per peak: use 20 minutes and three seeds.
  double measured_low = 0.0, measured_high = 0.0;
  for (double requested : {0.5, 2.0}) {
    double log_sum = 0.0;
    for (uint64_t seed : {7, 8, 9}) {
      EcgSynOptions o = FiveMinutes();
      o.duration = Duration::Minutes(20);
      o.sample_rate_hz = 250;
      o.heart_rate_std_bpm = 4.0;  // well above the sample rounding noise
      o.lf_hf_ratio = requested;
      o.seed = seed;
      Result<EcgSynOutput> out = GenerateEcgSyn(o);
      ASSERT_TRUE(out.ok());
      log_sum += std::log(LfHfOfRr(out->r_peaks, 250));
    }
    const double measured = std::exp(log_sum / 3.0);
    EXPECT_GT(measured, requested / 1.6) << "requested " << requested;
    EXPECT_LT(measured, requested * 1.6) << "requested " << requested;
    (requested < 1.0 ? measured_low : measured_high) = measured;
  }
  EXPECT_GT(measured_high, 2.5 * measured_low);
}

TEST(EcgSynTest, RPeaksAreLocalMaximaOfFirstLead) {
  EcgSynOptions o = FiveMinutes();
  Result<EcgSynOutput> out = GenerateEcgSyn(o);
  ASSERT_TRUE(out.ok());
  const std::vector<double>& lead = out->leads_mv[0];
  const int64_t half_window = 18;  // 50 ms
  ASSERT_FALSE(out->r_peaks.empty());
  for (int64_t peak : out->r_peaks) {
    const int64_t lo = std::max<int64_t>(0, peak - half_window);
    const int64_t hi = std::min<int64_t>(static_cast<int64_t>(lead.size()) - 1,
                                         peak + half_window);
    int64_t best = lo;
    for (int64_t i = lo; i <= hi; ++i) {
      if (lead[static_cast<size_t>(i)] > lead[static_cast<size_t>(best)])
        best = i;
    }
    EXPECT_LE(std::abs(best - peak), 2) << "R peak at sample " << peak;
  }
  // Peaks are strictly increasing and inside the record.
  for (size_t i = 1; i < out->r_peaks.size(); ++i) {
    EXPECT_LT(out->r_peaks[i - 1], out->r_peaks[i]);
  }
  EXPECT_GE(out->r_peaks.front(), 0);
  EXPECT_LT(out->r_peaks.back(), static_cast<int64_t>(lead.size()));
}

TEST(EcgSynTest, WaveAmplitudesArePlausible) {
  for (double hr : {60.0, 120.0}) {
    EcgSynOptions o = FiveMinutes();
    o.heart_rate_mean_bpm = hr;
    o.noise_std_mv = 0.0;
    o.baseline_wander_mv = 0.0;
    Result<EcgSynOutput> out = GenerateEcgSyn(o);
    ASSERT_TRUE(out.ok());
    const std::vector<double>& ml2 = out->leads_mv[0];
    const std::vector<double>& v2 = out->leads_mv[1];
    const int rate = 360;
    std::vector<double> r, s, t, p, v2_r, v2_s;
    for (int64_t peak : out->r_peaks) {
      const int64_t from = peak - rate / 4, to = peak + rate * 2 / 5;
      if (from < 0 || to >= static_cast<int64_t>(ml2.size())) continue;
      auto at = [&](const std::vector<double>& x, int64_t a, int64_t b,
                    bool max) {
        double v = x[static_cast<size_t>(a)];
        for (int64_t i = a; i <= b; ++i) {
          v = max ? std::max(v, x[static_cast<size_t>(i)])
                  : std::min(v, x[static_cast<size_t>(i)]);
        }
        return v;
      };
      r.push_back(ml2[static_cast<size_t>(peak)]);
      s.push_back(at(ml2, peak, peak + rate / 20, false));
      p.push_back(at(ml2, peak - rate / 4, peak - rate / 20, true));
      t.push_back(at(ml2, peak + rate / 10, peak + rate * 2 / 5, true));
      v2_r.push_back(at(v2, peak - rate / 50, peak + rate / 50, true));
      v2_s.push_back(at(v2, peak, peak + rate / 20, false));
    }
    ASSERT_GT(r.size(), 100u);
    EXPECT_NEAR(Median(r), 1.0, 0.15) << "R, hr " << hr;
    EXPECT_LT(Median(s), -0.05) << "S, hr " << hr;
    EXPECT_GT(Median(s), -0.5) << "S, hr " << hr;
    EXPECT_GT(Median(p), 0.08) << "P, hr " << hr;
    EXPECT_LT(Median(p), 0.45) << "P, hr " << hr;
    EXPECT_GT(Median(t), 0.15) << "T, hr " << hr;
    EXPECT_LT(Median(t), 0.7) << "T, hr " << hr;
    // V2: small r, deep S.
    EXPECT_LT(Median(v2_s), -0.7) << "V2 S, hr " << hr;
    EXPECT_LT(Median(v2_r), 0.7) << "V2 r, hr " << hr;
    // No wild values anywhere.
    for (double v : ml2) ASSERT_LT(std::abs(v), 2.0);
  }
}

TEST(EcgSynTest, DeterministicForASeed) {
  EcgSynOptions o = FiveMinutes();
  o.duration = Duration::Seconds(60);
  Result<EcgSynOutput> a = GenerateEcgSyn(o);
  Result<EcgSynOutput> b = GenerateEcgSyn(o);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->leads_mv, b->leads_mv);  // bitwise equal doubles
  EXPECT_EQ(a->r_peaks, b->r_peaks);
  o.seed = 8;
  Result<EcgSynOutput> c = GenerateEcgSyn(o);
  ASSERT_TRUE(c.ok());
  EXPECT_NE(a->leads_mv, c->leads_mv);
  EXPECT_NE(a->r_peaks, c->r_peaks);
}

TEST(EcgSynTest, GoldenRPeaksForSeed7) {
  // Pins the output across compilers and machines: a change here means that
  // every synthetic example file changes too.
  EcgSynOptions o = FiveMinutes();
  o.duration = Duration::Seconds(60);
  Result<EcgSynOutput> out = GenerateEcgSyn(o);
  ASSERT_TRUE(out.ok());
  ASSERT_GE(out->r_peaks.size(), 10u);
  const std::vector<int64_t> first(out->r_peaks.begin(),
                                   out->r_peaks.begin() + 10);
  EXPECT_EQ(first, (std::vector<int64_t>{126, 408, 708, 1027, 1340, 1634, 1924,
                                         2231, 2548, 2850}));
}

TEST(EcgSynTest, StreamingByBlocksMatchesWholeRun) {
  EcgSynOptions o = FiveMinutes();
  o.duration = Duration::Seconds(45);
  Result<EcgSynOutput> whole = GenerateEcgSyn(o);
  ASSERT_TRUE(whole.ok());
  for (int64_t block_size : {1, 97, 1000}) {
    Result<EcgSynGenerator> gen = EcgSynGenerator::Create(o);
    ASSERT_TRUE(gen.ok());
    EXPECT_EQ(gen->total_samples(), 45 * 360);
    std::vector<std::vector<double>> leads(2);
    std::vector<int64_t> peaks;
    EcgBlock block;
    int64_t expected_first = 0;
    while (gen->Next(block_size, &block) > 0) {
      EXPECT_EQ(block.first_sample, expected_first);
      expected_first += static_cast<int64_t>(block.leads_mv[0].size());
      for (int64_t p : block.r_peaks) {
        EXPECT_GE(p, block.first_sample);
        EXPECT_LT(p, expected_first);
      }
      for (size_t l = 0; l < 2; ++l) {
        leads[l].insert(leads[l].end(), block.leads_mv[l].begin(),
                        block.leads_mv[l].end());
      }
      peaks.insert(peaks.end(), block.r_peaks.begin(), block.r_peaks.end());
    }
    EXPECT_TRUE(gen->done());
    EXPECT_EQ(gen->Next(10, &block), 0);
    EXPECT_EQ(leads, whole->leads_mv) << "block size " << block_size;
    EXPECT_EQ(peaks, whole->r_peaks) << "block size " << block_size;
  }
}

TEST(EcgSynTest, TwelveLeadsFollowEinthoven) {
  EcgSynOptions o;
  o.leads = StandardTwelveLeads();
  o.sample_rate_hz = 500;
  o.internal_rate_factor = 2;
  o.duration = Duration::Seconds(20);
  o.baseline_wander_mv = 0.0;  // added per lead, so it would not cancel
  Result<EcgSynOutput> out = GenerateEcgSyn(o);
  ASSERT_TRUE(out.ok());
  ASSERT_EQ(out->leads_mv.size(), 12u);
  EXPECT_EQ(out->labels[3], "aVR");
  const auto& l = out->leads_mv;
  for (size_t i = 0; i < l[0].size(); ++i) {
    ASSERT_NEAR(l[2][i], l[1][i] - l[0][i], 1e-9);           // III = II - I
    ASSERT_NEAR(l[3][i], -(l[0][i] + l[1][i]) / 2.0, 1e-9);  // aVR
  }
  // aVR is mostly negative at the R peaks; V6 positive.
  for (int64_t p : out->r_peaks) {
    EXPECT_LT(l[3][static_cast<size_t>(p)], -0.3);
    EXPECT_GT(l[11][static_cast<size_t>(p)], 0.5);
  }
}

TEST(EcgSynTest, StandardLeadNames) {
  EXPECT_TRUE(StandardEcgLead("V4").ok());
  Result<EcgLead> bad = StandardEcgLead("V7");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("V7"), std::string::npos);
  EXPECT_EQ(StandardEcgLead("II")->a, EcgLead{}.a);
}

TEST(EcgSynTest, RejectsBadOptions) {
  auto rejects = [](auto mutate, const char* field) {
    EcgSynOptions o;
    mutate(o);
    Status s = ValidateEcgSynOptions(o);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << field;
    EXPECT_NE(s.message().find(field), std::string::npos) << s.message();
    EXPECT_FALSE(EcgSynGenerator::Create(o).ok()) << field;
  };
  rejects([](EcgSynOptions& o) { o.heart_rate_mean_bpm = 0; },
          "heart_rate_mean_bpm");
  rejects([](EcgSynOptions& o) { o.heart_rate_mean_bpm = NAN; },
          "heart_rate_mean_bpm");
  rejects([](EcgSynOptions& o) { o.heart_rate_std_bpm = 30; },
          "heart_rate_std_bpm");
  rejects([](EcgSynOptions& o) { o.lf_hf_ratio = -1; }, "lf_hf_ratio");
  rejects([](EcgSynOptions& o) { o.sample_rate_hz = 0; }, "sample_rate_hz");
  rejects([](EcgSynOptions& o) { o.internal_rate_factor = 0; },
          "internal_rate_factor");
  rejects([](EcgSynOptions& o) { o.duration = Duration{}; }, "duration");
  rejects([](EcgSynOptions& o) { o.duration = Duration::Days(8); }, "duration");
  rejects([](EcgSynOptions& o) { o.noise_std_mv = INFINITY; }, "noise_std_mv");
  rejects([](EcgSynOptions& o) { o.leads.clear(); }, "leads");
  rejects([](EcgSynOptions& o) { o.leads[0].a = {}; }, "leads[0].a");
  rejects([](EcgSynOptions& o) { o.timing.width_rad[2] = 0; }, "width_rad[2]");
  EXPECT_TRUE(ValidateEcgSynOptions(EcgSynOptions{}).ok());
}

}  // namespace
}  // namespace jumeau::synth
