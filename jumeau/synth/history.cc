// The synthetic clinical history of history.h: the yearly check-up model
// (BuildHistory) and its FHIR R4 transaction Bundle (FormatHistoryBundle,
// built with nlohmann::ordered_json so that keys keep a fixed order).
#include "jumeau/synth/history.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "jumeau/core/event.h"
#include "jumeau/core/random.h"

namespace jumeau::synth {
namespace {

using Json = nlohmann::ordered_json;

constexpr int64_t kMinuteNs = 60LL * 1000000000LL;
constexpr double kNsPerYear = 365.2425 * 86400.0 * 1e9;
constexpr int kAdultAge = 18;
constexpr int kLabsFromAge = 30;

constexpr char kRxNorm[] = "http://www.nlm.nih.gov/research/umls/rxnorm";
constexpr char kObservationCategory[] =
    "http://terminology.hl7.org/CodeSystem/observation-category";
constexpr char kActCode[] = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

bool IsLeap(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int DaysInYear(int year) { return IsLeap(year) ? 366 : 365; }

double Round1(double v) { return std::round(v * 10.0) / 10.0; }

int RoundInt(double v) { return static_cast<int>(std::lround(v)); }

// Midnight UTC of day `day_of_year` (0-based) of `year`.
Time DayOfYear(int year, int day_of_year) {
  return FromCivil(CivilTime{year, 1, 1}) + Duration::Hours(24 * day_of_year);
}

// A version 4 UUID from two raw draws.
std::string Uuid(Rng& rng) {
  uint64_t hi = rng.NextBits();
  uint64_t lo = rng.NextBits();
  hi = (hi & ~0xF000ULL) | 0x4000ULL;                         // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // RFC 4122
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%08llx-%04llx-%04llx-%04llx-%012llx",
                static_cast<unsigned long long>(hi >> 32),
                static_cast<unsigned long long>((hi >> 16) & 0xFFFF),
                static_cast<unsigned long long>(hi & 0xFFFF),
                static_cast<unsigned long long>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
  return buffer;
}

std::string Date(const CivilTime& c) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", c.year, c.month,
                c.day);
  return buffer;
}

Json Meta() {
  return Json{{"tag", Json::array({Json{{"system", kSyntheticTagSystem},
                                        {"code", kSyntheticTagCode},
                                        {"display", "Synthetic data"}}})}};
}

Json Coding(const char* system, const std::string& code,
            const std::string& display) {
  return Json{{"system", system}, {"code", code}, {"display", display}};
}

Json Concept(const char* system, const std::string& code,
             const std::string& display, const std::string& text) {
  return Json{{"coding", Json::array({Coding(system, code, display)})},
              {"text", text}};
}

Json Reference(const std::string& uuid) {
  return Json{{"reference", "urn:uuid:" + uuid}};
}

// `value`: an integer (written "128") or a double ("72.3").
Json Quantity(Json value, const std::string& ucum) {
  return Json{{"value", std::move(value)},
              {"unit", ucum},
              {"system", code_system::kUcum},
              {"code", ucum}};
}

Json Category(const char* code, const char* display) {
  return Json::array({Json{
      {"coding", Json::array({Coding(kObservationCategory, code, display)})}}});
}

// The bundle being written: entries in order, UUIDs from one stream.
class BundleBuilder {
 public:
  explicit BundleBuilder(uint64_t seed) : rng_(seed) {}

  std::string NewId() { return Uuid(rng_); }

  // Adds `resource` (resourceType first, then id and meta) under `id`.
  void Add(const std::string& type, const std::string& id, Json body) {
    Json resource{{"resourceType", type}, {"id", id}, {"meta", Meta()}};
    for (auto& [key, value] : body.items()) resource[key] = std::move(value);
    entries_.push_back(
        Json{{"fullUrl", "urn:uuid:" + id},
             {"resource", std::move(resource)},
             {"request", Json{{"method", "POST"}, {"url", type}}}});
  }

  Json Finish(const std::string& bundle_id) {
    return Json{{"resourceType", "Bundle"},
                {"id", bundle_id},
                {"meta", Meta()},
                {"type", "transaction"},
                {"entry", std::move(entries_)}};
  }

 private:
  Rng rng_;
  Json entries_ = Json::array();
};

// When an Observation was made: effectiveDateTime at `time`, or
// effectivePeriod [time, end] when `end` is later; issued at the end.
struct Effective {
  Time time;
  Time end;
};

// One Observation with a quantity (or components when `value` is empty).
Json Observation(const std::string& patient, const std::string& encounter,
                 Effective when, const char* category,
                 const char* category_display, Json code,
                 std::optional<Json> value, Json components) {
  Json o{{"status", "final"},
         {"category", Category(category, category_display)},
         {"code", std::move(code)},
         {"subject", Reference(patient)},
         {"encounter", Reference(encounter)}};
  if (when.end > when.time) {
    o["effectivePeriod"] = Json{{"start", FormatIso8601(when.time)},
                                {"end", FormatIso8601(when.end)}};
  } else {
    o["effectiveDateTime"] = FormatIso8601(when.time);
  }
  o["issued"] = FormatIso8601(std::max(when.time, when.end));
  if (value) o["valueQuantity"] = std::move(*value);
  if (!components.empty()) o["component"] = std::move(components);
  return o;
}

}  // namespace

Status ValidateHistoryOptions(const HistoryOptions& o) {
  auto bad = [](const std::string& field, const std::string& why) {
    return InvalidArgumentError("history option " + field + ": " + why);
  };
  if (o.birth_year < 1900 || o.birth_year > 2040) {
    return bad("birth_year",
               std::to_string(o.birth_year) + " is outside 1900-2040");
  }
  if (o.end_year < o.birth_year + kAdultAge || o.end_year > 2100) {
    return bad("end_year",
               std::to_string(o.end_year) + " is outside birth_year + 18 (" +
                   std::to_string(o.birth_year + kAdultAge) + ") .. 2100");
  }
  if (!(o.resting_heart_rate_bpm >= 40.0 &&
        o.resting_heart_rate_bpm <= 120.0)) {
    return bad("resting_heart_rate_bpm", "must be in [40, 120]");
  }
  if (!(o.blood_pressure_pace >= 0.25 && o.blood_pressure_pace <= 4.0)) {
    return bad("blood_pressure_pace", "must be in [0.25, 4]");
  }
  if (!(o.blood_pressure_shift_years >= -40.0 &&
        o.blood_pressure_shift_years <= 40.0)) {
    return bad("blood_pressure_shift_years", "must be in [-40, 40]");
  }
  if (o.holter) {
    const Time lo = FromCivil(CivilTime{o.birth_year + kAdultAge, 1, 1});
    const Time hi = FromCivil(CivilTime{o.end_year + 1, 1, 1});
    if (o.holter->start < lo || o.holter->start >= hi) {
      return bad("holter", "the Holter ECG (" + FormatIso8601(o.holter->start) +
                               ") is not in a year with a check-up (" +
                               std::to_string(o.birth_year + kAdultAge) + "-" +
                               std::to_string(o.end_year) + ")");
    }
    if (o.holter->duration <= Duration{} ||
        o.holter->duration > Duration::Hours(48)) {
      return bad("holter", "duration must be in (0, 48 hours]");
    }
    if (!(o.holter->mean_heart_rate_bpm > 0.0 &&
          o.holter->mean_heart_rate_bpm < 400.0) ||
        o.holter->beats < 0) {
      return bad("holter", "mean heart rate or beat count out of range");
    }
  }
  return Status::Ok();
}

Result<ClinicalHistory> BuildHistory(const HistoryOptions& o) {
  JUMEAU_RETURN_IF_ERROR(ValidateHistoryOptions(o));
  Rng rng(o.seed);
  ClinicalHistory h;

  // Identity. Synthea-style names with digits: plainly not a real person,
  // and easy to search for in a store file.
  static constexpr const char* kGiven[] = {"Camille", "Dominique", "Claude",
                                           "Alix",    "Sacha",     "Maxime"};
  static constexpr const char* kFamily[] = {"Exemple", "Synthese", "Modele",
                                            "Jumelle", "Fictif",   "Essai"};
  static constexpr const char* kStreets[] = {
      "Rue de l'Exemple", "Avenue du Modele", "Place de la Synthese"};
  auto pick = [&rng](auto& table) {
    const size_t n = std::size(table);
    return table[std::min(n - 1, static_cast<size_t>(rng.Uniform() * n))];
  };
  auto digits = [&rng](int count) {
    std::string s;
    for (int i = 0; i < count; ++i) {
      s += static_cast<char>(
          '0' + std::min(9, static_cast<int>(rng.Uniform() * 10.0)));
    }
    return s;
  };
  h.given_name = std::string(pick(kGiven)) + digits(3);
  h.family_name = std::string(pick(kFamily)) + digits(3);
  h.address_line = std::to_string(1 + static_cast<int>(rng.Uniform() * 120.0)) +
                   " " + pick(kStreets);
  h.city = "Lyon";
  h.postal_code = "6900" + digits(1);
  // +33 1 99 00 xx xx: a range French numbering keeps for fiction.
  const std::string line = digits(4);
  h.phone = "+33 1 99 00 " + line.substr(0, 2) + " " + line.substr(2, 2);
  h.mrn = "EX" + digits(8);
  {
    const int day = static_cast<int>(rng.Uniform() * DaysInYear(o.birth_year));
    const CivilTime c = ToCivil(DayOfYear(o.birth_year, day));
    h.birth_date = CivilTime{c.year, c.month, c.day};
  }
  const Time birth = FromCivil(h.birth_date);

  // Person-level traits.
  const double height_cm = 176.0 + 3.0 * rng.Normal();
  const double weight_base_kg = 70.0 + 3.0 * rng.Normal();
  const int holter_year = o.holter ? ToCivil(o.holter->start).year : 0;

  bool medicated = false;
  for (int year = o.birth_year + kAdultAge; year <= o.end_year; ++year) {
    CheckUp c;
    if (o.holter && year == holter_year) {
      c.start = o.holter->start - Duration::Minutes(15);
      h.holter_index = static_cast<int>(h.check_ups.size());
      // Keep the draws per year the same whatever the Holter.
      rng.Uniform();
      rng.Uniform();
    } else {
      const int day = static_cast<int>(rng.Uniform() * DaysInYear(year));
      const int quarter = static_cast<int>(rng.Uniform() * 32.0);  // 8-16 h
      c.start = DayOfYear(year, day) + Duration::Hours(8) +
                Duration::Minutes(15 * quarter);
    }
    c.end = c.start + Duration::Minutes(30);
    c.age_years = static_cast<double>((c.start - birth).ns) / kNsPerYear;
    const double a = o.blood_pressure_pace * (c.age_years - 20.0) +
                     o.blood_pressure_shift_years;
    c.on_medication = medicated;
    double systolic = 110.0 + 0.55 * a + 0.008 * a * a + 3.0 * rng.Normal();
    double diastolic = 70.0 + 0.35 * a + 0.004 * a * a + 2.0 * rng.Normal();
    if (medicated) {
      systolic -= 12.0;
      diastolic -= 7.0;
    }
    c.systolic_mmhg = RoundInt(systolic);
    c.diastolic_mmhg = RoundInt(diastolic);
    c.heart_rate_bpm = RoundInt(o.resting_heart_rate_bpm + 3.0 * rng.Normal());
    const double gain = 0.3 * std::clamp(c.age_years - 20.0, 0.0, 40.0);
    c.weight_kg = Round1(weight_base_kg + gain + 0.8 * rng.Normal());
    c.height_cm = Round1(height_cm - 0.1 * std::max(0.0, c.age_years - 50.0));
    c.bmi_kg_m2 = Round1(c.weight_kg / (c.height_cm * c.height_cm / 1e4));
    const double cholesterol =
        165.0 + 1.1 * (c.age_years - 30.0) + 10.0 * rng.Normal();
    const double glucose =
        86.0 + 0.25 * (c.age_years - 30.0) + 5.0 * rng.Normal();
    if (c.age_years >= kLabsFromAge) {
      c.cholesterol_mg_dl = RoundInt(cholesterol);
      c.glucose_mg_dl = RoundInt(glucose);
      // HDL follows total cholesterol without a draw of its own, so that the
      // other values of the seed stay as they were.
      c.hdl_mg_dl = RoundInt(30.0 + 0.1 * cholesterol);
    }
    if (h.diagnosis_index < 0 &&
        (c.systolic_mmhg >= 140 || c.diastolic_mmhg >= 90)) {
      h.diagnosis_index = static_cast<int>(h.check_ups.size());
      medicated = true;
    }
    h.check_ups.push_back(c);
  }
  h.holter = o.holter;
  return h;
}

std::string FormatHistoryBundle(const ClinicalHistory& h, uint64_t seed) {
  BundleBuilder b(seed);
  const std::string bundle_id = b.NewId();
  const std::string patient = b.NewId();

  Json mrn_type =
      Json{{"coding",
            Json::array({Coding("http://terminology.hl7.org/CodeSystem/v2-0203",
                                "MR", "Medical Record Number")})},
           {"text", "Medical Record Number"}};
  b.Add(
      "Patient", patient,
      Json{
          {"text",
           Json{{"status", "generated"},
                {"div",
                 "<div xmlns=\"http://www.w3.org/1999/xhtml\">Synthetic "
                 "example patient generated by Jumeau; not a real "
                 "person.</div>"}}},
          {"identifier", Json::array({Json{{"type", std::move(mrn_type)},
                                           {"system", kExampleMrnSystem},
                                           {"value", h.mrn}}})},
          {"name", Json::array({Json{{"use", "official"},
                                     {"family", h.family_name},
                                     {"given", Json::array({h.given_name})}}})},
          {"telecom",
           Json::array({Json{
               {"system", "phone"}, {"value", h.phone}, {"use", "home"}}})},
          {"gender", h.gender},
          {"birthDate", Date(h.birth_date)},
          {"address", Json::array({Json{{"use", "home"},
                                        {"line", Json::array({h.address_line})},
                                        {"city", h.city},
                                        {"postalCode", h.postal_code},
                                        {"country", "FR"}}})}});

  const Json loinc_bp = Concept(
      code_system::kLoinc, "85354-9",
      "Blood pressure panel with all children optional", "Blood pressure");
  std::string condition;
  for (size_t i = 0; i < h.check_ups.size(); ++i) {
    const CheckUp& c = h.check_ups[i];
    const bool holter_day = h.holter && static_cast<int>(i) == h.holter_index;
    const std::string encounter = b.NewId();
    b.Add("Encounter", encounter,
          Json{{"status", "finished"},
               {"class", Json{{"system", kActCode},
                              {"code", "AMB"},
                              {"display", "ambulatory"}}},
               {"type", Json::array({Concept(
                            code_system::kSnomed, "185349003",
                            "Encounter for check up (procedure)",
                            holter_day ? "Check-up and Holter ECG hook-up"
                                       : "Check-up")})},
               {"subject", Reference(patient)},
               {"period", Json{{"start", FormatIso8601(c.start)},
                               {"end", FormatIso8601(c.end)}}}});
    const Time t = c.start + Duration::Minutes(10);
    auto vital = [&](const char* code, const char* display, Json value,
                     const char* unit) {
      b.Add(
          "Observation", b.NewId(),
          Observation(patient, encounter, {t, t}, "vital-signs", "Vital signs",
                      Concept(code_system::kLoinc, code, display, display),
                      Quantity(std::move(value), unit), Json::array()));
    };
    Json components = Json::array(
        {Json{{"code",
               Concept(code_system::kLoinc, "8480-6", "Systolic blood pressure",
                       "Systolic blood pressure")},
              {"valueQuantity", Quantity(c.systolic_mmhg, "mm[Hg]")}},
         Json{{"code",
               Concept(code_system::kLoinc, "8462-4",
                       "Diastolic blood pressure", "Diastolic blood pressure")},
              {"valueQuantity", Quantity(c.diastolic_mmhg, "mm[Hg]")}}});
    b.Add("Observation", b.NewId(),
          Observation(patient, encounter, {t, t}, "vital-signs", "Vital signs",
                      loinc_bp, std::nullopt, std::move(components)));
    vital("8867-4", "Heart rate", c.heart_rate_bpm, "/min");
    vital("8302-2", "Body height", c.height_cm, "cm");
    vital("29463-7", "Body weight", c.weight_kg, "kg");
    vital("39156-5", "Body mass index (BMI) [Ratio]", c.bmi_kg_m2, "kg/m2");
    auto lab = [&](const char* code, const char* display, int value) {
      b.Add("Observation", b.NewId(),
            Observation(patient, encounter, {t, t}, "laboratory", "Laboratory",
                        Concept(code_system::kLoinc, code, display, display),
                        Quantity(value, "mg/dL"), Json::array()));
    };
    if (c.cholesterol_mg_dl) {
      lab("2093-3", "Cholesterol [Mass/volume] in Serum or Plasma",
          *c.cholesterol_mg_dl);
    }
    if (c.glucose_mg_dl) {
      lab("2339-0", "Glucose [Mass/volume] in Blood", *c.glucose_mg_dl);
    }
    if (c.hdl_mg_dl) {
      lab("2085-9", "Cholesterol in HDL [Mass/volume] in Serum or Plasma",
          *c.hdl_mg_dl);
    }
    {
      // Smoking status at every check-up, as Synthea records it.
      Json smoking = Observation(
          patient, encounter, {t, t}, "social-history", "Social History",
          Concept(code_system::kLoinc, "72166-2", "Tobacco smoking status",
                  "Tobacco smoking status"),
          std::nullopt, Json::array());
      smoking["valueCodeableConcept"] =
          Concept(code_system::kSnomed, "266919005",
                  "Never smoked tobacco (finding)", "Never smoker");
      b.Add("Observation", b.NewId(), std::move(smoking));
    }

    if (static_cast<int>(i) == h.diagnosis_index) {
      condition = b.NewId();
      const std::string when = FormatIso8601(t);
      b.Add("Condition", condition,
            Json{{"clinicalStatus",
                  Json{{"coding",
                        Json::array({Coding("http://terminology.hl7.org/"
                                            "CodeSystem/condition-clinical",
                                            "active", "Active")})}}},
                 {"verificationStatus",
                  Json{{"coding",
                        Json::array({Coding("http://terminology.hl7.org/"
                                            "CodeSystem/condition-ver-status",
                                            "confirmed", "Confirmed")})}}},
                 {"category",
                  Json::array({Json{
                      {"coding",
                       Json::array({Coding("http://terminology.hl7.org/"
                                           "CodeSystem/condition-category",
                                           "encounter-diagnosis",
                                           "Encounter Diagnosis")})}}})},
                 {"code", Concept(code_system::kSnomed, "38341003",
                                  "Hypertensive disorder, systemic arterial "
                                  "(disorder)",
                                  "Essential hypertension")},
                 {"subject", Reference(patient)},
                 {"encounter", Reference(encounter)},
                 {"onsetDateTime", when},
                 {"recordedDate", when}});
      b.Add("MedicationRequest", b.NewId(),
            Json{{"status", "active"},
                 {"intent", "order"},
                 {"medicationCodeableConcept",
                  Concept(kRxNorm, "314076", "lisinopril 10 MG Oral Tablet",
                          "lisinopril 10 mg oral tablet")},
                 {"subject", Reference(patient)},
                 {"encounter", Reference(encounter)},
                 {"authoredOn", when},
                 {"reasonReference", Json::array({Reference(condition)})},
                 {"dosageInstruction",
                  Json::array({Json{
                      {"sequence", 1},
                      {"text", "1 tablet by mouth once a day"},
                      {"timing", Json{{"repeat", Json{{"frequency", 1},
                                                      {"period", 1},
                                                      {"periodUnit", "d"}}}}},
                      {"doseAndRate",
                       Json::array({Json{
                           {"doseQuantity", Json{{"value", 1},
                                                 {"unit", "tablet"},
                                                 {"system", code_system::kUcum},
                                                 {"code", "{tbl}"}}}}})}}})}});
    }

    if (holter_day) {
      const HolterSummary& holter = *h.holter;
      const Json period{{"start", FormatIso8601(holter.start)},
                        {"end", FormatIso8601(holter.start + holter.duration)}};
      const std::string end = FormatIso8601(holter.start + holter.duration);
      b.Add("Procedure", b.NewId(),
            Json{{"status", "completed"},
                 {"code", Concept(code_system::kSnomed, "29303009",
                                  "Electrocardiographic procedure (procedure)",
                                  "Holter ECG (ambulatory, 2 leads)")},
                 {"subject", Reference(patient)},
                 {"encounter", Reference(encounter)},
                 {"performedPeriod", period},
                 {"note", Json::array({Json{
                              {"text",
                               "Synthetic recording: files ecg.hea, ecg.dat, "
                               "ecg.atr (WFDB record \"ecg\")."}}})}});
      const std::string mean_hr = b.NewId();
      b.Add("Observation", mean_hr,
            Observation(patient, encounter,
                        {holter.start, holter.start + holter.duration},
                        "procedure", "Procedure",
                        Concept(code_system::kLoinc, "8867-4", "Heart rate",
                                "Mean heart rate over the Holter ECG"),
                        Quantity(Round1(holter.mean_heart_rate_bpm), "/min"),
                        Json::array()));
      char conclusion[160];
      std::snprintf(conclusion, sizeof conclusion,
                    "Sinus rhythm, %lld beats, mean heart rate %.1f/min. "
                    "Synthetic recording.",
                    static_cast<long long>(holter.beats),
                    Round1(holter.mean_heart_rate_bpm));
      b.Add(
          "DiagnosticReport", b.NewId(),
          Json{{"status", "final"},
               {"category",
                Json::array({Json{
                    {"coding", Json::array({Coding("http://terminology.hl7.org/"
                                                   "CodeSystem/v2-0074",
                                                   "EC",
                                                   "Electrocardiac (e.g., EKG, "
                                                   "EEC, Holter)")})}}})},
               {"code", Concept(code_system::kLoinc, "11524-6", "EKG study",
                                "Holter ECG report")},
               {"subject", Reference(patient)},
               {"encounter", Reference(encounter)},
               {"effectivePeriod", period},
               {"issued", end},
               {"result", Json::array({Reference(mean_hr)})},
               {"conclusion", conclusion}});
    }
  }
  const Json bundle = b.Finish(bundle_id);
  return bundle.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace jumeau::synth
