// The disease-course models fitted by MCMC-SAEM on Leaspy's bundled
// synthetic datasets (../shared/data/cohort/, see SOURCES.md), compared with
// Leaspy's reference fits (aramis-lab/leaspy, src/leaspy/datasets/
// model_parameters/parkinson-putamen-model_parameters.json, and
// leaspy/datasets/model_parameters/alzheimer-multivariate-model_parameters
// .json), and with the exact marginal likelihood of the data computed here
// by adaptive Gauss-Hermite quadrature over each subject's random effects.
//
// Leaspy's putamen reference (tau_mean 68.75) is not the maximum-likelihood
// estimate of this table: the maximum (found by Nelder-Mead on the
// quadrature likelihood) is at tau_mean 63.87, log_g -0.755, log_v0 -3.766,
// 7.0 log-likelihood units above Leaspy's parameters. log_g and log_v0 move
// with tau_mean along a weakly identified direction (about -0.078 and
// -0.035 per year), whose sd is about 1.7 years (profile likelihood); an
// MCMC-SAEM run ends at a point of that spread (Leaspy's own fits differ by
// about 4 years). So log_g and log_v0 are tested against the maximum, with
// tolerances of two sds of that spread, and our fit's likelihood against
// Leaspy's reference.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "jumeau/assimilation/saem.h"
#include "jumeau/models/progression/logistic.h"
#include "jumeau/testing/test_data.h"
#include "tests/progression/baselines.h"

namespace jumeau {
namespace {

using models::progression::PopulationParameters;

// Gauss-Hermite nodes and weights (weight function exp(-x^2)), by the
// Golub-Welsch eigenvalue method.
void GaussHermite(int n, std::vector<double>* x, std::vector<double>* w) {
  Eigen::MatrixXd j = Eigen::MatrixXd::Zero(n, n);
  for (int i = 1; i < n; ++i) j(i, i - 1) = j(i - 1, i) = std::sqrt(i / 2.0);
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(j);
  x->resize(n);
  w->resize(n);
  for (int i = 0; i < n; ++i) {
    (*x)[i] = es.eigenvalues()(i);
    const double v = es.eigenvectors()(0, i);
    (*w)[i] = std::sqrt(M_PI) * v * v;
  }
}

// The log of the marginal likelihood of `d` under `p` with mixing matrix
// `mixing` (K x Ns, row-major; w = A s): the sum over subjects of log of the
// integral over (tau, xi, s) of prior x Gaussian likelihood, by adaptive
// Gauss-Hermite quadrature with `nodes` points per dimension about each
// subject's posterior mode (found by a grid search then Newton steps).
class MarginalLikelihood {
 public:
  MarginalLikelihood(const assimilation::CohortData& d,
                     const PopulationParameters& p, std::vector<double> mixing)
      : d_(d), p_(p), a_(std::move(mixing)), k_(p.features), ns_(p.sources) {
    for (int q = 0; q < k_; ++q) {
      const double g = std::exp(p.g[q]);
      g_.push_back(g);
      c_.push_back((1 + g) * (1 + g) / g);
      v_.push_back(std::exp(p.log_v0[q]));
    }
  }

  double Total(int nodes) const {
    std::vector<double> x, w;
    GaussHermite(nodes, &x, &w);
    double sum = 0.0;
    for (int i = 0; i < d_.subjects(); ++i) sum += Subject(i, x, w);
    return sum;
  }

 private:
  // log(prior x likelihood) of subject i at z = (tau, xi, s...).
  double LogJoint(int i, const Eigen::VectorXd& z) const {
    const double tau = z(0), xi = z(1), alpha = std::exp(xi);
    double ll = 0.0;
    for (int v = d_.offsets[i]; v < d_.offsets[i + 1]; ++v) {
      for (int q = 0; q < k_; ++q) {
        const double y = d_.values[static_cast<std::size_t>(v) * k_ + q];
        if (std::isnan(y)) continue;
        double shift = 0.0;
        for (int m = 0; m < ns_; ++m) shift += a_[q * ns_ + m] * z(2 + m);
        const double f =
            1.0 / (1.0 + g_[q] * std::exp(-c_[q] *
                                          (v_[q] * alpha * (d_.times[v] - tau) +
                                           shift)));
        const double s = p_.NoiseStd(q), r = (y - f) / s;
        ll -= 0.5 * r * r + std::log(s) + 0.5 * std::log(2 * M_PI);
      }
    }
    const double zt = (tau - p_.tau_mean) / p_.tau_std, zx = xi / p_.xi_std;
    ll -= 0.5 * zt * zt + std::log(p_.tau_std) + 0.5 * std::log(2 * M_PI);
    ll -= 0.5 * zx * zx + std::log(p_.xi_std) + 0.5 * std::log(2 * M_PI);
    for (int m = 0; m < ns_; ++m)
      ll -= 0.5 * z(2 + m) * z(2 + m) + 0.5 * std::log(2 * M_PI);
    return ll;
  }

  double Subject(int i, const std::vector<double>& gx,
                 const std::vector<double>& gw) const {
    const int dim = 2 + ns_;
    Eigen::VectorXd scale = Eigen::VectorXd::Ones(dim);
    scale(0) = p_.tau_std;
    scale(1) = p_.xi_std;
    // Grid search over (tau, xi) with s = 0.
    Eigen::VectorXd z = Eigen::VectorXd::Zero(dim), best = z;
    double best_h = -HUGE_VAL;
    for (int a = -24; a <= 24; ++a) {
      for (int b = -16; b <= 16; ++b) {
        z(0) = p_.tau_mean + 0.2 * a * p_.tau_std;
        z(1) = 0.25 * b * p_.xi_std;
        const double h = LogJoint(i, z);
        if (h > best_h) best_h = h, best = z;
      }
    }
    z = best;
    // Newton steps with finite-difference derivatives, halved until the
    // objective does not decrease.
    Eigen::MatrixXd hess(dim, dim);
    Eigen::VectorXd grad(dim);
    for (int it = 0; it < 100; ++it) {
      const double f0 = LogJoint(i, z);
      for (int a = 0; a < dim; ++a) {
        const double ha = 1e-3 * scale(a);
        Eigen::VectorXd zp = z, zm = z;
        zp(a) += ha;
        zm(a) -= ha;
        const double fp = LogJoint(i, zp), fm = LogJoint(i, zm);
        grad(a) = (fp - fm) / (2 * ha);
        hess(a, a) = (fp - 2 * f0 + fm) / (ha * ha);
        for (int b = 0; b < a; ++b) {
          const double hb = 1e-3 * scale(b);
          Eigen::VectorXd z1 = z, z2 = z, z3 = z, z4 = z;
          z1(a) += ha, z1(b) += hb;
          z2(a) -= ha, z2(b) -= hb;
          z3(a) += ha, z3(b) -= hb;
          z4(a) -= ha, z4(b) += hb;
          hess(a, b) = hess(b, a) = (LogJoint(i, z1) + LogJoint(i, z2) -
                                     LogJoint(i, z3) - LogJoint(i, z4)) /
                                    (4 * ha * hb);
        }
      }
      Eigen::LLT<Eigen::MatrixXd> llt(-hess);
      const Eigen::VectorXd step =
          llt.info() == Eigen::Success
              ? Eigen::VectorXd(llt.solve(grad))
              : Eigen::VectorXd(0.05 *
                                scale.cwiseProduct(scale).cwiseProduct(grad));
      double t = 1.0;
      while (t > 1e-8 && !(LogJoint(i, z + t * step) >= f0)) t *= 0.5;
      z += t * step;
      if ((t * step).cwiseQuotient(scale).cwiseAbs().maxCoeff() < 1e-8) break;
    }
    // Quadrature in the coordinates of the Laplace approximation.
    const Eigen::MatrixXd cov = (-hess).inverse();
    const Eigen::MatrixXd l = Eigen::LLT<Eigen::MatrixXd>(cov).matrixL();
    const int n = static_cast<int>(gx.size());
    long total = 1;
    for (int a = 0; a < dim; ++a) total *= n;
    std::vector<double> terms(total);
    double top = -HUGE_VAL;
    Eigen::VectorXd u(dim);
    for (long t = 0; t < total; ++t) {
      long r = t;
      double log_w = 0.0;
      for (int a = 0; a < dim; ++a) {
        const int k = static_cast<int>(r % n);
        r /= n;
        u(a) = gx[k];
        log_w += std::log(gw[k]) + gx[k] * gx[k];
      }
      terms[t] = log_w + LogJoint(i, z + std::sqrt(2.0) * l * u);
      top = std::max(top, terms[t]);
    }
    double sum = 0.0;
    for (double x : terms) sum += std::exp(x - top);
    return top + std::log(sum) +
           std::log(std::pow(2.0, 0.5 * dim) * l.determinant());
  }

  const assimilation::CohortData& d_;
  PopulationParameters p_;
  std::vector<double> a_;
  int k_, ns_;
  std::vector<double> g_, c_, v_;
};

PopulationParameters Univariate(double tau_mean, double tau_std, double xi_std,
                                double noise, double log_g, double log_v0) {
  PopulationParameters p;
  p.features = 1;
  p.g = {log_g};
  p.log_v0 = {log_v0};
  p.tau_mean = tau_mean;
  p.tau_std = tau_std;
  p.xi_std = xi_std;
  p.noise_std = {noise};
  return p;
}

// Minimises `f` from `x0` by Nelder-Mead (initial simplex steps `step`),
// at most `max_evals` evaluations; returns the best point, its value in
// `*f_best`.
std::vector<double> NelderMead(
    const std::function<double(const std::vector<double>&)>& f,
    std::vector<double> x0, const std::vector<double>& step, int max_evals,
    double* f_best) {
  const int n = static_cast<int>(x0.size());
  std::vector<std::vector<double>> x(n + 1, x0);
  std::vector<double> fx(n + 1);
  for (int i = 0; i < n; ++i) x[i + 1][i] += step[i];
  int evals = 0;
  const auto eval = [&](const std::vector<double>& y) {
    ++evals;
    return f(y);
  };
  for (int i = 0; i <= n; ++i) fx[i] = eval(x[i]);
  while (evals < max_evals) {
    std::vector<int> order(n + 1);
    for (int i = 0; i <= n; ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](int a, int b) { return fx[a] < fx[b]; });
    auto xs = x;
    auto fs = fx;
    for (int i = 0; i <= n; ++i) x[i] = xs[order[i]], fx[i] = fs[order[i]];
    if (fx[n] - fx[0] < 1e-6) break;
    std::vector<double> centre(n, 0.0);
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) centre[j] += x[i][j] / n;
    const auto along = [&](double t) {
      std::vector<double> y(n);
      for (int j = 0; j < n; ++j) y[j] = centre[j] + t * (x[n][j] - centre[j]);
      return y;
    };
    const std::vector<double> xr = along(-1.0);
    const double fr = eval(xr);
    if (fr < fx[0]) {
      const std::vector<double> xe = along(-2.0);
      const double fe = eval(xe);
      if (fe < fr) {
        x[n] = xe, fx[n] = fe;
      } else {
        x[n] = xr, fx[n] = fr;
      }
    } else if (fr < fx[n - 1]) {
      x[n] = xr, fx[n] = fr;
    } else {
      const std::vector<double> xc = along(0.5);
      const double fc = eval(xc);
      if (fc < fx[n]) {
        x[n] = xc, fx[n] = fc;
      } else {
        for (int i = 1; i <= n; ++i) {
          for (int j = 0; j < n; ++j)
            x[i][j] = x[0][j] + 0.5 * (x[i][j] - x[0][j]);
          fx[i] = eval(x[i]);
        }
      }
    }
  }
  const int best =
      static_cast<int>(std::min_element(fx.begin(), fx.end()) - fx.begin());
  *f_best = fx[best];
  return x[best];
}

// What the data say about Leaspy's estimates. The putamen likelihood is
// nearly flat along (tau_mean, log_g, log_v0) together: log_g and log_v0
// move with tau_mean by about -0.078 and -0.035 per year. Holding tau_mean at
// Leaspy's 68.75, the quadrature likelihood's maximum over the other five
// parameters (Nelder-Mead, twice, from the values below) must be Leaspy's
// estimates: log_g within 0.10 and log_v0 within 0.15 of theirs, tau_std,
// xi_std and noise within 5%, 10% and 5%. (Found so: 3987.27 at log_g
// -1.135, log_v0 -3.934, tau_std 10.27, xi_std 0.520; Leaspy's own point
// scores 3984.43.) The free maximum (3991.45 at tau_mean 63.87, tau_std
// 10.09, xi_std 0.520, noise 0.02121, log_g -0.755, log_v0 -3.766) is
// recomputed by --gtest_also_run_disabled_tests (about a minute).
void MaximiseLikelihood(const assimilation::CohortData& data,
                        std::optional<double> fixed_tau_mean,
                        PopulationParameters* best, double* log_likelihood) {
  const auto unpack = [&](const std::vector<double>& x) {
    int i = 0;
    const double tau_mean = fixed_tau_mean ? *fixed_tau_mean : x[i++];
    const double tau_std = std::exp(x[i]), xi_std = std::exp(x[i + 1]);
    return Univariate(tau_mean, tau_std, xi_std, std::exp(x[i + 2]), x[i + 3],
                      x[i + 4]);
  };
  std::vector<double> x0 = {std::log(10.1), std::log(0.53), std::log(0.0212),
                            -0.8, -3.8};
  std::vector<double> step = {0.05, 0.05, 0.05, 0.1, 0.05};
  if (!fixed_tau_mean) {
    x0.insert(x0.begin(), 64.0);
    step.insert(step.begin(), 1.0);
  }
  const auto objective = [&](const std::vector<double>& x) {
    return -MarginalLikelihood(data, unpack(x), {}).Total(20);
  };
  double f = 0.0;
  std::vector<double> x = NelderMead(objective, x0, step, 400, &f);
  x = NelderMead(objective, x, std::vector<double>(x.size(), 0.02), 400, &f);
  *best = unpack(x);
  *log_likelihood = -f;
}

TEST(LeaspyReferenceTest, PutamenAtLeaspysTauMeanTheLikelihoodPeaksAtLeaspys) {
  JUMEAU_REQUIRE_TEST_DATA(path, "cohort/leaspy_parkinson-putamen.csv");
  const auto data = testing::LoadCohortCsv(path);
  PopulationParameters p;
  double ll = 0.0;
  MaximiseLikelihood(data, 68.7493, &p, &ll);
  std::printf(
      "profile at tau_mean 68.75: log-likelihood %.2f at tau_std %.3f, xi_std "
      "%.4f, noise %.5f, log_g %.4f, log_v0 %.4f (Leaspy: 10.03, 0.554, "
      "0.0212, -1.186, -4.052)\n",
      ll, p.tau_std, p.xi_std, p.noise_std[0], p.g[0], p.log_v0[0]);
  EXPECT_NEAR(p.g[0], -1.186, 0.10);
  EXPECT_NEAR(p.log_v0[0], -4.052, 0.15);
  EXPECT_NEAR(p.tau_std, 10.03, 0.05 * 10.03);
  EXPECT_NEAR(p.xi_std, 0.554, 0.10 * 0.554);
  EXPECT_NEAR(p.noise_std[0], 0.0212, 0.05 * 0.0212);
}

TEST(LeaspyReferenceTest, DISABLED_PutamenMaximumLikelihood) {
  JUMEAU_REQUIRE_TEST_DATA(path, "cohort/leaspy_parkinson-putamen.csv");
  const auto data = testing::LoadCohortCsv(path);
  PopulationParameters p;
  double ll = 0.0;
  MaximiseLikelihood(data, std::nullopt, &p, &ll);
  std::printf(
      "maximum: log-likelihood %.2f at tau_mean %.3f, tau_std %.3f, xi_std "
      "%.4f, noise %.5f, log_g %.4f, log_v0 %.4f\n",
      ll, p.tau_mean, p.tau_std, p.xi_std, p.noise_std[0], p.g[0],
      p.log_v0[0]);
}

// Putamen: 10,000 iterations (90% burn-in), seed 0, scalar noise.
// Tolerances: noise_std and tau_std 5% and xi_std 10% of Leaspy's; log_g
// 0.26 and log_v0 0.12 of the maximum-likelihood values (two sds of their
// spread along the weakly identified direction); the marginal
// log-likelihood of our fit above Leaspy's reference and within 3 units of
// the maximum.
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
  const PopulationParameters leaspy =
      Univariate(68.7493, 10.0295, 0.554290, 0.0212198, -1.186162, -4.051713);
  const PopulationParameters mle =
      Univariate(63.865, 10.088, 0.5204, 0.02121, -0.7548, -3.7657);
  const double ll_ours = MarginalLikelihood(data, p, {}).Total(20);
  const double ll_leaspy = MarginalLikelihood(data, leaspy, {}).Total(20);
  const double ll_mle = MarginalLikelihood(data, mle, {}).Total(20);
  std::printf("%s", r->BriefReport().c_str());
  std::printf(
      "putamen: ours / maximum likelihood / Leaspy: tau_mean %.2f / 63.87 / "
      "68.75, tau_std %.2f / 10.09 / 10.03, xi_std %.3f / 0.520 / 0.554, "
      "noise_std %.4f / 0.0212 / 0.0212, log_g %.3f / -0.755 / -1.186, "
      "log_v0 %.3f / -3.766 / -4.052; marginal log-likelihood %.2f / %.2f / "
      "%.2f\n",
      p.tau_mean, p.tau_std, p.xi_std, p.noise_std[0], p.g[0], p.log_v0[0],
      ll_ours, ll_mle, ll_leaspy);
  EXPECT_NEAR(p.noise_std[0], 0.0212, 0.05 * 0.0212);
  EXPECT_NEAR(p.tau_std, 10.03, 0.05 * 10.03);
  EXPECT_NEAR(p.xi_std, 0.554, 0.10 * 0.554);
  EXPECT_NEAR(p.g[0], -0.755, 0.26);
  EXPECT_NEAR(p.log_v0[0], -3.766, 0.12);
  EXPECT_GT(ll_ours, ll_leaspy);
  EXPECT_GT(ll_ours, ll_mle - 3.0);
  // The finding the tolerances rest on: Leaspy's reference is well below
  // the maximum on this table (7.0 units).
  EXPECT_LT(ll_leaspy, ll_mle - 5.0);
}

// Alzheimer: 7 features, 2 sources, diagonal noise, 10,000 iterations (90%
// burn-in), seed 0. Tolerances: tau_mean 2.5 years, tau_std and xi_std 10%
// of Leaspy's; the marginal log-likelihood of our fit at least 100 units
// above Leaspy's reference (its E-Cog Subject is left to the noise, sd
// 0.173, a local mode). Measured with seeds 0-3: tau_mean 74.87, 76.33,
// 75.73, 75.01 (Leaspy 77.16), tau_std 7.94-8.15, xi_std 0.644-0.659,
// log-likelihood 13,599-13,612 against Leaspy's 13,440.
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
  PopulationParameters leaspy;
  leaspy.features = 7;
  leaspy.sources = 2;
  leaspy.g = {1.020178, 0.316433,  1.810724, -0.652183,
              1.381810, -0.244594, 0.036578};
  leaspy.log_v0 = {-4.152716, -2.416206, -3.666922, -3.458948,
                   -2.583058, -3.779547, -3.770791};
  leaspy.betas.assign(12, 0.0);  // unused: the mixing matrix is given
  leaspy.tau_mean = 77.157883;
  leaspy.tau_std = 8.441839;
  leaspy.xi_std = 0.606880;
  leaspy.noise_std = {0.172988, 0.084355, 0.067466, 0.097842,
                      0.068597, 0.082250, 0.042913};
  const std::vector<double> leaspy_mixing = {
      -0.044173, -0.049120, -0.029084, -0.092222, 0.015008,
      0.043064,  -0.003875, 0.071603,  0.014802,  -0.012778,
      0.066365,  0.086714,  -0.082260, 0.118825};
  const double ll_ours =
      MarginalLikelihood(data, p, models::progression::MixingMatrix(p))
          .Total(4);
  const double ll_leaspy =
      MarginalLikelihood(data, leaspy, leaspy_mixing).Total(4);
  std::printf("%s", r->BriefReport().c_str());
  std::printf(
      "alzheimer vs Leaspy: tau_mean %.2f (77.16), tau_std %.2f (8.44), "
      "xi_std %.3f (0.607); marginal log-likelihood %.1f (Leaspy's "
      "reference %.1f)\n",
      p.tau_mean, p.tau_std, p.xi_std, ll_ours, ll_leaspy);
  EXPECT_NEAR(p.tau_mean, 77.16, 2.5);
  EXPECT_NEAR(p.tau_std, 8.44, 0.10 * 8.44);
  EXPECT_NEAR(p.xi_std, 0.607, 0.10 * 0.607);
  EXPECT_GT(ll_ours, ll_leaspy + 100.0);
}

}  // namespace
}  // namespace jumeau
