// MCMC-SAEM fit and MCMC personalisation of disease-course models (see
// saem.h). The sampler keeps, per visit and feature, the time factor
// E = exp(-c v rt) (logistic; v rt for linear) and, per subject and feature,
// the space factor F = exp(-c w) (w for linear), so that a prediction is
// 1 / (1 + g E F) (p + E + F): a proposal on tau or xi recomputes E of one
// subject, one on the sources or on a population coordinate recomputes F of
// everyone (N x K exponentials) and reuses E.
#include "jumeau/assimilation/saem.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <utility>

#include "jumeau/core/random.h"

namespace jumeau::assimilation {
namespace {

using models::progression::CurveKind;
using models::progression::IndividualParameters;
using models::progression::PopulationParameters;

constexpr int kAdaptWindow = 50;

// Per-feature constants of a population draw.
struct Constants {
  std::vector<double> g;   // exp(log_g) (logistic) or position p (linear)
  std::vector<double> v;   // exp(log_v0)
  std::vector<double> c;   // (1+g)^2/g (logistic) or 1
  std::vector<double> ve;  // c v: the rate of the time factor
  std::vector<double> a;   // mixing matrix, K x Ns
};

Constants MakeConstants(const PopulationParameters& p) {
  Constants k;
  const int n = p.features;
  k.g.resize(n);
  k.v.resize(n);
  k.c.resize(n);
  k.ve.resize(n);
  for (int j = 0; j < n; ++j) {
    k.v[j] = std::exp(p.log_v0[j]);
    if (p.kind == CurveKind::kLinear) {
      k.g[j] = p.g[j];
      k.c[j] = 1.0;
    } else {
      k.g[j] = std::exp(p.g[j]);
      k.c[j] = (1 + k.g[j]) * (1 + k.g[j]) / k.g[j];
    }
    k.ve[j] = k.c[j] * k.v[j];
  }
  k.a = models::progression::MixingMatrix(p);
  return k;
}

// The latent state of the MCMC and its caches.
class Sampler {
 public:
  Sampler(const CohortData& data, const PopulationParameters& pop,
          uint64_t seed)
      : data_(data),
        kind_(pop.kind),
        k_(pop.features),
        ns_(pop.sources),
        n_(data.subjects()),
        pop_(pop),
        rng_(seed) {
    consts_ = MakeConstants(pop_);
    tau_.assign(n_, pop.tau_mean);
    xi_.assign(n_, 0.0);
    s_.assign(static_cast<std::size_t>(n_) * ns_, 0.0);
    e_.assign(static_cast<std::size_t>(data.visits()) * k_, 0.0);
    f_.assign(static_cast<std::size_t>(n_) * k_, 0.0);
    sse_.assign(static_cast<std::size_t>(n_) * k_, 0.0);
    count_.assign(k_, 0);
    for (std::size_t o = 0; o < data.values.size(); ++o)
      if (!std::isnan(data.values[o])) ++count_[o % k_];
    sd_tau_.assign(n_, 1.0);
    sd_xi_.assign(n_, 0.1);
    sd_ridge_.assign(n_, 0.1);
    acc_ridge_.assign(n_, 0);
    mean_time_.assign(n_, 0.0);
    for (int i = 0; i < n_; ++i) {
      const int a = data.offsets[i], b = data.offsets[i + 1];
      for (int v = a; v < b; ++v) mean_time_[i] += data.times[v] / (b - a);
    }
    sd_s_.assign(n_, 0.5);
    acc_tau_.assign(n_, 0);
    acc_xi_.assign(n_, 0);
    acc_s_.assign(n_, 0);
    SetNoise(pop.noise_std);
    int max_visits = 0;
    for (int i = 0; i < n_; ++i)
      max_visits = std::max(max_visits, data.offsets[i + 1] - data.offsets[i]);
    e_tmp_.resize(static_cast<std::size_t>(max_visits) * k_);
    RecomputeAll();
  }

  void SetNoise(const std::vector<double>& noise_std) {
    inv2var_.resize(k_);
    for (int j = 0; j < k_; ++j) {
      const double s = noise_std.size() == 1 ? noise_std[0] : noise_std[j];
      inv2var_[j] = 1.0 / (2.0 * s * s);
    }
  }

  void SetIndividualPrior(double tau_mean, double tau_std, double xi_std) {
    tau_mean_ = tau_mean;
    tau_std_ = tau_std;
    xi_std_ = xi_std;
  }

  // Recomputes every cache from the current state.
  void RecomputeAll() {
    for (int i = 0; i < n_; ++i) {
      const int v0 = data_.offsets[i];
      SubjectE(i, tau_[i], xi_[i], consts_,
               &e_[static_cast<std::size_t>(v0) * k_]);
      SubjectF(i, &s_[static_cast<std::size_t>(i) * ns_], consts_,
               &f_[static_cast<std::size_t>(i) * k_]);
      SubjectSse(i, &e_[static_cast<std::size_t>(v0) * k_],
                 &f_[static_cast<std::size_t>(i) * k_], consts_,
                 &sse_[static_cast<std::size_t>(i) * k_]);
    }
  }

  // One Metropolis-within-Gibbs sweep over tau, xi and the sources of every
  // subject.
  void SweepIndividuals() {
    std::vector<double> sse_new(k_), f_new(k_), s_new(ns_);
    for (int i = 0; i < n_; ++i) {
      const int v0 = data_.offsets[i];
      double* e = &e_[static_cast<std::size_t>(v0) * k_];
      double* f = &f_[static_cast<std::size_t>(i) * k_];
      double* sse = &sse_[static_cast<std::size_t>(i) * k_];
      const std::size_t block =
          static_cast<std::size_t>(data_.offsets[i + 1] - v0) * k_;
      // tau
      {
        const double tau = tau_[i] + sd_tau_[i] * rng_.Normal();
        SubjectE(i, tau, xi_[i], consts_, e_tmp_.data());
        SubjectSse(i, e_tmp_.data(), f, consts_, sse_new.data());
        const double z0 = (tau_[i] - tau_mean_) / tau_std_;
        const double z1 = (tau - tau_mean_) / tau_std_;
        const double log_ratio =
            Delta(sse, sse_new.data()) - 0.5 * (z1 * z1 - z0 * z0);
        if (Accept(log_ratio)) {
          tau_[i] = tau;
          std::copy(e_tmp_.begin(), e_tmp_.begin() + block, e);
          std::copy(sse_new.begin(), sse_new.end(), sse);
          ++acc_tau_[i];
        }
      }
      // xi
      {
        const double xi = xi_[i] + sd_xi_[i] * rng_.Normal();
        SubjectE(i, tau_[i], xi, consts_, e_tmp_.data());
        SubjectSse(i, e_tmp_.data(), f, consts_, sse_new.data());
        const double z0 = xi_[i] / xi_std_, z1 = xi / xi_std_;
        const double log_ratio =
            Delta(sse, sse_new.data()) - 0.5 * (z1 * z1 - z0 * z0);
        if (Accept(log_ratio)) {
          xi_[i] = xi;
          std::copy(e_tmp_.begin(), e_tmp_.begin() + block, e);
          std::copy(sse_new.begin(), sse_new.end(), sse);
          ++acc_xi_[i];
        }
      }
      // (tau, xi) along the ridge that keeps the reparametrised age of the
      // subject's mean visit: xi' = xi + d, tau' = tbar - (tbar - tau) e^-d
      // (Jacobian e^-d), so the pace changes about the middle of the
      // follow-up instead of its start.
      {
        const double tbar = mean_time_[i];
        const double d = sd_ridge_[i] * rng_.Normal();
        const double xi = xi_[i] + d;
        const double tau = tbar - (tbar - tau_[i]) * std::exp(-d);
        SubjectE(i, tau, xi, consts_, e_tmp_.data());
        SubjectSse(i, e_tmp_.data(), f, consts_, sse_new.data());
        const double a0 = (tau_[i] - tau_mean_) / tau_std_;
        const double a1 = (tau - tau_mean_) / tau_std_;
        const double b0 = xi_[i] / xi_std_, b1 = xi / xi_std_;
        const double log_ratio = Delta(sse, sse_new.data()) -
                                 0.5 * (a1 * a1 - a0 * a0) -
                                 0.5 * (b1 * b1 - b0 * b0) - d;
        if (Accept(log_ratio)) {
          tau_[i] = tau;
          xi_[i] = xi;
          std::copy(e_tmp_.begin(), e_tmp_.begin() + block, e);
          std::copy(sse_new.begin(), sse_new.end(), sse);
          ++acc_ridge_[i];
        }
      }
      // sources (one block)
      if (ns_ > 0) {
        double* s = &s_[static_cast<std::size_t>(i) * ns_];
        double prior = 0.0;
        for (int m = 0; m < ns_; ++m) {
          s_new[m] = s[m] + sd_s_[i] * rng_.Normal();
          prior -= 0.5 * (s_new[m] * s_new[m] - s[m] * s[m]);
        }
        SubjectF(i, s_new.data(), consts_, f_new.data());
        SubjectSse(i, e, f_new.data(), consts_, sse_new.data());
        if (Accept(Delta(sse, sse_new.data()) + prior)) {
          std::copy(s_new.begin(), s_new.end(), s);
          std::copy(f_new.begin(), f_new.end(), f);
          std::copy(sse_new.begin(), sse_new.end(), sse);
          ++acc_s_[i];
        }
      }
    }
  }

  // One sweep over the population coordinates (g, log_v0, betas), each with
  // prior N(means[j], prior_sd[j]^2).
  void SweepPopulation(const std::vector<double>& means,
                       const std::vector<double>& prior_sd) {
    const std::size_t p = means.size();
    if (sd_pop_.empty()) {
      sd_pop_ = prior_sd;
      acc_pop_.assign(p, 0);
    }
    std::vector<double> sse_total(k_), sse_total_new(k_);
    std::vector<double> e_new, f_new, sse_new(sse_.size());
    for (std::size_t j = 0; j < p; ++j) {
      PopulationParameters trial = pop_;
      double& x = Coordinate(trial, j);
      const double old = x;
      x = old + sd_pop_[j] * rng_.Normal();
      const Constants c = MakeConstants(trial);
      const int kk = static_cast<int>(j % std::max(k_, 1));
      const bool is_g = j < static_cast<std::size_t>(k_);
      const bool is_v = !is_g && j < static_cast<std::size_t>(2 * k_);
      // Which caches change: E only for a velocity; F when the mixing
      // matrix moves (sources) or c moves (logistic g).
      const bool new_e = is_v;
      const bool new_f = ns_ > 0 || (is_g && kind_ == CurveKind::kLogistic);
      const int only = ns_ > 0 ? -1 : kk;  // features whose values change
      if (new_e) {
        e_new = e_;
        for (int i = 0; i < n_; ++i) SubjectEFeature(i, kk, c, &e_new);
      }
      if (new_f) {
        f_new.resize(f_.size());
        for (int i = 0; i < n_; ++i)
          SubjectF(i, &s_[static_cast<std::size_t>(i) * ns_], c,
                   &f_new[static_cast<std::size_t>(i) * k_]);
      }
      const std::vector<double>& e = new_e ? e_new : e_;
      const std::vector<double>& f = new_f ? f_new : f_;
      double delta = 0.0;
      for (int i = 0; i < n_; ++i) {
        const std::size_t row = static_cast<std::size_t>(i) * k_;
        const int v0 = data_.offsets[i];
        SubjectSse(i, &e[static_cast<std::size_t>(v0) * k_], &f[row], c,
                   &sse_new[row], only);
        for (int q = 0; q < k_; ++q) {
          if (only >= 0 && q != only) {
            sse_new[row + q] = sse_[row + q];
            continue;
          }
          delta += (sse_[row + q] - sse_new[row + q]) * inv2var_[q];
        }
      }
      const double z0 = (old - means[j]) / prior_sd[j];
      const double z1 = (x - means[j]) / prior_sd[j];
      if (Accept(delta - 0.5 * (z1 * z1 - z0 * z0))) {
        pop_ = std::move(trial);
        consts_ = c;
        if (new_e) e_.swap(e_new);
        if (new_f) f_.swap(f_new);
        sse_.swap(sse_new);
        ++acc_pop_[j];
      }
    }
  }

  // Two joint moves along the model's near-symmetries, which single-site
  // updates cross only slowly (each a Metropolis step with a symmetric
  // random-walk proposal on a translation, so the target is unchanged):
  // (1) xi_i -= d for every subject and log_v0_k += d for every feature:
  //     alpha_i v_k is unchanged, so only the priors enter the ratio;
  // (2) tau_i += d for every subject and the position of every feature
  //     moved by v_k d (the average curve's slope there), so that the curve
  //     shifts in time with the subjects: for the logistic the position is
  //     p_k = 1/(1+g_k) and the ratio carries the Jacobian of p -> log_g
  //     (log_g_k -= c_k v_k d to first order); for the linear model p_k is
  //     the position itself. The likelihood is recomputed.
  void SweepShifts(const std::vector<double>& means,
                   const std::vector<double>& prior_sd) {
    const auto prior = [&](const PopulationParameters& p) {
      double lp = 0.0;
      for (std::size_t j = 0; j < means.size(); ++j) {
        const double z = (CoordinateValue(p, j) - means[j]) / prior_sd[j];
        lp -= 0.5 * z * z;
      }
      return lp;
    };
    // (1)
    {
      const double d = sd_shift_xi_ * rng_.Normal();
      PopulationParameters trial = pop_;
      for (double& v : trial.log_v0) v += d;
      double lp = prior(trial) - prior(pop_);
      for (int i = 0; i < n_; ++i) {
        const double a = xi_[i] / xi_std_, b = (xi_[i] - d) / xi_std_;
        lp -= 0.5 * (b * b - a * a);
      }
      if (Accept(lp)) {
        pop_ = std::move(trial);
        consts_ = MakeConstants(pop_);
        for (double& x : xi_) x -= d;
        // e and sse unchanged up to rounding; F depends on the basis of
        // v0 only through its direction, which a common factor keeps.
        ++acc_shift_xi_;
      }
    }
    // (2)
    {
      const double d = sd_shift_tau_ * rng_.Normal();
      PopulationParameters trial = pop_;
      // log(target density) gains the Jacobian of the change of variables
      // from log_g to the translated position p (logistic only).
      double log_jacobian = 0.0;
      bool inside = true;
      for (int q = 0; q < k_; ++q) {
        if (kind_ == CurveKind::kLinear) {
          trial.g[q] += consts_.v[q] * d;
          continue;
        }
        const double p0 = 1.0 / (1.0 + consts_.g[q]);
        const double p1 = p0 + consts_.v[q] * d;
        if (!(p1 > 0.0 && p1 < 1.0)) {
          inside = false;  // outside the logistic's range: reject
          break;
        }
        trial.g[q] = std::log((1.0 - p1) / p1);
        log_jacobian += std::log(p0 * (1.0 - p0)) - std::log(p1 * (1.0 - p1));
      }
      const Constants c = inside ? MakeConstants(trial) : consts_;
      std::vector<double> tau = tau_;
      double lp = prior(trial) - prior(pop_) + log_jacobian;
      for (int i = 0; i < n_; ++i) {
        tau[i] += d;
        const double a = (tau_[i] - tau_mean_) / tau_std_;
        const double b = (tau[i] - tau_mean_) / tau_std_;
        lp -= 0.5 * (b * b - a * a);
      }
      std::vector<double> e(e_.size()), f(f_.size()), sse(sse_.size());
      for (int i = 0; inside && i < n_; ++i) {
        const std::size_t v0 = static_cast<std::size_t>(data_.offsets[i]) * k_;
        const std::size_t row = static_cast<std::size_t>(i) * k_;
        SubjectE(i, tau[i], xi_[i], c, &e[v0]);
        SubjectF(i, &s_[static_cast<std::size_t>(i) * ns_], c, &f[row]);
        SubjectSse(i, &e[v0], &f[row], c, &sse[row]);
        lp += Delta(&sse_[row], &sse[row]);
      }
      if (inside && Accept(lp)) {
        pop_ = std::move(trial);
        consts_ = c;
        tau_.swap(tau);
        e_.swap(e);
        f_.swap(f);
        sse_.swap(sse);
        ++acc_shift_tau_;
      }
    }
    if (++shift_sweeps_ % kAdaptWindow == 0) {
      const auto tune = [](double& sd, int& acc) {
        const double rate = static_cast<double>(acc) / kAdaptWindow;
        if (rate < 0.2) sd *= 0.75;
        if (rate > 0.4) sd *= 1.3;
        acc = 0;
      };
      tune(sd_shift_xi_, acc_shift_xi_);
      tune(sd_shift_tau_, acc_shift_tau_);
    }
  }

  // Every kAdaptWindow sweeps: scales proposal sds towards an acceptance
  // rate in [0.2, 0.4]; adds the window's counts to the totals.
  void Adapt(bool adapt_population) {
    const auto tune = [](double& sd, int& acc) {
      const double rate = static_cast<double>(acc) / kAdaptWindow;
      if (rate < 0.2) sd *= 0.75;
      if (rate > 0.4) sd *= 1.3;
    };
    for (int i = 0; i < n_; ++i) {
      total_tau_ += acc_tau_[i];
      total_xi_ += acc_xi_[i];
      total_s_ += acc_s_[i];
      tune(sd_tau_[i], acc_tau_[i]);
      tune(sd_xi_[i], acc_xi_[i]);
      tune(sd_ridge_[i], acc_ridge_[i]);
      acc_ridge_[i] = 0;
      if (ns_ > 0) tune(sd_s_[i], acc_s_[i]);
      acc_tau_[i] = acc_xi_[i] = acc_s_[i] = 0;
    }
    for (std::size_t j = 0; j < acc_pop_.size(); ++j) {
      total_pop_ += acc_pop_[j];
      if (adapt_population) tune(sd_pop_[j], acc_pop_[j]);
      acc_pop_[j] = 0;
    }
    windows_ += 1;
  }

  void CountOnly() {
    for (int i = 0; i < n_; ++i) {
      total_tau_ += acc_tau_[i];
      total_xi_ += acc_xi_[i];
      total_s_ += acc_s_[i];
      acc_tau_[i] = acc_xi_[i] = acc_s_[i] = 0;
    }
    for (auto& a : acc_pop_) total_pop_ += a, a = 0;
  }

  // Mean acceptance rates given the sweeps done.
  double RateTau(int sweeps) const { return Rate(total_tau_, sweeps, n_); }
  double RateXi(int sweeps) const { return Rate(total_xi_, sweeps, n_); }
  double RateSources(int sweeps) const { return Rate(total_s_, sweeps, n_); }
  double RatePopulation(int sweeps) const {
    return Rate(total_pop_, sweeps, static_cast<int>(acc_pop_.size()));
  }

  // Sum over subjects of each feature's squared residuals.
  std::vector<double> SseByFeature() const {
    std::vector<double> out(k_, 0.0);
    for (int i = 0; i < n_; ++i)
      for (int q = 0; q < k_; ++q)
        out[q] += sse_[static_cast<std::size_t>(i) * k_ + q];
    return out;
  }
  double LogLikelihood() const {
    double ll = 0.0;
    const std::vector<double> s = SseByFeature();
    for (int q = 0; q < k_; ++q) {
      ll -= s[q] * inv2var_[q];
      ll -= 0.5 * count_[q] * std::log(M_PI / inv2var_[q]);
    }
    return ll;
  }

  const PopulationParameters& population() const { return pop_; }
  const std::vector<double>& tau() const { return tau_; }
  const std::vector<double>& xi() const { return xi_; }
  const std::vector<double>& sources() const { return s_; }
  const std::vector<int>& counts() const { return count_; }

  static double CoordinateValue(const PopulationParameters& p, std::size_t j) {
    const std::size_t k = p.g.size();
    if (j < k) return p.g[j];
    if (j < 2 * k) return p.log_v0[j - k];
    return p.betas[j - 2 * k];
  }
  static double& Coordinate(PopulationParameters& p, std::size_t j) {
    const std::size_t k = p.g.size();
    if (j < k) return p.g[j];
    if (j < 2 * k) return p.log_v0[j - k];
    return p.betas[j - 2 * k];
  }

 private:
  static double Rate(int64_t accepted, int sweeps, int per_sweep) {
    if (sweeps <= 0 || per_sweep <= 0) return 0.0;
    return static_cast<double>(accepted) /
           (static_cast<double>(sweeps) * per_sweep);
  }

  bool Accept(double log_ratio) {
    if (log_ratio >= 0) return true;
    return std::log(rng_.Uniform()) < log_ratio;
  }

  // log-likelihood(new) - log-likelihood(old) from the squared residuals.
  double Delta(const double* sse_old, const double* sse_new) const {
    double d = 0.0;
    for (int q = 0; q < k_; ++q) d += (sse_old[q] - sse_new[q]) * inv2var_[q];
    return d;
  }

  void SubjectE(int i, double tau, double xi, const Constants& c,
                double* e) const {
    const int v0 = data_.offsets[i], v1 = data_.offsets[i + 1];
    const double alpha = std::exp(xi);
    for (int v = v0; v < v1; ++v) {
      const double rt = alpha * (data_.times[v] - tau);
      double* row = e + static_cast<std::size_t>(v - v0) * k_;
      if (kind_ == CurveKind::kLinear) {
        for (int q = 0; q < k_; ++q) row[q] = c.v[q] * rt;
      } else {
        for (int q = 0; q < k_; ++q) row[q] = std::exp(-c.ve[q] * rt);
      }
    }
  }

  void SubjectEFeature(int i, int q, const Constants& c,
                       std::vector<double>* e) const {
    const int v0 = data_.offsets[i], v1 = data_.offsets[i + 1];
    const double alpha = std::exp(xi_[i]);
    for (int v = v0; v < v1; ++v) {
      const double rt = alpha * (data_.times[v] - tau_[i]);
      (*e)[static_cast<std::size_t>(v) * k_ + q] =
          kind_ == CurveKind::kLinear ? c.v[q] * rt : std::exp(-c.ve[q] * rt);
    }
  }

  void SubjectF(int /*i*/, const double* s, const Constants& c,
                double* f) const {
    for (int q = 0; q < k_; ++q) {
      double w = 0.0;
      for (int m = 0; m < ns_; ++m)
        w += c.a[static_cast<std::size_t>(q) * ns_ + m] * s[m];
      f[q] = kind_ == CurveKind::kLinear ? w : std::exp(-c.c[q] * w);
    }
  }

  void SubjectSse(int i, const double* e, const double* f, const Constants& c,
                  double* sse, int only = -1) const {
    const int v0 = data_.offsets[i], v1 = data_.offsets[i + 1];
    for (int q = 0; q < k_; ++q) sse[q] = 0.0;
    const double* y = &data_.values[static_cast<std::size_t>(v0) * k_];
    for (int v = 0; v < v1 - v0; ++v) {
      const double* er = e + static_cast<std::size_t>(v) * k_;
      const double* yr = y + static_cast<std::size_t>(v) * k_;
      for (int q = 0; q < k_; ++q) {
        if (only >= 0 && q != only) continue;
        const double pred = kind_ == CurveKind::kLinear
                                ? c.g[q] + er[q] + f[q]
                                : 1.0 / (1.0 + c.g[q] * er[q] * f[q]);
        const double r = yr[q] - pred;
        if (!std::isnan(r)) sse[q] += r * r;
      }
    }
  }

  const CohortData& data_;
  CurveKind kind_;
  int k_, ns_, n_;
  PopulationParameters pop_;
  Constants consts_;
  Rng rng_;
  double tau_mean_ = 0, tau_std_ = 1, xi_std_ = 1;
  std::vector<double> inv2var_;
  std::vector<double> tau_, xi_, s_;  // individual draws
  std::vector<double> e_, f_, sse_;   // caches
  std::vector<double> e_tmp_;
  std::vector<int> count_;  // observed values per feature
  std::vector<double> sd_tau_, sd_xi_, sd_s_, sd_pop_;
  std::vector<int> acc_tau_, acc_xi_, acc_s_, acc_pop_;
  // The (tau, xi) ridge move: proposal sd and acceptances per subject, and
  // the subject's mean visit age.
  std::vector<double> sd_ridge_, mean_time_;
  std::vector<int> acc_ridge_;
  int64_t total_tau_ = 0, total_xi_ = 0, total_s_ = 0, total_pop_ = 0;
  int windows_ = 0;
  double sd_shift_xi_ = 0.01, sd_shift_tau_ = 0.1;
  int acc_shift_xi_ = 0, acc_shift_tau_ = 0, shift_sweeps_ = 0;
};

// Initial population parameters from the data (Leaspy-like: mean values
// and pooled within-subject slopes).
PopulationParameters Initialise(const CohortData& d, const SaemOptions& o) {
  const int k = static_cast<int>(d.features.size());
  PopulationParameters p;
  p.kind = o.kind;
  p.features = k;
  p.sources = o.sources;
  p.g.resize(k);
  p.log_v0.resize(k);
  p.betas.assign(static_cast<std::size_t>(k - 1) * o.sources, 0.0);
  p.tau_mean = std::accumulate(d.times.begin(), d.times.end(), 0.0) /
               std::max(1, d.visits());
  p.tau_std = 5.0;
  p.xi_std = 0.5;
  std::vector<double> noise(k, 0.1);
  for (int q = 0; q < k; ++q) {
    double sum = 0, sum2 = 0;
    int n = 0;
    double slope_sum = 0;
    int slopes = 0;
    for (int i = 0; i < d.subjects(); ++i) {
      double st = 0, sy = 0, stt = 0, sty = 0;
      int m = 0;
      for (int v = d.offsets[i]; v < d.offsets[i + 1]; ++v) {
        const double y = d.values[static_cast<std::size_t>(v) * k + q];
        if (std::isnan(y)) continue;
        const double t = d.times[v];
        sum += y, sum2 += y * y, ++n;
        st += t, sy += y, stt += t * t, sty += t * y, ++m;
      }
      const double den = m * stt - st * st;
      if (m >= 2 && den > 1e-12) {
        slope_sum += (m * sty - st * sy) / den;
        ++slopes;
      }
    }
    const double mean = n > 0 ? sum / n : 0.5;
    const double sd =
        n > 1 ? std::sqrt(std::max(sum2 / n - mean * mean, 0.0)) : 0.1;
    const double slope = slopes > 0 ? slope_sum / slopes : 0.01;
    if (o.kind == CurveKind::kLinear) {
      p.g[q] = mean;
      p.log_v0[q] = std::log(std::max(slope, 1e-3));
      noise[q] = std::max(0.5 * sd, 1e-3);
    } else {
      const double m = std::clamp(mean, 0.02, 0.98);
      const double g = 1.0 / m - 1.0;
      p.g[q] = std::log(g);
      p.log_v0[q] = std::log(std::max(slope, 1e-3));
    }
  }
  if (o.diagonal_noise) {
    p.noise_std = noise;
  } else {
    double s2 = 0;
    for (double s : noise) s2 += s * s;
    p.noise_std = {std::sqrt(s2 / k)};
  }
  return p;
}

struct Window {
  double mean = 0, sd = 0;
};
Window Stats(const std::vector<double>& x, int from, int to) {
  Window w;
  const int n = to - from;
  if (n <= 0) return w;
  for (int i = from; i < to; ++i) w.mean += x[i];
  w.mean /= n;
  for (int i = from; i < to; ++i) w.sd += (x[i] - w.mean) * (x[i] - w.mean);
  w.sd = std::sqrt(w.sd / std::max(1, n - 1));
  return w;
}

}  // namespace

void CohortData::AddSubject(std::string id,
                            const std::vector<double>& subject_times,
                            const std::vector<double>& subject_values) {
  subject_ids.push_back(std::move(id));
  times.insert(times.end(), subject_times.begin(), subject_times.end());
  values.insert(values.end(), subject_values.begin(), subject_values.end());
  offsets.push_back(static_cast<int>(times.size()));
}

Status CohortData::Validate() const {
  const std::size_t k = features.size();
  if (k == 0) return InvalidArgumentError("the cohort has no feature");
  if (subject_ids.empty())
    return InvalidArgumentError("the cohort has no subject");
  if (offsets.size() != subject_ids.size() + 1 || offsets.front() != 0 ||
      offsets.back() != visits() || values.size() != times.size() * k) {
    return InvalidArgumentError("cohort arrays have inconsistent sizes");
  }
  for (int i = 0; i < subjects(); ++i) {
    if (offsets[i + 1] <= offsets[i]) {
      return InvalidArgumentError(
          fmt::format("subject '{}' has no visit", subject_ids[i]));
    }
    bool any = false;
    for (int v = offsets[i]; v < offsets[i + 1]; ++v) {
      const int visit = v - offsets[i] + 1;
      if (!std::isfinite(times[v])) {
        return InvalidArgumentError(
            fmt::format("subject '{}' visit {}: time is not finite",
                        subject_ids[i], visit));
      }
      if (v > offsets[i] && !(times[v] > times[v - 1])) {
        return InvalidArgumentError(fmt::format(
            "subject '{}' visit {}: time {} is not after {} (visits must be "
            "sorted and not duplicated)",
            subject_ids[i], visit, times[v], times[v - 1]));
      }
      for (std::size_t q = 0; q < k; ++q) {
        const double y = values[v * k + q];
        if (std::isinf(y)) {
          return InvalidArgumentError(
              fmt::format("subject '{}' visit {}: {} is not finite",
                          subject_ids[i], visit, features[q]));
        }
        any = any || !std::isnan(y);
      }
    }
    if (!any) {
      return InvalidArgumentError(
          fmt::format("subject '{}' has no measured value", subject_ids[i]));
    }
  }
  return Status::Ok();
}

std::string SaemResult::BriefReport() const {
  const auto& p = population;
  std::string out = fmt::format(
      "MCMC-SAEM {} model, {} features, {} sources: {} iterations ({} "
      "burn-in), seed {}\n",
      models::progression::CurveKindName(p.kind), p.features, p.sources,
      iterations, burn_in, seed);
  out += fmt::format("  tau_mean {:.4g} y, tau_std {:.4g} y, xi_std {:.4g}\n",
                     p.tau_mean, p.tau_std, p.xi_std);
  for (int k = 0; k < p.features; ++k) {
    out += fmt::format(
        "  feature {}: {} {:.4g}, log_v0 {:.4g}, noise_std {:.4g}\n", k,
        p.kind == CurveKind::kLinear ? "position" : "log_g", p.g[k],
        p.log_v0[k], p.NoiseStd(k));
  }
  out += fmt::format(
      "  acceptance: tau {:.2f}, xi {:.2f}, sources {:.2f}, population {:.2f}; "
      "log-likelihood {:.6g}\n",
      diagnostics.acceptance_tau, diagnostics.acceptance_xi,
      diagnostics.acceptance_sources, diagnostics.acceptance_population,
      log_likelihood);
  out += diagnostics.converged
             ? "  converged (no drift at the end of the burn-in)\n"
             : "  WARNING: not converged\n";
  for (const auto& w : diagnostics.warnings) out += "  warning: " + w + "\n";
  return out;
}

Result<SaemResult> FitSaem(const CohortData& cohort, const SaemOptions& o) {
  JUMEAU_RETURN_IF_ERROR(cohort.Validate());
  const int k = static_cast<int>(cohort.features.size());
  if (o.sources < 0 || o.sources > k - 1) {
    return InvalidArgumentError(
        fmt::format("sources must be between 0 and {} (features - 1), got {}",
                    k - 1, o.sources));
  }
  if (o.iterations < 10 || o.iterations > 10000000) {
    return InvalidArgumentError("iterations must be between 10 and 10^7");
  }
  if (!(o.burn_in_fraction >= 0 && o.burn_in_fraction <= 1) ||
      !(o.step_exponent > 0.5 && o.step_exponent <= 1) ||
      !(o.g_prior_std > 0) || !(o.v0_prior_std > 0) ||
      !(o.betas_prior_std > 0) || o.trace_every < 1) {
    return InvalidArgumentError("bad MCMC-SAEM options");
  }
  if (o.kind == CurveKind::kLogistic) {
    for (int i = 0; i < cohort.subjects(); ++i) {
      for (int v = cohort.offsets[i]; v < cohort.offsets[i + 1]; ++v) {
        for (int q = 0; q < k; ++q) {
          const double y = cohort.values[static_cast<std::size_t>(v) * k + q];
          if (!std::isnan(y) && (y < 0.0 || y > 1.0)) {
            return InvalidArgumentError(fmt::format(
                "subject '{}' visit {}: {} = {} is outside [0, 1] (the "
                "logistic model needs values normalised to their range)",
                cohort.subject_ids[i], v - cohort.offsets[i] + 1,
                cohort.features[q], y));
          }
        }
      }
    }
  }

  PopulationParameters p = Initialise(cohort, o);
  Sampler sampler(cohort, p, o.seed);
  const int n = cohort.subjects();
  const int burn_in =
      static_cast<int>(std::lround(o.burn_in_fraction * o.iterations));
  const std::size_t npop = p.g.size() + p.log_v0.size() + p.betas.size();
  std::vector<double> pop_mean(npop), prior_sd(npop);
  for (std::size_t j = 0; j < npop; ++j) {
    pop_mean[j] = Sampler::Coordinate(p, j);
    prior_sd[j] = j < p.g.size()                     ? o.g_prior_std
                  : j < p.g.size() + p.log_v0.size() ? o.v0_prior_std
                                                     : o.betas_prior_std;
  }
  // Sufficient statistics.
  double s_tau = 0, s_tau2 = 0, s_xi2 = 0;
  std::vector<double> s_sse(k, 0.0);
  std::vector<double> s_pop = pop_mean;
  const std::vector<int>& counts = sampler.counts();
  int total_count = 0;
  for (int c : counts) total_count += c;

  SaemResult result;
  result.subject_tau.assign(n, 0.0);
  result.subject_xi.assign(n, 0.0);
  // Per-iteration scalar traces for the drift diagnostic.
  std::vector<std::string> names = {"tau_mean", "tau_std", "xi_std",
                                    "noise_std"};
  for (std::size_t j = 0; j < npop; ++j) {
    names.push_back(j < p.g.size() ? fmt::format("g[{}]", j)
                    : j < 2 * p.g.size()
                        ? fmt::format("log_v0[{}]", j - p.g.size())
                        : fmt::format("betas[{}]", j - 2 * p.g.size()));
  }
  std::vector<std::vector<double>> series(names.size(),
                                          std::vector<double>(o.iterations));
  int sampled_after = 0;
  for (int it = 0; it < o.iterations; ++it) {
    sampler.SetIndividualPrior(p.tau_mean, p.tau_std, p.xi_std);
    sampler.SweepIndividuals();
    sampler.SweepPopulation(pop_mean, prior_sd);
    sampler.SweepShifts(pop_mean, prior_sd);
    if ((it + 1) % kAdaptWindow == 0) sampler.Adapt(true);
    // Stochastic approximation.
    const double eps =
        it < burn_in ? 1.0 : std::pow(it - burn_in + 1.0, -o.step_exponent);
    double t1 = 0, t2 = 0, x2 = 0;
    for (int i = 0; i < n; ++i) {
      const double t = sampler.tau()[i], x = sampler.xi()[i];
      t1 += t, t2 += t * t, x2 += x * x;
    }
    s_tau += eps * (t1 - s_tau);
    s_tau2 += eps * (t2 - s_tau2);
    s_xi2 += eps * (x2 - s_xi2);
    const std::vector<double> sse = sampler.SseByFeature();
    for (int q = 0; q < k; ++q) s_sse[q] += eps * (sse[q] - s_sse[q]);
    PopulationParameters draw = sampler.population();
    for (std::size_t j = 0; j < npop; ++j)
      s_pop[j] += eps * (Sampler::Coordinate(draw, j) - s_pop[j]);
    // Maximisation.
    p.tau_mean = s_tau / n;
    p.tau_std = std::sqrt(std::max(s_tau2 / n - p.tau_mean * p.tau_mean, 1e-8));
    p.xi_std = std::sqrt(std::max(s_xi2 / n, 1e-8));
    if (o.diagonal_noise) {
      for (int q = 0; q < k; ++q)
        p.noise_std[q] = counts[q] > 0
                             ? std::sqrt(std::max(s_sse[q] / counts[q], 1e-12))
                             : 1.0;
    } else {
      double total = 0;
      for (int q = 0; q < k; ++q) total += s_sse[q];
      p.noise_std[0] =
          std::sqrt(std::max(total / std::max(1, total_count), 1e-12));
    }
    pop_mean = s_pop;
    for (std::size_t j = 0; j < npop; ++j) Sampler::Coordinate(p, j) = s_pop[j];
    sampler.SetNoise(p.noise_std);
    if (!std::isfinite(p.tau_mean) || !std::isfinite(p.tau_std) ||
        !std::isfinite(p.xi_std) || !std::isfinite(s_sse[0])) {
      return OutOfRangeError(fmt::format(
          "MCMC-SAEM diverged at iteration {} (a parameter is not finite)",
          it + 1));
    }
    if (it >= burn_in) {
      ++sampled_after;
      for (int i = 0; i < n; ++i) {
        result.subject_tau[i] += sampler.tau()[i];
        result.subject_xi[i] += sampler.xi()[i];
      }
    }
    double rms = 0;
    for (double s : p.noise_std) rms += s * s;
    rms = std::sqrt(rms / p.noise_std.size());
    series[0][it] = p.tau_mean;
    series[1][it] = p.tau_std;
    series[2][it] = p.xi_std;
    series[3][it] = rms;
    for (std::size_t j = 0; j < npop; ++j) series[4 + j][it] = s_pop[j];
    if (it % o.trace_every == 0 || it + 1 == o.iterations) {
      result.trace.push_back({it + 1, p.tau_mean, p.tau_std, p.xi_std, rms,
                              sampler.LogLikelihood()});
    }
  }
  if (o.iterations % kAdaptWindow != 0) sampler.CountOnly();
  if (sampled_after > 0) {
    for (int i = 0; i < n; ++i) {
      result.subject_tau[i] /= sampled_after;
      result.subject_xi[i] /= sampled_after;
    }
  } else {
    result.subject_tau = sampler.tau();
    result.subject_xi = sampler.xi();
  }
  result.population = p;
  result.iterations = o.iterations;
  result.burn_in = burn_in;
  result.seed = o.seed;
  result.log_likelihood = sampler.LogLikelihood();
  JUMEAU_RETURN_IF_ERROR(p.Validate());

  // Diagnostics.
  SaemDiagnostics& d = result.diagnostics;
  d.acceptance_tau = sampler.RateTau(o.iterations);
  d.acceptance_xi = sampler.RateXi(o.iterations);
  d.acceptance_sources =
      o.sources > 0 ? sampler.RateSources(o.iterations) : 0.0;
  d.acceptance_population = sampler.RatePopulation(o.iterations);
  const int b = std::max(burn_in, 1);
  if (b < 200) {
    d.converged = false;
    d.warnings.push_back(fmt::format(
        "only {} burn-in iterations: too few to assess convergence (use "
        "thousands)",
        burn_in));
  } else {
    const int a0 = b / 2, a1 = 3 * b / 4;
    for (std::size_t s = 0; s < names.size(); ++s) {
      const Window wa = Stats(series[s], a0, a1), wc = Stats(series[s], a1, b);
      double scale;
      if (s == 0) {
        scale = p.tau_std;
      } else if (s < 4) {
        scale = std::abs(wc.mean);
      } else {
        scale = 1.0;  // log-scale or basis coordinates: absolute
      }
      const double change = std::abs(wc.mean - wa.mean);
      const double rel = scale > 0 ? change / scale : change;
      d.drift.emplace_back(names[s], rel);
      if (rel > 0.02 && change > 2.0 * wc.sd) {
        d.converged = false;
        d.warnings.push_back(fmt::format(
            "{} still drifting at the end of the burn-in ({:.3g} -> {:.3g}, "
            "{:.1f}% of its scale): increase --iterations",
            names[s], wa.mean, wc.mean, 100 * rel));
      }
    }
  }
  if (p.tau_std < 0.01 || p.xi_std < 0.01) {
    d.converged = false;
    d.warnings.push_back(fmt::format(
        "degenerate fit: tau_std {:.3g} y, xi_std {:.3g} collapsed to ~0 (the "
        "cohort does not inform individual time shifts or paces: too few or "
        "too similar subjects)",
        p.tau_std, p.xi_std));
  }
  const auto check_rate = [&](const char* what, double r, bool used) {
    if (used && (r < 0.05 || r > 0.9)) {
      d.converged = false;
      d.warnings.push_back(fmt::format(
          "{} acceptance rate {:.3f} outside [0.05, 0.9]", what, r));
    }
  };
  check_rate("tau", d.acceptance_tau, true);
  check_rate("xi", d.acceptance_xi, true);
  check_rate("sources", d.acceptance_sources, o.sources > 0);
  return result;
}

Result<std::vector<IndividualPosterior>> Personalize(
    const PopulationParameters& population, const CohortData& cohort,
    const PersonalizeOptions& o) {
  JUMEAU_RETURN_IF_ERROR(population.Validate());
  JUMEAU_RETURN_IF_ERROR(cohort.Validate());
  if (static_cast<int>(cohort.features.size()) != population.features) {
    return InvalidArgumentError(
        fmt::format("the data have {} features, the model {}",
                    cohort.features.size(), population.features));
  }
  if (o.burn_in < 0 || o.samples < 1 || o.thin < 1 || o.samples > 1000000 ||
      o.burn_in > 10000000) {
    return InvalidArgumentError("bad personalisation options");
  }
  Sampler sampler(cohort, population, o.seed);
  sampler.SetIndividualPrior(population.tau_mean, population.tau_std,
                             population.xi_std);
  const int n = cohort.subjects(), ns = population.sources;
  for (int it = 0; it < o.burn_in; ++it) {
    sampler.SweepIndividuals();
    if ((it + 1) % kAdaptWindow == 0) sampler.Adapt(false);
  }
  sampler.CountOnly();
  std::vector<IndividualPosterior> out(n);
  for (int i = 0; i < n; ++i) {
    out[i].subject_id = cohort.subject_ids[i];
    out[i].samples.reserve(o.samples);
  }
  int sweeps = 0;
  for (int s = 0; s < o.samples; ++s) {
    for (int t = 0; t < o.thin; ++t) sampler.SweepIndividuals(), ++sweeps;
    for (int i = 0; i < n; ++i) {
      IndividualParameters ind;
      ind.tau = sampler.tau()[i];
      ind.xi = sampler.xi()[i];
      ind.sources.assign(
          sampler.sources().begin() + static_cast<std::ptrdiff_t>(i) * ns,
          sampler.sources().begin() + static_cast<std::ptrdiff_t>(i + 1) * ns);
      out[i].samples.push_back(std::move(ind));
    }
  }
  sampler.CountOnly();
  const double acc =
      (sampler.RateTau(o.burn_in + sweeps) +
       sampler.RateXi(o.burn_in + sweeps) +
       (ns > 0 ? sampler.RateSources(o.burn_in + sweeps) : 0.0)) /
      (ns > 0 ? 3.0 : 2.0);
  for (auto& post : out) {
    const double m = static_cast<double>(post.samples.size());
    IndividualParameters mean;
    mean.sources.assign(ns, 0.0);
    for (const auto& x : post.samples) {
      mean.tau += x.tau / m;
      mean.xi += x.xi / m;
      for (int j = 0; j < ns; ++j) mean.sources[j] += x.sources[j] / m;
    }
    double vt = 0, vx = 0;
    std::vector<double> vs(ns, 0.0);
    for (const auto& x : post.samples) {
      vt += (x.tau - mean.tau) * (x.tau - mean.tau);
      vx += (x.xi - mean.xi) * (x.xi - mean.xi);
      for (int j = 0; j < ns; ++j)
        vs[j] +=
            (x.sources[j] - mean.sources[j]) * (x.sources[j] - mean.sources[j]);
    }
    const double den = std::max(1.0, m - 1);
    post.tau_sd = std::sqrt(vt / den);
    post.xi_sd = std::sqrt(vx / den);
    post.sources_sd.resize(ns);
    for (int j = 0; j < ns; ++j) post.sources_sd[j] = std::sqrt(vs[j] / den);
    post.mean = std::move(mean);
    post.acceptance = acc;
  }
  return out;
}

CohortData SimulateCohort(const PopulationParameters& population,
                          const CohortSimulationOptions& o,
                          std::vector<IndividualParameters>* truth) {
  Rng rng(o.seed);
  const int k = population.features, ns = population.sources;
  models::progression::ProgressionCurves curves(population);
  CohortData d;
  for (int q = 0; q < k; ++q) d.features.push_back(fmt::format("y{}", q));
  if (truth != nullptr) truth->clear();
  for (int i = 0; i < o.subjects; ++i) {
    IndividualParameters ind;
    ind.tau = population.tau_mean + population.tau_std * rng.Normal();
    ind.xi = population.xi_std * rng.Normal();
    for (int m = 0; m < ns; ++m) ind.sources.push_back(rng.Normal());
    const int visits =
        o.min_visits +
        static_cast<int>(rng.Uniform() * (o.max_visits - o.min_visits + 1));
    std::vector<double> t(visits);
    double age = ind.tau + o.first_visit_sd * rng.Normal() -
                 0.5 * (visits - 1) * o.visit_spacing;
    for (int v = 0; v < visits; ++v) {
      t[v] = age;
      age += o.visit_spacing * (0.75 + 0.5 * rng.Uniform());
    }
    std::vector<double> y(static_cast<std::size_t>(visits) * k);
    curves.Predict(ind, t, y);
    for (int v = 0; v < visits; ++v) {
      for (int q = 0; q < k; ++q) {
        double& x = y[static_cast<std::size_t>(v) * k + q];
        x += population.NoiseStd(q) * rng.Normal();
        if (population.kind == CurveKind::kLogistic)
          x = std::clamp(x, 0.0, 1.0);
      }
    }
    d.AddSubject(fmt::format("S{:04d}", i + 1), t, y);
    if (truth != nullptr) truth->push_back(std::move(ind));
  }
  return d;
}

}  // namespace jumeau::assimilation
