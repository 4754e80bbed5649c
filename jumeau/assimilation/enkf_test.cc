// Tests of the ensemble Kalman filter (enkf.h): the analysis against the exact
// Kalman update on linear-Gaussian cases, input validation, determinism, the
// Lorenz-63 benchmark of Sakov et al. (2012) and parameter estimation by
// state augmentation.
#include "jumeau/assimilation/enkf.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <vector>

#include "jumeau/core/random.h"

namespace jumeau::assimilation {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;

// ---- Lorenz (1963): dx/dt = sigma (y - x), dy/dt = x (rho - z) - y,
// dz/dt = x y - beta z; the standard parameters sigma = 10, rho = 28,
// beta = 8/3, integrated with classical RK4 at dt = 0.01.
struct Lorenz63 {
  double sigma = 10.0;
  double rho = 28.0;
  double beta = 8.0 / 3.0;

  Eigen::Vector3d Rhs(const Eigen::Vector3d& s) const {
    return {sigma * (s[1] - s[0]), s[0] * (rho - s[2]) - s[1],
            s[0] * s[1] - beta * s[2]};
  }
  // `steps` RK4 steps of dt on s (length 3).
  void Advance(Eigen::Ref<VectorXd> s, int steps, double dt = 0.01) const {
    Eigen::Vector3d x = s;
    for (int k = 0; k < steps; ++k) {
      const Eigen::Vector3d k1 = Rhs(x);
      const Eigen::Vector3d k2 = Rhs(x + 0.5 * dt * k1);
      const Eigen::Vector3d k3 = Rhs(x + 0.5 * dt * k2);
      const Eigen::Vector3d k4 = Rhs(x + dt * k3);
      x += dt / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4);
    }
    s = x;
  }
};

// The exact Kalman analysis mean and covariance from a prior (mean, P).
void KalmanUpdate(const VectorXd& mean, const MatrixXd& p, const VectorXd& y,
                  const MatrixXd& h, const MatrixXd& r, VectorXd* mean_a,
                  MatrixXd* p_a) {
  const MatrixXd s = h * p * h.transpose() + r;
  const MatrixXd k = p * h.transpose() * s.inverse();
  *mean_a = mean + k * (y - h * mean);
  *p_a = (MatrixXd::Identity(p.rows(), p.rows()) - k * h) * p;
}

MatrixXd TwoByTwo(double a, double b, double c, double d) {
  MatrixXd m(2, 2);
  m << a, b, c, d;
  return m;
}

// ---- linear-Gaussian cases ------------------------------------------------

// The square-root analysis of an ensemble equals the Kalman update of that
// ensemble's own mean and covariance, to rounding: it is exact, not sampled.
TEST(EnkfTest, SquareRootMatchesKalmanOnTheEnsembleStatistics) {
  VectorXd mean(3);
  mean << 1.0, -2.0, 0.5;
  MatrixXd cov(3, 3);
  cov << 2.0, 0.3, 0.1, 0.3, 1.0, -0.2, 0.1, -0.2, 0.5;
  EnkfOptions options;
  options.variant = EnkfVariant::kSquareRoot;
  options.seed = 7;
  auto filter = EnsembleKalmanFilter::CreateGaussian(mean, cov, 12, options);
  ASSERT_TRUE(filter.ok()) << filter.status().ToString();
  const VectorXd prior_mean = filter->Mean();
  const MatrixXd prior_cov = filter->Covariance();

  MatrixXd h(2, 3);
  h << 1.0, 0.0, 0.0, 0.5, 0.5, 1.0;
  const MatrixXd r = TwoByTwo(0.4, 0.1, 0.1, 0.3);
  VectorXd y(2);
  y << 1.7, 0.2;
  auto summary = filter->Analyze(y, h, r);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();

  VectorXd mean_a;
  MatrixXd p_a;
  KalmanUpdate(prior_mean, prior_cov, y, h, r, &mean_a, &p_a);
  EXPECT_LT((filter->Mean() - mean_a).norm(), 1e-10);
  EXPECT_LT((filter->Covariance() - p_a).norm(), 1e-10);
  EXPECT_EQ(summary->observation_count, 2);
  EXPECT_LT((summary->innovation - (y - h * prior_mean)).norm(), 1e-12);
  // The residual is exact for a linear operator.
  EXPECT_LT((summary->residual - (y - h * filter->Mean())).norm(), 1e-10);
  EXPECT_LT(summary->analysis_spread, summary->forecast_spread);
}

// The perturbed-observation analysis matches the Kalman update in
// expectation: with 20,000 members the sampling error is about 1%.
TEST(EnkfTest, PerturbedObservationsMatchKalmanForLargeEnsembles) {
  VectorXd mean(2);
  mean << 0.0, 1.0;
  const MatrixXd cov = TwoByTwo(1.0, 0.6, 0.6, 2.0);
  auto filter = EnsembleKalmanFilter::CreateGaussian(mean, cov, 20000);
  ASSERT_TRUE(filter.ok());
  const VectorXd prior_mean = filter->Mean();
  const MatrixXd prior_cov = filter->Covariance();
  MatrixXd h(1, 2);
  h << 1.0, 0.0;
  MatrixXd r(1, 1);
  r << 0.5;
  VectorXd y(1);
  y << 1.2;
  ASSERT_TRUE(filter->Analyze(y, h, r).ok());
  VectorXd mean_a;
  MatrixXd p_a;
  KalmanUpdate(prior_mean, prior_cov, y, h, r, &mean_a, &p_a);
  // Centred perturbations: the mean update is exact.
  EXPECT_LT((filter->Mean() - mean_a).norm(), 1e-10);
  const MatrixXd got = filter->Covariance();
  for (int i = 0; i < 2; ++i) {
    for (int j = 0; j < 2; ++j) {
      EXPECT_NEAR(got(i, j), p_a(i, j), 0.03 * std::sqrt(p_a(i, i) * p_a(j, j)))
          << i << "," << j;
    }
  }
}

// A function observation operator gives the same update as the equal matrix.
TEST(EnkfTest, ObservationFunctionEqualsMatrix) {
  MatrixXd members(2, 5);
  members << 1, 2, 3, 4, 6, -1, 0, 2, 1, 3;
  MatrixXd h(1, 2);
  h << 2.0, -1.0;
  ObservationFunction fn = [&](const Eigen::Ref<const VectorXd>& x,
                               VectorXd* out) {
    *out = h * x;
    return Status::Ok();
  };
  MatrixXd r(1, 1);
  r << 0.7;
  VectorXd y(1);
  y << 3.0;
  for (EnkfVariant variant :
       {EnkfVariant::kPerturbedObservations, EnkfVariant::kSquareRoot}) {
    EnkfOptions options;
    options.variant = variant;
    options.inflation = 1.1;
    auto a = EnsembleKalmanFilter::Create(members, options);
    auto b = EnsembleKalmanFilter::Create(members, options);
    ASSERT_TRUE(a.ok() && b.ok());
    ASSERT_TRUE(a->Analyze(y, h, r).ok());
    ASSERT_TRUE(b->Analyze(y, fn, r).ok());
    EXPECT_LT((a->members() - b->members()).norm(), 1e-12);
  }
}

TEST(EnkfTest, InflationScalesForecastSpread) {
  MatrixXd members(1, 4);
  members << 0, 1, 2, 3;
  EnkfOptions options;
  options.inflation = 2.0;
  options.variant = EnkfVariant::kSquareRoot;
  auto filter = EnsembleKalmanFilter::Create(members, options);
  ASSERT_TRUE(filter.ok());
  const double spread = filter->StandardDeviation()[0];
  MatrixXd h = MatrixXd::Identity(1, 1);
  MatrixXd r = MatrixXd::Constant(1, 1, 1e6);  // nearly uninformative
  auto summary = filter->Analyze(VectorXd::Constant(1, 1.5), h, r);
  ASSERT_TRUE(summary.ok());
  EXPECT_NEAR(summary->forecast_spread, 2.0 * spread, 1e-12);
  EXPECT_NEAR(filter->StandardDeviation()[0], 2.0 * spread, 1e-4);
  EXPECT_NEAR(filter->Mean()[0], 1.5, 1e-6);
}

TEST(EnkfTest, SameSeedSameEnsemble) {
  auto run = [](uint64_t seed) {
    EnkfOptions options;
    options.seed = seed;
    auto f = EnsembleKalmanFilter::CreateGaussian(
        VectorXd::Zero(2), MatrixXd::Identity(2, 2), 6, options);
    EXPECT_TRUE(f.ok());
    EXPECT_TRUE(f->Analyze(VectorXd::Ones(2), MatrixXd::Identity(2, 2),
                           MatrixXd::Identity(2, 2))
                    .ok());
    return f->members();
  };
  EXPECT_EQ(run(3), run(3));
  EXPECT_NE(run(3), run(4));
}

// ---- errors ---------------------------------------------------------------

TEST(EnkfTest, RejectsBadInput) {
  EXPECT_FALSE(EnsembleKalmanFilter::Create(MatrixXd::Zero(2, 1)).ok());
  EXPECT_FALSE(EnsembleKalmanFilter::Create(MatrixXd::Zero(0, 4)).ok());
  MatrixXd nan_members = MatrixXd::Zero(2, 3);
  nan_members(1, 2) = std::nan("");
  auto bad = EnsembleKalmanFilter::Create(nan_members);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("(1, 2)"), std::string::npos);
  EnkfOptions bad_options;
  bad_options.inflation = 0.0;
  EXPECT_FALSE(
      EnsembleKalmanFilter::Create(MatrixXd::Ones(2, 3), bad_options).ok());
  EXPECT_FALSE(EnsembleKalmanFilter::CreateGaussian(VectorXd::Zero(2),
                                                    TwoByTwo(1, 2, 2, 1), 5)
                   .ok());  // indefinite
  EXPECT_FALSE(EnsembleKalmanFilter::CreateGaussian(VectorXd::Zero(2),
                                                    TwoByTwo(1, 0, 0.5, 1), 5)
                   .ok());  // not symmetric
  // Singular but positive semi-definite is fine: the component stays put.
  auto singular = EnsembleKalmanFilter::CreateGaussian(VectorXd::Ones(2),
                                                       TwoByTwo(1, 0, 0, 0), 5);
  ASSERT_TRUE(singular.ok());
  EXPECT_NEAR(singular->StandardDeviation()[1], 0.0, 1e-12);

  MatrixXd members(2, 4);
  members << 0, 1, 2, 3, 1, 1, 2, 2;
  auto filter = EnsembleKalmanFilter::Create(members);
  ASSERT_TRUE(filter.ok());
  const MatrixXd h = MatrixXd::Identity(2, 2);
  const MatrixXd r = MatrixXd::Identity(2, 2);
  EXPECT_FALSE(filter->Analyze(VectorXd::Zero(3), h, r).ok());
  EXPECT_FALSE(
      filter->Analyze(VectorXd::Zero(0), MatrixXd(0, 2), MatrixXd(0, 0)).ok());
  EXPECT_FALSE(
      filter->Analyze(VectorXd::Zero(2), h, TwoByTwo(1, 0, 0, -1)).ok());
  EXPECT_FALSE(
      filter->Analyze(VectorXd::Zero(2), h, MatrixXd::Zero(2, 2)).ok());
  VectorXd y_nan = VectorXd::Zero(2);
  y_nan[0] = std::nan("");
  EXPECT_FALSE(filter->Analyze(y_nan, h, r).ok());
  ObservationFunction wrong_size = [](const Eigen::Ref<const VectorXd>&,
                                      VectorXd* out) {
    *out = VectorXd::Zero(1);
    return Status::Ok();
  };
  EXPECT_FALSE(filter->Analyze(VectorXd::Zero(2), wrong_size, r).ok());
  // Failed analyses leave the ensemble as it was.
  EXPECT_EQ(filter->members(), members);
}

TEST(EnkfTest, FailedForecastLeavesEnsembleUnchanged) {
  MatrixXd members(2, 3);
  members << 0, 1, 2, 3, 4, 5;
  auto filter = EnsembleKalmanFilter::Create(members);
  ASSERT_TRUE(filter.ok());
  Status s = filter->Forecast([](int member, Eigen::Ref<VectorXd> x) {
    if (member == 2) return InternalError("solver did not converge");
    x *= 2.0;
    return Status::Ok();
  });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "member 2: solver did not converge");
  EXPECT_EQ(filter->members(), members);
  s = filter->Forecast([](int, Eigen::Ref<VectorXd> x) {
    x[0] = std::nan("");
    return Status::Ok();
  });
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_EQ(filter->members(), members);
  EXPECT_FALSE(
      filter
          ->ForecastAugmented(
              1,
              [](int, Eigen::Ref<VectorXd>, const Eigen::Ref<const VectorXd>&) {
                return Status::Ok();
              },
              VectorXd::Zero(2))
          .ok());  // 1 parameter, 2 jitters
  EXPECT_EQ(filter->members(), members);
}

// ---- Lorenz-63 benchmark --------------------------------------------------

// The twin experiment of Sakov, Oliver & Bertino (2012), "An iterative EnKF
// for strongly nonlinear systems", Mon. Wea. Rev. 140:1988-2004, section 5a
// and Table 1, as set up in DAPPER (nansencenter/DAPPER,
// dapper/mods/Lorenz63/sakov2012.py): Lorenz-63 with sigma = 10, rho = 28,
// beta = 8/3, RK4 at dt = 0.01; all three variables observed every 25 steps
// (0.25 time units) with R = 2 I; truth and initial ensemble drawn from
// N([1.509, -1.531, 25.46], 2 I); no model error; analysis RMSE =
// sqrt(mean over components of (ensemble mean - truth)^2), averaged over the
// analysis times after a burn-in of 16 time units (64 cycles). Reported
// analysis RMSE with N = 10: 0.65 in the paper's Table 1 (EnKF, as quoted by
// DAPPER); DAPPER's own benchmarks on this setup give 0.65 for the
// perturbed-observation EnKF with inflation 1.04 and 0.60 for the
// square-root EnKF with inflation 1.02 (and random rotations). The
// observation-only baseline is sqrt(2) = 1.41 and climatology 7.6.
struct L63Result {
  double analysis_rmse = 0.0;
  double forecast_rmse = 0.0;
  double mean_spread = 0.0;
};

L63Result RunSakov2012(EnkfVariant variant, double inflation, int cycles,
                       uint64_t seed) {
  constexpr int kStepsPerCycle = 25;
  constexpr int kBurnInCycles = 64;
  const Lorenz63 model;
  VectorXd x0(3);
  x0 << 1.509, -1.531, 25.46;
  const MatrixXd r = 2.0 * MatrixXd::Identity(3, 3);
  const MatrixXd h = MatrixXd::Identity(3, 3);
  Rng truth_rng(seed ^ 0x5eedULL);
  VectorXd truth(3);
  for (int k = 0; k < 3; ++k)
    truth[k] = x0[k] + std::sqrt(2.0) * truth_rng.Normal();

  EnkfOptions options;
  options.variant = variant;
  options.inflation = inflation;
  options.seed = seed;
  auto filter = EnsembleKalmanFilter::CreateGaussian(x0, r, 10, options);
  EXPECT_TRUE(filter.ok());
  const Propagator propagate = [&](int, Eigen::Ref<VectorXd> x) {
    model.Advance(x, kStepsPerCycle);
    return Status::Ok();
  };
  L63Result result;
  int counted = 0;
  for (int cycle = 0; cycle < cycles; ++cycle) {
    model.Advance(truth, kStepsPerCycle);
    EXPECT_TRUE(filter->Forecast(propagate).ok());
    VectorXd y(3);
    for (int k = 0; k < 3; ++k)
      y[k] = truth[k] + std::sqrt(2.0) * truth_rng.Normal();
    const double forecast_error =
        (filter->Mean() - truth).norm() / std::sqrt(3.0);
    auto summary = filter->Analyze(y, h, r);
    EXPECT_TRUE(summary.ok());
    if (cycle >= kBurnInCycles) {
      result.analysis_rmse += (filter->Mean() - truth).norm() / std::sqrt(3.0);
      result.forecast_rmse += forecast_error;
      result.mean_spread += summary->analysis_spread;
      ++counted;
    }
  }
  result.analysis_rmse /= counted;
  result.forecast_rmse /= counted;
  result.mean_spread /= counted;
  return result;
}

// Free run from the same initial ensemble: the RMSE of its mean without
// observations, the upper reference (about the climatological spread).
double FreeRunRmse(int cycles) {
  const Lorenz63 model;
  VectorXd truth(3);
  truth << 1.509, -1.531, 25.46;
  VectorXd run = truth + VectorXd::Constant(3, 1.0);
  double sum = 0.0;
  int counted = 0;
  for (int cycle = 0; cycle < cycles; ++cycle) {
    model.Advance(truth, 25);
    model.Advance(run, 25);
    if (cycle >= 64) {
      sum += (run - truth).norm() / std::sqrt(3.0);
      ++counted;
    }
  }
  return sum / counted;
}

// 10,000 cycles (2,500 time units) per run. Inflation is tuned per filter,
// as in the paper and in DAPPER. DAPPER's factors (1.04 stochastic, 1.02
// square root) are applied to the posterior and, for the square root, with
// random rotations; ours is applied to the prior without rotation, and with
// DAPPER's factors this test's runs give 0.70 and 0.67. A scan of our filter
// (inflation 1.00-1.15, 4 seeds x 10,000 cycles each) has its minimum near
// 1.08-1.10: 0.91/0.87 at 1.00, 0.67/0.64 at 1.04, 0.62/0.61 at 1.10
// (stochastic/square root); 1.08 is used for both. Over 6 seeds at 1.08 the
// RMSE ranged 0.626-0.676 (stochastic) and 0.606-0.648 (square root); this
// test's seeds give 0.684 and 0.596. The
// bands below are +-0.1 around the reported values: 3 seed-to-seed standard
// deviations, and tighter than the gap to the neighbouring methods of the
// table (3D-Var 1.04, optimal interpolation 1.25 above; iEnKS 0.31 below).
TEST(EnkfLorenz63Test, Sakov2012PerturbedObservations) {
  const L63Result r =
      RunSakov2012(EnkfVariant::kPerturbedObservations, 1.08, 10000, 11);
  const double free_run = FreeRunRmse(10000);
  std::printf(
      "[Sakov 2012 L63, stochastic EnKF N=10 infl 1.08] analysis RMSE %.3f "
      "(reported 0.65), forecast RMSE %.3f, mean spread %.3f, free run "
      "%.2f\n",
      r.analysis_rmse, r.forecast_rmse, r.mean_spread, free_run);
  EXPECT_GT(r.analysis_rmse, 0.55);
  EXPECT_LT(r.analysis_rmse, 0.75);
  // Far below the free run and below the observation error sqrt(2).
  EXPECT_GT(free_run, 5.0);
  EXPECT_LT(r.analysis_rmse, std::sqrt(2.0) / 2.0);
}

TEST(EnkfLorenz63Test, Sakov2012SquareRoot) {
  const L63Result r = RunSakov2012(EnkfVariant::kSquareRoot, 1.08, 10000, 12);
  std::printf(
      "[Sakov 2012 L63, square-root EnKF N=10 infl 1.08] analysis RMSE %.3f "
      "(reported 0.60), forecast RMSE %.3f, mean spread %.3f\n",
      r.analysis_rmse, r.forecast_rmse, r.mean_spread);
  EXPECT_GT(r.analysis_rmse, 0.50);
  EXPECT_LT(r.analysis_rmse, 0.70);
}

// ---- parameter estimation by state augmentation --------------------------

// rho of Lorenz-63 recovered from noisy observations of x, y, z: state
// [x, y, z, rho], prior rho ~ N(22, 3^2) (truth 28), the Sakov 2012
// observation setup, 20 members, small jitter on rho. Checked beforehand on
// 8 other seeds (both variants, 400 cycles): |rho - 28| <= 0.15 and within
// 1.4 posterior standard deviations (0.11-0.26) every time.
TEST(EnkfParameterTest, RecoversRhoByStateAugmentation) {
  Lorenz63 truth_model;
  VectorXd truth(3);
  truth << 1.509, -1.531, 25.46;
  Rng rng(2024);
  VectorXd mean(4);
  mean << 1.509, -1.531, 25.46, 22.0;
  MatrixXd cov = MatrixXd::Zero(4, 4);
  cov.diagonal() << 2.0, 2.0, 2.0, 9.0;
  EnkfOptions options;
  options.variant = EnkfVariant::kSquareRoot;
  options.inflation = 1.02;
  options.seed = 5;
  auto filter = EnsembleKalmanFilter::CreateGaussian(mean, cov, 20, options);
  ASSERT_TRUE(filter.ok());
  MatrixXd h = MatrixXd::Zero(3, 4);
  h.leftCols(3).setIdentity();
  const MatrixXd r = 2.0 * MatrixXd::Identity(3, 3);
  const ParametricPropagator propagate =
      [](int, Eigen::Ref<VectorXd> x, const Eigen::Ref<const VectorXd>& p) {
        Lorenz63 member_model;
        member_model.rho = p[0];
        member_model.Advance(x, 25);
        return Status::Ok();
      };
  const VectorXd jitter = VectorXd::Constant(1, 0.01);
  for (int cycle = 0; cycle < 400; ++cycle) {
    truth_model.Advance(truth, 25);
    ASSERT_TRUE(filter->ForecastAugmented(3, propagate, jitter).ok());
    VectorXd y(3);
    for (int k = 0; k < 3; ++k) y[k] = truth[k] + std::sqrt(2.0) * rng.Normal();
    ASSERT_TRUE(filter->Analyze(y, h, r).ok());
  }
  const double rho = filter->Mean()[3];
  const double rho_sd = filter->StandardDeviation()[3];
  std::printf(
      "[L63 rho by augmentation] rho %.3f +- %.3f (truth 28, prior "
      "22 +- 3)\n",
      rho, rho_sd);
  EXPECT_LT(std::abs(rho - 28.0), 3.0 * rho_sd);
  EXPECT_LT(std::abs(rho - 28.0), 0.5);
  EXPECT_LT(rho_sd, 1.0);  // the data informed rho (prior sd 3)
}

// With no dynamic state (state_size 0) the filter estimates parameters
// alone through a nonlinear observation function: the twin's sequential
// update. Here theta = log k of y = k t observed at three times.
TEST(EnkfParameterTest, ParametersOnlyWithNonlinearObservation) {
  const double k_true = 2.5;
  const std::vector<double> times = {0.5, 1.0, 2.0};
  EnkfOptions options;
  options.seed = 9;
  auto filter = EnsembleKalmanFilter::CreateGaussian(
      VectorXd::Constant(1, std::log(1.0)), MatrixXd::Constant(1, 1, 1.0), 200,
      options);
  ASSERT_TRUE(filter.ok());
  const ObservationFunction h = [&](const Eigen::Ref<const VectorXd>& theta,
                                    VectorXd* out) {
    out->resize(3);
    for (int i = 0; i < 3; ++i) (*out)[i] = std::exp(theta[0]) * times[i];
    return Status::Ok();
  };
  const MatrixXd r = 0.01 * MatrixXd::Identity(3, 3);
  Rng rng(77);
  for (int update = 0; update < 10; ++update) {
    ASSERT_TRUE(
        filter
            ->ForecastAugmented(
                0,
                [](int, Eigen::Ref<VectorXd>,
                   const Eigen::Ref<const VectorXd>&) { return Status::Ok(); },
                VectorXd::Zero(1))
            .ok());
    VectorXd y(3);
    for (int i = 0; i < 3; ++i) y[i] = k_true * times[i] + 0.1 * rng.Normal();
    auto summary = filter->Analyze(y, h, r);
    ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  }
  const double k = std::exp(filter->Mean()[0]);
  const double sd = filter->StandardDeviation()[0];
  std::printf("[parameters only] k %.4f (truth 2.5), log-sd %.4f\n", k, sd);
  EXPECT_LT(std::abs(std::log(k / k_true)), 3.0 * sd + 0.01);
  EXPECT_LT(std::abs(k - k_true), 0.05);
}

}  // namespace
}  // namespace jumeau::assimilation
