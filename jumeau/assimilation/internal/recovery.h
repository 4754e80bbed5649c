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
  // Echo LV end-systolic volume sd in mL; 0 = not observed. [0]
  double end_systolic_volume_sd_ml = 0.0;
  // Relative alternatives (cine cardiac MR volumes and phase-contrast flow
  // are reported as coefficients of variation): the error sd as a fraction
  // of the value, drawn and told to the calibration like the decay time's;
  // when > 0 each replaces the corresponding absolute sd above (drawn at
  // the same place, so the other observations' noise is unchanged). [0]
  double end_diastolic_volume_relative_sd = 0.0;
  double end_systolic_volume_relative_sd = 0.0;
  double cardiac_output_relative_sd = 0.0;
  // Arterial line instead of the cuff: systolic, diastolic and mean
  // pressure, each the window average of the abp analysis's beats, with
  // independent errors of sd arterial_pressure_sd_mmhg (cuff_readings is
  // then ignored). [false, 2 mm[Hg]]
  bool arterial_line = false;
  double arterial_pressure_sd_mmhg = 2.0;
  // Diastolic decay time constant (models/cardio.h, analysis/abp.h): its
  // error sd as a fraction of the value; 0 = not observed. [0]
  double decay_time_relative_sd = 0.0;
  // Arterial-line dP/dt max (models/cardio.h arterial_dpdt_max, the window
  // median of per-beat upstroke slopes): its error sd as a fraction of the
  // value; 0 = not observed. Drawn after every other observation, so that
  // turning it on leaves the others' noise unchanged. [0]
  double arterial_dpdt_relative_sd = 0.0;
  // True parameters: log-normal prior draws truncated to +- this many sds.
  double truth_truncation_sd = 2.0;
};

// `base` with the ICU / echo-lab observations: arterial line (SBP, DBP, MAP
// over a window, sd 2 mmHg each), the arterial diastolic decay time (sd 5%
// of its value), echo EDV and ESV (sd 10 and 8 mL; EF is their ratio, so
// not observed again) and cardiac output (sd 0.3 L/min).
RecoveryOptions WithIcuEchoObservations(RecoveryOptions base);

// `base` with the ICU / cardiac-MR observations: the arterial line and
// decay time of WithIcuEchoObservations, cine-MR EDV and ESV with sd 4.9%
// and 9.2% of the value (the upper ends of the interstudy coefficients of
// variability of Grothues et al., Am J Cardiol 2002;90:29-34, taken as
// per-measurement CVs: the conservative reading), and phase-contrast
// cardiac output with sd 5% of the value (a 0.6 cm/s background velocity
// offset, Gatehouse et al., JCMR 2010;12:5; it covers the 0.18 L/min of
// Rolf et al., Magn Reson Imaging 2009;27:385-392). BENCHMARKS.md, issue 5.
RecoveryOptions WithIcuCmrObservations(RecoveryOptions base);

struct RecoveryRow {
  std::string name;
  int informed = 0;                  // patients where it was reported informed
  double median_relative_error = 0;  // |MAP - truth| / truth, median
  // The same median over the patients where it was reported informed only
  // (NaN when none): a breakdown, not the headline figure.
  double median_relative_error_informed = 0;
  double coverage = 0;         // fraction of credible intervals with truth
  double median_sd_ratio = 0;  // posterior / prior sd, median
};

struct RecoveryResult {
  std::vector<RecoveryRow> rows;
  int patients = 0;
  int failures = 0;  // calibrations that returned an error
  int not_converged = 0;
  double seconds_per_patient = 0;      // mean wall time of one calibration
  double cpu_seconds_per_patient = 0;  // mean thread CPU time of one
  double wall_seconds = 0;             // the whole study
  int threads = 1;
  double mean_evaluations = 0;  // model evaluations per patient
  std::string first_error;
  // Calibrated patients per second of wall time (failures excluded).
  double PatientsPerSecond() const;
  std::string Table() const;  // markdown table
};

RecoveryResult RunRecovery(const RecoveryOptions& options);

}  // namespace jumeau::assimilation::internal

#endif  // JUMEAU_ASSIMILATION_INTERNAL_RECOVERY_H_
