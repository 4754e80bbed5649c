// Tests of the MAP + Laplace calibration (calibration.h) on the Regazzoni
// cardiovascular model: input errors, warm-started observation agreeing with
// Model::Observe, recovery of known parameters, the identifiability report,
// and a 20-patient parameter-recovery study (the 100-patient run is
// bench/calibration_bench.cc).
#include "jumeau/assimilation/calibration.h"

#include <gtest/gtest.h>

#include <cmath>

#include "jumeau/assimilation/internal/recovery.h"
#include "jumeau/models/cardio.h"

namespace jumeau::assimilation {
namespace {

using models::Regazzoni2022Cardio;

Observation Obs(const Regazzoni2022Cardio& model, int output, double value,
                double sd) {
  return {model.outputs()[output].code, value, sd, ""};
}

TEST(CalibrationTest, RecoveryStudyTwentyPatients) {
  internal::RecoveryOptions options;
  options.patients = 20;
  options.seed = 7;
  const internal::RecoveryResult r = internal::RunRecovery(options);
  std::printf("%s", r.Table().c_str());
  EXPECT_EQ(r.failures, 0) << r.first_error;
}

}  // namespace
}  // namespace jumeau::assimilation
