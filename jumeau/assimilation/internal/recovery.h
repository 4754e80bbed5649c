// Parameter-recovery study of the cardiovascular calibration (shared by
// calibration_test.cc and bench/calibration_bench.cc): synthetic patients
// drawn from the Regazzoni model's priors, noisy observations, calibration,
// and per-parameter error and credible-interval coverage.
#ifndef JUMEAU_ASSIMILATION_INTERNAL_RECOVERY_H_
#define JUMEAU_ASSIMILATION_INTERNAL_RECOVERY_H_

#include <cstdint>
#include <string>
#include <vector>

namespace jumeau::assimilation::internal {

struct RecoveryOptions {
  int patients = 20;
  uint64_t seed = 1;
  int threads = 1;  // std::thread over patients
  // Measurement noise sds (and the sds given to the calibration).
  double pressure_sd_mmhg = 4.0;
  double ejection_fraction_sd_percent = 3.0;
  double cardiac_output_sd_l_per_min = 0.3;
  bool observe_ejection_fraction = true;
  bool observe_cardiac_output = true;
  // Cuff readings per pressure (each its own observation, independent
  // noise; guidelines ask for the mean of 2-3). [1]
  int cuff_readings = 1;
  // Echo LV end-diastolic volume sd in mL; 0 = not observed. [0]
  double end_diastolic_volume_sd_ml = 0.0;
  // True parameters: log-normal prior draws truncated to +- this many sds.
  double truth_truncation_sd = 2.0;
};

struct RecoveryRow {
  std::string name;
  int informed = 0;                  // patients where it was reported informed
  double median_relative_error = 0;  // |MAP - truth| / truth, median
  double coverage = 0;         // fraction of credible intervals with truth
  double median_sd_ratio = 0;  // posterior / prior sd, median
};

struct RecoveryResult {
  std::vector<RecoveryRow> rows;
  int patients = 0;
  int failures = 0;  // calibrations that returned an error
  int not_converged = 0;
  double seconds_per_patient = 0;  // wall time / patients * threads
  double wall_seconds = 0;
  double mean_evaluations = 0;  // model evaluations per patient
  std::string first_error;
  std::string Table() const;  // markdown table
};

RecoveryResult RunRecovery(const RecoveryOptions& options);

}  // namespace jumeau::assimilation::internal

#endif  // JUMEAU_ASSIMILATION_INTERNAL_RECOVERY_H_
