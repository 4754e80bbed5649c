// Forecast validation of the progression twin: fit the population model
// with each subject's last visit held out (subjects with >= 3 visits),
// personalise on the remaining visits, forecast the held-out visit (the
// posterior predictive mean), and report the mean absolute error against
// two baselines: last observation carried forward (LOCF) and a linear mixed
// model (random intercept and slope per subject, per feature). On Leaspy's
// putamen and alzheimer tables, and on the Framingham teaching data (exam 3
// forecast from exams 1 and 2: systolic pressure, total cholesterol, BMI,
// glucose).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "jumeau/assimilation/saem.h"
#include "jumeau/io/cohort_csv.h"
#include "jumeau/testing/test_data.h"
#include "tests/progression/baselines.h"

namespace jumeau {
namespace {

using testing::HeldOut;

struct Mae {
  std::vector<double> model, locf, lmm;
  std::vector<int> n;
};

// Fits, personalises and scores; `scale` maps normalised errors to raw
// units per feature (span of the range), `iterations` of MCMC-SAEM.
Mae Validate(const assimilation::CohortData& train,
             const std::vector<HeldOut>& test, int sources, int iterations,
             const std::vector<double>& scale) {
  const int k = static_cast<int>(train.features.size());
  Mae m;
  m.model.assign(k, 0);
  m.locf.assign(k, 0);
  m.lmm.assign(k, 0);
  m.n.assign(k, 0);
  assimilation::SaemOptions o;
  o.sources = sources;
  o.iterations = iterations;
  o.diagonal_noise = true;
  auto fit = assimilation::FitSaem(train, o);
  EXPECT_TRUE(fit.ok()) << fit.status().message();
  if (!fit.ok()) return m;
  std::printf("%s", fit->BriefReport().c_str());
  assimilation::PersonalizeOptions po;
  po.samples = 100;
  auto post = assimilation::Personalize(fit->population, train, po);
  EXPECT_TRUE(post.ok());
  if (!post.ok()) return m;
  const models::progression::ProgressionCurves curves(fit->population);
  const testing::LinearMixedModel lmm(train);
  std::vector<double> y(k);
  for (const HeldOut& h : test) {
    std::vector<double> mean(k, 0.0);
    const auto& samples = (*post)[h.subject].samples;
    for (const auto& s : samples) {
      const double t[1] = {h.age};
      curves.Predict(s, t, y);
      for (int q = 0; q < k; ++q) mean[q] += y[q] / samples.size();
    }
    for (int q = 0; q < k; ++q) {
      const double truth = h.values[q];
      const double locf = testing::LastObservation(train, h.subject, q);
      if (std::isnan(truth) || std::isnan(locf)) continue;
      m.model[q] += std::abs(mean[q] - truth) * scale[q];
      m.locf[q] += std::abs(locf - truth) * scale[q];
      m.lmm[q] += std::abs(lmm.Predict(h.subject, q, h.age) - truth) * scale[q];
      ++m.n[q];
    }
  }
  for (int q = 0; q < k; ++q) {
    if (m.n[q] == 0) continue;
    m.model[q] /= m.n[q];
    m.locf[q] /= m.n[q];
    m.lmm[q] /= m.n[q];
    std::printf("  %-28s n=%5d  MAE model %.4g, LOCF %.4g, LMM %.4g\n",
                train.features[q].c_str(), m.n[q], m.model[q], m.locf[q],
                m.lmm[q]);
  }
  return m;
}


double Mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0 : s / v.size();
}

TEST(ForecastValidationTest, LeaspyPutamenLastVisit) {
  JUMEAU_REQUIRE_TEST_DATA(path, "cohort/leaspy_parkinson-putamen.csv");
  const auto all = testing::LoadCohortCsv(path);
  assimilation::CohortData train;
  std::vector<HeldOut> test;
  std::vector<int> idx;
  testing::HoldOutLastVisit(all, &train, &test, &idx);
  std::printf("putamen: %zu held-out visits (3000 iterations)\n", test.size());
  const Mae m = Validate(train, test, 0, 3000, {1.0});
  ASSERT_GT(m.n[0], 100);
  EXPECT_LT(m.model[0], m.locf[0]);
  EXPECT_LT(m.model[0], m.lmm[0] * 1.1);
}

TEST(ForecastValidationTest, LeaspyAlzheimerLastVisit) {
  JUMEAU_REQUIRE_TEST_DATA(path, "cohort/leaspy_alzheimer.csv");
  const auto all = testing::LoadCohortCsv(path);
  assimilation::CohortData train;
  std::vector<HeldOut> test;
  std::vector<int> idx;
  testing::HoldOutLastVisit(all, &train, &test, &idx);
  std::printf("alzheimer: %zu held-out visits (3000 iterations, 2 sources)\n",
              test.size());
  const Mae m = Validate(train, test, 2, 3000, std::vector<double>(7, 1.0));
  std::printf("  mean over features: model %.4f, LOCF %.4f, LMM %.4f\n",
              Mean(m.model), Mean(m.locf), Mean(m.lmm));
  EXPECT_LT(Mean(m.model), Mean(m.locf));
  EXPECT_LT(Mean(m.model), Mean(m.lmm) * 1.1);
}

// Framingham: exams 1-2 train (ages from AGE at exam 1 + TIME), exam 3 is
// forecast. Each feature is normalised to its training range widened by
// 10%; errors are reported in raw units (mm[Hg], mg/dL, kg/m2, mg/dL).
TEST(ForecastValidationTest, FraminghamExamThree) {
  JUMEAU_REQUIRE_TEST_DATA(path, "cohort/frmgham2.csv");
  std::ifstream f(path);
  std::string line;
  std::getline(f, line);
  std::vector<std::string> header;
  {
    std::stringstream ss(line);
    std::string c;
    while (std::getline(ss, c, ',')) header.push_back(c);
  }
  const auto col = [&](const std::string& n) {
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == n) return static_cast<int>(i);
    return -1;
  };
  const std::vector<std::string> names = {"SYSBP", "TOTCHOL", "BMI", "GLUCOSE"};
  std::vector<int> fc;
  for (const auto& n : names) fc.push_back(col(n));
  const int c_id = col("RANDID"), c_age = col("AGE"), c_time = col("TIME"),
            c_per = col("PERIOD");
  ASSERT_GE(c_id, 0);
  struct Visit {
    double age;
    int period;
    std::vector<double> v;
  };
  std::map<std::string, std::vector<Visit>> subjects;
  std::map<std::string, double> baseline_age;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  while (std::getline(f, line)) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    std::string c;
    while (std::getline(ss, c, ',')) cells.push_back(c);
    while (cells.size() < header.size()) cells.push_back("");
    const auto num = [&](int i) {
      return cells[i].empty() ? nan : std::stod(cells[i]);
    };
    Visit v;
    v.period = static_cast<int>(num(c_per));
    const std::string id = cells[c_id];
    if (v.period == 1) baseline_age[id] = num(c_age) - num(c_time) / 365.25;
    v.age = num(c_time) / 365.25;  // completed below with the baseline age
    for (int q : fc) v.v.push_back(num(q));
    subjects[id].push_back(v);
  }
  // Training ranges.
  const int k = 4;
  std::vector<double> lo(k, 1e300), hi(k, -1e300);
  for (const auto& [id, vs] : subjects)
    for (const auto& v : vs)
      if (v.period <= 2)
        for (int q = 0; q < k; ++q)
          if (!std::isnan(v.v[q]))
            lo[q] = std::min(lo[q], v.v[q]), hi[q] = std::max(hi[q], v.v[q]);
  std::vector<double> low(k), span(k);
  for (int q = 0; q < k; ++q) {
    const double pad = 0.1 * (hi[q] - lo[q]);
    low[q] = lo[q] - pad;
    span[q] = hi[q] - lo[q] + 2 * pad;
  }
  assimilation::CohortData train;
  train.features = names;
  std::vector<HeldOut> test;
  for (const auto& [id, vs] : subjects) {
    if (!baseline_age.count(id)) continue;
    const double b = baseline_age[id];
    std::vector<double> t, y;
    const Visit* exam3 = nullptr;
    for (const auto& v : vs) {
      if (v.period == 3) exam3 = &v;
      if (v.period > 2) continue;
      t.push_back(b + v.age);
      for (int q = 0; q < k; ++q)
        y.push_back(std::isnan(v.v[q]) ? nan : (v.v[q] - low[q]) / span[q]);
    }
    bool any = false;
    for (double x : y) any = any || !std::isnan(x);
    if (!any) continue;
    train.AddSubject(id, t, y);
    if (exam3 != nullptr) {
      HeldOut h;
      h.subject = train.subjects() - 1;
      h.age = b + exam3->age;
      for (int q = 0; q < k; ++q)
        h.values.push_back(
            std::isnan(exam3->v[q]) ? nan : (exam3->v[q] - low[q]) / span[q]);
      test.push_back(h);
    }
  }
  ASSERT_TRUE(train.Validate().ok()) << train.Validate().message();
  std::printf(
      "framingham: %d subjects in training (exams 1-2), %zu exam-3 forecasts "
      "(2000 iterations, 3 sources)\n",
      train.subjects(), test.size());
  const Mae m = Validate(train, test, 3, 2000, span);
  for (int q = 0; q < k; ++q) {
    ASSERT_GT(m.n[q], 1000) << names[q];
    EXPECT_TRUE(std::isfinite(m.model[q]));
    // Not worse than the better baseline by more than 10% (reported above).
    EXPECT_LT(m.model[q], 1.1 * std::min(m.locf[q], m.lmm[q])) << names[q];
  }
}

}  // namespace
}  // namespace jumeau
