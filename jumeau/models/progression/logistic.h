// Disease-course mapping models (models/progression/, pure equations): the
// univariate and multivariate logistic models with individual time shift,
// acceleration and space shifts through independent sources, and the linear
// variant, in Leaspy's parameterisation. Estimation (MCMC-SAEM) lives in
// jumeau/assimilation/saem.h; this file only evaluates trajectories.
//
// References:
//   J.-B. Schiratti, S. Allassonnière, O. Colliot, S. Durrleman. "Learning
//   spatiotemporal trajectories from manifold-valued longitudinal data."
//   NeurIPS 2015; and "A Bayesian mixed-effects model to learn trajectories
//   of changes from repeated manifold-valued observations." JMLR 18 (2017).
//   I. Koval et al. "AD Course Map charts Alzheimer's disease progression."
//   Scientific Reports 11 (2021). Leaspy (Inria/ARAMIS),
//   https://leaspy.readthedocs.io
//
// Equations (subject i, visit at age t in years, feature k = 1..K, values
// normalised to [0, 1] increasing with the disease):
//   alpha_i = exp(xi_i),  rt_i(t) = alpha_i (t - tau_i)   (years)
//   w_i = A s_i,  A = Q betas                           (K x Ns)
//   logistic: y_ik(t) = 1 / (1 + g_k exp(-c_k (v_k rt_i(t) + w_ik))),
//             c_k = (1+g_k)^2 / g_k (the metric), g_k = exp(log_g_k) (so
//             1/(1+g_k) is feature k's value at rt = 0), v_k = exp(log_v0_k)
//             (/year: the slope of the average curve at rt = 0);
//   linear:   y_ik(t) = p_k + v_k rt_i(t) + w_ik, p_k = g_k (no exp).
//   Q (K x (K-1)) is an orthonormal basis of the complement of the vector
//   u = c.^2 .* v (logistic; u = v for linear), i.e. space shifts are
//   orthogonal, for the metric's inner product, to the average trajectory's
//   velocity at rt = 0 (Schiratti 2015 eq. 5; identifiability of A). This is
//   Leaspy 2's parameterisation (model_with_sources, OrthoBasis(v0,
//   metric^2)); the basis here is Euclidean-orthonormal (a Householder
//   reflection), so betas are comparable to Leaspy's up to a rotation.
//   Random effects: tau_i ~ N(tau_mean, tau_std^2) (years), xi_i ~ N(0,
//   xi_std^2), s_i ~ N(0, I_Ns). Observation: y_obs = y + e, e ~ N(0,
//   noise_std_k^2) (diagonal; one shared sd for the scalar noise model).
#ifndef JUMEAU_MODELS_PROGRESSION_LOGISTIC_H_
#define JUMEAU_MODELS_PROGRESSION_LOGISTIC_H_

#include <cmath>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "jumeau/core/status.h"

namespace jumeau::models::progression {

// The shape of the average trajectory of every feature.
enum class CurveKind { kLogistic, kLinear };

// "logistic" / "linear".
std::string_view CurveKindName(CurveKind kind);
// Parses "logistic" or "linear"; kInvalidArgument otherwise.
Result<CurveKind> ParseCurveKind(std::string_view name);

inline constexpr char kLogisticModelName[] = "logistic_progression";
inline constexpr char kLinearModelName[] = "linear_progression";
inline constexpr char kProgressionModelVersion[] = "1.0.0";

// The population (fixed-effect) parameters of a disease-course model, as
// estimated on a cohort. Plain data; copyable.
struct PopulationParameters {
  CurveKind kind = CurveKind::kLogistic;
  int features = 1;  // K >= 1
  int sources = 0;   // Ns, 0 <= Ns <= K - 1
  // Per feature (size K): log_g (logistic) or the position p (linear).
  std::vector<double> g;
  // Per feature (size K): log of the velocity v, log(1/year).
  std::vector<double> log_v0;
  // (K - 1) x Ns, row-major: coordinates of A's columns in the basis Q.
  std::vector<double> betas;
  double tau_mean = 70.0;  // years (age at the reference point)
  double tau_std = 5.0;    // years
  double xi_std = 0.5;     // log-acceleration sd (dimensionless)
  // Size K (diagonal Gaussian noise) or 1 (one sd shared by all features).
  std::vector<double> noise_std;

  // Returns Ok when the sizes agree with features/sources and every value
  // is finite (sds > 0); kInvalidArgument naming the first problem.
  Status Validate() const;
  // The noise sd of feature k.
  double NoiseStd(int k) const {
    return noise_std.size() == 1 ? noise_std[0] : noise_std[k];
  }
};

// One subject's random effects.
struct IndividualParameters {
  double tau = 0.0;             // years
  double xi = 0.0;              // log-acceleration
  std::vector<double> sources;  // size Ns
};

// The mixing matrix A (K x Ns, row-major) of `population` (empty when
// Ns = 0). REQUIRES: population.Validate() is Ok.
std::vector<double> MixingMatrix(const PopulationParameters& population);

// A ready-to-evaluate form of a population model: per-feature constants and
// the mixing matrix, precomputed once. Immutable after construction; safe
// for concurrent use.
class ProgressionCurves {
 public:
  // REQUIRES: population.Validate() is Ok.
  explicit ProgressionCurves(const PopulationParameters& population);

  const PopulationParameters& population() const { return population_; }
  int features() const { return population_.features; }
  int sources() const { return population_.sources; }

  // Space shifts w = A s (size K) of sources `s` (size Ns) into `w`.
  void SpaceShifts(std::span<const double> s, std::span<double> w) const;

  // The value of feature k at reparametrised time rt (years) with space
  // shift w_k, in normalised units.
  double Value(int k, double rt, double w_k) const {
    if (population_.kind == CurveKind::kLinear) {
      return position_[k] + velocity_[k] * rt + w_k;
    }
    return 1.0 / (1.0 + g_[k] * std::exp(-c_[k] * (velocity_[k] * rt + w_k)));
  }

  // Predicted values of every feature (K values per time, row-major into
  // `out`, size times.size() * K) for subject parameters `ind` at ages
  // `times` (years). REQUIRES: ind.sources.size() == Ns.
  void Predict(const IndividualParameters& ind, std::span<const double> times,
               std::span<double> out) const;

  // The age (years) at which feature k crosses `level` (normalised units)
  // for subject `ind`, or NaN when the curve never reaches it (a logistic
  // level outside (0, 1)).
  double CrossingAge(const IndividualParameters& ind, int k,
                     double level) const;

 private:
  PopulationParameters population_;
  std::vector<double> g_;         // exp(log_g)
  std::vector<double> c_;         // (1+g)^2 / g
  std::vector<double> position_;  // linear: p
  std::vector<double> velocity_;  // exp(log_v0)
  std::vector<double> mixing_;    // K x Ns
};

}  // namespace jumeau::models::progression

#endif  // JUMEAU_MODELS_PROGRESSION_LOGISTIC_H_
