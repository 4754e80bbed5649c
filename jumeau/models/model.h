// The model contract of the twin layer: what every mechanistic or statistical
// model declares (named parameters with UCUM units, priors and bounds; named
// state; a pure right-hand side; an observation operator mapping outputs to
// codes) so that solvers (ode.h) and estimation (jumeau/assimilation/) can
// work on any model without knowing its equations. See DESIGN.md "The twin".
#ifndef JUMEAU_MODELS_MODEL_H_
#define JUMEAU_MODELS_MODEL_H_

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "jumeau/core/event.h"
#include "jumeau/core/status.h"

namespace jumeau::models {

// A prior distribution on one parameter.
//   kNormal:    value ~ N(location, scale^2), in the parameter's unit.
//   kLogNormal: log(value) ~ N(location, scale^2); location = log(median).
enum class PriorKind { kNormal, kLogNormal };

struct Prior {
  PriorKind kind = PriorKind::kNormal;
  double location = 0.0;
  double scale = 1.0;  // > 0

  static Prior Normal(double mean, double sd) {
    return {PriorKind::kNormal, mean, sd};
  }
  // A log-normal prior with median `median` (> 0) and log-scale sd `log_sd`.
  static Prior LogNormal(double median, double log_sd);

  // Returns the log density at `value` up to an additive constant;
  // -infinity for a log-normal prior at value <= 0.
  double LogDensity(double value) const;
};

// One named model parameter: default value, UCUM unit, prior and hard bounds
// (lower <= default <= upper). Bounds are where the model is defined, not
// where it is plausible (that is the prior).
struct ParameterSpec {
  std::string name;   // "r_ar_sys": snake_case, unique within the model
  std::string unit;   // UCUM: "mm[Hg].s/mL"
  double default_value = 0.0;
  Prior prior;
  double lower = 0.0;
  double upper = 0.0;
  std::string description;
};

// One named component of the state vector, in a UCUM unit.
struct StateSpec {
  std::string name;  // "v_lv"
  std::string unit;  // "mL"
  std::string description;
};

// One observable output of a model, mapped to the code a stored stream or
// event carries (LOINC where one exists, else urn:jumeau:model-output).
struct OutputSpec {
  std::string name;  // "systolic_pressure"
  Code code;         // {code_system::kLoinc, "8480-6", "Systolic blood pressure"}
  std::string unit;  // UCUM, the unit the value is returned in: "mm[Hg]"
};

// Code system for model outputs that have no standard code (EDV, ESV).
inline constexpr char kModelOutputCodeSystem[] = "urn:jumeau:model-output";

// A Model is a named, versioned system of ODEs dy/dt = f(t, y, p) plus an
// observation operator. Implementations hold only constant declarations, so
// a Model is immutable after construction and safe for concurrent use from
// several threads without external synchronisation (every method is const
// and pure: the same inputs give the same outputs).
class Model {
 public:
  virtual ~Model() = default;

  // "regazzoni2022_cardio" and "1.0.0": stored with every twin snapshot.
  // A version changes whenever a parameter, equation or default changes.
  virtual std::string_view name() const = 0;
  virtual std::string_view version() const = 0;

  virtual const std::vector<ParameterSpec>& parameters() const = 0;
  virtual const std::vector<StateSpec>& states() const = 0;
  virtual const std::vector<OutputSpec>& outputs() const = 0;

  // Writes the default initial state for parameters `params` into `y`.
  // REQUIRES: params.size() == parameters().size(), y.size() == states().size().
  virtual void InitialState(std::span<const double> params,
                            std::span<double> y) const = 0;

  // The pure right-hand side. Inputs: t in s (model time), y (states()
  // order and units), params (parameters() order and units). Outputs: dydt,
  // each in the state's unit per second. No allocation, no side effects.
  // REQUIRES: sizes as declared; params pass ValidateParameters.
  virtual void Rhs(double t, std::span<const double> y,
                   std::span<const double> params,
                   std::span<double> dydt) const = 0;

  // The observation operator: simulates the model for `params` (to its
  // periodic steady state for a periodic model) and returns one value per
  // outputs() entry, in that order and unit.
  // Returns InvalidArgument when params fail ValidateParameters, OutOfRange
  // when the solver fails or no steady state is reached.
  virtual Result<std::vector<double>> Observe(
      std::span<const double> params) const = 0;
};

// The default values of `model`'s parameters, in declared order.
std::vector<double> DefaultParameters(const Model& model);

// Index of the parameter / state / output named `name`, or nullopt.
std::optional<std::size_t> FindParameter(const Model& model,
                                         std::string_view name);
std::optional<std::size_t> FindState(const Model& model, std::string_view name);
std::optional<std::size_t> FindOutput(const Model& model,
                                      std::string_view name);

// Returns Ok when `params` has one finite value per declared parameter, each
// within [lower, upper]; otherwise InvalidArgument naming the first offending
// parameter, its value, unit and bounds.
Status ValidateParameters(const Model& model, std::span<const double> params);

// The sum of the parameters' prior log densities (up to a constant).
// REQUIRES: params.size() == model.parameters().size().
double LogPrior(const Model& model, std::span<const double> params);

}  // namespace jumeau::models

#endif  // JUMEAU_MODELS_MODEL_H_
