// Tests of the brain twin (brain_twin.h): simulated EEG features through the
// analysis layer, scenarios, the snapshot round trip, and parameter
// recovery on synthetic patients (simulate with known parameters, fit,
// errors and credible-interval coverage).
#include "jumeau/derive/brain_twin.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "jumeau/assimilation/ensemble_inversion.h"
#include "jumeau/core/random.h"
#include "jumeau/testing/test_data.h"

namespace jumeau::derive {
namespace {

using models::brain::Connectivity;

// Reads TVB's default connectome from shared data without io/ (derive may
// not include io): the folder's weights, tract lengths and centres.
Connectivity ReadTvb76(const std::filesystem::path& dir) {
  Connectivity c;
  std::ifstream centres(dir / "centres.txt");
  std::string label;
  double x, y, z;
  while (centres >> label >> x >> y >> z) {
    c.labels.push_back(label);
    c.centres_mm.insert(c.centres_mm.end(), {x, y, z});
  }
  const auto matrix = [&](const char* name) {
    std::ifstream in(dir / name);
    std::vector<double> v;
    double d;
    while (in >> d) v.push_back(d);
    return v;
  };
  c.weights = matrix("weights.txt");
  c.tract_lengths_mm = matrix("tract_lengths.txt");
  return c;
}

// One synthetic patient: features simulated at `truth` plus Gaussian
// measurement noise of the twin's sds, then the twin's ES-MDA fit. Returns
// the fit; prints truth, estimate and interval.
assimilation::InversionResult RecoverOne(
    const Connectivity& conn, const models::brain::SensorProjection& proj,
    const std::vector<double>& truth, uint64_t seed, double* seconds) {
  BrainTwinOptions o;
  auto clean = SimulatedEegFeatures(conn, JansenRitTwinConfig(truth, o), proj,
                                    o.transient_ms);
  EXPECT_TRUE(clean.ok()) << clean.status().ToString();
  if (!clean.ok()) return {};
  std::vector<double> sd = {o.alpha_peak_sd_hz};
  for (int k = 1; k < 5; ++k) sd.push_back(o.relative_power_sd);
  Rng rng(DeriveSeed(seed, 7));
  std::vector<double> observed = *clean;
  for (int k = 0; k < 5; ++k) observed[k] += sd[k] * rng.Normal();
  const auto t0 = std::chrono::steady_clock::now();
  assimilation::InversionOptions io;
  io.ensemble_size = o.ensemble_size;
  io.iterations = o.iterations;
  io.seed = seed;
  auto fit = assimilation::InvertEnsemble(
      JansenRitTwinParameters(), observed, sd,
      [&](std::span<const double> p) {
        return SimulatedEegFeatures(conn, JansenRitTwinConfig(p, o), proj,
                                    o.transient_ms);
      },
      io);
  *seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
          .count();
  EXPECT_TRUE(fit.ok()) << fit.status().ToString();
  if (!fit.ok()) return {};
  for (std::size_t i = 0; i < truth.size(); ++i) {
    const auto& e = fit->estimates[i];
    std::printf(
        "  %-17s truth %9.4g  estimate %9.4g  90%% CI [%9.4g, %9.4g]%s\n",
        e.name.c_str(), truth[i], e.estimate, e.lower, e.upper,
        truth[i] >= e.lower && truth[i] <= e.upper ? "" : "  (outside)");
  }
  std::printf("  rms standardized residual %.2f, %d evaluations, %.1f s\n",
              fit->rms_standardized, fit->evaluations, *seconds);
  return *fit;
}

TEST(BrainTwin, RecoversCouplingAndExcitabilityOfASyntheticPatient) {
  JUMEAU_REQUIRE_TEST_DATA(dir, "connectome/connectivity_76");
  const Connectivity conn = ReadTvb76(dir);
  auto proj = models::brain::DistanceProjection1020(conn);
  ASSERT_TRUE(proj.ok());
  const std::vector<double> truth = {2.0e-4, 3.0, 0.19};
  double seconds = 0;
  const auto fit = RecoverOne(conn, *proj, truth, 11, &seconds);
  ASSERT_EQ(fit.estimates.size(), 3u);
  // Every interval holds the truth. Coupling and excitability are narrowed
  // by the data (posterior sd below the prior's); with feature sds of 0.5 Hz
  // and 0.05 they stay weakly informed, and the conduction speed barely
  // changes the EEG features of this regime.
  for (int i = 0; i < 3; ++i) {
    EXPECT_GE(truth[i], fit.estimates[i].lower) << fit.estimates[i].name;
    EXPECT_LE(truth[i], fit.estimates[i].upper) << fit.estimates[i].name;
  }
  for (int i : {0, 2})
    EXPECT_LT(fit.estimates[i].posterior_sd, fit.estimates[i].prior_sd)
        << fit.estimates[i].name;
  EXPECT_LT(fit.rms_standardized, 2.0);
}

TEST(BrainTwin, RecoversEpileptogenicZoneExcitability) {
  JUMEAU_REQUIRE_TEST_DATA(dir, "connectome/connectivity_76");
  const Connectivity conn = ReadTvb76(dir);
  EpileptorFitOptions o;
  o.candidate_regions = {"rAMYG", "rHC", "rPHC", "rPFCM", "rV1", "lHC"};
  // Truth: two epileptogenic regions, one borderline, three healthy.
  std::vector<double> truth(76, o.healthy_x0);
  const std::vector<double> truth_x0 = {-1.7, -1.6, -2.1, -2.4, -2.4, -2.4};
  for (std::size_t k = 0; k < truth_x0.size(); ++k)
    truth[models::brain::FindRegion(conn, o.candidate_regions[k])] =
        truth_x0[k];
  auto observed = EpileptorSeizureFractions(conn, truth, o);
  ASSERT_TRUE(observed.ok()) << observed.status().ToString();
  const auto t0 = std::chrono::steady_clock::now();
  auto fit = FitEpileptorExcitability(conn, *observed, o);
  const double s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
          .count();
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  int covered = 0;
  for (std::size_t k = 0; k < fit->regions.size(); ++k) {
    std::printf("  %-6s truth %5.2f estimate %6.3f [%6.3f, %6.3f]\n",
                fit->regions[k].c_str(), truth_x0[k], fit->x0[k], fit->lower[k],
                fit->upper[k]);
    covered += truth_x0[k] >= fit->lower[k] && truth_x0[k] <= fit->upper[k];
  }
  std::printf("  rms standardized residual %.2f, %d evaluations, %.1f s\n",
              fit->rms_standardized, fit->evaluations, s);
  // The seizing regions are identified as more excitable than the healthy.
  EXPECT_GT(fit->x0[0], -2.0);
  EXPECT_GT(fit->x0[1], -2.0);
  for (int k : {3, 4, 5}) EXPECT_LT(fit->x0[k], fit->x0[1]) << fit->regions[k];
  EXPECT_GE(covered, 4);
}

// Parameter recovery over synthetic patients drawn from the prior: errors
// and credible-interval coverage (BENCHMARKS.md). Slow: ~20 s per patient.
TEST(BrainTwinRecovery, SyntheticPatientsCoverage) {
  if (std::getenv("JUMEAU_BRAIN_RECOVERY") == nullptr)
    GTEST_SKIP() << "set JUMEAU_BRAIN_RECOVERY=N to run N synthetic patients";
  JUMEAU_REQUIRE_TEST_DATA(dir, "connectome/connectivity_76");
  const int patients =
      std::max(1, std::atoi(std::getenv("JUMEAU_BRAIN_RECOVERY")));
  const Connectivity conn = ReadTvb76(dir);
  auto proj = models::brain::DistanceProjection1020(conn);
  ASSERT_TRUE(proj.ok());
  const auto specs = JansenRitTwinParameters();
  std::vector<int> covered(3, 0);
  std::vector<double> abs_err(3, 0.0);
  double total_seconds = 0;
  Rng rng(2026);
  for (int k = 0; k < patients; ++k) {
    std::vector<double> truth;
    for (const auto& s : specs) {
      const double t = s.prior.location + s.prior.scale * rng.Normal();
      const double v =
          s.prior.kind == models::PriorKind::kLogNormal ? std::exp(t) : t;
      truth.push_back(std::clamp(v, s.lower, s.upper));
    }
    std::printf("patient %d\n", k + 1);
    double seconds = 0;
    const auto fit = RecoverOne(conn, *proj, truth, 100 + k, &seconds);
    total_seconds += seconds;
    ASSERT_EQ(fit.estimates.size(), 3u);
    for (int i = 0; i < 3; ++i) {
      const auto& e = fit.estimates[i];
      covered[i] += truth[i] >= e.lower && truth[i] <= e.upper;
      abs_err[i] += std::abs(e.estimate - truth[i]) / truth[i];
    }
  }
  for (int i = 0; i < 3; ++i)
    std::printf("%-17s mean relative error %.1f%%, 90%% CI coverage %d/%d\n",
                specs[i].name.c_str(), 100 * abs_err[i] / patients, covered[i],
                patients);
  std::printf("mean fit time %.1f s per patient\n", total_seconds / patients);
}

}  // namespace
}  // namespace jumeau::derive
