// Cardiovascular risk at the population scale: SCORE2 (ESC 2021, 10-year
// fatal and non-fatal CVD, with the recalibration to the four European risk
// regions), the Framingham 2008 general CVD risk (D'Agostino et al., 10-year,
// laboratory and BMI-based forms), and Harrell's C-statistic to measure how
// well a risk discriminates recorded events. Pure functions of numbers:
// finding the inputs in a patient's record is the caller's job.
#ifndef JUMEAU_ANALYSIS_RISK_H_
#define JUMEAU_ANALYSIS_RISK_H_

#include <span>
#include <string_view>

#include "jumeau/core/status.h"

namespace jumeau::analysis {

enum class Sex { kFemale, kMale };

// The SCORE2 risk regions (ESC 2021, by country CVD mortality).
enum class Score2Region { kLow, kModerate, kHigh, kVeryHigh };
// "low", "moderate", "high", "very-high" (also "very_high"); else
// kInvalidArgument.
Result<Score2Region> ParseScore2Region(std::string_view name);

struct Score2Inputs {
  double age_years = 0;  // valid 40-69 (SCORE2's range)
  Sex sex = Sex::kMale;
  bool current_smoker = false;
  double systolic_mmhg = 0;                 // valid 60-250
  double total_cholesterol_mmol_per_l = 0;  // valid 1-20
  double hdl_cholesterol_mmol_per_l = 0;    // valid 0.2-5
  // SCORE2 is not meant for people with diabetes (the model has the term
  // for recalibration only): true is refused.
  bool diabetes = false;
  Score2Region region = Score2Region::kLow;
};

// 10-year risk of fatal and non-fatal CVD as a fraction in (0, 1): the
// sex-specific model (Supplementary Table 2 of the SCORE2 paper: log
// subdistribution hazard ratios of age centred at 60 per 5 years, smoking,
// SBP centred at 120 per 20 mmHg, total cholesterol centred at 6 mmol/L, HDL
// centred at 1.3 per 0.5 mmol/L, and their interactions with age; baseline
// survival 0.9605 men, 0.9776 women), then recalibrated to the region:
// 1 - exp(-exp(scale1 + scale2 * ln(-ln(1 - risk)))).
// Returns kInvalidArgument naming the input out of its valid range.
Result<double> Score2Risk(const Score2Inputs& inputs);

struct FraminghamInputs {
  double age_years = 0;  // valid 30-74 (the derivation cohort)
  Sex sex = Sex::kMale;
  bool current_smoker = false;
  bool diabetes = false;
  double systolic_mmhg = 0;  // valid 60-250
  bool treated_hypertension = false;
  // The laboratory form: both cholesterols, mg/dL (valid 50-600 and 5-200).
  double total_cholesterol_mg_per_dl = 0;
  double hdl_cholesterol_mg_per_dl = 0;
};

// Framingham 2008 general CVD 10-year risk, laboratory form:
// 1 - S0^exp(sum(beta * x) - mean), x = ln(age), ln(total cholesterol),
// ln(HDL), ln(SBP) (treated or not), smoker, diabetes (D'Agostino et al.,
// Circulation 2008, Table 2). kInvalidArgument for inputs out of range.
Result<double> Framingham2008Risk(const FraminghamInputs& inputs);

// The office (non-laboratory) form with body-mass index (kg/m2, valid
// 10-70) instead of cholesterols, from the same paper; the cholesterol
// fields of `inputs` are ignored.
Result<double> Framingham2008BmiRisk(const FraminghamInputs& inputs,
                                     double bmi_kg_per_m2);

// Harrell's concordance: among usable pairs (the one with the shorter
// follow-up had the event), the fraction where it also had the higher risk
// (ties in risk count one half). `event[i]` says whether follow-up
// `time[i]` ended with the event. REQUIRES: equal sizes. Returns NaN when
// no pair is usable. O(n^2).
double HarrellC(std::span<const double> risk, std::span<const double> time,
                std::span<const bool> event);

}  // namespace jumeau::analysis

#endif  // JUMEAU_ANALYSIS_RISK_H_
