// The disease-course models fitted by MCMC-SAEM on Leaspy's bundled
// synthetic datasets (../shared/data/cohort/, see SOURCES.md), compared with
// the population estimates of Leaspy's reference fits:
//   alzheimer.csv, multivariate logistic, 2 sources (7 features):
//     tau_mean 77.16, tau_std 8.44, xi_std 0.607;
//   parkinson-putamen.csv, univariate logistic:
//     noise_std 0.0212, tau_std 10.03, xi_std 0.554, log_g_mean -1.186,
//     log_v0_mean -4.052 (tau_mean varies by ~4 years between Leaspy fits).
// log_g and log_v0 move with tau_mean along a weakly identified ridge (a
// later reference age means a later, higher position on the curve), so the
// putamen test compares the average curve's slope at the reference fit's
// position 1/(1+g_ref), which does not depend on tau_mean, and reports
// log_g and log_v0 themselves.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "jumeau/assimilation/saem.h"
#include "jumeau/io/cohort_csv.h"
#include "jumeau/testing/test_data.h"
#include "tests/progression/baselines.h"

namespace jumeau {
namespace {


// Putamen: 10,000 iterations (90% burn-in), seed 0, scalar noise.
// Tolerances: noise_std and tau_std 5%, xi_std 10%, slope at the reference
// position 15%.
TEST(LeaspyReferenceTest, UnivariateLogisticOnPutamen) {
  JUMEAU_REQUIRE_TEST_DATA(path, "cohort/leaspy_parkinson-putamen.csv");
  const auto data = testing::LoadCohortCsv(path);
  assimilation::SaemOptions o;
  o.iterations = 10000;
  o.diagonal_noise = false;
  o.seed = 0;
  auto r = assimilation::FitSaem(data, o);
  ASSERT_TRUE(r.ok()) << r.status().message();
  const auto& p = r->population;
  const double g = std::exp(p.g[0]), c = (1 + g) * (1 + g) / g;
  const double g_ref = std::exp(-1.186), pos = 1.0 / (1.0 + g_ref);
  const double slope_ref = std::exp(-4.052);
  const double slope = c * std::exp(p.log_v0[0]) * pos * (1 - pos);
  std::printf("%s", r->BriefReport().c_str());
  std::printf(
      "putamen vs Leaspy: noise_std %.4f (0.0212), tau_std %.2f (10.03), "
      "xi_std %.3f (0.554), log_g %.3f (-1.186), log_v0 %.3f (-4.052), "
      "tau_mean %.2f; slope at y=%.3f: %.5f /y (Leaspy %.5f)\n",
      p.noise_std[0], p.tau_std, p.xi_std, p.g[0], p.log_v0[0], p.tau_mean, pos,
      slope, slope_ref);
  EXPECT_NEAR(p.noise_std[0], 0.0212, 0.05 * 0.0212);
  EXPECT_NEAR(p.tau_std, 10.03, 0.05 * 10.03);
  EXPECT_NEAR(p.xi_std, 0.554, 0.10 * 0.554);
  EXPECT_NEAR(slope, slope_ref, 0.15 * slope_ref);
}

// Alzheimer: 7 features, 2 sources, diagonal noise, 10,000 iterations (90%
// burn-in), seed 0. Tolerances: tau_mean 2 years, tau_std and xi_std 10%.
// Measured with seeds 0-3: tau_mean 75.50, 75.80, 75.83, 75.78 (Leaspy
// 77.16; tau_mean is the least identified parameter: Leaspy's own putamen
// fits differ by ~4 years), tau_std 8.07-8.17, xi_std 0.634-0.650.
TEST(LeaspyReferenceTest, MultivariateLogisticTwoSourcesOnAlzheimer) {
  JUMEAU_REQUIRE_TEST_DATA(path, "cohort/leaspy_alzheimer.csv");
  const auto data = testing::LoadCohortCsv(path);
  assimilation::SaemOptions o;
  o.iterations = 10000;
  o.sources = 2;
  o.seed = 0;
  auto r = assimilation::FitSaem(data, o);
  ASSERT_TRUE(r.ok()) << r.status().message();
  const auto& p = r->population;
  std::printf("%s", r->BriefReport().c_str());
  std::printf(
      "alzheimer vs Leaspy: tau_mean %.2f (77.16), tau_std %.2f (8.44), "
      "xi_std %.3f (0.607)\n",
      p.tau_mean, p.tau_std, p.xi_std);
  EXPECT_NEAR(p.tau_mean, 77.16, 2.0);
  EXPECT_NEAR(p.tau_std, 8.44, 0.10 * 8.44);
  EXPECT_NEAR(p.xi_std, 0.607, 0.10 * 0.607);
}

}  // namespace
}  // namespace jumeau
