// The parameter-recovery study of issue 5 on synthetic patients for the
// ICU / echo-lab set and the ICU / cardiac-MR set (recovery.h): labelled
// slow (about 10 s of CPU per 100 patients). The clinic (cuff) set's 20-patient
// check is calibration_test.cc; the full tables: bench/calibration_bench.
#include "jumeau/assimilation/internal/recovery.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

namespace jumeau::assimilation::internal {
namespace {

// Thresholds from measurements with room for the spread of a 100-patient
// study (a 90% coverage has a binomial sd of 3 points; seeds 1 and 2 gave
// c_ar_sys median errors of 5.7% and 4.4%). Measured, seed 2: median
// relative errors r_ar_sys 2.6%, c_ar_sys 4.4%, e_active_lv 9.8%, r_ven_sys
// 8.8%; coverages 94 / 89 / 83 / 94%. These guard against regressions;
// the goals of issue 5 are judged on the 1,000-patient run (BENCHMARKS.md).
TEST(RecoveryStudy, IcuSetHundredPatients) {
  RecoveryOptions options = WithIcuEchoObservations({});
  options.patients = 100;
  options.threads = 2;
  options.seed = 2;
  const RecoveryResult r = RunRecovery(options);
  std::printf("%s", r.Table().c_str());
  ASSERT_EQ(r.failures, 0) << r.first_error;
  ASSERT_EQ(r.rows.size(), 4u);
  for (const RecoveryRow& row : r.rows) {
    EXPECT_GE(row.coverage, 0.78) << row.name;
  }
  EXPECT_EQ(r.rows[0].name, "r_ar_sys");
  EXPECT_LE(r.rows[0].median_relative_error, 0.04);
  EXPECT_EQ(r.rows[0].informed, 100);
  EXPECT_EQ(r.rows[1].name, "c_ar_sys");
  EXPECT_LE(r.rows[1].median_relative_error, 0.065);
  EXPECT_GE(r.rows[1].informed, 95);
  EXPECT_LE(r.rows[2].median_relative_error, 0.13);  // e_active_lv
  EXPECT_LE(r.rows[3].median_relative_error, 0.12);  // r_ven_sys
}

// The ICU / cardiac-MR set (WithIcuCmrObservations: cine-MR volumes and
// phase-contrast CO at the conservative reading of the literature, see
// recovery.h): a regression guard like IcuSetHundredPatients, not the
// goal (it misses 5% for e_active_lv and r_ven_sys: 5.8% and 6.0% at
// 1,000 patients). Measured, seed 2: 2.3 / 3.7 / 5.5 / 6.9%; coverages
// 90 / 87 / 83 / 92%.
TEST(RecoveryStudy, IcuCmrSetHundredPatients) {
  RecoveryOptions options = WithIcuCmrObservations({});
  options.patients = 100;
  options.threads = 2;
  options.seed = 2;
  const RecoveryResult r = RunRecovery(options);
  std::printf("%s", r.Table().c_str());
  ASSERT_EQ(r.failures, 0) << r.first_error;
  ASSERT_EQ(r.rows.size(), 4u);
  for (const RecoveryRow& row : r.rows) {
    EXPECT_GE(row.coverage, 0.78) << row.name;
    EXPECT_GE(row.informed, 95) << row.name;
  }
  EXPECT_LE(r.rows[0].median_relative_error, 0.04);   // r_ar_sys
  EXPECT_LE(r.rows[1].median_relative_error, 0.065);  // c_ar_sys
  EXPECT_LE(r.rows[2].median_relative_error, 0.075);  // e_active_lv
  EXPECT_LE(r.rows[3].median_relative_error, 0.085);  // r_ven_sys
}

// The same set at the tighter reading of the same sources (volume CVs as
// sd of a difference / mean, so / sqrt 2 per measurement; PC-MRI CO sd
// 0.18 L/min from its limits of repeatability): the issue-5 goal, median
// relative error <= 5% and 90% intervals covering >= 85% for every
// parameter, on 300 patients (a 100-patient median moves by ~0.4 points
// between seeds). Measured, seed 2: 1.8 / 3.4 / 4.5 / 4.3%, coverages
// 91 / 90 / 90 / 91% (binomial sd 1.7 points); 1,000 patients (bench):
// 1.9-2.1 / 3.7-3.9 / 4.2-4.3 / 4.5-4.6%.
TEST(RecoveryStudy, IcuCmrTightReadingMeetsGoal) {
  RecoveryOptions options = WithIcuCmrObservations({});
  options.end_diastolic_volume_relative_sd = 0.049 / std::sqrt(2.0);
  options.end_systolic_volume_relative_sd = 0.092 / std::sqrt(2.0);
  options.cardiac_output_relative_sd = 0;
  options.cardiac_output_sd_l_per_min = 0.18;
  options.patients = 300;
  options.threads = 2;
  options.seed = 2;
  const RecoveryResult r = RunRecovery(options);
  std::printf("%s", r.Table().c_str());
  ASSERT_EQ(r.failures, 0) << r.first_error;
  ASSERT_EQ(r.rows.size(), 4u);
  for (const RecoveryRow& row : r.rows) {
    EXPECT_EQ(row.informed, 300) << row.name;
    EXPECT_LE(row.median_relative_error, 0.05) << row.name;
    EXPECT_GE(row.coverage, 0.85) << row.name;
  }
}

// The decay time is what moves c_ar_sys: without it (the same set
// otherwise) the compliance's posterior sd is larger.
TEST(RecoveryStudy, DecayTimeInformsCompliance) {
  RecoveryOptions with = WithIcuEchoObservations({});
  with.patients = 20;
  with.threads = 2;
  with.seed = 3;
  RecoveryOptions without = with;
  without.decay_time_relative_sd = 0;
  const RecoveryResult a = RunRecovery(with);
  const RecoveryResult b = RunRecovery(without);
  ASSERT_EQ(a.failures + b.failures, 0);
  ASSERT_EQ(a.rows[1].name, "c_ar_sys");
  std::printf(
      "c_ar_sys posterior/prior sd: %.2f with the decay time, %.2f "
      "without\n",
      a.rows[1].median_sd_ratio, b.rows[1].median_sd_ratio);
  EXPECT_LT(a.rows[1].median_sd_ratio, 0.8 * b.rows[1].median_sd_ratio);
}

}  // namespace
}  // namespace jumeau::assimilation::internal
