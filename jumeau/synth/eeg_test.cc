// Tests of the synthetic EEG (jumeau/synth/eeg.h): alpha blocking with eyes
// open, occipital alpha topography, 1/f background, spatial correlation,
// blinks, segments and determinism.
#include "jumeau/synth/eeg.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <string>
#include <vector>

namespace jumeau::synth {
namespace {

size_t IndexOf(const EegOutput& out, const std::string& name) {
  auto it = std::find(out.channels.begin(), out.channels.end(), name);
  EXPECT_NE(it, out.channels.end()) << name;
  return static_cast<size_t>(it - out.channels.begin());
}

// Mean periodogram power per Hz of x[from, to) over [f_lo, f_hi) Hz (mean
// removed, direct DFT).
double BandPower(const std::vector<double>& x, size_t from, size_t to,
                 double rate_hz, double f_lo, double f_hi) {
  const size_t n = to - from;
  double mean = 0.0;
  for (size_t i = from; i < to; ++i) mean += x[i];
  mean /= static_cast<double>(n);
  double power = 0.0;
  int bins = 0;
  for (size_t k = 1; k < n / 2; ++k) {
    const double f = static_cast<double>(k) * rate_hz / static_cast<double>(n);
    if (f < f_lo || f >= f_hi) continue;
    std::complex<double> sum = 0.0;
    const double w = -2.0 * std::numbers::pi * static_cast<double>(k) /
                     static_cast<double>(n);
    for (size_t i = 0; i < n; ++i) {
      sum += (x[from + i] - mean) * std::polar(1.0, w * static_cast<double>(i));
    }
    power += std::norm(sum);
    ++bins;
  }
  return power / std::max(bins, 1);
}

// Mean alpha (8-12 Hz) power of a channel over the eyes-closed or eyes-open
// segments, skipping the first 2 s of each (the transition).
double AlphaPower(const EegOutput& out, size_t channel, bool eyes_closed) {
  const double fs = out.sample_rate_hz;
  double total = 0.0;
  int count = 0;
  for (const EegSegment& s : out.segments) {
    if (s.eyes_closed != eyes_closed) continue;
    const size_t from = static_cast<size_t>((s.onset.seconds() + 2.0) * fs);
    const size_t to =
        static_cast<size_t>((s.onset + s.duration).seconds() * fs);
    if (to <= from + static_cast<size_t>(4 * fs)) continue;
    total += BandPower(out.samples_uv[channel], from, to, fs, 8.0, 12.0);
    ++count;
  }
  return total / count;
}

double Correlation(const std::vector<double>& a, const std::vector<double>& b) {
  double ma = 0, mb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    ma += a[i];
    mb += b[i];
  }
  ma /= a.size();
  mb /= b.size();
  double sab = 0, saa = 0, sbb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return sab / std::sqrt(saa * sbb);
}

EegOptions ShortOptions() {
  EegOptions o;
  o.duration = Duration::Minutes(4);
  o.segment_duration = Duration::Seconds(20);
  o.seed = 5;
  return o;
}

TEST(EegTest, AlphaAtO1IsBlockedWithEyesOpen) {
  Result<EegOutput> out = GenerateEeg(ShortOptions());
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  const size_t o1 = IndexOf(*out, "O1");
  const double closed = AlphaPower(*out, o1, true);
  const double open = AlphaPower(*out, o1, false);
  EXPECT_GT(closed, 5.0 * open) << "closed " << closed << " open " << open;
  // Outside the alpha band the eyes make little difference (blinks are
  // frontal): 20-30 Hz power at O1 within a factor 1.5.
  const double fs = out->sample_rate_hz;
  double beta_closed = 0, beta_open = 0;
  for (const EegSegment& s : out->segments) {
    const size_t from = static_cast<size_t>((s.onset.seconds() + 2.0) * fs);
    const size_t to =
        static_cast<size_t>((s.onset + s.duration).seconds() * fs);
    (s.eyes_closed ? beta_closed : beta_open) +=
        BandPower(out->samples_uv[o1], from, to, fs, 20.0, 30.0);
  }
  EXPECT_LT(beta_closed / beta_open, 1.5);
  EXPECT_GT(beta_closed / beta_open, 1 / 1.5);
}

TEST(EegTest, AlphaIsStrongestOccipital) {
  Result<EegOutput> out = GenerateEeg(ShortOptions());
  ASSERT_TRUE(out.ok());
  const double o1 = AlphaPower(*out, IndexOf(*out, "O1"), true);
  const double o2 = AlphaPower(*out, IndexOf(*out, "O2"), true);
  const double pz = AlphaPower(*out, IndexOf(*out, "Pz"), true);
  const double fz = AlphaPower(*out, IndexOf(*out, "Fz"), true);
  EXPECT_GT(o1, pz);
  EXPECT_GT(o2, pz);
  EXPECT_GT(pz, fz);
  EXPECT_GT(o1, 5.0 * fz);
}

TEST(EegTest, BackgroundIsPinkWithTheRequestedLevel) {
  EegOptions o = ShortOptions();
  o.alpha_rms_uv = 0.0;
  o.blinks_per_minute = 0.0;
  Result<EegOutput> out = GenerateEeg(o);
  ASSERT_TRUE(out.ok());
  const std::vector<double>& cz = out->samples_uv[IndexOf(*out, "Cz")];
  double sum2 = 0;
  for (double v : cz) sum2 += v * v;
  const double rms = std::sqrt(sum2 / cz.size());
  EXPECT_NEAR(rms, 15.0, 4.0);
  // 1/f: power density at 2-4 Hz is ~10x that at 20-40 Hz (ratio of centres
  // 3 vs 30 Hz), a little more with the 40 Hz roll-off.
  const double low = BandPower(cz, 0, 60 * 256, 256, 2.0, 4.0);
  const double high = BandPower(cz, 0, 60 * 256, 256, 20.0, 40.0);
  EXPECT_GT(low / high, 5.0);
  EXPECT_LT(low / high, 25.0);
  // Roll-off: 80-100 Hz is far below the 1/f line (x 80/3 from 2-4 Hz).
  const double top = BandPower(cz, 0, 60 * 256, 256, 80.0, 100.0);
  EXPECT_GT(low / top, 3.0 * 30.0);
}

TEST(EegTest, NeighbouringChannelsCorrelate) {
  EegOptions o = ShortOptions();
  o.blinks_per_minute = 0.0;
  Result<EegOutput> out = GenerateEeg(o);
  ASSERT_TRUE(out.ok());
  const auto& s = out->samples_uv;
  const double near =
      Correlation(s[IndexOf(*out, "C3")], s[IndexOf(*out, "Cz")]);
  const double far =
      Correlation(s[IndexOf(*out, "Fp1")], s[IndexOf(*out, "O2")]);
  EXPECT_GT(near, 0.3);
  EXPECT_LT(std::abs(far), 0.15);
  o.spatial_length = 0.0;
  o.alpha_rms_uv = 0.0;
  Result<EegOutput> independent = GenerateEeg(o);
  ASSERT_TRUE(independent.ok());
  EXPECT_LT(std::abs(Correlation(independent->samples_uv[IndexOf(*out, "C3")],
                                 independent->samples_uv[IndexOf(*out, "Cz")])),
            0.1);
}

TEST(EegTest, BlinksAreFrontalAndOnlyWithEyesOpen) {
  Result<EegOutput> out = GenerateEeg(ShortOptions());
  ASSERT_TRUE(out.ok());
  ASSERT_GT(out->blinks.size(), 10u);  // ~12/min over 2 min of eyes open
  const std::vector<double>& fp1 = out->samples_uv[IndexOf(*out, "Fp1")];
  for (Duration b : out->blinks) {
    bool in_open = false;
    for (const EegSegment& s : out->segments) {
      if (b >= s.onset && b < s.onset + s.duration) in_open = !s.eyes_closed;
    }
    EXPECT_TRUE(in_open) << FormatOffset(b);
    const size_t i = static_cast<size_t>(b.seconds() * 256);
    EXPECT_GT(fp1[i], 70.0) << "Fp1 at blink " << FormatOffset(b);
  }
}

TEST(EegTest, SegmentsAlternateAndCoverTheRecording) {
  EegOptions o = ShortOptions();
  o.duration = Duration::Seconds(50);
  Result<EegOutput> out = GenerateEeg(o);
  ASSERT_TRUE(out.ok());
  ASSERT_EQ(out->segments.size(), 3u);
  EXPECT_EQ(out->segments[0].text, "eyes open");
  EXPECT_FALSE(out->segments[0].eyes_closed);
  EXPECT_EQ(out->segments[1].text, "eyes closed");
  EXPECT_TRUE(out->segments[1].eyes_closed);
  EXPECT_EQ(out->segments[2].onset, Duration::Seconds(40));
  EXPECT_EQ(out->segments[2].duration, Duration::Seconds(10));
  EXPECT_EQ(out->channels, Standard1020Channels());
  ASSERT_EQ(out->samples_uv.size(), 19u);
  for (const auto& c : out->samples_uv) EXPECT_EQ(c.size(), 50u * 256u);
}

TEST(EegTest, DeterministicForASeed) {
  EegOptions o = ShortOptions();
  o.duration = Duration::Seconds(40);
  o.channels = {"Fz", "Cz", "Pz", "O1", "O2"};
  o.sample_rate_hz = 512;
  Result<EegOutput> a = GenerateEeg(o);
  Result<EegOutput> b = GenerateEeg(o);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->samples_uv, b->samples_uv);
  EXPECT_EQ(a->blinks, b->blinks);
  o.seed = 6;
  Result<EegOutput> c = GenerateEeg(o);
  ASSERT_TRUE(c.ok());
  EXPECT_NE(a->samples_uv, c->samples_uv);
}

TEST(EegTest, RejectsBadOptions) {
  auto rejects = [](auto mutate, const char* field) {
    EegOptions o;
    mutate(o);
    Result<EegOutput> out = GenerateEeg(o);
    ASSERT_FALSE(out.ok()) << field;
    EXPECT_EQ(out.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(out.status().message().find(field), std::string::npos)
        << out.status().message();
  };
  rejects([](EegOptions& o) { o.channels = {"Xx"}; }, "channels");
  rejects([](EegOptions& o) { o.channels = {"O1", "O1"}; }, "channels");
  rejects([](EegOptions& o) { o.channels.clear(); }, "channels");
  rejects([](EegOptions& o) { o.sample_rate_hz = 10; }, "sample_rate_hz");
  rejects([](EegOptions& o) { o.duration = Duration::Seconds(-1); },
          "duration");
  rejects(
      [](EegOptions& o) {
        o.duration = Duration::Hours(24);
        o.sample_rate_hz = 4096;
      },
      "duration");  // 354M samples per channel: too much memory
  rejects([](EegOptions& o) { o.segment_duration = Duration{}; },
          "segment_duration");
  rejects([](EegOptions& o) { o.alpha_hz = 30; }, "alpha_hz");
  rejects([](EegOptions& o) { o.background_rms_uv = NAN; },
          "background_rms_uv");
  rejects([](EegOptions& o) { o.alpha_transition = Duration::Minutes(1); },
          "alpha_transition");
  EXPECT_TRUE(ValidateEegOptions(EegOptions{}).ok());
  EXPECT_TRUE(IsKnownEegChannel("T3"));
  EXPECT_FALSE(IsKnownEegChannel("fp1"));
}

}  // namespace
}  // namespace jumeau::synth
