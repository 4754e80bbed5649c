// Tests of the Dormand-Prince 5(4) solver on problems with known solutions,
// its Hermite output, error paths, and periodic steady state detection.
#include "jumeau/models/ode.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

namespace jumeau::models {
namespace {

constexpr double kPi = std::numbers::pi;

TEST(DormandPrince54, ExponentialDecayMatchesExactSolution) {
  const OdeRhs rhs = [](double, std::span<const double> y,
                        std::span<double> dy) { dy[0] = -2.0 * y[0]; };
  std::vector<double> times = {0.1, 0.5, 1.0, 2.0, 5.0};
  const std::vector<double> y0 = {3.0};
  auto out = SolveAtTimes(rhs, 0.0, y0, times,
                          {.relative_tolerance = 1e-9, .absolute_tolerance = 1e-12});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  for (std::size_t j = 0; j < times.size(); ++j) {
    const double exact = 3.0 * std::exp(-2.0 * times[j]);
    // Interpolated (third-order Hermite) values between steps.
    EXPECT_NEAR((*out)[j], exact, 1e-7 * std::max(exact, 1e-3)) << times[j];
  }
}

TEST(DormandPrince54, EndpointAccuracyFollowsTolerance) {
  const OdeRhs rhs = [](double, std::span<const double> y,
                        std::span<double> dy) { dy[0] = -y[0]; };
  for (double rtol : {1e-4, 1e-6, 1e-8, 1e-10}) {
    DormandPrince54 solver(1, {.relative_tolerance = rtol,
                               .absolute_tolerance = rtol * 1e-3});
    std::vector<double> y = {1.0};
    ASSERT_TRUE(solver.Integrate(rhs, 0.0, 3.0, y).ok());
    EXPECT_NEAR(y[0], std::exp(-3.0), 50 * rtol * std::exp(-3.0)) << rtol;
  }
}

TEST(DormandPrince54, HarmonicOscillatorKeepsEnergyAndPhase) {
  // x'' = -w^2 x: energy (v^2 + w^2 x^2)/2 is conserved, x = cos(w t).
  const double w = 2 * kPi;
  const OdeRhs rhs = [w](double, std::span<const double> y,
                         std::span<double> dy) {
    dy[0] = y[1];
    dy[1] = -w * w * y[0];
  };
  DormandPrince54 solver(2, {.relative_tolerance = 1e-10,
                             .absolute_tolerance = 1e-12});
  std::vector<double> y = {1.0, 0.0};
  const double e0 = 0.5 * w * w;
  ASSERT_TRUE(solver.Integrate(rhs, 0.0, 100.0, y).ok());
  const double e1 = 0.5 * (y[1] * y[1] + w * w * y[0] * y[0]);
  EXPECT_NEAR(e1 / e0, 1.0, 1e-6);
  EXPECT_NEAR(y[0], 1.0, 1e-5);  // 100 full periods
  EXPECT_NEAR(y[1], 0.0, 1e-4);
  std::printf("oscillator, 100 periods: %s\n",
              solver.summary().BriefReport().c_str());
}

TEST(DormandPrince54, StiffishRelaxationToForcing) {
  // y' = -L (y - cos t), exact:
  // y = (L^2 cos t + L sin t) / (L^2 + 1) + C exp(-L t).
  const double lambda = 200.0;
  const OdeRhs rhs = [lambda](double t, std::span<const double> y,
                              std::span<double> dy) {
    dy[0] = -lambda * (y[0] - std::cos(t));
  };
  const double d = lambda * lambda + 1;
  const double c = 0.0 - lambda * lambda / d;  // y(0) = 0
  auto exact = [&](double t) {
    return (lambda * lambda * std::cos(t) + lambda * std::sin(t)) / d +
           c * std::exp(-lambda * t);
  };
  DormandPrince54 solver(1, {.relative_tolerance = 1e-8,
                             .absolute_tolerance = 1e-10});
  std::vector<double> y = {0.0};
  ASSERT_TRUE(solver.Integrate(rhs, 0.0, 10.0, y).ok());
  EXPECT_NEAR(y[0], exact(10.0), 1e-7);
  // Stability (|h lambda| <= ~3.3), not accuracy, limits the step: about
  // 600 steps at the limit; the controller hovers near it.
  EXPECT_LT(solver.summary().accepted_steps, 5000);
}

TEST(DormandPrince54, DiscontinuousRightHandSide) {
  // A switch like a valve: y' = +1 before t = 1, -1 after; y(2) = 0.
  const OdeRhs rhs = [](double t, std::span<const double>,
                        std::span<double> dy) { dy[0] = t < 1.0 ? 1.0 : -1.0; };
  DormandPrince54 solver(1, {.relative_tolerance = 1e-8,
                             .absolute_tolerance = 1e-10});
  std::vector<double> y = {0.0};
  ASSERT_TRUE(solver.Integrate(rhs, 0.0, 2.0, y).ok());
  EXPECT_NEAR(y[0], 0.0, 1e-8);
  EXPECT_GT(solver.summary().rejected_steps, 0);  // it found the kink
}

TEST(DormandPrince54, StateDependentSwitch) {
  // A valve-like switch on the state: y' = -2 while y > 0.5, then -1.
  // y crosses 0.5 at t = 0.25, so y(1) = 0.5 - 0.75 = -0.25.
  const OdeRhs rhs = [](double, std::span<const double> y,
                        std::span<double> dy) {
    dy[0] = y[0] > 0.5 ? -2.0 : -1.0;
  };
  DormandPrince54 solver(1, {.relative_tolerance = 1e-8,
                             .absolute_tolerance = 1e-10});
  std::vector<double> y = {1.0};
  ASSERT_TRUE(solver.Integrate(rhs, 0.0, 1.0, y).ok());
  EXPECT_NEAR(y[0], -0.25, 1e-8);
}

TEST(OdeStep, HermiteRangeAndIntegralAreExactForCubics) {
  // y = s^3 - s on [0, 1] written through its end values and slopes.
  std::vector<double> y0 = {0.0}, y1 = {0.0}, f0 = {-1.0}, f1 = {2.0};
  OdeStep step{0.0, 1.0, y0, y1, f0, f1};
  const auto [lo, hi] = step.Range(0);
  EXPECT_NEAR(lo, -2.0 / (3.0 * std::sqrt(3.0)), 1e-14);
  EXPECT_NEAR(hi, 0.0, 1e-14);
  EXPECT_NEAR(step.Integral(0), 0.25 - 0.5, 1e-14);
  EXPECT_NEAR(step.Interpolate(0, 0.5), 0.125 - 0.5, 1e-14);
}

TEST(DormandPrince54, RejectsBadInput) {
  const OdeRhs rhs = [](double, std::span<const double> y,
                        std::span<double> dy) { dy[0] = y[0]; };
  DormandPrince54 solver(1);
  std::vector<double> y = {1.0};
  EXPECT_EQ(solver.Integrate(rhs, 1.0, 1.0, y).code(),
            StatusCode::kInvalidArgument);
  std::vector<double> two = {1.0, 2.0};
  EXPECT_EQ(solver.Integrate(rhs, 0.0, 1.0, two).code(),
            StatusCode::kInvalidArgument);
  y[0] = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(solver.Integrate(rhs, 0.0, 1.0, y).code(),
            StatusCode::kInvalidArgument);
  const std::vector<double> y0 = {1.0};
  const std::vector<double> unsorted = {0.5, 0.2};
  EXPECT_EQ(SolveAtTimes(rhs, 0.0, y0, unsorted).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(DormandPrince54, ReportsBlowUpAndStepLimit) {
  // y' = y^2, y(0) = 1 blows up at t = 1.
  const OdeRhs rhs = [](double, std::span<const double> y,
                        std::span<double> dy) { dy[0] = y[0] * y[0]; };
  DormandPrince54 solver(1);
  std::vector<double> y = {1.0};
  Status s = solver.Integrate(rhs, 0.0, 2.0, y);
  EXPECT_EQ(s.code(), StatusCode::kOutOfRange) << s.ToString();
  DormandPrince54 limited(1, {.max_steps = 3});
  y = {1.0};
  const OdeRhs fast = [](double t, std::span<const double>,
                         std::span<double> dy) { dy[0] = std::sin(100 * t); };
  s = limited.Integrate(fast, 0.0, 10.0, y);
  EXPECT_EQ(s.code(), StatusCode::kOutOfRange);
  EXPECT_NE(s.message().find("more than 3 steps"), std::string::npos);
}

TEST(FindPeriodicSteadyState, ConvergesToKnownLimitCycle) {
  // y' = -y + sin(2 pi t): periodic solution
  // y = (sin(2 pi t) - 2 pi cos(2 pi t)) / (1 + 4 pi^2).
  const OdeRhs rhs = [](double t, std::span<const double> y,
                        std::span<double> dy) {
    dy[0] = -y[0] + std::sin(2 * kPi * t);
  };
  DormandPrince54 solver(1, {.relative_tolerance = 1e-10,
                             .absolute_tolerance = 1e-12});
  std::vector<double> y = {5.0};
  int ends = 0;
  auto summary = FindPeriodicSteadyState(
      solver, rhs, 0.0, y,
      {.period = 1.0, .relative_tolerance = 1e-8, .absolute_floor = {1.0}},
      nullptr, [&ends](int) { ++ends; });
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(ends, summary->periods);
  EXPECT_LE(summary->relative_change, 1e-8);
  const double exact = -2 * kPi / (1 + 4 * kPi * kPi);  // y at integer t
  EXPECT_NEAR(y[0], exact, 1e-7);
  // Decay e^-1 per period from 5: about ln(5e8) ~ 20 periods.
  EXPECT_GE(summary->periods, 15);
  EXPECT_LE(summary->periods, 25);
}

TEST(FindPeriodicSteadyState, FailsWhenNotConverged) {
  const OdeRhs rhs = [](double, std::span<const double>,
                        std::span<double> dy) { dy[0] = 1.0; };  // drifts
  DormandPrince54 solver(1);
  std::vector<double> y = {0.0};
  auto summary = FindPeriodicSteadyState(
      solver, rhs, 0.0, y, {.period = 1.0, .max_periods = 10});
  EXPECT_EQ(summary.status().code(), StatusCode::kOutOfRange);
}

}  // namespace
}  // namespace jumeau::models
