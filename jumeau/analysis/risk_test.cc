#include "jumeau/analysis/risk.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace jumeau::analysis {
namespace {

// The test vectors (SCORE2 paper's worked example; D'Agostino 2008).
TEST(RiskTest, Score2TestVectors) {
  Score2Inputs man;
  man.age_years = 50;
  man.sex = Sex::kMale;
  man.current_smoker = true;
  man.systolic_mmhg = 140;
  man.total_cholesterol_mmol_per_l = 5.5;
  man.hdl_cholesterol_mmol_per_l = 1.3;
  man.region = Score2Region::kLow;
  EXPECT_NEAR(*Score2Risk(man) * 100, 5.91, 0.005);
  Score2Inputs woman = man;
  woman.sex = Sex::kFemale;
  EXPECT_NEAR(*Score2Risk(woman) * 100, 4.22, 0.005);
  // Higher-risk regions give higher risk, monotonically.
  double previous = 0;
  for (auto region : {Score2Region::kLow, Score2Region::kModerate,
                      Score2Region::kHigh, Score2Region::kVeryHigh}) {
    man.region = region;
    const double r = *Score2Risk(man);
    EXPECT_GT(r, previous);
    previous = r;
  }
}

TEST(RiskTest, Score2RefusesOutOfRangeAndDiabetes) {
  Score2Inputs in;
  in.age_years = 75;
  in.systolic_mmhg = 140;
  in.total_cholesterol_mmol_per_l = 5.5;
  in.hdl_cholesterol_mmol_per_l = 1.3;
  EXPECT_EQ(Score2Risk(in).status().code(), StatusCode::kInvalidArgument);
  in.age_years = 50;
  in.diabetes = true;
  EXPECT_EQ(Score2Risk(in).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseScore2Region("very-high").value(), Score2Region::kVeryHigh);
  EXPECT_FALSE(ParseScore2Region("medium").ok());
}

TEST(RiskTest, Framingham2008TestVector) {
  FraminghamInputs in;
  in.age_years = 55;
  in.sex = Sex::kMale;
  in.hdl_cholesterol_mg_per_dl = 50;
  in.total_cholesterol_mg_per_dl = 213;
  in.systolic_mmhg = 140;
  EXPECT_NEAR(*Framingham2008Risk(in) * 100, 13.53, 0.005);
  // Treatment, smoking and diabetes each raise the risk.
  for (int k = 0; k < 3; ++k) {
    FraminghamInputs more = in;
    (k == 0   ? more.treated_hypertension
     : k == 1 ? more.current_smoker
              : more.diabetes) = true;
    EXPECT_GT(*Framingham2008Risk(more), *Framingham2008Risk(in));
  }
  // The BMI form is in the same range for the same person (BMI 27).
  const double bmi_risk = *Framingham2008BmiRisk(in, 27);
  EXPECT_GT(bmi_risk, 0.08);
  EXPECT_LT(bmi_risk, 0.25);
  in.age_years = 20;
  EXPECT_FALSE(Framingham2008Risk(in).ok());
}

TEST(RiskTest, HarrellCOnHandCountedPairs) {
  // Events at t=1 (risk .9) and t=3 (risk .2); censored at 2 (.5), 4 (.1).
  // Usable pairs: (1,2) conc, (1,3) conc, (1,4) conc, (3,4) conc -> 4/4.
  std::vector<double> risk = {0.9, 0.5, 0.2, 0.1};
  std::vector<double> time = {1, 2, 3, 4};
  bool flags[4] = {true, false, true, false};
  EXPECT_DOUBLE_EQ(HarrellC(risk, time, flags), 1.0);
  // Swap the second event's risk with the censored one at t=4: pair (3,4)
  // becomes discordant -> 3/4; a tie counts 1/2.
  risk = {0.9, 0.5, 0.1, 0.2};
  EXPECT_DOUBLE_EQ(HarrellC(risk, time, flags), 0.75);
  risk = {0.9, 0.5, 0.2, 0.2};
  EXPECT_DOUBLE_EQ(HarrellC(risk, time, flags), 0.875);
  bool none[4] = {false, false, false, false};
  EXPECT_TRUE(std::isnan(HarrellC(risk, time, none)));
}

}  // namespace
}  // namespace jumeau::analysis
