// `jumeau twin build STORE PATIENT --model brain [--connectome DIR|ZIP]
// [--brain-model jansen-rit|epileptor] [--ez R1,R2] [--json]` and `jumeau
// twin simulate STORE PATIENT --scenario resect:R1,R2 | disconnect:R1-R2 |
// stimulate:R1:AMP[:HZ] [--samples N] [--seed S] [--json]`: the brain twin
// (derive/brain_twin.h) on a TVB-format connectome (io/connectome.h): the
// one given, or the patient's stored one.
#include "jumeau/cli/twin_brain.h"

#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "jumeau/derive/brain_twin.h"
#include "jumeau/io/connectome.h"

namespace jumeau::cli {
namespace {

nlohmann::json MapJson(const derive::PropagationMap& m) {
  nlohmann::json out = nlohmann::json::array();
  for (std::size_t i = 0; i < m.seizing.size(); ++i)
    out.push_back({{"region", m.seizing[i]},
                   {"onset_ms", m.onset_ms[i]},
                   {"episodes", m.episodes[i]}});
  return out;
}

void PrintMap(const char* title, const derive::PropagationMap& m) {
  std::printf("  %s: %zu seizing region(s)\n", title, m.seizing.size());
  for (std::size_t i = 0; i < m.seizing.size(); ++i)
    std::printf("    %-10s onset %8.1f ms, %d episode(s)\n",
                m.seizing[i].c_str(), m.onset_ms[i], m.episodes[i]);
}

void Print(const derive::BrainTwinReport& r) {
  std::printf("brain twin snapshot %lld: %s %s (%s), created %s\n",
              static_cast<long long>(r.snapshot_id), r.model.c_str(),
              r.model_version.c_str(), r.method.c_str(),
              FormatIso8601(r.created).c_str());
  std::printf("  connectome %s (%d regions, hash %s)\n",
              r.connectome_source.c_str(), r.connectivity.regions(),
              r.connectome_hash.c_str());
  if (r.model == derive::kEpileptorNetworkModel) {
    std::string ez;
    for (const auto& l : r.ez_regions) ez += (ez.empty() ? "" : ",") + l;
    std::printf(
        "  hypothesis: x0 = %g in %s, %g elsewhere; Ks = %g, %g ms simulated\n",
        r.ez_x0, ez.c_str(), r.healthy_x0, r.epileptor_ks,
        r.epileptor_duration_ms);
    PrintMap("propagation", r.propagation);
    return;
  }
  std::printf("  EEG forward model: %s, %d sensors\n", r.sensor_model.c_str(),
              r.sensors.sensors());
  std::printf("  EEG %s .. %s, %zu channel(s); %d simulations in %.1f s\n",
              FormatIso8601(r.data_from).c_str(),
              FormatIso8601(r.data_to).c_str(), r.eeg_channels.size(),
              r.evaluations, r.fit_seconds);
  std::printf("  parameters (posterior, 90%% credible interval):\n");
  for (const auto& p : r.parameters)
    std::printf("    %-17s %10.4g [%10.4g, %10.4g] %-6s prior %g%s\n",
                p.name.c_str(), p.estimate, p.lower, p.upper, p.unit.c_str(),
                p.prior_median, p.informed ? "" : "  (not informed)");
  std::printf("  features: observed vs predicted (standardized residual)\n");
  for (const auto& o : r.observations)
    std::printf("    %-16s %8.4g %8.4g (%+.2f)\n", o.feature.c_str(), o.value,
                o.predicted, o.standardized);
  std::printf("  fit quality: rms standardized residual %.2f\n",
              r.rms_standardized);
}

nlohmann::json ToJson(const derive::BrainTwinReport& r) {
  nlohmann::json j = nlohmann::json::parse(r.ToJson());
  j.erase("connectome");  // large; the hash identifies it
  j.erase("sensors");
  j["sensor_labels"] = r.sensors.labels;
  j["regions"] = r.connectivity.regions();
  j["snapshot_id"] = r.snapshot_id;
  j["created"] = FormatIso8601(r.created);
  j["data_from"] = FormatIso8601(r.data_from);
  j["data_to"] = FormatIso8601(r.data_to);
  j["propagation"] = MapJson(r.propagation);
  return j;
}

}  // namespace

void AddBrainTwinBuildOptions(CLI::App* build, BrainTwinArgs* args) {
  build->add_option("--connectome", args->connectome,
                    "Brain model: TVB connectome folder or zip (default: "
                    "the patient's stored connectome, then "
                    "$JUMEAU_CONNECTOME)");
  build->add_option("--brain-model", args->neural_mass,
                    "Brain model: jansen-rit (default, fitted to EEG) or "
                    "epileptor (needs --ez)");
  build->add_option("--ez", args->ez,
                    "Epileptor: hypothesised epileptogenic zone, region labels "
                    "R1,R2");
  build->add_option(
      "--gain", args->gain,
      "Brain model: EEG gain file, one line 'label g_1 .. g_n' per "
      "sensor (default: 10-20 distance approximation)");
  build->add_option("--brain-ensemble", args->ensemble,
                    "Brain model: ensemble members of the fit (default 24)");
}

bool IsBrainScenarioText(const std::string& scenario) {
  return derive::IsBrainScenario(scenario);
}

Status RunBrainTwinBuild(const std::string& store_path,
                         const std::string& patient_name,
                         const BrainTwinArgs& args, bool json) {
  JUMEAU_ASSIGN_OR_RETURN(auto store, OpenStore(store_path));
  JUMEAU_ASSIGN_OR_RETURN(const auto patient, store->FindPatient(patient_name));
  // The connectome: --connectome, else the patient's latest stored one
  // (`jumeau ingest STORE connectivity.zip --patient P`), else
  // $JUMEAU_CONNECTOME.
  std::string path = args.connectome;
  io::Connectome c;
  if (path.empty()) {
    auto stored = store->LatestConnectome(patient.id);
    if (stored.ok()) {
      c.labels = std::move(stored->labels);
      c.weights = std::move(stored->weights);
      c.tract_lengths_mm = std::move(stored->tract_lengths_mm);
      c.centres_mm = std::move(stored->centres_mm);
      c.cortical = std::move(stored->cortical);
      c.areas_mm2 = std::move(stored->areas_mm2);
      c.orientations = std::move(stored->orientations);
      path = "store source " + std::to_string(stored->source_id) +
             " (ingested " + FormatIso8601(stored->created) + ")";
    } else if (stored.status().code() != StatusCode::kNotFound) {
      return stored.status();
    }
  }
  if (path.empty()) {
    const char* env = std::getenv("JUMEAU_CONNECTOME");
    if (env != nullptr) path = env;
  }
  if (path.empty())
    return InvalidArgumentError(
        "--model brain needs a connectome: ingest one for the patient "
        "(jumeau ingest STORE connectivity.zip --patient " +
        patient_name +
        "), or give --connectome DIR|ZIP (TVB format) or $JUMEAU_CONNECTOME");
  if (c.labels.empty()) {
    JUMEAU_ASSIGN_OR_RETURN(c, io::ReadConnectome(path));
    for (const auto& w : c.warnings)
      std::fprintf(stderr, "jumeau: warning: %s\n", w.c_str());
  }
  if (!json)
    std::printf("connectome: %s, %d regions\n", path.c_str(), c.regions());
  derive::BrainTwinOptions options;
  options.connectome_source = path;
  options.connectome_hash = io::ConnectomeHash(c);
  options.ensemble_size = args.ensemble;
  if (args.neural_mass == "jansen-rit" || args.neural_mass == "jansen_rit") {
    options.neural_mass = "jansen_rit";
  } else if (args.neural_mass == "epileptor") {
    options.neural_mass = "epileptor";
  } else {
    return InvalidArgumentError("--brain-model '" + args.neural_mass +
                                "': expected jansen-rit or epileptor");
  }
  std::size_t pos = 0;
  while (!args.ez.empty() && pos <= args.ez.size()) {
    std::size_t end = args.ez.find(',', pos);
    if (end == std::string::npos) end = args.ez.size();
    options.ez_regions.push_back(args.ez.substr(pos, end - pos));
    pos = end + 1;
  }
  const models::brain::Connectivity conn{c.labels, c.weights,
                                         c.tract_lengths_mm, c.centres_mm};
  if (!args.gain.empty()) {
    JUMEAU_ASSIGN_OR_RETURN(const io::SensorGain g,
                            io::ReadSensorGain(args.gain, c.regions()));
    options.sensors.labels = g.labels;
    options.sensors.gain = g.gain;
    options.sensors.regions = g.regions;
  }
  JUMEAU_ASSIGN_OR_RETURN(
      const auto twin, derive::BuildBrainTwin(*store, patient, conn, options));
  if (json) {
    std::printf("%s\n", ToJson(twin).dump(2).c_str());
  } else {
    Print(twin);
  }
  return Status::Ok();
}

Status RunBrainTwinSimulate(const std::string& store_path,
                            const std::string& patient_name,
                            const std::string& scenario, int samples,
                            uint64_t seed, bool json) {
  JUMEAU_ASSIGN_OR_RETURN(auto store, OpenStore(store_path));
  JUMEAU_ASSIGN_OR_RETURN(const auto patient, store->FindPatient(patient_name));
  derive::BrainSimulationOptions options;
  options.scenario = scenario;
  options.samples = samples;
  options.seed = seed;
  JUMEAU_ASSIGN_OR_RETURN(const auto sim,
                          derive::SimulateBrainTwin(*store, patient, options));
  if (json) {
    nlohmann::json j;
    j["snapshot_id"] = sim.snapshot_id;
    j["model"] = sim.model;
    j["scenario"] = sim.scenario;
    j["description"] = sim.description;
    if (sim.model == derive::kEpileptorNetworkModel) {
      j["baseline"] = MapJson(sim.baseline_map);
      j["scenario_propagation"] = MapJson(sim.scenario_map);
      j["no_longer_seizing"] = sim.no_longer_seizing;
      j["newly_seizing"] = sim.newly_seizing;
    } else {
      j["samples"] = sim.samples;
      j["failed_samples"] = sim.failed_samples;
      j["features"] = nlohmann::json::array();
      for (std::size_t k = 0; k < sim.features.size(); ++k) {
        nlohmann::json f = {{"name", sim.features[k]},
                            {"baseline", sim.baseline[k]},
                            {"scenario", sim.scenario_values[k]}};
        if (!sim.baseline_p5.empty()) {
          f["baseline_p5"] = sim.baseline_p5[k];
          f["baseline_p95"] = sim.baseline_p95[k];
          f["scenario_p5"] = sim.scenario_p5[k];
          f["scenario_p95"] = sim.scenario_p95[k];
        }
        j["features"].push_back(f);
      }
    }
    std::printf("%s\n", j.dump(2).c_str());
    return Status::Ok();
  }
  std::printf("brain twin snapshot %lld (%s), scenario %s (%s)\n",
              static_cast<long long>(sim.snapshot_id), sim.model.c_str(),
              sim.scenario.c_str(), sim.description.c_str());
  if (sim.model == derive::kEpileptorNetworkModel) {
    PrintMap("baseline", sim.baseline_map);
    PrintMap("scenario", sim.scenario_map);
    std::string gone, added;
    for (const auto& l : sim.no_longer_seizing) gone += " " + l;
    for (const auto& l : sim.newly_seizing) added += " " + l;
    std::printf("  no longer seizing:%s\n  newly seizing:%s\n",
                gone.empty() ? " none" : gone.c_str(),
                added.empty() ? " none" : added.c_str());
    return Status::Ok();
  }
  std::printf("  %-16s %9s %21s   %9s %21s\n", "EEG feature", "baseline",
              "[p5, p95]", "scenario", "[p5, p95]");
  for (std::size_t k = 0; k < sim.features.size(); ++k) {
    const bool bands = !sim.baseline_p5.empty();
    std::printf("  %-16s %9.4g [%9.4g, %9.4g]   %9.4g [%9.4g, %9.4g]\n",
                sim.features[k].c_str(), sim.baseline[k],
                bands ? sim.baseline_p5[k] : NAN,
                bands ? sim.baseline_p95[k] : NAN, sim.scenario_values[k],
                bands ? sim.scenario_p5[k] : NAN,
                bands ? sim.scenario_p95[k] : NAN);
  }
  std::printf("  %d posterior samples (%d failed)\n", sim.samples,
              sim.failed_samples);
  return Status::Ok();
}

std::string TwinSnapshotSummary(const store::TwinSnapshot& snapshot) {
  if (!derive::IsBrainTwinModel(snapshot.model))
    return snapshot.model + " " + snapshot.model_version;
  const auto r = derive::BrainTwinReport::FromSnapshot(snapshot);
  if (!r.ok()) return "unreadable: " + r.status().ToString();
  const std::string regions =
      std::to_string(r->connectivity.regions()) + " regions";
  if (r->model == derive::kEpileptorNetworkModel) {
    std::string ez;
    for (const auto& l : r->ez_regions) ez += (ez.empty() ? "" : ",") + l;
    return "EZ " + ez + ": " + std::to_string(r->propagation.seizing.size()) +
           " seizing; " + regions;
  }
  char rms[32];
  std::snprintf(rms, sizeof rms, "%.2f", r->rms_standardized);
  return r->method + ", rms residual " + rms + ", " +
         std::to_string(r->eeg_channels.size()) + " EEG channels; " + regions;
}

}  // namespace jumeau::cli
