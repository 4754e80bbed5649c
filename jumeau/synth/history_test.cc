// Tests of the synthetic clinical history (jumeau/synth/history.h): the
// model (blood pressure rising with age, diagnosis at the first reading >=
// 140/90, treatment after it, the Holter day), determinism, and the FHIR
// Bundle read back through jumeau/io/fhir.h.
#include "jumeau/synth/history.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "jumeau/io/fhir.h"

namespace jumeau::synth {
namespace {

HistoryOptions WithHolter() {
  HistoryOptions o;
  HolterSummary holter;
  holter.start = FromCivil(CivilTime{2019, 3, 2, 8, 0, 0});
  holter.duration = Duration::Minutes(30);
  holter.mean_heart_rate_bpm = 70.4;
  holter.beats = 2110;
  o.holter = holter;
  return o;
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Least-squares slope of y over x.
double Slope(const std::vector<double>& x, const std::vector<double>& y) {
  double mx = 0, my = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    mx += x[i];
    my += y[i];
  }
  mx /= static_cast<double>(x.size());
  my /= static_cast<double>(y.size());
  double num = 0, den = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    num += (x[i] - mx) * (y[i] - my);
    den += (x[i] - mx) * (x[i] - mx);
  }
  return num / den;
}

TEST(HistoryTest, YearlyCheckUpsFromAdulthood) {
  Result<ClinicalHistory> h = BuildHistory(WithHolter());
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(h->birth_date.year, 1958);
  ASSERT_EQ(h->check_ups.size(), 2021u - 1976u + 1u);
  for (size_t i = 0; i < h->check_ups.size(); ++i) {
    const CheckUp& c = h->check_ups[i];
    EXPECT_EQ(ToCivil(c.start).year, 1976 + static_cast<int>(i));
    EXPECT_EQ(c.end - c.start, Duration::Minutes(30));
    if (i > 0) {
      EXPECT_GT(c.start, h->check_ups[i - 1].start);
    }
    EXPECT_GE(c.age_years, 17.0);
    EXPECT_EQ(c.cholesterol_mg_dl.has_value(), c.age_years >= 30.0);
    EXPECT_EQ(c.glucose_mg_dl.has_value(), c.age_years >= 30.0);
    EXPECT_NEAR(c.bmi_kg_m2, c.weight_kg / std::pow(c.height_cm / 100.0, 2),
                0.051);
    EXPECT_GT(c.heart_rate_bpm, 55);
    EXPECT_LT(c.heart_rate_bpm, 85);
  }
  // Identity fields exist (tests elsewhere check they are never stored).
  EXPECT_FALSE(h->given_name.empty());
  EXPECT_FALSE(h->family_name.empty());
  EXPECT_FALSE(h->address_line.empty());
  EXPECT_FALSE(h->phone.empty());
  EXPECT_EQ(h->mrn.size(), 10u);
}

TEST(HistoryTest, BloodPressureRisesThenHypertensionIsDiagnosedAndTreated) {
  for (uint64_t seed : {1u, 2u, 3u, 4u, 5u}) {
    HistoryOptions o = WithHolter();
    o.seed = seed;
    Result<ClinicalHistory> h = BuildHistory(o);
    ASSERT_TRUE(h.ok());
    const int d = h->diagnosis_index;
    ASSERT_GE(d, 10) << "seed " << seed;  // decades of history before
    const CheckUp& at = h->check_ups[d];
    EXPECT_TRUE(at.systolic_mmhg >= 140 || at.diastolic_mmhg >= 90);
    std::vector<double> age, systolic, diastolic;
    for (int i = 0; i < d; ++i) {
      const CheckUp& c = h->check_ups[i];
      EXPECT_TRUE(c.systolic_mmhg < 140 && c.diastolic_mmhg < 90);
      EXPECT_FALSE(c.on_medication);
      age.push_back(c.age_years);
      systolic.push_back(c.systolic_mmhg);
      diastolic.push_back(c.diastolic_mmhg);
    }
    EXPECT_GT(Slope(age, systolic), 0.5) << "seed " << seed;
    EXPECT_GT(Slope(age, diastolic), 0.3) << "seed " << seed;
    // Treated from the next check-up: the pressure drops below its level at
    // diagnosis.
    ASSERT_LT(static_cast<size_t>(d + 1), h->check_ups.size());
    double treated = 0;
    int n = 0;
    for (size_t i = d + 1; i < h->check_ups.size(); ++i) {
      EXPECT_TRUE(h->check_ups[i].on_medication);
      if (i <= static_cast<size_t>(d) + 3) {
        treated += h->check_ups[i].systolic_mmhg;
        ++n;
      }
    }
    EXPECT_LT(treated / n, at.systolic_mmhg - 4.0) << "seed " << seed;
  }
}

TEST(HistoryTest, TheHolterDayIsACheckUp) {
  const HistoryOptions o = WithHolter();
  Result<ClinicalHistory> h = BuildHistory(o);
  ASSERT_TRUE(h.ok());
  ASSERT_GE(h->holter_index, 0);
  const CheckUp& c = h->check_ups[h->holter_index];
  EXPECT_EQ(FormatIso8601(c.start), "2019-03-02T07:45:00Z");
  EXPECT_GT(h->holter_index, h->diagnosis_index);
  // Without a Holter the other years' check-ups are the same.
  HistoryOptions plain = o;
  plain.holter.reset();
  Result<ClinicalHistory> p = BuildHistory(plain);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->holter_index, -1);
  EXPECT_EQ(p->check_ups[0].start, h->check_ups[0].start);
  EXPECT_EQ(p->check_ups[0].systolic_mmhg, h->check_ups[0].systolic_mmhg);
}

TEST(HistoryTest, DeterministicFromTheSeed) {
  HistoryOptions o = WithHolter();
  Result<ClinicalHistory> a = BuildHistory(o);
  Result<ClinicalHistory> b = BuildHistory(o);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(FormatHistoryBundle(*a, 9), FormatHistoryBundle(*b, 9));
  EXPECT_NE(FormatHistoryBundle(*a, 9), FormatHistoryBundle(*a, 10));
  o.seed = 2;
  Result<ClinicalHistory> c = BuildHistory(o);
  ASSERT_TRUE(c.ok());
  EXPECT_NE(FormatHistoryBundle(*a, 9), FormatHistoryBundle(*c, 9));
}

TEST(HistoryTest, BundleIsATaggedTransaction) {
  Result<ClinicalHistory> h = BuildHistory(WithHolter());
  ASSERT_TRUE(h.ok());
  const std::string json = FormatHistoryBundle(*h, 1);
  EXPECT_TRUE(Contains(json, "\"type\": \"transaction\""));
  EXPECT_TRUE(Contains(json, "\"method\": \"POST\""));
  EXPECT_TRUE(Contains(json, "\"fullUrl\": \"urn:uuid:"));
  EXPECT_TRUE(Contains(json, "\"system\": \"urn:jumeau:synthetic\""));
  EXPECT_TRUE(Contains(json, h->family_name));
  EXPECT_TRUE(Contains(json, h->phone));
  EXPECT_TRUE(Contains(json, h->address_line));
  EXPECT_EQ(json.back(), '\n');
  // Every resource carries the synthetic tag: one per entry plus the
  // Bundle's.
  size_t entries = 0, tags = 0;
  for (size_t at = 0; (at = json.find("\"fullUrl\"", at)) != std::string::npos;
       ++at) {
    ++entries;
  }
  for (size_t at = 0;
       (at = json.find("\"code\": \"synthetic\"", at)) != std::string::npos;
       ++at) {
    ++tags;
  }
  EXPECT_EQ(tags, entries + 1);
}

TEST(HistoryTest, ReadsBackThroughTheFhirReader) {
  const HistoryOptions o = WithHolter();
  Result<ClinicalHistory> h = BuildHistory(o);
  ASSERT_TRUE(h.ok());
  Result<io::FhirReadResult> r =
      io::ReadFhirJson(FormatHistoryBundle(*h, 1), "history.json");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->warnings.empty()) << r->warnings.front();
  EXPECT_TRUE(r->skipped_by_type.empty());

  const size_t n = h->check_ups.size();
  size_t labs = 0;
  for (const CheckUp& c : h->check_ups) labs += c.cholesterol_mg_dl ? 3 : 0;
  EXPECT_EQ(r->resources_by_type.at("Bundle"), 1);
  EXPECT_EQ(r->resources_by_type.at("Patient"), 1);
  EXPECT_EQ(r->resources_by_type.at("Encounter"), static_cast<int64_t>(n));
  EXPECT_EQ(r->resources_by_type.at("Observation"),
            static_cast<int64_t>(6 * n + labs + 1));
  EXPECT_EQ(r->resources_by_type.at("Condition"), 1);
  EXPECT_EQ(r->resources_by_type.at("MedicationRequest"), 1);
  EXPECT_EQ(r->resources_by_type.at("Procedure"), 1);
  EXPECT_EQ(r->resources_by_type.at("DiagnosticReport"), 1);

  ASSERT_EQ(r->patients.size(), 1u);
  const io::FhirPatient& patient = r->patients[0];
  ASSERT_TRUE(patient.birth_date.has_value());
  EXPECT_EQ(patient.birth_date->year, 1958);
  EXPECT_EQ(patient.gender, "male");
  ASSERT_EQ(patient.identifiers.size(), 1u);
  EXPECT_EQ(patient.identifiers[0],
            std::string(kExampleMrnSystem) + "|" + h->mrn);

  // Events by code, all resolved to the patient.
  std::map<std::string, std::vector<const io::FhirEvent*>> by_code;
  for (const io::FhirEvent& e : r->events) {
    EXPECT_TRUE(e.patient_resolved);
    EXPECT_EQ(e.patient_ref, patient.resource_id);
    by_code[e.event.code.code].push_back(&e);
  }
  ASSERT_EQ(by_code["8480-6"].size(), n);
  ASSERT_EQ(by_code["8462-4"].size(), n);
  for (size_t i = 0; i < n; ++i) {
    const io::FhirEvent& s = *by_code["8480-6"][i];
    EXPECT_EQ(s.event.unit, "mm[Hg]");
    ASSERT_TRUE(s.event.value.has_value());
    EXPECT_EQ(*s.event.value, h->check_ups[i].systolic_mmhg);
    EXPECT_EQ(s.event.time, h->check_ups[i].start + Duration::Minutes(10));
    EXPECT_EQ(*by_code["8462-4"][i]->event.value,
              h->check_ups[i].diastolic_mmhg);
  }
  // Heart rate: n check-ups plus the Holter's mean.
  ASSERT_EQ(by_code["8867-4"].size(), n + 1);
  for (const io::FhirEvent* e : by_code["8867-4"]) {
    EXPECT_EQ(e->event.unit, "/min");
    EXPECT_NEAR(*e->event.value, 70.0, 12.0);
  }
  EXPECT_EQ(by_code["29463-7"].front()->event.unit, "kg");
  EXPECT_EQ(by_code["8302-2"].front()->event.unit, "cm");
  EXPECT_EQ(by_code["39156-5"].front()->event.unit, "kg/m2");
  ASSERT_FALSE(by_code["2093-3"].empty());
  EXPECT_EQ(by_code["2093-3"].front()->event.source_unit, "mg/dL");
  ASSERT_FALSE(by_code["2339-0"].empty());
  EXPECT_EQ(by_code["2339-0"].front()->event.source_unit, "mg/dL");

  // Diagnosis at the first BP >= 140/90, the medication from then.
  Time first_high;
  bool found = false;
  for (size_t i = 0; i < n && !found; ++i) {
    if (*by_code["8480-6"][i]->event.value >= 140 ||
        *by_code["8462-4"][i]->event.value >= 90) {
      first_high = by_code["8480-6"][i]->event.time;
      found = true;
    }
  }
  ASSERT_TRUE(found);
  ASSERT_EQ(by_code["38341003"].size(), 1u);
  const io::FhirEvent& condition = *by_code["38341003"][0];
  EXPECT_EQ(condition.event.code.system, code_system::kSnomed);
  EXPECT_EQ(condition.event.time, first_high);
  EXPECT_EQ(condition.event.status, "active");
  ASSERT_EQ(by_code["314076"].size(), 1u);
  const io::FhirEvent& medication = *by_code["314076"][0];
  EXPECT_EQ(medication.event.code.system, io::fhir_code_system::kRxNorm);
  EXPECT_GE(medication.event.time, condition.event.time);

  // The Holter: procedure over the record, report pointing to the mean.
  ASSERT_EQ(by_code["29303009"].size(), 1u);
  const io::FhirEvent& procedure = *by_code["29303009"][0];
  EXPECT_EQ(procedure.event.time, o.holter->start);
  ASSERT_TRUE(procedure.event.end.has_value());
  EXPECT_EQ(*procedure.event.end, o.holter->start + o.holter->duration);
  ASSERT_EQ(by_code["11524-6"].size(), 1u);
  const io::FhirEvent& report = *by_code["11524-6"][0];
  ASSERT_EQ(report.related.size(), 1u);
  EXPECT_TRUE(Contains(report.event.text, "70.4"));
  const io::FhirEvent* mean = nullptr;
  for (const io::FhirEvent* e : by_code["8867-4"]) {
    if (e->event.time == o.holter->start) mean = e;
  }
  ASSERT_NE(mean, nullptr);
  ASSERT_TRUE(mean->event.end.has_value());
  EXPECT_EQ(*mean->event.end, o.holter->start + o.holter->duration);
  EXPECT_DOUBLE_EQ(*mean->event.value, 70.4);
  EXPECT_EQ(report.related[0], mean->event.source_ref);
}

TEST(HistoryTest, InvalidOptionsAreRefused) {
  auto refused = [](HistoryOptions o, const std::string& field) {
    const Status s = ValidateHistoryOptions(o);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << field;
    EXPECT_TRUE(Contains(s.message(), field)) << s.message();
    EXPECT_FALSE(BuildHistory(o).ok());
  };
  HistoryOptions o = WithHolter();
  o.birth_year = 1899;
  refused(o, "birth_year");
  o = WithHolter();
  o.end_year = o.birth_year + 17;
  refused(o, "end_year");
  o = WithHolter();
  o.resting_heart_rate_bpm = std::nan("");
  refused(o, "resting_heart_rate_bpm");
  o = WithHolter();
  o.end_year = 2018;  // the Holter in 2019 has no check-up year
  refused(o, "holter");
  o = WithHolter();
  o.holter->duration = Duration::Hours(49);
  refused(o, "holter");
}

}  // namespace
}  // namespace jumeau::synth
