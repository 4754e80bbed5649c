// Parameter recovery of the cardiovascular calibration (issue 5): synthetic
// patients from the Regazzoni model's priors, noisy observations of one of
// several realistic data sets, MAP + Laplace calibration
// (jumeau/assimilation/calibration.h); prints per-parameter median relative
// error, 90% credible-interval coverage, how often each parameter is
// informed, and time per patient. A plain program (not Google Benchmark:
// one long run).
// Usage: calibration_bench [patients=100] [threads=2] [seed=1] [sets=all]
//   sets: all (every set below), cuff (the clinic set), icu (the ICU /
//   echo-lab set), icu-dpdt (the ICU set, then with the arterial-line
//   dP/dt max added at sd 10% and 5%: an evaluation, not part of the set),
//   icu-cmr (not in all: the ICU set with cardiac-MR volumes and
//   phase-contrast CO instead of echo and CO, WithIcuCmrObservations, then
//   the same with the literature's tighter reading of those sds).
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "jumeau/assimilation/internal/recovery.h"

namespace {

using jumeau::assimilation::internal::RecoveryOptions;
using jumeau::assimilation::internal::RunRecovery;
using jumeau::assimilation::internal::WithIcuCmrObservations;
using jumeau::assimilation::internal::WithIcuEchoObservations;

// Runs one data set and prints its table; returns its failure count.
int Run(const char* title, const RecoveryOptions& options) {
  std::printf("## %s\n\n", title);
  std::fflush(stdout);
  const auto r = RunRecovery(options);
  std::printf("%s\n", r.Table().c_str());
  std::fflush(stdout);
  return r.failures;
}

}  // namespace

int main(int argc, char** argv) {
  RecoveryOptions options;
  options.patients = argc > 1 ? std::atoi(argv[1]) : 100;
  options.threads = argc > 2 ? std::atoi(argv[2]) : 2;
  options.seed = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 1;
  const std::string sets = argc > 4 ? argv[4] : "all";
  if (options.patients <= 0 || options.threads <= 0 ||
      (sets != "all" && sets != "cuff" && sets != "icu" && sets != "icu-dpdt" &&
       sets != "icu-cmr")) {
    std::fprintf(stderr,
                 "usage: calibration_bench [patients] [threads] [seed] "
                 "[all|cuff|icu|icu-dpdt|icu-cmr]\n");
    return 2;
  }
  std::printf("seed %llu, %d threads\n\n",
              static_cast<unsigned long long>(options.seed), options.threads);
  int failures = 0;
  if (sets == "all" || sets == "cuff") {
    failures +=
        Run("cuff set: SBP, DBP (one cuff reading, sd 4 mmHg), echo EF (sd 3 "
            "points), CO (sd 0.3 L/min); HR known",
            options);
  }
  if (sets == "all") {
    auto rich = options;
    rich.cuff_readings = 3;
    rich.end_diastolic_volume_sd_ml = 10.0;
    failures += Run(
        "cuff set plus 3 cuff readings (not 1) and echo EDV (sd 10 mL)", rich);
    auto cuff = options;
    cuff.observe_ejection_fraction = false;
    cuff.observe_cardiac_output = false;
    failures += Run("SBP, DBP only (identifiability check)", cuff);
  }
  if (sets == "icu-cmr") {
    failures += Run(
        "ICU / cardiac-MR set: arterial line SBP, DBP, MAP (sd 2 mmHg each), "
        "diastolic decay time (sd 5%), cine-MR EDV and ESV (sd 4.9% and 9.2% "
        "of the value), phase-contrast CO (sd 5%); HR known",
        WithIcuCmrObservations(options));
    // Grothues et al.'s coefficients of variability read as sd of the
    // study-to-study difference / mean (per measurement: / sqrt 2), and
    // Rolf et al.'s PC-MRI CO limits of repeatability 0.5 L/min as 1.96 sd
    // of a difference (0.5 / 1.96 / sqrt 2 = 0.18 L/min).
    auto tight = WithIcuCmrObservations(options);
    tight.end_diastolic_volume_relative_sd = 0.049 / std::sqrt(2.0);
    tight.end_systolic_volume_relative_sd = 0.092 / std::sqrt(2.0);
    tight.cardiac_output_relative_sd = 0;
    tight.cardiac_output_sd_l_per_min = 0.18;
    failures += Run(
        "ICU / cardiac-MR set, tighter reading: EDV and ESV sd 3.5% and 6.5%, "
        "PC CO sd 0.18 L/min",
        tight);
    return failures == 0 ? 0 : 1;
  }
  if (sets != "cuff") {
    failures += Run(
        "ICU / echo-lab set: arterial line SBP, DBP, MAP (sd 2 mmHg each), "
        "diastolic decay time (sd 5%), echo EDV (sd 10 mL) and ESV (sd 8 mL), "
        "CO (sd 0.3 L/min); HR known",
        WithIcuEchoObservations(options));
  }
  if (sets == "all" || sets == "icu-dpdt") {
    for (const double sd : {0.10, 0.05}) {
      auto dpdt = WithIcuEchoObservations(options);
      dpdt.arterial_dpdt_relative_sd = sd;
      const std::string title =
          "ICU set plus arterial-line dP/dt max (sd " +
          std::to_string(static_cast<int>(100 * sd + 0.5)) +
          "% of the value; evaluation)";
      failures += Run(title.c_str(), dpdt);
    }
  }
  if (sets == "all") {
    auto loose = WithIcuEchoObservations(options);
    loose.decay_time_relative_sd = 0.10;
    failures +=
        Run("ICU set with the decay time at sd 10% (sensitivity)", loose);
    auto no_tau = WithIcuEchoObservations(options);
    no_tau.decay_time_relative_sd = 0;
    failures += Run("ICU set without the decay time (what it adds)", no_tau);
    auto mr = WithIcuEchoObservations(options);
    mr.end_diastolic_volume_sd_ml = 6.0;
    mr.end_systolic_volume_sd_ml = 4.0;
    failures +=
        Run("ICU set with cardiac-MR-grade volumes (EDV sd 6 mL, ESV sd 4 mL; "
            "what-if, not echo)",
            mr);
  }
  return failures == 0 ? 0 : 1;
}
