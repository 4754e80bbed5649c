#include "jumeau/assimilation/ensemble_inversion.h"

#include <gtest/gtest.h>

#include <cmath>

namespace jumeau::assimilation {
namespace {

using models::ParameterSpec;
using models::Prior;

// Linear-Gaussian: the ES-MDA ensemble approximates the exact posterior.
TEST(EnsembleInversion, LinearGaussianMatchesTheExactPosterior) {
  std::vector<ParameterSpec> specs = {
      {"a", "1", 0.0, Prior::Normal(0.0, 2.0), -100, 100, ""},
      {"b", "1", 0.0, Prior::Normal(1.0, 1.0), -100, 100, ""}};
  // y1 = a + b, y2 = a - 2 b, sd 0.5.
  const std::vector<double> y = {3.0, -1.0}, sd = {0.5, 0.5};
  auto forward = [](std::span<const double> p) -> Result<std::vector<double>> {
    return std::vector<double>{p[0] + p[1], p[0] - 2 * p[1]};
  };
  InversionOptions options;
  options.ensemble_size = 2000;
  auto r = InvertEnsemble(specs, y, sd, forward, options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // Exact: precision = H^T R^-1 H + P^-1.
  Eigen::Matrix2d h;
  h << 1, 1, 1, -2;
  Eigen::Matrix2d prec = h.transpose() * h / 0.25;
  prec(0, 0) += 1 / 4.0;
  prec(1, 1) += 1;
  const Eigen::Matrix2d cov = prec.inverse();
  const Eigen::Vector2d mean =
      cov *
      (h.transpose() * Eigen::Vector2d(3, -1) / 0.25 + Eigen::Vector2d(0, 1));
  EXPECT_NEAR(r->parameters[0], mean(0), 0.05);
  EXPECT_NEAR(r->parameters[1], mean(1), 0.05);
  EXPECT_NEAR(r->estimates[0].posterior_sd, std::sqrt(cov(0, 0)), 0.03);
  EXPECT_NEAR(r->estimates[1].posterior_sd, std::sqrt(cov(1, 1)), 0.03);
  EXPECT_TRUE(r->estimates[0].informed);
  EXPECT_LT(r->rms_standardized, 1.0);
}

TEST(EnsembleInversion, LogNormalParameterAndFailuresAreHandled) {
  std::vector<ParameterSpec> specs = {
      {"k", "/s", 1.0, Prior::LogNormal(1.0, 1.0), 0.01, 100, ""}};
  // y = k^2 observed 4 (k = 2); the forward model fails above k = 20.
  auto forward = [](std::span<const double> p) -> Result<std::vector<double>> {
    if (p[0] > 20) return OutOfRangeError("diverged");
    return std::vector<double>{p[0] * p[0]};
  };
  const std::vector<double> y = {4.0}, sd = {0.1};
  auto r = InvertEnsemble(specs, y, sd, forward, {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_NEAR(r->parameters[0], 2.0, 0.1);
  EXPECT_LT(r->estimates[0].lower, 2.0);
  EXPECT_GT(r->estimates[0].upper, 2.0);
  EXPECT_TRUE(r->estimates[0].log_space);
}

TEST(EnsembleInversion, RejectsBadInput) {
  std::vector<ParameterSpec> specs = {
      {"a", "1", 0.0, Prior::Normal(0.0, 1.0), -10, 10, ""}};
  auto forward = [](std::span<const double> p) -> Result<std::vector<double>> {
    return std::vector<double>{p[0]};
  };
  const std::vector<double> y = {1.0}, bad_sd = {0.0}, sd = {1.0};
  EXPECT_EQ(InvertEnsemble(specs, y, bad_sd, forward).status().code(),
            StatusCode::kInvalidArgument);
  InversionOptions o;
  o.ensemble_size = 1;
  EXPECT_EQ(InvertEnsemble(specs, y, sd, forward, o).status().code(),
            StatusCode::kInvalidArgument);
  auto failing = [](std::span<const double>) -> Result<std::vector<double>> {
    return OutOfRangeError("always");
  };
  EXPECT_EQ(InvertEnsemble(specs, y, sd, failing).status().code(),
            StatusCode::kOutOfRange);
}

}  // namespace
}  // namespace jumeau::assimilation
