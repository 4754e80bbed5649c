// `jumeau example --out DIR`: write the synthetic example patient (WFDB ECG
// with beat annotations, EDF+ EEG with annotations, a BDF), every file
// labelled synthetic.
#include "jumeau/synth/example.h"

#include <cstdio>

#include "jumeau/cli/cli.h"

namespace jumeau::cli {

void AddExampleVerb(CLI::App& app, Action* action) {
  auto* cmd = app.add_subcommand(
      "example", "Write a synthetic example patient in real formats");
  struct Args {
    std::string out;
    uint64_t seed = 1;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("--out", args->out, "Output folder (created)")->required();
  cmd->add_option("--seed", args->seed,
                  "Random seed (default 1): same seed, same bytes");
  cmd->callback([=] {
    *action = [=]() -> Status {
      synth::ExampleOptions options;
      options.seed = args->seed;
      JUMEAU_RETURN_IF_ERROR(synth::WriteExamplePatient(args->out, options));
      std::printf(
          "wrote the synthetic example patient to %s (see README.txt there)\n",
          args->out.c_str());
      return Status::Ok();
    };
  });
}

}  // namespace jumeau::cli
