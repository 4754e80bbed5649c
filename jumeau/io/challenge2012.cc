// PhysioNet Challenge 2012 ICU stay and Outcomes readers, and the one
// parameter → LOINC/UCUM table. Sources of every code and unit:
// docs/formats-csv.md ("Challenge 2012 parameters").
#include "jumeau/io/challenge2012.h"

#include <array>
#include <charconv>
#include <cmath>

#include "jumeau/io/internal/csv.h"
#include "jumeau/io/internal/message.h"
#include "jumeau/io/internal/wfdb_files.h"

namespace jumeau::io {
namespace {

using internal::QuoteForMessage;
using internal::TrimSpaces;

constexpr char kLoinc[] = "http://loinc.org";
constexpr size_t kMaxWarnings = 50;
constexpr int64_t kMaxAbsOriginNs = int64_t{1} << 62;

// Names and units: the Challenge 2012 page (physionet.org/content/
// challenge-2012/1.0.0/). Codes: LOINC (loinc.org); see docs/formats-csv.md
// for the choices (non-invasive pressures on the generic vital-sign codes,
// arterial-line pressures on the "Invasive" codes, Mg in mg/dL).
constexpr std::array<Challenge2012Parameter, 42> kParameters = {{
    // General descriptors.
    {"RecordID", "", "", "", "", "Unique integer for each ICU stay"},
    {"Age", kLoinc, "30525-0", "Age", "a", "Age (years)"},
    {"Gender", kLoinc, "46098-0", "Sex", "1", "Gender (0: female, 1: male)"},
    {"Height", kLoinc, "8302-2", "Body height", "cm", "Height (cm)"},
    {"ICUType", kChallenge2012System, "ICUType", "ICU type", "1",
     "ICU type (1: Coronary Care Unit, 2: Cardiac Surgery Recovery Unit, 3: "
     "Medical ICU, 4: Surgical ICU)"},
    {"Weight", kLoinc, "29463-7", "Body weight", "kg", "Weight (kg)"},
    // Time series.
    {"Albumin", kLoinc, "1751-7", "Albumin [Mass/volume] in Serum or Plasma",
     "g/dL", "Albumin (g/dL)"},
    {"ALP", kLoinc, "6768-6",
     "Alkaline phosphatase [Enzymatic activity/volume] in Serum or Plasma",
     "U/L", "Alkaline phosphatase (IU/L)"},
    {"ALT", kLoinc, "1742-6",
     "Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma",
     "U/L", "Alanine transaminase (IU/L)"},
    {"AST", kLoinc, "1920-8",
     "Aspartate aminotransferase [Enzymatic activity/volume] in Serum or "
     "Plasma",
     "U/L", "Aspartate transaminase (IU/L)"},
    {"Bilirubin", kLoinc, "1975-2",
     "Bilirubin.total [Mass/volume] in Serum or Plasma", "mg/dL",
     "Bilirubin (mg/dL)"},
    {"BUN", kLoinc, "3094-0", "Urea nitrogen [Mass/volume] in Serum or Plasma",
     "mg/dL", "Blood urea nitrogen (mg/dL)"},
    {"Cholesterol", kLoinc, "2093-3",
     "Cholesterol [Mass/volume] in Serum or Plasma", "mg/dL",
     "Cholesterol (mg/dL)"},
    {"Creatinine", kLoinc, "2160-0",
     "Creatinine [Mass/volume] in Serum or Plasma", "mg/dL",
     "Serum creatinine (mg/dL)"},
    {"DiasABP", kLoinc, "76213-8", "Invasive Diastolic blood pressure",
     "mm[Hg]", "Invasive diastolic arterial blood pressure (mmHg)"},
    {"FiO2", kLoinc, "3150-0", "Inhaled oxygen concentration", "1",
     "Fractional inspired O2 (0-1)"},
    {"GCS", kLoinc, "9269-2", "Glasgow coma score total", "{score}",
     "Glasgow Coma Score (3-15)"},
    {"Glucose", kLoinc, "2345-7", "Glucose [Mass/volume] in Serum or Plasma",
     "mg/dL", "Serum glucose (mg/dL)"},
    {"HCO3", kLoinc, "1963-8", "Bicarbonate [Moles/volume] in Serum or Plasma",
     "mmol/L", "Serum bicarbonate (mmol/L)"},
    {"HCT", kLoinc, "20570-8", "Hematocrit [Volume Fraction] of Blood", "%",
     "Hematocrit (%)"},
    {"HR", kLoinc, "8867-4", "Heart rate", "/min", "Heart rate (bpm)"},
    {"K", kLoinc, "2823-3", "Potassium [Moles/volume] in Serum or Plasma",
     "meq/L", "Serum potassium (mEq/L)"},
    {"Lactate", kLoinc, "32693-4", "Lactate [Moles/volume] in Blood", "mmol/L",
     "Lactate (mmol/L)"},
    {"Mg", kLoinc, "19123-9", "Magnesium [Mass/volume] in Serum or Plasma",
     "mg/dL", "Serum magnesium (documented as mmol/L; values are mg/dL)"},
    {"MAP", kLoinc, "76214-6", "Invasive Mean blood pressure", "mm[Hg]",
     "Invasive mean arterial blood pressure (mmHg)"},
    {"MechVent", kChallenge2012System, "MechVent", "Mechanical ventilation",
     "{Boolean}", "Mechanical ventilation respiration (0: false, 1: true)"},
    {"Na", kLoinc, "2951-2", "Sodium [Moles/volume] in Serum or Plasma",
     "meq/L", "Serum sodium (mEq/L)"},
    {"NIDiasABP", kLoinc, "8462-4", "Diastolic blood pressure", "mm[Hg]",
     "Non-invasive diastolic arterial blood pressure (mmHg)"},
    {"NIMAP", kLoinc, "8478-0", "Mean blood pressure", "mm[Hg]",
     "Non-invasive mean arterial blood pressure (mmHg)"},
    {"NISysABP", kLoinc, "8480-6", "Systolic blood pressure", "mm[Hg]",
     "Non-invasive systolic arterial blood pressure (mmHg)"},
    {"PaCO2", kLoinc, "2019-8",
     "Carbon dioxide [Partial pressure] in Arterial blood", "mm[Hg]",
     "Partial pressure of arterial CO2 (mmHg)"},
    {"PaO2", kLoinc, "2703-7", "Oxygen [Partial pressure] in Arterial blood",
     "mm[Hg]", "Partial pressure of arterial O2 (mmHg)"},
    {"pH", kLoinc, "2744-1", "pH of Arterial blood", "[pH]",
     "Arterial pH (0-14)"},
    {"Platelets", kLoinc, "777-3",
     "Platelets [#/volume] in Blood by Automated count", "10*3/uL",
     "Platelets (cells/nL)"},
    {"RespRate", kLoinc, "9279-1", "Respiratory rate", "/min",
     "Respiration rate (bpm)"},
    {"SaO2", kLoinc, "2708-6", "Oxygen saturation in Arterial blood", "%",
     "O2 saturation in hemoglobin (%)"},
    {"SysABP", kLoinc, "76215-3", "Invasive Systolic blood pressure", "mm[Hg]",
     "Invasive systolic arterial blood pressure (mmHg)"},
    {"Temp", kLoinc, "8310-5", "Body temperature", "Cel", "Temperature (°C)"},
    {"TroponinI", kLoinc, "10839-9",
     "Troponin I.cardiac [Mass/volume] in Serum or Plasma", "ug/L",
     "Troponin-I (ug/L)"},
    {"TroponinT", kLoinc, "6598-7",
     "Troponin T.cardiac [Mass/volume] in Serum or Plasma", "ug/L",
     "Troponin-T (ug/L)"},
    {"Urine", kLoinc, "9187-6", "Urine output", "mL", "Urine output (mL)"},
    {"WBC", kLoinc, "6690-2",
     "Leukocytes [#/volume] in Blood by Automated count", "10*3/uL",
     "White blood cell count (cells/nL)"},
}};

constexpr std::string_view kStayHeader = "Time,Parameter,Value";
constexpr std::string_view kOutcomesHeader =
    "RecordID,SAPS-I,SOFA,Length_of_stay,Survival,In-hospital_death";

const char* IcuTypeName(int type) {
  switch (type) {
    case 1:
      return "Coronary Care Unit";
    case 2:
      return "Cardiac Surgery Recovery Unit";
    case 3:
      return "Medical ICU";
    case 4:
      return "Surgical ICU";
    default:
      return nullptr;
  }
}

bool IsDescriptor(std::string_view name) {
  return name == "RecordID" || name == "Age" || name == "Gender" ||
         name == "Height" || name == "ICUType" || name == "Weight";
}

// The header line with spaces around fields removed.
std::string NormalisedHeader(std::string_view bytes) {
  const std::string_view line = internal::FirstContentLine(bytes, 0);
  std::string out;
  size_t start = 0;
  while (true) {
    const size_t comma = line.find(',', start);
    out += TrimSpaces(line.substr(start, comma - start));
    if (comma == std::string_view::npos) break;
    out += ',';
    start = comma + 1;
  }
  return out;
}

bool ParseInt(std::string_view text, int* out) {
  int v = 0;
  const auto [p, ec] =
      std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || text.empty()) {
    return false;
  }
  *out = v;
  return true;
}

}  // namespace

std::span<const Challenge2012Parameter> Challenge2012Parameters() {
  return kParameters;
}

const Challenge2012Parameter* FindChallenge2012Parameter(
    std::string_view name) {
  for (const Challenge2012Parameter& p : kParameters) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

bool LooksLikeChallenge2012(std::string_view bytes) {
  return NormalisedHeader(bytes) == kStayHeader;
}

bool LooksLikeChallenge2012Outcomes(std::string_view bytes) {
  return NormalisedHeader(bytes) == kOutcomesHeader;
}

Result<Challenge2012Stay> ReadChallenge2012FromMemory(
    std::string_view bytes, std::string_view name,
    const Challenge2012Options& options) {
  if (options.origin.ns_since_epoch > kMaxAbsOriginNs ||
      options.origin.ns_since_epoch < -kMaxAbsOriginNs) {
    return InvalidArgumentError("Challenge 2012: origin out of range");
  }
  const std::string prefix = std::string(name) + " line ";
  auto fail = [&](int64_t line, std::string reason) {
    return DataLossError(prefix + std::to_string(line) + ": " + reason);
  };
  Challenge2012Stay stay;
  Recording& recording = stay.recording;
  recording.format = "Challenge2012";
  recording.start = options.origin;
  size_t dropped_warnings = 0;
  auto warn = [&](std::string text) {
    if (recording.warnings.size() < kMaxWarnings) {
      recording.warnings.push_back(std::move(text));
    } else {
      ++dropped_warnings;
    }
  };

  internal::CsvTokenizer tokenizer(bytes, name, ',', 0);
  std::vector<std::string_view> fields;
  JUMEAU_ASSIGN_OR_RETURN(const bool has_header, tokenizer.Next(&fields));
  if (!has_header) return DataLossError(std::string(name) + ": empty file");
  {
    std::string header;
    for (size_t i = 0; i < fields.size(); ++i) {
      header += (i ? "," : "") + std::string(fields[i]);
    }
    if (header == kOutcomesHeader) {
      return fail(tokenizer.line(),
                  "this is a Challenge 2012 Outcomes file, not an ICU stay "
                  "(read it with ReadChallenge2012Outcomes)");
    }
    if (header != kStayHeader) {
      return fail(tokenizer.line(), "header " + QuoteForMessage(header) +
                                        " is not 'Time,Parameter,Value'");
    }
  }

  bool seen[6] = {false, false, false, false, false, false};
  bool has_record_id = false;
  while (true) {
    JUMEAU_ASSIGN_OR_RETURN(const bool more, tokenizer.Next(&fields));
    if (!more) break;
    const int64_t line = tokenizer.line();
    if (fields.size() != 3) {
      return fail(line, std::to_string(fields.size()) +
                            " fields, expected 3 (Time,Parameter,Value)");
    }
    Duration elapsed;
    if (!internal::ParseElapsedClock(fields[0], &elapsed)) {
      return fail(line, "column 'Time': " + QuoteForMessage(fields[0]) +
                            " is not an elapsed time HH:MM");
    }
    int64_t when = 0;
    if (__builtin_add_overflow(options.origin.ns_since_epoch, elapsed.ns,
                               &when)) {
      return fail(line, "column 'Time': " + QuoteForMessage(fields[0]) +
                            " is out of range");
    }
    const std::string_view parameter = fields[1];
    const std::string_view text = fields[2];
    // Descriptors are rows at 00:00; the files list the 00:00 rows
    // RecordID first, then by parameter name, descriptors and time series
    // mixed (132551: Age, DiasABP, Gender, ...).
    const bool at_admission = elapsed.ns == 0;

    if (parameter == "RecordID") {
      if (!has_record_id) {
        stay.record_id = std::string(text);
        has_record_id = true;
      } else if (text != stay.record_id) {
        warn("line " + std::to_string(line) + ": a second RecordID " +
             QuoteForMessage(text) + " (kept the first)");
      }
      continue;
    }
    if (text.empty()) {
      ++stay.missing_values;
      warn("line " + std::to_string(line) + ": empty value for " +
           QuoteForMessage(parameter) + " skipped");
      continue;
    }
    internal::Decimal decimal;
    if (!internal::ParseDecimal(text, '.', &decimal)) {
      return fail(line, "column 'Value': " + QuoteForMessage(text) +
                            " is not a number");
    }
    const double value = internal::DecimalToDouble(decimal);
    if (value == -1.0) {
      ++stay.missing_values;  // -1 = missing
      continue;
    }

    Event event;
    event.time = Time{when};
    event.value = value;
    const Challenge2012Parameter* p = FindChallenge2012Parameter(parameter);
    if (p == nullptr) {
      warn("line " + std::to_string(line) + ": unknown parameter " +
           QuoteForMessage(parameter) + " kept with code " +
           kChallenge2012System);
      event.code = Code{kChallenge2012System, std::string(parameter),
                        std::string(parameter)};
      event.unit = "1";
    } else {
      event.code = Code{std::string(p->system), std::string(p->code),
                        std::string(p->display)};
      event.unit = std::string(p->unit);
    }

    const bool integral = decimal.decimals == 0 && std::fabs(value) < 1e9;
    const int as_int = integral ? static_cast<int>(decimal.mantissa) : -1;
    if (parameter == "Gender") {
      if (as_int == 0 || as_int == 1) {
        event.text = as_int == 0 ? "female" : "male";
      } else {
        warn("line " + std::to_string(line) + ": Gender " +
             QuoteForMessage(text) + " is neither 0 nor 1");
      }
    } else if (parameter == "ICUType") {
      const char* icu = IcuTypeName(as_int);
      if (icu != nullptr) {
        event.text = icu;
      } else {
        warn("line " + std::to_string(line) + ": ICUType " +
             QuoteForMessage(text) + " is not 1-4");
      }
    }

    if (at_admission && IsDescriptor(parameter)) {
      const int slot = parameter == "Age"       ? 1
                       : parameter == "Gender"  ? 2
                       : parameter == "Height"  ? 3
                       : parameter == "ICUType" ? 4
                                                : 5;  // Weight
      if (!seen[slot]) {
        seen[slot] = true;
        switch (slot) {
          case 1:
            stay.age_years = value;
            break;
          case 2:
            if (as_int == 0 || as_int == 1) stay.gender = as_int;
            break;
          case 3:
            stay.height_cm = value;
            break;
          case 4:
            if (IcuTypeName(as_int) != nullptr) stay.icu_type = as_int;
            break;
          default:
            stay.weight_kg = value;
            break;
        }
      }
    }
    recording.events.push_back(std::move(event));
  }

  if (!has_record_id) {
    warn("no RecordID row");
  } else {
    const std::string_view base = [&] {
      std::string_view n = name;
      const size_t slash = n.find_last_of('/');
      if (slash != std::string_view::npos) n.remove_prefix(slash + 1);
      const size_t dot = n.find_last_of('.');
      return dot == std::string_view::npos ? n : n.substr(0, dot);
    }();
    bool numeric_stem = !base.empty();
    for (const char c : base) numeric_stem &= c >= '0' && c <= '9';
    if (numeric_stem && base != stay.record_id) {
      warn("RecordID " + QuoteForMessage(stay.record_id) +
           " differs from the file name " + QuoteForMessage(name));
    }
  }
  recording.source_patient_id = stay.record_id;
  recording.source_recording_id = stay.record_id;
  if (dropped_warnings > 0) {
    recording.warnings.push_back(std::to_string(dropped_warnings) +
                                 " more warnings not shown");
  }
  return stay;
}

Result<Challenge2012Stay> ReadChallenge2012(
    const std::filesystem::path& path, const Challenge2012Options& options) {
  JUMEAU_ASSIGN_OR_RETURN(const std::string bytes,
                          internal::ReadWholeFile(path));
  const std::string name = path.string();
  return ReadChallenge2012FromMemory(bytes, name, options);
}

Result<std::vector<Challenge2012Outcome>> ReadChallenge2012OutcomesFromMemory(
    std::string_view bytes, std::string_view name) {
  const std::string prefix = std::string(name) + " line ";
  auto fail = [&](int64_t line, std::string reason) {
    return DataLossError(prefix + std::to_string(line) + ": " + reason);
  };
  internal::CsvTokenizer tokenizer(bytes, name, ',', 0);
  std::vector<std::string_view> fields;
  JUMEAU_ASSIGN_OR_RETURN(const bool has_header, tokenizer.Next(&fields));
  if (!has_header) return DataLossError(std::string(name) + ": empty file");
  std::string header;
  for (size_t i = 0; i < fields.size(); ++i) {
    header += (i ? "," : "") + std::string(fields[i]);
  }
  if (header != kOutcomesHeader) {
    return fail(
        tokenizer.line(),
        "header " + QuoteForMessage(header) + " is not '" +
            std::string(kOutcomesHeader) + "'" +
            (header == kStayHeader ? " (this is an ICU stay file: read it with "
                                     "ReadChallenge2012)"
                                   : ""));
  }
  static constexpr const char* kColumns[] = {"RecordID", "SAPS-I",
                                             "SOFA",     "Length_of_stay",
                                             "Survival", "In-hospital_death"};
  std::vector<Challenge2012Outcome> outcomes;
  while (true) {
    JUMEAU_ASSIGN_OR_RETURN(const bool more, tokenizer.Next(&fields));
    if (!more) break;
    const int64_t line = tokenizer.line();
    if (fields.size() != 6) {
      return fail(line, std::to_string(fields.size()) + " fields, expected 6");
    }
    int values[6] = {0, 0, 0, 0, 0, 0};
    for (int k = 0; k < 6; ++k) {
      if (!ParseInt(fields[static_cast<size_t>(k)], &values[k])) {
        return fail(line, std::string("column '") + kColumns[k] + "': " +
                              QuoteForMessage(fields[static_cast<size_t>(k)]) +
                              " is not an integer");
      }
    }
    if (values[5] != 0 && values[5] != 1) {
      return fail(line, "column 'In-hospital_death': " +
                            QuoteForMessage(fields[5]) + " is neither 0 nor 1");
    }
    Challenge2012Outcome o;
    o.record_id = std::string(fields[0]);
    const auto set = [](int v, std::optional<int>* field) {
      if (v != -1) *field = v;
    };
    set(values[1], &o.saps_i);
    set(values[2], &o.sofa);
    set(values[3], &o.length_of_stay_days);
    set(values[4], &o.survival_days);
    o.in_hospital_death = values[5] == 1;
    o.line = line;
    outcomes.push_back(std::move(o));
  }
  return outcomes;
}

Result<std::vector<Challenge2012Outcome>> ReadChallenge2012Outcomes(
    const std::filesystem::path& path) {
  JUMEAU_ASSIGN_OR_RETURN(const std::string bytes,
                          internal::ReadWholeFile(path));
  const std::string name = path.string();
  return ReadChallenge2012OutcomesFromMemory(bytes, name);
}

std::vector<Event> Challenge2012OutcomeEvents(
    const Challenge2012Outcome& outcome, Time origin) {
  std::vector<Event> events;
  const auto add = [&](const char* code, const char* display, double value,
                       const char* unit, std::optional<int> end_days) {
    Event e;
    e.time = origin;
    e.code = Code{kChallenge2012System, code, display};
    e.value = value;
    e.unit = unit;
    // An end only for plausible spans (0 to 100 years), so that the
    // arithmetic stays far from overflow whatever the file says.
    if (end_days && *end_days >= 0 && *end_days <= 36500) {
      e.end = origin + Duration::Days(*end_days);
    }
    events.push_back(std::move(e));
  };
  if (outcome.saps_i) {
    add("SAPS-I", "SAPS-I score", *outcome.saps_i, "{score}", std::nullopt);
  }
  if (outcome.sofa) {
    add("SOFA", "SOFA score", *outcome.sofa, "{score}", std::nullopt);
  }
  if (outcome.length_of_stay_days) {
    add("Length_of_stay",
        "Length of stay (ICU admission to end of hospital "
        "stay)",
        *outcome.length_of_stay_days, "d", outcome.length_of_stay_days);
  }
  if (outcome.survival_days) {
    add("Survival", "Survival (ICU admission to recorded death)",
        *outcome.survival_days, "d", outcome.survival_days);
  }
  add("In-hospital_death", "In-hospital death",
      outcome.in_hospital_death ? 1.0 : 0.0, "{Boolean}", std::nullopt);
  return events;
}

}  // namespace jumeau::io
