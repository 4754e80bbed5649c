// BuildCardioTwin and TwinReport's JSON: the record's observations gathered
// for the Regazzoni model, the calibration (assimilation/calibration.h) and
// the snapshot stored (store.h TwinSnapshot).
#include "jumeau/derive/twin.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <utility>

#include "jumeau/assimilation/calibration.h"
#include "jumeau/core/ucum_conversion.h"
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
// before `as_of`, converted to `unit`. nullopt when there is none;
// InvalidArgument when its unit does not convert.
Result<std::optional<TwinObservation>> Latest(
    store::Store& store, store::PatientId patient, const char* code,
    const std::string& output, const std::string& unit,
    std::optional<Time> as_of, double sd,
    const std::vector<store::SourceInfo>& sources) {
  store::EventQuery q;
  q.code = code;
  if (as_of) q.to = *as_of + Duration::Nanoseconds(1);
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
// latest beat; and the heart rate from the beats' durations.
struct AbpObservations {
  std::vector<TwinObservation> pressures;
  std::optional<double> heart_rate;
  std::string heart_rate_source;
};

Result<AbpObservations> AbpBeats(store::Store& store, store::PatientId patient,
                                 const models::Model& model,
                                 const TwinOptions& options) {
  store::EventQuery q;
  q.origin = kAbpOrigin;
  if (options.as_of) q.to = *options.as_of + Duration::Nanoseconds(1);
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
  if (beat_count > 0 && beat_seconds > 0) {
    out.heart_rate = 60.0 * static_cast<double>(beat_count) / beat_seconds;
    out.heart_rate_source = std::string(kAbpOrigin) + " beat durations (" +
                            std::to_string(beat_count) + " beats)";
  }
  return out;
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
              {"iterations", iterations}};
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
  JUMEAU_ASSIGN_OR_RETURN(const auto sources, store.Sources(patient.id));

  // Observations: invasive beats when present, else the latest cuff reading.
  std::vector<TwinObservation> observed;
  double heart_rate = 0;
  std::string heart_rate_source;
  JUMEAU_ASSIGN_OR_RETURN(AbpObservations abp,
                          AbpBeats(store, patient.id, model, options));
  if (!abp.pressures.empty()) {
    observed = std::move(abp.pressures);
    if (abp.heart_rate) {
      heart_rate = *abp.heart_rate;
      heart_rate_source = abp.heart_rate_source;
    }
  } else {
    for (const char* code : {"8480-6", "8462-4"}) {
      const models::OutputSpec& spec = Output(model, code);
      JUMEAU_ASSIGN_OR_RETURN(
          auto o,
          Latest(store, patient.id, code, spec.name, spec.unit, options.as_of,
                 options.cuff_pressure_sd_mmhg, sources));
      if (o) observed.push_back(std::move(*o));
    }
  }
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
  if (heart_rate_source.empty()) {
    const models::OutputSpec& spec = Output(model, "8867-4");
    JUMEAU_ASSIGN_OR_RETURN(
        auto hr, Latest(store, patient.id, "8867-4", spec.name, spec.unit,
                        options.as_of, 1.0, sources));
    if (!hr) {
      return InvalidArgumentError("patient " + patient.pseudonym +
                                  ": no heart rate (LOINC 8867-4) in the "
                                  "record; the cardio twin needs it as input");
    }
    heart_rate = hr->value;
    heart_rate_source = hr->source + " at " + FormatIso8601(hr->from);
  }
  for (const auto& [code, sd] :
       {std::pair<const char*, double>{"10230-1",
                                       options.ejection_fraction_sd_percent},
        {"8741-1", options.cardiac_output_sd_l_per_min}}) {
    const models::OutputSpec& spec = Output(model, code);
    JUMEAU_ASSIGN_OR_RETURN(
        auto o, Latest(store, patient.id, code, spec.name, spec.unit,
                       options.as_of, sd, sources));
    if (o) observed.push_back(std::move(*o));
  }

  // The heart rate is an input; the informed parameters are estimated.
  std::vector<double> base = models::DefaultParameters(model);
  const std::size_t hr_index = *models::FindParameter(model, "heart_rate");
  const models::ParameterSpec& hr_spec = model.parameters()[hr_index];
  if (!(heart_rate >= hr_spec.lower && heart_rate <= hr_spec.upper)) {
    return InvalidArgumentError("heart rate " + std::to_string(heart_rate) +
                                " /min from " + heart_rate_source +
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
  std::vector<assimilation::Observation> obs;
  for (const auto& o : observed) {
    const std::size_t index = *models::FindOutput(model, o.output);
    obs.push_back({model.outputs()[index].code, o.value, o.sd, o.unit});
  }
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
  r.model = std::string(model.name());
  r.model_version = std::string(model.version());
  r.heart_rate_per_min = heart_rate;
  r.heart_rate_source = heart_rate_source;
  r.data_from = observed.front().from;
  r.data_to = observed.front().to;
  for (std::size_t k = 0; k < observed.size(); ++k) {
    TwinObservation& o = observed[k];
    r.data_from = std::min(r.data_from, o.from);
    r.data_to = std::max(r.data_to, o.to);
    if (k < summary->residuals.size()) {
      o.predicted = summary->residuals[k].predicted;
      o.standardized = summary->residuals[k].standardized;
    }
  }
  r.observations = std::move(observed);
  for (const auto& e : summary->estimates) {
    r.parameters.push_back({e.name, e.unit, e.map, e.lower, e.upper,
                            e.prior_median, e.log_space, e.prior_sd,
                            e.posterior_sd, e.informed});
  }
  const Eigen::MatrixXd& cov = summary->covariance;
  for (Eigen::Index i = 0; i < cov.rows(); ++i) {
    std::vector<double> row(static_cast<std::size_t>(cov.cols()));
    for (Eigen::Index j = 0; j < cov.cols(); ++j)
      row[static_cast<std::size_t>(j)] = cov(i, j);
    r.covariance.push_back(std::move(row));
  }
  for (std::size_t i = 0; i < model.outputs().size() && i < at_map.size();
       ++i) {
    r.outputs.push_back(
        {model.outputs()[i].name, model.outputs()[i].unit, at_map[i]});
  }
  r.not_informed = summary->not_informed;
  for (const auto& w : summary->weak_directions)
    r.weak_directions.push_back(w.description);
  r.converged = summary->converged;
  r.iterations = summary->iterations;

  store::TwinSnapshot snapshot;
  snapshot.model = r.model;
  snapshot.model_version = r.model_version;
  snapshot.data_from = r.data_from;
  snapshot.data_to = r.data_to;
  snapshot.data_json = r.ToJson();
  JUMEAU_ASSIGN_OR_RETURN(r.snapshot_id,
                          store.AddTwinSnapshot(patient.id, snapshot));
  JUMEAU_ASSIGN_OR_RETURN(const auto stored, store.TwinSnapshots(patient.id));
  for (const auto& s : stored) {
    if (s.id == r.snapshot_id) r.created = s.created;
  }
  return r;
}

Result<std::vector<TwinReport>> TwinHistory(store::Store& store,
                                            const store::PatientInfo& patient) {
  JUMEAU_ASSIGN_OR_RETURN(const auto snapshots,
                          store.TwinSnapshots(patient.id));
  std::vector<TwinReport> out;
  for (const auto& s : snapshots) {
    JUMEAU_ASSIGN_OR_RETURN(TwinReport r, TwinReport::FromSnapshot(s));
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace jumeau::derive
