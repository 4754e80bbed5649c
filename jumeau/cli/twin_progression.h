// The progression parts of `jumeau twin build|simulate --model progression`
// (cli/twin_progression.cc), called from cli/twin.cc.
#ifndef JUMEAU_CLI_TWIN_PROGRESSION_H_
#define JUMEAU_CLI_TWIN_PROGRESSION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "jumeau/core/status.h"

namespace jumeau::cli {

struct ProgressionTwinArgs {
  std::string store, patient;
  std::string from_cohort;              // build: the population model file
  std::string until;                    // "2040" or ISO 8601
  std::vector<std::string> thresholds;  // "CODE:VALUE"
  int samples = 200;
  uint64_t seed = 1;
  bool json = false;
};

// `twin build --model progression`: personalises the model file to the
// patient and stores a snapshot; prints it.
Status RunProgressionTwinBuild(const ProgressionTwinArgs& args);
// `twin simulate --model progression`: the latest progression snapshot's
// forecast until args.until, with threshold crossings; stores nothing.
Status RunProgressionTwinSimulate(const ProgressionTwinArgs& args);

}  // namespace jumeau::cli

#endif  // JUMEAU_CLI_TWIN_PROGRESSION_H_
