// The model contract's shared helpers: parameter lookup, validation against
// declared bounds, and prior densities.
#include "jumeau/models/model.h"

#include <cmath>
#include <limits>

#include "fmt/format.h"

namespace jumeau::models {

Prior Prior::LogNormal(double median, double log_sd) {
  return {PriorKind::kLogNormal, std::log(median), log_sd};
}

double Prior::LogDensity(double value) const {
  if (kind == PriorKind::kNormal) {
    const double z = (value - location) / scale;
    return -0.5 * z * z - std::log(scale);
  }
  if (!(value > 0.0)) return -std::numeric_limits<double>::infinity();
  const double log_value = std::log(value);
  const double z = (log_value - location) / scale;
  return -0.5 * z * z - std::log(scale) - log_value;
}

std::vector<double> DefaultParameters(const Model& model) {
  std::vector<double> values;
  values.reserve(model.parameters().size());
  for (const ParameterSpec& p : model.parameters()) {
    values.push_back(p.default_value);
  }
  return values;
}

std::optional<std::size_t> FindParameter(const Model& model,
                                         std::string_view name) {
  const auto& specs = model.parameters();
  for (std::size_t i = 0; i < specs.size(); ++i) {
    if (specs[i].name == name) return i;
  }
  return std::nullopt;
}

std::optional<std::size_t> FindState(const Model& model,
                                     std::string_view name) {
  const auto& specs = model.states();
  for (std::size_t i = 0; i < specs.size(); ++i) {
    if (specs[i].name == name) return i;
  }
  return std::nullopt;
}

std::optional<std::size_t> FindOutput(const Model& model,
                                      std::string_view name) {
  const auto& specs = model.outputs();
  for (std::size_t i = 0; i < specs.size(); ++i) {
    if (specs[i].name == name) return i;
  }
  return std::nullopt;
}

Status ValidateParameters(const Model& model, std::span<const double> params) {
  const auto& specs = model.parameters();
  if (params.size() != specs.size()) {
    return InvalidArgumentError(
        fmt::format("{}: {} parameter values given, the model declares {}",
                    model.name(), params.size(), specs.size()));
  }
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const ParameterSpec& s = specs[i];
    const double v = params[i];
    if (!std::isfinite(v) || v < s.lower || v > s.upper) {
      return InvalidArgumentError(fmt::format(
          "{}: parameter '{}' = {} {} is outside its bounds [{}, {}]",
          model.name(), s.name, v, s.unit, s.lower, s.upper));
    }
  }
  return Status::Ok();
}

double LogPrior(const Model& model, std::span<const double> params) {
  const auto& specs = model.parameters();
  double sum = 0.0;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    sum += specs[i].prior.LogDensity(params[i]);
  }
  return sum;
}

}  // namespace jumeau::models
