// Tests of the progression twin on a store (progression_twin.h): a cohort of
// patients simulated from a two-feature logistic model stored as blood
// pressure events, gathered, fitted, personalised and forecast; the
// snapshot read back; model files round-tripped; and the errors for a
// patient without visits and a value outside the model's range.
#include "jumeau/derive/progression_twin.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "jumeau/core/random.h"
#include "jumeau/store/sqlite_store.h"
#include "jumeau/testing/test_data.h"

namespace jumeau::derive {
namespace {

using models::progression::IndividualParameters;
using models::progression::PopulationParameters;

PopulationParameters Truth() {
  PopulationParameters p;
  p.features = 2;
  p.sources = 1;
  p.g = {0.8, 0.2};
  p.log_v0 = {-3.2, -3.5};
  p.betas = {0.1};
  p.tau_mean = 62;
  p.tau_std = 6;
  p.xi_std = 0.4;
  p.noise_std = {0.03, 0.03};
  return p;
}

Status AddPatient(store::Store& s, const std::string& id,
                  const std::vector<Event>& events) {
  store::SourceDescription d;
  d.content_hash = "test-" + id;
  d.format = "test";
  d.reader = "progression_twin_test";
  d.reader_version = "1";
  JUMEAU_ASSIGN_OR_RETURN(auto tx, s.BeginSource(d));
  store::PatientIdentity who;
  who.keys = {"fhir-patient:" + id};
  who.birth_date = CivilTime{1950, 1, 1};
  JUMEAU_ASSIGN_OR_RETURN(const auto pid, tx->Patient(who));
  JUMEAU_RETURN_IF_ERROR(tx->AddEvents(pid, events));
  return tx->Commit();
}

Event Bp(const char* code, double age, double value) {
  Event e;
  e.time = FromCivil(CivilTime{1950, 1, 1}) +
           Duration::Seconds(static_cast<int64_t>(age * 365.25 * 86400));
  e.code = {code_system::kLoinc, code, ""};
  e.value = value;
  e.unit = "mm[Hg]";
  return e;
}

class ProgressionTwinTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto path = jumeau::testing::ScratchDir() / "progression.jumeau";
    std::filesystem::remove(path);
    auto s = store::CreateSqliteStore(path);
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(*s);
    const models::progression::ProgressionCurves curves(Truth());
    Rng rng(4);
    for (int i = 0; i < 40; ++i) {
      IndividualParameters ind{
          62 + 6 * rng.Normal(), 0.4 * rng.Normal(), {rng.Normal()}};
      std::vector<Event> events;
      for (int v = 0; v < 6; ++v) {
        const double age = ind.tau - 4 + 1.5 * v + rng.Uniform();
        std::vector<double> t = {age}, y(2);
        curves.Predict(ind, t, y);
        const double sbp =
            80 + 120 * std::clamp(y[0] + 0.03 * rng.Normal(), 0.0, 1.0);
        const double dbp =
            40 + 80 * std::clamp(y[1] + 0.03 * rng.Normal(), 0.0, 1.0);
        events.push_back(Bp("8480-6", age, sbp));
        events.push_back(Bp("8462-4", age, dbp));
      }
      ASSERT_TRUE(AddPatient(*store_, "P" + std::to_string(i), events).ok());
    }
    // A patient with a heart rate only, and one with an impossible pressure.
    Event hr = Bp("8867-4", 60, 70);
    hr.unit = "/min";
    ASSERT_TRUE(AddPatient(*store_, "nobp", {hr}).ok());
  }
  std::unique_ptr<store::Store> store_;
};

TEST_F(ProgressionTwinTest, GatherFitPersonaliseForecast) {
  CohortGatherOptions g;
  g.codes = {"8480-6", "8462-4"};
  g.ranges = {std::make_pair(80.0, 200.0), std::make_pair(40.0, 120.0)};
  auto cohort = GatherCohort(*store_, g);
  ASSERT_TRUE(cohort.ok()) << cohort.status().message();
  EXPECT_EQ(cohort->data.subjects(), 40);
  ASSERT_EQ(cohort->warnings.size(), 1u);
  EXPECT_NE(cohort->warnings[0].find("no event of the codes"),
            std::string::npos);
  EXPECT_EQ(cohort->features[0].unit, "mm[Hg]");

  assimilation::SaemOptions o;
  o.sources = 1;
  o.iterations = 1500;
  auto fit = assimilation::FitSaem(cohort->data, o);
  ASSERT_TRUE(fit.ok()) << fit.status().message();
  const ProgressionModel model =
      MakeProgressionModel(*fit, cohort->features, "test", 40, 240);
  auto again = ProgressionModel::FromJson(model.ToJson(), "m.json");
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(again->population.g, model.population.g);
  EXPECT_EQ(again->features[1].code, "8462-4");
  EXPECT_FALSE(ProgressionModel::FromJson("{\"format\": 3}", "m.json").ok());
  EXPECT_EQ(ProgressionModel::FromJson("not json", "m.json").status().code(),
            StatusCode::kDataLoss);

  // A patient of the cohort (pseudonyms are keyed hashes: pick by content).
  auto everyone = store_->Patients();
  ASSERT_TRUE(everyone.ok());
  std::optional<store::PatientInfo> patient;
  for (const auto& p : *everyone)
    if (p.event_count == 12) patient = p;
  ASSERT_TRUE(patient.has_value());
  ProgressionTwinOptions t;
  t.thresholds = {"8480-6:160"};
  auto twin = BuildProgressionTwin(*store_, *patient, model, "abc", t);
  ASSERT_TRUE(twin.ok()) << twin.status().message();
  EXPECT_EQ(twin->model, "logistic_progression");
  EXPECT_EQ(twin->observed.size(), 12u);
  double err = 0;
  for (const auto& ob : twin->observed)
    err += std::abs(ob.value - ob.predicted);
  err /= twin->observed.size();
  std::printf("personalised fit: mean |observed - predicted| %.2f mm[Hg]\n",
              err);
  EXPECT_LT(err, 8.0);
  for (const auto& f : twin->forecast)
    for (const auto& p : f.points) EXPECT_LE(p.p5, p.p95);
  ASSERT_EQ(twin->thresholds.size(), 1u);

  auto snaps = store_->TwinSnapshots(patient->id);
  ASSERT_TRUE(snaps.ok());
  ASSERT_EQ(snaps->size(), 1u);
  auto back = ProgressionTwinReport::FromSnapshot(snaps->front());
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->samples.size(), 200u);
  EXPECT_EQ(back->observed.size(), 12u);
  // The forecast reads back as stored (times to the nanosecond in ISO 8601,
  // values as JSON numbers).
  ASSERT_EQ(back->forecast.size(), twin->forecast.size());
  for (std::size_t f = 0; f < twin->forecast.size(); ++f) {
    ASSERT_EQ(back->forecast[f].points.size(), twin->forecast[f].points.size());
    EXPECT_EQ(back->forecast[f].code, twin->forecast[f].code);
    for (std::size_t i = 0; i < twin->forecast[f].points.size(); ++i) {
      EXPECT_EQ(back->forecast[f].points[i].time,
                twin->forecast[f].points[i].time);
      EXPECT_DOUBLE_EQ(back->forecast[f].points[i].median,
                       twin->forecast[f].points[i].median);
    }
  }

  ProgressionTwinOptions later;
  later.until = FromCivil(CivilTime{2060, 1, 1});
  auto sim = SimulateProgressionTwin(*store_, *patient, later);
  ASSERT_TRUE(sim.ok()) << sim.status().message();
  EXPECT_EQ(FormatIso8601(sim->forecast[0].points.back().time).substr(0, 4),
            "2060");
  later.until = FromCivil(CivilTime{1960, 1, 1});
  EXPECT_FALSE(SimulateProgressionTwin(*store_, *patient, later).ok());

  // No visit of the model's codes.
  auto all = store_->Patients();
  ASSERT_TRUE(all.ok());
  const store::PatientInfo* nobp = nullptr;
  for (const auto& p : *all)
    if (p.event_count == 1) nobp = &p;
  ASSERT_NE(nobp, nullptr);
  auto none = BuildProgressionTwin(*store_, *nobp, model, "abc", {});
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("has no event of 8480-6, 8462-4"),
            std::string::npos)
      << none.status().message();
  // A bad threshold.
  ProgressionTwinOptions bad;
  bad.thresholds = {"1234-5:10"};
  EXPECT_FALSE(BuildProgressionTwin(*store_, *patient, model, "abc", bad).ok());
}

TEST_F(ProgressionTwinTest, DeclaredRangeViolationNamesPatientAndValue) {
  CohortGatherOptions g;
  g.codes = {"8480-6"};
  g.ranges = {std::make_pair(100.0, 200.0)};
  auto cohort = GatherCohort(*store_, g);
  ASSERT_FALSE(cohort.ok());
  EXPECT_NE(
      cohort.status().message().find("is outside its declared range [100"),
      std::string::npos)
      << cohort.status().message();
}

}  // namespace
}  // namespace jumeau::derive
