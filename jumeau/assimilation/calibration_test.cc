// Tests of the MAP + Laplace calibration (calibration.h) on the Regazzoni
// cardiovascular model: input errors, the warm-started observation agreeing
// with a cold start, recovery of known parameters from exact data, the
// identifiability report, and a 20-patient parameter-recovery study (the
// 100-patient run is bench/calibration_bench.cc).
#include "jumeau/assimilation/calibration.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "jumeau/assimilation/internal/recovery.h"
#include "jumeau/models/cardio.h"

namespace jumeau::assimilation {
namespace {

using models::Regazzoni2022Cardio;

Observation Obs(const Regazzoni2022Cardio& model, int output, double value,
                double sd) {
  return {model.outputs()[output].code, value, sd, ""};
}

std::vector<Observation> FourObservations(const Regazzoni2022Cardio& model,
                                          const std::vector<double>& out,
                                          double scale = 1.0) {
  return {Obs(model, models::kSystolicPressure, out[models::kSystolicPressure],
              4 * scale),
          Obs(model, models::kDiastolicPressure,
              out[models::kDiastolicPressure], 4 * scale),
          Obs(model, models::kLvEjectionFraction,
              out[models::kLvEjectionFraction], 3 * scale),
          Obs(model, models::kCardiacOutput, out[models::kCardiacOutput],
              0.3 * scale)};
}

CalibrationOptions CardioOptions() {
  CalibrationOptions o;
  o.estimate = CardioCalibrationParameters();
  return o;
}

TEST(CalibrationTest, RejectsBadInput) {
  const Regazzoni2022Cardio model;
  const std::vector<double> base = models::DefaultParameters(model);
  const CalibrationOptions options = CardioOptions();
  EXPECT_EQ(Calibrate(model, {}, base, options).status().code(),
            StatusCode::kInvalidArgument);

  std::vector<Observation> obs = {
      Obs(model, models::kSystolicPressure, 120, 4)};
  obs[0].code.code = "9999-9";
  Status s = Calibrate(model, obs, base, options).status();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("9999-9"), std::string::npos) << s.ToString();

  obs = {Obs(model, models::kSystolicPressure, 120, 4)};
  obs[0].unit = "kPa";
  s = Calibrate(model, obs, base, options).status();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("kPa"), std::string::npos) << s.ToString();

  obs = {Obs(model, models::kSystolicPressure, 120, 0)};
  EXPECT_EQ(Calibrate(model, obs, base, options).status().code(),
            StatusCode::kInvalidArgument);
  obs = {Obs(model, models::kSystolicPressure, NAN, 4)};
  EXPECT_EQ(Calibrate(model, obs, base, options).status().code(),
            StatusCode::kInvalidArgument);

  obs = {Obs(model, models::kSystolicPressure, 120, 4)};
  CalibrationOptions bad = options;
  bad.estimate = {"r_ar_sys", "no_such_parameter"};
  s = Calibrate(model, obs, base, bad).status();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("no_such_parameter"), std::string::npos);
  bad.estimate = {"r_ar_sys", "r_ar_sys"};
  EXPECT_EQ(Calibrate(model, obs, base, bad).status().code(),
            StatusCode::kInvalidArgument);
  bad.estimate = {};
  EXPECT_EQ(Calibrate(model, obs, base, bad).status().code(),
            StatusCode::kInvalidArgument);

  std::vector<double> short_base(3, 1.0);
  EXPECT_EQ(Calibrate(model, obs, short_base, options).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(CalibrationTest, SolverFailureIsAnError) {
  const Regazzoni2022Cardio model;
  const std::vector<double> base = models::DefaultParameters(model);
  const std::vector<Observation> obs = {
      Obs(model, models::kSystolicPressure, 120, 4)};
  const ObservationFunction failing =
      [](std::span<const double>) -> Result<std::vector<double>> {
    return OutOfRangeError("solver gave up at t = 3.2 s");
  };
  const Status s =
      Calibrate(model, obs, base, CardioOptions(), failing).status();
  EXPECT_EQ(s.code(), StatusCode::kOutOfRange);
  EXPECT_NE(s.message().find("solver gave up"), std::string::npos)
      << s.ToString();
}

TEST(CalibrationTest, WarmStartAgreesWithColdStart) {
  const Regazzoni2022Cardio model;
  ObservationFunction warm = MakeWarmStartedCardioObservation(model);
  std::vector<double> p = models::DefaultParameters(model);
  ASSERT_TRUE(warm(p).ok());
  // Change the compliances too: the warm start must restore the blood volume.
  const char* names[] = {"r_ar_sys", "c_ar_sys", "e_active_lv", "c_ven_sys",
                         "r_ven_sys"};
  const double factors[] = {1.3, 0.7, 1.2, 1.4, 0.8};
  for (int k = 0; k < 5; ++k)
    p[*models::FindParameter(model, names[k])] *= factors[k];
  const Result<std::vector<double>> w = warm(p);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  models::CardioOptions tight;
  tight.ode.relative_tolerance = 1e-9;
  tight.ode.absolute_tolerance = 1e-9;
  tight.steady_state_tolerance = 1e-8;
  const auto cold = model.SimulateToSteadyState(p, tight);
  ASSERT_TRUE(cold.ok()) << cold.status().ToString();
  const std::vector<double> c = cold->beat.AsOutputs();
  for (int i : {models::kSystolicPressure, models::kDiastolicPressure,
                models::kLvEjectionFraction, models::kCardiacOutput,
                models::kLvEndDiastolicVolume}) {
    // Steady-state tolerance 1e-5 per beat: measured agreement ~1e-4.
    EXPECT_NEAR((*w)[i], c[i], 5e-4 * std::abs(c[i]))
        << model.outputs()[i].name;
  }
}

// Exact (noise-free) data from a known patient with small sds: the MAP must
// return the truth, with narrow intervals that contain it.
TEST(CalibrationTest, RecoversKnownParametersFromExactData) {
  const Regazzoni2022Cardio model;
  std::vector<double> truth = models::DefaultParameters(model);
  truth[*models::FindParameter(model, "heart_rate")] = 68;
  truth[*models::FindParameter(model, "r_ar_sys")] *= 1.25;
  truth[*models::FindParameter(model, "c_ar_sys")] *= 0.8;
  truth[*models::FindParameter(model, "e_active_lv")] *= 0.85;
  truth[*models::FindParameter(model, "r_ven_sys")] *= 1.15;
  models::CardioOptions tight;
  tight.ode.relative_tolerance = 1e-8;
  tight.ode.absolute_tolerance = 1e-8;
  const auto sim = model.SimulateToSteadyState(truth, tight);
  ASSERT_TRUE(sim.ok());
  const std::vector<Observation> obs =
      FourObservations(model, sim->beat.AsOutputs(), 0.05);
  std::vector<double> base = models::DefaultParameters(model);
  base[*models::FindParameter(model, "heart_rate")] = 68;
  const auto fit = Calibrate(model, obs, base, CardioOptions(),
                             MakeWarmStartedCardioObservation(model));
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  std::printf("%s", fit->BriefReport().c_str());
  EXPECT_TRUE(fit->converged);
  ASSERT_EQ(fit->estimates.size(), 4u);
  for (const ParameterEstimate& e : fit->estimates) {
    const double t = truth[e.index];
    EXPECT_NEAR(e.map, t, 0.01 * t) << e.name;
    EXPECT_LE(e.lower, t) << e.name;
    EXPECT_GE(e.upper, t) << e.name;
    EXPECT_TRUE(e.informed) << e.name;
  }
  EXPECT_TRUE(fit->not_informed.empty());
  for (const ObservationResidual& r : fit->residuals) {
    EXPECT_LT(std::abs(r.standardized), 1.0) << r.output;
  }
  EXPECT_EQ(fit->parameters[*models::FindParameter(model, "heart_rate")], 68);
  EXPECT_EQ(fit->covariance.rows(), 4);
}

// Pressures only cannot inform contractility, and the venous compliance is
// not informed even with EF and CO: both must be reported.
TEST(CalibrationTest, ReportsParametersTheDataDoNotInform) {
  const Regazzoni2022Cardio model;
  const std::vector<double> base = models::DefaultParameters(model);
  const std::vector<Observation> cuff = {
      Obs(model, models::kSystolicPressure, 125, 4),
      Obs(model, models::kDiastolicPressure, 82, 4)};
  auto fit = Calibrate(model, cuff, base, CardioOptions(),
                       MakeWarmStartedCardioObservation(model));
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  std::printf("%s", fit->BriefReport().c_str());
  auto listed = [&](const std::string& name) {
    return std::count(fit->not_informed.begin(), fit->not_informed.end(),
                      name) == 1;
  };
  EXPECT_TRUE(listed("e_active_lv"));
  EXPECT_FALSE(listed("r_ar_sys"));
  EXPECT_FALSE(fit->weak_directions.empty());
  // Two observations, four parameters: at least two weak directions.
  EXPECT_GE(fit->weak_directions.size(), 2u);

  const auto clean = model.Observe(base);
  ASSERT_TRUE(clean.ok());
  CalibrationOptions with_cven = CardioOptions();
  with_cven.estimate.push_back("c_ven_sys");
  fit = Calibrate(model, FourObservations(model, *clean), base, with_cven,
                  MakeWarmStartedCardioObservation(model));
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  std::printf("%s", fit->BriefReport().c_str());
  EXPECT_TRUE(listed("c_ven_sys"));
  EXPECT_FALSE(listed("r_ar_sys"));
  const ParameterEstimate& cven = fit->estimates.back();
  EXPECT_GT(cven.posterior_sd / cven.prior_sd, 0.9);
}

// 20 synthetic patients (the bench runs 100). Thresholds from measurements:
// seed 7 gives median relative errors r_ar_sys 3.7%, the others 9-11%, and
// coverages 85-90% (100 patients, seed 1: 4.1% / 7-11%, coverage 90-92%);
// the bounds leave room for the binomial spread of 20 patients (sd of a 90%
// coverage: 6.7 points) and for small numerical changes in the model.
TEST(CalibrationTest, RecoveryStudyTwentyPatients) {
  internal::RecoveryOptions options;
  options.patients = 20;
  options.seed = 7;
  const internal::RecoveryResult r = internal::RunRecovery(options);
  std::printf("%s", r.Table().c_str());
  ASSERT_EQ(r.failures, 0) << r.first_error;
  EXPECT_EQ(r.not_converged, 0);
  ASSERT_EQ(r.rows.size(), 4u);
  for (const internal::RecoveryRow& row : r.rows) {
    EXPECT_GE(row.coverage, 0.75) << row.name;
    EXPECT_LE(row.median_relative_error, 0.2) << row.name;
  }
  EXPECT_EQ(r.rows[0].name, "r_ar_sys");
  EXPECT_LE(r.rows[0].median_relative_error, 0.08);
  EXPECT_EQ(r.rows[0].informed, 20);
  EXPECT_GE(r.rows[3].informed, 16);  // r_ven_sys
}

}  // namespace
}  // namespace jumeau::assimilation
