// The brain parts of `jumeau twin` (twin_brain.cc): the options `twin build
// --model brain` and `twin simulate --scenario resect:...` add, and the
// actions they run. Hooked into twin.cc.
#ifndef JUMEAU_CLI_TWIN_BRAIN_H_
#define JUMEAU_CLI_TWIN_BRAIN_H_

#include <cstdint>
#include <string>

#include "jumeau/cli/cli.h"
#include "jumeau/store/store.h"

namespace jumeau::cli {

// Options of the brain twin verbs, filled by CLI11.
struct BrainTwinArgs {
  std::string connectome;                  // --connectome DIR|ZIP
  std::string neural_mass = "jansen-rit";  // --brain-model
  std::string ez;                          // --ez R1,R2 (Epileptor hypothesis)
  std::string gain;                        // --gain FILE (EEG forward model)
  int ensemble = 24;
};

// Adds --connectome, --brain-model, --ez, --gain, --brain-ensemble to
// `build`.
void AddBrainTwinBuildOptions(CLI::App* build, BrainTwinArgs* args);

// `twin build STORE PATIENT --model brain`: reads the connectome
// (--connectome, else the patient's stored one, else $JUMEAU_CONNECTOME),
// builds and stores the twin,
// prints it. Returns store, io and derive errors.
Status RunBrainTwinBuild(const std::string& store_path,
                         const std::string& patient, const BrainTwinArgs& args,
                         bool json);

// `twin simulate STORE PATIENT --scenario resect:...|disconnect:...|
// stimulate:...`: simulates the latest brain twin. Returns derive errors.
Status RunBrainTwinSimulate(const std::string& store_path,
                            const std::string& patient,
                            const std::string& scenario, int samples,
                            uint64_t seed, bool json);

// True for the scenarios RunBrainTwinSimulate handles.
bool IsBrainScenarioText(const std::string& scenario);

// One line about a brain or progression snapshot for `twin show`: the
// method and fit quality (Jansen-Rit), the hypothesis and its propagation
// (Epileptor), or the model version (progression); "unreadable: ..." when
// the snapshot's JSON does not parse.
std::string TwinSnapshotSummary(const store::TwinSnapshot& snapshot);

}  // namespace jumeau::cli

#endif  // JUMEAU_CLI_TWIN_BRAIN_H_
