// Tests of the synthetic cohort (cohort.h) and of the individual course of
// blood pressure it draws (HistoryOptions::blood_pressure_pace and _shift).
#include "jumeau/synth/cohort.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "jumeau/io/fhir.h"
#include "jumeau/synth/history.h"
#include "jumeau/testing/test_data.h"

namespace jumeau::synth {
namespace {

// Mean systolic pressure of the check-ups between ages 50 and 60, before any
// treatment.
double SystolicInFifties(const ClinicalHistory& h) {
  double sum = 0.0;
  int n = 0;
  for (const CheckUp& c : h.check_ups) {
    if (c.age_years >= 50 && c.age_years < 60 && !c.on_medication) {
      sum += c.systolic_mmhg;
      ++n;
    }
  }
  return n > 0 ? sum / n : 0.0;
}

TEST(BloodPressureCourse, TheTypicalCourseIsTheDefaultAndPaceAndShiftMoveIt) {
  HistoryOptions o;
  o.birth_year = 1940;
  const ClinicalHistory typical = *BuildHistory(o);
  HistoryOptions same = o;
  same.blood_pressure_pace = 1.0;
  same.blood_pressure_shift_years = 0.0;
  const ClinicalHistory again = *BuildHistory(same);
  ASSERT_EQ(typical.check_ups.size(), again.check_ups.size());
  for (size_t i = 0; i < typical.check_ups.size(); ++i)
    EXPECT_EQ(typical.check_ups[i].systolic_mmhg,
              again.check_ups[i].systolic_mmhg);
  // Slower arteries: lower pressure in the fifties; a head start: higher.
  HistoryOptions slow = o;
  slow.blood_pressure_pace = 0.5;
  HistoryOptions ahead = o;
  ahead.blood_pressure_shift_years = 10.0;
  const double base = SystolicInFifties(typical);
  EXPECT_LT(SystolicInFifties(*BuildHistory(slow)), base - 5.0);
  // (the shifted course reaches 140 earlier: compare the thirties)
  EXPECT_GT(BuildHistory(ahead)->check_ups[15].systolic_mmhg,
            typical.check_ups[15].systolic_mmhg);
  HistoryOptions bad = o;
  bad.blood_pressure_pace = 0.0;
  EXPECT_EQ(BuildHistory(bad).status().code(), StatusCode::kInvalidArgument);
}

TEST(Cohort, MembersDifferAreSyntheticAndTheSameSeedGivesTheSameBytes) {
  CohortOptions o;
  o.members = 12;
  const auto a = BuildCohortHistories(o);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_EQ(a->size(), 12u);
  EXPECT_EQ(*a, *BuildCohortHistories(o));
  o.seed = 2;
  EXPECT_NE(*a, *BuildCohortHistories(o));

  std::set<int> birth_years;
  std::set<std::string> ids;
  for (const std::string& bundle : *a) {
    EXPECT_NE(bundle.find("Synthetic data"), std::string::npos);
    const auto read = io::ReadFhirJson(bundle, "member.json");
    ASSERT_TRUE(read.ok()) << read.status().ToString();
    ASSERT_EQ(read->patients.size(), 1u);
    birth_years.insert(read->patients[0].birth_date->year);
    ids.insert(read->patients[0].resource_id);
    EXPECT_GE(read->patients[0].birth_date->year, 1940);
    EXPECT_LE(read->patients[0].birth_date->year, 1975);
  }
  EXPECT_GE(birth_years.size(), 6u);
  EXPECT_EQ(ids.size(), 12u) << "one person each";
}

TEST(Cohort, WritesOneFilePerMemberAndAReadme) {
  const auto dir = testing::ScratchDir() / "cohort";
  CohortOptions o;
  o.members = 3;
  ASSERT_TRUE(WriteCohort(dir, o).ok());
  for (const char* name : {"member-0001.json", "member-0002.json",
                           "member-0003.json", "README.txt"})
    EXPECT_TRUE(std::filesystem::exists(dir / name)) << name;
  std::ifstream readme(dir / "README.txt");
  std::string first;
  std::getline(readme, first);
  EXPECT_EQ(first.rfind("SYNTHETIC DATA", 0), 0u) << first;
  o.members = 0;
  EXPECT_EQ(WriteCohort(dir, o).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace jumeau::synth
