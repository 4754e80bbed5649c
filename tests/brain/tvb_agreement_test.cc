// Agreement of the brain network engine (jumeau/models/brain/) with The
// Virtual Brain on the same configurations: the reference outputs in
// shared/data/reference/tvb/ (README.md there gives every parameter), run on
// TVB's 76-region connectome read by jumeau/io/connectome.
//   Jansen-Rit, linear coupling, deterministic Heun: per-region peak
//     frequency within 0.5 Hz of TVB's (and the time series close);
//   Jansen-Rit, TVB demo (sigmoidal coupling): the same regions oscillate,
//     at the same frequency;
//   Jansen-Rit with noise: the same statistical regime;
//   Epileptor, x0 = -1.6 in rAMYG/rHC/rPHC and -2.4 elsewhere: the same
//     seizing regions and onsets (default coupling, and Ks = -2 recruitment).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <numbers>
#include <sstream>
#include <string>
#include <vector>

#include "jumeau/io/connectome.h"
#include "jumeau/models/brain/network.h"
#include "jumeau/testing/test_data.h"

namespace jumeau {
namespace {

using models::brain::Connectivity;
using models::brain::CouplingKind;
using models::brain::NetworkConfig;
using models::brain::NeuralMassKind;

constexpr char kReference[] = "reference/tvb";
constexpr char kConnectome[] = "connectome/connectivity_76";

Connectivity ToConnectivity(const io::Connectome& c) {
  return {c.labels, c.weights, c.tract_lengths_mm, c.centres_mm};
}

std::vector<float> ReadF32(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::vector<float> v;
  float f;
  while (in.read(reinterpret_cast<char*>(&f), sizeof f)) v.push_back(f);
  return v;
}

// Rows of a CSV as maps column -> text.
std::vector<std::map<std::string, std::string>> ReadCsv(
    const std::filesystem::path& p) {
  std::ifstream in(p);
  std::string line;
  std::getline(in, line);
  std::vector<std::string> header;
  {
    std::stringstream ss(line);
    std::string f;
    while (std::getline(ss, f, ',')) header.push_back(f);
  }
  std::vector<std::map<std::string, std::string>> rows;
  while (std::getline(in, line)) {
    std::stringstream ss(line);
    std::string f;
    std::map<std::string, std::string> row;
    for (std::size_t k = 0; k < header.size(); ++k) {
      if (!std::getline(ss, f, ',')) f.clear();
      row[header[k]] = f;
    }
    rows.push_back(row);
  }
  return rows;
}

// The README's spectral peak: mean removed, Hann window (numpy.hanning),
// power maximum over 1-100 Hz on a fine grid (0.005 Hz around the best 0.25
// Hz bin), sampled at 1 kHz.
double PeakHz(const std::vector<double>& x) {
  const int n = static_cast<int>(x.size());
  double mean = 0;
  for (double v : x) mean += v;
  mean /= n;
  std::vector<double> w(n);
  for (int i = 0; i < n; ++i)
    w[i] = (x[i] - mean) *
           (0.5 - 0.5 * std::cos(2 * std::numbers::pi * i / (n - 1)));
  const auto power = [&](double f) {
    double re = 0, im = 0;
    const double step = 2 * std::numbers::pi * f / 1000.0;
    for (int i = 0; i < n; ++i) {
      re += w[i] * std::cos(step * i);
      im += w[i] * std::sin(step * i);
    }
    return re * re + im * im;
  };
  double best_f = 1, best_p = -1;
  for (double f = 1; f <= 100; f += 0.25) {
    const double p = power(f);
    if (p > best_p) best_p = p, best_f = f;
  }
  const double lo = std::max(1.0, best_f - 0.5),
               hi = std::min(100.0, best_f + 0.5);
  for (double f = lo; f <= hi; f += 0.005) {
    const double p = power(f);
    if (p > best_p) best_p = p, best_f = f;
  }
  return best_f;
}

// Region r's series of observable 0 over samples [from, to).
std::vector<double> Series(const models::brain::NetworkTrace& t, int r,
                           int from, int to) {
  std::vector<double> v;
  for (int k = from; k < to; ++k) v.push_back(t.at(0, k, r));
  return v;
}

Result<Connectivity> LoadConnectome(const std::filesystem::path& dir) {
  JUMEAU_ASSIGN_OR_RETURN(auto c, io::ReadConnectome(dir));
  return ToConnectivity(c);
}

NetworkConfig JansenRitLinear() {
  NetworkConfig cfg;
  cfg.model = NeuralMassKind::kJansenRit;
  cfg.coupling.kind = CouplingKind::kLinear;
  cfg.coupling.a = 1e-4;
  cfg.coupling.b = 0;
  cfg.speed_mm_per_ms = 3.0;
  cfg.dt_ms = 0.0625;
  cfg.duration_ms = 2000;
  return cfg;
}

NetworkConfig JansenRitDemo() {
  NetworkConfig cfg = JansenRitLinear();
  cfg.jansen_rit.mu = 0.0;
  cfg.jansen_rit.v0 = 6.0;
  cfg.coupling.kind = CouplingKind::kSigmoidalJansenRit;
  cfg.coupling.a = 10;
  cfg.coupling.cmin = 0;
  cfg.coupling.cmax = 0.005;
  cfg.coupling.midpoint = 6;
  cfg.coupling.r = 0.56;
  return cfg;
}

TEST(TvbAgreement, JansenRitLinearDeterministicPeaksWithinHalfHertz) {
  JUMEAU_REQUIRE_TEST_DATA(ref, kReference);
  JUMEAU_REQUIRE_TEST_DATA(dir, kConnectome);
  auto conn = LoadConnectome(dir);
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  auto trace = models::brain::SimulateNetwork(*conn, JansenRitLinear());
  ASSERT_TRUE(trace.ok()) << trace.status().ToString();
  ASSERT_EQ(trace->samples, 2000);
  // TVB's horizon, 819 steps, is over all tract lengths; over the edges
  // with a non-zero weight (the only ones that couple) it is 738.
  EXPECT_EQ(trace->max_delay_steps, 738);

  const std::vector<float> tvb = ReadF32(ref / "jr_linear_det_y1_minus_y2.f32");
  ASSERT_EQ(tvb.size(), 2000u * 76);
  double max_diff = 0;
  for (std::size_t k = 0; k < tvb.size(); ++k)
    max_diff = std::max(max_diff, std::abs(trace->values[0][k] - tvb[k]));
  std::printf(
      "JR linear det: max |ours - TVB| over 2 s x 76 regions = %.3g mV\n",
      max_diff);
  // The same equations and integrator: the time series agree closely (TVB's
  // own sensitivity to halving dt is 0.011 mV).
  EXPECT_LT(max_diff, 0.05);

  const auto rows = ReadCsv(ref / "jr_linear_det_spectral_peaks.csv");
  ASSERT_EQ(rows.size(), 76u);
  double worst = 0;
  std::vector<double> ours;
  for (int r = 0; r < 76; ++r) {
    const double f = PeakHz(Series(*trace, r, 1000, 2000));
    const double ref_f = std::stod(rows[r].at("peak_hz"));
    worst = std::max(worst, std::abs(f - ref_f));
    EXPECT_NEAR(f, ref_f, 0.5) << rows[r].at("label");
    ours.push_back(f);
  }
  std::sort(ours.begin(), ours.end());
  std::printf(
      "JR linear det: median peak %.3f Hz (TVB 10.87), worst |diff| %.4f Hz\n",
      ours[38], worst);
}

TEST(TvbAgreement, JansenRitDemoSigmoidalSameOscillatingRegions) {
  JUMEAU_REQUIRE_TEST_DATA(ref, kReference);
  JUMEAU_REQUIRE_TEST_DATA(dir, kConnectome);
  auto conn = LoadConnectome(dir);
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  auto trace = models::brain::SimulateNetwork(*conn, JansenRitDemo());
  ASSERT_TRUE(trace.ok()) << trace.status().ToString();
  const auto rows = ReadCsv(ref / "jr_demo_det_spectral_peaks.csv");
  int agree = 0, oscillating = 0;
  for (int r = 0; r < 76; ++r) {
    const auto s = Series(*trace, r, 1000, 2000);
    const auto [lo, hi] = std::minmax_element(s.begin(), s.end());
    const bool osc = *hi - *lo > 0.001;
    const bool ref_osc = !rows[r].at("peak_hz").empty();
    oscillating += osc;
    agree += osc == ref_osc;
    if (osc && ref_osc) {
      EXPECT_NEAR(PeakHz(s), std::stod(rows[r].at("peak_hz")), 0.5)
          << rows[r].at("label");
    }
  }
  std::printf("JR demo det: %d oscillating regions (TVB 46), %d/76 agree\n",
              oscillating, agree);
  EXPECT_EQ(agree, 76);
}

TEST(TvbAgreement, JansenRitStochasticSameRegime) {
  JUMEAU_REQUIRE_TEST_DATA(ref, kReference);
  JUMEAU_REQUIRE_TEST_DATA(dir, kConnectome);
  auto conn = LoadConnectome(dir);
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  NetworkConfig cfg = JansenRitLinear();
  cfg.noise_nsig = {0, 0, 0, 5.28125e-4, 0, 0};
  cfg.seed = 42;
  auto trace = models::brain::SimulateNetwork(*conn, cfg);
  ASSERT_TRUE(trace.ok()) << trace.status().ToString();
  const auto rows = ReadCsv(ref / "jr_linear_sto_spectral_peaks.csv");
  std::vector<double> ptp, ref_ptp, peak, ref_peak;
  for (int r = 0; r < 76; ++r) {
    const auto s = Series(*trace, r, 1000, 2000);
    const auto [lo, hi] = std::minmax_element(s.begin(), s.end());
    ptp.push_back(*hi - *lo);
    peak.push_back(PeakHz(s));
    ref_ptp.push_back(std::stod(rows[r].at("ptp_mV")));
    ref_peak.push_back(std::stod(rows[r].at("peak_hz")));
  }
  const auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  std::printf(
      "JR linear sto: median ptp %.1f mV (TVB %.1f), median peak %.2f Hz (TVB "
      "%.2f)\n",
      median(ptp), median(ref_ptp), median(peak), median(ref_peak));
  // Different random streams: compare the regime, not samples. TVB: large
  // slow fluctuations (median ptp 50 mV), broadband peak below alpha.
  EXPECT_NEAR(median(ptp), median(ref_ptp), 0.35 * median(ref_ptp));
  EXPECT_LT(median(peak), 8.0);
}

struct SeizureCase {
  const char* stem;
  double ks;
  CouplingKind kind;
  double a;
  bool normalise;
};

void CheckEpileptor(const SeizureCase& c) {
  JUMEAU_REQUIRE_TEST_DATA(ref, kReference);
  JUMEAU_REQUIRE_TEST_DATA(dir, kConnectome);
  auto conn = LoadConnectome(dir);
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  if (c.normalise) models::brain::NormalizeWeightsToMax(&*conn);
  NetworkConfig cfg;
  cfg.model = NeuralMassKind::kEpileptor;
  cfg.epileptor.Ks = c.ks;
  cfg.coupling.kind = c.kind;
  cfg.coupling.a = c.a;
  cfg.duration_ms = 10000;
  cfg.region_x0.assign(76, -2.4);
  for (int r : {2, 9, 24}) cfg.region_x0[r] = -1.6;
  auto trace = models::brain::SimulateNetwork(*conn, cfg);
  ASSERT_TRUE(trace.ok()) << trace.status().ToString();
  const auto seizures =
      models::brain::DetectSeizures(*trace, NeuralMassKind::kEpileptor);
  const auto rows = ReadCsv(ref / (std::string(c.stem) + "_seizures.csv"));
  ASSERT_EQ(rows.size(), 76u);
  for (int r = 0; r < 76; ++r) {
    const bool ref_seizes = rows[r].at("seizes") == "1";
    EXPECT_EQ(seizures[r].seizes, ref_seizes) << rows[r].at("label");
    if (ref_seizes && seizures[r].seizes) {
      const double ref_onset = std::stod(rows[r].at("onset_ms"));
      std::printf("%s %-8s onset %8.1f ms (TVB %8.1f), %zu episodes (TVB %s)\n",
                  c.stem, rows[r].at("label").c_str(), seizures[r].onset_ms,
                  ref_onset, seizures[r].onsets_ms.size(),
                  rows[r].at("n_seizures").c_str());
      EXPECT_NEAR(seizures[r].onset_ms, ref_onset, 5.0) << rows[r].at("label");
      EXPECT_EQ(static_cast<int>(seizures[r].onsets_ms.size()),
                std::stoi(rows[r].at("n_seizures")))
          << rows[r].at("label");
    }
  }
}

TEST(TvbAgreement, EpileptorDefaultSeizesInTheZoneOnly) {
  CheckEpileptor(
      {"epileptor_default", 0.0, CouplingKind::kLinear, 0.00390625, false});
}

TEST(TvbAgreement, EpileptorPermittivityCouplingRecruitsTheSameRegions) {
  CheckEpileptor({"epileptor_ks", -2.0, CouplingKind::kDifference, 1.0, true});
}

}  // namespace
}  // namespace jumeau
