// The brain twin (brain_twin.h): EEG features of the record and of the
// simulated network through the same analysis functions, ES-MDA
// personalisation, the snapshot JSON (which embeds the connectome's
// non-zero edges so scenarios need nothing but the snapshot), scenarios.
#include "jumeau/derive/brain_twin.h"

#include <fmt/format.h>

#include <Eigen/Dense>
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "jumeau/analysis/eeg_features.h"
#include "jumeau/assimilation/ensemble_inversion.h"
#include "jumeau/core/random.h"
#include "jumeau/derive/internal/store_report.h"

namespace jumeau::derive {
namespace {

using json = nlohmann::json;
using models::brain::Connectivity;
using models::brain::NetworkConfig;
using models::brain::NeuralMassKind;

constexpr int kFeatures = 5;

// Features of one channel (BrainFeatureNames order).
Result<std::array<double, kFeatures>> ChannelFeatures(std::span<const double> x,
                                                      SampleRate rate) {
  JUMEAU_ASSIGN_OR_RETURN(const analysis::Spectrum spectrum,
                          analysis::EegSpectrum(x, rate));
  const analysis::EegSpectralFeatures f =
      analysis::FeaturesFromSpectrum(spectrum);
  double peak = f.alpha_peak_hz;
  if (!std::isfinite(peak)) {
    double best = -1;
    for (std::size_t k = 0; k < spectrum.psd.size(); ++k) {
      const double hz = spectrum.FrequencyHz(k);
      if (hz < 8.0 || hz > 13.0) continue;
      if (spectrum.psd[k] > best) best = spectrum.psd[k], peak = hz;
    }
  }
  return std::array<double, kFeatures>{peak, f.relative[0], f.relative[1],
                                       f.relative[2], f.relative[3]};
}

// Mean of channel features, skipping non-finite entries per feature.
Result<std::vector<double>> MeanFeatures(
    const std::vector<std::array<double, kFeatures>>& per_channel) {
  std::vector<double> out(kFeatures, 0.0);
  for (int f = 0; f < kFeatures; ++f) {
    int count = 0;
    for (const auto& c : per_channel)
      if (std::isfinite(c[f])) out[f] += c[f], ++count;
    if (count == 0)
      return OutOfRangeError(fmt::format(
          "EEG feature {} is undefined in every channel (flat signal?)",
          BrainFeatureNames()[f]));
    out[f] /= count;
  }
  return out;
}

json ConnectivityJson(const Connectivity& c) {
  json edges = json::array();
  const int n = c.regions();
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      const double w = c.weights[static_cast<std::size_t>(i) * n + j];
      if (w != 0.0)
        edges.push_back(
            {i, j, w, c.tract_lengths_mm[static_cast<std::size_t>(i) * n + j]});
    }
  return {{"labels", c.labels}, {"centres_mm", c.centres_mm}, {"edges", edges}};
}

Connectivity ConnectivityFromJson(const json& j) {
  Connectivity c;
  c.labels = j.at("labels").get<std::vector<std::string>>();
  c.centres_mm = j.at("centres_mm").get<std::vector<double>>();
  const std::size_t n = c.labels.size();
  c.weights.assign(n * n, 0.0);
  c.tract_lengths_mm.assign(n * n, 0.0);
  for (const auto& e : j.at("edges")) {
    const std::size_t i = e.at(0).get<std::size_t>(),
                      k = e.at(1).get<std::size_t>();
    if (i >= n || k >= n) throw std::out_of_range("edge index");
    c.weights[i * n + k] = e.at(2).get<double>();
    c.tract_lengths_mm[i * n + k] = e.at(3).get<double>();
  }
  return c;
}

json MapJson(const PropagationMap& m) {
  return {{"seizing", m.seizing},
          {"onset_ms", m.onset_ms},
          {"episodes", m.episodes}};
}

PropagationMap MapFromJson(const json& j) {
  PropagationMap m;
  m.seizing = j.at("seizing").get<std::vector<std::string>>();
  m.onset_ms = j.at("onset_ms").get<std::vector<double>>();
  m.episodes = j.at("episodes").get<std::vector<int>>();
  return m;
}

Status ApplyScenario(const BrainScenario& sc, Connectivity& conn,
                     NetworkConfig& cfg) {
  const int n = conn.regions();
  if (!sc.resect.empty()) {
    cfg.removed.assign(n, false);
    for (int r : sc.resect) cfg.removed[r] = true;
  }
  for (const auto& [a, b] : sc.disconnect) {
    conn.weights[static_cast<std::size_t>(a) * n + b] = 0.0;
    conn.weights[static_cast<std::size_t>(b) * n + a] = 0.0;
  }
  if (!sc.stimulus.regions.empty()) {
    models::brain::Stimulus s = sc.stimulus;
    s.start_ms = 0;
    s.duration_ms = cfg.duration_ms + cfg.dt_ms;  // the whole run
    cfg.stimuli.push_back(s);
  }
  return Status::Ok();
}

Result<std::vector<int>> RegionList(std::string_view text,
                                    const Connectivity& c,
                                    std::string_view what) {
  std::vector<int> out;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find(',', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string label(text.substr(pos, end - pos));
    const int r = models::brain::FindRegion(c, label);
    if (r < 0)
      return InvalidArgumentError(fmt::format(
          "{}: unknown region '{}' (labels are those of the connectome, e.g. "
          "'{}')",
          what, label, c.labels.empty() ? "" : c.labels[0]));
    out.push_back(r);
    if (end == text.size()) break;
    pos = end + 1;
  }
  return out;
}

// The EEG of the Jansen-Rit network at `parameters`, at the sensors:
// options.simulated_eeg_seconds after the transient, the 1 ms model output
// (y1 - y2, mV) averaged over options.simulated_eeg_decimation samples, in
// uV. Fills sim (all but source_hash) and `eeg` (sensors x samples).
Status SimulateTwinEeg(const Connectivity& connectivity,
                       std::span<const double> parameters,
                       const models::brain::SensorProjection& projection,
                       const BrainTwinOptions& options, Time start,
                       BrainTwinReport::SimulatedEeg* sim,
                       std::vector<std::vector<double>>* eeg) {
  const int decimation = options.simulated_eeg_decimation;
  if (decimation < 1 || !(options.simulated_eeg_seconds >= 2.0))
    return InvalidArgumentError(
        "simulated EEG: decimation >= 1 and at least 2 s required");
  NetworkConfig cfg = JansenRitTwinConfig(parameters, options);
  cfg.duration_ms = options.transient_ms + options.simulated_eeg_seconds * 1000;
  JUMEAU_ASSIGN_OR_RETURN(const auto trace,
                          models::brain::SimulateNetwork(connectivity, cfg));
  const int skip =
      static_cast<int>(std::ceil(options.transient_ms / trace.period_ms));
  const int keep = (trace.samples - skip) / decimation;
  const double rate_hz = 1000.0 / (trace.period_ms * decimation);
  if (keep < 2 * rate_hz)
    return InvalidArgumentError("simulated EEG: less than 2 s simulated");
  const std::vector<double> all =
      models::brain::ProjectToSensors(projection, trace);
  const SampleRate rate(static_cast<int64_t>(std::llround(rate_hz)), 1);
  std::vector<std::array<double, kFeatures>> per;
  eeg->clear();
  for (int s = 0; s < projection.sensors(); ++s) {
    const double* x = &all[static_cast<std::size_t>(s) * trace.samples + skip];
    std::vector<double> y(static_cast<std::size_t>(keep));
    for (int k = 0; k < keep; ++k) {
      double sum = 0;
      for (int m = 0; m < decimation; ++m) sum += x[k * decimation + m];
      y[k] = 1000.0 * sum / decimation;  // mV -> uV
    }
    JUMEAU_ASSIGN_OR_RETURN(auto f, ChannelFeatures(y, rate));
    per.push_back(f);
    eeg->push_back(std::move(y));
  }
  JUMEAU_ASSIGN_OR_RETURN(sim->features, MeanFeatures(per));
  sim->rate_hz = rate_hz;
  sim->seconds = keep / rate_hz;
  sim->start = start;
  sim->channels.clear();
  for (const auto& l : projection.labels)
    sim->channels.push_back(l + " simulated");
  return Status::Ok();
}

// Stores `eeg` as the patient's simulated-EEG source (replacing the previous
// one) and returns its content hash.
Result<std::string> StoreSimulatedEeg(
    store::Store& store, const store::PatientInfo& patient,
    const BrainTwinReport& r, const std::vector<std::vector<double>>& eeg) {
  const std::string key = std::string("derived:brain-twin-eeg/") +
                          kBrainTwinVersion + ":" + patient.pseudonym;
  store::SourceDescription d;
  d.content_hash = key;
  d.format = kSimulatedEegFormat;
  d.reader = "jumeau.derive.brain_twin";
  d.reader_version = kBrainTwinVersion;
  d.patient_pseudonym = patient.pseudonym;
  d.replace_existing = true;
  JUMEAU_ASSIGN_OR_RETURN(auto txn, store.BeginSource(d));
  store::PatientIdentity identity;
  identity.keys = {key};
  JUMEAU_ASSIGN_OR_RETURN(const store::PatientId id, txn->Patient(identity));
  const SampleRate rate(
      static_cast<int64_t>(std::llround(r.simulated_eeg.rate_hz)), 1);
  for (std::size_t s = 0; s < eeg.size(); ++s) {
    double peak = 0;
    for (double v : eeg[s]) peak = std::max(peak, std::abs(v));
    // About 2^30 steps over the range: far below the model's precision.
    const double resolution = peak > 0 ? peak / (1 << 30) : 1.0;
    Signal sig;
    sig.label = r.simulated_eeg.channels[s];
    sig.unit = "uV";
    sig.source_unit = "uV";
    sig.transducer =
        fmt::format("simulated: {} {} twin snapshot {}, EEG at the estimate",
                    r.model, r.model_version, r.snapshot_id);
    sig.prefilter = fmt::format("{:g} ms average of the 1 ms model output",
                                1000.0 / r.simulated_eeg.rate_hz);
    sig.rate = rate;
    sig.start = r.simulated_eeg.start;
    sig.scale = resolution;
    sig.offset = 0;
    sig.bits = 32;
    sig.digital_min = std::numeric_limits<int32_t>::min();
    sig.digital_max = std::numeric_limits<int32_t>::max();
    sig.physical_min = sig.digital_min * resolution;
    sig.physical_max = sig.digital_max * resolution;
    sig.samples.reserve(eeg[s].size());
    for (double v : eeg[s])
      sig.samples.push_back(static_cast<int32_t>(std::llround(v / resolution)));
    JUMEAU_RETURN_IF_ERROR(txn->AddSignal(id, sig).status());
  }
  JUMEAU_RETURN_IF_ERROR(txn->Commit());
  return key;
}

}  // namespace

bool IsBrainTwinModel(std::string_view model) {
  return model == kJansenRitNetworkModel || model == kEpileptorNetworkModel;
}

std::vector<std::string> BrainFeatureNames() {
  return {"alpha_peak_hz", "delta_relative", "theta_relative", "alpha_relative",
          "beta_relative"};
}

std::vector<models::ParameterSpec> JansenRitTwinParameters() {
  using models::Prior;
  return {
      {"global_coupling", "1", 1e-4, Prior::LogNormal(1e-4, 0.7), 1e-6, 4e-4,
       "linear coupling scale a (c_i = a sum_j W_ij y1_j(t - d_ij))"},
      {"conduction_speed", "mm/ms", 3.0, Prior::LogNormal(3.0, 0.5), 0.5, 30.0,
       "axonal conduction speed (delays = tract length / speed)"},
      {"mu", "/ms", 0.22, Prior::Normal(0.22, 0.03), 0.12, 0.32,
       "mean excitatory input (Jansen-Rit excitability)"},
  };
}

NetworkConfig JansenRitTwinConfig(std::span<const double> p,
                                  const BrainTwinOptions& o) {
  NetworkConfig cfg;
  cfg.model = NeuralMassKind::kJansenRit;
  cfg.coupling.kind = models::brain::CouplingKind::kLinear;
  cfg.coupling.a = p[0];
  cfg.coupling.b = 0;
  cfg.speed_mm_per_ms = p[1];
  cfg.jansen_rit.mu = p[2];
  cfg.dt_ms = o.dt_ms;
  cfg.duration_ms = o.duration_ms;
  cfg.monitor_period_ms = 1.0;
  return cfg;
}

Result<std::vector<double>> SimulatedEegFeatures(
    const Connectivity& conn, const NetworkConfig& cfg,
    const models::brain::SensorProjection& projection, double transient_ms) {
  JUMEAU_ASSIGN_OR_RETURN(const auto trace,
                          models::brain::SimulateNetwork(conn, cfg));
  const int skip = static_cast<int>(std::ceil(transient_ms / trace.period_ms));
  const int keep = trace.samples - skip;
  if (keep * trace.period_ms < 2000.0)
    return InvalidArgumentError(
        "less than 2 s of simulated EEG after the transient");
  const std::vector<double> eeg =
      models::brain::ProjectToSensors(projection, trace);
  const SampleRate rate(
      static_cast<int64_t>(std::llround(1000.0 / trace.period_ms)), 1);
  std::vector<std::array<double, kFeatures>> per;
  for (int s = 0; s < projection.sensors(); ++s) {
    std::span<const double> x(
        &eeg[static_cast<std::size_t>(s) * trace.samples + skip], keep);
    JUMEAU_ASSIGN_OR_RETURN(auto f, ChannelFeatures(x, rate));
    per.push_back(f);
  }
  return MeanFeatures(per);
}

Result<PatientEegFeatures> GatherPatientEegFeatures(
    store::Store& store, const store::PatientInfo& patient,
    const BrainTwinOptions& options) {
  JUMEAU_ASSIGN_OR_RETURN(const auto streams, store.Streams(patient.id));
  JUMEAU_ASSIGN_OR_RETURN(const auto sources, store.Sources(patient.id));
  std::map<store::SourceId, bool> derived;
  // Analyses and the twin's own simulated EEG are not patient data.
  for (const auto& s : sources)
    derived[s.id] = s.format == "derived" || s.format == kSimulatedEegFormat;
  PatientEegFeatures out;
  std::vector<std::array<double, kFeatures>> per;
  bool first = true;
  for (const auto& st : streams) {
    const Signal& meta = st.signal;
    if (derived[st.source_id] || meta.unit != "uV" || !meta.rate.valid() ||
        meta.rate.hz() < 64.0)
      continue;
    const int64_t count = std::min<int64_t>(
        st.sample_count,
        static_cast<int64_t>(meta.rate.hz() * options.eeg_span.seconds()));
    if (count < static_cast<int64_t>(2 * meta.rate.hz())) continue;
    JUMEAU_ASSIGN_OR_RETURN(const auto raw, store.ReadSamples(st.id, 0, count));
    std::vector<double> x(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i)
      x[i] = raw[i] * meta.scale + meta.offset;
    auto f = ChannelFeatures(x, meta.rate);
    if (!f.ok()) continue;
    per.push_back(*f);
    out.channels.push_back(st.name);
    const Time to = meta.TimeOfSample(count);
    if (first || meta.start < out.from) out.from = meta.start;
    if (first || out.to < to) out.to = to;
    first = false;
  }
  if (per.empty())
    return FailedPreconditionError(
        "patient " + patient.pseudonym +
        ": no EEG in the record (streams in uV at >= 64 Hz with >= 2 s)");
  JUMEAU_ASSIGN_OR_RETURN(out.values, MeanFeatures(per));
  return out;
}

Result<PropagationMap> EpileptorPropagation(
    const Connectivity& connectivity, const std::vector<double>& region_x0,
    double ks, double duration_ms, const BrainScenario* scenario) {
  Connectivity conn = connectivity;
  models::brain::NormalizeWeightsToMax(&conn);
  NetworkConfig cfg;
  cfg.model = NeuralMassKind::kEpileptor;
  cfg.epileptor.Ks = ks;
  cfg.coupling.kind = models::brain::CouplingKind::kDifference;
  cfg.coupling.a = 1.0;
  cfg.duration_ms = duration_ms;
  cfg.region_x0 = region_x0;
  if (scenario != nullptr)
    JUMEAU_RETURN_IF_ERROR(ApplyScenario(*scenario, conn, cfg));
  JUMEAU_ASSIGN_OR_RETURN(const auto trace,
                          models::brain::SimulateNetwork(conn, cfg));
  auto seizures =
      models::brain::DetectSeizures(trace, NeuralMassKind::kEpileptor);
  std::sort(seizures.begin(), seizures.end(), [](const auto& a, const auto& b) {
    return a.onset_ms < b.onset_ms;
  });
  PropagationMap map;
  for (const auto& s : seizures) {
    if (!s.seizes) continue;
    map.seizing.push_back(conn.labels[s.region]);
    map.onset_ms.push_back(s.onset_ms);
    map.episodes.push_back(static_cast<int>(s.onsets_ms.size()));
  }
  return map;
}

std::string BrainTwinReport::ToJson() const {
  json j;
  j["model"] = model;
  j["model_version"] = model_version;
  j["method"] = method;
  j["connectome_source"] = connectome_source;
  j["connectome_hash"] = connectome_hash;
  j["connectome"] = ConnectivityJson(connectivity);
  j["sensor_model"] = sensor_model;
  j["sensors"] = {{"labels", sensors.labels}, {"gain", sensors.gain}};
  j["parameters"] = json::array();
  for (const auto& p : parameters)
    j["parameters"].push_back({{"name", p.name},
                               {"unit", p.unit},
                               {"estimate", p.estimate},
                               {"lower", p.lower},
                               {"upper", p.upper},
                               {"prior_median", p.prior_median},
                               {"log_space", p.log_space},
                               {"informed", p.informed},
                               {"prior_sd", p.prior_sd},
                               {"posterior_sd", p.posterior_sd}});
  j["covariance"] = covariance;
  j["observations"] = json::array();
  for (const auto& o : observations)
    j["observations"].push_back({{"feature", o.feature},
                                 {"value", o.value},
                                 {"sd", o.sd},
                                 {"predicted", o.predicted},
                                 {"standardized", o.standardized}});
  j["eeg_channels"] = eeg_channels;
  if (!simulated_eeg.source_hash.empty())
    j["simulated_eeg"] = {{"source", simulated_eeg.source_hash},
                          {"rate_hz", simulated_eeg.rate_hz},
                          {"seconds", simulated_eeg.seconds},
                          {"start_ns", simulated_eeg.start.ns_since_epoch},
                          {"channels", simulated_eeg.channels},
                          {"features", simulated_eeg.features}};
  j["rms_standardized"] = rms_standardized;
  j["evaluations"] = evaluations;
  j["fit_seconds"] = fit_seconds;
  j["ez_regions"] = ez_regions;
  j["ez_x0"] = ez_x0;
  j["healthy_x0"] = healthy_x0;
  j["epileptor_ks"] = epileptor_ks;
  j["epileptor_duration_ms"] = epileptor_duration_ms;
  j["propagation"] = MapJson(propagation);
  return j.dump();
}

Result<BrainTwinReport> BrainTwinReport::FromSnapshot(
    const store::TwinSnapshot& s) {
  const std::string where = "twin snapshot " + std::to_string(s.id);
  try {
    const json j = json::parse(s.data_json);
    BrainTwinReport r;
    r.snapshot_id = s.id;
    r.created = s.created;
    r.data_from = s.data_from;
    r.data_to = s.data_to;
    r.model = j.at("model").get<std::string>();
    r.model_version = j.at("model_version").get<std::string>();
    r.method = j.at("method").get<std::string>();
    r.connectome_source = j.at("connectome_source").get<std::string>();
    r.connectome_hash = j.at("connectome_hash").get<std::string>();
    r.connectivity = ConnectivityFromJson(j.at("connectome"));
    r.sensor_model = j.value("sensor_model", std::string());
    if (j.contains("sensors")) {
      r.sensors.labels =
          j.at("sensors").at("labels").get<std::vector<std::string>>();
      r.sensors.gain = j.at("sensors").at("gain").get<std::vector<double>>();
      r.sensors.regions = r.connectivity.regions();
      if (r.sensors.gain.size() !=
          r.sensors.labels.size() * r.connectivity.labels.size())
        return DataLossError(where + ": sensor gain has the wrong size");
    }
    for (const auto& p : j.at("parameters")) {
      Parameter q;
      q.name = p.at("name").get<std::string>();
      q.unit = p.at("unit").get<std::string>();
      q.estimate = p.at("estimate").get<double>();
      q.lower = p.at("lower").get<double>();
      q.upper = p.at("upper").get<double>();
      q.prior_median = p.at("prior_median").get<double>();
      q.log_space = p.at("log_space").get<bool>();
      q.informed = p.at("informed").get<bool>();
      q.prior_sd = p.at("prior_sd").get<double>();
      q.posterior_sd = p.at("posterior_sd").get<double>();
      r.parameters.push_back(q);
    }
    r.covariance = j.at("covariance").get<std::vector<std::vector<double>>>();
    for (const auto& o : j.at("observations"))
      r.observations.push_back(
          {o.at("feature").get<std::string>(), o.at("value").get<double>(),
           o.at("sd").get<double>(), o.at("predicted").get<double>(),
           o.at("standardized").get<double>()});
    r.eeg_channels = j.at("eeg_channels").get<std::vector<std::string>>();
    if (j.contains("simulated_eeg")) {
      const json& e = j.at("simulated_eeg");
      r.simulated_eeg.source_hash = e.at("source").get<std::string>();
      r.simulated_eeg.rate_hz = e.at("rate_hz").get<double>();
      r.simulated_eeg.seconds = e.at("seconds").get<double>();
      r.simulated_eeg.start = Time{e.at("start_ns").get<int64_t>()};
      r.simulated_eeg.channels =
          e.at("channels").get<std::vector<std::string>>();
      r.simulated_eeg.features = e.at("features").get<std::vector<double>>();
    }
    r.rms_standardized = j.at("rms_standardized").get<double>();
    r.evaluations = j.at("evaluations").get<int>();
    r.fit_seconds = j.at("fit_seconds").get<double>();
    r.ez_regions = j.at("ez_regions").get<std::vector<std::string>>();
    r.ez_x0 = j.at("ez_x0").get<double>();
    r.healthy_x0 = j.at("healthy_x0").get<double>();
    r.epileptor_ks = j.at("epileptor_ks").get<double>();
    r.epileptor_duration_ms = j.at("epileptor_duration_ms").get<double>();
    r.propagation = MapFromJson(j.at("propagation"));
    JUMEAU_RETURN_IF_ERROR(models::brain::ValidateConnectivity(r.connectivity));
    return r;
  } catch (const std::exception& e) {
    return DataLossError(where + ": malformed brain twin JSON: " + e.what());
  }
}

Result<BrainTwinReport> BuildBrainTwin(store::Store& store,
                                       const store::PatientInfo& patient,
                                       const Connectivity& connectivity,
                                       const BrainTwinOptions& options) {
  JUMEAU_RETURN_IF_ERROR(models::brain::ValidateConnectivity(connectivity));
  BrainTwinReport r;
  std::vector<std::vector<double>> simulated;  // Jansen-Rit: sensors x samples
  r.connectome_source = options.connectome_source;
  r.connectome_hash = options.connectome_hash;
  r.connectivity = connectivity;
  const auto start = std::chrono::steady_clock::now();
  if (options.neural_mass == "epileptor") {
    if (options.ez_regions.empty())
      return InvalidArgumentError(
          "the Epileptor twin needs a hypothesised epileptogenic zone (--ez "
          "REGIONS)");
    std::string joined;
    for (const auto& l : options.ez_regions)
      joined += (joined.empty() ? "" : ",") + l;
    JUMEAU_ASSIGN_OR_RETURN(
        const auto ez, RegionList(joined, connectivity, "epileptogenic zone"));
    std::vector<double> x0(connectivity.regions(), options.healthy_x0);
    for (int i : ez) x0[i] = options.ez_x0;
    r.model = kEpileptorNetworkModel;
    r.method = "hypothesis";
    r.ez_regions = options.ez_regions;
    r.ez_x0 = options.ez_x0;
    r.healthy_x0 = options.healthy_x0;
    r.epileptor_ks = options.epileptor_ks;
    r.epileptor_duration_ms = options.epileptor_duration_ms;
    JUMEAU_ASSIGN_OR_RETURN(
        r.propagation,
        EpileptorPropagation(connectivity, x0, options.epileptor_ks,
                             options.epileptor_duration_ms));
    // No record data is used: the data window stays at the epoch.
  } else if (options.neural_mass == "jansen_rit") {
    JUMEAU_ASSIGN_OR_RETURN(const PatientEegFeatures data,
                            GatherPatientEegFeatures(store, patient, options));
    models::brain::SensorProjection projection = options.sensors;
    if (projection.sensors() == 0) {
      JUMEAU_ASSIGN_OR_RETURN(
          projection, models::brain::DistanceProjection1020(connectivity));
      r.sensor_model = "10-20 distance approximation";
    } else {
      if (projection.regions != connectivity.regions() ||
          projection.gain.size() !=
              static_cast<std::size_t>(projection.sensors()) *
                  connectivity.regions())
        return InvalidArgumentError(fmt::format(
            "the sensor gain is for {} regions, the connectome has {}",
            projection.regions, connectivity.regions()));
      r.sensor_model = "gain file";
    }
    r.sensors = projection;
    const auto specs = JansenRitTwinParameters();
    std::vector<double> sd = {options.alpha_peak_sd_hz};
    for (int k = 1; k < kFeatures; ++k) sd.push_back(options.relative_power_sd);
    const assimilation::ForwardFunction forward =
        [&](std::span<const double> p) -> Result<std::vector<double>> {
      return SimulatedEegFeatures(connectivity, JansenRitTwinConfig(p, options),
                                  projection, options.transient_ms);
    };
    assimilation::InversionOptions io;
    io.ensemble_size = options.ensemble_size;
    io.iterations = options.iterations;
    io.seed = options.seed;
    JUMEAU_ASSIGN_OR_RETURN(
        const auto fit,
        assimilation::InvertEnsemble(specs, data.values, sd, forward, io));
    r.model = kJansenRitNetworkModel;
    r.method = "ensemble_kalman_inversion";
    for (const auto& e : fit.estimates)
      r.parameters.push_back({e.name, e.unit, e.estimate, e.lower, e.upper,
                              e.prior_median, e.log_space, e.informed,
                              e.prior_sd, e.posterior_sd});
    for (int i = 0; i < fit.covariance.rows(); ++i) {
      std::vector<double> row;
      for (int k = 0; k < fit.covariance.cols(); ++k)
        row.push_back(fit.covariance(i, k));
      r.covariance.push_back(row);
    }
    const auto names = BrainFeatureNames();
    for (int k = 0; k < kFeatures; ++k)
      r.observations.push_back({names[k], data.values[k], sd[k],
                                fit.predicted[k], fit.standardized[k]});
    r.eeg_channels = data.channels;
    r.rms_standardized = fit.rms_standardized;
    r.evaluations = fit.evaluations;
    r.data_from = data.from;
    r.data_to = data.to;
    if (options.store_simulated_eeg) {
      std::vector<double> estimate;
      for (const auto& e : fit.estimates) estimate.push_back(e.estimate);
      JUMEAU_RETURN_IF_ERROR(SimulateTwinEeg(connectivity, estimate, projection,
                                             options, data.from,
                                             &r.simulated_eeg, &simulated));
      // Recorded in the snapshot before it is stored; the source follows.
      r.simulated_eeg.source_hash = std::string("derived:brain-twin-eeg/") +
                                    kBrainTwinVersion + ":" + patient.pseudonym;
    }
  } else {
    return InvalidArgumentError("unknown brain neural mass '" +
                                options.neural_mass +
                                "' (jansen_rit or epileptor)");
  }
  r.fit_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  JUMEAU_RETURN_IF_ERROR(internal::StoreTwinReport(store, patient.id, r));
  if (!simulated.empty())
    JUMEAU_RETURN_IF_ERROR(
        StoreSimulatedEeg(store, patient, r, simulated).status());
  return r;
}

Result<BrainTwinReport> LatestBrainTwin(store::Store& store,
                                        const store::PatientInfo& patient) {
  JUMEAU_ASSIGN_OR_RETURN(const auto stored, store.TwinSnapshots(patient.id));
  const store::TwinSnapshot* latest = nullptr;
  for (const auto& s : stored)
    if (IsBrainTwinModel(s.model)) latest = &s;
  if (latest == nullptr)
    return FailedPreconditionError(
        "patient " + patient.pseudonym +
        ": no brain twin yet; run `jumeau twin build "
        "STORE PATIENT --model brain` first");
  return BrainTwinReport::FromSnapshot(*latest);
}

bool IsBrainScenario(std::string_view t) {
  return t.starts_with("resect:") || t.starts_with("disconnect:") ||
         t.starts_with("stimulate:");
}

Result<BrainScenario> ParseBrainScenario(std::string_view text,
                                         const Connectivity& c) {
  BrainScenario sc;
  sc.text = std::string(text);
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || colon + 1 >= text.size())
    return InvalidArgumentError("scenario '" + sc.text +
                                "': expected resect:R1,R2 | disconnect:R1-R2 | "
                                "stimulate:R1,R2:AMPLITUDE[:HZ]");
  const std::string_view kind = text.substr(0, colon),
                         rest = text.substr(colon + 1);
  const std::string where = "scenario '" + sc.text + "'";
  if (kind == "resect") {
    JUMEAU_ASSIGN_OR_RETURN(sc.resect, RegionList(rest, c, where));
    sc.description = fmt::format("{} region(s) removed", sc.resect.size());
  } else if (kind == "disconnect") {
    std::size_t pos = 0;
    while (pos <= rest.size()) {
      std::size_t end = rest.find(',', pos);
      if (end == std::string_view::npos) end = rest.size();
      const std::string_view pair = rest.substr(pos, end - pos);
      const auto dash = pair.find('-');
      if (dash == std::string_view::npos)
        return InvalidArgumentError(where + ": '" + std::string(pair) +
                                    "' is not a pair R1-R2");
      JUMEAU_ASSIGN_OR_RETURN(auto a,
                              RegionList(pair.substr(0, dash), c, where));
      JUMEAU_ASSIGN_OR_RETURN(auto b,
                              RegionList(pair.substr(dash + 1), c, where));
      sc.disconnect.emplace_back(a[0], b[0]);
      if (end == rest.size()) break;
      pos = end + 1;
    }
    sc.description =
        fmt::format("{} connection(s) cut both ways", sc.disconnect.size());
  } else if (kind == "stimulate") {
    const auto c1 = rest.find(':');
    if (c1 == std::string_view::npos)
      return InvalidArgumentError(
          where + ": expected stimulate:REGIONS:AMPLITUDE[:HZ]");
    JUMEAU_ASSIGN_OR_RETURN(sc.stimulus.regions,
                            RegionList(rest.substr(0, c1), c, where));
    std::string_view nums = rest.substr(c1 + 1);
    const auto c2 = nums.find(':');
    const auto parse = [&](std::string_view v, double* out) -> Status {
      const std::string s(v);
      char* end = nullptr;
      *out = std::strtod(s.c_str(), &end);
      if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(*out))
        return InvalidArgumentError(where + ": '" + s + "' is not a number");
      return Status::Ok();
    };
    JUMEAU_RETURN_IF_ERROR(parse(nums.substr(0, c2), &sc.stimulus.amplitude));
    if (c2 != std::string_view::npos) {
      JUMEAU_RETURN_IF_ERROR(
          parse(nums.substr(c2 + 1), &sc.stimulus.frequency_hz));
      if (sc.stimulus.frequency_hz <= 0 || sc.stimulus.frequency_hz > 500)
        return InvalidArgumentError(where +
                                    ": frequency must be within (0, 500] Hz");
    }
    sc.description = fmt::format(
        "stimulation of {} region(s), amplitude {}{}",
        sc.stimulus.regions.size(), sc.stimulus.amplitude,
        sc.stimulus.frequency_hz > 0
            ? fmt::format(", 1 ms pulses at {} Hz", sc.stimulus.frequency_hz)
            : std::string(", constant"));
  } else {
    return InvalidArgumentError(where + ": unknown kind '" + std::string(kind) +
                                "' (resect, disconnect, stimulate)");
  }
  return sc;
}

Result<BrainSimulation> SimulateBrainTwin(
    store::Store& store, const store::PatientInfo& patient,
    const BrainSimulationOptions& options) {
  if (options.samples < 0 || options.samples > 1000)
    return InvalidArgumentError("samples must be within 0..1000");
  JUMEAU_ASSIGN_OR_RETURN(const BrainTwinReport twin,
                          LatestBrainTwin(store, patient));
  JUMEAU_ASSIGN_OR_RETURN(
      const BrainScenario sc,
      ParseBrainScenario(options.scenario, twin.connectivity));
  BrainSimulation out;
  out.snapshot_id = twin.snapshot_id;
  out.model = twin.model;
  out.scenario = options.scenario;
  out.description = sc.description;
  const Connectivity& conn = twin.connectivity;
  if (twin.model == kEpileptorNetworkModel) {
    std::vector<double> x0(conn.regions(), twin.healthy_x0);
    for (const auto& l : twin.ez_regions) {
      const int r = models::brain::FindRegion(conn, l);
      if (r >= 0) x0[r] = twin.ez_x0;
    }
    out.baseline_map = twin.propagation;
    JUMEAU_ASSIGN_OR_RETURN(
        out.scenario_map,
        EpileptorPropagation(conn, x0, twin.epileptor_ks,
                             twin.epileptor_duration_ms, &sc));
    for (const auto& l : out.baseline_map.seizing)
      if (std::find(out.scenario_map.seizing.begin(),
                    out.scenario_map.seizing.end(),
                    l) == out.scenario_map.seizing.end())
        out.no_longer_seizing.push_back(l);
    for (const auto& l : out.scenario_map.seizing)
      if (std::find(out.baseline_map.seizing.begin(),
                    out.baseline_map.seizing.end(),
                    l) == out.baseline_map.seizing.end())
        out.newly_seizing.push_back(l);
    return out;
  }
  // Jansen-Rit: features at the estimate and over posterior samples.
  BrainTwinOptions o;
  models::brain::SensorProjection projection = twin.sensors;
  if (projection.sensors() == 0) {
    JUMEAU_ASSIGN_OR_RETURN(projection,
                            models::brain::DistanceProjection1020(conn));
  }
  std::vector<double> estimate;
  for (const auto& p : twin.parameters) estimate.push_back(p.estimate);
  if (estimate.size() != 3)
    return DataLossError(fmt::format("twin snapshot {}: expected 3 parameters",
                                     twin.snapshot_id));
  const auto run = [&](std::span<const double> p,
                       bool scenario) -> Result<std::vector<double>> {
    Connectivity c = conn;
    NetworkConfig cfg = JansenRitTwinConfig(p, o);
    if (scenario) JUMEAU_RETURN_IF_ERROR(ApplyScenario(sc, c, cfg));
    return SimulatedEegFeatures(c, cfg, projection, o.transient_ms);
  };
  out.features = BrainFeatureNames();
  JUMEAU_ASSIGN_OR_RETURN(out.baseline, run(estimate, false));
  JUMEAU_ASSIGN_OR_RETURN(out.scenario_values, run(estimate, true));
  out.samples = options.samples;
  if (options.samples > 0) {
    // Draws from N(mean, covariance) in the transformed space.
    const int p = 3;
    Eigen::MatrixXd cov(p, p);
    for (int i = 0; i < p; ++i)
      for (int k = 0; k < p; ++k)
        cov(i, k) =
            twin.covariance.size() == 3 && twin.covariance[i].size() == 3
                ? twin.covariance[i][k]
                : 0.0;
    Eigen::LLT<Eigen::MatrixXd> llt(cov +
                                    1e-15 * Eigen::MatrixXd::Identity(p, p));
    const Eigen::MatrixXd l = llt.matrixL();
    Rng rng(options.seed);
    const auto specs = JansenRitTwinParameters();
    std::vector<std::vector<double>> base_s(kFeatures), scen_s(kFeatures);
    for (int s = 0; s < options.samples; ++s) {
      Eigen::VectorXd z(p);
      for (int i = 0; i < p; ++i) z(i) = rng.Normal();
      const Eigen::VectorXd d = l * z;
      std::vector<double> q(p);
      for (int i = 0; i < p; ++i) {
        const auto& tp = twin.parameters[i];
        const double t =
            (tp.log_space ? std::log(tp.estimate) : tp.estimate) + d(i);
        q[i] = std::clamp(tp.log_space ? std::exp(t) : t, specs[i].lower,
                          specs[i].upper);
      }
      auto b = run(q, false);
      auto c = run(q, true);
      if (!b.ok() || !c.ok()) {
        ++out.failed_samples;
        continue;
      }
      for (int k = 0; k < kFeatures; ++k) {
        base_s[k].push_back((*b)[k]);
        scen_s[k].push_back((*c)[k]);
      }
    }
    const auto pct = [](std::vector<double> v, double q) {
      if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
      std::sort(v.begin(), v.end());
      const double pos = q * (v.size() - 1);
      const std::size_t i = static_cast<std::size_t>(pos);
      const double f = pos - i;
      return i + 1 < v.size() ? v[i] * (1 - f) + v[i + 1] * f : v[i];
    };
    for (int k = 0; k < kFeatures; ++k) {
      out.baseline_p5.push_back(pct(base_s[k], 0.05));
      out.baseline_p95.push_back(pct(base_s[k], 0.95));
      out.scenario_p5.push_back(pct(scen_s[k], 0.05));
      out.scenario_p95.push_back(pct(scen_s[k], 0.95));
    }
  }
  return out;
}

Result<std::vector<double>> EpileptorSeizureFractions(
    const Connectivity& connectivity, const std::vector<double>& region_x0,
    const EpileptorFitOptions& options) {
  Connectivity conn = connectivity;
  models::brain::NormalizeWeightsToMax(&conn);
  NetworkConfig cfg;
  cfg.model = NeuralMassKind::kEpileptor2D;
  cfg.epileptor.Ks = options.ks;
  cfg.coupling.kind = models::brain::CouplingKind::kDifference;
  cfg.coupling.a = 1.0;
  cfg.dt_ms = options.dt_ms;
  cfg.duration_ms = options.duration_ms;
  cfg.region_x0 = region_x0;
  JUMEAU_ASSIGN_OR_RETURN(const auto trace,
                          models::brain::SimulateNetwork(conn, cfg));
  const auto seizures =
      models::brain::DetectSeizures(trace, NeuralMassKind::kEpileptor2D);
  std::vector<double> out;
  for (const auto& s : seizures)
    out.push_back(s.ms_in_seizure / (trace.samples * trace.period_ms));
  return out;
}

Result<EpileptorFit> FitEpileptorExcitability(
    const Connectivity& connectivity,
    const std::vector<double>& observed_fractions,
    const EpileptorFitOptions& options) {
  JUMEAU_RETURN_IF_ERROR(models::brain::ValidateConnectivity(connectivity));
  const int n = connectivity.regions();
  if (static_cast<int>(observed_fractions.size()) != n)
    return InvalidArgumentError(fmt::format(
        "{} seizure fractions for {} regions", observed_fractions.size(), n));
  std::string joined;
  for (const auto& l : options.candidate_regions)
    joined += (joined.empty() ? "" : ",") + l;
  if (joined.empty())
    return InvalidArgumentError("no candidate regions to estimate x0 for");
  JUMEAU_ASSIGN_OR_RETURN(
      const auto idx, RegionList(joined, connectivity, "candidate regions"));
  std::vector<models::ParameterSpec> specs;
  for (int i : idx)
    specs.push_back(
        {"x0_" + connectivity.labels[i], "1", options.prior_mean,
         models::Prior::Normal(options.prior_mean, options.prior_sd), -3.0,
         -1.2, "Epileptor excitability"});
  const std::vector<double> sd(n, options.fraction_sd);
  const assimilation::ForwardFunction forward =
      [&](std::span<const double> p) -> Result<std::vector<double>> {
    std::vector<double> x0(n, options.healthy_x0);
    for (std::size_t k = 0; k < idx.size(); ++k) x0[idx[k]] = p[k];
    return EpileptorSeizureFractions(connectivity, x0, options);
  };
  assimilation::InversionOptions io;
  io.ensemble_size = options.ensemble_size;
  io.iterations = options.iterations;
  io.seed = options.seed;
  JUMEAU_ASSIGN_OR_RETURN(
      const auto fit,
      assimilation::InvertEnsemble(specs, observed_fractions, sd, forward, io));
  EpileptorFit out;
  for (std::size_t k = 0; k < idx.size(); ++k) {
    out.regions.push_back(connectivity.labels[idx[k]]);
    out.x0.push_back(fit.estimates[k].estimate);
    out.lower.push_back(fit.estimates[k].lower);
    out.upper.push_back(fit.estimates[k].upper);
  }
  out.rms_standardized = fit.rms_standardized;
  out.evaluations = fit.evaluations;
  return out;
}

}  // namespace jumeau::derive
