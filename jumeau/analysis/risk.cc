// SCORE2 and Framingham 2008 coefficients as published; see risk.h.
#include "jumeau/analysis/risk.h"

#include <cmath>
#include <limits>
#include <string>

namespace jumeau::analysis {
namespace {

Status InRange(double value, double lo, double hi, const char* name) {
  if (!(value >= lo && value <= hi)) {
    return InvalidArgumentError(std::string(name) + " " +
                                std::to_string(value) + " is outside " +
                                std::to_string(lo) + "-" + std::to_string(hi));
  }
  return Status::Ok();
}

// SCORE2 Supplementary Table 2 (log SHR) and baseline survival.
struct Score2Model {
  double age, smoking, sbp, diabetes, tchol, hdl;
  double smoking_age, sbp_age, tchol_age, hdl_age, diabetes_age;
  double baseline_survival;
};
constexpr Score2Model kScore2Men = {0.3742,  0.6012,  0.2777,  0.6457,
                                    0.1458,  -0.2698, -0.0755, -0.0255,
                                    -0.0281, 0.0426,  -0.0983, 0.9605};
constexpr Score2Model kScore2Women = {0.4648,  0.7744,  0.3131,  0.8096,
                                      0.1002,  -0.2606, -0.1088, -0.0277,
                                      -0.0226, 0.0613,  -0.1272, 0.9776};

// Region recalibration scales (scale1, scale2), SCORE2 Supplementary
// Table 7: [region][sex: 0 men, 1 women].
constexpr double kScore2Scales[4][2][2] = {
    {{-0.5699, 0.7476}, {-0.7380, 0.7019}},  // low
    {{-0.1565, 0.8009}, {-0.3143, 0.7701}},  // moderate
    {{0.3207, 0.9360}, {0.5710, 0.9369}},    // high
    {{0.5836, 0.8294}, {0.9412, 0.8329}},    // very high
};

// Framingham 2008 (D'Agostino et al.) Table 2.
struct FraminghamModel {
  double ln_age, ln_tchol, ln_hdl, ln_sbp_untreated, ln_sbp_treated, smoker,
      diabetes, baseline_survival, mean;
};
constexpr FraminghamModel kFraminghamMen = {3.06117, 1.12370, -0.93263,
                                            1.93303, 1.99881, 0.65451,
                                            0.57367, 0.88936, 23.9802};
constexpr FraminghamModel kFraminghamWomen = {2.32888, 1.20904, -0.70833,
                                              2.76157, 2.82263, 0.52873,
                                              0.69154, 0.95012, 26.1931};
// The BMI form: ln_tchol is the coefficient of ln(BMI), ln_hdl unused.
constexpr FraminghamModel kFraminghamBmiMen = {3.11296, 0.79277, 0.0,
                                               1.85508, 1.92672, 0.70953,
                                               0.53160, 0.88431, 23.9388};
constexpr FraminghamModel kFraminghamBmiWomen = {2.72107, 0.51125, 0.0,
                                                 2.81291, 2.88267, 0.61868,
                                                 0.77763, 0.94833, 26.0145};

Status CheckFramingham(const FraminghamInputs& in) {
  JUMEAU_RETURN_IF_ERROR(InRange(in.age_years, 30, 74, "age (years)"));
  return InRange(in.systolic_mmhg, 60, 250, "systolic pressure (mm[Hg])");
}

double FraminghamFromSum(const FraminghamModel& m, const FraminghamInputs& in,
                         double sum) {
  sum += m.ln_age * std::log(in.age_years) +
         (in.treated_hypertension ? m.ln_sbp_treated : m.ln_sbp_untreated) *
             std::log(in.systolic_mmhg) +
         (in.current_smoker ? m.smoker : 0.0) +
         (in.diabetes ? m.diabetes : 0.0);
  return 1.0 - std::pow(m.baseline_survival, std::exp(sum - m.mean));
}

}  // namespace

Result<Score2Region> ParseScore2Region(std::string_view name) {
  if (name == "low") return Score2Region::kLow;
  if (name == "moderate") return Score2Region::kModerate;
  if (name == "high") return Score2Region::kHigh;
  if (name == "very-high" || name == "very_high")
    return Score2Region::kVeryHigh;
  return InvalidArgumentError("unknown SCORE2 region '" + std::string(name) +
                              "' (low, moderate, high, very-high)");
}

Result<double> Score2Risk(const Score2Inputs& in) {
  JUMEAU_RETURN_IF_ERROR(InRange(in.age_years, 40, 69, "age (years)"));
  JUMEAU_RETURN_IF_ERROR(
      InRange(in.systolic_mmhg, 60, 250, "systolic pressure (mm[Hg])"));
  JUMEAU_RETURN_IF_ERROR(InRange(in.total_cholesterol_mmol_per_l, 1, 20,
                                 "total cholesterol (mmol/L)"));
  JUMEAU_RETURN_IF_ERROR(InRange(in.hdl_cholesterol_mmol_per_l, 0.2, 5,
                                 "HDL cholesterol (mmol/L)"));
  if (in.diabetes) {
    return InvalidArgumentError(
        "SCORE2 is not valid for people with diabetes (use SCORE2-Diabetes)");
  }
  const bool male = in.sex == Sex::kMale;
  const Score2Model& m = male ? kScore2Men : kScore2Women;
  const double age = (in.age_years - 60) / 5;
  const double smoking = in.current_smoker ? 1 : 0;
  const double sbp = (in.systolic_mmhg - 120) / 20;
  const double tchol = in.total_cholesterol_mmol_per_l - 6;
  const double hdl = (in.hdl_cholesterol_mmol_per_l - 1.3) / 0.5;
  const double x = m.age * age + m.smoking * smoking + m.sbp * sbp +
                   m.tchol * tchol + m.hdl * hdl +
                   m.smoking_age * smoking * age + m.sbp_age * sbp * age +
                   m.tchol_age * tchol * age + m.hdl_age * hdl * age;
  const double uncalibrated = 1 - std::pow(m.baseline_survival, std::exp(x));
  const double* scale =
      kScore2Scales[static_cast<int>(in.region)][male ? 0 : 1];
  return 1 - std::exp(-std::exp(
                 scale[0] + scale[1] * std::log(-std::log(1 - uncalibrated))));
}

Result<double> Framingham2008Risk(const FraminghamInputs& in) {
  JUMEAU_RETURN_IF_ERROR(CheckFramingham(in));
  JUMEAU_RETURN_IF_ERROR(InRange(in.total_cholesterol_mg_per_dl, 50, 600,
                                 "total cholesterol (mg/dL)"));
  JUMEAU_RETURN_IF_ERROR(
      InRange(in.hdl_cholesterol_mg_per_dl, 5, 200, "HDL cholesterol (mg/dL)"));
  const FraminghamModel& m =
      in.sex == Sex::kMale ? kFraminghamMen : kFraminghamWomen;
  return FraminghamFromSum(
      m, in,
      m.ln_tchol * std::log(in.total_cholesterol_mg_per_dl) +
          m.ln_hdl * std::log(in.hdl_cholesterol_mg_per_dl));
}

Result<double> Framingham2008BmiRisk(const FraminghamInputs& in,
                                     double bmi_kg_per_m2) {
  JUMEAU_RETURN_IF_ERROR(CheckFramingham(in));
  JUMEAU_RETURN_IF_ERROR(InRange(bmi_kg_per_m2, 10, 70, "BMI (kg/m2)"));
  const FraminghamModel& m =
      in.sex == Sex::kMale ? kFraminghamBmiMen : kFraminghamBmiWomen;
  return FraminghamFromSum(m, in, m.ln_tchol * std::log(bmi_kg_per_m2));
}

double HarrellC(std::span<const double> risk, std::span<const double> time,
                std::span<const bool> event) {
  double concordant = 0;
  double usable = 0;
  const size_t n = risk.size();
  for (size_t i = 0; i < n; ++i) {
    if (!event[i]) continue;
    for (size_t j = 0; j < n; ++j) {
      if (j == i || !(time[j] > time[i])) continue;
      usable += 1;
      if (risk[i] > risk[j]) {
        concordant += 1;
      } else if (risk[i] == risk[j]) {
        concordant += 0.5;
      }
    }
  }
  return usable > 0 ? concordant / usable
                    : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace jumeau::analysis
