// "risk": SCORE2 and Framingham 2008 from the patient's record as of an
// instant: age from the (generalised) birth date, sex, and the latest
// systolic pressure (LOINC 8480-6), total (2093-3) and HDL (2085-9)
// cholesterol, smoking status (72166-2), diabetes (a Condition coded SNOMED
// CT 44054006, 46635009 or 73211009, or whose display says diabetes) and
// antihypertensive treatment (a MedicationRequest or MedicationStatement
// naming one of the common agents). Each score is an event (code system
// urn:jumeau:analysis, value in %) whose text lists every input with its
// date; missing inputs are named in the run's notes.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>

#include "jumeau/analysis/risk.h"
#include "jumeau/core/ucum_conversion.h"
#include "jumeau/derive/internal/derived_source.h"

namespace jumeau::derive::internal {
namespace {

std::string Lower(std::string s) {
  for (char& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Day(Time t) { return FormatIso8601(t).substr(0, 10); }

// A value from the record and when it was measured.
struct Input {
  double value = 0;
  Time time;
  std::string text;  // for the result's text: "131 mm[Hg] (2019-03-02)"
};

// The latest numeric event of `code` before `as_of`, in `unit` (converted
// with the UCUM table when the record holds another unit).
Result<std::optional<Input>> Latest(store::Store& store, store::PatientId p,
                                    const char* code, const char* unit,
                                    Time as_of) {
  store::EventQuery q;
  q.code = code;
  q.to = as_of + Duration::Nanoseconds(1);
  JUMEAU_ASSIGN_OR_RETURN(const auto events, store.Events(p, q));
  for (auto it = events.rbegin(); it != events.rend(); ++it) {
    const Event& e = it->event;
    if (!e.value) continue;
    std::optional<double> v = ConvertUcum(code, *e.value, e.unit, unit);
    if (!v) continue;
    char text[96];
    std::snprintf(text, sizeof text, "%.4g %s (%s)", *v, unit,
                  Day(e.time).c_str());
    return std::optional<Input>(Input{*v, e.time, text});
  }
  return std::optional<Input>();
}

// Current smoker per the latest 72166-2 (SNOMED CT current-smoker codes or a
// display saying so).
Result<std::optional<Input>> Smoking(store::Store& store, store::PatientId p,
                                     Time as_of) {
  store::EventQuery q;
  q.code = "72166-2";
  q.to = as_of + Duration::Nanoseconds(1);
  JUMEAU_ASSIGN_OR_RETURN(const auto events, store.Events(p, q));
  if (events.empty()) return std::optional<Input>();
  const Event& e = events.back().event;
  const std::string code = e.value_code ? e.value_code->code : "";
  const std::string text = Lower(e.value_code ? e.value_code->display : e.text);
  const bool current = code == "449868002" || code == "428041000124106" ||
                       code == "77176002" || code == "428071000124103" ||
                       code == "428061000124105" ||
                       (text.find("smoker") != std::string::npos &&
                        text.find("never") == std::string::npos &&
                        text.find("former") == std::string::npos &&
                        text.find("ex-") == std::string::npos);
  return std::optional<Input>(
      Input{current ? 1.0 : 0.0, e.time,
            std::string(current ? "current smoker" : "not a current smoker") +
                " (" + Day(e.time) + ")"});
}

// The first event of `origins` before `as_of` whose code or display matches.
Result<std::optional<Input>> FirstMatching(
    store::Store& store, store::PatientId p, Time as_of,
    std::initializer_list<const char*> origins,
    std::initializer_list<const char*> codes,
    std::initializer_list<const char*> words) {
  std::optional<Input> found;
  for (const char* origin : origins) {
    store::EventQuery q;
    q.origin = origin;
    q.to = as_of + Duration::Nanoseconds(1);
    JUMEAU_ASSIGN_OR_RETURN(const auto events, store.Events(p, q));
    for (const auto& se : events) {
      const Event& e = se.event;
      if (e.status == "resolved" || e.status == "entered-in-error" ||
          e.status == "inactive")
        continue;
      bool match = std::any_of(codes.begin(), codes.end(),
                               [&](const char* c) { return e.code.code == c; });
      const std::string display = Lower(e.code.display + " " + e.text);
      for (const char* w : words)
        match = match || display.find(w) != std::string::npos;
      if (match && (!found || e.time < found->time)) {
        found = Input{1.0, e.time, e.code.display + " (" + Day(e.time) + ")"};
      }
    }
  }
  return found;
}

// The birth date as the store keeps it: "1958", "1958-05" or "1958-05-02"
// (missing parts are 1). nullopt for anything else.
std::optional<CivilTime> ParseBirth(std::string_view text) {
  CivilTime c;
  auto number = [&text](size_t at, size_t width, int* out) {
    if (text.size() < at + width) return false;
    const char* first = text.data() + at;
    const auto [end, ec] = std::from_chars(first, first + width, *out);
    return ec == std::errc() && end == first + width;
  };
  const bool ok =
      (text.size() == 4 && number(0, 4, &c.year)) ||
      (text.size() == 7 && text[4] == '-' && number(0, 4, &c.year) &&
       number(5, 2, &c.month)) ||
      (text.size() == 10 && text[4] == '-' && text[7] == '-' &&
       number(0, 4, &c.year) && number(5, 2, &c.month) && number(8, 2, &c.day));
  if (!ok || !ValidCivil(c)) return std::nullopt;
  return c;
}

std::string Percent(double fraction) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f%%", 100 * fraction);
  return text;
}

}  // namespace

Status RunRisk(store::Store& store, const store::PatientInfo& patient,
               const AnalyzeOptions& options, AnalysisRun* run) {
  // As of the given instant, else of the latest of the measured inputs
  // (derived results such as a stored polygenic score do not move it).
  Time as_of =
      options.as_of.value_or(Time{std::numeric_limits<int64_t>::max() - 1});
  JUMEAU_ASSIGN_OR_RETURN(auto sbp,
                          Latest(store, patient.id, "8480-6", "mm[Hg]", as_of));
  JUMEAU_ASSIGN_OR_RETURN(auto tc,
                          Latest(store, patient.id, "2093-3", "mmol/L", as_of));
  JUMEAU_ASSIGN_OR_RETURN(auto hdl,
                          Latest(store, patient.id, "2085-9", "mmol/L", as_of));
  if (!options.as_of) {
    as_of = patient.last.value_or(Time{0});
    std::optional<Time> latest;
    for (const auto* input : {&sbp, &tc, &hdl}) {
      if (*input && (!latest || (*input)->time > *latest))
        latest = (*input)->time;
    }
    if (latest) as_of = *latest;
  }
  std::vector<std::string> missing;
  // Age: the birth date as the store keeps it (the year by default: the
  // age is then exact to within a year, counted from mid-year).
  std::optional<double> age;
  if (const auto birth = ParseBirth(patient.birth)) {
    const CivilTime now = ToCivil(as_of);
    const double day_of_year =
        (as_of - FromCivil(CivilTime{now.year, 1, 1})).seconds() / 86400.0;
    // Mid-year when only the year is kept.
    const double born_day =
        patient.birth.size() >= 10
            ? (FromCivil(*birth) - FromCivil(CivilTime{birth->year, 1, 1}))
                      .seconds() /
                  86400.0
            : 182.5;
    age = (now.year - birth->year) + (day_of_year - born_day) / 365.25;
  } else {
    missing.push_back("birth date");
  }
  const bool male = patient.sex == "male";
  if (patient.sex != "male" && patient.sex != "female")
    missing.push_back("sex");
  JUMEAU_ASSIGN_OR_RETURN(auto smoking, Smoking(store, patient.id, as_of));
  JUMEAU_ASSIGN_OR_RETURN(
      auto diabetes,
      FirstMatching(store, patient.id, as_of, {"Condition"},
                    {"44054006", "46635009", "73211009"}, {"diabet"}));
  JUMEAU_ASSIGN_OR_RETURN(
      auto treatment,
      FirstMatching(
          store, patient.id, as_of,
          {"MedicationRequest", "MedicationStatement"}, {},
          {"lisinopril", "enalapril", "ramipril", "perindopril", "losartan",
           "valsartan", "candesartan", "irbesartan", "amlodipine", "nifedipine",
           "hydrochlorothiazide", "chlorthalidone", "indapamide", "metoprolol",
           "atenolol", "bisoprolol", "carvedilol"}));
  if (!sbp) missing.push_back("systolic pressure (LOINC 8480-6)");
  if (!tc) missing.push_back("total cholesterol (LOINC 2093-3)");
  if (!hdl) missing.push_back("HDL cholesterol (LOINC 2085-9)");
  if (!smoking) missing.push_back("smoking status (LOINC 72166-2)");

  JUMEAU_ASSIGN_OR_RETURN(DerivedSource out,
                          DerivedSource::Begin(store, patient, run));
  if (!missing.empty()) {
    std::string list;
    for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
    run->notes.push_back("risk not computed: the record has no " + list);
    return out.Commit();
  }
  char age_text[64];
  std::snprintf(age_text, sizeof age_text, "age %.1f (born %s)", *age,
                patient.birth.c_str());
  const std::string inputs =
      std::string(age_text) + ", " + patient.sex + ", systolic " + sbp->text +
      ", total cholesterol " + tc->text + ", HDL " + hdl->text + ", " +
      smoking->text +
      ", diabetes: " + (diabetes ? diabetes->text : "none recorded") +
      ", antihypertensive: " + (treatment ? treatment->text : "none recorded");
  std::vector<Event> events;
  analysis::Score2Inputs s2;
  s2.age_years = *age;
  s2.sex = male ? analysis::Sex::kMale : analysis::Sex::kFemale;
  s2.current_smoker = smoking->value > 0;
  s2.systolic_mmhg = sbp->value;
  s2.total_cholesterol_mmol_per_l = tc->value;
  s2.hdl_cholesterol_mmol_per_l = hdl->value;
  s2.diabetes = diabetes.has_value();
  s2.region = options.region;
  static constexpr const char* kRegions[] = {"low", "moderate", "high",
                                             "very high"};
  const char* region = kRegions[static_cast<int>(options.region)];
  if (auto risk = analysis::Score2Risk(s2); risk.ok()) {
    Event e;
    e.time = as_of;
    e.code = Code{kJumeauAnalysis, "SCORE2",
                  "SCORE2 10-year risk of fatal and non-fatal CVD"};
    e.value = std::round(*risk * 10000) / 100;
    e.unit = "%";
    e.text = inputs + "; " + region + "-risk region";
    events.push_back(e);
    run->results.push_back("SCORE2 " + Percent(*risk) + " (" + region +
                           "-risk region)");
  } else {
    run->notes.push_back("SCORE2 not computed: " + risk.status().message());
  }
  analysis::FraminghamInputs f;
  f.age_years = *age;
  f.sex = s2.sex;
  f.current_smoker = s2.current_smoker;
  f.diabetes = s2.diabetes;
  f.systolic_mmhg = sbp->value;
  f.treated_hypertension = treatment.has_value();
  f.total_cholesterol_mg_per_dl = tc->value * 38.67;
  f.hdl_cholesterol_mg_per_dl = hdl->value * 38.67;
  if (auto risk = analysis::Framingham2008Risk(f); risk.ok()) {
    Event e;
    e.time = as_of;
    e.code = Code{kJumeauAnalysis, "Framingham-2008-CVD",
                  "Framingham 2008 10-year general CVD risk"};
    e.value = std::round(*risk * 10000) / 100;
    e.unit = "%";
    e.text = inputs;
    events.push_back(e);
    run->results.push_back("Framingham 2008 " + Percent(*risk));
  } else {
    run->notes.push_back("Framingham not computed: " + risk.status().message());
  }
  run->results.push_back("inputs: " + inputs);
  JUMEAU_RETURN_IF_ERROR(out.AddEvents(std::move(events)));
  return out.Commit();
}

}  // namespace jumeau::derive::internal
