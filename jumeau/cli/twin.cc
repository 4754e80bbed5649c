// `jumeau twin build STORE PATIENT [--model cardio] [--as-of T] [--json]`:
// calibrates the patient's twin to the record and stores a snapshot;
// `jumeau twin update STORE PATIENT [--as-of T] [--ensemble N] [--seed S]
// [--json]`: updates the latest snapshot with the newer observations by an
// ensemble Kalman filter; `jumeau twin show STORE PATIENT [--json]`: the
// snapshot history; `jumeau twin simulate STORE PATIENT --scenario S
// [--samples N] [--seed S] [--waveforms FILE.csv] [--json]`: steady-state
// outputs of the latest snapshot under baseline and a what-if scenario, with
// posterior bands (stores nothing).
#include "jumeau/derive/twin.h"

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "jumeau/cli/cli.h"
#include "jumeau/cli/twin_brain.h"
#include "jumeau/cli/twin_progression.h"
#include "jumeau/derive/brain_twin.h"
#include "jumeau/derive/progression_twin.h"

namespace jumeau::cli {
namespace {

nlohmann::json ToJson(const derive::TwinReport& r) {
  nlohmann::json j = nlohmann::json::parse(r.ToJson());
  j["snapshot_id"] = r.snapshot_id;
  j["created"] = FormatIso8601(r.created);
  j["data_from"] = FormatIso8601(r.data_from);
  j["data_to"] = FormatIso8601(r.data_to);
  return j;
}

void Print(const derive::TwinReport& r) {
  std::printf("twin snapshot %lld: %s %s, created %s\n",
              static_cast<long long>(r.snapshot_id), r.model.c_str(),
              r.model_version.c_str(), FormatIso8601(r.created).c_str());
  std::printf(
      "  data %s .. %s; heart rate %s /min (input: %s)\n",
      FormatIso8601(r.data_from).c_str(), FormatIso8601(r.data_to).c_str(),
      FormatValue(r.heart_rate_per_min).c_str(), r.heart_rate_source.c_str());
  if (r.update) {
    const derive::TwinUpdate& u = *r.update;
    std::printf(
        "  method enkf: %d members (seed %llu, jitter %.3g prior sd) from "
        "snapshot %lld; normalized innovation rms %.3g, spread %.3g -> "
        "%.3g\n",
        u.ensemble_size, static_cast<unsigned long long>(u.seed),
        u.parameter_jitter, static_cast<long long>(u.prior_snapshot_id),
        u.normalized_innovation_rms, u.forecast_spread, u.analysis_spread);
    std::printf("  residuals (observed - predicted) before -> after:\n");
    for (std::size_t k = 0; k < r.observations.size() &&
                            k < u.innovation.size() && k < u.residual.size();
         ++k) {
      const auto& o = r.observations[k];
      std::printf("    %-22s %+8.2f -> %+8.2f %s\n", o.output.c_str(),
                  u.innovation[k], u.residual[k], o.unit.c_str());
    }
  }
  std::printf("  parameters (%s, 90%% credible interval)%s:\n",
              r.method == "enkf" ? "ensemble median" : "MAP",
              r.converged ? "" : " [calibration did not converge]");
  for (const auto& p : r.parameters) {
    std::printf("    %-12s %10.4g %-12s [%.4g, %.4g]  %s\n", p.name.c_str(),
                p.map, p.unit.c_str(), p.lower, p.upper,
                p.informed ? "informed" : "NOT informed by the data");
  }
  std::printf("  observations (observed, predicted, standardized residual):\n");
  for (const auto& o : r.observations) {
    std::printf("    %-22s %8.2f %-7s %8.2f  %+6.2f  (LOINC %s, %s)\n",
                o.output.c_str(), o.value, o.unit.c_str(), o.predicted,
                o.standardized, o.code.code.c_str(), o.source.c_str());
  }
  std::printf("  outputs:");
  for (const auto& o : r.outputs)
    std::printf(" %s %.4g %s;", o.name.c_str(), o.value, o.unit.c_str());
  std::printf("\n");
  for (const auto& w : r.weak_directions)
    std::printf("  weakly informed direction: %s\n", w.c_str());
}

// The history as a table, one line per snapshot: the data's last date,
// the method, each estimated parameter with its 90% interval and the
// systolic/diastolic residuals; the patient's evolution at a glance.
void PrintHistory(const std::vector<derive::TwinReport>& history) {
  std::printf("%-4s %-10s %-11s", "id", "data to", "method");
  for (const auto& p : history.back().parameters)
    std::printf(" %-22s", (p.name + " [" + p.unit + "]").c_str());
  std::printf(" residuals (sd)\n");
  for (const auto& r : history) {
    std::printf("%-4lld %-10s %-11s", static_cast<long long>(r.snapshot_id),
                FormatIso8601(r.data_to).substr(0, 10).c_str(),
                r.method.c_str());
    for (const auto& p : r.parameters) {
      char cell[64];
      std::snprintf(cell, sizeof cell, "%.3g [%.3g, %.3g]%s", p.map, p.lower,
                    p.upper, p.informed ? "" : "*");
      std::printf(" %-22s", cell);
    }
    for (const auto& o : r.observations)
      std::printf(" %+.2f", o.standardized);
    std::printf("\n");
  }
  std::printf("(* not informed by the data; `--full` for every detail)\n");
}

nlohmann::json ToJson(const derive::TwinSimulation& s) {
  nlohmann::json j;
  j["snapshot_id"] = s.snapshot_id;
  j["scenario"] = s.scenario;
  j["description"] = s.description;
  j["baseline_heart_rate_per_min"] = s.baseline_heart_rate_per_min;
  j["scenario_heart_rate_per_min"] = s.scenario_heart_rate_per_min;
  j["samples"] = s.samples;
  j["failed_samples"] = s.failed_samples;
  j["seed"] = s.seed;
  const auto band = [](const derive::TwinBand& b) {
    return nlohmann::json{
        {"map", b.map}, {"p5", b.p5}, {"median", b.median}, {"p95", b.p95}};
  };
  j["outputs"] = nlohmann::json::array();
  for (const auto& o : s.outputs) {
    j["outputs"].push_back({{"name", o.name},
                            {"unit", o.unit},
                            {"baseline", band(o.baseline)},
                            {"scenario", band(o.scenario)}});
  }
  return j;
}

void Print(const derive::TwinSimulation& s) {
  std::printf(
      "twin snapshot %lld, scenario %s (%s); heart rate %s -> %s /min; %d "
      "posterior samples (seed %llu, %d failed)\n",
      static_cast<long long>(s.snapshot_id), s.scenario.c_str(),
      s.description.c_str(), FormatValue(s.baseline_heart_rate_per_min).c_str(),
      FormatValue(s.scenario_heart_rate_per_min).c_str(), s.samples,
      static_cast<unsigned long long>(s.seed), s.failed_samples);
  std::printf("  %-24s %-8s %9s [%8s, %8s]   %9s [%8s, %8s]\n", "output",
              "unit", "baseline", "p5", "p95", "scenario", "p5", "p95");
  for (const auto& o : s.outputs) {
    std::printf("  %-24s %-8s %9.4g [%8.4g, %8.4g]   %9.4g [%8.4g, %8.4g]\n",
                o.name.c_str(), o.unit.c_str(), o.baseline.map, o.baseline.p5,
                o.baseline.p95, o.scenario.map, o.scenario.p5, o.scenario.p95);
  }
}

// Writes the scenario's MAP beat as CSV. Returns kInvalidArgument naming the
// file when it cannot be written.
Status WriteWaveforms(const std::string& path,
                      const derive::TwinSimulation& s) {
  std::ofstream f(path);
  if (!f) return InvalidArgumentError(path + ": cannot open for writing");
  f << "time_s,lv_pressure_mmhg,lv_volume_ml,aortic_pressure_mmhg\n";
  char line[160];
  for (std::size_t i = 0; i < s.time_s.size(); ++i) {
    std::snprintf(line, sizeof line, "%.6f,%.6g,%.6g,%.6g\n", s.time_s[i],
                  s.lv_pressure[i], s.lv_volume[i], s.aortic_pressure[i]);
    f << line;
  }
  f.close();
  if (!f) return InvalidArgumentError(path + ": write failed");
  return Status::Ok();
}

}  // namespace

void AddTwinVerb(CLI::App& app, Action* action) {
  auto* cmd = app.add_subcommand(
      "twin",
      "Build the patient's twin (calibrated model) and show its history");
  cmd->require_subcommand(1);
  struct Args {
    std::string store, patient, model = "cardio", as_of;
    bool json = false, full = false;
    int ensemble = 40;
    uint64_t seed = 1;
    std::string scenario, waveforms;
    int samples = 30;
    ProgressionTwinArgs progression;  // --model progression
  };
  auto args = std::make_shared<Args>();
  auto brain = std::make_shared<BrainTwinArgs>();
  auto* build = cmd->add_subcommand(
      "build", "Calibrate the model to the record and store a snapshot");
  build->add_option("STORE", args->store, "Store file")->required();
  build->add_option("PATIENT", args->patient, "Patient pseudonym")->required();
  build->add_option("--model", args->model,
                    "Model: cardio (default), brain or progression");
  AddBrainTwinBuildOptions(build, brain.get());
  build->add_option("--from-cohort", args->progression.from_cohort,
                    "progression: population model file (jumeau cohort fit)");
  build->add_option("--threshold", args->progression.thresholds,
                    "progression: CODE:VALUE whose crossing age to forecast");
  build->add_option("--until", args->progression.until,
                    "progression: forecast until this year or ISO date");
  build->add_option("--as-of", args->as_of,
                    "Use observations up to this instant (ISO 8601)");
  build->add_flag("--json", args->json, "Machine-readable output");
  build->callback([=] {
    *action = [=]() -> Status {
      if (args->model == "progression") {
        ProgressionTwinArgs p = args->progression;
        p.store = args->store, p.patient = args->patient, p.json = args->json;
        return RunProgressionTwinBuild(p);
      }
      if (args->model == "brain")
        return RunBrainTwinBuild(args->store, args->patient, *brain, args->json);
      JUMEAU_ASSIGN_OR_RETURN(auto store, OpenStore(args->store));
      JUMEAU_ASSIGN_OR_RETURN(const auto patient,
                              store->FindPatient(args->patient));
      derive::TwinOptions options;
      options.model = args->model;
      if (!args->as_of.empty()) {
        JUMEAU_ASSIGN_OR_RETURN(options.as_of, ParseIso8601(args->as_of));
      }
      JUMEAU_ASSIGN_OR_RETURN(
          const auto twin, derive::BuildCardioTwin(*store, patient, options));
      if (args->json) {
        std::printf("%s\n", ToJson(twin).dump(2).c_str());
      } else {
        Print(twin);
      }
      return Status::Ok();
    };
  });
  auto* update = cmd->add_subcommand(
      "update",
      "Update the latest snapshot with newer observations, visit by visit "
      "(ensemble Kalman filter), storing one snapshot per visit");
  update->add_option("STORE", args->store, "Store file")->required();
  update->add_option("PATIENT", args->patient, "Patient pseudonym")
      ->required();
  update->add_option("--as-of", args->as_of,
                     "Use observations up to this instant (ISO 8601)");
  update->add_option("--ensemble", args->ensemble,
                     "Ensemble members (default 40)");
  update->add_option("--seed", args->seed, "Random seed (default 1)");
  update->add_flag("--json", args->json, "Machine-readable output");
  update->callback([=] {
    *action = [=]() -> Status {
      JUMEAU_ASSIGN_OR_RETURN(auto store, OpenStore(args->store));
      JUMEAU_ASSIGN_OR_RETURN(const auto patient,
                              store->FindPatient(args->patient));
      derive::TwinOptions options;
      options.ensemble_size = args->ensemble;
      options.seed = args->seed;
      if (!args->as_of.empty()) {
        JUMEAU_ASSIGN_OR_RETURN(options.as_of, ParseIso8601(args->as_of));
      }
      JUMEAU_ASSIGN_OR_RETURN(
          const auto twins, derive::UpdateCardioTwin(*store, patient, options));
      if (args->json) {
        nlohmann::json all = nlohmann::json::array();
        for (const auto& twin : twins) all.push_back(ToJson(twin));
        std::printf("%s\n", all.dump(2).c_str());
      } else {
        std::printf("%zu visit(s) assimilated, one snapshot each\n",
                    twins.size());
        for (const auto& twin : twins) Print(twin);
      }
      return Status::Ok();
    };
  });
  auto* simulate = cmd->add_subcommand(
      "simulate",
      "Steady-state outputs of the latest twin under baseline and a "
      "scenario, with 5-95% posterior bands (stores nothing)");
  simulate->add_option("STORE", args->store, "Store file")->required();
  simulate->add_option("PATIENT", args->patient, "Patient pseudonym")
      ->required();
  simulate
      ->add_option("--scenario", args->scenario,
                   "One of hr=+20 (change, /min), hr=110 (/min), "
                   "resistance=-20% (systemic arterial resistance), "
                   "contractility=-30% (LV active elastance), volume=-500 "
                   "(mL of blood); brain twin: resect:R1,R2, "
                   "disconnect:R1-R2, stimulate:R1:AMPLITUDE[:HZ]; required "
                   "but for progression");
  simulate->add_option("--model", args->model,
                       "Model: cardio (default; brain by its scenarios) or "
                       "progression");
  simulate->add_option("--until", args->progression.until,
                       "progression: forecast until this year or ISO date");
  simulate->add_option("--threshold", args->progression.thresholds,
                       "progression: CODE:VALUE whose crossing age to forecast");
  simulate->add_option("--samples", args->samples,
                       "Posterior samples for the bands (default 30)");
  simulate->add_option("--seed", args->seed, "Random seed (default 1)");
  simulate->add_option("--waveforms", args->waveforms,
                       "Write one beat of the scenario at the MAP to this CSV "
                       "(time, LV pressure, LV volume, aortic pressure)");
  simulate->add_flag("--json", args->json, "Machine-readable output");
  simulate->callback([=] {
    *action = [=]() -> Status {
      if (args->model == "progression") {
        ProgressionTwinArgs p = args->progression;
        p.store = args->store, p.patient = args->patient, p.json = args->json;
        return RunProgressionTwinSimulate(p);
      }
      if (args->scenario.empty()) {
        return InvalidArgumentError("--scenario is required");
      }
      if (IsBrainScenarioText(args->scenario))
        return RunBrainTwinSimulate(args->store, args->patient, args->scenario,
                                    args->samples, args->seed, args->json);
      JUMEAU_ASSIGN_OR_RETURN(auto store, OpenStore(args->store));
      JUMEAU_ASSIGN_OR_RETURN(const auto patient,
                              store->FindPatient(args->patient));
      derive::TwinSimulationOptions options;
      options.scenario = args->scenario;
      options.samples = args->samples;
      options.seed = args->seed;
      if (!args->waveforms.empty()) options.waveform_points = 201;
      JUMEAU_ASSIGN_OR_RETURN(
          const auto sim, derive::SimulateCardioTwin(*store, patient, options));
      if (!args->waveforms.empty()) {
        JUMEAU_RETURN_IF_ERROR(WriteWaveforms(args->waveforms, sim));
      }
      if (args->json) {
        std::printf("%s\n", ToJson(sim).dump(2).c_str());
      } else {
        Print(sim);
      }
      return Status::Ok();
    };
  });
  auto* show = cmd->add_subcommand("show", "The patient's twin snapshots");
  show->add_option("STORE", args->store, "Store file")->required();
  show->add_option("PATIENT", args->patient, "Patient pseudonym")->required();
  show->add_flag("--full", args->full,
                 "Every snapshot in full (default: one line per snapshot)");
  show->add_flag("--json", args->json, "Machine-readable output");
  show->callback([=] {
    *action = [=]() -> Status {
      JUMEAU_ASSIGN_OR_RETURN(auto store, OpenStore(args->store));
      JUMEAU_ASSIGN_OR_RETURN(const auto patient,
                              store->FindPatient(args->patient));
      JUMEAU_ASSIGN_OR_RETURN(const auto history,
                              derive::TwinHistory(*store, patient));
      if (args->json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& r : history) out.push_back(ToJson(r));
        std::printf("%s\n", out.dump(2).c_str());
        return Status::Ok();
      }
      // Brain and progression snapshots, listed after the cardio history.
      JUMEAU_ASSIGN_OR_RETURN(const auto all, store->TwinSnapshots(patient.id));
      std::vector<store::TwinSnapshot> others;
      for (const auto& s : all)
        if (derive::IsBrainTwinModel(s.model) ||
            derive::IsProgressionModel(s.model))
          others.push_back(s);
      if (history.empty() && others.empty()) {
        std::printf(
            "no twin snapshot for %s (build one with `jumeau twin "
            "build`)\n",
            patient.pseudonym.c_str());
        return Status::Ok();
      }
      if (args->full) {
        for (const auto& r : history) Print(r);
      } else if (!history.empty()) {
        PrintHistory(history);
      }
      if (!others.empty()) {
        std::printf("%sother twin snapshots:\n", history.empty() ? "" : "\n");
        std::printf("  %4s  %-20s %-20s %-10s  %-10s  %s\n", "id", "model",
                    "created", "data from", "data to", "summary");
        for (const auto& s : others)
          std::printf("  %4lld  %-20s %-20s %-10s  %-10s  %s\n",
                      static_cast<long long>(s.id), s.model.c_str(),
                      FormatIso8601(s.created).substr(0, 19).c_str(),
                      FormatIso8601(s.data_from).substr(0, 10).c_str(),
                      FormatIso8601(s.data_to).substr(0, 10).c_str(),
                      TwinSnapshotSummary(s).c_str());
      }
      return Status::Ok();
    };
  });
}

}  // namespace jumeau::cli
