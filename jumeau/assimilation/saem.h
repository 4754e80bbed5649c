// Fitting disease-course models (models/progression/logistic.h) on a cohort
// by MCMC-SAEM, and personalising them to one patient's visits by MCMC on
// the individual parameters (jumeau/assimilation, above models/). In-memory
// and pure: front ends load the cohort (io/cohort_csv.h, the store) and pass
// it in.
//
// MCMC-SAEM (Kuhn & Lavielle 2004; Allassonnière, Kuhn & Trouvé 2010;
// Schiratti et al. 2017 sec. 4): each iteration (1) draws the latent
// variables by one Metropolis-within-Gibbs sweep -- individual tau, xi and
// sources (all subjects at once, one proposal per subject) and the
// population variables log_g, log_v0 and betas (one coordinate at a time,
// each with a N(mean, prior_std^2) prior, as in Leaspy), with proposal sds
// adapted towards an acceptance of 0.2-0.4; (2) updates the sufficient
// statistics by stochastic approximation S <- S + eps_k (S(z) - S) with
// eps_k = 1 during the burn-in and (k - burn_in + 1)^-0.6 after; (3) sets
// the parameters to the maximiser given S (closed form).
#ifndef JUMEAU_ASSIMILATION_SAEM_H_
#define JUMEAU_ASSIMILATION_SAEM_H_

#include <cstdint>
#include <string>
#include <vector>

#include "jumeau/core/status.h"
#include "jumeau/models/progression/logistic.h"

namespace jumeau::assimilation {

// A longitudinal cohort in memory: subjects with sorted visits, each visit
// with one value per feature (normalised; NaN = not measured).
struct CohortData {
  std::vector<std::string> features;     // K names
  std::vector<std::string> subject_ids;  // N
  // Subject i's visits are [offsets[i], offsets[i+1]); size N + 1.
  std::vector<int> offsets = {0};
  std::vector<double> times;   // one age (years) per visit, sorted per subject
  std::vector<double> values;  // visits x K, row-major; NaN = missing

  int subjects() const { return static_cast<int>(subject_ids.size()); }
  int visits() const { return static_cast<int>(times.size()); }
  // Appends a subject. REQUIRES: values.size() == times.size() * K.
  void AddSubject(std::string id, const std::vector<double>& subject_times,
                  const std::vector<double>& subject_values);
  // Returns Ok when the shapes agree, every subject has at least one visit
  // with a value, times are finite and strictly increasing per subject and
  // values finite or NaN; kInvalidArgument naming the subject and visit
  // otherwise ("subject 'GS-003' visit 4: time 71.2 is not after 71.2").
  Status Validate() const;
};

// Options of FitSaem; defaults in brackets.
struct SaemOptions {
  models::progression::CurveKind kind =
      models::progression::CurveKind::kLogistic;
  int sources = 0;                // Ns [0]; REQUIRES 0 <= Ns <= K - 1
  bool diagonal_noise = true;     // one noise sd per feature [true]
  int iterations = 5000;          // [5000]; REQUIRES >= 10
  double burn_in_fraction = 0.9;  // step 1 for this share [0.9] (Leaspy's)
  double step_exponent = 0.6;     // eps_k after burn-in [0.6]
  uint64_t seed = 0;              // [0]
  // Prior sds of the population variables sampled by MCMC (Leaspy's
  // defaults). [0.01 each]
  double g_prior_std = 0.01;
  double v0_prior_std = 0.01;
  double betas_prior_std = 0.01;
  // Record every n-th iteration's parameters in the trace [10].
  int trace_every = 10;
};

// One recorded iteration of the fit.
struct SaemTracePoint {
  int iteration = 0;
  double tau_mean = 0, tau_std = 0, xi_std = 0;
  double noise_std = 0;       // root mean square over features
  double log_likelihood = 0;  // Gaussian attachment of the current draw
};

// How the fit went. `converged` is false when a parameter still drifted at
// the end of the burn-in (mean over its last quarter vs the quarter before
// differ by more than 2 within-window sds and more than 2% of the scale) or
// an acceptance rate left [0.05, 0.9]; `warnings` then says which.
struct SaemDiagnostics {
  bool converged = true;
  std::vector<std::string> warnings;
  // name -> relative drift (|change of window means| / scale).
  std::vector<std::pair<std::string, double>> drift;
  // Mean acceptance rates over the run: tau, xi, sources, population.
  double acceptance_tau = 0, acceptance_xi = 0, acceptance_sources = 0,
         acceptance_population = 0;
};

// The result of FitSaem.
struct SaemResult {
  models::progression::PopulationParameters population;
  int iterations = 0;
  int burn_in = 0;
  uint64_t seed = 0;
  double log_likelihood = 0;  // final draw's attachment
  SaemDiagnostics diagnostics;
  std::vector<SaemTracePoint> trace;
  // Per subject (CohortData order): posterior means of tau and xi over the
  // iterations after the burn-in.
  std::vector<double> subject_tau, subject_xi;
  // Several lines: parameters, iterations, acceptance, convergence.
  std::string BriefReport() const;
};

// Fits the population model on `cohort` by MCMC-SAEM.
// Returns the result on success (also when not converged: see
// diagnostics). kInvalidArgument for a cohort failing Validate(), bad
// options, or a logistic model given a value outside [0, 1] (the message
// names the subject, visit and feature); kOutOfRange when the fit diverges
// (a parameter becomes non-finite). Deterministic for a given seed.
Result<SaemResult> FitSaem(const CohortData& cohort,
                           const SaemOptions& options);

// Options of Personalize; defaults in brackets.
struct PersonalizeOptions {
  int burn_in = 300;  // [300] MCMC iterations discarded (proposals adapt)
  int samples = 200;  // [200] kept posterior draws; REQUIRES >= 1
  int thin = 2;       // [2] iterations between kept draws; REQUIRES >= 1
  uint64_t seed = 0;  // [0]
};

// The posterior of one subject's random effects.
struct IndividualPosterior {
  std::string subject_id;
  std::vector<models::progression::IndividualParameters> samples;
  models::progression::IndividualParameters mean;
  double tau_sd = 0, xi_sd = 0;
  std::vector<double> sources_sd;
  double acceptance = 0;  // mean over tau, xi, sources
};

// Samples the posterior of the individual parameters of every subject of
// `cohort` given the fixed population model (prior x Gaussian likelihood),
// by the same Metropolis-within-Gibbs sweeps as the fit, all subjects at
// once. Returns one posterior per subject, in order. kInvalidArgument for
// a cohort failing Validate(), a feature count different from the model's,
// or bad options. Deterministic for a given seed.
Result<std::vector<IndividualPosterior>> Personalize(
    const models::progression::PopulationParameters& population,
    const CohortData& cohort, const PersonalizeOptions& options);

// Options of SimulateCohort; defaults in brackets.
struct CohortSimulationOptions {
  int subjects = 200;          // [200]
  int min_visits = 3;          // [3]
  int max_visits = 9;          // [9] visits drawn uniformly in [min, max]
  double visit_spacing = 1.0;  // years between visits [1.0], +-25% jitter
  // The first visit is at tau_i + N(0, first_visit_sd^2) minus half the
  // follow-up, so that follow-ups straddle each subject's reference age.
  double first_visit_sd = 3.0;  // years [3]
  uint64_t seed = 0;            // [0]
};

// Draws a synthetic cohort from `population` (random effects from their
// priors, Gaussian noise; logistic values clipped to [0, 1]) and, when
// `truth` is not null, the subjects' true random effects.
// REQUIRES: population.Validate() is Ok, 1 <= min_visits <= max_visits.
CohortData SimulateCohort(
    const models::progression::PopulationParameters& population,
    const CohortSimulationOptions& options,
    std::vector<models::progression::IndividualParameters>* truth = nullptr);

}  // namespace jumeau::assimilation

#endif  // JUMEAU_ASSIMILATION_SAEM_H_
