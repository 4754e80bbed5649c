// The ensemble Kalman filter: the sequential-update engine of the twin
// (jumeau/assimilation, above core, beside models). Generic over a state
// vector: the caller supplies the propagation of each member and the
// observation operator; the filter owns the ensemble and the random stream.
// Parameter estimation is by state augmentation (ForecastAugmented).
#ifndef JUMEAU_ASSIMILATION_ENKF_H_
#define JUMEAU_ASSIMILATION_ENKF_H_

#include <Eigen/Dense>
#include <cstdint>
#include <functional>
#include <string>

#include "jumeau/core/random.h"
#include "jumeau/core/status.h"

namespace jumeau::assimilation {

// Which analysis update the filter applies.
enum class EnkfVariant {
  // The stochastic EnKF of Burgers, van Leeuwen & Evensen (1998, Mon. Wea.
  // Rev. 126:1719): each member is updated with the Kalman gain towards its
  // own perturbed copy of the observations, y + e_i, e_i ~ N(0, R).
  kPerturbedObservations,
  // The ensemble transform Kalman filter in its symmetric square-root form
  // (Bishop, Etherton & Majumdar 2001; Hunt, Kostelich & Szunyogh 2007,
  // Physica D 230:112): deterministic, the anomalies are transformed so the
  // analysis covariance matches the Kalman filter's exactly.
  kSquareRoot,
};

// Options of EnsembleKalmanFilter; defaults in brackets.
struct EnkfOptions {
  EnkfVariant variant = EnkfVariant::kPerturbedObservations;
  // Multiplicative covariance inflation (Anderson & Anderson 1999): at each
  // analysis the forecast anomalies (members minus their mean) are multiplied
  // by this factor before the update, i.e. the forecast covariance by its
  // square. [1.0: none] REQUIRES: finite and > 0 (checked by Create).
  double inflation = 1.0;
  // kPerturbedObservations only: the N observation perturbations of one
  // analysis are centred (their mean removed) and rescaled by sqrt(N/(N-1))
  // so that their mean is exactly zero and their sample covariance an
  // unbiased estimate of R; this removes the spurious mean update caused by
  // sampling noise (as DAPPER's 'PertObs'). [true]
  bool center_perturbations = true;
  // Seed of the filter's random stream (initial ensemble of CreateGaussian,
  // observation perturbations, parameter jitter). Same seed, same inputs:
  // same ensemble, bit for bit on one platform. [1]
  uint64_t seed = 1;
};

// Advances one member's state in place from the previous analysis time to the
// next one. Inputs: `member` in [0, ensemble_size), `state` (length
// state_size, model units). Returns Ok, or an error (e.g. the solver failed)
// which aborts the whole forecast.
using Propagator =
    std::function<Status(int member, Eigen::Ref<Eigen::VectorXd> state)>;

// Like Propagator, for an augmented ensemble (see ForecastAugmented): the
// member's dynamic state (length state_size) advances in place, with the
// member's own parameter vector (read-only here).
using ParametricPropagator =
    std::function<Status(int member, Eigen::Ref<Eigen::VectorXd> state,
                         const Eigen::Ref<const Eigen::VectorXd>& parameters)>;

// A (possibly nonlinear) observation operator h: fills `observed` (resized by
// the callee to the number of observations m) with the model-predicted
// observations of `state`. Returns Ok, or an error that aborts the analysis.
using ObservationFunction = std::function<Status(
    const Eigen::Ref<const Eigen::VectorXd>& state, Eigen::VectorXd* observed)>;

// What one analysis did, for logs and the twin snapshot's residuals.
struct AnalysisSummary {
  int observation_count = 0;
  // y - mean_i h(x_i) over the forecast ensemble (after inflation), in
  // observation units: the innovation, length observation_count.
  Eigen::VectorXd innovation;
  // y - mean_i h(x_i) over the analysis ensemble: the residual. h is not
  // called again: the analysis observations are the forecast ones moved by the
  // same ensemble-space update, Y_a = Y_f + (Y_f - mean) M where X_a = X_f +
  // (X_f - mean) M, which is exact for a linear h and the ensemble's
  // linearisation otherwise.
  Eigen::VectorXd residual;
  // Root mean square of the innovation divided by its predicted standard
  // deviation sqrt(diag(H P H^T + R)); about 1 when the filter is consistent.
  double normalized_innovation_rms = 0.0;
  // sqrt(trace(P) / state_size) before (after inflation) and after the update.
  double forecast_spread = 0.0;
  double analysis_spread = 0.0;

  // One line, e.g. "3 observations, innovation rms 1.02 sd, spread 0.91 ->
  // 0.52".
  std::string BriefReport() const;
};

// An EnsembleKalmanFilter is an ensemble of N state vectors (the columns of a
// state_size x N matrix) with forecast and analysis steps. Not thread-safe
// (it owns a random stream); the propagator and observation function are
// called sequentially, member 0 first. Every step is all-or-nothing: when it
// returns an error the ensemble is unchanged.
//
// Parameter estimation by state augmentation: put the parameters to estimate
// in the trailing rows of the state (state = [x; theta]), start from their
// prior, and forecast with ForecastAugmented, which advances x with each
// member's own theta and keeps theta (persistence), optionally adding a small
// jitter N(0, diag(sd^2)) so the parameter spread does not collapse and a
// slowly drifting parameter can be tracked. The analysis then updates theta
// through its ensemble correlation with the observed quantities. With
// state_size = 0 this is a filter on the parameters alone whose observation
// function runs the model from theta (the twin's sequential update). Positive
// parameters are best estimated in log space (theta = log p; the propagator
// exponentiates), which keeps members positive and the prior log-normal.
class EnsembleKalmanFilter {
 public:
  // Creates a filter over the given ensemble (state_size x N, one member per
  // column). Returns the filter; InvalidArgument if there are no rows, fewer
  // than 2 members, a non-finite value, or an invalid option.
  static Result<EnsembleKalmanFilter> Create(Eigen::MatrixXd members,
                                             const EnkfOptions& options = {});

  // Creates a filter whose N members are drawn from N(mean, covariance)
  // with the filter's own random stream. `covariance` may be singular
  // (zero-variance components stay at the mean). Returns the filter;
  // InvalidArgument if sizes disagree, a value is not finite, the covariance
  // is not symmetric positive semi-definite, or ensemble_size < 2.
  static Result<EnsembleKalmanFilter> CreateGaussian(
      const Eigen::VectorXd& mean, const Eigen::MatrixXd& covariance,
      int ensemble_size, const EnkfOptions& options = {});

  // Forecast step: calls propagate(i, member_i) for every member. Returns Ok;
  // the propagator's error prefixed with "member i"; or DataLoss if a
  // propagated state is not finite.
  Status Forecast(const Propagator& propagate);

  // Forecast step for an augmented ensemble (see the class comment): rows
  // [0, state_size) advance with propagate(i, x_i, theta_i); rows
  // [state_size, state_size()) persist, plus independent N(0, jitter_sd[k]^2)
  // noise on parameter k. Returns Ok; InvalidArgument if state_size is
  // outside [0, state_size()] or parameter_jitter_sd has not
  // state_size() - state_size non-negative finite entries; otherwise as
  // Forecast.
  Status ForecastAugmented(int state_size,
                           const ParametricPropagator& propagate,
                           const Eigen::VectorXd& parameter_jitter_sd);

  // Analysis step with a linear observation operator.
  // Inputs: y (m observations), h (m x state_size), r (m x m observation
  // error covariance, symmetric positive definite), all in observation units.
  // Returns the summary, the ensemble updated; InvalidArgument if sizes
  // disagree, a value is not finite, or r is not symmetric positive definite.
  Result<AnalysisSummary> Analyze(const Eigen::VectorXd& y,
                                  const Eigen::MatrixXd& h,
                                  const Eigen::MatrixXd& r);

  // Analysis step with an observation function (called once per member on
  // the inflated forecast ensemble). Returns as the linear Analyze, plus the
  // function's error prefixed with "member i", or InvalidArgument if it
  // returns a vector of the wrong size or with a non-finite value.
  Result<AnalysisSummary> Analyze(const Eigen::VectorXd& y,
                                  const ObservationFunction& h,
                                  const Eigen::MatrixXd& r);

  // Replaces the ensemble (same rules as Create). Returns Ok or
  // InvalidArgument; on error the ensemble is unchanged.
  Status SetMembers(Eigen::MatrixXd members);

  // The ensemble: state_size x ensemble_size, one member per column.
  const Eigen::MatrixXd& members() const { return members_; }
  int state_size() const { return static_cast<int>(members_.rows()); }
  int ensemble_size() const { return static_cast<int>(members_.cols()); }
  const EnkfOptions& options() const { return options_; }

  // Ensemble mean (state_size).
  Eigen::VectorXd Mean() const;
  // Ensemble covariance with the unbiased 1/(N-1) normalisation
  // (state_size x state_size).
  Eigen::MatrixXd Covariance() const;
  // Square roots of the diagonal of Covariance() (state_size).
  Eigen::VectorXd StandardDeviation() const;

 private:
  EnsembleKalmanFilter(Eigen::MatrixXd members, const EnkfOptions& options)
      : members_(std::move(members)), options_(options), rng_(options.seed) {}

  // The update shared by both Analyze overloads. `forecast` is the inflated
  // forecast ensemble, `observed` its image under h (m x N). On success
  // replaces members_.
  Result<AnalysisSummary> Update(const Eigen::VectorXd& y,
                                 Eigen::MatrixXd forecast,
                                 const Eigen::MatrixXd& observed,
                                 const Eigen::MatrixXd& r);
  // members_ with its anomalies multiplied by options_.inflation.
  Eigen::MatrixXd InflatedMembers() const;

  Eigen::MatrixXd members_;
  EnkfOptions options_;
  Rng rng_;
};

}  // namespace jumeau::assimilation

#endif  // JUMEAU_ASSIMILATION_ENKF_H_
