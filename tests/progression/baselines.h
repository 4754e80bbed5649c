// Forecast baselines for the progression validation tests: last
// observation carried forward and a linear mixed model (random intercept and
// slope per subject, fitted by EM, predicted by BLUP), and the held-out
// split, and a long-format cohort CSV read into CohortData. Test-only
// helpers.
#ifndef JUMEAU_TESTS_PROGRESSION_BASELINES_H_
#define JUMEAU_TESTS_PROGRESSION_BASELINES_H_

#include <filesystem>
#include <vector>

#include "jumeau/assimilation/saem.h"

namespace jumeau::testing {

// The cohort of a long-format CSV (io::ReadCohortCsv) as SAEM input; adds a
// test failure and returns an empty cohort when the file does not read.
assimilation::CohortData LoadCohortCsv(const std::filesystem::path& path);

// One held-out value to forecast: subject, age, feature, true value.
struct HeldOut {
  int subject = 0;
  double age = 0.0;
  std::vector<double> values;  // per feature (NaN = not measured)
};

// Splits `all` into training (every subject with >= 3 visits loses its
// last visit; others are kept whole) and the held-out last visits.
void HoldOutLastVisit(const assimilation::CohortData& all,
                      assimilation::CohortData* train,
                      std::vector<HeldOut>* test,
                      std::vector<int>* test_subject_in_train);

// The last observed value of feature q of subject i in `train` (NaN if
// none).
double LastObservation(const assimilation::CohortData& train, int i, int q);

// A linear mixed model per feature fitted on `train`; Predict(i, q, age).
class LinearMixedModel {
 public:
  explicit LinearMixedModel(const assimilation::CohortData& train,
                            int em_iterations = 100);
  double Predict(int subject, int feature, double age) const;

 private:
  int k_ = 0;
  double center_ = 0.0;
  std::vector<double> b0_, b1_;  // per feature
  std::vector<double> u0_, u1_;  // per subject x feature (BLUP)
};

}  // namespace jumeau::testing

#endif  // JUMEAU_TESTS_PROGRESSION_BASELINES_H_
