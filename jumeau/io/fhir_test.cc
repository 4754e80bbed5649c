// Tests for the FHIR R4 reader (fhir.h): every file of shared/data/fhir reads
// and its resources per type and per patient equal an independent count by
// Python's json module (fhir_test_count.py); known values from the real
// files (blood-pressure components, 185 [lb_av] -> kg, offsets to UTC); and
// small generated documents for partial dates, references, units and each
// error class with its "file line L column C (pointer): reason" message.
#include "jumeau/io/fhir.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "jumeau/testing/test_data.h"

namespace jumeau::io {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string ReadFileBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in),
                     std::istreambuf_iterator<char>());
}

void WriteFileBytes(const std::filesystem::path& path, std::string_view b) {
  std::ofstream out(path, std::ios::binary);
  out.write(b.data(), static_cast<std::streamsize>(b.size()));
}

Time At(std::string_view iso) {
  auto t = ParseIso8601(iso);
  EXPECT_TRUE(t.ok()) << iso;
  return t.ok() ? *t : Time{};
}

// ---------------------------------------------------------------------------
// The independent count.

struct Counts {
  std::map<std::string, int64_t> by_type;
  std::map<std::string, std::map<std::string, int64_t>> by_patient;
};

Counts PythonCount(const std::vector<std::filesystem::path>& paths) {
  const std::filesystem::path out = testing::ScratchDir() / "count.tsv";
  std::string command =
      "python3 '" +
      (testing::SourceDir() / "jumeau/io/fhir_test_count.py").string() + "'";
  for (const auto& p : paths) command += " '" + p.string() + "'";
  command += " > '" + out.string() + "'";
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  Counts counts;
  std::istringstream in(ReadFileBytes(out));
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::istringstream fields(line);
    for (std::string x; std::getline(fields, x, '\t');) f.push_back(x);
    if (f.size() == 3 && f[0] == "TYPE") {
      counts.by_type[f[1]] = std::stoll(f[2]);
    } else if (f.size() == 4 && f[0] == "PATIENT") {
      counts.by_patient[f[1]][f[2]] = std::stoll(f[3]);
    } else {
      ADD_FAILURE() << "unexpected line from the counter: " << line;
    }
  }
  return counts;
}

// The types that give events (everything but Patient, Medication, Bundle and
// the skipped ones).
bool GivesEvents(const std::string& type) {
  return type == "Observation" || type == "Condition" ||
         type == "MedicationRequest" || type == "MedicationStatement" ||
         type == "Procedure" || type == "Encounter" ||
         type == "AllergyIntolerance" || type == "Immunization" ||
         type == "DiagnosticReport" || type == "Device";
}

// Reads `path` (file or folder) and checks our counts against Python's.
FhirReadResult ReadAndCompare(const std::filesystem::path& path) {
  SCOPED_TRACE(path.string());
  auto result = ReadFhir(path);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  if (!result.ok()) return {};
  const Counts expected = PythonCount({path});
  EXPECT_FALSE(expected.by_type.empty());
  EXPECT_EQ(result->resources_by_type, expected.by_type);
  EXPECT_EQ(result->resources_by_patient, expected.by_patient);
  // Handled + skipped = all: each type is either handled or wholly skipped.
  for (const auto& [type, n] : result->skipped_by_type) {
    EXPECT_FALSE(GivesEvents(type)) << type;
    EXPECT_EQ(n, expected.by_type.at(type)) << type;
  }
  // Every resource of an event type gave events, under its patient.
  std::map<std::string, std::map<std::string, std::set<std::string>>> seen;
  for (const FhirEvent& e : result->events) {
    // One source_ref ("Type/id") per resource, components included.
    EXPECT_THAT(e.event.source_ref, StartsWith(e.event.origin + "/"));
    seen[e.patient_ref][e.event.origin].insert(e.event.source_ref);
  }
  for (const auto& [patient, by_type] : expected.by_patient) {
    for (const auto& [type, n] : by_type) {
      if (!GivesEvents(type)) continue;
      EXPECT_EQ(static_cast<int64_t>(seen[patient][type].size()), n)
          << patient << " " << type;
    }
  }
  auto patients = expected.by_type.find("Patient");
  EXPECT_EQ(static_cast<int64_t>(result->patients.size()),
            patients == expected.by_type.end() ? 0 : patients->second);
  return std::move(result).value();
}

const FhirEvent* FindEvent(const FhirReadResult& r, std::string_view type,
                           std::string_view id, int component = -1) {
  for (const FhirEvent& e : r.events) {
    if (e.event.origin == type &&
        e.event.source_ref == std::string(type) + "/" + std::string(id) &&
        e.component == component) {
      return &e;
    }
  }
  return nullptr;
}

// ---------------------------------------------------------------------------
// Real data.

TEST(FhirRealDataTest, SyntheaBundlesMatchIndependentCount) {
  JUMEAU_REQUIRE_TEST_DATA(dir, "fhir/synthea_bundles");
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    ++files;
    const FhirReadResult r = ReadAndCompare(entry.path());
    ASSERT_EQ(r.patients.size(), 1u);
    EXPECT_EQ(r.resources_by_type.at("Bundle"), 1);
    EXPECT_GT(r.skipped_by_type.at("Claim"), 0);
    EXPECT_GT(r.skipped_by_type.at("Organization"), 0);
    // Every event resolves to the bundle's Patient and has a time and code.
    for (const FhirEvent& e : r.events) {
      EXPECT_TRUE(e.patient_resolved) << e.event.source_ref;
      EXPECT_EQ(e.patient_ref, r.patients[0].resource_id);
      EXPECT_FALSE(e.event.code.code.empty());
      EXPECT_EQ(e.event.time_precision, DatePrecision::kSecond);
    }
    EXPECT_THAT(r.warnings, ::testing::IsEmpty());
  }
  EXPECT_EQ(files, 3);
}

TEST(FhirRealDataTest, BloodPressurePanelGivesSystolicAndDiastolic) {
  JUMEAU_REQUIRE_TEST_DATA(
      path,
      "fhir/synthea_bundles/"
      "Alberto_Atencio_fc712d1f-5a2e-4407-9c55-a2a2bad623c2.json");
  auto r = ReadFhir(path);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const std::string id = "810b2c64-6e1c-4a1f-8bad-1a8e257fd202";
  // The panel has no value of its own: only its two components give events.
  EXPECT_EQ(FindEvent(*r, "Observation", id), nullptr);
  const FhirEvent* diastolic = FindEvent(*r, "Observation", id, 0);
  const FhirEvent* systolic = FindEvent(*r, "Observation", id, 1);
  ASSERT_NE(diastolic, nullptr);
  ASSERT_NE(systolic, nullptr);
  EXPECT_EQ(systolic->event.code.system, code_system::kLoinc);
  EXPECT_EQ(systolic->event.code.code, "8480-6");
  EXPECT_EQ(systolic->event.code.display, "Systolic Blood Pressure");
  EXPECT_EQ(diastolic->event.code.code, "8462-4");
  EXPECT_EQ(systolic->event.unit, "mm[Hg]");
  EXPECT_EQ(diastolic->event.unit, "mm[Hg]");
  EXPECT_DOUBLE_EQ(*systolic->event.value, 124.134551400282);
  EXPECT_DOUBLE_EQ(*diastolic->event.value, 83.14531190501731);
  // Already canonical: no source quantity beside the value.
  EXPECT_FALSE(systolic->event.source_value.has_value());
  EXPECT_EQ(systolic->event.source_unit, "");
  EXPECT_EQ(systolic->event.time, At("2012-02-27T05:28:45Z"));
  EXPECT_EQ(systolic->event.status, "final");
  EXPECT_EQ(systolic->event.origin, "Observation");
  EXPECT_EQ(systolic->event.source_ref, "Observation/" + id);
  EXPECT_EQ(systolic->patient_ref, "4e8ed886-fd5f-40bb-8feb-f339b04d853a");
  // Every panel of the three bundles gives exactly one of each.
  int panels = 0;
  for (const FhirEvent& e : r->events) {
    if (e.event.code.code == "8480-6") {
      ++panels;
      EXPECT_EQ(e.event.unit, "mm[Hg]");
    }
  }
  EXPECT_GT(panels, 0);
}

TEST(FhirRealDataTest, LipidsGetCanonicalMmolPerLitre) {
  JUMEAU_REQUIRE_TEST_DATA(
      path,
      "fhir/synthea_bundles/"
      "Buster_Hoeger_ad2e3fc5-2b5d-4cb9-8d03-9ea0f4ac8423.json");
  auto r = ReadFhir(path);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const FhirEvent* chol =
      FindEvent(*r, "Observation", "93feb948-c936-4c37-b2db-a41a5f8f1ab7");
  ASSERT_NE(chol, nullptr);
  EXPECT_EQ(chol->event.code.code, "2093-3");
  ASSERT_TRUE(chol->event.source_value.has_value());
  EXPECT_DOUBLE_EQ(*chol->event.source_value, 193.35554829791818);
  EXPECT_EQ(chol->event.source_unit, "mg/dL");
  EXPECT_EQ(chol->event.unit, "mmol/L");
  EXPECT_NEAR(*chol->event.value, 193.35554829791818 / 38.67, 1e-12);
  const FhirEvent* tg =
      FindEvent(*r, "Observation", "b2eb006f-7d4d-4f73-8204-87bb847f1ba8");
  ASSERT_NE(tg, nullptr);
  EXPECT_NEAR(*tg->event.value, 145.01040701622802 / 88.57, 1e-12);
  // A unit without a conversion row stays as given.
  for (const FhirEvent& e : r->events) {
    if (e.event.code.code == "8302-2") {
      EXPECT_EQ(e.event.unit, "cm");
      EXPECT_FALSE(e.event.source_value.has_value());
      EXPECT_EQ(e.event.source_unit, "");
    }
  }
}

TEST(FhirRealDataTest, BulkExportFolderMatchesIndependentCount) {
  JUMEAU_REQUIRE_TEST_DATA(dir, "fhir/bulk_ndjson_10patients");
  const FhirReadResult r = ReadAndCompare(dir);
  EXPECT_EQ(r.resources_by_type.at("MedicationRequest"), 1745);
  EXPECT_EQ(r.resources_by_type.at("Condition"), 555);
  EXPECT_EQ(r.resources_by_type.at("Patient"), 13);
  EXPECT_THAT(r.skipped_by_type, ::testing::IsEmpty());
  // References across files all resolve; log.ndjson is skipped by name.
  for (const FhirEvent& e : r.events) {
    ASSERT_TRUE(e.patient_resolved) << e.event.source_ref;
  }
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_THAT(r.warnings[0], StartsWith("log.ndjson: skipped"));

  // Offsets convert to UTC.
  const FhirEvent* med =
      FindEvent(r, "MedicationRequest", "002eb5b8-2964-effd-3b09-f132017dae04");
  ASSERT_NE(med, nullptr);
  EXPECT_EQ(med->event.time, At("1989-05-28T03:58:16Z"));
  EXPECT_EQ(med->event.code.system, fhir_code_system::kRxNorm);
  EXPECT_EQ(med->event.code.code, "314076");
  EXPECT_EQ(med->event.code.display, "lisinopril 10 MG Oral Tablet");
  EXPECT_EQ(med->event.status, "stopped");
  EXPECT_EQ(med->patient_ref, "79a66c97-6131-3213-f3c9-4606946ab056");

  const FhirEvent* cond =
      FindEvent(r, "Condition", "0051f413-0d84-7179-a81a-2104ea01fe43");
  ASSERT_NE(cond, nullptr);
  EXPECT_EQ(cond->event.time, At("2014-05-18T05:06:23Z"));
  ASSERT_TRUE(cond->event.end.has_value());
  EXPECT_EQ(*cond->event.end, At("2015-03-01T05:08:25Z"));
  EXPECT_EQ(cond->event.status, "resolved");
  EXPECT_EQ(cond->event.code.system, code_system::kSnomed);
  EXPECT_EQ(cond->event.code.code, "423315002");

  const FhirEvent* imm =
      FindEvent(r, "Immunization", "04912b69-f775-5a9d-3e8b-9d06c28165ad");
  ASSERT_NE(imm, nullptr);
  EXPECT_EQ(imm->event.code.system, fhir_code_system::kCvx);
  EXPECT_EQ(imm->event.code.code, "62");
  EXPECT_EQ(imm->event.time, At("2014-08-19T05:16:46Z"));

  const FhirEvent* allergy = FindEvent(r, "AllergyIntolerance",
                                       "1e4c4ad8-677b-2ddc-8fb7-44ad5b7c2aa9");
  ASSERT_NE(allergy, nullptr);
  EXPECT_EQ(allergy->event.status, "active");
  EXPECT_EQ(allergy->event.text, "low");
  ASSERT_TRUE(allergy->event.value_code.has_value());
  EXPECT_EQ(allergy->event.value_code->code, "247472004");

  const FhirEvent* device =
      FindEvent(r, "Device", "031165b5-6fd0-d716-ccc3-bbaba3ab379a");
  ASSERT_NE(device, nullptr);
  EXPECT_EQ(device->event.code.code, "337414009");
  EXPECT_EQ(device->event.text, "Blood glucose meter (physical object)");
  EXPECT_EQ(device->event.time, At("1958-07-13T03:58:16Z"));
  EXPECT_EQ(device->event.end, At("1983-07-28T03:58:16Z"));

  // Deceased patients.
  int deceased = 0;
  for (const FhirPatient& p : r.patients) {
    if (p.deceased) {
      ++deceased;
      EXPECT_TRUE(p.deceased_time.has_value());
    }
    ASSERT_TRUE(p.birth_date.has_value());
    EXPECT_EQ(p.birth_date_precision, DatePrecision::kDay);
    EXPECT_FALSE(p.identifiers.empty());
  }
  EXPECT_EQ(deceased, 3);
}

TEST(FhirRealDataTest, BulkExportSinkStreamsTheSameData) {
  JUMEAU_REQUIRE_TEST_DATA(dir, "fhir/bulk_ndjson_10patients");
  struct CountingSink : FhirSink {
    Status OnPatient(FhirPatient p) override {
      EXPECT_EQ(events, 0) << "Patient files come first";
      ids.insert(p.resource_id);
      ++patients;
      return Status::Ok();
    }
    Status OnEvent(FhirEvent e) override {
      ++events;
      if (!e.patient_resolved) ++unresolved;
      return Status::Ok();
    }
    std::set<std::string> ids;
    int64_t patients = 0, events = 0, unresolved = 0;
  } sink;
  auto streamed = ReadFhir(dir, sink);
  ASSERT_TRUE(streamed.ok()) << streamed.status().ToString();
  EXPECT_TRUE(streamed->events.empty());
  EXPECT_TRUE(streamed->patients.empty());
  auto collected = ReadFhir(dir);
  ASSERT_TRUE(collected.ok());
  EXPECT_EQ(sink.patients, static_cast<int64_t>(collected->patients.size()));
  EXPECT_EQ(sink.events, static_cast<int64_t>(collected->events.size()));
  EXPECT_EQ(sink.unresolved, 0);
  EXPECT_EQ(streamed->resources_by_type, collected->resources_by_type);
  EXPECT_EQ(streamed->resources_by_patient, collected->resources_by_patient);

  // Without per-patient counts: the same events, resolved the same way
  // across files, and an empty per-patient table.
  CountingSink uncounted_sink;
  FhirReaderOptions uncounted;
  uncounted.count_by_patient = false;
  FhirReader reader(&uncounted_sink, uncounted);
  ASSERT_TRUE(reader.AddFolder(dir).ok());
  const FhirReadResult without = reader.Finish();
  EXPECT_TRUE(without.resources_by_patient.empty());
  EXPECT_EQ(without.resources_by_type, collected->resources_by_type);
  EXPECT_EQ(without.skipped_by_type, collected->skipped_by_type);
  EXPECT_EQ(without.warnings, streamed->warnings);
  EXPECT_EQ(uncounted_sink.events, sink.events);
  EXPECT_EQ(uncounted_sink.unresolved, 0);
  EXPECT_EQ(uncounted_sink.ids, sink.ids);

  // A sink error stops the read with that error.
  struct FailingSink : FhirSink {
    Status OnPatient(FhirPatient) override { return Status::Ok(); }
    Status OnEvent(FhirEvent) override {
      return InternalError("store is full");
    }
  } failing;
  auto failed = ReadFhir(dir, failing);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().message(), "store is full");
}

TEST(FhirRealDataTest, NoIdentifyingTextInWarnings) {
  JUMEAU_REQUIRE_TEST_DATA(dir, "fhir/hl7_examples");
  // Read the observation alone: its subject does not resolve (a warning).
  auto r = ReadFhir(dir / "observation-example.json");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_THAT(r->warnings[0],
              HasSubstr("1 Observation events reference a subject"));
  EXPECT_THAT(r->warnings[0], ::testing::Not(HasSubstr("example")));
}

TEST(FhirRealDataTest, Hl7ExamplesMatchIndependentCount) {
  JUMEAU_REQUIRE_TEST_DATA(dir, "fhir/hl7_examples");
  for (const char* name : {"patient-example.json", "observation-example.json",
                           "diagnosticreport-example.json"}) {
    ReadAndCompare(dir / name);
  }
  // As a folder, the observation's "Patient/example" resolves to the Patient
  // read from another file (after it: resolved at Finish).
  const FhirReadResult r = ReadAndCompare(dir);
  const FhirEvent* weight = FindEvent(r, "Observation", "example");
  ASSERT_NE(weight, nullptr);
  EXPECT_TRUE(weight->patient_resolved);
  EXPECT_EQ(weight->patient_ref, "example");
}

TEST(FhirRealDataTest, Hl7ObservationPoundsGetKilograms) {
  JUMEAU_REQUIRE_TEST_DATA(path, "fhir/hl7_examples/observation-example.json");
  auto r = ReadFhir(path);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->events.size(), 1u);
  const FhirEvent& e = r->events[0];
  EXPECT_EQ(e.event.code.system, code_system::kLoinc);
  EXPECT_EQ(e.event.code.code, "29463-7");
  EXPECT_EQ(e.event.code.display, "Body Weight");
  ASSERT_TRUE(e.event.source_value.has_value());
  EXPECT_DOUBLE_EQ(*e.event.source_value, 185.0);
  EXPECT_EQ(e.event.source_unit, "[lb_av]");
  EXPECT_EQ(e.event.unit, "kg");
  EXPECT_NEAR(*e.event.value, 83.9, 0.05);
  EXPECT_NEAR(*e.event.value, 185 * 0.45359237, 1e-12);
  EXPECT_EQ(e.event.time, At("2016-03-28T00:00:00Z"));
  EXPECT_EQ(e.event.time_precision, DatePrecision::kDay);
  EXPECT_EQ(e.event.status, "final");
  EXPECT_EQ(e.event.origin, "Observation");
  EXPECT_EQ(e.event.source_ref, "Observation/example");
  EXPECT_FALSE(e.patient_resolved);
  EXPECT_EQ(e.patient_ref, "Patient/example");
}

TEST(FhirRealDataTest, Hl7PatientAndDiagnosticReport) {
  JUMEAU_REQUIRE_TEST_DATA(dir, "fhir/hl7_examples");
  auto p = ReadFhir(dir / "patient-example.json");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->patients.size(), 1u);
  const FhirPatient& patient = p->patients[0];
  EXPECT_EQ(patient.resource_id, "example");
  EXPECT_THAT(patient.identifiers,
              ElementsAre("urn:oid:1.2.36.146.595.217.0.1|12345"));
  ASSERT_TRUE(patient.birth_date.has_value());
  EXPECT_EQ(patient.birth_date->year, 1974);
  EXPECT_EQ(patient.birth_date->month, 12);
  EXPECT_EQ(patient.birth_date->day, 25);
  EXPECT_EQ(patient.birth_date_precision, DatePrecision::kDay);
  EXPECT_EQ(patient.gender, "male");
  EXPECT_FALSE(patient.deceased);

  auto d = ReadFhir(dir / "diagnosticreport-example.json");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  ASSERT_EQ(d->events.size(), 1u);
  const FhirEvent& report = d->events[0];
  EXPECT_EQ(report.event.code.system, "http://acme.com/labs/reports");
  EXPECT_EQ(report.event.code.code, "25T");
  EXPECT_EQ(report.event.time, At("2005-01-27T06:40:17Z"));
  ASSERT_EQ(report.related.size(), 26u);
  EXPECT_EQ(report.related[0], "Observation/o1-3");
  EXPECT_EQ(report.related[25], "Observation/o26-3");
}

// ---------------------------------------------------------------------------
// Generated documents.

// A Bundle of `resources` (JSON objects), each with fullUrl urn:uuid:<n>.
std::string Bundle(const std::vector<std::string>& resources,
                   std::string_view type = "collection") {
  std::string out = R"({"resourceType": "Bundle", "type": ")" +
                    std::string(type) + R"(", "entry": [)";
  for (size_t i = 0; i < resources.size(); ++i) {
    if (i > 0) out += ",";
    out += "\n  {\"fullUrl\": \"urn:uuid:u" + std::to_string(i) +
           "\", \"resource\": " + resources[i] + "}";
  }
  return out + "\n]}\n";
}

const char kPatientP1[] =
    R"({"resourceType": "Patient", "id": "p1", "gender": "female",
        "birthDate": "1970-06", "name": [{"family": "Doe"}],
        "identifier": [{"system": "urn:x", "value": "A1"}, {"value": "B2"},
                       {"system": "urn:no-value"}]})";

std::string Observation(std::string_view effective,
                        std::string_view extra = "") {
  return R"({"resourceType": "Observation", "id": "o", "status": "final",
    "code": {"coding": [{"system": "http://loinc.org", "code": "8310-5"}]},
    "subject": {"reference": "Patient/p1"}, )" +
         std::string(effective) + (extra.empty() ? "" : ", ") +
         std::string(extra) + "}";
}

TEST(FhirReaderTest, PartialDatesKeepTheirPrecision) {
  struct Case {
    std::string effective;
    std::string utc;
    DatePrecision precision;
  };
  const std::vector<Case> cases = {
      {R"("effectiveDateTime": "2019")", "2019-01-01T00:00:00Z",
       DatePrecision::kYear},
      {R"("effectiveDateTime": "2019-03")", "2019-03-01T00:00:00Z",
       DatePrecision::kMonth},
      {R"("effectiveDateTime": "2019-03-02")", "2019-03-02T00:00:00Z",
       DatePrecision::kDay},
      {R"("effectiveDateTime": "2019-03-02T10:15:00+02:00")",
       "2019-03-02T08:15:00Z", DatePrecision::kSecond},
      {R"("effectiveDateTime": "2019-03-02T23:15:30.25-05:30")",
       "2019-03-03T04:45:30.25Z", DatePrecision::kSecond},
      {R"("effectiveDateTime": "2016-12-31T23:59:60Z")", "2016-12-31T23:59:59Z",
       DatePrecision::kSecond},
      {R"("effectiveDateTime": "2019-03-02T10:15Z")", "2019-03-02T10:15:00Z",
       DatePrecision::kSecond},
      {R"("effectiveInstant": "2019-03-02T10:15:00.123456789123Z")",
       "2019-03-02T10:15:00.123456789Z", DatePrecision::kSecond},
      {R"("effectivePeriod": {"start": "2020-02"})", "2020-02-01T00:00:00Z",
       DatePrecision::kMonth},
      {R"("issued": "2021-05-06T07:08:09Z")", "2021-05-06T07:08:09Z",
       DatePrecision::kSecond},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.effective);
    auto r =
        ReadFhirJson(Bundle({kPatientP1, Observation(c.effective)}), "b.json");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(r->events.size(), 1u);
    EXPECT_EQ(r->events[0].event.time, At(c.utc));
    EXPECT_EQ(r->events[0].event.time_precision, c.precision);
    EXPECT_FALSE(r->events[0].event.end.has_value());
  }
  // A period with both ends; a Condition's abatement as end.
  auto r = ReadFhirJson(
      Bundle(
          {kPatientP1,
           Observation(R"("effectivePeriod": {"start": "2019-03-02T10:00:00Z",
                                                 "end": "2019-03-02T10:30:00Z"})"),
           R"({"resourceType": "Condition", "id": "c",
                  "subject": {"reference": "Patient/p1"},
                  "clinicalStatus": {"coding": [{"code": "resolved"}]},
                  "code": {"text": "Sore throat"},
                  "onsetDateTime": "2019-03", "abatementDateTime": "2020"})"}),
      "b.json");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->events.size(), 2u);
  EXPECT_EQ(r->events[0].event.end, At("2019-03-02T10:30:00Z"));
  const FhirEvent& cond = r->events[1];
  EXPECT_EQ(cond.event.time, At("2019-03-01T00:00:00Z"));
  EXPECT_EQ(cond.event.time_precision, DatePrecision::kMonth);
  EXPECT_EQ(cond.event.end, At("2020-01-01T00:00:00Z"));
  EXPECT_EQ(cond.end_precision, DatePrecision::kYear);
  EXPECT_EQ(cond.event.status, "resolved");
  EXPECT_EQ(cond.event.code.system, fhir_code_system::kText);
  EXPECT_EQ(cond.event.code.code, "Sore throat");
  // The Patient's partial birth date.
  ASSERT_EQ(r->patients.size(), 1u);
  const FhirPatient& p = r->patients[0];
  EXPECT_EQ(p.birth_date->year, 1970);
  EXPECT_EQ(p.birth_date->month, 6);
  EXPECT_EQ(p.birth_date->day, 1);
  EXPECT_EQ(p.birth_date_precision, DatePrecision::kMonth);
  EXPECT_EQ(DatePrecisionName(p.birth_date_precision), "month");
  EXPECT_THAT(p.identifiers, ElementsAre("urn:x|A1", "|B2"));
  EXPECT_EQ(p.gender, "female");
}

TEST(FhirReaderTest, TimesOutsideTheTimeRangeAreWarnings) {
  auto r = ReadFhirJson(
      Bundle({kPatientP1, Observation(R"("effectiveDateTime": "1600-01-01")"),
              Observation(R"("effectiveDateTime": "2019")")}),
      "b.json");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->events.size(), 1u);
  EXPECT_THAT(r->warnings,
              ::testing::Contains(HasSubstr("outside the years 1678..2261")));
  EXPECT_THAT(r->warnings,
              ::testing::Contains(HasSubstr(
                  "Observation resources without a usable time (no event): 1 "
                  "(first at b.json line 6 column 42 (/entry/1/resource))")));
}

TEST(FhirReaderTest, ReferencesResolveInsideABundle) {
  // The subject is the urn:uuid fullUrl of a Patient entry placed after it;
  // the Patient has no id, so its id comes from the fullUrl.
  const std::string bundle =
      Bundle({R"({"resourceType": "Observation", "id": "o1", "status": "final",
           "code": {"coding": [{"system": "http://loinc.org", "code": "1-8"}]},
           "subject": {"reference": "urn:uuid:u2"},
           "effectiveDateTime": "2019"})",
              R"({"resourceType": "MedicationRequest", "id": "m1",
           "subject": {"reference": "urn:uuid:u2"}, "authoredOn": "2020-01-02",
           "medicationReference": {"reference": "urn:uuid:u3"}})",
              R"({"resourceType": "Patient"})",
              R"({"resourceType": "Medication", "id": "med",
           "code": {"coding": [{"system": "urn:other", "code": "x"},
             {"system": "http://www.nlm.nih.gov/research/umls/rxnorm",
              "code": "314076", "display": "lisinopril"}]}})",
              R"({"resourceType": "MedicationStatement", "id": "ms",
           "subject": {"reference": "Patient/u2"},
           "effectivePeriod": {"start": "2020-01", "end": "2020-06"},
           "contained": [{"resourceType": "Medication", "id": "c1",
             "code": {"text": "home remedy"}}],
           "medicationReference": {"reference": "#c1"}})",
              R"({"resourceType": "MedicationRequest", "id": "m2",
           "subject": {"reference": "Group/g"}, "authoredOn": "2020",
           "medicationReference": {"reference": "Medication/unknown",
                                   "display": "mystery"}})"});
  auto r = ReadFhirJson(bundle, "b.json");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->patients.size(), 1u);
  EXPECT_EQ(r->patients[0].resource_id, "u2");
  ASSERT_EQ(r->events.size(), 4u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(r->events[i].patient_resolved) << i;
    EXPECT_EQ(r->events[i].patient_ref, "u2") << i;
  }
  EXPECT_EQ(r->events[1].event.code.system, fhir_code_system::kRxNorm);
  EXPECT_EQ(r->events[1].event.code.code, "314076");
  EXPECT_EQ(r->events[1].event.code.display, "lisinopril");
  EXPECT_EQ(r->events[2].event.code.code, "home remedy");
  EXPECT_EQ(r->events[2].event.end, At("2020-06-01T00:00:00Z"));
  const FhirEvent& unresolved = r->events[3];
  EXPECT_FALSE(unresolved.patient_resolved);
  EXPECT_EQ(unresolved.patient_ref, "Group/g");
  EXPECT_EQ(unresolved.event.code.system, fhir_code_system::kReference);
  EXPECT_EQ(unresolved.event.code.code, "Medication/unknown");
  EXPECT_EQ(unresolved.event.code.display, "mystery");
  EXPECT_THAT(r->warnings,
              ::testing::Contains(HasSubstr("1 MedicationRequest events "
                                            "reference a subject")));
  EXPECT_THAT(
      r->warnings,
      ::testing::Contains(HasSubstr("medication references not resolved")));
  EXPECT_EQ(r->resources_by_patient.at("u2").at("Observation"), 1);
  EXPECT_EQ(r->resources_by_patient.at("Group/g").at("MedicationRequest"), 1);
}

TEST(FhirReaderTest, ForwardReferencesInNdjson) {
  const std::string ndjson =
      "{\"resourceType\":\"Observation\",\"id\":\"o\",\"subject\":{"
      "\"reference\":\"Patient/p1\"},\"effectiveDateTime\":\"2019\","
      "\"code\":{\"text\":\"x\"}}\n"
      "\r\n"
      "{\"resourceType\":\"Patient\",\"id\":\"p1\"}\r\n";
  // Collecting: resolved at Finish.
  auto r = ReadFhirNdjson(ndjson, "mixed.ndjson");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->events.size(), 1u);
  EXPECT_TRUE(r->events[0].patient_resolved);
  EXPECT_EQ(r->events[0].patient_ref, "p1");
  EXPECT_EQ(r->resources_by_patient.at("p1").at("Observation"), 1);
  EXPECT_THAT(r->warnings, ::testing::IsEmpty());
  // Streaming: the event left before its Patient was read.
  struct Sink : FhirSink {
    Status OnPatient(FhirPatient) override { return Status::Ok(); }
    Status OnEvent(FhirEvent e) override {
      events.push_back(std::move(e));
      return Status::Ok();
    }
    std::vector<FhirEvent> events;
  } sink;
  FhirReader reader(&sink);
  ASSERT_TRUE(reader.AddNdjson(ndjson, "mixed.ndjson").ok());
  const FhirReadResult s = reader.Finish();
  ASSERT_EQ(sink.events.size(), 1u);
  EXPECT_FALSE(sink.events[0].patient_resolved);
  EXPECT_EQ(sink.events[0].patient_ref, "Patient/p1");
  EXPECT_EQ(s.warnings.size(), 1u);
}

TEST(FhirReaderTest, ValuesUnitsAndReferenceRanges) {
  const std::string bundle = Bundle({
      kPatientP1,
      // Glucose in mg/dL with a reference range: all in mmol/L.
      Observation(R"("effectiveDateTime": "2019")",
                  R"("valueQuantity": {"value": 90.08, "unit": "mg/dL",
                       "system": "http://unitsofmeasure.org", "code": "mg/dL"},
                     "referenceRange": [{"low": {"value": 70, "unit": "mg/dL",
                       "system": "http://unitsofmeasure.org", "code": "mg/dL"},
                       "high": {"value": 99}, "text": "normal"}])"),
      // Temperature as unit text only.
      Observation(R"("effectiveDateTime": "2019")",
                  R"("valueQuantity": {"value": 98.6, "unit": "degF"})"),
      // A comparator, an unknown unit.
      Observation(R"("effectiveDateTime": "2019")",
                  R"("valueQuantity": {"value": 5, "comparator": "<",
                       "unit": "widgets"})"),
      Observation(R"("effectiveDateTime": "2019")",
                  R"("valueString": "negative")"),
      Observation(R"("effectiveDateTime": "2019")", R"("valueBoolean": true)"),
      Observation(R"("effectiveDateTime": "2019")", R"("valueInteger": 7)"),
      Observation(R"("effectiveDateTime": "2019")",
                  R"("valueCodeableConcept": {"coding": [
                       {"system": "urn:local", "code": "pos"},
                       {"system": "http://snomed.info/sct", "code": "10828004",
                        "display": "Positive"}]})"),
      Observation(R"("effectiveDateTime": "2019")",
                  R"("valueRatio": {"numerator": {"value": 1}})"),
      Observation(R"("effectiveDateTime": "2019")",
                  R"("dataAbsentReason": {"text": "patient refused"})"),
  });
  auto r = ReadFhirJson(bundle, "b.json");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->events.size(), 9u);
  const auto& ev = r->events;
  // Glucose: the code is 8310-5 in this helper, so use a glucose code: the
  // conversion is per analyte, hence none here.
  EXPECT_EQ(ev[0].event.unit, "mg/dL");
  EXPECT_EQ(ev[0].event.reference_low, 70.0);
  EXPECT_EQ(ev[0].event.reference_high, 99.0);
  EXPECT_FALSE(ev[0].event.source_value.has_value());
  EXPECT_EQ(ev[0].reference_text, "normal");
  EXPECT_EQ(ev[1].event.unit, "Cel");
  EXPECT_NEAR(*ev[1].event.value, 37.0, 1e-9);
  EXPECT_EQ(ev[1].event.source_value, 98.6);
  EXPECT_EQ(ev[1].event.source_unit, "degF");
  // A unit mapped to UCUM keeps the text as written.
  EXPECT_EQ(ev[2].event.unit, "{widgets}");
  EXPECT_EQ(ev[2].event.source_value, 5.0);
  EXPECT_EQ(ev[2].event.source_unit, "widgets");
  EXPECT_EQ(ev[2].event.text, "<");
  EXPECT_EQ(ev[3].event.text, "negative");
  EXPECT_FALSE(ev[3].event.value.has_value());
  EXPECT_EQ(ev[4].event.value, 1.0);
  EXPECT_EQ(ev[4].event.unit, "{Boolean}");
  EXPECT_EQ(ev[5].event.value, 7.0);
  ASSERT_TRUE(ev[6].event.value_code.has_value());
  EXPECT_EQ(ev[6].event.value_code->code, "10828004");
  EXPECT_EQ(ev[6].event.text, "Positive");
  EXPECT_FALSE(ev[7].event.value.has_value());
  EXPECT_EQ(ev[8].event.text, "patient refused");
  EXPECT_THAT(r->warnings, ::testing::Contains(HasSubstr("valueRatio")));

  // The same glucose with its LOINC code converts, bounds too.
  std::string glucose =
      Observation(R"("effectiveDateTime": "2019")",
                  R"("valueQuantity": {"value": 90.08, "unit": "mg/dL",
           "system": "http://unitsofmeasure.org", "code": "mg/dL"},
         "referenceRange": [{"low": {"value": 70, "unit": "mg/dL",
           "system": "http://unitsofmeasure.org", "code": "mg/dL"},
           "high": {"value": 99}}])");
  glucose.replace(glucose.find("8310-5"), 6, "2345-7");
  auto g = ReadFhirJson(glucose, "g.json");
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  ASSERT_EQ(g->events.size(), 1u);
  EXPECT_EQ(g->events[0].event.unit, "mmol/L");
  EXPECT_NEAR(*g->events[0].event.value, 5.0, 1e-9);
  EXPECT_NEAR(*g->events[0].event.reference_low, 70 / 18.016, 1e-9);
  EXPECT_NEAR(*g->events[0].event.reference_high, 99 / 18.016, 1e-9);
  ASSERT_TRUE(g->events[0].event.source_value.has_value());
  EXPECT_DOUBLE_EQ(*g->events[0].event.source_value, 90.08);
  EXPECT_EQ(g->events[0].event.source_unit, "mg/dL");
}

TEST(FhirReaderTest, EncounterAndSkippedTypes) {
  const std::string bundle = Bundle(
      {kPatientP1,
       R"({"resourceType": "Encounter", "id": "e", "status": "finished",
           "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                     "code": "AMB"},
           "type": [{"coding": [{"system": "http://snomed.info/sct",
                                 "code": "185349003"}]}],
           "subject": {"reference": "Patient/p1"},
           "period": {"start": "2019-01-01T10:00:00Z",
                      "end": "2019-01-01T11:00:00Z"}})",
       R"({"resourceType": "Claim", "id": "c", "patient": {"reference": "urn:uuid:u0"}})",
       R"({"resourceType": "Organization", "id": "org"})",
       R"({"resourceType": "Practitioner", "id": "doc", "subject": "weird"})",
       Bundle({R"({"resourceType": "Procedure", "id": "pr",
                   "subject": {"reference": "Patient/p1"},
                   "code": {"coding": [{"system": "http://snomed.info/sct",
                                        "code": "1"}]},
                   "performedDateTime": "2018"})"})},
      "searchset");
  auto r = ReadFhirJson(bundle, "b.json");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->events.size(), 2u);
  const FhirEvent& enc = r->events[0];
  EXPECT_EQ(enc.event.code.code, "185349003");
  ASSERT_TRUE(enc.event.value_code.has_value());
  EXPECT_EQ(enc.event.value_code->code, "AMB");
  EXPECT_EQ(enc.event.end, At("2019-01-01T11:00:00Z"));
  EXPECT_EQ(enc.event.status, "finished");
  EXPECT_EQ(enc.event.source_ref, "Encounter/e");
  EXPECT_EQ(r->events[1].event.origin, "Procedure");
  EXPECT_EQ(r->events[1].event.source_ref, "Procedure/pr");
  EXPECT_EQ(r->events[1].patient_ref, "p1");
  EXPECT_EQ(r->resources_by_type.at("Bundle"), 2);
  EXPECT_EQ(r->skipped_by_type,
            (std::map<std::string, int64_t>{
                {"Claim", 1}, {"Organization", 1}, {"Practitioner", 1}}));
  EXPECT_EQ(r->resources_by_patient.at("p1").at("Claim"), 1);
}

// ---------------------------------------------------------------------------
// Errors: "<file> line L column C (<pointer>): <reason>".

// Line and column (1-based) of byte `offset` of `text`.
std::string LineColumn(std::string_view text, size_t offset) {
  int64_t line = 1, column = 1;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + " column " + std::to_string(column);
}

TEST(FhirReaderErrorTest, WrongTypesNameLineColumnAndPointer) {
  const std::vector<std::string> resources = {
      kPatientP1, kPatientP1, kPatientP1,
      Observation(R"("effectiveDateTime": "2019")",
                  R"("valueQuantity": {"value": "abc", "unit": "kg"})")};
  const std::string text = Bundle(resources);
  auto r = ReadFhirJson(text, "bundle.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(r.status().message(),
            "bundle.json " + LineColumn(text, text.find("\"abc\"")) +
                " (/entry/3/resource/valueQuantity/value): expected a number");

  struct Case {
    std::string extra;
    std::string needle;  // where the error points
    std::string pointer_and_reason;
  };
  const std::vector<Case> cases = {
      {R"("valueQuantity": "abc")", "\"abc\"",
       "(/entry/0/resource/valueQuantity): expected an object"},
      {R"("valueCodeableConcept": {"coding": {"code": "x"}})",
       "{\"code\": \"x\"}",
       "(/entry/0/resource/valueCodeableConcept/coding): expected an array"},
      {R"("valueString": 3)", "3}",
       "(/entry/0/resource/valueString): expected a string"},
      {R"("valueBoolean": "yes")", "\"yes\"",
       "(/entry/0/resource/valueBoolean): expected true or false"},
      {R"("valueInteger": 1.5)", "1.5",
       "(/entry/0/resource/valueInteger): expected an integer"},
      {R"("component": [{"code": {"text": "a"}, "valueQuantity": []}])", "[]}",
       "(/entry/0/resource/component/0/valueQuantity): expected an "
       "object"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.extra);
    const std::string t =
        Bundle({Observation(R"("effectiveDateTime": "2019")", c.extra)});
    auto e = ReadFhirJson(t, "bundle.json");
    ASSERT_FALSE(e.ok());
    EXPECT_EQ(e.status().code(), StatusCode::kDataLoss);
    EXPECT_EQ(e.status().message(), "bundle.json " +
                                        LineColumn(t, t.rfind(c.needle)) + " " +
                                        c.pointer_and_reason);
  }
}

TEST(FhirReaderErrorTest, MalformedDates) {
  for (const std::string bad :
       {"2019-13", "2019-02-30", "19", "2019-03-02T25:00:00Z", "2019/03/02",
        "2019-03-02T10:00:00+15:00", "2019-03-02 10:00", "0000"}) {
    SCOPED_TRACE(bad);
    const std::string t =
        Bundle({Observation(R"("effectiveDateTime": ")" + bad + "\"")});
    auto e = ReadFhirJson(t, "b.json");
    ASSERT_FALSE(e.ok());
    EXPECT_THAT(e.status().message(),
                HasSubstr("(/entry/0/resource/effectiveDateTime): not a FHIR "
                          "dateTime"));
  }
  auto birth = ReadFhirJson(
      R"({"resourceType": "Patient", "birthDate": "1970-01-01T00:00:00Z"})",
      "p.json");
  ASSERT_FALSE(birth.ok());
  EXPECT_EQ(birth.status().message(),
            "p.json line 1 column 42 (/birthDate): not a FHIR date (YYYY, "
            "YYYY-MM or YYYY-MM-DD)");
}

TEST(FhirReaderErrorTest, TruncatedJson) {
  JUMEAU_REQUIRE_TEST_DATA(
      path,
      "fhir/synthea_bundles/"
      "Alberto_Atencio_fc712d1f-5a2e-4407-9c55-a2a2bad623c2.json");
  const std::string full = ReadFileBytes(path);
  for (const size_t cut :
       {size_t{0}, size_t{1}, size_t{5000}, full.size() / 2, full.size() - 3}) {
    SCOPED_TRACE(cut);
    const std::string text = full.substr(0, cut);
    auto r = ReadFhirJson(text, "bundle.json");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
    const std::string& m = r.status().message();
    EXPECT_THAT(m, StartsWith("bundle.json " + LineColumn(text, text.size())));
    EXPECT_THAT(m, HasSubstr("unexpected end of input"));
    if (cut > 5000) {
      // "(/entry/<n>[/resource...]): "
      const size_t open = m.find(" (/entry/");
      ASSERT_NE(open, std::string::npos) << m;
      const size_t close = m.find("): ", open);
      ASSERT_NE(close, std::string::npos) << m;
    }
  }
  // Malformed in the middle: a missing comma.
  std::string broken = full;
  const size_t comma = broken.find(",", broken.find("\"Observation\""));
  broken.erase(comma, 1);
  auto r = ReadFhirJson(broken, "bundle.json");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(),
              StartsWith("bundle.json " + LineColumn(broken, comma + 1)));
  EXPECT_THAT(r.status().message(), HasSubstr("expected ',' or '}'"));
}

TEST(FhirReaderErrorTest, ResourceTypeMissingUnknownOrNotAnObject) {
  {
    const std::string t = Bundle({R"({"id": "x"})"});
    auto r = ReadFhirJson(t, "b.json");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().message(),
              "b.json " + LineColumn(t, t.find("{\"id\"")) +
                  " (/entry/0/resource): missing resourceType");
  }
  {
    const std::string t =
        Bundle({kPatientP1, R"({"resourceType": "Pateint"})"});
    auto r = ReadFhirJson(t, "b.json");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
    EXPECT_EQ(r.status().message(),
              "b.json " + LineColumn(t, t.find("\"Pateint\"")) +
                  " (/entry/1/resource/resourceType): unknown FHIR R4 "
                  "resourceType 'Pateint'");
  }
  {
    auto r = ReadFhirJson(R"([{"resourceType": "Patient"}])", "a.json");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().message(),
              "a.json line 1 column 1: expected a JSON object (a FHIR "
              "resource)");
  }
  {
    auto r = ReadFhirJson(R"({"resourceType": 12})", "a.json");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().message(),
              "a.json line 1 column 18 (/resourceType): expected a string");
  }
  {
    auto r = ReadFhirJson(
        R"({"resourceType": "Bundle", "entry": [{"resource": 5}]})", "a.json");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().message(),
              "a.json line 1 column 51 (/entry/0/resource): expected an "
              "object");
  }
}

TEST(FhirReaderErrorTest, NdjsonErrorsNameTheLine) {
  const std::string ndjson =
      "{\"resourceType\":\"Patient\",\"id\":\"a\"}\n"
      "\n"
      "{\"resourceType\":\"Patient\",\"id\":\"b\"}\n"
      "{\"resourceType\":\"Patient\",\"id\":\"c\",\"gender\":}\n"
      "{\"resourceType\":\"Patient\",\"id\":\"d\"}\n";
  auto r = ReadFhirNdjson(ndjson, "Patient.000.ndjson");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "Patient.000.ndjson line 4 column 45 (/gender): expected a value");
  // A byte order mark is allowed at the start.
  auto bom = ReadFhirNdjson("\xEF\xBB\xBF{\"resourceType\":\"Patient\"}\n",
                            "x.ndjson");
  EXPECT_TRUE(bom.ok()) << bom.status().ToString();
  EXPECT_TRUE(
      ReadFhirJson("\xEF\xBB\xBF{\"resourceType\":\"Patient\"}", "x.json")
          .ok());
  auto missing = ReadFhirNdjson("{\"id\":\"a\"}\n", "x.ndjson");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(),
            "x.ndjson line 1 column 1: missing resourceType");
}

TEST(FhirReaderErrorTest, FilesAndFolders) {
  const auto dir = testing::ScratchDir();
  auto missing = ReadFhir(dir / "nope.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  auto missing_nd = ReadFhir(dir / "nope.ndjson");
  EXPECT_EQ(missing_nd.status().code(), StatusCode::kNotFound);
  auto empty = ReadFhir(dir);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().code(), StatusCode::kNotFound);

  // A folder with a manifest, a log, a bundle and NDJSON over several
  // chunks of the streaming reader (lines longer than nothing special).
  WriteFileBytes(dir / "manifest.json",
                 R"({"transactionTime": "2024-01-01T00:00:00Z",
                     "request": "x", "output": []})");
  WriteFileBytes(dir / "log.ndjson", "{\"eventId\": \"kickoff\"}\n");
  std::string observations;
  for (int i = 0; i < 30000; ++i) {
    observations += "{\"resourceType\":\"Observation\",\"id\":\"o" +
                    std::to_string(i) +
                    "\",\"subject\":{\"reference\":\"Patient/p1\"},"
                    "\"code\":{\"text\":\"x\"},\"effectiveDateTime\":\"2019\","
                    "\"valueQuantity\":{\"value\":" +
                    std::to_string(i) + "}}\n";
  }
  ASSERT_GT(observations.size(), size_t{2} << 20);
  observations.pop_back();  // no final newline
  WriteFileBytes(dir / "Observation.ndjson", observations);
  WriteFileBytes(dir / "Patient.ndjson",
                 "{\"resourceType\": \"Patient\", \"id\": \"p1\"}\n");
  auto r = ReadFhir(dir);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->events.size(), 30000u);
  EXPECT_EQ(r->events.back().event.value, 29999.0);
  for (const FhirEvent& e : r->events) ASSERT_TRUE(e.patient_resolved);
  EXPECT_EQ(r->warnings.size(), 2u);
  // An error deep in the streamed file names its line.
  observations += "\n{\"resourceType\":\"Observation\",\"id\":5}\n";
  WriteFileBytes(dir / "Observation.ndjson", observations);
  auto bad = ReadFhir(dir);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "Observation.ndjson line 30001 column 36 (/id): expected a string");
}

}  // namespace
}  // namespace jumeau::io
