// `jumeau twin build STORE PATIENT --model progression --from-cohort MODEL.json
// [--threshold CODE:VALUE]... [--until YEAR] [--samples N] [--seed S] [--json]`
// and `jumeau twin simulate STORE PATIENT --model progression --until YEAR
// [--threshold CODE:VALUE]... [--json]`: the long-term twin (derive/
// progression_twin.h).
#include "jumeau/cli/twin_progression.h"

#include <sodium.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "jumeau/cli/cli.h"
#include "jumeau/derive/progression_twin.h"

namespace jumeau::cli {
namespace {

Result<std::optional<Time>> ParseUntil(const std::string& text) {
  if (text.empty()) return std::optional<Time>();
  if (text.size() == 4 && std::isdigit(static_cast<unsigned char>(text[0]))) {
    JUMEAU_ASSIGN_OR_RETURN(const Time t, ParseIso8601(text + "-01-01"));
    return std::optional<Time>(t);
  }
  JUMEAU_ASSIGN_OR_RETURN(const Time t, ParseIso8601(text));
  return std::optional<Time>(t);
}

std::string Hex(const unsigned char* b, std::size_t n) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += d[b[i] >> 4], s += d[b[i] & 15];
  return s;
}

void Print(const derive::ProgressionTwinReport& r, bool stored) {
  const auto& m = r.population;
  if (stored) {
    std::printf("twin snapshot %lld: %s %s, created %s\n",
                static_cast<long long>(r.snapshot_id), r.model.c_str(),
                r.model_version.c_str(), FormatIso8601(r.created).c_str());
  } else {
    std::printf("forecast of twin snapshot %lld (%s %s; nothing stored)\n",
                static_cast<long long>(r.snapshot_id), r.model.c_str(),
                r.model_version.c_str());
  }
  std::printf("  population model %s (%s, %d iterations, seed %llu%s)\n",
              r.population_model_hash.substr(0, 16).c_str(),
              m.data_source.c_str(), m.iterations,
              static_cast<unsigned long long>(m.seed),
              m.converged ? "" : ", NOT converged");
  std::printf(
      "  visits %s .. %s; %zu posterior samples (seed %llu, acceptance %.2f)\n",
      FormatIso8601(r.data_from).c_str(), FormatIso8601(r.data_to).c_str(),
      r.samples.size(), static_cast<unsigned long long>(r.seed), r.acceptance);
  std::printf(
      "  reference age tau %.2f +- %.2f y; acceleration exp(xi) %.3g (xi %.3f "
      "+- %.3f)\n",
      r.mean.tau, r.tau_sd, std::exp(r.mean.xi), r.mean.xi, r.xi_sd);
  for (std::size_t k = 0; k < r.forecast.size(); ++k) {
    const auto& f = r.forecast[k];
    std::printf("  %s (%s): median [5%%, 95%%]\n", f.code.c_str(),
                f.unit.c_str());
    const std::size_t n = f.points.size();
    for (std::size_t i = 0; i + 1 < n; i += std::max<std::size_t>(1, n / 8)) {
      const auto& p = f.points[i];
      std::printf("    %s age %5.1f  %9.4g [%9.4g, %9.4g]\n",
                  FormatIso8601(p.time).substr(0, 10).c_str(), p.age, p.median,
                  p.p5, p.p95);
    }
    const auto& p = f.points.back();
    std::printf("    %s age %5.1f  %9.4g [%9.4g, %9.4g]\n",
                FormatIso8601(p.time).substr(0, 10).c_str(), p.age, p.median,
                p.p5, p.p95);
  }
  for (const auto& t : r.thresholds) {
    if (t.date_median) {
      std::printf(
          "  %s reaches %s %s at age %.1f [%.1f, %s] (%s)%s; P(by end) %.2f\n",
          t.code.c_str(), FormatValue(t.value).c_str(), t.unit.c_str(),
          t.age_median, t.age_p5,
          std::isfinite(t.age_p95)
              ? FormatValue(std::round(t.age_p95 * 10) / 10).c_str()
              : "never",
          FormatIso8601(*t.date_median).substr(0, 10).c_str(),
          t.already ? " already" : "", t.probability);
    } else {
      std::printf("  %s reaches %s %s: median never; P(by end) %.2f\n",
                  t.code.c_str(), FormatValue(t.value).c_str(), t.unit.c_str(),
                  t.probability);
    }
  }
}

std::string JsonOf(const derive::ProgressionTwinReport& r) {
  nlohmann::json j = nlohmann::json::parse(r.ToJson());
  j["snapshot_id"] = r.snapshot_id;
  j["created"] = FormatIso8601(r.created);
  j.erase("samples");
  return j.dump(2);
}

}  // namespace

Status RunProgressionTwinBuild(const ProgressionTwinArgs& a) {
  if (a.from_cohort.empty()) {
    return InvalidArgumentError(
        "--model progression needs --from-cohort MODEL.json (from `jumeau "
        "cohort fit --out`)");
  }
  std::ifstream f(a.from_cohort, std::ios::binary);
  if (!f) return NotFoundError(a.from_cohort + ": cannot open");
  std::ostringstream ss;
  ss << f.rdbuf();
  const std::string text = ss.str();
  unsigned char hash[32];
  crypto_generichash(hash, sizeof hash,
                     reinterpret_cast<const unsigned char*>(text.data()),
                     text.size(), nullptr, 0);
  JUMEAU_ASSIGN_OR_RETURN(const auto model, derive::ProgressionModel::FromJson(
                                                text, a.from_cohort));
  JUMEAU_ASSIGN_OR_RETURN(auto store, OpenStore(a.store));
  JUMEAU_ASSIGN_OR_RETURN(const auto patient, store->FindPatient(a.patient));
  derive::ProgressionTwinOptions o;
  o.samples = a.samples;
  o.seed = a.seed;
  o.thresholds = a.thresholds;
  JUMEAU_ASSIGN_OR_RETURN(o.until, ParseUntil(a.until));
  JUMEAU_ASSIGN_OR_RETURN(
      const auto twin, derive::BuildProgressionTwin(*store, patient, model,
                                                    Hex(hash, sizeof hash), o));
  if (a.json) {
    std::printf("%s\n", JsonOf(twin).c_str());
  } else {
    Print(twin, true);
  }
  return Status::Ok();
}

Status RunProgressionTwinSimulate(const ProgressionTwinArgs& a) {
  JUMEAU_ASSIGN_OR_RETURN(auto store, OpenStore(a.store));
  JUMEAU_ASSIGN_OR_RETURN(const auto patient, store->FindPatient(a.patient));
  derive::ProgressionTwinOptions o;
  o.thresholds = a.thresholds;
  JUMEAU_ASSIGN_OR_RETURN(o.until, ParseUntil(a.until));
  JUMEAU_ASSIGN_OR_RETURN(const auto twin,
                          derive::SimulateProgressionTwin(*store, patient, o));
  if (a.json) {
    std::printf("%s\n", JsonOf(twin).c_str());
  } else {
    Print(twin, false);
  }
  return Status::Ok();
}

}  // namespace jumeau::cli
