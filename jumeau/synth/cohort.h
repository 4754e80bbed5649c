// A synthetic cohort for population models (the progression twin's
// `jumeau cohort fit`): people whose yearly check-ups only are generated,
// each with a course of blood pressure of their own. Layer: synth/, beside
// the example patient (example.h).
#ifndef JUMEAU_SYNTH_COHORT_H_
#define JUMEAU_SYNTH_COHORT_H_

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "jumeau/core/status.h"

namespace jumeau::synth {

// Options of the cohort. Identical options give identical output.
struct CohortOptions {
  // Seed; member k (1-based) uses DeriveSeed(seed, 1000 + k). Default 1.
  uint64_t seed = 1;
  // People. Default 40. Valid: 1-10000.
  int members = 40;
  // Last year with a check-up. Default 2021. Valid: 1993-2100 (the youngest
  // possible member, born 1975, has turned 18).
  int end_year = 2021;
};

// Each member's history (history.h, without a Holter): born in a year drawn
// uniformly from 1940-1975, blood pressure pace log-normal (median 1,
// log-sd 0.25) and shift normal (mean 0, sd 6 years), resting heart rate
// 60-80 bpm; so that members differ in when and how fast their pressure
// rises, as a disease-course model assumes. Returns one FHIR R4 transaction
// Bundle text per member (FormatHistoryBundle), every resource tagged
// synthetic; kInvalidArgument for invalid options.
Result<std::vector<std::string>> BuildCohortHistories(
    const CohortOptions& options);

// Writes the members' bundles as `out_dir`/member-0001.json, ... and a
// README.txt saying what they are (created if missing). Returns
// kInvalidArgument for invalid options, kIoError naming the path.
Status WriteCohort(const std::filesystem::path& out_dir,
                   const CohortOptions& options);

}  // namespace jumeau::synth

#endif  // JUMEAU_SYNTH_COHORT_H_
