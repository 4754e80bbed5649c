// The synthetic clinical history of the example patient: a Synthea-like life
// of yearly check-ups (vital signs, body measures, labs), essential
// hypertension diagnosed when the blood pressure first reaches 140/90, an
// antihypertensive from then on, and the Holter ECG of the example's ECG
// day. Part of jumeau/synth: BuildHistory is the pure model;
// FormatHistoryBundle writes it as a FHIR R4 transaction Bundle (JSON) that
// jumeau/io/fhir.h reads back.
//
// Model, per check-up at age a (years, fractional):
//   systolic   110 + 0.55 (a - 20) + 0.008 (a - 20)^2 mm[Hg], diastolic
//              70 + 0.35 (a - 20) + 0.004 (a - 20)^2, each + N(0, 3) /
//              N(0, 2); at the check-ups after the antihypertensive was
//              prescribed, -12 / -7. Whole mm[Hg].
//   heart rate N(resting, 3) /min, whole; body weight 70 + 0.3 (a - 20) kg
//              up to age 60, then flat, + N(0, 0.8), one decimal; height
//              176 cm, -0.1 cm a year after 50, one decimal; BMI from both.
//   labs       from age 30: total cholesterol 165 + 1.1 (a - 30) + N(0, 10)
//              mg/dL, fasting glucose 86 + 0.25 (a - 30) + N(0, 5) mg/dL,
//              HDL cholesterol 30 + 0.1 x total cholesterol mg/dL.
//   smoking    "never smoker" (LOINC 72166-2, SNOMED CT 266919005) at every
//              check-up.
// Diagnosis: at the first check-up with systolic >= 140 or diastolic >= 90.
// The numbers are plausible adult values, not fitted to any dataset.
#ifndef JUMEAU_SYNTH_HISTORY_H_
#define JUMEAU_SYNTH_HISTORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "jumeau/core/status.h"
#include "jumeau/core/time.h"

namespace jumeau::synth {

// The tag marking every generated FHIR resource (the Bundle, the Patient and
// each entry's resource) as synthetic: meta.tag {system, code}.
inline constexpr char kSyntheticTagSystem[] = "urn:jumeau:synthetic";
inline constexpr char kSyntheticTagCode[] = "synthetic";
// Patient.identifier system of the synthetic medical-record number.
inline constexpr char kExampleMrnSystem[] = "urn:jumeau:example:mrn";

// What the Holter ECG of the history says (the example passes its ECG).
struct HolterSummary {
  Time start;         // hook-up, the ECG's first sample
  Duration duration;  // the record's length
  // Mean heart rate over the record (bpm) and the beat count.
  double mean_heart_rate_bpm = 70.0;
  int64_t beats = 0;
};

// Options of the history. Identical options give identical output.
struct HistoryOptions {
  // Seed (used as is: the example passes one derived from its own).
  // Default 1.
  uint64_t seed = 1;
  // Year of birth; month and day come from the seed. Default 1958. Valid:
  // 1900-2040, and the first check-up (age 18) no later than end_year.
  int birth_year = 1958;
  // Last year with a check-up. Default 2021. Valid: birth_year + 18 ..
  // 2100.
  int end_year = 2021;
  // Resting heart rate of the check-ups (bpm). Default 70. Valid: 40-120.
  double resting_heart_rate_bpm = 70.0;
  // The person's course of blood pressure with age: the typical course
  // (systolic 110 + 0.55 a + 0.008 a^2 mm[Hg], a = age - 20 years) is read
  // at a = pace * (age - 20) + shift, so a pace above 1 ages the arteries
  // faster and a positive shift starts ahead. Defaults 1 and 0 (the typical
  // course). Valid: pace 0.25-4, shift -40..40 years.
  double blood_pressure_pace = 1.0;
  double blood_pressure_shift_years = 0.0;
  // The Holter ECG. Unset: no Holter. Set: its start must fall in a year
  // with a check-up (age 18 .. end_year); that year's check-up is on the
  // Holter day, just before the hook-up, and its duration at most 48 hours.
  std::optional<HolterSummary> holter;
};

// One yearly check-up and what was measured (whole or one-decimal values as
// written to the JSON).
struct CheckUp {
  Time start;  // Encounter.period.start; observations are at start + 10 min
  Time end;    // start + 30 min
  double age_years = 0;
  int systolic_mmhg = 0;
  int diastolic_mmhg = 0;
  int heart_rate_bpm = 0;
  double weight_kg = 0;
  double height_cm = 0;
  double bmi_kg_m2 = 0;
  // Labs, from age 30 only.
  std::optional<int> cholesterol_mg_dl;
  std::optional<int> hdl_mg_dl;  // HDL cholesterol, mg/dL (with the labs)
  std::optional<int> glucose_mg_dl;
  bool on_medication = false;  // the antihypertensive was taken before it
};

// The generated history: a person and their check-ups in time order.
struct ClinicalHistory {
  // Synthetic identity (deterministic from the seed). These exist so that
  // tests can check that Jumeau never stores them in clear.
  std::string given_name;
  std::string family_name;
  std::string address_line;
  std::string city;
  std::string postal_code;
  std::string phone;
  std::string mrn;       // identifier value under kExampleMrnSystem
  CivilTime birth_date;  // year, month, day
  std::string gender = "male";
  std::vector<CheckUp> check_ups;
  // Index in check_ups of the diagnosis (first BP >= 140/90), or -1 when the
  // pressure never got there. The prescription is made at that check-up.
  int diagnosis_index = -1;
  // Index of the Holter day's check-up, or -1.
  int holter_index = -1;
  std::optional<HolterSummary> holter;
};

// Returns ok when `options` is valid, else kInvalidArgument naming the
// field.
Status ValidateHistoryOptions(const HistoryOptions& options);

// Generates the history. Pure and deterministic.
// Returns kInvalidArgument when `options` is invalid.
Result<ClinicalHistory> BuildHistory(const HistoryOptions& options);

// The FHIR R4 transaction Bundle of `history` as JSON (2-space indent,
// keys in a fixed order, LF line ends, a final newline): one entry per
// resource with a "urn:uuid:" fullUrl (UUIDs drawn from `seed`) and
// request {method POST, url <type>}, in this order: Patient; per check-up an
// Encounter (SNOMED 185349003 check-up, class AMB) then its Observations
// (blood-pressure panel LOINC 85354-9 with components 8480-6 / 8462-4 in
// mm[Hg], heart rate 8867-4 /min, body height 8302-2 cm, body weight
// 29463-7 kg, BMI 39156-5 kg/m2, and from age 30 total cholesterol 2093-3
// and glucose 2339-0 in mg/dL), at the diagnosis check-up the Condition
// (SNOMED 38341003, text "Essential hypertension", onset = that check-up)
// and the MedicationRequest (RxNorm 314076 lisinopril 10 MG Oral Tablet,
// authoredOn = that check-up), at the Holter check-up a Procedure (SNOMED
// 29303009, performedPeriod = the record), an Observation of the record's
// mean heart rate (8867-4) and a DiagnosticReport (LOINC 11524-6) pointing
// to it. Every resource carries meta.tag kSyntheticTagSystem /
// kSyntheticTagCode. Times are UTC ("2019-03-02T08:00:00Z").
// REQUIRES: `history` came from BuildHistory.
std::string FormatHistoryBundle(const ClinicalHistory& history, uint64_t seed);

}  // namespace jumeau::synth

#endif  // JUMEAU_SYNTH_HISTORY_H_
