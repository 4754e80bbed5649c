// BuildCardioTwin, UpdateCardioTwin and TwinReport's JSON: the record's
// observations gathered for the Regazzoni model, the calibration
// (assimilation/calibration.h) or the ensemble Kalman filter update
// (assimilation/enkf.h), and the snapshot stored (store.h TwinSnapshot).
#include "jumeau/derive/twin.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <utility>

#include "jumeau/assimilation/calibration.h"
#include "jumeau/core/random.h"
#include "jumeau/core/ucum_conversion.h"
#include "jumeau/derive/brain_twin.h"
#include "jumeau/derive/internal/store_report.h"
#include "jumeau/derive/internal/twin_enkf.h"
#include "jumeau/derive/progression_twin.h"
#include "jumeau/models/cardio.h"
#include "jumeau/models/model.h"

namespace jumeau::derive {
namespace {

using nlohmann::json;

constexpr char kAbpOrigin[] = "abp/1";

std::string Describe(const store::StoredEvent& se,
                     const std::vector<store::SourceInfo>& sources) {
  std::string text = "source " + std::to_string(se.source_id);
  for (const auto& s : sources) {
    if (s.id == se.source_id) text += " (" + s.reader + ")";
  }
  if (!se.event.source_ref.empty()) text += " " + se.event.source_ref;
  if (!se.event.origin.empty()) text += " origin " + se.event.origin;
  return text;
}

// The model output whose code is `code`. REQUIRES: it exists.
const models::OutputSpec& Output(const models::Model& model, const char* code) {
  for (const auto& o : model.outputs()) {
    if (o.code.code == code) return o;
  }
  static const models::OutputSpec kNone;
  return kNone;
}

// The latest numeric event of `code` (not derived by the abp analysis) at or
// before `as_of` and (when set) strictly after `after`, converted to `unit`. nullopt when there is none;
// InvalidArgument when its unit does not convert.
Result<std::optional<TwinObservation>> Latest(
    store::Store& store, store::PatientId patient, const char* code,
    const std::string& output, const std::string& unit,
    std::optional<Time> as_of, std::optional<Time> after, double sd,
    const std::vector<store::SourceInfo>& sources) {
  store::EventQuery q;
  q.code = code;
  if (as_of) q.to = *as_of + Duration::Nanoseconds(1);
  if (after) q.from = *after + Duration::Nanoseconds(1);
  JUMEAU_ASSIGN_OR_RETURN(const auto events, store.Events(patient, q));
  for (auto it = events.rbegin(); it != events.rend(); ++it) {
    const Event& e = it->event;
    if (!e.value || !std::isfinite(*e.value)) continue;
    const std::optional<double> v = ConvertUcum(code, *e.value, e.unit, unit);
    if (!v) {
      return InvalidArgumentError(
          Describe(*it, sources) + ": LOINC " + code + " at " +
          FormatIso8601(e.time) + ": unit '" + e.unit +
          "' does not convert to the model's '" + unit + "'");
    }
    TwinObservation o;
    o.output = output;
    o.code = e.code;
    o.value = *v;
    o.unit = unit;
    o.sd = sd;
    o.from = o.to = e.time;
    o.source = Describe(*it, sources);
    return std::optional<TwinObservation>(std::move(o));
  }
  return std::optional<TwinObservation>();
}

// The abp analysis beats: per code, the mean over the window ending at the
// latest beat; and the heart rate from the beats' durations. Only beats
// strictly after `after` when it is set.
struct AbpObservations {
  std::vector<TwinObservation> pressures;
  std::optional<double> heart_rate;
  std::string heart_rate_source;
};

Result<AbpObservations> AbpBeats(store::Store& store, store::PatientId patient,
                                 const models::Model& model,
                                 const TwinOptions& options,
                                 std::optional<Time> after) {
  store::EventQuery q;
  q.origin = kAbpOrigin;
  if (options.as_of) q.to = *options.as_of + Duration::Nanoseconds(1);
  if (after) q.from = *after + Duration::Nanoseconds(1);
  JUMEAU_ASSIGN_OR_RETURN(const auto events, store.Events(patient, q));
  AbpObservations out;
  if (events.empty()) return out;
  Time last = events.front().event.time;
  for (const auto& se : events) last = std::max(last, se.event.time);
  const Time from = last - options.abp_window;
  struct Part {
    const char* beat_code;
    const char* output_code;
  };
  std::string channel;
  double beat_seconds = 0;
  int64_t beat_count = 0;
  for (const Part part : {Part{"76215-4", "8480-6"}, Part{"76214-7", "8462-4"},
                          Part{"76213-9", "8478-0"}}) {
    const models::OutputSpec& spec = Output(model, part.output_code);
    TwinObservation o;
    o.output = spec.name;
    o.unit = spec.unit;
    o.sd = options.invasive_pressure_sd_mmhg;
    o.count = 0;
    double sum = 0;
    for (const auto& se : events) {
      const Event& e = se.event;
      if (e.code.code != part.beat_code || e.time < from || !e.value ||
          !std::isfinite(*e.value))
        continue;
      const std::optional<double> v =
          ConvertUcum(part.output_code, *e.value, e.unit, spec.unit);
      if (!v) {
        return InvalidArgumentError(
            std::string(kAbpOrigin) + " beat at " + FormatIso8601(e.time) +
            ": LOINC " + part.beat_code + " unit '" + e.unit +
            "' does not convert to '" + spec.unit + "'");
      }
      if (o.count == 0) {
        o.code = e.code;
        o.from = e.time;
        channel = e.channel;
      }
      o.to = e.time;
      sum += *v;
      ++o.count;
      if (part.beat_code[1] == '6' && part.beat_code[4] == '5' && e.end &&
          *e.end > e.time) {  // durations from the systolic events
        beat_seconds += (*e.end - e.time).seconds();
        ++beat_count;
      }
    }
    if (o.count == 0) continue;
    o.value = sum / static_cast<double>(o.count);
    o.source = std::string(kAbpOrigin) + " (derived" +
               (channel.empty() ? "" : ", channel " + channel) + ", " +
               std::to_string(o.count) + " beats)";
    out.pressures.push_back(std::move(o));
  }
  // The diastolic decay time: the median of the window's beats (per-beat
  // values have heavy tails where the decay is shallow: tau = -1/slope), in
  // s, with an sd of options.decay_time_relative_sd of the value.
  if (options.decay_time_relative_sd > 0) {
    const auto index = models::FindOutput(model, "diastolic_decay_time");
    std::vector<double> taus;
    TwinObservation o;
    for (const auto& se : events) {
      const Event& e = se.event;
      if (e.code.code != "diastolic-decay-time" || e.time < from ||
          !e.value || !std::isfinite(*e.value) || !(*e.value > 0))
        continue;
      if (e.unit != "s") {
        return InvalidArgumentError(
            std::string(kAbpOrigin) + " beat at " + FormatIso8601(e.time) +
            ": diastolic decay time in '" + e.unit + "', expected 's'");
      }
      if (taus.empty()) {
        o.code = e.code;
        o.from = e.time;
      }
      o.to = e.time;
      taus.push_back(*e.value);
    }
    if (index && !taus.empty()) {
      const auto mid = taus.begin() + static_cast<std::ptrdiff_t>(taus.size() / 2);
      std::nth_element(taus.begin(), mid, taus.end());
      o.output = model.outputs()[*index].name;
      o.unit = model.outputs()[*index].unit;
      o.value = *mid;
      o.sd = options.decay_time_relative_sd * o.value;
      o.count = static_cast<int64_t>(taus.size());
      o.source = std::string(kAbpOrigin) + " (derived" +
                 (channel.empty() ? "" : ", channel " + channel) +
                 ", median of " + std::to_string(o.count) + " beats)";
      out.pressures.push_back(std::move(o));
    }
  }
  if (beat_count > 0 && beat_seconds > 0) {
    out.heart_rate = 60.0 * static_cast<double>(beat_count) / beat_seconds;
    out.heart_rate_source = std::string(kAbpOrigin) + " beat durations (" +
                            std::to_string(beat_count) + " beats)";
  }
  return out;
}

// The observations of a twin gathered from the record (see BuildCardioTwin).
struct Gathered {
  std::vector<TwinObservation> observed;  // pressures, then EF and CO
  std::optional<double> heart_rate;       // the model's input
  std::string heart_rate_source;
};

// Gathers the observations at or before options.as_of and, when `after` is
// set, strictly after it. Missing ones are simply absent (the callers
// decide what is required); InvalidArgument for a unit that does not
// convert.
Result<Gathered> Gather(store::Store& store, store::PatientId patient,
                        const models::Model& model, const TwinOptions& options,
                        std::optional<Time> after) {
  JUMEAU_ASSIGN_OR_RETURN(const auto sources, store.Sources(patient));
  Gathered g;
  // Invasive beats when present, else the latest cuff reading.
  JUMEAU_ASSIGN_OR_RETURN(AbpObservations abp,
                          AbpBeats(store, patient, model, options, after));
  if (!abp.pressures.empty()) {
    g.observed = std::move(abp.pressures);
    if (abp.heart_rate) {
      g.heart_rate = *abp.heart_rate;
      g.heart_rate_source = abp.heart_rate_source;
    }
  } else {
    for (const char* code : {"8480-6", "8462-4"}) {
      const models::OutputSpec& spec = Output(model, code);
      JUMEAU_ASSIGN_OR_RETURN(
          auto o, Latest(store, patient, code, spec.name, spec.unit,
                         options.as_of, after, options.cuff_pressure_sd_mmhg,
                         sources));
      if (o) g.observed.push_back(std::move(*o));
    }
  }
  if (!g.heart_rate) {
    const models::OutputSpec& spec = Output(model, "8867-4");
    JUMEAU_ASSIGN_OR_RETURN(
        auto hr, Latest(store, patient, "8867-4", spec.name, spec.unit,
                        options.as_of, after, 1.0, sources));
    if (hr) {
      g.heart_rate = hr->value;
      g.heart_rate_source = hr->source + " at " + FormatIso8601(hr->from);
    }
  }
  for (const auto& [code, sd] :
       {std::pair<const char*, double>{"10230-1",
                                       options.ejection_fraction_sd_percent},
        {"8741-1", options.cardiac_output_sd_l_per_min}}) {
    const models::OutputSpec& spec = Output(model, code);
    JUMEAU_ASSIGN_OR_RETURN(
        auto o, Latest(store, patient, code, spec.name, spec.unit,
                       options.as_of, after, sd, sources));
    if (o) g.observed.push_back(std::move(*o));
  }
  return g;
}

// The model's default parameters with the heart rate input set and the
// chambers' activation timings scaled to it. InvalidArgument when the heart
// rate is outside the model's bounds.
Result<std::vector<double>> BaseParameters(const models::Model& model,
                                           double heart_rate,
                                           const std::string& source) {
  std::vector<double> base = models::DefaultParameters(model);
  const std::size_t hr_index = *models::FindParameter(model, "heart_rate");
  const models::ParameterSpec& hr_spec = model.parameters()[hr_index];
  if (!(heart_rate >= hr_spec.lower && heart_rate <= hr_spec.upper)) {
    return InvalidArgumentError("heart rate " + std::to_string(heart_rate) +
                                " /min from " + source +
                                " is outside the model's range [" +
                                std::to_string(hr_spec.lower) + ", " +
                                std::to_string(hr_spec.upper) + "] /min");
  }
  // The chambers' activation timings are given at the default heart rate
  // (75 /min, T0 = 0.8 s) in seconds; at another rate the contraction and
  // relaxation durations scale as sqrt(T / T0) (systole shortens less than
  // diastole, as QT does by Bazett's rule) and the onsets as T / T0, so that
  // a ventricle's contraction + relaxation (0.51 s) fits a short beat.
  const double period_ratio = base[hr_index] / heart_rate;  // T / T0
  for (std::size_t i = 0; i < base.size(); ++i) {
    const std::string& name = model.parameters()[i].name;
    if (name.starts_with("t_onset_")) {
      base[i] *= period_ratio;
    } else if (name.starts_with("t_contraction_") ||
               name.starts_with("t_relaxation_")) {
      base[i] *= std::sqrt(period_ratio);
    }
  }
  base[hr_index] = heart_rate;
  return base;
}

std::vector<assimilation::Observation> ToCalibration(
    const models::Model& model, const std::vector<TwinObservation>& observed) {
  std::vector<assimilation::Observation> obs;
  for (const auto& o : observed) {
    const std::size_t index = *models::FindOutput(model, o.output);
    obs.push_back({model.outputs()[index].code, o.value, o.sd, o.unit});
  }
  return obs;
}

std::vector<std::vector<double>> ToRows(const Eigen::MatrixXd& m) {
  std::vector<std::vector<double>> rows;
  for (Eigen::Index i = 0; i < m.rows(); ++i) {
    std::vector<double> row(static_cast<std::size_t>(m.cols()));
    for (Eigen::Index j = 0; j < m.cols(); ++j)
      row[static_cast<std::size_t>(j)] = m(i, j);
    rows.push_back(std::move(row));
  }
  return rows;
}

// Completes `r` (model, data window, observations, outputs at the estimate)
// and stores it as a snapshot, setting its id and creation time.
// REQUIRES: `observed` is not empty.
// A snapshot's estimate as a Gaussian in the calibration's space (log space
// for log-normal parameters): mean, covariance, and where each parameter
// sits in the model. kDataLoss naming `where` for a malformed snapshot.
struct SnapshotPosterior {
  Eigen::VectorXd mean;
  Eigen::MatrixXd covariance;
  std::vector<std::size_t> index;  // model parameter of each row
};

Result<SnapshotPosterior> PosteriorOf(const models::Model& model,
                                      const TwinReport& twin,
                                      const std::string& where) {
  const std::size_t n = twin.parameters.size();
  if (n == 0 || twin.covariance.size() != n) {
    return DataLossError(where + ": no parameters or a covariance of " +
                         std::to_string(twin.covariance.size()) + " rows");
  }
  const auto ni = static_cast<Eigen::Index>(n);
  SnapshotPosterior out;
  out.mean.resize(ni);
  out.covariance.resize(ni, ni);
  out.index.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const TwinParameter& p = twin.parameters[i];
    const auto found = models::FindParameter(model, p.name);
    if (!found) {
      return DataLossError(where + ": unknown parameter '" + p.name + "'");
    }
    out.index[i] = *found;
    if (p.log_space && !(p.map > 0)) {
      return DataLossError(where + ": log-space parameter '" + p.name +
                           "' is not positive");
    }
    out.mean(static_cast<Eigen::Index>(i)) =
        p.log_space ? std::log(p.map) : p.map;
    if (twin.covariance[i].size() != n) {
      return DataLossError(where + ": covariance row " + std::to_string(i) +
                           " has " + std::to_string(twin.covariance[i].size()) +
                           " entries, not " + std::to_string(n));
    }
    for (std::size_t j = 0; j < n; ++j) {
      const double c = twin.covariance[i][j];
      if (!std::isfinite(c)) {
        return DataLossError(where + ": covariance is not finite");
      }
      out.covariance(static_cast<Eigen::Index>(i),
                     static_cast<Eigen::Index>(j)) = c;
    }
  }
  return out;
}

// The model's parameters: `base`, with the snapshot's parameters set from
// the transformed point `x` and clamped to their bounds.
std::vector<double> ParametersAt(const models::Model& model,
                                 const TwinReport& twin,
                                 const SnapshotPosterior& posterior,
                                 std::vector<double> base,
                                 const Eigen::Ref<const Eigen::VectorXd>& x) {
  for (std::size_t i = 0; i < posterior.index.size(); ++i) {
    const models::ParameterSpec& spec = model.parameters()[posterior.index[i]];
    const double v = x(static_cast<Eigen::Index>(i));
    base[posterior.index[i]] =
        std::clamp(twin.parameters[i].log_space ? std::exp(v) : v, spec.lower,
                   spec.upper);
  }
  return base;
}

void CompleteReport(const models::Model& model,
                    std::vector<TwinObservation> observed,
                    const std::vector<double>& outputs, TwinReport& r) {
  r.model = std::string(model.name());
  r.model_version = std::string(model.version());
  r.data_from = observed.front().from;
  r.data_to = observed.front().to;
  for (const auto& o : observed) {
    r.data_from = std::min(r.data_from, o.from);
    r.data_to = std::max(r.data_to, o.to);
  }
  r.observations = std::move(observed);
  for (std::size_t i = 0; i < model.outputs().size() && i < outputs.size();
       ++i) {
    r.outputs.push_back(
        {model.outputs()[i].name, model.outputs()[i].unit, outputs[i]});
  }
}

// Stores the completed report `r` as a snapshot, setting its id and
// creation time.
Status StoreSnapshot(store::Store& store, const store::PatientInfo& patient,
                     TwinReport& r) {
  return internal::StoreTwinReport(store, patient.id, r);
}

Status StoreReport(store::Store& store, const store::PatientInfo& patient,
                   const models::Model& model,
                   std::vector<TwinObservation> observed,
                   const std::vector<double>& outputs, TwinReport& r) {
  CompleteReport(model, std::move(observed), outputs, r);
  return StoreSnapshot(store, patient, r);
}

json ToJsonObservation(const TwinObservation& o) {
  return {{"output", o.output},
          {"code",
           {{"system", o.code.system},
            {"code", o.code.code},
            {"display", o.code.display}}},
          {"value", o.value},
          {"unit", o.unit},
          {"sd", o.sd},
          {"from_ns", o.from.ns_since_epoch},
          {"to_ns", o.to.ns_since_epoch},
          {"count", o.count},
          {"source", o.source},
          {"predicted", o.predicted},
          {"standardized_residual", o.standardized}};
}

}  // namespace

std::string TwinReport::ToJson() const {
  json params = json::array();
  for (const auto& p : parameters) {
    params.push_back({{"name", p.name},
                      {"unit", p.unit},
                      {"map", p.map},
                      {"ci90", {p.lower, p.upper}},
                      {"prior_median", p.prior_median},
                      {"log_space", p.log_space},
                      {"prior_sd", p.prior_sd},
                      {"posterior_sd", p.posterior_sd},
                      {"informed", p.informed}});
  }
  json obs = json::array();
  for (const auto& o : observations) obs.push_back(ToJsonObservation(o));
  json outs = json::array();
  for (const auto& o : outputs)
    outs.push_back({{"name", o.name}, {"unit", o.unit}, {"value", o.value}});
  json doc = {{"model", model},
              {"model_version", model_version},
              {"data_from_ns", data_from.ns_since_epoch},
              {"data_to_ns", data_to.ns_since_epoch},
              {"heart_rate_per_min", heart_rate_per_min},
              {"heart_rate_source", heart_rate_source},
              {"parameters", params},
              {"covariance", covariance},
              {"observations", obs},
              {"outputs", outs},
              {"not_informed", not_informed},
              {"weak_directions", weak_directions},
              {"converged", converged},
              {"iterations", iterations},
              {"method", method}};
  if (update) {
    doc["update"] = {
        {"prior_snapshot_id", update->prior_snapshot_id},
        {"ensemble_size", update->ensemble_size},
        {"seed", update->seed},
        {"parameter_jitter", update->parameter_jitter},
        {"innovation", update->innovation},
        {"residual", update->residual},
        {"normalized_innovation_rms", update->normalized_innovation_rms},
        {"forecast_spread", update->forecast_spread},
        {"analysis_spread", update->analysis_spread}};
  }
  return doc.dump();
}

Result<TwinReport> TwinReport::FromSnapshot(const store::TwinSnapshot& s) {
  const std::string where = "twin snapshot " + std::to_string(s.id);
  json doc = json::parse(s.data_json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object())
    return DataLossError(where + ": data is not a JSON object");
  TwinReport r;
  r.snapshot_id = s.id;
  r.created = s.created;
  r.model = s.model;
  r.model_version = s.model_version;
  r.data_from = s.data_from;
  r.data_to = s.data_to;
  try {
    r.heart_rate_per_min = doc.at("heart_rate_per_min").get<double>();
    r.heart_rate_source = doc.value("heart_rate_source", "");
    for (const auto& p : doc.at("parameters")) {
      TwinParameter t;
      t.name = p.at("name").get<std::string>();
      t.unit = p.at("unit").get<std::string>();
      t.map = p.at("map").get<double>();
      t.lower = p.at("ci90").at(0).get<double>();
      t.upper = p.at("ci90").at(1).get<double>();
      t.prior_median = p.at("prior_median").get<double>();
      t.log_space = p.at("log_space").get<bool>();
      t.prior_sd = p.at("prior_sd").get<double>();
      t.posterior_sd = p.at("posterior_sd").get<double>();
      t.informed = p.at("informed").get<bool>();
      r.parameters.push_back(std::move(t));
    }
    r.covariance = doc.at("covariance").get<std::vector<std::vector<double>>>();
    for (const auto& o : doc.at("observations")) {
      TwinObservation t;
      t.output = o.at("output").get<std::string>();
      t.code = Code{o.at("code").at("system").get<std::string>(),
                    o.at("code").at("code").get<std::string>(),
                    o.at("code").at("display").get<std::string>()};
      t.value = o.at("value").get<double>();
      t.unit = o.at("unit").get<std::string>();
      t.sd = o.at("sd").get<double>();
      t.from = Time{o.at("from_ns").get<int64_t>()};
      t.to = Time{o.at("to_ns").get<int64_t>()};
      t.count = o.at("count").get<int64_t>();
      t.source = o.at("source").get<std::string>();
      t.predicted = o.at("predicted").get<double>();
      t.standardized = o.at("standardized_residual").get<double>();
      r.observations.push_back(std::move(t));
    }
    for (const auto& o : doc.at("outputs")) {
      r.outputs.push_back({o.at("name").get<std::string>(),
                           o.at("unit").get<std::string>(),
                           o.at("value").get<double>()});
    }
    r.not_informed = doc.at("not_informed").get<std::vector<std::string>>();
    r.weak_directions =
        doc.at("weak_directions").get<std::vector<std::string>>();
    r.converged = doc.at("converged").get<bool>();
    r.iterations = doc.at("iterations").get<int>();
    r.method = doc.value("method", "calibration");  // absent before updates
    if (doc.contains("update")) {
      const json& u = doc.at("update");
      TwinUpdate t;
      t.prior_snapshot_id = u.at("prior_snapshot_id").get<int64_t>();
      t.ensemble_size = u.at("ensemble_size").get<int>();
      t.seed = u.at("seed").get<uint64_t>();
      t.parameter_jitter = u.at("parameter_jitter").get<double>();
      t.innovation = u.at("innovation").get<std::vector<double>>();
      t.residual = u.at("residual").get<std::vector<double>>();
      t.normalized_innovation_rms =
          u.at("normalized_innovation_rms").get<double>();
      t.forecast_spread = u.at("forecast_spread").get<double>();
      t.analysis_spread = u.at("analysis_spread").get<double>();
      r.update = std::move(t);
    }
  } catch (const json::exception& e) {
    return DataLossError(where + ": " + e.what());
  }
  return r;
}

Result<TwinReport> BuildCardioTwin(store::Store& store,
                                   const store::PatientInfo& patient,
                                   const TwinOptions& options) {
  if (options.model != "cardio") {
    return InvalidArgumentError("unknown twin model '" + options.model +
                                "' (known: cardio)");
  }
  const models::Regazzoni2022Cardio model;
  JUMEAU_ASSIGN_OR_RETURN(
      Gathered g, Gather(store, patient.id, model, options, std::nullopt));
  std::vector<TwinObservation>& observed = g.observed;
  const auto has = [&](const char* output) {
    return std::any_of(observed.begin(), observed.end(),
                       [&](const auto& o) { return o.output == output; });
  };
  if (!has("systolic_pressure") || !has("diastolic_pressure")) {
    return InvalidArgumentError(
        "patient " + patient.pseudonym +
        ": no systolic/diastolic pressure in the record (cuff LOINC "
        "8480-6/8462-4, or invasive 76215-4/76214-7 from `jumeau analyze "
        "--what abp`)");
  }
  if (!g.heart_rate) {
    return InvalidArgumentError("patient " + patient.pseudonym +
                                ": no heart rate (LOINC 8867-4) in the "
                                "record; the cardio twin needs it as input");
  }
  JUMEAU_ASSIGN_OR_RETURN(
      const std::vector<double> base,
      BaseParameters(model, *g.heart_rate, g.heart_rate_source));
  const std::vector<assimilation::Observation> obs =
      ToCalibration(model, observed);
  assimilation::CalibrationOptions calib;
  calib.estimate = assimilation::CardioCalibrationParameters();
  auto observe = assimilation::MakeWarmStartedCardioObservation(model);
  auto summary = assimilation::Calibrate(model, obs, base, calib, observe);
  if (!summary.ok()) {
    return Status(summary.status().code(),
                  "patient " + patient.pseudonym +
                      ": calibration failed: " + summary.status().message());
  }
  JUMEAU_ASSIGN_OR_RETURN(const std::vector<double> at_map,
                          observe(summary->parameters));

  TwinReport r;
  r.heart_rate_per_min = *g.heart_rate;
  r.heart_rate_source = g.heart_rate_source;
  for (std::size_t k = 0; k < observed.size(); ++k) {
    if (k < summary->residuals.size()) {
      observed[k].predicted = summary->residuals[k].predicted;
      observed[k].standardized = summary->residuals[k].standardized;
    }
  }
  for (const auto& e : summary->estimates) {
    r.parameters.push_back({e.name, e.unit, e.map, e.lower, e.upper,
                            e.prior_median, e.log_space, e.prior_sd,
                            e.posterior_sd, e.informed});
  }
  r.covariance = ToRows(summary->covariance);
  r.not_informed = summary->not_informed;
  for (const auto& w : summary->weak_directions)
    r.weak_directions.push_back(w.description);
  r.converged = summary->converged;
  r.iterations = summary->iterations;
  JUMEAU_RETURN_IF_ERROR(
      StoreReport(store, patient, model, std::move(observed), at_map, r));
  return r;
}

namespace {

// The patient's latest twin snapshot, read back. kFailedPrecondition when
// there is none; kInvalidArgument when it is another model's; kDataLoss for
// a malformed snapshot.
Result<TwinReport> LatestTwin(store::Store& store,
                              const store::PatientInfo& patient,
                              const models::Model& model) {
  JUMEAU_ASSIGN_OR_RETURN(std::vector<TwinReport> history,
                          TwinHistory(store, patient));
  if (history.empty()) {
    return FailedPreconditionError(
        "patient " + patient.pseudonym +
        ": no twin yet; run `jumeau twin build` first");
  }
  TwinReport twin = std::move(history.back());
  if (twin.model != model.name()) {
    return InvalidArgumentError(
        "twin snapshot " + std::to_string(twin.snapshot_id) + ": model '" +
        twin.model + "' is not '" + std::string(model.name()) + "'");
  }
  return twin;
}

// One analysis of UpdateCardioTwin: the observations after prior.data_to
// and at or before options.as_of, assimilated from `prior` (read back or
// just computed). Returns the completed report, not stored, its
// update.prior_snapshot_id set to prior.snapshot_id.
Result<TwinReport> UpdateOnce(store::Store& store,
                              const store::PatientInfo& patient,
                              const models::Regazzoni2022Cardio& model,
                              const TwinReport& prior,
                              const TwinOptions& options) {
  JUMEAU_ASSIGN_OR_RETURN(
      Gathered g, Gather(store, patient.id, model, options, prior.data_to));
  if (g.observed.empty()) {
    return FailedPreconditionError("patient " + patient.pseudonym +
                                   ": no new observations since " +
                                   FormatIso8601(prior.data_to));
  }
  const double heart_rate = g.heart_rate.value_or(prior.heart_rate_per_min);
  // The prior is stored (an id) or the previous visit's analysis (none yet).
  const std::string where =
      prior.snapshot_id != 0
          ? "twin snapshot " + std::to_string(prior.snapshot_id)
          : "the previous visit's twin";
  const std::string heart_rate_source =
      g.heart_rate ? g.heart_rate_source
                   : prior.heart_rate_source.ends_with(")")
                         ? prior.heart_rate_source
                         : prior.heart_rate_source + " (from " + where + ")";
  JUMEAU_ASSIGN_OR_RETURN(std::vector<double> base,
                          BaseParameters(model, heart_rate, heart_rate_source));

  // The prior ensemble in the transformed space of the snapshot.
  JUMEAU_ASSIGN_OR_RETURN(const SnapshotPosterior posterior,
                          PosteriorOf(model, prior, where));
  const std::size_t n = posterior.index.size();
  const std::vector<std::size_t>& index = posterior.index;
  const Eigen::VectorXd& mean = posterior.mean;
  const Eigen::MatrixXd& cov = posterior.covariance;
  Eigen::VectorXd jitter(static_cast<Eigen::Index>(n));
  for (std::size_t i = 0; i < n; ++i) {
    jitter(static_cast<Eigen::Index>(i)) =
        options.parameter_jitter * prior.parameters[i].prior_sd;
  }
  // Observation function: the warm-started steady state at the member's
  // parameters (projected onto the model's bounds), at the new outputs.
  auto observe = assimilation::MakeWarmStartedCardioObservation(model);
  std::vector<std::size_t> outputs;
  const auto m = static_cast<Eigen::Index>(g.observed.size());
  Eigen::VectorXd y(m);
  Eigen::MatrixXd r = Eigen::MatrixXd::Zero(m, m);
  for (std::size_t k = 0; k < g.observed.size(); ++k) {
    const auto e = static_cast<Eigen::Index>(k);
    outputs.push_back(*models::FindOutput(model, g.observed[k].output));
    y(e) = g.observed[k].value;
    r(e, e) = g.observed[k].sd * g.observed[k].sd;
  }
  const auto parameters_of = [&](const Eigen::Ref<const Eigen::VectorXd>& x) {
    return ParametersAt(model, prior, posterior, base, x);
  };
  const internal::ParameterObservation h =
      [&](const Eigen::Ref<const Eigen::VectorXd>& x,
          Eigen::VectorXd* out) -> Status {
    JUMEAU_ASSIGN_OR_RETURN(const std::vector<double> all,
                            observe(parameters_of(x)));
    out->resize(m);
    for (std::size_t k = 0; k < outputs.size(); ++k)
      (*out)(static_cast<Eigen::Index>(k)) = all[outputs[k]];
    return Status::Ok();
  };
  auto analysis = internal::EnkfParameterUpdate(
      mean, cov, jitter, y, r, options.ensemble_size, options.seed, h);
  if (!analysis.ok()) {
    return Status(analysis.status().code(),
                  "patient " + patient.pseudonym +
                      ": ensemble analysis failed: " +
                      analysis.status().message());
  }

  // The posterior: ensemble mean and covariance.
  const Eigen::VectorXd& post_mean = analysis->mean;
  const Eigen::MatrixXd& post_cov = analysis->covariance;
  JUMEAU_ASSIGN_OR_RETURN(const std::vector<double> at_mean,
                          observe(parameters_of(post_mean)));
  TwinReport rep;
  rep.method = "enkf";
  rep.heart_rate_per_min = heart_rate;
  rep.heart_rate_source = heart_rate_source;
  TwinUpdate u;
  u.prior_snapshot_id = prior.snapshot_id;
  u.ensemble_size = options.ensemble_size;
  u.seed = options.seed;
  u.parameter_jitter = options.parameter_jitter;
  u.normalized_innovation_rms = analysis->normalized_innovation_rms;
  u.forecast_spread = analysis->forecast_spread;
  u.analysis_spread = analysis->analysis_spread;
  for (std::size_t k = 0; k < g.observed.size(); ++k) {
    TwinObservation& o = g.observed[k];
    o.predicted = at_mean[outputs[k]];
    o.standardized = (o.value - o.predicted) / o.sd;
    u.innovation.push_back(analysis->innovation(static_cast<Eigen::Index>(k)));
    u.residual.push_back(o.value - o.predicted);
  }
  rep.update = std::move(u);
  const double z =  // two-sided 90%, as the calibration's default
      1.6448536269514722;
  const double informed_ratio =
      assimilation::CalibrationOptions{}.informed_sd_ratio;
  for (std::size_t i = 0; i < n; ++i) {
    const auto e = static_cast<Eigen::Index>(i);
    TwinParameter p = prior.parameters[i];
    const models::ParameterSpec& spec = model.parameters()[index[i]];
    const auto value = [&](double x) {
      return std::clamp(p.log_space ? std::exp(x) : x, spec.lower, spec.upper);
    };
    p.posterior_sd = std::sqrt(std::max(0.0, post_cov(e, e)));
    p.map = value(post_mean(e));
    p.lower = value(post_mean(e) - z * p.posterior_sd);
    p.upper = value(post_mean(e) + z * p.posterior_sd);
    p.informed = p.posterior_sd <= informed_ratio * p.prior_sd;
    if (!p.informed) rep.not_informed.push_back(p.name);
    rep.parameters.push_back(std::move(p));
  }
  rep.covariance = ToRows(post_cov);
  rep.converged = true;
  rep.iterations = 1;  // analyses
  CompleteReport(model, std::move(g.observed), at_mean, rep);
  return rep;
}


// The ends of the visits after `after` and at or before `as_of` (all when
// unset): the times of the cuff pressures, ejection fractions and cardiac
// outputs with a value, grouped so that a visit holds the readings within
// kTwinVisitSpan of its first one; the last reading's time ends it.
Result<std::vector<Time>> VisitEnds(store::Store& store,
                                    store::PatientId patient, Time after,
                                    std::optional<Time> as_of) {
  std::vector<Time> times;
  for (const char* code : {"8480-6", "8462-4", "10230-1", "8741-1"}) {
    store::EventQuery q;
    q.code = code;
    q.from = after + Duration::Nanoseconds(1);
    if (as_of) q.to = *as_of + Duration::Nanoseconds(1);
    JUMEAU_ASSIGN_OR_RETURN(const auto events, store.Events(patient, q));
    for (const auto& e : events) {
      if (e.event.value && std::isfinite(*e.event.value))
        times.push_back(e.event.time);
    }
  }
  std::sort(times.begin(), times.end());
  std::vector<Time> ends;
  Time first;
  for (std::size_t i = 0; i < times.size(); ++i) {
    if (i == 0 || times[i] > first + kTwinVisitSpan) {
      first = times[i];
      ends.push_back(times[i]);
    } else {
      ends.back() = times[i];
    }
  }
  return ends;
}

}  // namespace

Result<std::vector<TwinReport>> UpdateCardioTwin(
    store::Store& store, const store::PatientInfo& patient,
    const TwinOptions& options) {
  if (options.model != "cardio") {
    return InvalidArgumentError("unknown twin model '" + options.model +
                                "' (known: cardio)");
  }
  if (options.ensemble_size < 2 || options.ensemble_size > 10000) {
    return InvalidArgumentError("ensemble size " +
                                std::to_string(options.ensemble_size) +
                                " is outside [2, 10000]");
  }
  if (!std::isfinite(options.parameter_jitter) ||
      options.parameter_jitter < 0) {
    return InvalidArgumentError("parameter jitter must be finite and >= 0");
  }
  const models::Regazzoni2022Cardio model;
  JUMEAU_ASSIGN_OR_RETURN(const TwinReport prior,
                          LatestTwin(store, patient, model));
  // Invasive beats are averaged over their window: one analysis of
  // everything new. Otherwise one analysis per visit, in time order.
  store::EventQuery abp;
  abp.origin = kAbpOrigin;
  abp.from = prior.data_to + Duration::Nanoseconds(1);
  if (options.as_of) abp.to = *options.as_of + Duration::Nanoseconds(1);
  abp.limit = 1;
  JUMEAU_ASSIGN_OR_RETURN(const auto new_beats, store.Events(patient.id, abp));
  std::vector<std::optional<Time>> ends;
  if (new_beats.empty()) {
    JUMEAU_ASSIGN_OR_RETURN(
        const std::vector<Time> visits,
        VisitEnds(store, patient.id, prior.data_to, options.as_of));
    ends.assign(visits.begin(), visits.end());
  }
  if (ends.empty()) ends.push_back(options.as_of);
  std::vector<TwinReport> out;
  for (const std::optional<Time>& end : ends) {
    TwinOptions visit = options;
    visit.as_of = end;
    JUMEAU_ASSIGN_OR_RETURN(
        TwinReport rep,
        UpdateOnce(store, patient, model, out.empty() ? prior : out.back(),
                   visit));
    out.push_back(std::move(rep));
  }
  // Every analysis succeeded: store them in order, chaining their priors.
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (i > 0) out[i].update->prior_snapshot_id = out[i - 1].snapshot_id;
    JUMEAU_RETURN_IF_ERROR(StoreSnapshot(store, patient, out[i]));
  }
  return out;
}

Result<std::vector<TwinReport>> TwinHistory(store::Store& store,
                                            const store::PatientInfo& patient) {
  JUMEAU_ASSIGN_OR_RETURN(const auto snapshots,
                          store.TwinSnapshots(patient.id));
  std::vector<TwinReport> out;
  for (const auto& s : snapshots) {
    // Brain (brain_twin.h) and progression (progression_twin.h) twins are
    // read by their own modules.
    if (IsProgressionModel(s.model) || IsBrainTwinModel(s.model)) continue;
    JUMEAU_ASSIGN_OR_RETURN(TwinReport r, TwinReport::FromSnapshot(s));
    out.push_back(std::move(r));
  }
  return out;
}

namespace {

// A parsed scenario of SimulateCardioTwin.
struct Scenario {
  std::string description;
  std::optional<double> heart_rate;        // absolute, /min
  std::string parameter;                   // scaled parameter, or empty
  double factor = 1.0;
  double volume_ml = 0.0;                  // added to the circulation
};

// A number in %g form: "0.8", "-500".
std::string Brief(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// Parses the whole of `text` as a finite number.
std::optional<double> Number(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !std::isfinite(v))
    return std::nullopt;
  return v;
}

Result<Scenario> ParseScenario(const std::string& text,
                               double heart_rate) {
  const auto bad = [&](const std::string& why) {
    return InvalidArgumentError(
        "scenario '" + text + "': " + why +
        " (known: hr=+20, hr=110, resistance=-20%, contractility=-30%, "
        "volume=-500)");
  };
  const auto eq = text.find('=');
  if (eq == std::string::npos) return bad("expected KEY=VALUE");
  const std::string key = text.substr(0, eq);
  const std::string value = text.substr(eq + 1);
  Scenario sc;
  if (key == "hr") {
    const auto v = Number(value);
    if (!v) return bad("heart rate '" + value + "' is not a number");
    const bool relative = value[0] == '+' || value[0] == '-';
    sc.heart_rate = relative ? heart_rate + *v : *v;
    sc.description = "heart rate " + Brief(*sc.heart_rate) + " /min";
    return sc;
  }
  if (key == "resistance" || key == "contractility") {
    if (value.empty() || value.back() != '%')
      return bad("expected a percentage such as -20%");
    const auto v = Number(value.substr(0, value.size() - 1));
    if (!v || !(*v > -100.0) || *v > 1000.0)
      return bad("percentage '" + value + "' is not in (-100%, 1000%]");
    sc.parameter = key == "resistance" ? "r_ar_sys" : "e_active_lv";
    sc.factor = 1.0 + *v / 100.0;
    sc.description = sc.parameter + " x " + Brief(sc.factor);
    return sc;
  }
  if (key == "volume") {
    const auto v = Number(value);
    if (!v || std::abs(*v) > 5000.0)
      return bad("volume '" + value + "' is not a number of mL in [-5000, 5000]");
    sc.volume_ml = *v;
    sc.description = "blood volume " + Brief(*v) + " mL";
    return sc;
  }
  return bad("unknown scenario '" + key + "'");
}

// Circulating blood volume (mL) of state y under parameters p: chamber
// volumes plus C p of each arterial and venous compartment.
double BloodVolume(const models::Model& model, std::span<const double> y,
                   std::span<const double> p) {
  double v = y[models::kVLa] + y[models::kVLv] + y[models::kVRa] +
             y[models::kVRv];
  const std::pair<const char*, int> compartments[] = {
      {"c_ar_sys", models::kPArSys}, {"c_ven_sys", models::kPVenSys},
      {"c_ar_pul", models::kPArPul}, {"c_ven_pul", models::kPVenPul}};
  for (const auto& [name, state] : compartments)
    v += p[*models::FindParameter(model, name)] * y[state];
  return v;
}

// Steady state at parameters p with `volume_ml` added to the default
// circulating volume, warm-started from *cache (the previous converged
// state, its systemic venous pressure shifted to the target volume) as
// assimilation::MakeWarmStartedCardioObservation does; cold on failure.
Result<models::CardioBeat> SteadyBeat(const models::Regazzoni2022Cardio& model,
                                      std::span<const double> p,
                                      double volume_ml,
                                      std::vector<double>* cache) {
  const std::size_t ven = *models::FindParameter(model, "c_ven_sys");
  std::vector<double> y0(models::kCardioStateCount);
  model.InitialState(p, y0);
  y0[models::kPVenSys] += volume_ml / p[ven];
  if (y0[models::kPVenSys] <= 0) {
    return InvalidArgumentError(
        "a blood volume change of " + std::to_string(volume_ml) +
        " mL empties the systemic veins (initial pressure <= 0)");
  }
  const models::CardioOptions options =
      assimilation::WarmStartedCardioOptions();
  Result<models::CardioSimulation> sim = InvalidArgumentError("unset");
  if (!cache->empty()) {
    std::vector<double> start = *cache;
    start[models::kPVenSys] +=
        (BloodVolume(model, y0, p) - BloodVolume(model, start, p)) / p[ven];
    sim = model.SimulateToSteadyState(p, options, start);
  }
  if (!sim.ok()) sim = model.SimulateToSteadyState(p, options, y0);
  if (!sim.ok()) return sim.status();
  *cache = sim->beat_start;
  return sim->beat;
}

// Percentile q in [0, 1] of sorted values, linearly interpolated.
double Percentile(const std::vector<double>& sorted, double q) {
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (pos - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

}  // namespace

Result<TwinSimulation> SimulateCardioTwin(
    store::Store& store, const store::PatientInfo& patient,
    const TwinSimulationOptions& options) {
  if (options.samples < 2 || options.samples > 1000) {
    return InvalidArgumentError("samples " + std::to_string(options.samples) +
                                " is outside [2, 1000]");
  }
  if (options.waveform_points != 0 &&
      (options.waveform_points < 3 || options.waveform_points > 100000)) {
    return InvalidArgumentError("waveform points must be 0 or in [3, 100000]");
  }
  const models::Regazzoni2022Cardio model;
  JUMEAU_ASSIGN_OR_RETURN(const TwinReport twin,
                          LatestTwin(store, patient, model));
  const std::string where = "twin snapshot " + std::to_string(twin.snapshot_id);
  JUMEAU_ASSIGN_OR_RETURN(const Scenario sc,
                          ParseScenario(options.scenario,
                                        twin.heart_rate_per_min));
  JUMEAU_ASSIGN_OR_RETURN(
      const std::vector<double> base,
      BaseParameters(model, twin.heart_rate_per_min, where));
  const double scenario_hr = sc.heart_rate.value_or(twin.heart_rate_per_min);
  JUMEAU_ASSIGN_OR_RETURN(
      std::vector<double> scenario_base,
      BaseParameters(model, scenario_hr, "scenario '" + options.scenario + "'"));
  std::optional<std::size_t> scaled;
  if (!sc.parameter.empty()) scaled = *models::FindParameter(model, sc.parameter);

  // The snapshot's estimate and covariance in the transformed space.
  JUMEAU_ASSIGN_OR_RETURN(const SnapshotPosterior posterior,
                          PosteriorOf(model, twin, where));
  const Eigen::VectorXd& mean = posterior.mean;
  const Eigen::MatrixXd& cov = posterior.covariance;
  // A square root of the covariance (eigenvalues clamped at 0).
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(
      0.5 * (cov + cov.transpose()));
  const Eigen::MatrixXd root =
      eig.eigenvectors() *
      eig.eigenvalues().cwiseMax(0.0).cwiseSqrt().asDiagonal();

  // Parameters at transformed x, over a base, with the scenario applied.
  const auto parameters_of = [&](const Eigen::VectorXd& x, bool scenario) {
    std::vector<double> p =
        ParametersAt(model, twin, posterior, scenario ? scenario_base : base, x);
    if (scenario && scaled) p[*scaled] *= sc.factor;
    return p;
  };
  const double volume = sc.volume_ml;
  std::vector<double> cache_base, cache_scenario;
  JUMEAU_ASSIGN_OR_RETURN(
      const models::CardioBeat map_base,
      SteadyBeat(model, parameters_of(mean, false), 0.0, &cache_base));
  const std::vector<double> map_scenario_params = parameters_of(mean, true);
  Result<models::CardioBeat> map_scenario_beat =
      SteadyBeat(model, map_scenario_params, volume, &cache_scenario);
  if (!map_scenario_beat.ok()) {
    return Status(map_scenario_beat.status().code(),
                  "scenario '" + options.scenario +
                      "': " + map_scenario_beat.status().message());
  }
  // The MAP scenario's converged state: its waveforms start from it, which
  // keeps a volume scenario's circulating volume.
  const std::vector<double> map_scenario_start = cache_scenario;

  TwinSimulation out;
  out.snapshot_id = twin.snapshot_id;
  out.scenario = options.scenario;
  out.description = sc.description;
  out.baseline_heart_rate_per_min = twin.heart_rate_per_min;
  out.scenario_heart_rate_per_min = scenario_hr;
  out.samples = options.samples;
  out.seed = options.seed;
  const std::size_t k = models::kCardioOutputCount;
  std::vector<std::vector<double>> base_values(k), scenario_values(k);
  Rng rng(options.seed);
  for (int s = 0; s < options.samples; ++s) {
    Eigen::VectorXd z(mean.size());
    for (Eigen::Index i = 0; i < z.size(); ++i) z(i) = rng.Normal();
    const Eigen::VectorXd x = mean + root * z;
    const auto b = SteadyBeat(model, parameters_of(x, false), 0.0, &cache_base);
    const auto c =
        SteadyBeat(model, parameters_of(x, true), volume, &cache_scenario);
    if (!b.ok() || !c.ok()) {
      ++out.failed_samples;
      continue;
    }
    const auto bo = b->AsOutputs();
    const auto co = c->AsOutputs();
    for (std::size_t j = 0; j < k; ++j) {
      base_values[j].push_back(bo[j]);
      scenario_values[j].push_back(co[j]);
    }
  }
  if (base_values[0].empty()) {
    return OutOfRangeError("scenario '" + options.scenario +
                           "': none of the " +
                           std::to_string(options.samples) +
                           " posterior samples simulated");
  }
  const auto band = [](double map, std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return TwinBand{map, Percentile(v, 0.05), Percentile(v, 0.5),
                    Percentile(v, 0.95)};
  };
  const auto map_b = map_base.AsOutputs();
  const auto map_s = map_scenario_beat->AsOutputs();
  for (std::size_t j = 0; j < k; ++j) {
    out.outputs.push_back({model.outputs()[j].name, model.outputs()[j].unit,
                           band(map_b[j], base_values[j]),
                           band(map_s[j], scenario_values[j])});
  }
  if (options.waveform_points > 0) {
    const double period = 60.0 / scenario_hr;
    std::vector<double> times(static_cast<std::size_t>(options.waveform_points));
    for (std::size_t i = 0; i < times.size(); ++i)
      times[i] = period * static_cast<double>(i) /
                 static_cast<double>(times.size() - 1);
    JUMEAU_ASSIGN_OR_RETURN(
        const models::CardioWaveforms w,
        model.SimulateWaveforms(map_scenario_params, times,
                                assimilation::WarmStartedCardioOptions(),
                                map_scenario_start));
    const models::Trace* p_lv = w.Find("p_lv");
    const models::Trace* v_lv = w.Find("v_lv");
    const models::Trace* p_ao = w.Find("p_ar_sys");
    if (!p_lv || !v_lv || !p_ao) {
      return InternalError("cardio waveforms lack p_lv, v_lv or p_ar_sys");
    }
    out.time_s = w.time_s;
    out.lv_pressure = p_lv->values;
    out.lv_volume = v_lv->values;
    out.aortic_pressure = p_ao->values;
  }
  return out;
}

}  // namespace jumeau::derive
