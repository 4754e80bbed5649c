// Tests of the QRS detector on synthetic ECGs built here (Gaussian P, QRS and
// T waves on a wandering baseline with noise) at 125-1000 Hz and both
// polarities, plus the streaming interface and argument checks.
#include "jumeau/analysis/qrs.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "jumeau/analysis/beat_match.h"

namespace jumeau::analysis {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kScale = 0.005;  // mV per digital unit (gain 200/mV)

struct Synthetic {
  std::vector<int32_t> samples;
  std::vector<double> beat_seconds;  // true R-peak times
};

// A deterministic pseudo-random number in [-1, 1).
double Noise(uint64_t& state) {
  state = state * 6364136223846793005ULL + 1442695040888963407ULL;
  return static_cast<double>(state >> 11) / 4503599627370496.0 - 1.0;
}

// `seconds` of ECG at `fs` Hz: RR alternating around 0.8 s, R wave 1.2 mV
// (sigma 10 ms), P 0.15 mV 160 ms before, T 0.35 mV 280 ms after (sigma
// 40 ms), 0.4 mV baseline wander at 0.3 Hz, +-0.02 mV noise. `polarity`
// -1 flips the whole trace.
Synthetic MakeEcg(double fs, double seconds, double polarity) {
  Synthetic s;
  const int64_t n = static_cast<int64_t>(seconds * fs);
  std::vector<double> mv(n, 0.0);
  const double rr[] = {0.80, 0.74, 0.86, 0.78, 0.83};
  int k = 0;
  for (double t = 0.5; t < seconds - 0.5; t += rr[k++ % 5]) {
    s.beat_seconds.push_back(t);
  }
  auto add_wave = [&](double center, double sigma, double amplitude) {
    const int64_t lo = std::max<int64_t>(0, (center - 5 * sigma) * fs);
    const int64_t hi = std::min<int64_t>(n - 1, (center + 5 * sigma) * fs);
    for (int64_t i = lo; i <= hi; ++i) {
      const double z = (i / fs - center) / sigma;
      mv[i] += amplitude * std::exp(-0.5 * z * z);
    }
  };
  for (double t : s.beat_seconds) {
    add_wave(t - 0.16, 0.025, 0.15);
    add_wave(t - 0.02, 0.006, -0.15);  // Q
    add_wave(t, 0.010, 1.2);
    add_wave(t + 0.025, 0.008, -0.25);  // S
    add_wave(t + 0.28, 0.040, 0.35);
  }
  uint64_t state = 42;
  s.samples.resize(n);
  for (int64_t i = 0; i < n; ++i) {
    const double v = polarity * mv[i] + 0.4 * std::sin(2 * kPi * 0.3 * i / fs) +
                     0.02 * Noise(state);
    s.samples[i] = static_cast<int32_t>(std::lround(v / kScale)) + 1024;
  }
  return s;
}

// Scores `beats` (sample indices at `fs`) against the truth, 50 ms window.
BeatMatchResult Score(const Synthetic& ecg, const std::vector<int64_t>& beats,
                      double fs) {
  std::vector<Time> truth, found;
  for (double t : ecg.beat_seconds) {
    truth.push_back(Time{0} + Duration::Nanoseconds(std::llround(t * 1e9)));
  }
  for (int64_t i : beats) {
    found.push_back(Time{0} +
                    Duration::Nanoseconds(std::llround(i / fs * 1e9)));
  }
  BeatMatchOptions o;
  o.learning_period = Duration{};
  o.match_window = Duration::Milliseconds(50);
  return MatchBeats(truth, found, o);
}

class QrsRateTest : public ::testing::TestWithParam<std::tuple<int, int>> {};

TEST_P(QrsRateTest, FindsEveryBeatAndNothingElse) {
  const auto [rate_hz, polarity] = GetParam();
  const double fs = rate_hz;
  Synthetic ecg = MakeEcg(fs, 60.0, polarity);
  Result<QrsResult> r = DetectQrs(ecg.samples, kScale, SampleRate(rate_hz, 1));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  BeatMatchResult m = Score(ecg, r->beats, fs);
  EXPECT_EQ(m.false_negatives, 0);
  EXPECT_EQ(m.false_positives, 0);
  EXPECT_EQ(m.true_positives, static_cast<int64_t>(ecg.beat_seconds.size()));
  // The fiducial is the R (or, flipped, the QS) peak: within 2 samples + 4 ms.
  for (const auto& [ref, det] : m.matches) {
    EXPECT_NEAR(r->beats[det] / fs, ecg.beat_seconds[ref], 2.0 / fs + 0.004);
  }
  EXPECT_TRUE(r->noisy.empty());
}

INSTANTIATE_TEST_SUITE_P(RatesAndPolarities, QrsRateTest,
                         ::testing::Combine(::testing::Values(125, 250, 360,
                                                              500, 1000),
                                            ::testing::Values(1, -1)));

TEST(QrsTest, StreamingGivesTheSameBeatsWhateverTheBlockSize) {
  Synthetic ecg = MakeEcg(360, 40.0, 1);
  Result<QrsResult> whole = DetectQrs(ecg.samples, kScale, SampleRate(360, 1));
  ASSERT_TRUE(whole.ok());
  for (size_t block : {size_t{1}, size_t{7}, size_t{1000}, size_t{5000}}) {
    const double scale = kScale;
    auto det = QrsDetector::Create(SampleRate(360, 1),
                                   std::span<const double>(&scale, 1));
    ASSERT_TRUE(det.ok());
    std::vector<int64_t> beats;
    for (size_t i = 0; i < ecg.samples.size(); i += block) {
      const size_t len = std::min(block, ecg.samples.size() - i);
      const std::span<const int32_t> lead[1] = {
          std::span<const int32_t>(ecg.samples).subspan(i, len)};
      ASSERT_TRUE((*det)->Push(lead).ok());
      QrsResult part = (*det)->Take();
      beats.insert(beats.end(), part.beats.begin(), part.beats.end());
    }
    (*det)->Finish();
    QrsResult rest = (*det)->Take();
    beats.insert(beats.end(), rest.beats.begin(), rest.beats.end());
    EXPECT_EQ(beats, whole->beats) << "block " << block;
    EXPECT_EQ((*det)->samples_seen(), static_cast<int64_t>(ecg.samples.size()));
  }
}

TEST(QrsTest, SecondLeadCoversAFlatFirstLead) {
  Synthetic ecg = MakeEcg(250, 60.0, 1);
  std::vector<int32_t> first = ecg.samples;
  // The first lead goes flat (electrode off) from 20 s to 35 s.
  for (int64_t i = 20 * 250; i < 35 * 250; ++i) first[i] = 0;
  const QrsLead both[2] = {{first, kScale}, {ecg.samples, kScale}};
  Result<QrsResult> one = DetectQrs(first, kScale, SampleRate(250, 1));
  Result<QrsResult> two = DetectQrs(both, SampleRate(250, 1));
  ASSERT_TRUE(one.ok());
  ASSERT_TRUE(two.ok());
  BeatMatchResult m1 = Score(ecg, one->beats, 250);
  BeatMatchResult m2 = Score(ecg, two->beats, 250);
  EXPECT_GT(m1.false_negatives, 10);
  EXPECT_LE(m2.false_negatives, 2);  // beats at the edges of the step
  EXPECT_LE(m2.false_positives, 2);
}

TEST(QrsTest, NoiseBurstIsFlagged) {
  Synthetic ecg = MakeEcg(360, 60.0, 1);
  uint64_t state = 7;
  // 8 s of large muscle-like noise from 30 s.
  for (int64_t i = 30 * 360; i < 38 * 360; ++i) {
    ecg.samples[i] += static_cast<int32_t>(Noise(state) * 0.8 / kScale);
  }
  Result<QrsResult> r = DetectQrs(ecg.samples, kScale, SampleRate(360, 1));
  ASSERT_TRUE(r.ok());
  ASSERT_FALSE(r->noisy.empty());
  bool overlaps = false;
  for (const NoisySegment& seg : r->noisy) {
    EXPECT_LT(seg.begin, seg.end);
    if (seg.begin < 38 * 360 && seg.end > 30 * 360) overlaps = true;
    EXPECT_GT(seg.end, 25 * 360) << "clean part flagged";
  }
  EXPECT_TRUE(overlaps);
}

TEST(QrsTest, ShortAndEmptySignals) {
  std::vector<int32_t> none;
  Result<QrsResult> r = DetectQrs(none, kScale, SampleRate(360, 1));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->beats.empty());
  std::vector<int32_t> flat(3600, 5);
  r = DetectQrs(flat, kScale, SampleRate(360, 1));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->beats.empty());
}

TEST(QrsTest, RejectsBadArguments) {
  std::vector<int32_t> x(1000, 0);
  EXPECT_EQ(DetectQrs(x, kScale, SampleRate(50, 1)).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(DetectQrs(x, kScale, SampleRate(4000, 1)).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(DetectQrs(x, 0.0, SampleRate(360, 1)).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(DetectQrs(x, std::nan(""), SampleRate(360, 1)).status().code(),
            StatusCode::kInvalidArgument);
  std::vector<int32_t> y(999, 0);
  const QrsLead leads[2] = {{x, kScale}, {y, kScale}};
  EXPECT_EQ(DetectQrs(leads, SampleRate(360, 1)).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(
      DetectQrs(std::span<const QrsLead>(), SampleRate(360, 1)).status().code(),
      StatusCode::kInvalidArgument);
  const double scale = kScale;
  auto det = QrsDetector::Create(SampleRate(360, 1),
                                 std::span<const double>(&scale, 1));
  ASSERT_TRUE(det.ok());
  const std::span<const int32_t> two[2] = {x, x};
  EXPECT_EQ((*det)->Push(two).code(), StatusCode::kInvalidArgument);
  (*det)->Finish();
  const std::span<const int32_t> one[1] = {x};
  EXPECT_EQ((*det)->Push(one).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace jumeau::analysis
