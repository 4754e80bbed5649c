// `jumeau cohort fit [STORE] --model logistic|linear --features CODES...
// [--patients P...] [--range CODE=LOW:HIGH]... [--csv FILE] [--sources N]
// [--iterations N] [--seed S] [--noise diagonal|scalar] --out MODEL.json
// [--json]`: fits a disease-course model on a cohort (the store's events of
// the codes, or a long-format CSV ID,TIME,features...) by MCMC-SAEM and
// writes the population model file that `jumeau twin build --model
// progression --from-cohort` reads.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

#include "jumeau/assimilation/saem.h"
#include "jumeau/cli/cli.h"
#include "jumeau/derive/progression_twin.h"
#include "jumeau/io/cohort_csv.h"

namespace jumeau::cli {
namespace {

struct Args {
  std::string store, csv, model = "logistic", out, noise = "diagonal";
  std::vector<std::string> features, patients, ranges;
  int sources = 0, iterations = 5000;
  uint64_t seed = 0;
  bool json = false;
};

// Parses "CODE=LOW:HIGH" entries into per-feature ranges.
Result<std::vector<std::optional<std::pair<double, double>>>> ParseRanges(
    const std::vector<std::string>& entries,
    const std::vector<std::string>& codes) {
  std::vector<std::optional<std::pair<double, double>>> out(codes.size());
  for (const auto& e : entries) {
    const auto eq = e.rfind('='), colon = e.rfind(':');
    if (eq == std::string::npos || colon == std::string::npos || colon < eq) {
      return InvalidArgumentError("--range '" + e + "' is not CODE=LOW:HIGH");
    }
    const std::string code = e.substr(0, eq);
    char* end = nullptr;
    const std::string lo_s = e.substr(eq + 1, colon - eq - 1),
                      hi_s = e.substr(colon + 1);
    const double lo = std::strtod(lo_s.c_str(), &end);
    const bool lo_ok = !lo_s.empty() && *end == '\0';
    const double hi = std::strtod(hi_s.c_str(), &end);
    const bool hi_ok = !hi_s.empty() && *end == '\0';
    if (!lo_ok || !hi_ok || !std::isfinite(lo) || !std::isfinite(hi) ||
        lo == hi) {
      return InvalidArgumentError("--range '" + e +
                                  "': LOW and HIGH must be distinct numbers");
    }
    bool found = false;
    for (std::size_t q = 0; q < codes.size(); ++q)
      if (codes[q] == code) out[q] = std::make_pair(lo, hi), found = true;
    if (!found)
      return InvalidArgumentError("--range '" + e + "': " + code +
                                  " is not a feature");
  }
  return out;
}

// A CSV cohort as model input: the chosen columns (all by default), each
// normalised with its declared range, else [0, 1] when its values lie there
// (Leaspy's normalised tables), else its observed range widened by 10%.
Result<derive::GatheredCohort> CohortFromCsv(const Args& a) {
  JUMEAU_ASSIGN_OR_RETURN(const io::CohortTable t, io::ReadCohortCsv(a.csv));
  std::vector<int> cols;
  std::vector<std::string> names = a.features;
  if (names.empty()) names = t.features;
  for (const auto& n : names) {
    int c = -1;
    for (std::size_t q = 0; q < t.features.size(); ++q)
      if (t.features[q] == n) c = static_cast<int>(q);
    if (c < 0) return InvalidArgumentError(a.csv + ": no column '" + n + "'");
    cols.push_back(c);
  }
  JUMEAU_ASSIGN_OR_RETURN(const auto ranges, ParseRanges(a.ranges, names));
  derive::GatheredCohort g;
  g.data.features = names;
  const std::size_t k = t.features.size();
  for (std::size_t j = 0; j < cols.size(); ++j) {
    derive::ProgressionFeature f;
    f.code = names[j];
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (std::size_t r = 0; r < t.times.size(); ++r) {
      const double v = t.values[r * k + cols[j]];
      if (!std::isnan(v)) lo = std::min(lo, v), hi = std::max(hi, v);
    }
    if (ranges[j]) {
      f.low = ranges[j]->first, f.high = ranges[j]->second;
      const double a0 = std::min(f.low, f.high), b0 = std::max(f.low, f.high);
      for (std::size_t r = 0; r < t.times.size(); ++r) {
        const double v = t.values[r * k + cols[j]];
        if (!std::isnan(v) && (v < a0 || v > b0)) {
          return InvalidArgumentError(
              a.csv + " line " + std::to_string(t.lines[r]) + ": " + f.code +
              " = " + FormatValue(v) + " is outside its declared range [" +
              FormatValue(a0) + ", " + FormatValue(b0) + "]");
        }
      }
    } else if (lo >= 0 && hi <= 1) {
      f.low = 0, f.high = 1;
    } else if (std::isfinite(lo)) {
      const double pad = hi > lo ? 0.1 * (hi - lo) : 1.0;
      f.low = lo - pad, f.high = hi + pad;
    } else {
      return InvalidArgumentError(a.csv + ": column '" + f.code +
                                  "' has no value");
    }
    g.features.push_back(f);
  }
  for (std::size_t i = 0; i < t.subject_ids.size(); ++i) {
    std::vector<double> times, vals;
    bool any = false;
    for (int r = t.offsets[i]; r < t.offsets[i + 1]; ++r) {
      times.push_back(t.times[r]);
      for (std::size_t j = 0; j < cols.size(); ++j) {
        const double v = t.values[r * k + cols[j]];
        vals.push_back(std::isnan(v) ? v : g.features[j].Normalise(v));
        any = any || !std::isnan(v);
      }
    }
    if (!any) {
      g.warnings.push_back("subject " + t.subject_ids[i] +
                           " skipped: no value of the features");
      continue;
    }
    g.data.AddSubject(t.subject_ids[i], times, vals);
  }
  return g;
}

}  // namespace

void AddCohortVerb(CLI::App& app, Action* action) {
  auto* cmd = app.add_subcommand(
      "cohort", "Cohort models: disease progression fitted on many patients");
  cmd->require_subcommand(1);
  auto args = std::make_shared<Args>();
  auto* fit =
      cmd->add_subcommand("fit",
                          "Fit a disease-course model (Leaspy-style, "
                          "MCMC-SAEM) and write the population model file");
  fit->add_option("STORE", args->store, "Store file (omit with --csv)");
  fit->add_option("--csv", args->csv,
                  "Long-format CSV: ID,TIME,<features> (instead of a store)");
  fit->add_option("--model", args->model, "logistic (default) or linear");
  fit->add_option("--features", args->features,
                  "Event codes (store) or CSV columns (default: all)");
  fit->add_option("--patients", args->patients,
                  "Patient pseudonyms (default: all)");
  fit->add_option("--range", args->ranges,
                  "CODE=LOW:HIGH: raw values mapped to 0 and 1 (LOW > HIGH for "
                  "a score that falls with the disease)");
  fit->add_option("--sources", args->sources,
                  "Independent sources of space shifts (default 0)");
  fit->add_option("--iterations", args->iterations,
                  "MCMC-SAEM iterations (default 5000)");
  fit->add_option("--seed", args->seed, "Random seed (default 0)");
  fit->add_option("--noise", args->noise,
                  "diagonal (one sd per feature, default) or scalar");
  fit->add_option("--out", args->out, "Write the population model here (JSON)")
      ->required();
  fit->add_flag("--json", args->json, "Machine-readable output");
  fit->callback([=] {
    *action = [=]() -> Status {
      const Args& a = *args;
      JUMEAU_ASSIGN_OR_RETURN(const auto kind,
                              models::progression::ParseCurveKind(a.model));
      if (a.noise != "diagonal" && a.noise != "scalar") {
        return InvalidArgumentError("--noise must be diagonal or scalar");
      }
      derive::GatheredCohort g;
      std::string source;
      if (!a.csv.empty()) {
        if (!a.store.empty())
          return InvalidArgumentError("give either STORE or --csv, not both");
        JUMEAU_ASSIGN_OR_RETURN(g, CohortFromCsv(a));
        source = "csv " + a.csv;
      } else {
        if (a.store.empty())
          return InvalidArgumentError("give a STORE or --csv FILE");
        if (a.features.empty())
          return InvalidArgumentError(
              "--features CODES... is required with a store");
        JUMEAU_ASSIGN_OR_RETURN(auto store, OpenStore(a.store));
        derive::CohortGatherOptions o;
        o.codes = a.features;
        o.patients = a.patients;
        JUMEAU_ASSIGN_OR_RETURN(o.ranges, ParseRanges(a.ranges, a.features));
        JUMEAU_ASSIGN_OR_RETURN(g, derive::GatherCohort(*store, o));
        source = "store " + a.store;
      }
      assimilation::SaemOptions so;
      so.kind = kind;
      so.sources = a.sources;
      so.iterations = a.iterations;
      so.seed = a.seed;
      so.diagonal_noise = a.noise == "diagonal";
      JUMEAU_ASSIGN_OR_RETURN(const auto fit,
                              assimilation::FitSaem(g.data, so));
      derive::ProgressionModel m = derive::MakeProgressionModel(
          fit, g.features, source, g.data.subjects(), g.data.visits());
      for (const auto& w : g.warnings) m.warnings.push_back(w);
      const std::string text = m.ToJson();
      {
        std::ofstream f(a.out, std::ios::binary);
        if (!f)
          return InvalidArgumentError(a.out + ": cannot open for writing");
        f << text << "\n";
        f.close();
        if (!f) return InvalidArgumentError(a.out + ": write failed");
      }
      if (a.json) {
        std::printf("%s\n", text.c_str());
      } else {
        std::printf("%d subjects, %d visits (%s)\n%s", g.data.subjects(),
                    g.data.visits(), source.c_str(), fit.BriefReport().c_str());
        for (const auto& w : g.warnings)
          std::printf("  warning: %s\n", w.c_str());
        std::printf("wrote %s\n", a.out.c_str());
      }
      if (!fit.diagnostics.converged) {
        std::fprintf(stderr,
                     "jumeau: warning: the fit did not converge (%s); the "
                     "model was written\n",
                     fit.diagnostics.warnings.empty()
                         ? ""
                         : fit.diagnostics.warnings[0].c_str());
      }
      return Status::Ok();
    };
  });
}

}  // namespace jumeau::cli
