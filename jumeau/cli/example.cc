// `jumeau example --out DIR [--seed N] [--ecg-minutes M] [--ecg-rate HZ]
// [--cohort N]`: write the synthetic example patient (WFDB ECG with beat
// annotations, EDF+ EEG with annotations, a BDF, decades of FHIR history, a
// genome with a score file, a wearable week) and, with --cohort, N more
// people's check-ups in DIR/cohort/; every file labelled synthetic.
#include "jumeau/synth/example.h"

#include <cstdio>

#include "jumeau/cli/cli.h"
#include "jumeau/synth/cohort.h"

namespace jumeau::cli {

void AddExampleVerb(CLI::App& app, Action* action) {
  auto* cmd = app.add_subcommand(
      "example", "Write a synthetic example patient in real formats");
  struct Args {
    std::string out;
    uint64_t seed = 1;
    int64_t ecg_minutes = 30;
    int ecg_rate_hz = 360;
    int cohort = 0;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("--out", args->out, "Output folder (created)")->required();
  cmd->add_option("--seed", args->seed,
                  "Random seed (default 1): same seed, same bytes");
  cmd->add_option("--ecg-minutes", args->ecg_minutes,
                  "Length of the ECG in minutes (default 30; up to 1440)");
  cmd->add_option("--ecg-rate", args->ecg_rate_hz,
                  "ECG sampling rate in Hz (default 360; 100-1000)");
  cmd->add_option("--cohort", args->cohort,
                  "Also write N synthetic people's yearly check-ups, each "
                  "with a course of blood pressure of their own, in "
                  "OUT/cohort/ (for `jumeau cohort fit`; default 0)")
      ->check(CLI::Range(0, 10000));
  cmd->callback([=] {
    *action = [=]() -> Status {
      synth::ExampleOptions options;
      options.seed = args->seed;
      options.ecg_duration = Duration::Minutes(args->ecg_minutes);
      options.ecg_sample_rate_hz = args->ecg_rate_hz;
      JUMEAU_RETURN_IF_ERROR(synth::WriteExamplePatient(args->out, options));
      std::printf(
          "wrote the synthetic example patient to %s (see README.txt there)\n",
          args->out.c_str());
      if (args->cohort > 0) {
        synth::CohortOptions cohort;
        cohort.seed = args->seed;
        cohort.members = args->cohort;
        const auto dir = std::filesystem::path(args->out) / "cohort";
        JUMEAU_RETURN_IF_ERROR(synth::WriteCohort(dir, cohort));
        std::printf("wrote %d synthetic people's check-ups to %s\n",
                    args->cohort, dir.c_str());
      }
      return Status::Ok();
    };
  });
}

}  // namespace jumeau::cli
