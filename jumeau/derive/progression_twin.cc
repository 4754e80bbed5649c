// The long-term (progression) twin: model files, cohorts from the store,
// personalisation, forecasts and snapshots (see progression_twin.h).
#include "jumeau/derive/progression_twin.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "jumeau/derive/internal/store_report.h"

namespace jumeau::derive {
namespace {

using models::progression::CurveKind;
using models::progression::IndividualParameters;
using models::progression::PopulationParameters;
using models::progression::ProgressionCurves;
using nlohmann::json;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kYearSeconds = 365.25 * 86400.0;

// The birth instant of a stored birth date "1958", "1958-05" or
// "1958-05-02" (a year is taken at 1 July, a month at its 15th).
std::optional<Time> BirthInstant(const std::string& birth) {
  int y = 0, m = 0, d = 0;
  const auto num = [&](std::size_t from, std::size_t len, int* out) {
    if (birth.size() < from + len) return false;
    const auto r =
        std::from_chars(birth.data() + from, birth.data() + from + len, *out);
    return r.ec == std::errc() && r.ptr == birth.data() + from + len;
  };
  if (!num(0, 4, &y)) return std::nullopt;
  CivilTime c{y, 7, 1};
  if (birth.size() >= 7 && birth[4] == '-' && num(5, 2, &m)) {
    c.month = m;
    c.day = 15;
    if (birth.size() >= 10 && birth[7] == '-' && num(8, 2, &d)) c.day = d;
  }
  if (!ValidCivil(c)) return std::nullopt;
  return FromCivil(c);
}

double AgeYears(Time t, Time birth) {
  return (t - birth).seconds() / kYearSeconds;
}
// The instant at `age` years, to the second (a double holds a century in
// seconds exactly enough; in nanoseconds it would not, and a forecast end
// given as 2060-01-01 could come back as 2059-12-31T23:59:59.9999995).
Time AtAge(Time birth, double age) {
  return birth + Duration::Seconds(std::llround(age * kYearSeconds));
}

double Quantile(std::vector<double> v, double q) {
  v.erase(std::remove_if(v.begin(), v.end(),
                         [](double x) { return std::isnan(x); }),
          v.end());
  if (v.empty()) return kNaN;
  std::sort(v.begin(), v.end());
  const double pos = q * (v.size() - 1);
  const std::size_t i = static_cast<std::size_t>(pos);
  const double f = pos - i;
  return i + 1 < v.size() ? v[i] * (1 - f) + v[i + 1] * f : v[i];
}

// One patient's visits of the given features: day-grouped, raw values.
struct PatientVisits {
  std::vector<Time> times;  // visit instants (first event of the day)
  std::vector<std::vector<double>> values;  // per visit, per feature (NaN)
  std::vector<std::string> units;           // per feature, as found
};

Result<PatientVisits> ReadVisits(store::Store& store,
                                 const store::PatientInfo& p,
                                 const std::vector<std::string>& codes,
                                 const std::vector<std::string>& systems) {
  const std::size_t k = codes.size();
  // day -> per-feature (sum, count) and first time
  std::map<int64_t, std::pair<Time, std::vector<std::pair<double, int>>>> days;
  PatientVisits v;
  v.units.assign(k, "");
  for (std::size_t q = 0; q < k; ++q) {
    store::EventQuery query;
    query.code = codes[q];
    if (!systems[q].empty()) query.code_system = systems[q];
    JUMEAU_ASSIGN_OR_RETURN(const auto events, store.Events(p.id, query));
    bool unit_set = false;
    for (const auto& e : events) {
      if (!e.event.value || !std::isfinite(*e.event.value)) continue;
      if (!unit_set) {
        v.units[q] = e.event.unit;
        unit_set = true;
      } else if (e.event.unit != v.units[q]) {
        return InvalidArgumentError("patient " + p.pseudonym + ": events of " +
                                    codes[q] + " have units '" + v.units[q] +
                                    "' and '" + e.event.unit + "'");
      }
      const int64_t day =
          e.event.time.ns_since_epoch / (86400LL * 1000000000LL) -
          (e.event.time.ns_since_epoch < 0 ? 1 : 0);
      auto [it, inserted] = days.try_emplace(
          day, e.event.time, std::vector<std::pair<double, int>>(k, {0.0, 0}));
      if (e.event.time < it->second.first) it->second.first = e.event.time;
      it->second.second[q].first += *e.event.value;
      it->second.second[q].second += 1;
    }
  }
  for (const auto& [day, entry] : days) {
    v.times.push_back(entry.first);
    std::vector<double> row(k, kNaN);
    for (std::size_t q = 0; q < k; ++q)
      if (entry.second[q].second > 0)
        row[q] = entry.second[q].first / entry.second[q].second;
    v.values.push_back(std::move(row));
  }
  return v;
}

json PopulationJson(const PopulationParameters& p) {
  return json{{"kind", std::string(models::progression::CurveKindName(p.kind))},
              {"features", p.features},
              {"sources", p.sources},
              {p.kind == CurveKind::kLinear ? "position" : "log_g", p.g},
              {"log_v0", p.log_v0},
              {"betas", p.betas},
              {"tau_mean", p.tau_mean},
              {"tau_std", p.tau_std},
              {"xi_mean", 0.0},
              {"xi_std", p.xi_std},
              {"noise_std", p.noise_std},
              {"mixing_matrix", models::progression::MixingMatrix(p)}};
}

PopulationParameters PopulationFromJson(const json& j) {
  PopulationParameters p;
  p.kind = j.at("kind").get<std::string>() == "linear" ? CurveKind::kLinear
                                                       : CurveKind::kLogistic;
  p.features = j.at("features").get<int>();
  p.sources = j.at("sources").get<int>();
  p.g = j.at(p.kind == CurveKind::kLinear ? "position" : "log_g")
            .get<std::vector<double>>();
  p.log_v0 = j.at("log_v0").get<std::vector<double>>();
  p.betas = j.at("betas").get<std::vector<double>>();
  p.tau_mean = j.at("tau_mean").get<double>();
  p.tau_std = j.at("tau_std").get<double>();
  p.xi_std = j.at("xi_std").get<double>();
  p.noise_std = j.at("noise_std").get<std::vector<double>>();
  return p;
}

json FeatureJson(const ProgressionFeature& f) {
  return json{{"code", f.code},
              {"system", f.system},
              {"unit", f.unit},
              {"low", f.low},
              {"high", f.high}};
}
ProgressionFeature FeatureFromJson(const json& j) {
  ProgressionFeature f;
  f.code = j.at("code").get<std::string>();
  f.system = j.at("system").get<std::string>();
  f.unit = j.at("unit").get<std::string>();
  f.low = j.at("low").get<double>();
  f.high = j.at("high").get<double>();
  return f;
}

json NumberOrNull(double x) {
  return std::isfinite(x) ? json(x) : json(nullptr);
}
double NumberOr(const json& j, double fallback) {
  return j.is_number() ? j.get<double>() : fallback;
}

json IndividualJson(const IndividualParameters& p) {
  json j = json::array({p.tau, p.xi});
  for (double s : p.sources) j.push_back(s);
  return j;
}
IndividualParameters IndividualFromJson(const json& j) {
  IndividualParameters p;
  const auto v = j.get<std::vector<double>>();
  if (v.size() >= 2) {
    p.tau = v[0];
    p.xi = v[1];
    p.sources.assign(v.begin() + 2, v.end());
  }
  return p;
}

// Parses "CODE:VALUE" against the model's features.
Result<std::pair<int, double>> ParseThreshold(const ProgressionModel& m,
                                              const std::string& t) {
  const auto colon = t.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return InvalidArgumentError("threshold '" + t +
                                "' is not CODE:VALUE (e.g. 8480-6:140)");
  }
  const std::string code = t.substr(0, colon);
  double v = 0;
  const char* b = t.data() + colon + 1;
  const char* e = t.data() + t.size();
  const auto r = std::from_chars(b, e, v);
  if (r.ec != std::errc() || r.ptr != e || !std::isfinite(v)) {
    return InvalidArgumentError("threshold '" + t + "': value is not a number");
  }
  for (std::size_t q = 0; q < m.features.size(); ++q)
    if (m.features[q].code == code)
      return std::make_pair(static_cast<int>(q), v);
  return InvalidArgumentError("threshold '" + t + "': code " + code +
                              " is not a feature of the model");
}

std::vector<ThresholdCrossing> Crossings(
    const ProgressionModel& m, const std::vector<IndividualParameters>& samples,
    Time birth, double last_age, double until_age,
    const std::vector<std::pair<int, double>>& thresholds) {
  const ProgressionCurves curves(m.population);
  std::vector<ThresholdCrossing> out;
  for (const auto& [q, value] : thresholds) {
    const ProgressionFeature& f = m.features[q];
    const double level = f.Normalise(value);
    std::vector<double> ages;
    int crossed = 0;
    for (const auto& s : samples) {
      double age = curves.CrossingAge(s, q, level);
      // Logistic curves that never reach the level: crossing at infinity.
      if (std::isnan(age)) age = std::numeric_limits<double>::infinity();
      if (age <= until_age) ++crossed;
      ages.push_back(age);
    }
    ThresholdCrossing c;
    c.code = f.code;
    c.unit = f.unit;
    c.value = value;
    c.probability =
        samples.empty() ? 0.0 : static_cast<double>(crossed) / samples.size();
    std::sort(ages.begin(), ages.end());
    const auto q_of = [&](double p) {
      if (ages.empty()) return kNaN;
      const double x = ages[static_cast<std::size_t>(p * (ages.size() - 1))];
      return std::isfinite(x) ? x : kNaN;
    };
    c.age_median = q_of(0.5);
    c.age_p5 = q_of(0.05);
    c.age_p95 = q_of(0.95);
    if (std::isfinite(c.age_median)) {
      c.date_median = AtAge(birth, c.age_median);
      c.already = c.age_median <= last_age;
    }
    out.push_back(c);
  }
  return out;
}

Status CheckOptions(const ProgressionTwinOptions& o) {
  if (o.samples < 10 || o.samples > 5000)
    return InvalidArgumentError("samples must be in [10, 5000]");
  if (o.burn_in < 0 || o.burn_in > 100000)
    return InvalidArgumentError("burn-in must be in [0, 100000]");
  if (o.points < 2 || o.points > 2000)
    return InvalidArgumentError("points must be in [2, 2000]");
  return Status::Ok();
}

}  // namespace

bool IsProgressionModel(std::string_view name) {
  return name == models::progression::kLogisticModelName ||
         name == models::progression::kLinearModelName;
}

std::string ProgressionModel::ToJson() const {
  json j;
  j["format"] = "jumeau.progression_model";
  j["format_version"] = 1;
  j["model"] = population.kind == CurveKind::kLinear
                   ? models::progression::kLinearModelName
                   : models::progression::kLogisticModelName;
  j["model_version"] = models::progression::kProgressionModelVersion;
  j["population"] = PopulationJson(population);
  j["features"] = json::array();
  for (const auto& f : features) j["features"].push_back(FeatureJson(f));
  json fit;
  fit["method"] = "mcmc_saem";
  fit["data_source"] = data_source;
  fit["subjects"] = subjects;
  fit["visits"] = visits;
  fit["iterations"] = iterations;
  fit["burn_in"] = burn_in;
  fit["seed"] = seed;
  fit["log_likelihood"] = log_likelihood;
  fit["converged"] = converged;
  fit["warnings"] = warnings;
  json drift_j = json::object();
  for (const auto& [name, d] : drift) drift_j[name] = d;
  fit["drift"] = drift_j;
  fit["acceptance"] = {{"tau", acceptance_tau},
                       {"xi", acceptance_xi},
                       {"sources", acceptance_sources},
                       {"population", acceptance_population}};
  j["fit"] = fit;
  return j.dump(2);
}

Result<ProgressionModel> ProgressionModel::FromJson(std::string_view text,
                                                    std::string_view name) {
  const std::string where(name);
  try {
    const json j = json::parse(text);
    if (j.value("format", "") != "jumeau.progression_model") {
      return DataLossError(where +
                           ": not a progression model file (format is not "
                           "jumeau.progression_model)");
    }
    ProgressionModel m;
    m.population = PopulationFromJson(j.at("population"));
    for (const auto& f : j.at("features"))
      m.features.push_back(FeatureFromJson(f));
    const json& fit = j.at("fit");
    m.data_source = fit.at("data_source").get<std::string>();
    m.subjects = fit.at("subjects").get<int>();
    m.visits = fit.at("visits").get<int>();
    m.iterations = fit.at("iterations").get<int>();
    m.burn_in = fit.at("burn_in").get<int>();
    m.seed = fit.at("seed").get<uint64_t>();
    m.log_likelihood = fit.at("log_likelihood").get<double>();
    m.converged = fit.at("converged").get<bool>();
    m.warnings = fit.at("warnings").get<std::vector<std::string>>();
    for (auto it = fit.at("drift").begin(); it != fit.at("drift").end(); ++it)
      m.drift.emplace_back(it.key(), it.value().get<double>());
    const json& a = fit.at("acceptance");
    m.acceptance_tau = a.at("tau").get<double>();
    m.acceptance_xi = a.at("xi").get<double>();
    m.acceptance_sources = a.at("sources").get<double>();
    m.acceptance_population = a.at("population").get<double>();
    if (static_cast<int>(m.features.size()) != m.population.features) {
      return DataLossError(where + ": " + std::to_string(m.features.size()) +
                           " features listed for a model of " +
                           std::to_string(m.population.features));
    }
    for (const auto& f : m.features)
      if (!(f.low != f.high) || !std::isfinite(f.low) || !std::isfinite(f.high))
        return DataLossError(where + ": feature " + f.code +
                             " has an empty range");
    if (Status s = m.population.Validate(); !s.ok()) {
      return DataLossError(where + ": " + s.message());
    }
    return m;
  } catch (const json::exception& e) {
    return DataLossError(where + ": malformed progression model: " + e.what());
  }
}

ProgressionModel MakeProgressionModel(const assimilation::SaemResult& fit,
                                      std::vector<ProgressionFeature> features,
                                      std::string data_source, int subjects,
                                      int visits) {
  ProgressionModel m;
  m.population = fit.population;
  m.features = std::move(features);
  m.data_source = std::move(data_source);
  m.subjects = subjects;
  m.visits = visits;
  m.iterations = fit.iterations;
  m.burn_in = fit.burn_in;
  m.seed = fit.seed;
  m.log_likelihood = fit.log_likelihood;
  m.converged = fit.diagnostics.converged;
  m.warnings = fit.diagnostics.warnings;
  m.drift = fit.diagnostics.drift;
  m.acceptance_tau = fit.diagnostics.acceptance_tau;
  m.acceptance_xi = fit.diagnostics.acceptance_xi;
  m.acceptance_sources = fit.diagnostics.acceptance_sources;
  m.acceptance_population = fit.diagnostics.acceptance_population;
  return m;
}

Result<GatheredCohort> GatherCohort(store::Store& store,
                                    const CohortGatherOptions& o) {
  if (o.codes.empty())
    return InvalidArgumentError("no feature code given (--features)");
  const std::size_t k = o.codes.size();
  std::vector<store::PatientInfo> patients;
  if (o.patients.empty()) {
    JUMEAU_ASSIGN_OR_RETURN(patients, store.Patients());
  } else {
    for (const auto& p : o.patients) {
      JUMEAU_ASSIGN_OR_RETURN(auto info, store.FindPatient(p));
      patients.push_back(std::move(info));
    }
  }
  GatheredCohort out;
  struct Raw {
    std::string id;
    std::vector<double> ages;
    std::vector<std::vector<double>> values;
    std::vector<Time> times;
  };
  std::vector<Raw> raws;
  std::vector<std::string> units(k, "");
  std::vector<bool> unit_set(k, false);
  const std::vector<std::string> systems(k, "");
  for (const auto& p : patients) {
    const auto birth = BirthInstant(p.birth);
    if (!birth) {
      out.warnings.push_back("patient " + p.pseudonym +
                             " skipped: no birth date");
      continue;
    }
    JUMEAU_ASSIGN_OR_RETURN(PatientVisits v,
                            ReadVisits(store, p, o.codes, systems));
    if (v.times.empty()) {
      out.warnings.push_back("patient " + p.pseudonym +
                             " skipped: no event of the codes");
      continue;
    }
    for (std::size_t q = 0; q < k; ++q) {
      bool has = false;
      for (const auto& row : v.values) has = has || !std::isnan(row[q]);
      if (!has) continue;
      if (!unit_set[q]) {
        units[q] = v.units[q];
        unit_set[q] = true;
      } else if (units[q] != v.units[q]) {
        return InvalidArgumentError("code " + o.codes[q] + " has unit '" +
                                    units[q] + "' and, for patient " +
                                    p.pseudonym + ", '" + v.units[q] + "'");
      }
    }
    Raw r;
    r.id = p.pseudonym;
    for (std::size_t i = 0; i < v.times.size(); ++i)
      r.ages.push_back(AgeYears(v.times[i], *birth));
    r.values = std::move(v.values);
    r.times = std::move(v.times);
    raws.push_back(std::move(r));
  }
  // Ranges.
  for (std::size_t q = 0; q < k; ++q) {
    ProgressionFeature f;
    f.code = o.codes[q];
    f.unit = units[q];
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (const auto& r : raws)
      for (const auto& row : r.values)
        if (!std::isnan(row[q]))
          lo = std::min(lo, row[q]), hi = std::max(hi, row[q]);
    if (!std::isfinite(lo)) {
      return InvalidArgumentError("no value of code " + o.codes[q] +
                                  " in the cohort");
    }
    if (q < o.ranges.size() && o.ranges[q]) {
      f.low = o.ranges[q]->first;
      f.high = o.ranges[q]->second;
      if (!(f.low != f.high))
        return InvalidArgumentError("range of " + f.code + " is empty");
      const double a = std::min(f.low, f.high), b = std::max(f.low, f.high);
      for (const auto& r : raws)
        for (std::size_t i = 0; i < r.values.size(); ++i)
          if (!std::isnan(r.values[i][q]) &&
              (r.values[i][q] < a || r.values[i][q] > b))
            return InvalidArgumentError(
                "patient " + r.id + " at " + FormatIso8601(r.times[i]) + ": " +
                f.code + " = " + std::to_string(r.values[i][q]) +
                " is outside its declared range [" + std::to_string(a) + ", " +
                std::to_string(b) + "]");
    } else {
      const double pad =
          hi > lo ? 0.1 * (hi - lo) : std::max(1.0, std::abs(lo) * 0.1);
      f.low = lo - pad;
      f.high = hi + pad;
    }
    out.features.push_back(f);
  }
  out.data.features = o.codes;
  for (const auto& r : raws) {
    std::vector<double> vals;
    for (const auto& row : r.values)
      for (std::size_t q = 0; q < k; ++q)
        vals.push_back(std::isnan(row[q]) ? kNaN
                                          : out.features[q].Normalise(row[q]));
    out.data.AddSubject(r.id, r.ages, vals);
  }
  if (out.data.subjects() < 2) {
    return InvalidArgumentError(
        "fewer than 2 patients with a birth date and events of the codes");
  }
  JUMEAU_RETURN_IF_ERROR(out.data.Validate());
  return out;
}

std::vector<ProgressionFeatureForecast> ForecastBands(
    const ProgressionModel& m, const std::vector<IndividualParameters>& samples,
    Time birth, double from_age, double to_age, int points) {
  const ProgressionCurves curves(m.population);
  const int k = m.population.features;
  std::vector<ProgressionFeatureForecast> out(k);
  for (int q = 0; q < k; ++q) {
    out[q].code = m.features[q].code;
    out[q].unit = m.features[q].unit;
  }
  std::vector<double> ages(points);
  for (int i = 0; i < points; ++i)
    ages[i] = from_age + (to_age - from_age) * i / (points - 1);
  std::vector<std::vector<double>> draws(static_cast<std::size_t>(points) * k);
  std::vector<double> y(static_cast<std::size_t>(points) * k);
  for (const auto& s : samples) {
    curves.Predict(s, ages, y);
    for (std::size_t i = 0; i < y.size(); ++i) draws[i].push_back(y[i]);
  }
  for (int i = 0; i < points; ++i) {
    for (int q = 0; q < k; ++q) {
      const auto& d = draws[static_cast<std::size_t>(i) * k + q];
      const ProgressionFeature& f = m.features[q];
      ProgressionBandPoint p;
      p.age = ages[i];
      p.time = AtAge(birth, ages[i]);
      const double a = f.Raw(Quantile(d, 0.05)), b = f.Raw(Quantile(d, 0.95));
      p.p5 = std::min(a, b);  // a flipped range swaps the quantiles
      p.p95 = std::max(a, b);
      p.median = f.Raw(Quantile(d, 0.5));
      out[q].points.push_back(p);
    }
  }
  return out;
}

std::string ProgressionTwinReport::ToJson() const {
  json j;
  j["method"] = "mcmc";
  j["model"] = model;
  j["model_version"] = model_version;
  j["population_model"] = {{"hash", population_model_hash},
                           {"data_source", population.data_source},
                           {"iterations", population.iterations},
                           {"seed", population.seed},
                           {"converged", population.converged}};
  j["population"] = PopulationJson(population.population);
  j["features"] = json::array();
  for (const auto& f : population.features)
    j["features"].push_back(FeatureJson(f));
  j["birth"] = FormatIso8601(birth);
  j["data_from"] = FormatIso8601(data_from);
  j["data_to"] = FormatIso8601(data_to);
  j["seed"] = seed;
  j["acceptance"] = acceptance;
  json ind;
  ind["tau"] = {{"mean", mean.tau}, {"sd", tau_sd}, {"unit", "a"}};
  ind["xi"] = {
      {"mean", mean.xi}, {"sd", xi_sd}, {"acceleration", std::exp(mean.xi)}};
  ind["sources"] = {{"mean", mean.sources}, {"sd", sources_sd}};
  j["individual"] = ind;
  j["samples"] = json::array();
  for (const auto& s : samples) j["samples"].push_back(IndividualJson(s));
  j["observed"] = json::array();
  for (const auto& o : observed) {
    j["observed"].push_back({{"code", o.code},
                             {"unit", o.unit},
                             {"time", FormatIso8601(o.time)},
                             {"age", o.age},
                             {"value", o.value},
                             {"predicted", o.predicted}});
  }
  j["forecast"] = json::array();
  for (const auto& f : forecast) {
    json pts = json::array();
    for (const auto& p : f.points) {
      pts.push_back({{"time", FormatIso8601(p.time)},
                     {"age", p.age},
                     {"p5", p.p5},
                     {"median", p.median},
                     {"p95", p.p95}});
    }
    j["forecast"].push_back(
        {{"code", f.code}, {"unit", f.unit}, {"band", "90%"}, {"points", pts}});
  }
  j["thresholds"] = json::array();
  for (const auto& t : thresholds) {
    j["thresholds"].push_back(
        {{"code", t.code},
         {"unit", t.unit},
         {"value", t.value},
         {"probability_by_end", t.probability},
         {"age_median", NumberOrNull(t.age_median)},
         {"age_p5", NumberOrNull(t.age_p5)},
         {"age_p95", NumberOrNull(t.age_p95)},
         {"date_median",
          t.date_median ? json(FormatIso8601(*t.date_median)) : json(nullptr)},
         {"already_crossed", t.already}});
  }
  return j.dump();
}

Result<ProgressionTwinReport> ProgressionTwinReport::FromSnapshot(
    const store::TwinSnapshot& s) {
  const std::string where = "twin snapshot " + std::to_string(s.id);
  try {
    const json j = json::parse(s.data_json);
    ProgressionTwinReport r;
    r.snapshot_id = s.id;
    r.created = s.created;
    r.model = s.model;
    r.model_version = s.model_version;
    r.data_from = s.data_from;
    r.data_to = s.data_to;
    r.population_model_hash =
        j.at("population_model").at("hash").get<std::string>();
    r.population.population = PopulationFromJson(j.at("population"));
    for (const auto& f : j.at("features"))
      r.population.features.push_back(FeatureFromJson(f));
    r.population.data_source =
        j.at("population_model").at("data_source").get<std::string>();
    r.population.iterations =
        j.at("population_model").at("iterations").get<int>();
    r.population.seed = j.at("population_model").at("seed").get<uint64_t>();
    r.population.converged =
        j.at("population_model").at("converged").get<bool>();
    JUMEAU_ASSIGN_OR_RETURN(r.birth,
                            ParseIso8601(j.at("birth").get<std::string>()));
    r.seed = j.at("seed").get<uint64_t>();
    r.acceptance = j.at("acceptance").get<double>();
    const json& ind = j.at("individual");
    r.mean.tau = ind.at("tau").at("mean").get<double>();
    r.tau_sd = ind.at("tau").at("sd").get<double>();
    r.mean.xi = ind.at("xi").at("mean").get<double>();
    r.xi_sd = ind.at("xi").at("sd").get<double>();
    r.mean.sources = ind.at("sources").at("mean").get<std::vector<double>>();
    r.sources_sd = ind.at("sources").at("sd").get<std::vector<double>>();
    for (const auto& x : j.at("samples"))
      r.samples.push_back(IndividualFromJson(x));
    for (const auto& o : j.at("observed")) {
      ProgressionObservation ob;
      ob.code = o.at("code").get<std::string>();
      ob.unit = o.at("unit").get<std::string>();
      JUMEAU_ASSIGN_OR_RETURN(ob.time,
                              ParseIso8601(o.at("time").get<std::string>()));
      ob.age = o.at("age").get<double>();
      ob.value = o.at("value").get<double>();
      ob.predicted = o.at("predicted").get<double>();
      r.observed.push_back(ob);
    }
    for (const auto& f : j.at("forecast")) {
      ProgressionFeatureForecast fc;
      fc.code = f.at("code").get<std::string>();
      fc.unit = f.at("unit").get<std::string>();
      for (const auto& p : f.at("points")) {
        ProgressionBandPoint b;
        JUMEAU_ASSIGN_OR_RETURN(b.time,
                                ParseIso8601(p.at("time").get<std::string>()));
        b.age = NumberOr(p.at("age"), kNaN);
        b.p5 = NumberOr(p.at("p5"), kNaN);
        b.median = NumberOr(p.at("median"), kNaN);
        b.p95 = NumberOr(p.at("p95"), kNaN);
        fc.points.push_back(b);
      }
      r.forecast.push_back(std::move(fc));
    }
    for (const auto& t : j.at("thresholds")) {
      ThresholdCrossing c;
      c.code = t.at("code").get<std::string>();
      c.unit = t.at("unit").get<std::string>();
      c.value = t.at("value").get<double>();
      c.probability = t.at("probability_by_end").get<double>();
      c.age_median = NumberOr(t.at("age_median"), kNaN);
      c.age_p5 = NumberOr(t.at("age_p5"), kNaN);
      c.age_p95 = NumberOr(t.at("age_p95"), kNaN);
      if (t.at("date_median").is_string()) {
        JUMEAU_ASSIGN_OR_RETURN(
            c.date_median,
            ParseIso8601(t.at("date_median").get<std::string>()));
      }
      c.already = t.at("already_crossed").get<bool>();
      r.thresholds.push_back(c);
    }
    if (Status st = r.population.population.Validate(); !st.ok())
      return DataLossError(where + ": " + st.message());
    if (static_cast<int>(r.population.features.size()) !=
        r.population.population.features)
      return DataLossError(where + ": feature list does not match the model");
    for (const auto& x : r.samples)
      if (static_cast<int>(x.sources.size()) != r.population.population.sources)
        return DataLossError(where + ": a posterior sample has the wrong size");
    if (r.samples.empty())
      return DataLossError(where + ": no posterior sample");
    return r;
  } catch (const json::exception& e) {
    return DataLossError(where +
                         ": malformed progression snapshot: " + e.what());
  }
}

Result<ProgressionTwinReport> BuildProgressionTwin(
    store::Store& store, const store::PatientInfo& patient,
    const ProgressionModel& model, std::string model_hash,
    const ProgressionTwinOptions& o) {
  JUMEAU_RETURN_IF_ERROR(CheckOptions(o));
  JUMEAU_RETURN_IF_ERROR(model.population.Validate());
  std::vector<std::pair<int, double>> thresholds;
  for (const auto& t : o.thresholds) {
    JUMEAU_ASSIGN_OR_RETURN(auto th, ParseThreshold(model, t));
    thresholds.push_back(th);
  }
  const auto birth = BirthInstant(patient.birth);
  if (!birth) {
    return InvalidArgumentError(
        "patient " + patient.pseudonym +
        " has no birth date: the progression twin needs ages");
  }
  const int k = model.population.features;
  std::vector<std::string> codes, systems;
  for (const auto& f : model.features)
    codes.push_back(f.code), systems.push_back(f.system);
  JUMEAU_ASSIGN_OR_RETURN(PatientVisits v,
                          ReadVisits(store, patient, codes, systems));
  if (v.times.empty()) {
    std::string list;
    for (const auto& c : codes) list += (list.empty() ? "" : ", ") + c;
    return InvalidArgumentError("patient " + patient.pseudonym +
                                " has no event of " + list);
  }
  assimilation::CohortData data;
  data.features = codes;
  std::vector<double> ages, vals;
  for (std::size_t i = 0; i < v.times.size(); ++i) {
    ages.push_back(AgeYears(v.times[i], *birth));
    for (int q = 0; q < k; ++q) {
      const double x = v.values[i][q];
      if (std::isnan(x)) {
        vals.push_back(kNaN);
        continue;
      }
      const ProgressionFeature& f = model.features[q];
      if (!f.unit.empty() && !v.units[q].empty() && v.units[q] != f.unit) {
        return InvalidArgumentError("patient " + patient.pseudonym + ": " +
                                    f.code + " in '" + v.units[q] +
                                    "', the model expects '" + f.unit + "'");
      }
      const double y = f.Normalise(x);
      if (y < 0 || y > 1) {
        return InvalidArgumentError(
            "patient " + patient.pseudonym + " at " +
            FormatIso8601(v.times[i]) + ": " + f.code + " = " +
            std::to_string(x) + " is outside the model's range [" +
            std::to_string(std::min(f.low, f.high)) + ", " +
            std::to_string(std::max(f.low, f.high)) + "]");
      }
      vals.push_back(y);
    }
  }
  data.AddSubject(patient.pseudonym, ages, vals);
  assimilation::PersonalizeOptions po;
  po.samples = o.samples;
  po.burn_in = o.burn_in;
  po.seed = o.seed;
  JUMEAU_ASSIGN_OR_RETURN(
      auto post, assimilation::Personalize(model.population, data, po));
  const assimilation::IndividualPosterior& ip = post[0];

  ProgressionTwinReport r;
  r.model = model.population.kind == CurveKind::kLinear
                ? models::progression::kLinearModelName
                : models::progression::kLogisticModelName;
  r.model_version = models::progression::kProgressionModelVersion;
  r.population_model_hash = std::move(model_hash);
  r.population = model;
  r.birth = *birth;
  r.data_from = v.times.front();
  r.data_to = v.times.back();
  r.mean = ip.mean;
  r.tau_sd = ip.tau_sd;
  r.xi_sd = ip.xi_sd;
  r.sources_sd = ip.sources_sd;
  r.samples = ip.samples;
  r.seed = o.seed;
  r.acceptance = ip.acceptance;
  const ProgressionCurves curves(model.population);
  std::vector<double> pred(static_cast<std::size_t>(ages.size()) * k);
  curves.Predict(ip.mean, ages, pred);
  for (std::size_t i = 0; i < ages.size(); ++i) {
    for (int q = 0; q < k; ++q) {
      if (std::isnan(v.values[i][q])) continue;
      r.observed.push_back({model.features[q].code, model.features[q].unit,
                            v.times[i], ages[i], v.values[i][q],
                            model.features[q].Raw(pred[i * k + q])});
    }
  }
  const double last_age = ages.back();
  const double until_age =
      o.until ? AgeYears(*o.until, *birth) : last_age + 20.0;
  if (!(until_age > last_age)) {
    return InvalidArgumentError(
        "the forecast end is not after the last visit (" +
        FormatIso8601(r.data_to) + ")");
  }
  r.forecast = ForecastBands(model, r.samples, *birth, ages.front(), until_age,
                             o.points);
  r.thresholds =
      Crossings(model, r.samples, *birth, last_age, until_age, thresholds);

  JUMEAU_RETURN_IF_ERROR(internal::StoreTwinReport(store, patient.id, r));
  return r;
}

Result<ProgressionTwinReport> SimulateProgressionTwin(
    store::Store& store, const store::PatientInfo& patient,
    const ProgressionTwinOptions& o) {
  JUMEAU_RETURN_IF_ERROR(CheckOptions(o));
  JUMEAU_ASSIGN_OR_RETURN(const auto snapshots,
                          store.TwinSnapshots(patient.id));
  const store::TwinSnapshot* latest = nullptr;
  for (const auto& s : snapshots)
    if (IsProgressionModel(s.model)) latest = &s;
  if (latest == nullptr) {
    return FailedPreconditionError(
        "patient " + patient.pseudonym +
        ": no progression twin yet; run `jumeau twin build --model "
        "progression --from-cohort MODEL.json` first");
  }
  JUMEAU_ASSIGN_OR_RETURN(ProgressionTwinReport r,
                          ProgressionTwinReport::FromSnapshot(*latest));
  std::vector<std::pair<int, double>> thresholds;
  for (const auto& t : o.thresholds) {
    JUMEAU_ASSIGN_OR_RETURN(auto th, ParseThreshold(r.population, t));
    thresholds.push_back(th);
  }
  const double first_age = AgeYears(r.data_from, r.birth);
  const double last_age = AgeYears(r.data_to, r.birth);
  const double until_age =
      o.until ? AgeYears(*o.until, r.birth) : last_age + 20.0;
  if (!(until_age > last_age)) {
    return InvalidArgumentError("--until must be after the last visit (" +
                                FormatIso8601(r.data_to) + ")");
  }
  r.forecast = ForecastBands(r.population, r.samples, r.birth, first_age,
                             until_age, o.points);
  if (!thresholds.empty())
    r.thresholds = Crossings(r.population, r.samples, r.birth, last_age,
                             until_age, thresholds);
  return r;
}

}  // namespace jumeau::derive
