// Tests of the disease-course equations (logistic.h): values at the
// reference time, monotonicity, space shifts orthogonal to the velocity,
// threshold crossing inverted exactly.
#include "jumeau/models/progression/logistic.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace jumeau::models::progression {
namespace {

PopulationParameters ThreeFeatures(CurveKind kind) {
  PopulationParameters p;
  p.kind = kind;
  p.features = 3;
  p.sources = 2;
  p.g = {0.5, -0.3, 1.2};
  p.log_v0 = {-3.0, -2.5, -3.5};
  p.betas = {0.1, -0.2, 0.05, 0.3};
  p.tau_mean = 75;
  p.tau_std = 8;
  p.xi_std = 0.6;
  p.noise_std = {0.05, 0.06, 0.07};
  return p;
}

TEST(LogisticTest, ValueAtReferenceTimeIsOneOverOnePlusG) {
  PopulationParameters p = ThreeFeatures(CurveKind::kLogistic);
  ASSERT_TRUE(p.Validate().ok());
  ProgressionCurves curves(p);
  IndividualParameters ind{70.0, 0.3, {0.0, 0.0}};
  std::vector<double> t = {70.0};
  std::vector<double> y(3);
  curves.Predict(ind, t, y);
  for (int k = 0; k < 3; ++k) {
    EXPECT_NEAR(y[k], 1.0 / (1.0 + std::exp(p.g[k])), 1e-12);
  }
}

TEST(LogisticTest, IncreasingAndFasterWithAcceleration) {
  ProgressionCurves curves(ThreeFeatures(CurveKind::kLogistic));
  std::vector<double> t = {60, 70, 80};
  std::vector<double> slow(9), fast(9);
  curves.Predict({70, 0.0, {0.5, -1}}, t, slow);
  curves.Predict({70, 1.0, {0.5, -1}}, t, fast);
  for (int k = 0; k < 3; ++k) {
    EXPECT_LT(slow[k], slow[3 + k]);
    EXPECT_LT(slow[3 + k], slow[6 + k]);
    EXPECT_GT(fast[6 + k] - fast[k], slow[6 + k] - slow[k]);
  }
}

TEST(LogisticTest, MixingMatrixOrthogonalToMetricVelocity) {
  for (CurveKind kind : {CurveKind::kLogistic, CurveKind::kLinear}) {
    PopulationParameters p = ThreeFeatures(kind);
    const std::vector<double> a = MixingMatrix(p);
    ASSERT_EQ(a.size(), 6u);
    for (int m = 0; m < 2; ++m) {
      double dot = 0.0;
      for (int k = 0; k < 3; ++k) {
        const double v = std::exp(p.log_v0[k]);
        const double g = std::exp(p.g[k]);
        const double c = (1 + g) * (1 + g) / g;
        const double u = kind == CurveKind::kLinear ? v : v * c * c;
        dot += u * a[k * 2 + m];
      }
      EXPECT_NEAR(dot, 0.0, 1e-12);
    }
  }
}

TEST(LogisticTest, CrossingAgeInvertsTheCurve) {
  for (CurveKind kind : {CurveKind::kLogistic, CurveKind::kLinear}) {
    ProgressionCurves curves(ThreeFeatures(kind));
    IndividualParameters ind{72.0, -0.2, {0.7, 0.4}};
    for (int k = 0; k < 3; ++k) {
      const double age = curves.CrossingAge(ind, k, 0.6);
      ASSERT_TRUE(std::isfinite(age));
      std::vector<double> t = {age}, y(3);
      curves.Predict(ind, t, y);
      EXPECT_NEAR(y[k], 0.6, 1e-9);
    }
  }
  ProgressionCurves curves(ThreeFeatures(CurveKind::kLogistic));
  EXPECT_TRUE(std::isnan(curves.CrossingAge({70, 0, {0, 0}}, 0, 1.5)));
}

TEST(LogisticTest, ValidateRejectsBadShapes) {
  PopulationParameters p = ThreeFeatures(CurveKind::kLogistic);
  p.sources = 3;
  EXPECT_FALSE(p.Validate().ok());
  p = ThreeFeatures(CurveKind::kLogistic);
  p.noise_std = {0.1, 0.1};
  EXPECT_FALSE(p.Validate().ok());
  p = ThreeFeatures(CurveKind::kLogistic);
  p.tau_std = 0;
  EXPECT_FALSE(p.Validate().ok());
  EXPECT_TRUE(ParseCurveKind("linear").ok());
  EXPECT_FALSE(ParseCurveKind("gompertz").ok());
}

}  // namespace
}  // namespace jumeau::models::progression
